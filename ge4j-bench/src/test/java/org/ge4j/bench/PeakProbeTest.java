package org.ge4j.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PeakProbeTest {
    @Test
    void measuresAPlausibleFmaThroughput() {
        // any core that runs the Vector API does at least one 128-bit FMA per few ns; none does 4 TFLOP/s
        double g = PeakProbe.measure(5, 2);
        assertThat(g).isBetween(0.5, 4000.0);
    }
}
