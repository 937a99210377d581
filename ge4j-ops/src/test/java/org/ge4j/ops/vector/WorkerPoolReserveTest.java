package org.ge4j.ops.vector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The thread budget shared with stream lanes: reserved threads are not woken, given-back threads join a running job. */
class WorkerPoolReserveTest {
    @Test
    void reservedThreadsAreNotWokenAndGivingThemBackLetsAWorkerJoinTheRunningJob() throws Exception {
        WorkerPool pool = new WorkerPool(2); // the caller and one worker
        Thread caller = Thread.currentThread();
        Set<Thread> ran = ConcurrentHashMap.newKeySet();
        pool.reserve(1);
        pool.run((ctx, chunk, n) -> ran.add(Thread.currentThread()), null, 8);
        assertThat(ran).containsExactly(caller);

        // the caller takes chunk 0, gives its reservation back there, and waits for chunk 1: only the worker can run it
        AtomicBoolean second = new AtomicBoolean();
        AtomicBoolean joined = new AtomicBoolean();
        ran.clear();
        pool.run((ctx, chunk, n) -> {
            ran.add(Thread.currentThread());
            if (chunk == 1) second.set(true);
            if (chunk != 0) return;
            pool.reserve(-1);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!second.get() && System.nanoTime() < deadline) Thread.onSpinWait();
            joined.set(second.get());
        }, null, 2);
        assertThat(joined).as("a worker joined the running job").isTrue();
        assertThat(ran).hasSize(2).contains(caller);
    }
}
