package org.ge4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.ge4j.ir.Tensor;
import org.junit.jupiter.api.Test;

class CompareCommandTest {
    static CompareCommand command(double rtol, double atol) {
        CompareCommand c = new CompareCommand();
        c.rtol = rtol;
        c.atol = atol;
        return c;
    }

    @Test
    void errorsAreMeasuredAgainstTheReference() {
        try (Tensor a = Tensor.of(new float[] {1f, 2.001f, 0f, 100f}, 4); Tensor r = Tensor.of(new float[] {1f, 2f, 0.00005f, 100.5f}, 4)) {
            CompareCommand.Diff d = command(1e-3, 1e-4).diff(a, r);
            // |2.001 - 2| = 1e-3 <= 1e-4 + 2e-3; |0 - 5e-5| <= 1e-4 + 5e-8; |100 - 100.5| = 0.5 > 1e-4 + 0.1005
            assertThat(d.bad()).isEqualTo(1);
            assertThat(d.worstAt()).isEqualTo(3);
            assertThat(d.maxAbs()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(d.maxRel()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-6)); // 5e-5 / max(5e-5, atol 1e-4)
            assertThat(d.ok()).isFalse();
            assertThat(command(1e-2, 1e-4).diff(a, r).ok()).isTrue();
        }
    }

    @Test
    void nanShapeAndTypeMismatchesAreReported() {
        try (Tensor a = Tensor.of(new float[] {Float.NaN, 1f}, 2); Tensor r = Tensor.of(new float[] {Float.NaN, 1f}, 2);
             Tensor r2 = Tensor.of(new float[] {0f, 1f}, 2); Tensor wide = Tensor.of(new float[] {0f, 1f}, 1, 2); Tensor ints = Tensor.of(new long[] {0, 1}, 2)) {
            assertThat(command(0, 0).diff(a, r).ok()).isTrue();
            assertThat(command(1, 1).diff(a, r2).bad()).isEqualTo(1);
            assertThat(command(1, 1).diff(r2, wide).problem()).isEqualTo("shape [2] vs reference [1,2]");
            assertThat(command(1, 1).diff(r2, ints).problem()).isEqualTo("type f32 vs reference i64");
        }
    }
}
