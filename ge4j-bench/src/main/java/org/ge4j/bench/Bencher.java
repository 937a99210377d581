package org.ge4j.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Warm-up and timed runs. Timed runs of several engines alternate in blocks of at most {@code block}
 * runs (and at most about one second) each, round after round, so every engine is sampled over the
 * same stretch of time and a change in the machine's clock or load hits them alike. Between two engines'
 * blocks the bencher can sleep ({@code settleMillis}): an engine whose idle worker threads spin (ONNX
 * Runtime's default) would otherwise still hold a core at the start of the other engine's block.
 */
public final class Bencher {
    private static final double STABLE = 0.97; // a warm-up window within 3 % of the previous one is stable
    private static final int WINDOW = 5;
    private static final long BLOCK_NANOS = 1_000_000_000L;

    /**
     * How long to measure.
     *
     * @param warmup      warm-up runs (this many unless {@code warmupSeconds} runs out first)
     * @param warmupMinSeconds warm up for at least this long (the first run included), however many runs that
     *                    takes: the JIT needs seconds, not runs, to compile a model's kernels
     * @param warmupSeconds time cap of the warm-up, the first run included
     * @param untilStable after {@code warmup} runs, keep warming up in windows of 5 runs while the median still
     *                    improves by more than 3 %, within {@code warmupSeconds}
     * @param runs        timed runs per engine (the target)
     * @param minRuns     timed runs per engine at least, even past {@code maxSeconds}
     * @param maxSeconds  time budget of the timed phase: it stops once spent and every engine has {@code minRuns}
     * @param block       runs per engine per alternation block
     * @param settleMillis sleep before each engine's block when several engines alternate (not timed)
     */
    public record Plan(int warmup, double warmupMinSeconds, double warmupSeconds, boolean untilStable, int runs, int minRuns, double maxSeconds, int block,
                       int settleMillis) {
        /** A plan with no pause between blocks. */
        public Plan(int warmup, double warmupMinSeconds, double warmupSeconds, boolean untilStable, int runs, int minRuns, double maxSeconds, int block) {
            this(warmup, warmupMinSeconds, warmupSeconds, untilStable, runs, minRuns, maxSeconds, block, 0);
        }

        public Plan {
            if (settleMillis < 0) throw new IllegalArgumentException("--settle must be >= 0 ms, got " + settleMillis);
            if (!(warmupMinSeconds >= 0) || warmupMinSeconds > warmupSeconds)
                throw new IllegalArgumentException("--warmup-min-time must be in [0, --warmup-time=" + warmupSeconds + "], got " + warmupMinSeconds);
            if (warmup < 0) throw new IllegalArgumentException("--warmup must be >= 0, got " + warmup);
            if (runs < 1) throw new IllegalArgumentException("--runs must be >= 1, got " + runs);
            if (minRuns < 1 || minRuns > runs) throw new IllegalArgumentException("--min-runs must be in [1, --runs=" + runs + "], got " + minRuns);
            if (block < 1) throw new IllegalArgumentException("--block must be >= 1, got " + block);
            if (!(warmupSeconds >= 0)) throw new IllegalArgumentException("--warmup-time must be >= 0, got " + warmupSeconds);
            if (!(maxSeconds > 0)) throw new IllegalArgumentException("--max-time must be > 0, got " + maxSeconds);
        }
    }

    /** One run of an engine, for callers that time things their own way. */
    @FunctionalInterface
    public interface Runner {
        void run() throws Exception;
    }

    private Bencher() {}

    /** Times one call, in nanoseconds. */
    public static long time(Runner r) throws Exception {
        long t0 = System.nanoTime();
        r.run();
        return System.nanoTime() - t0;
    }

    /**
     * Warms one engine up; returns the warm-up run times in order. {@code spent} is warm-up time already
     * spent (the first run's): a model whose first run alone exceeds the cap gets no more warm-up runs.
     */
    public static long[] warmUp(Runner r, Plan p, long spent) throws Exception {
        List<Long> w = new ArrayList<>();
        long cap = (long) (p.warmupSeconds() * 1e9) - spent;
        long start = System.nanoTime();
        long min = (long) (p.warmupMinSeconds() * 1e9) - spent;
        for (long t; ((t = System.nanoTime() - start) < min || w.size() < p.warmup()) && t < cap; ) w.add(time(r));
        if (p.untilStable() && p.warmup() > 0 && w.size() >= p.warmup()) {
            while (System.nanoTime() - start < cap) {
                while (w.size() < 2 * WINDOW) w.add(time(r));
                double last = median(w.subList(w.size() - WINDOW, w.size()));
                double prev = median(w.subList(w.size() - 2 * WINDOW, w.size() - WINDOW));
                if (last >= STABLE * prev) break;
                for (int i = 0; i < WINDOW && System.nanoTime() - start < cap; i++) w.add(time(r));
            }
        }
        return w.stream().mapToLong(Long::longValue).toArray();
    }

    /** Timed runs of the engines, alternating in blocks; returns each engine's samples (ns), in the given order. */
    public static long[][] timed(List<Runner> engines, Plan p) throws Exception {
        int n = engines.size();
        long[][] s = new long[n][16];
        int[] count = new int[n];
        long budget = (long) (p.maxSeconds() * 1e9);
        long start = System.nanoTime();
        while (!done(count, p, System.nanoTime() - start >= budget)) {
            for (int e = 0; e < n; e++) {
                if (n > 1 && p.settleMillis() > 0) Thread.sleep(p.settleMillis());
                long blockStart = System.nanoTime();
                for (int k = 0; k < p.block(); k++) {
                    if (k > 0 && System.nanoTime() - blockStart >= BLOCK_NANOS) break;
                    if (k > 0 && done(count, p, System.nanoTime() - start >= budget)) break;
                    long t = time(engines.get(e));
                    if (count[e] == s[e].length) s[e] = Arrays.copyOf(s[e], 2 * s[e].length);
                    s[e][count[e]++] = t;
                }
            }
        }
        long[][] out = new long[n][];
        for (int e = 0; e < n; e++) out[e] = Arrays.copyOf(s[e], count[e]);
        return out;
    }

    private static boolean done(int[] count, Plan p, boolean outOfTime) {
        boolean all = true, min = true;
        for (int c : count) {
            all &= c >= p.runs();
            min &= c >= p.minRuns();
        }
        return all || (outOfTime && min);
    }

    private static double median(List<Long> l) {
        long[] a = l.stream().mapToLong(Long::longValue).toArray();
        return Stats.of(a).median();
    }
}
