package org.ge4j.ops.onnx.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.tensor.T.*;

import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class ReshapeOpsTest {
    @Test void reshapeWithZeroAndMinusOne() {
        Tensor x = iotaF(2, 3, 4);
        Tensor out = run("Reshape", 13, Map.of(), x, i64(new long[] {0, -1}));
        assertThat(out.shape()).containsExactly(2, 12);
        assertThat(out.toFloatArray()).isEqualTo(x.toFloatArray());
        assertThat(run("Reshape", 14, Map.of(), x, i64(new long[] {-1, 2, 2})).shape()).containsExactly(6, 2, 2);
    }

    @Test void reshapeKeepsInt64AndStringsExactly() {
        Tensor big = i64(new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 1L << 53 | 1, -3}, 4);
        assertThat(run("Reshape", 14, Map.of(), big, i64(new long[] {2, 2})).toLongArray())
                .containsExactly(Long.MIN_VALUE, Long.MAX_VALUE, 1L << 53 | 1, -3);
        Tensor s = run("Reshape", 14, Map.of(), str(new String[] {"a", "b", "c", "d"}, 2, 2), i64(new long[] {4}));
        assertThat(s.toStringArray()).containsExactly("a", "b", "c", "d");
    }

    @Test void reshapeAllowZero() {
        Tensor x = Tensor.allocate(DataType.FLOAT, 0, 3);
        assertThat(run("Reshape", 14, attrs("allowzero", 1L), x, i64(new long[] {3, 0})).shape()).containsExactly(3, 0);
        assertThatThrownBy(() -> run("Reshape", 14, attrs("allowzero", 1L), x, i64(new long[] {0, -1})))
                .isInstanceOf(OpException.class).hasMessageContaining("both 0 and -1");
    }

    @Test void reshapeOpset1UsesAttribute() {
        assertThat(run("Reshape", 1, attrs("shape", new long[] {3, 2}), iotaF(2, 3)).shape()).containsExactly(3, 2);
    }

    @Test void reshapeToWrongCountNamesTheNode() {
        assertThatThrownBy(() -> run("Reshape", 13, Map.of(), iotaF(2, 3), i64(new long[] {4, 2})))
                .isInstanceOf(OpException.class).hasMessageContaining("(Reshape)").hasMessageContaining("6 elements").hasMessageContaining("8 elements");
        assertThatThrownBy(() -> run("Reshape", 13, Map.of(), iotaF(2, 3), i64(new long[] {-1, -1})))
                .isInstanceOf(OpException.class).hasMessageContaining("more than one -1");
        assertThatThrownBy(() -> run("Reshape", 13, Map.of(), iotaF(2, 3), i64(new long[] {4, -1})))
                .isInstanceOf(OpException.class).hasMessageContaining("do not divide");
    }

    @Test void reshapeInferenceKeepsSymbolicDims() {
        T.G g = new T.G(17);
        TensorDesc d = g.infer("Reshape", Map.of(), g.input(DataType.FLOAT, "N", 3, 4), g.constant(i64(new long[] {0, -1})));
        assertThat(d.shape()).isEqualTo(Shape.of("N", 12L));

        T.G g2 = new T.G(17);
        assertThat(g2.infer("Reshape", Map.of(), g2.input(DataType.FLOAT, "N", 3, 4), g2.constant(i64(new long[] {-1, 12}))).shape())
                .isEqualTo(Shape.of("N", 12L));

        T.G g3 = new T.G(17);
        assertThat(g3.infer("Reshape", Map.of(), g3.input(DataType.FLOAT, "N", "S", 4), g3.constant(i64(new long[] {0, -1, 2}))).shape())
                .isEqualTo(Shape.of("N", "?", 2L));

        T.G g4 = new T.G(17); // shape not constant: rank from the shape input's length
        assertThat(g4.infer("Reshape", Map.of(), g4.input(DataType.FLOAT, "N", 3), g4.input(DataType.INT64, 3)).shape())
                .isEqualTo(Shape.unknownDims(3));

        T.G g5 = new T.G(17);
        assertThatThrownBy(() -> g5.infer("Reshape", Map.of(), g5.input(DataType.FLOAT, 2, 3), g5.constant(i64(new long[] {5}))))
                .isInstanceOf(OpException.class).hasMessageContaining("cannot reshape");
    }

    @Test void flatten() {
        Tensor x = iotaF(2, 3, 4);
        assertThat(run("Flatten", 13, Map.of(), x).shape()).containsExactly(2, 12);
        assertThat(run("Flatten", 13, attrs("axis", 0L), x).shape()).containsExactly(1, 24);
        assertThat(run("Flatten", 13, attrs("axis", 3L), x).shape()).containsExactly(24, 1);
        assertThat(run("Flatten", 11, attrs("axis", -1L), x).shape()).containsExactly(6, 4);
        assertThat(run("Flatten", 9, attrs("axis", 2L), bool(new boolean[] {true, false, true, false}, 2, 1, 2)).toBooleanArray())
                .containsExactly(true, false, true, false);
        assertThatThrownBy(() -> run("Flatten", 9, attrs("axis", -1L), x)).isInstanceOf(OpException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> run("Flatten", 13, attrs("axis", 4L), x)).isInstanceOf(OpException.class).hasMessageContaining("out of range");

        T.G g = new T.G(13);
        assertThat(g.infer("Flatten", Map.of(), g.input(DataType.FLOAT, "N", 3, 4)).shape()).isEqualTo(Shape.of("N", 12L));
        T.G g2 = new T.G(13);
        assertThat(g2.infer("Flatten", attrs("axis", 2L), g2.input(DataType.FLOAT, "N", 3, 4)).shape()).isEqualTo(Shape.of("?", 4L));
    }

    @Test void squeeze() {
        Tensor x = f16(new double[] {1, 2, 3}, 1, 3, 1);
        Tensor all = run("Squeeze", 13, Map.of(), x);
        assertThat(all.shape()).containsExactly(3);
        assertThat(all.dtype()).isEqualTo(DataType.FLOAT16);
        assertThat(all.toDoubleArray()).containsExactly(1, 2, 3);
        assertThat(run("Squeeze", 13, Map.of(), x, i64(new long[] {-1})).shape()).containsExactly(1, 3);
        assertThat(run("Squeeze", 11, attrs("axes", new long[] {0}), x).shape()).containsExactly(3, 1);
        assertThatThrownBy(() -> run("Squeeze", 13, Map.of(), x, i64(new long[] {1})))
                .isInstanceOf(OpException.class).hasMessageContaining("cannot squeeze axis 1").hasMessageContaining("size is 3");
        assertThatThrownBy(() -> run("Squeeze", 1, attrs("axes", new long[] {-1}), x))
                .isInstanceOf(OpException.class).hasMessageContaining("negative");

        T.G g = new T.G(17);
        assertThat(g.infer("Squeeze", Map.of(), g.input(DataType.FLOAT, "N", 1, 3), g.constant(i64(new long[] {1}))).shape())
                .isEqualTo(Shape.of("N", 3L));
        T.G g2 = new T.G(17); // no axes and a symbolic dim: which dims go is unknown
        assertThat(g2.infer("Squeeze", Map.of(), g2.input(DataType.FLOAT, "N", 1)).shape().hasRank()).isFalse();
    }

    @Test void unsqueeze() {
        Tensor x = str(new String[] {"a", "b"}, 2);
        Tensor out = run("Unsqueeze", 13, Map.of(), x, i64(new long[] {0, -1}));
        assertThat(out.shape()).containsExactly(1, 2, 1);
        assertThat(out.toStringArray()).containsExactly("a", "b");
        assertThat(run("Unsqueeze", 11, attrs("axes", new long[] {2, 0}), iotaF(3)).shape()).containsExactly(1, 3, 1);
        assertThat(run("Unsqueeze", 1, attrs("axes", new long[] {1}), iotaF(3)).shape()).containsExactly(3, 1);
        assertThat(run("Unsqueeze", 13, Map.of(), Tensor.scalar(5L), i64(new long[] {0})).shape()).containsExactly(1);
        assertThatThrownBy(() -> run("Unsqueeze", 13, Map.of(), x, i64(new long[] {1, 1})))
                .isInstanceOf(OpException.class).hasMessageContaining("repeats axis 1");
        assertThatThrownBy(() -> run("Unsqueeze", 13, Map.of(), x, i64(new long[] {3})))
                .isInstanceOf(OpException.class).hasMessageContaining("out of range");

        T.G g = new T.G(17);
        assertThat(g.infer("Unsqueeze", Map.of(), g.input(DataType.FLOAT, "N", 3), g.constant(i64(new long[] {1}))).shape())
                .isEqualTo(Shape.of("N", 1L, 3L));
        T.G g2 = new T.G(11);
        assertThat(g2.infer("Unsqueeze", attrs("axes", new long[] {0}), g2.input(DataType.FLOAT, "N", 3)).shape())
                .isEqualTo(Shape.of(1L, "N", 3L));
    }

    @Test void shapeOfSymbolicThenViewsKeepN() {
        T.G g = new T.G(17);
        var x = g.input(DataType.FLOAT, "N", 3);
        var shape = g.node("Shape", Map.of(), 1, x);
        var reshape = g.node("Reshape", Map.of(), 1, x, g.constant(i64(new long[] {0, 3, 1})));
        var transpose = g.node("Transpose", Map.of(), 1, reshape.output(0));
        var unsq = g.node("Unsqueeze", Map.of(), 1, transpose.output(0), g.constant(i64(new long[] {0})));
        assertThat(g.infer(unsq).shape()).isEqualTo(Shape.of(1L, 1L, 3L, "N"));
        assertThat(shape.output(0).desc()).isEqualTo(TensorDesc.of(DataType.INT64, 2));
        assertThat(reshape.output(0).desc().shape().dim(0)).isEqualTo(Dim.of("N"));
    }
}
