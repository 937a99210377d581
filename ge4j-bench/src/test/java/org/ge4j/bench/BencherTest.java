package org.ge4j.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BencherTest {
    private static Bencher.Plan plan(int warmup, int runs, int minRuns, double maxSeconds, int block) {
        return new Bencher.Plan(warmup, 0, 60, false, runs, minRuns, maxSeconds, block);
    }

    @Test
    void warmUpRunsTheGivenCount() throws Exception {
        int[] calls = {0};
        long[] w = Bencher.warmUp(() -> calls[0]++, plan(7, 10, 1, 60, 1), 0);
        assertThat(w).hasSize(7);
        assertThat(calls[0]).isEqualTo(7);
    }

    @Test
    void aFirstRunLongerThanTheWarmUpCapLeavesNoWarmUpRuns() throws Exception {
        int[] calls = {0};
        Bencher.Plan p = new Bencher.Plan(5, 0.5, 1, true, 10, 1, 60, 1);
        long[] w = Bencher.warmUp(() -> calls[0]++, p, 2_000_000_000L);
        assertThat(w).isEmpty();
        assertThat(calls[0]).isZero();
    }

    @Test
    void warmUpLastsAtLeastTheMinimumTime() throws Exception {
        Bencher.Plan p = new Bencher.Plan(2, 0.05, 10, false, 10, 1, 60, 1);
        long t0 = System.nanoTime();
        long[] w = Bencher.warmUp(() -> Thread.sleep(1), p, 0);
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(50_000_000L);
        assertThat(w.length).isGreaterThan(2);
        // the first run's time counts toward the minimum
        assertThat(Bencher.warmUp(() -> {}, p, 60_000_000L)).hasSize(2);
    }

    @Test
    void enginesAlternateInBlocks() throws Exception {
        List<String> order = new ArrayList<>();
        long[][] s = Bencher.timed(List.of(() -> order.add("a"), () -> order.add("b")), plan(0, 6, 1, 60, 3));
        assertThat(s[0]).hasSize(6);
        assertThat(s[1]).hasSize(6);
        assertThat(order).containsExactly("a", "a", "a", "b", "b", "b", "a", "a", "a", "b", "b", "b");
    }

    @Test
    void settlePausesBeforeEachEnginesBlockOnlyWhenEnginesAlternate() throws Exception {
        List<Long> starts = new ArrayList<>();
        Bencher.Plan p = new Bencher.Plan(0, 0, 60, false, 2, 2, 60, 2, 30);
        Bencher.timed(List.of(() -> starts.add(System.nanoTime()), () -> starts.add(System.nanoTime())), p);
        assertThat(starts).hasSize(4);
        // a, a | sleep | b, b: the gap between the blocks holds the pause, the gap inside a block does not
        assertThat(starts.get(2) - starts.get(1)).isGreaterThanOrEqualTo(30_000_000L);
        long t0 = System.nanoTime();
        Bencher.timed(List.of(() -> {}), new Bencher.Plan(0, 0, 60, false, 20, 20, 60, 1, 5000));
        assertThat(System.nanoTime() - t0).isLessThan(2_500_000_000L); // one engine: no pause (20 of them would take 100 s)
        assertThatThrownBy(() -> new Bencher.Plan(0, 0, 60, false, 2, 2, 60, 2, -1)).hasMessageContaining("--settle must be >= 0");
    }

    @Test
    void outOfTimeStopsAtTheMinimumRuns() throws Exception {
        long[][] s = Bencher.timed(List.of(() -> Thread.sleep(20)), plan(0, 1000, 3, 0.001, 1));
        assertThat(s[0]).hasSize(3);
    }

    @Test
    void aFasterEngineKeepsSamplingWhileTheSlowerOneCatchesUp() throws Exception {
        List<String> order = new ArrayList<>();
        long[][] s = Bencher.timed(List.of(() -> order.add("fast"), () -> { order.add("slow"); Thread.sleep(5); }), plan(0, 4, 2, 60, 2));
        assertThat(s[0].length).isGreaterThanOrEqualTo(4);
        assertThat(s[1].length).isGreaterThanOrEqualTo(4);
        assertThat(order.getFirst()).isEqualTo("fast");
        assertThat(order.getLast()).isEqualTo("slow");
    }

    @Test
    void planRejectsNonsense() {
        assertThatThrownBy(() -> plan(0, 0, 1, 60, 1)).hasMessageContaining("--runs must be >= 1");
        assertThatThrownBy(() -> plan(-1, 10, 1, 60, 1)).hasMessageContaining("--warmup must be >= 0");
        assertThatThrownBy(() -> plan(0, 10, 11, 60, 1)).hasMessageContaining("--min-runs");
        assertThatThrownBy(() -> plan(0, 10, 1, 0, 1)).hasMessageContaining("--max-time");
        assertThatThrownBy(() -> plan(0, 10, 1, 60, 0)).hasMessageContaining("--block");
        assertThatThrownBy(() -> new Bencher.Plan(1, 30, 20, false, 1, 1, 1, 1)).hasMessageContaining("--warmup-min-time must be in [0, --warmup-time=20.0]");
    }
}
