package org.ge4j.compiler.plan;

import java.util.Arrays;
import java.util.Locale;

/**
 * Puts the tasks of a plan on streams so that independent branches (inception branches, parallel Q/K/V
 * projections) run at the same time, and adds the events that order them across streams.
 *
 * <p>Assignment is list scheduling on estimated task times ({@link TaskCost}): tasks are taken in plan
 * order, each onto the stream where it would finish first given its inputs' finish times, paying a
 * synchronisation cost for each input produced on another stream (so chains stay on one stream). The
 * schedule is kept only when its estimated speed-up over one stream reaches {@link Options#minGain()} and
 * the model has at least {@link Options#minWorkNanos()} of work; otherwise the plan stays single-stream.
 *
 * <p>One stream does not mean one thread: the threads the other streams would take run the kernels' own
 * chunks ({@code WorkerPool}), so the one-stream time the schedule is compared with is the tasks' time
 * with each task of at least {@link #PARALLEL_MIN_NANOS} sped up by {@code 1 + (streams - 1) ·}
 * {@link Options#kernelEfficiency()} (0: the kernels taken as single-threaded, the model before session 8).
 * On 2 threads googlenet's inception branches gave an estimated 1.25× on two streams against one-thread
 * kernels, and measured 4-7 % slower than one stream of two-thread kernels (BENCHMARKS.md, session 8).
 *
 * <p>Every cross-stream data edge becomes an event recorded after the producer and a wait before the
 * consumer, except when the wait is implied: an earlier wait on the consumer's stream (directly or
 * transitively, through the vector clocks of {@link StreamPlan}) already orders the producer first.
 */
public final class StreamPlanner {
    /**
     * @param streams      the most streams (lanes) to use; 1 = single-stream
     * @param minWorkNanos below this estimated total time the model stays single-stream
     * @param minGain      the least estimated speed-up (sequential time / parallel time) worth using streams for
     * @param syncNanos    the estimated cost of a cross-stream wait (wake-up latency), charged in the schedule
     * @param kernelEfficiency how much of each further thread a kernel of one stream uses for its own chunks
     *                     (0..1; 0 = kernels single-threaded: streams compared with one thread)
     */
    public record Options(int streams, double minWorkNanos, double minGain, double syncNanos, double kernelEfficiency) {
        /** The default lane count. */
        public static final int DEFAULT_STREAMS = 2;
        /**
         * The default {@link #kernelEfficiency()}: googlenet's tasks at 2 threads against 1 (TaskTimes, quiet machine,
         * session 8) ran 1.63× (Winograd 3×3s) to 1.83× (the stem), 1.72× over the whole run.
         */
        public static final double DEFAULT_KERNEL_EFFICIENCY = 0.75;

        public Options {
            if (streams < 1) throw new IllegalArgumentException("stream count must be >= 1, got " + streams);
            if (minGain < 1 || minWorkNanos < 0 || syncNanos < 0 || !(kernelEfficiency >= 0 && kernelEfficiency <= 1))
                throw new IllegalArgumentException("bad stream options: " + minGain + ", " + minWorkNanos + ", " + syncNanos + ", " + kernelEfficiency);
        }

        /** Options whose kernels are taken as single-threaded ({@link #kernelEfficiency()} 0). */
        public Options(int streams, double minWorkNanos, double minGain, double syncNanos) { this(streams, minWorkNanos, minGain, syncNanos, 0); }

        /**
         * Two streams for models with at least 1 ms of estimated work and an estimated gain of 10 % over one stream
         * whose kernels use both threads (two equal branches of large kernels: 2 / 1.75 = 1.14).
         */
        public static Options defaults() { return new Options(DEFAULT_STREAMS, 1e6, 1.10, 20_000, DEFAULT_KERNEL_EFFICIENCY); }

        /** One stream: no events, the plain sequential plan. */
        public static Options single() { return new Options(1, 0, 1, 0); }

