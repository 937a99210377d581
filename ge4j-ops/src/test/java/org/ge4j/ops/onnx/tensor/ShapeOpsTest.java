package org.ge4j.ops.onnx.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.ops.onnx.tensor.T.*;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.OptionalValue;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.TensorSequence;
import org.ge4j.ir.Value;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.Trait;
import org.junit.jupiter.api.Test;

class ShapeOpsTest {
    @Test void identityCopiesEveryKind() {
        Tensor s = str(new String[] {"x", "y"});
        Tensor out = run("Identity", 13, Map.of(), s);
        assertThat(out.toStringArray()).containsExactly("x", "y");

        TensorSequence seq = new TensorSequence(DataType.FLOAT, List.of(f32(new float[] {1}), f32(new float[] {2, 3})));
        Value v = RUNNER.run("Identity", 14, Map.of(), List.of(seq), 1).get(0);
        assertThat(v).isInstanceOf(TensorSequence.class);
        TensorSequence copy = (TensorSequence) v;
        assertThat(copy.size()).isEqualTo(2);
        assertThat(copy.get(1).toFloatArray()).containsExactly(2, 3);
        assertThat(copy.get(0)).isNotSameAs(seq.get(0));

        OptionalValue opt = new OptionalValue(TensorDesc.of(DataType.INT64, 1), i64(new long[] {9}));
        Value o = RUNNER.run("Identity", 16, Map.of(), List.of(opt), 1).get(0);
        assertThat(((Tensor) ((OptionalValue) o).value()).toLongArray()).containsExactly(9);
    }

    @Test void shapeAndSlicedShape() {
        Tensor x = Tensor.allocate(DataType.BOOL, 2, 3, 4);
        assertThat(run("Shape", 13, Map.of(), x).toLongArray()).containsExactly(2, 3, 4);
        assertThat(run("Shape", 15, attrs("start", 1L), x).toLongArray()).containsExactly(3, 4);
        assertThat(run("Shape", 15, attrs("end", -1L), x).toLongArray()).containsExactly(2, 3);
        assertThat(run("Shape", 15, attrs("start", -10L, "end", 10L), x).toLongArray()).containsExactly(2, 3, 4);
        assertThat(run("Shape", 15, attrs("start", 2L, "end", 1L), x).shape()).containsExactly(0);
    }

    @Test void sizeCountsElements() {
        assertThat(run("Size", 13, Map.of(), str(new String[6], 2, 3)).getScalarLong(0)).isEqualTo(6);
        Tensor s = run("Size", 1, Map.of(), Tensor.allocate(DataType.FLOAT16, 0, 5));
        assertThat(s.shape()).isEmpty();
        assertThat(s.getScalarLong(0)).isEqualTo(0);
    }

    @Test void shapeInferenceOnSymbolicInput() {
        T.G g = new T.G(17);
        TensorDesc d = g.infer("Shape", Map.of(), g.input(DataType.FLOAT, "N", 3));
        assertThat(d).isEqualTo(TensorDesc.of(DataType.INT64, 2));
        T.G g2 = new T.G(17);
        assertThat(g2.infer("Shape", attrs("start", -1L), g2.input(DataType.FLOAT, "N", 3, "S"))).isEqualTo(TensorDesc.of(DataType.INT64, 1));
        T.G g3 = new T.G(17);
        assertThat(g3.infer("Size", Map.of(), g3.input(DataType.FLOAT, "N", 3))).isEqualTo(TensorDesc.of(DataType.INT64));
        T.G g4 = new T.G(14);
        assertThat(g4.infer("Identity", Map.of(), g4.input(DataType.STRING, "B", 2)).shape()).isEqualTo(Shape.of(Dim.of("B"), 2L));
    }

    @Test void traits() {
        OpRegistry r = OpRegistry.global();
        assertThat(r.schema("", "Shape", 18).traits()).contains(Trait.SHAPE_ONLY, Trait.PURE);
        assertThat(r.schema("", "Size", 18).traits()).contains(Trait.SHAPE_ONLY, Trait.PURE);
        for (String op : Arrays.asList("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity"))
            assertThat(r.schema("", op, 18).traits()).as(op).contains(Trait.VIEW, Trait.PURE);
        assertThat(r.schema("", "Transpose", 18).traits()).doesNotContain(Trait.VIEW);
    }
}
