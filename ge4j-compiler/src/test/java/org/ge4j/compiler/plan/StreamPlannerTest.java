package org.ge4j.compiler.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Stream assignment and event pruning on task graphs given as arrays (task i reads the tasks in preds[i]). */
class StreamPlannerTest {
    private static final int[] NONE = {};

    @Test
    void aChainStaysOnOneStream() {
        int[][] preds = {NONE, {0}, {1}, {2}};
        StreamPlan p = StreamPlanner.plan(preds, new double[] {5e6, 5e6, 5e6, 5e6}, StreamPlanner.Options.forced(2));
        assertThat(p.streams()).isEqualTo(1);
        assertThat(p.events()).isZero();
        assertThat(p.note()).contains("no independent branches");
    }

    @Test
    void forkJoinRunsTheBranchesOnTwoStreamsWithOneEventAtTheJoin() {
        // 0 and 1 both read graph inputs only; 2 joins them
        int[][] preds = {NONE, NONE, {0, 1}};
        // kernels taken as single-threaded (kernel efficiency 0): the two branches side by side
        StreamPlan p = StreamPlanner.plan(preds, new double[] {5e6, 5e6, 1e3}, new StreamPlanner.Options(2, 1e6, 1.15, 20_000));
        assertThat(p.streams()).isEqualTo(2);
        assertThat(p.streamOf()).containsExactly(0, 1, 0);
        assertThat(p.eventTask()).containsExactly(1);
        assertThat(p.waits()[2]).containsExactly(0);
        assertThat(p.waits()[0]).isEmpty();
        assertThat(p.waits()[1]).isEmpty();
        assertThat(p.note()).startsWith("estimated 1.9");
        assertThat(p.unorderedDependency(preds)).isNull();
    }

    @Test
    void branchesOfKernelsThatSplitTheirWorkStayOnOneStreamByDefault() {
        // branches of 5 and 2.5 ms: one stream whose kernels use both threads (1.75x, 4.3 ms) beats two streams (5 ms)
        int[][] preds = {NONE, NONE, {0, 1}};
        StreamPlan big = StreamPlanner.plan(preds, new double[] {5e6, 2.5e6, 1e3}, StreamPlanner.Options.defaults());
        assertThat(big.streams()).isEqualTo(1);
        assertThat(big.note()).contains("gain 0.86").contains("one stream's kernels on 2 threads");
        // two equal 5 ms branches: 5.7 ms on one stream, 5 ms on two (1.14x)
        StreamPlan equal = StreamPlanner.plan(preds, new double[] {5e6, 5e6, 1e3}, StreamPlanner.Options.defaults());
        assertThat(equal.streams()).isEqualTo(2);
        assertThat(equal.note()).startsWith("estimated 1.14");
        // two chains of 30 tasks of 40 us each: kernels too small to split, so two streams halve the time
        int n = 61;
        int[][] chains = new int[n][];
        double[] nanos = new double[n];
        for (int t = 0; t < 60; t++) {
            chains[t] = t % 30 == 0 ? NONE : new int[] {t - 1};
            nanos[t] = 40_000;
        }
        chains[60] = new int[] {29, 59};
        nanos[60] = 1e3;
        StreamPlan small = StreamPlanner.plan(chains, nanos, StreamPlanner.Options.defaults());
        assertThat(small.streams()).isEqualTo(2);
        assertThat(small.note()).startsWith("estimated 1.9");
        assertThat(small.unorderedDependency(chains)).isNull();
    }

    @Test
    void theOptionsReadBackTheirText() {
        StreamPlanner.Options d = StreamPlanner.Options.defaults();
        assertThat(StreamPlanner.Options.parse(d.describe())).isEqualTo(d);
        // text written before kernel_eff existed: the default efficiency
        assertThat(StreamPlanner.Options.parse("streams=2,min_work_ns=1000000,min_gain=1.1,sync_ns=20000")).isEqualTo(d);
        assertThat(StreamPlanner.Options.parse("kernel_eff=0").kernelEfficiency()).isZero();
        assertThatThrownBy(() -> StreamPlanner.Options.parse("kernel_eff=1.5")).hasMessageContaining("bad stream options");
    }

