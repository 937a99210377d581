package org.ge4j.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void oddCountMedianIsTheMiddleSample() {
        Stats s = Stats.of(new long[] {50, 10, 40, 20, 30});
        assertThat(s.count()).isEqualTo(5);
        assertThat(s.median()).isEqualTo(30);
        assertThat(s.mean()).isEqualTo(30);
        assertThat(s.min()).isEqualTo(10);
        assertThat(s.max()).isEqualTo(50);
        // p90 at position 0.9 * 4 = 3.6: 40 + 0.6 * (50 - 40)
        assertThat(s.p90()).isCloseTo(46, within(1e-9));
    }

    @Test
    void evenCountMedianIsTheMeanOfTheTwoMiddleSamples() {
        Stats s = Stats.of(new long[] {4, 1, 3, 2});
        assertThat(s.median()).isEqualTo(2.5);
        assertThat(s.mean()).isEqualTo(2.5);
        // p90 at position 2.7: 3 + 0.7 * (4 - 3)
        assertThat(s.p90()).isCloseTo(3.7, within(1e-9));
    }

    @Test
    void tenSamplesP90InterpolatesBetweenTheNinthAndTenth() {
        long[] v = new long[10];
        for (int i = 0; i < 10; i++) v[i] = (i + 1) * 100; // 100..1000
        Stats s = Stats.of(v);
        assertThat(s.median()).isEqualTo(550);
        assertThat(s.p90()).isCloseTo(910, within(1e-9)); // position 8.1: 900 + 0.1 * 100
    }

    @Test
    void aSingleSampleIsEveryStatistic() {
        Stats s = Stats.of(new long[] {7});
        assertThat(s.median()).isEqualTo(7);
        assertThat(s.p90()).isEqualTo(7);
        assertThat(s.mean()).isEqualTo(7);
        assertThat(s.min()).isEqualTo(7);
    }

    @Test
    void outliersMoveTheMeanNotTheMedian() {
        Stats s = Stats.of(new long[] {10, 10, 10, 10, 1000});
        assertThat(s.median()).isEqualTo(10);
        assertThat(s.mean()).isEqualTo(208);
    }

    @Test
    void theInputIsNotReordered() {
        long[] v = {3, 1, 2};
        Stats.of(v);
        assertThat(v).containsExactly(3, 1, 2);
    }

    @Test
    void noSamplesIsAnError() {
        assertThatThrownBy(() -> Stats.of(new long[0])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no samples");
        assertThatThrownBy(() -> Stats.quantile(new long[] {1}, 1.5)).hasMessageContaining("[0, 1]");
    }

    @Test
    void timesKeepThreeSignificantDigits() {
        assertThat(Stats.time(950)).isEqualTo("950 ns");
        assertThat(Stats.time(95_200)).isEqualTo("95.2 µs");
        assertThat(Stats.time(33_040_000)).isEqualTo("33.0 ms");
        assertThat(Stats.time(1_204_000_000)).isEqualTo("1.20 s");
        assertThat(Stats.time(164_600_000)).isEqualTo("165 ms");
        assertThat(Stats.time(Double.NaN)).isEqualTo("-");
    }
}
