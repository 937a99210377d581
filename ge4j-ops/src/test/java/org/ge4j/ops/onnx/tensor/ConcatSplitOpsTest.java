package org.ge4j.ops.onnx.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.tensor.T.*;

import java.util.List;
import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Node;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class ConcatSplitOpsTest {
    @Test void concatAlongEachAxis() {
        Tensor a = iotaF(2, 2), b = f32(new float[] {10, 11}, 2, 1);
        Tensor c1 = run("Concat", 13, attrs("axis", 1L), a, b);
        assertThat(c1.shape()).containsExactly(2, 3);
        assertThat(c1.toFloatArray()).containsExactly(0, 1, 10, 2, 3, 11);
        Tensor c0 = run("Concat", 4, attrs("axis", 0L), a, f32(new float[] {7, 8}, 1, 2));
        assertThat(c0.toFloatArray()).containsExactly(0, 1, 2, 3, 7, 8);
        Tensor neg = run("Concat", 11, attrs("axis", -1L), a, b);
        assertThat(neg.toFloatArray()).containsExactly(0, 1, 10, 2, 3, 11);
    }

    @Test void concatStringsBoolsAndEmpty() {
        Tensor s = run("Concat", 13, attrs("axis", 0L), str(new String[] {"a"}), str(new String[0], 0), str(new String[] {"b", "c"}));
        assertThat(s.toStringArray()).containsExactly("a", "b", "c");
        Tensor b = run("Concat", 13, attrs("axis", 0L), bool(new boolean[] {true}), bool(new boolean[] {false, true}));
        assertThat(b.toBooleanArray()).containsExactly(true, false, true);
    }

    @Test void concatMismatchNamesInputs() {
        assertThatThrownBy(() -> run("Concat", 13, attrs("axis", 0L), iotaF(2, 2), iotaF(4)))
                .isInstanceOf(OpException.class).hasMessageContaining("input 1").hasMessageContaining("rank");
        assertThatThrownBy(() -> run("Concat", 13, attrs("axis", 0L), iotaF(2, 2), iotaF(2, 3)))
                .isInstanceOf(OpException.class).hasMessageContaining("input 1").hasMessageContaining("dim 1");
    }

    @Test void concatInference() {
        T.G g = new T.G(13);
        assertThat(g.infer("Concat", attrs("axis", 1L), g.input(DataType.FLOAT, "N", 2), g.input(DataType.FLOAT, "N", 3)).shape())
                .isEqualTo(Shape.of("N", 5L));
        T.G g2 = new T.G(13);
        assertThat(g2.infer("Concat", attrs("axis", 0L), g2.input(DataType.FLOAT, "N", 2), g2.input(DataType.FLOAT, 1, "?")).shape())
                .isEqualTo(Shape.of("?", 2L));
        T.G g3 = new T.G(13);
        assertThat(g3.infer("Concat", attrs("axis", 0L), g3.input(DataType.FLOAT, "N"))).isEqualTo(new org.ge4j.ir.TensorDesc(DataType.FLOAT, Shape.of("N")));
    }

    @Test void splitEqualAndSized() {
        List<Tensor> eq = runN("Split", 13, attrs("axis", 1L), 2, iotaL(2, 4));
        assertThat(eq.get(0).toLongArray()).containsExactly(0, 1, 4, 5);
        assertThat(eq.get(1).toLongArray()).containsExactly(2, 3, 6, 7);
        List<Tensor> sized = runN("Split", 13, Map.of(), 3, iotaF(6), i64(new long[] {1, 0, 5}));
        assertThat(sized.get(0).toFloatArray()).containsExactly(0);
        assertThat(sized.get(1).shape()).containsExactly(0);
        assertThat(sized.get(2).toFloatArray()).containsExactly(1, 2, 3, 4, 5);
        List<Tensor> attr = runN("Split", 11, attrs("split", new long[] {2, 1}), 2, str(new String[] {"x", "y", "z"}));
        assertThat(attr.get(0).toStringArray()).containsExactly("x", "y");
        assertThat(attr.get(1).toStringArray()).containsExactly("z");
    }

    @Test void splitNumOutputsLastChunkSmaller() {
        List<Tensor> parts = runN("Split", 18, attrs("num_outputs", 3L), 3, iotaL(7));
        assertThat(parts.get(0).toLongArray()).containsExactly(0, 1, 2);
        assertThat(parts.get(1).toLongArray()).containsExactly(3, 4, 5);
        assertThat(parts.get(2).toLongArray()).containsExactly(6);
        assertThatThrownBy(() -> runN("Split", 18, attrs("num_outputs", 2L), 3, iotaL(6)))
                .isInstanceOf(OpException.class).hasMessageContaining("num_outputs");
    }

    @Test void splitErrors() {
        assertThatThrownBy(() -> runN("Split", 13, Map.of(), 2, iotaF(5)))
                .isInstanceOf(OpException.class).hasMessageContaining("equal parts");
        assertThatThrownBy(() -> runN("Split", 13, Map.of(), 2, iotaF(5), i64(new long[] {2, 2})))
                .isInstanceOf(OpException.class).hasMessageContaining("sums to 4");
    }

    @Test void splitInference() {
        T.G g = new T.G(13);
        Node n = g.node("Split", attrs("axis", 1L), 2, g.input(DataType.FLOAT, "N", 6), g.constant(i64(new long[] {2, 4})));
        g.infer(n);
        assertThat(n.output(0).desc().shape()).isEqualTo(Shape.of("N", 2L));
        assertThat(n.output(1).desc().shape()).isEqualTo(Shape.of("N", 4L));
        T.G g2 = new T.G(13);
        Node n2 = g2.node("Split", attrs("axis", 0L), 2, g2.input(DataType.FLOAT, "N", 6));
        g2.infer(n2);
        assertThat(n2.output(1).desc().shape()).isEqualTo(Shape.of("?", 6L));
    }
}
