package org.ge4j.ops.onnx.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.tensor.T.*;

import java.util.List;
import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class ConstantOpsTest {
    @Test void constantValueTensorIsCopied() {
        Tensor v = i64(new long[] {Long.MAX_VALUE, -7}, 2);
        Tensor out = run("Constant", 13, attrs("value", v));
        assertThat(out.contentEquals(v)).isTrue();
        assertThat(out).isNotSameAs(v);
    }

    @Test void constantScalarAndListAttributes() {
        Tensor f = run("Constant", 13, attrs("value_float", 2.5f));
        assertThat(f.dtype()).isEqualTo(DataType.FLOAT);
        assertThat(f.shape()).isEmpty();
        assertThat(f.getFloat(0)).isEqualTo(2.5f);

        Tensor fs = run("Constant", 13, attrs("value_floats", new float[] {1, 2, 3}));
        assertThat(fs.shape()).containsExactly(3);
        assertThat(fs.toFloatArray()).containsExactly(1, 2, 3);

        Tensor i = run("Constant", 12, attrs("value_int", 42L));
        assertThat(i.dtype()).isEqualTo(DataType.INT64);
        assertThat(i.shape()).isEmpty();
        assertThat(i.getScalarLong(0)).isEqualTo(42);

        Tensor is = run("Constant", 13, attrs("value_ints", new long[] {4, -5}));
        assertThat(is.toLongArray()).containsExactly(4, -5);

        Tensor s = run("Constant", 13, attrs("value_string", "hi"));
        assertThat(s.dtype()).isEqualTo(DataType.STRING);
        assertThat(s.shape()).isEmpty();
        assertThat(s.getString(0)).isEqualTo("hi");

        Tensor ss = run("Constant", 13, attrs("value_strings", List.of("a", "b")));
        assertThat(ss.toStringArray()).containsExactly("a", "b");
    }

    @Test void constantNeedsExactlyOneValue() {
        assertThatThrownBy(() -> run("Constant", 13, attrs("value_int", 1L, "value_float", 1f)))
                .isInstanceOf(OpException.class).hasMessageContaining("value_float").hasMessageContaining("value_int");
        assertThatThrownBy(() -> run("Constant", 13, Map.of())).isInstanceOf(OpException.class).hasMessageContaining("no value attribute");
        assertThatThrownBy(() -> run("Constant", 9, Map.of())).isInstanceOf(OpException.class).hasMessageContaining("'value'");
    }

    @Test void constantOfShapeFillsWithValue() {
        Tensor out = run("ConstantOfShape", 9, attrs("value", i64(new long[] {7}, 1)), i64(new long[] {2, 3}));
        assertThat(out.dtype()).isEqualTo(DataType.INT64);
        assertThat(out.shape()).containsExactly(2, 3);
        assertThat(out.toLongArray()).containsOnly(7);

        Tensor dflt = run("ConstantOfShape", 9, Map.of(), i64(new long[] {2}));
        assertThat(dflt.dtype()).isEqualTo(DataType.FLOAT);
        assertThat(dflt.toFloatArray()).containsExactly(0, 0);

        Tensor b = run("ConstantOfShape", 9, attrs("value", bool(new boolean[] {true}, 1)), i64(new long[] {0}));
        assertThat(b.shape()).containsExactly(0);

        Tensor scalar = run("ConstantOfShape", 9, attrs("value", f16(new double[] {1.5}, 1)), i64(new long[0], 0));
        assertThat(scalar.shape()).isEmpty();
        assertThat(scalar.dtype()).isEqualTo(DataType.FLOAT16);
        assertThat(scalar.getScalarDouble(0)).isEqualTo(1.5);
    }

    @Test void constantOfShapeRejectsNegativeDims() {
        assertThatThrownBy(() -> run("ConstantOfShape", 9, Map.of(), i64(new long[] {2, -1})))
                .isInstanceOf(OpException.class).hasMessageContaining("negative dimension -1");
    }

    @Test void constantOfShapeInference() {
        T.G g = new T.G(17);
        TensorDesc d = g.infer("ConstantOfShape", attrs("value", i64(new long[] {1}, 1)), g.constant(i64(new long[] {4, 5})));
        assertThat(d).isEqualTo(TensorDesc.of(DataType.INT64, 4, 5));
        T.G g2 = new T.G(17);
        TensorDesc d2 = g2.infer("ConstantOfShape", Map.of(), g2.input(DataType.INT64, 3));
        assertThat(d2).isEqualTo(new TensorDesc(DataType.FLOAT, Shape.unknownDims(3)));
    }
}
