package org.ge4j.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputCheckTest {
    @Test
    void valuesWithinTheTolerancesAgree() {
        // |1000.5 - 1000| = 0.5 <= 1e-4 + 1e-3 * 1000; |0.00005 - 0| <= 1e-4
        OutputCheck.Result r = OutputCheck.compare(Map.of("y", new double[] {1000.5, 0.00005, 2}), Map.of("y", new double[] {1000, 0, 2}), 1e-3, 1e-4);
        assertThat(r.agree()).isTrue();
        assertThat(r.values()).isEqualTo(3);
        assertThat(r.maxAbs()).isEqualTo(0.5);
        assertThat(r.maxRel()).isCloseTo(5e-4, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void aValueOutsideTheToleranceDisagreesAndIsNamed() {
        OutputCheck.Result r = OutputCheck.compare(Map.of("y", new double[] {1, 2.01}), Map.of("y", new double[] {1, 2}), 1e-3, 1e-4);
        assertThat(r.agree()).isFalse();
        assertThat(r.detail()).contains("output 'y'[1]").contains("2.01").contains("vs 2.0");
    }

    @Test
    void nanMustMatchNan() {
        assertThat(OutputCheck.compare(Map.of("y", new double[] {Double.NaN}), Map.of("y", new double[] {Double.NaN}), 1e-3, 0).agree()).isTrue();
        assertThat(OutputCheck.compare(Map.of("y", new double[] {0}), Map.of("y", new double[] {Double.NaN}), 1e-3, 1).agree()).isFalse();
        assertThat(OutputCheck.compare(Map.of("y", new double[] {Double.POSITIVE_INFINITY}), Map.of("y", new double[] {Double.POSITIVE_INFINITY}), 0, 0).agree()).isTrue();
    }

    @Test
    void differentOutputsOrSizesDisagree() {
        assertThat(OutputCheck.compare(Map.of("a", new double[1]), Map.of("b", new double[1]), 1e-3, 1e-4).detail()).contains("output names differ");
        assertThat(OutputCheck.compare(Map.of("a", new double[2]), Map.of("a", new double[3]), 1e-3, 1e-4).detail()).contains("has 2 values vs 3");
    }
}
