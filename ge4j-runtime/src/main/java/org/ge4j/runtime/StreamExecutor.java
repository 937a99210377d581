package org.ge4j.runtime;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import org.ge4j.compiler.plan.StreamPlan;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ops.exec.CompiledKernel;

/**
 * Runs the tasks of an {@link ExecutionContext} on the streams of its plan's {@link StreamPlan}: the
 * caller's thread runs stream (lane) 0, the other lanes are offered to the {@link LanePool}. Per-run state
 * lives in arrays made once per context, so a run allocates nothing.
 *
 * <p><b>Events.</b> Event {@code e} is recorded by storing the run's generation number in slot {@code e};
 * a task waits until its events hold the current generation (no reset between runs). A waiting thread
 * spins briefly, then parks; recording an event unparks the parked threads of the run, which re-check.
 *
 * <p><b>Lanes are claimed, not bound.</b> A lane is run by whichever thread claims it first (a pool worker,
 * or a thread of the run that needs one of the lane's events and finds it unclaimed: it runs that lane
 * up to the event, then lets it go). Lanes run their tasks in plan order and every event's task precedes
 * its waiters in plan order, so the thread holding the earliest unfinished task can always proceed: a run
 * completes even with no free worker (then the caller runs everything, in order).
 *
 * <p><b>Intra-op threads.</b> Streams and the vector kernels share one budget of {@code ge4j.threads}
 * threads: a lane worker running a lane takes one thread out of the kernels' {@link
 * org.ge4j.ops.vector.WorkerPool} while it runs and gives it back when it parks or finishes, and a caller
 * lends its own while it is parked. So while two lanes run, their kernels run on one thread each; when
 * one lane waits, the other's kernels get the idle core.
 */
final class StreamExecutor {
    private static final int FREE = 0, HELD = 1, DONE = 2;
    private static final int SPINS = 200;

    private final LanePool pool;
    private final CompiledKernel[] kernels;
    private final MemorySegment[][] args;
    private final int lanes;
    private final int[][] laneTasks;
    private final int[][] waits;
    private final int[] recordAfter;
    private final int[] eventLane;

    private final AtomicIntegerArray events;
    private final AtomicIntegerArray owner;
    private final int[] cursor;
    private final AtomicReferenceArray<Thread> sleepers;
    private final org.ge4j.ops.vector.WorkerPool budget;
    private volatile int generation;
    private volatile boolean aborted;
    private volatile Throwable failure;
    /** Lanes pool workers claimed, over all runs (diagnostics). */
    private final java.util.concurrent.atomic.AtomicLong workerLanes = new java.util.concurrent.atomic.AtomicLong();

    StreamExecutor(StreamPlan plan, CompiledKernel[] kernels, MemorySegment[][] args, LanePool pool) {
        this.pool = pool;
        this.kernels = kernels;
        this.args = args;
        this.lanes = plan.streams();
        laneTasks = new int[lanes][];
        for (int l = 0; l < lanes; l++) laneTasks[l] = plan.tasksOf(l);
        waits = plan.waits();
        recordAfter = plan.recordAfter();
        eventLane = new int[plan.events()];
        for (int e = 0; e < eventLane.length; e++) eventLane[e] = plan.streamOf()[plan.eventTask()[e]];
        events = new AtomicIntegerArray(Math.max(1, plan.events()));
        owner = new AtomicIntegerArray(lanes);
        for (int l = 0; l < lanes; l++) owner.set(l, DONE);
        cursor = new int[lanes];
        sleepers = new AtomicReferenceArray<>(lanes);
        budget = org.ge4j.ops.vector.WorkerPool.shared();
    }

    int lanes() { return lanes; }

    /** How many lanes pool workers have run (the others were run by the runs' own threads). */
    long workerLanes() { return workerLanes.get(); }

