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

class SelectOpsTest {
    @Test void compress() {
        Tensor x = f32(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        Tensor a0 = run("Compress", 11, attrs("axis", 0L), x, bool(new boolean[] {false, true, true}));
        assertThat(a0.shape()).containsExactly(2, 2);
        assertThat(a0.toFloatArray()).containsExactly(3, 4, 5, 6);
        Tensor a1 = run("Compress", 11, attrs("axis", -1L), x, bool(new boolean[] {false, true}));
        assertThat(a1.toFloatArray()).containsExactly(2, 4, 6);
        Tensor flat = run("Compress", 9, Map.of(), x, bool(new boolean[] {false, true, false, false, true}));
        assertThat(flat.shape()).containsExactly(2);
        assertThat(flat.toFloatArray()).containsExactly(2, 5);
        Tensor s = run("Compress", 11, Map.of(), str(new String[] {"a", "b"}), bool(new boolean[] {true}));
        assertThat(s.toStringArray()).containsExactly("a");
        assertThatThrownBy(() -> run("Compress", 11, attrs("axis", 1L), x, bool(new boolean[] {false, false, true})))
                .isInstanceOf(OpException.class).hasMessageContaining("selects index 2");
    }

    @Test void nonZero() {
        Tensor out = run("NonZero", 13, Map.of(), iotaL(2, 2).cast(DataType.BOOL));
        // non-zero at (0,1), (1,0), (1,1)
        assertThat(out.shape()).containsExactly(2, 3);
        assertThat(out.toLongArray()).containsExactly(0, 1, 1, 1, 0, 1);
        Tensor s = run("NonZero", 9, Map.of(), str(new String[] {"", "a", ""}));
        assertThat(s.shape()).containsExactly(1, 1);
        assertThat(s.toLongArray()).containsExactly(1);
        Tensor f = run("NonZero", 13, Map.of(), f16(new double[] {0, -0.0, Double.NaN}));
        assertThat(f.toLongArray()).containsExactly(2);
        T.G g = new T.G(13);
        assertThat(g.infer("NonZero", Map.of(), g.input(DataType.FLOAT, "N", 3)).shape()).isEqualTo(Shape.of(2L, "?"));
    }

    @Test void uniqueSortedAndUnsorted() {
        Tensor x = f32(new float[] {2, 1, 1, 3, 4, 3});
        List<Tensor> s = runN("Unique", 11, Map.of(), 4, x);
        assertThat(s.get(0).toFloatArray()).containsExactly(1, 2, 3, 4);
        assertThat(s.get(1).toLongArray()).containsExactly(1, 0, 3, 4);
        assertThat(s.get(2).toLongArray()).containsExactly(1, 0, 0, 2, 3, 2);
        assertThat(s.get(3).toLongArray()).containsExactly(2, 1, 2, 1);
        List<Tensor> u = runN("Unique", 11, attrs("sorted", 0L), 4, x);
        assertThat(u.get(0).toFloatArray()).containsExactly(2, 1, 3, 4);
        assertThat(u.get(1).toLongArray()).containsExactly(0, 1, 3, 4);
        assertThat(u.get(2).toLongArray()).containsExactly(0, 1, 1, 2, 3, 2);
        assertThat(u.get(3).toLongArray()).containsExactly(1, 2, 2, 1);
    }

    @Test void uniqueAlongAxisAndStrings() {
        Tensor x = i64(new long[] {1, 0, 0, 1, 0, 0, 2, 3, 4}, 3, 3);
        List<Tensor> s = runN("Unique", 11, attrs("axis", 0L), 4, x);
        assertThat(s.get(0).shape()).containsExactly(2, 3);
        assertThat(s.get(0).toLongArray()).containsExactly(1, 0, 0, 2, 3, 4);
        assertThat(s.get(1).toLongArray()).containsExactly(0, 2);
        assertThat(s.get(2).toLongArray()).containsExactly(0, 0, 1);
        assertThat(s.get(3).toLongArray()).containsExactly(2, 1);
        // columns of [[1,0,1],[2,0,2]]: col 1 = (0,0) sorts first
        List<Tensor> c = runN("Unique", 11, attrs("axis", 1L), 1, i64(new long[] {1, 0, 1, 2, 0, 2}, 2, 3));
        assertThat(c.get(0).toLongArray()).containsExactly(0, 1, 0, 2);
        Tensor strs = runN("Unique", 11, Map.of(), 1, str(new String[] {"b", "a", "b"})).get(0);
        assertThat(strs.toStringArray()).containsExactly("a", "b");
    }

    @Test void uniqueInference() {
        T.G g = new T.G(13);
        Node n = g.node("Unique", attrs("axis", 1L), 4, g.input(DataType.FLOAT, "N", 5));
        g.infer(n);
        assertThat(n.output(0).desc().shape()).isEqualTo(Shape.of("N", "?"));
        assertThat(n.output(2).desc().shape()).isEqualTo(Shape.of(new long[] {5}));
    }
}
