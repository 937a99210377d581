package org.ge4j.ops.vector;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The intra-op thread pool of the vector kernels: a fixed set of daemon workers that park when idle
 * (after a short bounded spin when {@code ge4j.pool.spinMicros} asks for one). A job is {@code chunks}
 * calls of one {@link Job} shared out between the caller and the workers; handing out a job allocates
 * nothing. One job runs at a time: a caller that finds the pool busy (another model running on another
 * thread) runs its chunks itself.
 *
 * <p><b>Spinning during a run.</b> Between {@link #beginRun()} and {@link #endRun()} (a model run: the
 * runtime brackets each run with them) a worker that finished a job spins for the next one instead of
 * parking, and a caller waiting for the last chunks of its job spins instead of parking: a model run hands
 * out a job per layer, and waking a parked thread (on a VM, a halted vCPU) costs more than a small layer's
 * share of work. Spinning is bounded ({@code ge4j.pool.runSpinMicros}, default 2000: a worker that saw no job
 * for that long parks), only while exactly fewer runs than threads are in progress (concurrent runs on their
 * own threads already fill the cores), only by workers a job may use (not those reserved by stream lanes),
 * and stops as soon as the last run ends: an idle pool costs nothing. {@code -Dge4j.pool.runSpinMicros=0}
 * turns it off.
 *
 * <p><b>Which thread runs which chunk.</b> The caller takes chunks from the first one up, the workers from the
 * last one down, until they meet. Kernels number their chunks in the order of the memory they write (rows,
 * channel blocks, ranges), so with two threads the caller writes mostly the front part of every layer's
 * output and the worker the back part: the next layer, split alike, finds most of its input in its own
 * core's cache. (Reading lines another core just wrote is slow: on the 2-vCPU benchmark machine a 605 KB slice
 * of a GEMM's output took 0.03 ms at 1 thread and 0.28 ms when the other core had written half of it.)
 *
 * <p>The thread count is the system property {@code ge4j.threads} (default: the available processors).
 */
public final class WorkerPool {
    /** A parallel piece of work: {@code run(ctx, chunk, chunks)} for chunk = 0..chunks-1, in any order and thread. */
    @FunctionalInterface
    public interface Job {
        void run(Object ctx, int chunk, int chunks);
    }

    private static volatile WorkerPool shared;
    /**
     * How long an idle worker, and a caller waiting for the last chunks, spin before parking
     * ({@code -Dge4j.pool.spinMicros}; default 0: park at once). Bounded, so an idle pool still costs nothing.
     * Off by default until measured on a quiet machine (2-thread transformer runs: ~200 jobs per inference).
     */
    private static final long SPIN_NANOS = Math.max(0, Long.getLong("ge4j.pool.spinMicros", 0)) * 1000;
    /** How long a worker spins for the next job during a run, and a caller for its job's last chunks ({@code -Dge4j.pool.runSpinMicros}). */
    private static final long RUN_SPIN_NANOS = Math.max(0, Long.getLong("ge4j.pool.runSpinMicros", 2000)) * 1000;

    private final int threads;
    private final Thread[] workers;
    private final ReentrantLock busy = new ReentrantLock();
    /**
     * The untaken chunks of the current job, [front, end), with the job's generation: (generation mod 2^24) << 40
     * | front << 20 | end. The caller takes chunks from the front, the workers from the end, so a thread mostly
     * runs the same part of every job (see the class comment); a worker only takes chunks of the job it read.
     */
    private final AtomicLong ticket = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    /** Threads of the budget busy elsewhere (the stream lanes of multi-stream plans): workers not to wake. */
    private final AtomicInteger reserved = new AtomicInteger();
    /** Model runs in progress ({@link #beginRun()} .. {@link #endRun()}). */
    private final AtomicInteger runs = new AtomicInteger();
    private volatile int generation;
    private volatile Thread waiter;
    // volatile so that a worker that sees a new job's fields also sees that job's ticket
    private volatile Job job;
    private volatile Object ctx;
    private volatile int chunks;
    private volatile Throwable failure;