        /** {@code n} streams whatever the cost (for tests and forced experiments). */
        public static Options forced(int n) { return new Options(n, 0, 1, 0); }

        public Options withStreams(int n) { return new Options(n, minWorkNanos, minGain, syncNanos, kernelEfficiency); }

        /**
         * As text, e.g. {@code streams=2,min_work_ns=1000000,min_gain=1.1,sync_ns=20000,kernel_eff=0.75} (kept in the
         * .om's options).
         */
        public String describe() {
            return String.format(Locale.ROOT, "streams=%d,min_work_ns=%.0f,min_gain=%s,sync_ns=%.0f,kernel_eff=%s", streams, minWorkNanos, minGain,
                    syncNanos, kernelEfficiency);
        }

        /** Reads {@link #describe()}'s text; keys left out keep their default; null or blank = single stream. */
        public static Options parse(String text) {
            if (text == null || text.isBlank()) return single();
            Options d = defaults();
            int n = d.streams;
            double work = d.minWorkNanos, gain = d.minGain, sync = d.syncNanos, eff = d.kernelEfficiency;
            for (String kv : text.split(",")) {
                int eq = kv.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("stream options '" + text + "': expected key=value, got '" + kv + "'");
                String k = kv.substring(0, eq).trim(), v = kv.substring(eq + 1).trim();
                try {
                    switch (k) {
                        case "streams" -> n = Integer.parseInt(v);
                        case "min_work_ns" -> work = Double.parseDouble(v);
                        case "min_gain" -> gain = Double.parseDouble(v);
                        case "sync_ns" -> sync = Double.parseDouble(v);
                        case "kernel_eff" -> eff = Double.parseDouble(v);
                        default -> throw new IllegalArgumentException("stream options '" + text + "': unknown key '" + k + "'");
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("stream options '" + text + "': '" + k + "' must be a number, got '" + v + "'", e);
                }
            }
            return new Options(n, work, gain, sync, eff);
        }
    }

    /**
     * Estimated time from which a task's kernel splits its work over the pool's threads: 2 MFLOP at {@link
     * TaskCost}'s 40 FLOP/ns, the threshold of the GEMM-like vector kernels ({@code Split.PARALLEL_MIN_FLOPS}).
     */
    static final double PARALLEL_MIN_NANOS = 50_000;

    private StreamPlanner() {}

    /**
     * Plans streams for tasks in execution order.
     *
     * @param preds per task, the tasks (earlier in order) whose results it reads
     * @param nanos per task, its estimated time
     */
    public static StreamPlan plan(int[][] preds, double[] nanos, Options o) {
        int n = preds.length;
        if (o.streams() <= 1) return StreamPlan.single(n, "single stream asked for");
        double total = 0;
        for (double c : nanos) total += c;
        if (total < o.minWorkNanos())
            return StreamPlan.single(n, String.format(Locale.ROOT, "single stream: %.0f us of estimated work is below %.0f us", total / 1e3, o.minWorkNanos() / 1e3));

        int s = o.streams();
        int[] lane = new int[n];
        double[] finish = new double[n];
        double[] free = new double[s];
        for (int t = 0; t < n; t++) {
            int best = 0;
            double bestEnd = Double.MAX_VALUE;
            int home = homeLane(preds[t], lane, finish);
            for (int l = 0; l < s; l++) {
                double ready = free[l];
                for (int p : preds[t]) ready = Math.max(ready, finish[p] + (lane[p] != l ? o.syncNanos() : 0));
                double end = ready + nanos[t];
                // ties: the stream of the latest input (no event), then the lowest stream
                if (end < bestEnd || end == bestEnd && l == home) {
                    bestEnd = end;
                    best = l;
                }
            }
            lane[t] = best;
            finish[t] = bestEnd;
            free[best] = bestEnd;
        }
        double makespan = 0;
        for (double f : finish) makespan = Math.max(makespan, f);
        double one = oneStreamNanos(nanos, s, o.kernelEfficiency());
        double gain = makespan <= 0 ? 1 : one / makespan;
        if (gain < o.minGain())
            return StreamPlan.single(n, String.format(Locale.ROOT, "single stream: estimated gain %.2fx on %d streams is below %.2fx%s", gain, s, o.minGain(),
                    o.kernelEfficiency() > 0 ? " (one stream's kernels on " + s + " threads)" : ""));
        int used = renumber(lane, s);
        if (used == 1) return StreamPlan.single(n, "single stream: no independent branches");
        StreamPlan p = withEvents(used, lane, preds);
        return new StreamPlan(used, p.streamOf(), p.eventTask(), p.waits(),
                String.format(Locale.ROOT, "estimated %.2fx on %d streams (%.0f us of work)", gain, used, total / 1e3));
    }

