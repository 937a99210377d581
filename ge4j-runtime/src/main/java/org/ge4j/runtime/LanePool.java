package org.ge4j.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The process-wide threads that run the extra streams (lanes) of multi-stream plans: a fixed set of daemon
 * workers that park when idle. A run offers each of its lanes but the first (which the caller's thread
 * runs) to an idle worker; when none is idle the lane stays unclaimed and the run's own threads take it
 * over when they need its results ({@link StreamExecutor}), so a run never waits for a free worker.
 * Offering a lane allocates nothing.
 *
 * <p>The worker count is {@code ge4j.streamWorkers} when set, else {@code ge4j.threads - 1} (the caller's
 * thread and the workers together use the thread budget the vector kernels use; see {@link StreamExecutor}).
 */
final class LanePool {
    private static volatile LanePool shared;

    private final Worker[] workers;

    LanePool(int workers) {
        this.workers = new Worker[workers];
        for (int i = 0; i < workers; i++) {
            Worker w = new Worker();
            Thread t = new Thread(w, "ge4j-stream-" + (i + 1));
            t.setDaemon(true);
            w.thread = t;
            this.workers[i] = w;
            t.start();
        }
    }

    static LanePool shared() {
        LanePool p = shared;
        if (p == null) {
            synchronized (LanePool.class) {
                p = shared;
                if (p == null) shared = p = new LanePool(configuredWorkers());
            }
        }
        return p;
    }

    /** {@code -Dge4j.streamWorkers=N}, else one less than the vector kernels' thread count. */
    static int configuredWorkers() {
        String s = System.getProperty("ge4j.streamWorkers");
        if (s == null || s.isBlank()) return Math.max(0, org.ge4j.ops.vector.WorkerPool.configuredThreads() - 1);
        try {
            int n = Integer.parseInt(s.trim());
            if (n < 0) throw new IllegalArgumentException("system property ge4j.streamWorkers must be >= 0, got " + s);
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property ge4j.streamWorkers must be an integer, got '" + s + "'", e);
        }
    }

    int workers() { return workers.length; }

    /** The workers' thread ids (for allocation accounting in tests). */
    long[] threadIds() {
        long[] ids = new long[workers.length];
        for (int i = 0; i < ids.length; i++) ids[i] = workers[i].thread.threadId();
        return ids;
    }

    /** Hands lane {@code lane} of {@code run} to an idle worker; false when every worker is busy. */
    boolean offer(StreamExecutor run, int lane) {
        for (Worker w : workers) {
            if (w.state.get() != Worker.IDLE || !w.state.compareAndSet(Worker.IDLE, Worker.ASSIGNED)) continue;
            w.lane = lane;
            w.job = run; // volatile: publishes the lane
            LockSupport.unpark(w.thread);
            return true;
        }
        return false;
    }

    private static final class Worker implements Runnable {
        static final int IDLE = 0, ASSIGNED = 1;
        final AtomicInteger state = new AtomicInteger(IDLE);
        volatile StreamExecutor job;
        int lane;
        Thread thread;

        @Override public void run() {
            while (true) {
                StreamExecutor j = job;
                if (j == null) {
                    LockSupport.park(this);
                    continue;
                }
                int l = lane;
                job = null;
                try {
                    j.workLane(l);
                } catch (Throwable e) {
                    // workLane records kernel failures in its run; anything else must not kill the worker
                } finally {
                    state.set(IDLE);
                }
            }
        }
    }
}
