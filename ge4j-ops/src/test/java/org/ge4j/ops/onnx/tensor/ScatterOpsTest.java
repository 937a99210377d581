package org.ge4j.ops.onnx.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.tensor.T.*;

import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class ScatterOpsTest {
    @Test void scatterElementsAxis0() {
        Tensor out = run("ScatterElements", 13, Map.of(), Tensor.allocate(DataType.FLOAT, 3, 3), i64(new long[] {1, 0, 2, 0, 2, 1}, 2, 3),
                f32(new float[] {1.0f, 1.1f, 1.2f, 2.0f, 2.1f, 2.2f}, 2, 3));
        assertThat(out.toFloatArray()).containsExactly(2.0f, 1.1f, 0, 1.0f, 0, 2.2f, 0, 2.1f, 1.2f);
    }

    @Test void scatterElementsAxis1NegativeAndDeprecatedScatter() {
        Tensor data = f32(new float[] {1, 2, 3, 4, 5}, 1, 5);
        Tensor out = run("ScatterElements", 11, attrs("axis", 1L), data, i32(new int[] {1, -2}, 1, 2), f32(new float[] {1.5f, 2.5f}, 1, 2));
        assertThat(out.toFloatArray()).containsExactly(1, 1.5f, 3, 2.5f, 5);
        Tensor old = run("Scatter", 9, attrs("axis", 1L), data, i64(new long[] {1, 3}, 1, 2), f32(new float[] {1.5f, 2.5f}, 1, 2));
        assertThat(old.toFloatArray()).containsExactly(1, 1.5f, 3, 2.5f, 5);
        assertThat(data.toFloatArray()).containsExactly(1, 2, 3, 4, 5);
    }

    @Test void scatterElementsReductions() {
        Tensor data = f32(new float[] {1, 2, 3, 4, 5}, 1, 5);
        Tensor idx = i64(new long[] {1, 1}, 1, 2);
        Tensor upd = f32(new float[] {1.25f, 2.5f}, 1, 2);
        assertThat(run("ScatterElements", 16, attrs("axis", 1L, "reduction", "add"), data, idx, upd).toFloatArray()).containsExactly(1, 5.75f, 3, 4, 5);
        assertThat(run("ScatterElements", 16, attrs("axis", 1L, "reduction", "mul"), data, idx, upd).toFloatArray()).containsExactly(1, 6.25f, 3, 4, 5);
        Tensor ld = i64(new long[] {10, 20}, 1, 2);
        assertThat(run("ScatterElements", 18, attrs("axis", 1L, "reduction", "max"), ld, i64(new long[] {0, 0, 1}, 1, 3), i64(new long[] {15, 12, 5}, 1, 3))
                .toLongArray()).containsExactly(15, 20);
        assertThat(run("ScatterElements", 18, attrs("axis", 1L, "reduction", "min"), ld, i64(new long[] {0, 0, 1}, 1, 3), i64(new long[] {15, 12, 5}, 1, 3))
                .toLongArray()).containsExactly(10, 5);
        assertThatThrownBy(() -> run("ScatterElements", 16, attrs("axis", 1L, "reduction", "max"), data, idx, upd))
                .isInstanceOf(OpException.class).hasMessageContaining("'reduction'").hasMessageContaining("opset 16");
    }

    @Test void scatterElementsStringsAndErrors() {
        Tensor s = run("ScatterElements", 13, Map.of(), str(new String[] {"a", "b", "c"}), i64(new long[] {2}), str(new String[] {"z"}));
        assertThat(s.toStringArray()).containsExactly("a", "b", "z");
        assertThatThrownBy(() -> run("ScatterElements", 13, Map.of(), iotaF(3), i64(new long[] {3}), f32(new float[] {1})))
                .isInstanceOf(OpException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> run("ScatterElements", 13, Map.of(), iotaF(3), i64(new long[] {1, 2}), f32(new float[] {1})))
                .isInstanceOf(OpException.class).hasMessageContaining("'updates'");
    }

    @Test void scatterND() {
        Tensor out = run("ScatterND", 13, Map.of(), f32(new float[] {1, 2, 3, 4, 5, 6, 7, 8}), i64(new long[] {4, 3, 1, 7}, 4, 1),
                f32(new float[] {9, 10, 11, 12}));
        assertThat(out.toFloatArray()).containsExactly(1, 11, 3, 10, 9, 6, 7, 12);
        // slices: replace row 1 of a 2x2
        Tensor rows = run("ScatterND", 11, Map.of(), iotaL(2, 2), i64(new long[] {1}, 1, 1), i64(new long[] {8, 9}, 1, 2));
        assertThat(rows.toLongArray()).containsExactly(0, 1, 8, 9);
        Tensor add = run("ScatterND", 16, attrs("reduction", "add"), i64(new long[] {1, 2}), i64(new long[] {0, 0}, 2, 1), i64(new long[] {5, 6}));
        assertThat(add.toLongArray()).containsExactly(12, 2);
        Tensor mul = run("ScatterND", 18, attrs("reduction", "mul"), i64(new long[] {3, 2}), i64(new long[] {0, 0}, 2, 1), i64(new long[] {5, 6}));
        assertThat(mul.toLongArray()).containsExactly(90, 2);
        Tensor b = run("ScatterND", 13, Map.of(), bool(new boolean[] {false, false}), i64(new long[] {1}, 1, 1), bool(new boolean[] {true}));
        assertThat(b.toBooleanArray()).containsExactly(false, true);
        assertThatThrownBy(() -> run("ScatterND", 13, Map.of(), iotaL(2, 2), i64(new long[] {1}, 1, 1), i64(new long[] {8}, 1)))
                .isInstanceOf(OpException.class).hasMessageContaining("'updates'").hasMessageContaining("[1,2]");
    }
}
