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

class GatherOpsTest {
    @Test void gatherAxis0And1() {
        // data [[0,1],[2,3],[4,5]]
        Tensor a = run("Gather", 13, Map.of(), iotaF(3, 2), i64(new long[] {0, 1, 1, 2}, 2, 2));
        assertThat(a.shape()).containsExactly(2, 2, 2);
        assertThat(a.toFloatArray()).containsExactly(0, 1, 2, 3, 2, 3, 4, 5);
        Tensor b = run("Gather", 11, attrs("axis", 1L), iotaF(3, 2), i32(new int[] {1}));
        assertThat(b.shape()).containsExactly(3, 1);
        assertThat(b.toFloatArray()).containsExactly(1, 3, 5);
        Tensor neg = run("Gather", 13, Map.of(), iotaL(3, 2), i64(new long[] {-1}));
        assertThat(neg.toLongArray()).containsExactly(4, 5);
        Tensor scalar = run("Gather", 13, Map.of(), iotaL(3, 2), Tensor.scalar(1L));
        assertThat(scalar.shape()).containsExactly(2);
        assertThat(scalar.toLongArray()).containsExactly(2, 3);
        Tensor s = run("Gather", 1, Map.of(), str(new String[] {"x", "y", "z"}), i64(new long[] {2, 0, 2}));
        assertThat(s.toStringArray()).containsExactly("z", "x", "z");
    }

    @Test void gatherOutOfRangeNamesTheIndex() {
        assertThatThrownBy(() -> run("Gather", 13, Map.of(), iotaF(3, 2), i64(new long[] {0, 3})))
                .isInstanceOf(OpException.class).hasMessageContaining("(Gather)").hasMessageContaining("'indices'")
                .hasMessageContaining("holds 3 at [1]").hasMessageContaining("[-3, 2]");
    }

    @Test void gatherInference() {
        T.G g = new T.G(13);
        assertThat(g.infer("Gather", attrs("axis", 1L), g.input(DataType.FLOAT, "N", 5), g.input(DataType.INT64, "B", 2)).shape())
                .isEqualTo(Shape.of("N", "B", 2L));
    }

    @Test void gatherElements() {
        Tensor a = run("GatherElements", 13, attrs("axis", 1L), f32(new float[] {1, 2, 3, 4}, 2, 2), i64(new long[] {0, 0, 1, 0}, 2, 2));
        assertThat(a.toFloatArray()).containsExactly(1, 1, 4, 3);
        Tensor b = run("GatherElements", 11, Map.of(), iotaL(3, 3), i32(new int[] {1, 2, 0, 2, 0, -3}, 2, 3));
        // data[i][j] = 3i + j; out[i][j] = data[idx[i][j]][j]
        assertThat(b.toLongArray()).containsExactly(3, 7, 2, 6, 1, 2);
        assertThatThrownBy(() -> run("GatherElements", 13, Map.of(), iotaL(3, 3), i64(new long[] {3}, 1, 1)))
                .isInstanceOf(OpException.class).hasMessageContaining("out of range");
    }

    @Test void gatherND() {
        Tensor data = iotaL(2, 2); // [[0,1],[2,3]]
        assertThat(run("GatherND", 11, Map.of(), data, i64(new long[] {0, 0, 1, 1}, 2, 2)).toLongArray()).containsExactly(0, 3);
        Tensor rows = run("GatherND", 13, Map.of(), data, i64(new long[] {1, 0}, 2, 1));
        assertThat(rows.shape()).containsExactly(2, 2);
        assertThat(rows.toLongArray()).containsExactly(2, 3, 0, 1);
        // batch_dims=1: data [[[0,1],[2,3]],[[4,5],[6,7]]], indices [[1],[0]] -> [[2,3],[4,5]]
        Tensor batched = run("GatherND", 12, attrs("batch_dims", 1L), iotaF(2, 2, 2), i64(new long[] {1, 0}, 2, 1));
        assertThat(batched.shape()).containsExactly(2, 2);
        assertThat(batched.toFloatArray()).containsExactly(2, 3, 4, 5);
        Tensor neg = run("GatherND", 13, Map.of(), str(new String[] {"a", "b", "c", "d"}, 2, 2), i64(new long[] {-1, -2}, 1, 2));
        assertThat(neg.toStringArray()).containsExactly("c");
        assertThatThrownBy(() -> run("GatherND", 13, Map.of(), data, i64(new long[] {0, 0, 0}, 1, 3)))
                .isInstanceOf(OpException.class).hasMessageContaining("last dim of 'indices' is 3");

        T.G g = new T.G(13);
        assertThat(g.infer("GatherND", attrs("batch_dims", 1L), g.input(DataType.FLOAT, "N", 4, 5), g.input(DataType.INT64, "N", 7, 1)).shape())
                .isEqualTo(Shape.of("N", 7L, 5L));
    }
}