    /**
     * The estimated time of the tasks on one stream whose kernels use the {@code threads} threads: a task of at
     * least {@link #PARALLEL_MIN_NANOS} runs {@code 1 + (threads - 1) · efficiency} times faster than on one thread.
     */
    static double oneStreamNanos(double[] nanos, int threads, double efficiency) {
        double speedUp = 1 + (threads - 1) * efficiency, t = 0;
        for (double c : nanos) t += c >= PARALLEL_MIN_NANOS ? c / speedUp : c;
        return t;
    }

    /** The stream of the input finishing last (-1 without inputs). */
    private static int homeLane(int[] preds, int[] lane, double[] finish) {
        int home = -1;
        double last = -1;
        for (int p : preds) if (finish[p] > last) { last = finish[p]; home = lane[p]; }
        return home;
    }

    /** Numbers the streams by their first task (task 0's stream becomes stream 0: the caller's); returns how many are used. */
    private static int renumber(int[] lane, int s) {
        int[] map = new int[s];
        Arrays.fill(map, -1);
        int used = 0;
        for (int t = 0; t < lane.length; t++) {
            if (map[lane[t]] < 0) map[lane[t]] = used++;
            lane[t] = map[lane[t]];
        }
        return used;
    }

    /**
     * The events for a given stream assignment: one wait per cross-stream input not already ordered by the
     * consumer stream's earlier waits, taken latest producer first so that one wait covers the earlier ones.
     */
    public static StreamPlan withEvents(int streams, int[] streamOf, int[][] preds) {
        int n = streamOf.length;
        int[][] lane = new int[streams][streams];
        for (int[] l : lane) Arrays.fill(l, -1);
        int[][] after = new int[n][];
        int[][] waitTasks = new int[n][];
        boolean[] records = new boolean[n];
        for (int t = 0; t < n; t++) {
            int me = streamOf[t];
            int[] c = lane[me];
            int[] ps = preds[t].clone();
            Arrays.sort(ps);
            int[] w = new int[ps.length];
            int k = 0;
            for (int i = ps.length - 1; i >= 0; i--) {
                int p = ps[i];
                if (p >= t) throw new IllegalArgumentException("task " + t + " depends on task " + p + ", which is not earlier");
                if (streamOf[p] == me || c[streamOf[p]] >= p) continue; // same stream, or implied by an earlier wait
                w[k++] = p;
                records[p] = true;
                StreamPlan.merge(c, after[p]);
            }
            waitTasks[t] = Arrays.copyOf(w, k);
            c[me] = t;
            after[t] = c.clone();
        }
        int[] eventOf = new int[n];
        int events = 0;
        for (int t = 0; t < n; t++) eventOf[t] = records[t] ? events++ : -1;
        int[] eventTask = new int[events];
        for (int t = 0; t < n; t++) if (records[t]) eventTask[eventOf[t]] = t;
        int[][] waits = new int[n][];
        for (int t = 0; t < n; t++) {
            waits[t] = new int[waitTasks[t].length];
            for (int i = 0; i < waits[t].length; i++) waits[t][i] = eventOf[waitTasks[t][i]];
            Arrays.sort(waits[t]);
        }
        return new StreamPlan(streams, streamOf.clone(), eventTask, waits, "given assignment");
    }
}
