package org.ge4j.ops.onnx.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.tensor.T.*;

import java.util.Map;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class MaskOpsTest {
    @Test void triluUpperAndLower() {
        Tensor x = iotaL(3, 4);
        assertThat(run("Trilu", 14, Map.of(), x).toLongArray()).containsExactly(0, 1, 2, 3, 0, 5, 6, 7, 0, 0, 10, 11);
        assertThat(run("Trilu", 14, attrs("upper", 0L), x).toLongArray()).containsExactly(0, 0, 0, 0, 4, 5, 0, 0, 8, 9, 10, 0);
        assertThat(run("Trilu", 14, Map.of(), x, Tensor.scalar(1L)).toLongArray()).containsExactly(0, 1, 2, 3, 0, 0, 6, 7, 0, 0, 0, 11);
        assertThat(run("Trilu", 14, attrs("upper", 0L), x, Tensor.scalar(-1L)).toLongArray()).containsExactly(0, 0, 0, 0, 4, 0, 0, 0, 8, 9, 0, 0);
        assertThat(run("Trilu", 14, attrs("upper", 0L), x, Tensor.scalar(-5L)).toLongArray()).containsOnly(0);
    }

    @Test void triluBatchedStrings() {
        Tensor s = run("Trilu", 14, Map.of(), str(new String[] {"a", "b", "c", "d", "e", "f", "g", "h"}, 2, 2, 2));
        assertThat(s.toStringArray()).containsExactly("a", "b", "", "d", "e", "f", "", "h");
        assertThatThrownBy(() -> run("Trilu", 14, Map.of(), iotaL(3))).isInstanceOf(OpException.class).hasMessageContaining("rank >= 2");
    }

    @Test void reverseSequenceTimeMajorAndBatchMajor() {
        Tensor x = iotaF(4, 4);
        Tensor t = run("ReverseSequence", 10, attrs("time_axis", 0L, "batch_axis", 1L), x, i64(new long[] {4, 3, 2, 1}));
        assertThat(t.toFloatArray()).containsExactly(12, 9, 6, 3, 8, 5, 2, 7, 4, 1, 10, 11, 0, 13, 14, 15);
        Tensor b = run("ReverseSequence", 10, attrs("time_axis", 1L, "batch_axis", 0L), x, i64(new long[] {1, 2, 3, 4}));
        assertThat(b.toFloatArray()).containsExactly(0, 1, 2, 3, 5, 4, 6, 7, 10, 9, 8, 11, 15, 14, 13, 12);
        assertThatThrownBy(() -> run("ReverseSequence", 10, Map.of(), x, i64(new long[] {5, 1, 1, 1})))
                .isInstanceOf(OpException.class).hasMessageContaining("holds 5");
        assertThatThrownBy(() -> run("ReverseSequence", 10, attrs("time_axis", 1L), x, i64(new long[] {1, 1, 1, 1})))
                .isInstanceOf(OpException.class).hasMessageContaining("0 and 1");
    }
}
