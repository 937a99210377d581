package org.ge4j.ops.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The parking pool: every chunk runs exactly once, failures come back to the caller, busy pools run inline. */
class WorkerPoolTest {
    @Test
    void everyChunkRunsExactlyOnceAcrossManyJobs() {
        WorkerPool pool = new WorkerPool(3);
        for (int job = 0; job < 2000; job++) {
            int n = 1 + job % 17;
            AtomicIntegerArray hits = new AtomicIntegerArray(n);
            pool.run((ctx, c, k) -> {
                assertThat(k).isEqualTo(n);
                hits.incrementAndGet(c);
            }, null, n);
            for (int c = 0; c < n; c++) assertThat(hits.get(c)).as("job %d chunk %d", job, c).isEqualTo(1);
        }
    }

    @Test
    void chunksRunOnSeveralThreadsAndSeeTheContext() {
        WorkerPool pool = new WorkerPool(2);
        var threads = ConcurrentHashMap.<String>newKeySet();
        Object ctx = new Object();
        for (int i = 0; i < 200 && threads.size() < 2; i++)
            pool.run((c, chunk, n) -> {
                assertThat(c).isSameAs(ctx);
                threads.add(Thread.currentThread().getName());
                long t = System.nanoTime();
                while (System.nanoTime() - t < 200_000) Thread.onSpinWait();
            }, ctx, 4);
        assertThat(threads).hasSize(2);
    }

    @Test
    void aFailingChunkIsRethrownToTheCaller() {
        WorkerPool pool = new WorkerPool(2);
        assertThatThrownBy(() -> pool.run((c, chunk, n) -> {
            if (chunk == 3) throw new IllegalStateException("chunk 3 failed");
        }, null, 6)).isInstanceOf(IllegalStateException.class).hasMessage("chunk 3 failed");
        // and the pool still works afterwards
        AtomicIntegerArray hits = new AtomicIntegerArray(5);
        pool.run((c, chunk, n) -> hits.incrementAndGet(chunk), null, 5);
        for (int c = 0; c < 5; c++) assertThat(hits.get(c)).isEqualTo(1);
    }

    @Test
    void concurrentCallersBothComplete() throws Exception {
        WorkerPool pool = new WorkerPool(2);
        AtomicIntegerArray hits = new AtomicIntegerArray(2 * 1000 * 8);
        Thread[] ts = new Thread[2];
        for (int t = 0; t < 2; t++) {
            int base = t * 8000;
            ts[t] = new Thread(() -> {
                for (int job = 0; job < 1000; job++) {
                    int off = base + job * 8;
                    pool.run((c, chunk, n) -> hits.incrementAndGet(off + chunk), null, 8);
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) t.join();
        for (int i = 0; i < hits.length(); i++) assertThat(hits.get(i)).as("slot %d", i).isEqualTo(1);
    }

    @Test
    void threadCountComesFromTheSystemProperty() {
        String old = System.getProperty("ge4j.threads");
        try {
            System.setProperty("ge4j.threads", "3");
            assertThat(WorkerPool.configuredThreads()).isEqualTo(3);
            System.setProperty("ge4j.threads", "0");
            assertThatThrownBy(WorkerPool::configuredThreads).hasMessageContaining("ge4j.threads must be >= 1");
            System.setProperty("ge4j.threads", "x");
            assertThatThrownBy(WorkerPool::configuredThreads).hasMessageContaining("must be an integer");
            System.clearProperty("ge4j.threads");
            assertThat(WorkerPool.configuredThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        } finally {
            if (old == null) System.clearProperty("ge4j.threads");
            else System.setProperty("ge4j.threads", old);
        }
    }
}