    /** A pool of {@code threads} threads in all (the caller counts as one; {@code threads - 1} workers). */
    public WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + threads);
        this.threads = threads;
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int index = i;
            Thread t = new Thread(() -> work(index), "ge4j-worker-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /** The process-wide pool, sized by {@code ge4j.threads} (default: available processors). */
    public static WorkerPool shared() {
        WorkerPool p = shared;
        if (p == null) {
            synchronized (WorkerPool.class) {
                p = shared;
                if (p == null) shared = p = new WorkerPool(configuredThreads());
            }
        }
        return p;
    }

    /** The thread count asked for with {@code -Dge4j.threads=N}, else the available processors. */
    public static int configuredThreads() {
        String s = System.getProperty("ge4j.threads");
        if (s == null || s.isBlank()) return Runtime.getRuntime().availableProcessors();
        try {
            int n = Integer.parseInt(s.trim());
            if (n < 1) throw new IllegalArgumentException("system property ge4j.threads must be >= 1, got " + s);
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property ge4j.threads must be an integer, got '" + s + "'", e);
        }
    }

    public int threads() { return threads; }

    /**
     * Takes ({@code delta > 0}) or gives back ({@code delta < 0}) threads of this pool's budget for work
     * running beside it (the extra stream lanes of a multi-stream plan run on their own threads): jobs then
     * wake only {@code threads - 1 - reserved} workers, so kernels and lanes together stay within the budget.
     * Giving threads back wakes idle workers into the job running then, if any.
     */
    public void reserve(int delta) {
        reserved.addAndGet(delta);
        if (delta < 0 && busy.isLocked()) {
            // a job may be running with fewer workers than the budget now allows: wake idle ones to join it
            // (jobs wake workers from index 0, so the idle ones are the last)
            int free = available();
            for (int i = workers.length - 1; i >= 0 && free > 0; i--, free--) LockSupport.unpark(workers[i]);
        }
    }

    /** Workers a job may wake now: the workers not reserved (a negative reservation, lent threads, adds none). */
    private int available() { return Math.min(workers.length, workers.length - reserved.get()); }

    /**
     * A model run starts on the calling thread: until the matching {@link #endRun()}, the pool's threads spin
     * between its jobs (see the class comment). Cheap (one atomic add); wakes nobody.
     */
    public void beginRun() { runs.incrementAndGet(); }

    /** The run begun by {@link #beginRun()} ended: when it was the last, spinning workers park. */
    public void endRun() { runs.decrementAndGet(); }

    /** Whether threads should spin rather than park now: some run, but fewer runs than threads, in progress. */
    private boolean spinning() {
        int r = runs.get();
        return r > 0 && r < threads && RUN_SPIN_NANOS > 0;
    }

    /** Runs {@code job} for every chunk and returns when all are done; rethrows the first failure. */
    public void run(Job job, Object ctx, int chunks) {
        if (chunks <= 0) return;
        if (chunks == 1 || chunks > MAX_CHUNKS || workers.length == 0 || !busy.tryLock()) {
            for (int c = 0; c < chunks; c++) job.run(ctx, c, chunks);
            return;
        }
        try {
            int gen = generation + 1;
            ticket.set(ticket(gen, 0, chunks)); // first: workers still holding the previous job's fields take nothing more
            this.job = job;
            this.ctx = ctx;
            this.chunks = chunks;
            failure = null;
            done.set(0);
            waiter = Thread.currentThread();
            generation = gen; // publishes the fields above
            int wake = Math.max(0, Math.min(available(), chunks - 1));
            for (int i = 0; i < wake; i++) LockSupport.unpark(workers[i]);
            drain(gen, job, ctx, chunks, false);
            if (done.get() < chunks) {
                long until = System.nanoTime() + (spinning() ? Math.max(SPIN_NANOS, RUN_SPIN_NANOS) : SPIN_NANOS);
                long start = System.nanoTime(), now = start;
                while (done.get() < chunks && (now = System.nanoTime()) - until < 0) pause(now - start);
                while (done.get() < chunks) LockSupport.park(this);
            }
            this.job = null;
            this.ctx = null;
            Throwable f = failure;
            if (f != null) {
                failure = null;
                if (f instanceof RuntimeException r) throw r;
                if (f instanceof Error e) throw e;
                throw new IllegalStateException(f);
            }
        } finally {
            busy.unlock();
        }
    }

    /**
     * One step of a spin that has lasted {@code spun} ns: a pause instruction for the first microseconds, then
     * a yield, so that on a machine with more runnable threads than cores the spinner gives its core to the
     * thread it waits for (or to another process) instead of burning its time slice.
     */
    private static void pause(long spun) {
        if (spun < YIELD_AFTER_NANOS) Thread.onSpinWait();
        else Thread.yield();
    }

    private static final long YIELD_AFTER_NANOS = 20_000;

    /** Jobs of more chunks than this run on the caller alone (the ticket holds 20-bit chunk indexes). */
    private static final int MAX_CHUNKS = (1 << 20) - 1;
    private static final long INDEX_MASK = (1L << 20) - 1;

    private static long ticket(int gen, int front, int end) { return (gen & 0xFFFFFFL) << 40 | (long) front << 20 | end; }

    /** Takes and runs chunks of job {@code gen} until none is left: from the end ({@code fromEnd}, workers) or the front (the caller). */
    private void drain(int gen, Job j, Object c, int n, boolean fromEnd) {
        long g = gen & 0xFFFFFFL;
        while (true) {
            long t = ticket.get();
            if (t >>> 40 != g) return;
            int front = (int) (t >>> 20 & INDEX_MASK), end = (int) (t & INDEX_MASK);
            if (front >= end) return;
            int i = fromEnd ? end - 1 : front;
            if (!ticket.compareAndSet(t, fromEnd ? t - 1 : t + (1L << 20))) continue;
            try {
                j.run(c, i, n);
            } catch (Throwable e) {
                if (failure == null) failure = e;
            }
            if (done.incrementAndGet() == n) LockSupport.unpark(waiter);
        }
    }

    private void work(int index) {
        int seen = 0;
        while (true) {
            int gen = generation;
            if (gen == seen) {
                // the next job usually comes within microseconds (the next layer of the same model run): a
                // spin catches it without the wake-up of a parked thread (on a VM, of a halted vCPU)
                long until = System.nanoTime() + SPIN_NANOS;
                while ((gen = generation) == seen && System.nanoTime() - until < 0) Thread.onSpinWait();
                if (gen == seen && spinning() && index < available()) {
                    long start = System.nanoTime(), now = start;
                    until = start + RUN_SPIN_NANOS;
                    int i = 0;
                    while ((gen = generation) == seen && (now = System.nanoTime()) - until < 0) {
                        pause(now - start);
                        // the run ended, or stream lanes took this worker's thread: park
                        if ((++i & 63) == 0 && !(spinning() && index < available())) break;
                    }
                }
                if (gen == seen) {
                    LockSupport.park(this);
                    continue;
                }
            }
            seen = gen;
            Job j = job;
            Object c = ctx;
            int n = chunks;
            if (j != null) drain(gen, j, c, n, true);
        }
    }
}
