package org.ge4j.compiler.plan;

import java.util.Arrays;

/**
 * Which stream (lane) runs each task of an {@link ExecutionPlan}, and the events that order tasks across
 * streams. Each stream runs its tasks in plan order; an event is recorded right after its task finishes,
 * and a task waits for its events before it starts. Every event's task comes before every task that
 * waits for it in plan order, so one thread running the whole plan in order never waits (the executor's
 * fallback), and any mix of threads running streams makes progress.
 *
 * <p>Happens-before across streams is tracked with vector clocks ({@link #clocksBefore()}): the clock of a
 * task says, per stream, the last task of that stream known to have finished before it starts.
 *
 * @param streams   the number of streams (1 = the plain sequential plan, no events)
 * @param streamOf  the stream of each task
 * @param eventTask the task each event is recorded after, by event id (increasing)
 * @param waits     per task, the events it waits for before it starts (each recorded by a task of another stream)
 * @param note      why the planner chose this (e.g. "estimated 1.6x on 2 streams", "small model")
 */
public record StreamPlan(int streams, int[] streamOf, int[] eventTask, int[][] waits, String note) {
    private static final int[] NONE = new int[0];

    public StreamPlan {
        if (streams < 1) throw new IllegalArgumentException("stream count must be >= 1, got " + streams);
        if (waits.length != streamOf.length) throw new IllegalArgumentException("waits for " + waits.length + " tasks, streams for " + streamOf.length);
        String bad = problem(streams, streamOf, eventTask, waits);
        if (bad != null) throw new IllegalArgumentException("bad stream plan: " + bad);
    }

    /** Everything on one stream: the plan runs in order on the caller's thread. */
    public static StreamPlan single(int tasks, String note) {
        int[][] w = new int[tasks][];
        Arrays.fill(w, NONE);
        return new StreamPlan(1, new int[tasks], NONE, w, note);
    }

    /** What is wrong with these arrays as a stream plan, or null when they are consistent. */
    public static String problem(int streams, int[] streamOf, int[] eventTask, int[][] waits) {
        int n = streamOf.length;
        for (int t = 0; t < n; t++) if (streamOf[t] < 0 || streamOf[t] >= streams) return "task " + t + " on stream " + streamOf[t] + " of " + streams;
        int[] recorded = new int[n];
        Arrays.fill(recorded, -1);
        for (int e = 0; e < eventTask.length; e++) {
            int t = eventTask[e];
            if (t < 0 || t >= n) return "event " + e + " after task " + t + " of " + n;
            if (e > 0 && eventTask[e - 1] >= t) return "events not in task order at event " + e;
            recorded[t] = e;
        }
        for (int t = 0; t < n; t++) {
            if (waits[t] == null) return "task " + t + " has no wait list";
            for (int e : waits[t]) {
                if (e < 0 || e >= eventTask.length) return "task " + t + " waits for event " + e + " of " + eventTask.length;
                if (eventTask[e] >= t) return "task " + t + " waits for event " + e + " recorded after a later task " + eventTask[e];
                if (streamOf[eventTask[e]] == streamOf[t]) return "task " + t + " waits for event " + e + " of its own stream";
            }
        }
        return null;
    }

    public int tasks() { return streamOf.length; }

    public int events() { return eventTask.length; }

    /** The number of waits in all (an event may be waited for by several tasks). */
    public int waitCount() {
        int c = 0;
        for (int[] w : waits) c += w.length;
        return c;
    }

    /** The event recorded after each task, or -1. */
    public int[] recordAfter() {
        int[] r = new int[streamOf.length];
        Arrays.fill(r, -1);
        for (int e = 0; e < eventTask.length; e++) r[eventTask[e]] = e;
        return r;
    }

    /** How many tasks each stream runs. */
    public int[] tasksPerStream() {
        int[] c = new int[streams];
        for (int s : streamOf) c[s]++;
        return c;
    }

    /** The tasks of stream {@code s}, in order. */
    public int[] tasksOf(int s) {
        int c = 0;
        for (int x : streamOf) if (x == s) c++;
        int[] r = new int[c];
        c = 0;
        for (int t = 0; t < streamOf.length; t++) if (streamOf[t] == s) r[c++] = t;
        return r;
    }

    /**
     * The vector clock of each task when it starts (after its waits): {@code clocks[t][s]} is the last task
     * of stream {@code s} guaranteed to have finished, -1 for none. On the task's own stream it is the
     * stream's previous task.
     */
    public int[][] clocksBefore() { return clocks(streams, streamOf, eventTask, waits); }

    static int[][] clocks(int streams, int[] streamOf, int[] eventTask, int[][] waits) {
        int n = streamOf.length;
        int[][] lane = new int[streams][streams];
        for (int[] l : lane) Arrays.fill(l, -1);
        int[][] after = new int[n][];
        int[][] before = new int[n][];
        for (int t = 0; t < n; t++) {
            int[] c = lane[streamOf[t]];
            for (int e : waits[t]) merge(c, after[eventTask[e]]);
            before[t] = c.clone();
            c[streamOf[t]] = t;
            after[t] = c.clone();
        }
        return before;
    }

    static void merge(int[] into, int[] from) {
        for (int i = 0; i < into.length; i++) into[i] = Math.max(into[i], from[i]);
    }

    /** True when task {@code a} is known to have finished before task {@code b} starts (stream order and events). */
    public static boolean ordered(int[][] clocksBefore, int[] streamOf, int a, int b) {
        return a < b && clocksBefore[b][streamOf[a]] >= a;
    }

    /**
     * Whether every data dependency is ordered: {@code preds[t]} are the tasks whose results task {@code t}
     * reads. Returns the first unordered pair as text, or null.
     */
    public String unorderedDependency(int[][] preds) {
        int[][] c = clocksBefore();
        for (int t = 0; t < preds.length; t++)
            for (int p : preds[t]) if (!ordered(c, streamOf, p, t)) return "task " + t + " reads the result of task " + p + " without waiting for it";
        return null;
    }

    @Override public String toString() {
        return "StreamPlan[" + streams + " streams, tasks per stream " + Arrays.toString(tasksPerStream()) + ", " + events() + " events, "
                + waitCount() + " waits: " + note + "]";
    }
}