    @Test
    void aDiamondWaitsAtTheForkAndAtTheJoin() {
        // 0 -> {1, 2} -> 3
        int[][] preds = {NONE, {0}, {0}, {1, 2}};
        StreamPlan p = StreamPlanner.plan(preds, new double[] {1e6, 5e6, 5e6, 1e6}, StreamPlanner.Options.forced(2));
        assertThat(p.streamOf()).containsExactly(0, 0, 1, 0);
        assertThat(p.eventTask()).containsExactly(0, 2);
        assertThat(p.waits()[2]).containsExactly(0);
        assertThat(p.waits()[3]).containsExactly(1);
        assertThat(p.waitCount()).isEqualTo(2);
        assertThat(p.unorderedDependency(preds)).isNull();
    }

    @Test
    void smallModelsAndSmallGainsStaySingleStream() {
        int[][] preds = {NONE, NONE, {0, 1}};
        StreamPlan small = StreamPlanner.plan(preds, new double[] {1e4, 1e4, 1e3}, StreamPlanner.Options.defaults());
        assertThat(small.streams()).isEqualTo(1);
        assertThat(small.note()).contains("below 1000 us");
        // one big branch and one tiny one: two streams would save almost nothing
        StreamPlan lopsided = StreamPlanner.plan(preds, new double[] {1e7, 1e5, 1e3}, StreamPlanner.Options.defaults());
        assertThat(lopsided.streams()).isEqualTo(1);
        assertThat(lopsided.note()).contains("gain");
        assertThat(StreamPlanner.plan(preds, new double[] {5e6, 5e6, 1e3}, StreamPlanner.Options.single()).streams()).isEqualTo(1);
    }

    @Test
    void aWaitImpliedByAnEarlierWaitOnTheSameStreamIsPruned() {
        // stream 0: 0, 1; stream 1: 2 (reads 1), 3 (reads 0 and 1: both already ordered by 2's wait)
        int[][] preds = {NONE, {0}, {1}, {0, 1, 2}};
        StreamPlan p = StreamPlanner.withEvents(2, new int[] {0, 0, 1, 1}, preds);
        assertThat(p.eventTask()).containsExactly(1);
        assertThat(p.waits()[2]).containsExactly(0);
        assertThat(p.waits()[3]).isEmpty();
        assertThat(p.unorderedDependency(preds)).isNull();
    }

    @Test
    void waitsArePrunedTransitivelyThroughAThirdStream() {
        // stream 0: 0; stream 1: 1 (reads 0); stream 2: 2 (reads 1), 3 (reads 0: ordered through 1's wait for 0)
        int[][] preds = {NONE, {0}, {1}, {0, 2}};
        StreamPlan p = StreamPlanner.withEvents(3, new int[] {0, 1, 2, 2}, preds);
        assertThat(p.eventTask()).containsExactly(0, 1);
        assertThat(p.waits()[1]).containsExactly(0);
        assertThat(p.waits()[2]).containsExactly(1);
        assertThat(p.waits()[3]).isEmpty();
        int[][] c = p.clocksBefore();
        assertThat(c[3]).containsExactly(0, 1, 2);
        assertThat(StreamPlan.ordered(c, p.streamOf(), 0, 3)).isTrue();
    }

    @Test
    void theLatestProducerIsWaitedForFirstSoThatOneWaitCoversEarlierOnes() {
        // stream 0: 0, 1, 2; stream 1: 3 reads 0, 1 and 2: one wait (for 2) orders all three
        int[][] preds = {NONE, {0}, {1}, {0, 1, 2}};
        StreamPlan p = StreamPlanner.withEvents(2, new int[] {0, 0, 0, 1}, preds);
        assertThat(p.eventTask()).containsExactly(2);
        assertThat(p.waits()[3]).containsExactly(0);
    }

    @Test
    void inconsistentPlansAreRejected() {
        assertThatThrownBy(() -> new StreamPlan(2, new int[] {0, 1}, new int[] {1}, new int[][] {{0}, {}}, "x"))
                .hasMessageContaining("task 0 waits for event 0 recorded after a later task 1");
        assertThatThrownBy(() -> new StreamPlan(2, new int[] {0, 0}, new int[] {0}, new int[][] {{}, {0}}, "x"))
                .hasMessageContaining("of its own stream");
        assertThatThrownBy(() -> new StreamPlan(2, new int[] {0, 2}, new int[0], new int[][] {{}, {}}, "x"))
                .hasMessageContaining("task 1 on stream 2 of 2");
        StreamPlan unordered = new StreamPlan(2, new int[] {0, 1}, new int[0], new int[][] {{}, {}}, "x");
        assertThat(unordered.unorderedDependency(new int[][] {NONE, {0}})).isEqualTo("task 1 reads the result of task 0 without waiting for it");
    }
}
