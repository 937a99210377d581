package org.ge4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelWarmUpTest {
    @TempDir Path dir;

    private Path saveSmallCnn() {
        Path om = dir.resolve("cnn.om");
        try (CompiledModel m = CompiledModel.compile(TestGraphs.smallCnn(1))) {
            m.save(om);
        }
        return om;
    }

    private static float[] run(CompiledModel m) {
        try (Tensor x = TestGraphs.random(7, 1, 3, 8, 8)) {
            Map<String, Tensor> out = m.run(Map.of("x", x));
            float[] y = out.get("y").toFloatArray();
            TestGraphs.closeAll(out);
            return y;
        }
    }

    @Test
    void aBlockingWarmUpRunsMiniaturesOfTheFastKernelsAndChangesNoResult() {
        Path om = saveSmallCnn();
        float[] cold, warm;
        try (CompiledModel m = CompiledModel.load(om, WarmUp.OFF)) {
            assertThat(m.warmUpSummary()).isEmpty();
            cold = run(m);
        }
        try (CompiledModel m = CompiledModel.load(om, WarmUp.BLOCKING)) {
            // finished when load returns: the conv and the matmul (+ bias + relu) have vector kernels
            assertThat(m.warmUpSummary()).matches("warm-up [1-9][0-9]* kernels, [1-9][0-9]* rounds, .* ms");
            warm = run(m);
        }
        assertThat(warm).containsExactly(cold);
    }

    @Test
    void theFirstRunWaitsForABackgroundWarmUp() {
        Path om = saveSmallCnn();
        try (CompiledModel m = CompiledModel.load(om, OpRegistry.global(), List.of(OpRegistry.VECTOR), WarmUp.BACKGROUND)) {
            run(m);
            assertThat(m.warmUpSummary()).startsWith("warm-up ").doesNotContain("running");
        }
    }

    @Test
    void closingDuringAWarmUpStopsIt() {
        Path om = saveSmallCnn();
        CompiledModel m = CompiledModel.load(om, WarmUp.BACKGROUND);
        m.close(); // must not hang nor fail, whether the warm-up had started its rounds or not
        assertThat(m.warmUpSummary()).doesNotContain("running");
    }

    @Test
    void modesParseFromText() {
        assertThat(WarmUp.parse("OFF")).isEqualTo(WarmUp.OFF);
        assertThat(WarmUp.parse(" background")).isEqualTo(WarmUp.BACKGROUND);
        assertThat(WarmUp.parse("on")).isEqualTo(WarmUp.BACKGROUND);
        assertThat(WarmUp.parse("blocking")).isEqualTo(WarmUp.BLOCKING);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WarmUp.parse("soon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("off, background or blocking");
    }
}
