package org.ge4j.ops.onnx.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.tensor.T.*;

import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class ExpandTileOpsTest {
    @Test void expandBroadcasts() {
        Tensor out = run("Expand", 13, Map.of(), f32(new float[] {1, 2, 3}, 3, 1), i64(new long[] {2, 1, 2}));
        assertThat(out.shape()).containsExactly(2, 3, 2);
        assertThat(out.toFloatArray()).containsExactly(1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3);
        assertThat(run("Expand", 8, Map.of(), f32(new float[] {1, 2, 3}, 3, 1), i64(new long[] {1})).shape()).containsExactly(3, 1);
        Tensor s = run("Expand", 13, Map.of(), str(new String[] {"p", "q"}, 1, 2), i64(new long[] {2, 2}));
        assertThat(s.toStringArray()).containsExactly("p", "q", "p", "q");
        Tensor b = run("Expand", 13, Map.of(), bool(new boolean[] {true}, 1), i64(new long[] {3}));
        assertThat(b.toBooleanArray()).containsExactly(true, true, true);
    }

    @Test void expandIncompatible() {
        assertThatThrownBy(() -> run("Expand", 13, Map.of(), iotaF(3), i64(new long[] {2})))
                .isInstanceOf(OpException.class).hasMessageContaining("cannot be broadcast");
    }

    @Test void expandInference() {
        T.G g = new T.G(13);
        assertThat(g.infer("Expand", Map.of(), g.input(DataType.FLOAT, "N", 1), g.constant(i64(new long[] {1, 5}))).shape())
                .isEqualTo(Shape.of("N", 5L));
        T.G g2 = new T.G(13);
        assertThat(g2.infer("Expand", Map.of(), g2.input(DataType.FLOAT, 1, 4), g2.input(DataType.INT64, 3)).shape())
                .isEqualTo(Shape.of("?", "?", 4L));
    }

    @Test void tileRepeats() {
        Tensor out = run("Tile", 13, Map.of(), iotaL(2, 2), i64(new long[] {2, 3}));
        assertThat(out.shape()).containsExactly(4, 6);
        assertThat(out.toLongArray()).containsExactly(
                0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3,
                0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3);
        Tensor s = run("Tile", 6, Map.of(), str(new String[] {"a", "b"}), i64(new long[] {2}));
        assertThat(s.toStringArray()).containsExactly("a", "b", "a", "b");
        assertThat(run("Tile", 13, Map.of(), iotaF(2), i64(new long[] {0})).shape()).containsExactly(0);
        Tensor h = run("Tile", 13, Map.of(), f16(new double[] {0.25}, 1, 1), i64(new long[] {1, 3}));
        assertThat(h.toDoubleArray()).containsExactly(0.25, 0.25, 0.25);
    }

    @Test void tileOpset1() {
        Tensor out = run("Tile", 1, Map.of(), iotaF(1, 2), f32(new float[] {3}, 1), f32(new float[] {0}, 1));
        assertThat(out.shape()).containsExactly(3, 2);
        assertThat(out.toFloatArray()).containsExactly(0, 1, 0, 1, 0, 1);
    }

    @Test void tileErrorsAndInference() {
        assertThatThrownBy(() -> run("Tile", 13, Map.of(), iotaF(2, 2), i64(new long[] {2})))
                .isInstanceOf(OpException.class).hasMessageContaining("one entry per input dim");
        T.G g = new T.G(13);
        assertThat(g.infer("Tile", Map.of(), g.input(DataType.FLOAT, "N", 3), g.constant(i64(new long[] {1, 2}))).shape())
                .isEqualTo(Shape.of("N", 6L));
    }
}