    /** Runs all tasks; rethrows the first failure of any lane. */
    void run() {
        int gen = generation + 1;
        if (gen == 0) gen = 1; // events start at 0: never a live generation
        aborted = false;
        failure = null;
        for (int l = 0; l < lanes; l++) cursor[l] = 0;
        generation = gen;
        owner.set(0, HELD);
        for (int l = 1; l < lanes; l++) owner.set(l, FREE); // from here on, workers (even late ones from an earlier run) may claim
        for (int l = 1; l < lanes; l++) pool.offer(this, l);
        runLane(0, -1, gen);
        for (int l = 1; l < lanes; l++) join(l, gen);
        Throwable f = failure;
        if (f != null) {
            failure = null;
            if (f instanceof RuntimeException r) throw r;
            if (f instanceof Error e) throw e;
            throw new Ge4jException("a task failed: " + f, f);
        }
    }

    /** A pool worker takes lane {@code l} if nobody has yet. */
    void workLane(int l) {
        if (owner.get(l) != FREE || !owner.compareAndSet(l, FREE, HELD)) return;
        workerLanes.incrementAndGet();
        budget.reserve(1);
        try {
            runLane(l, -1, generation);
        } finally {
            budget.reserve(-1);
        }
    }

    /**
     * Runs lane {@code l} (held by this thread) from its cursor to its end, or until it has recorded event
     * {@code stopAfter} (then lets the lane go, unfinished, for another thread to continue).
     */
    private void runLane(int l, int stopAfter, int gen) {
        int[] tasks = laneTasks[l];
        int c = cursor[l];
        while (c < tasks.length && !aborted) {
            int t = tasks[c];
            for (int e : waits[t]) await(e, l, gen);
            if (aborted) break;
            try {
                kernels[t].run(args[t]);
            } catch (Throwable x) {
                fail(x);
                break;
            }
            cursor[l] = ++c;
            int e = recordAfter[t];
            if (e >= 0) {
                events.set(e, gen);
                wakeAll();
                if (e == stopAfter && c < tasks.length) {
                    owner.set(l, FREE); // publishes the cursor to whoever claims the lane next
                    wakeAll();
                    return;
                }
            }
        }
        owner.set(l, DONE);
        wakeAll();
    }

    /** Waits until event {@code e} is recorded in this run, running its lane meanwhile when nobody does. */
    private void await(int e, int myLane, int gen) {
        int src = eventLane[e];
        for (int i = 0; ; i++) {
            if (events.get(e) == gen || aborted) return;
            if (owner.get(src) == FREE && owner.compareAndSet(src, FREE, HELD)) {
                runLane(src, e, gen);
                continue;
            }
            if (i < SPINS) {
                Thread.onSpinWait();
                continue;
            }
            sleepers.set(myLane, Thread.currentThread());
            if (events.get(e) != gen && !aborted && owner.get(src) != FREE) {
                budget.reserve(-1);
                LockSupport.park(this);
                budget.reserve(1);
            }
            sleepers.set(myLane, null);
        }
    }

    /** Waits until lane {@code l} is done, running it when nobody does. */
    private void join(int l, int gen) {
        for (int i = 0; ; i++) {
            int o = owner.get(l);
            if (o == DONE) return;
            if (o == FREE && owner.compareAndSet(l, FREE, HELD)) {
                runLane(l, -1, gen);
                continue;
            }
            if (i < SPINS) {
                Thread.onSpinWait();
                continue;
            }
            sleepers.set(0, Thread.currentThread());
            if (owner.get(l) == HELD) {
                budget.reserve(-1);
                LockSupport.park(this);
                budget.reserve(1);
            }
            sleepers.set(0, null);
        }
    }

    private void fail(Throwable x) {
        if (failure == null) failure = x;
        aborted = true;
        wakeAll();
    }

    private void wakeAll() {
        for (int l = 0; l < lanes; l++) {
            Thread t = sleepers.get(l);
            if (t != null) LockSupport.unpark(t);
        }
    }
}
