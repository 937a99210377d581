package org.ge4j.ops.vector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/** Quick GFLOP/s check of the SGEMM micro-kernels (not a test): java ... SgemmBench M N K; times are this thread's CPU time. */
public final class SgemmBench {
    public static void main(String[] args) {
        int m = Integer.parseInt(args[0]), n = Integer.parseInt(args[1]), k = Integer.parseInt(args[2]);
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = SgemmTest.random(arena, m * k, 1), b = SgemmTest.random(arena, k * n, 2);
            MemorySegment p = arena.allocate(Sgemm.packedBytes(k, n), 64);
            Sgemm.pack(b, 0, n * 4L, k, n, p, 0);
            MemorySegment c = arena.allocate((long) m * n * 4, 64);
            double flops = 2.0 * m * n * k;
            for (int rep = 0; rep < 5; rep++) {
                long t0 = tm.getCurrentThreadCpuTime();
                int iters = 0;
                while (tm.getCurrentThreadCpuTime() - t0 < 1_000_000_000L) {
                    Sgemm.gemmPacked(a, 0, k * 4L, p, 0, c, 0, n * 4L, 0, m, n, k);
                    iters++;
                }
                double s = (tm.getCurrentThreadCpuTime() - t0) / 1e9;
                long t1 = tm.getCurrentThreadCpuTime();
                int it2 = 0;
                while (tm.getCurrentThreadCpuTime() - t1 < 1_000_000_000L) {
                    Sgemm.gemmRowMajor(a, 0, k * 4L, b, 0, n * 4L, c, 0, n * 4L, 0, m, 0, n, k);
                    it2++;
                }
                double s2 = (tm.getCurrentThreadCpuTime() - t1) / 1e9;
                System.out.printf("packed %.1f GFLOP/s   row-major %.1f GFLOP/s%n", flops * iters / s / 1e9, flops * it2 / s2 / 1e9);
            }
        }
    }
}
