package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.KernelHarness.random;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.ge4j.ops.blocked.Blocking;
import org.ge4j.ops.exec.CompiledKernel;

/**
 * {@link NchwcWinograd} with and without its split by output blocks, run in turn in one JVM (so both meet the same
 * machine state: on the shared benchmark machine other processes come and go within seconds), inside a pool run
 * ({@link WorkerPool#beginRun()}: the workers spin between jobs, as in a model run). Hot: one kernel and its
 * buffers again and again; cold: {@code sets} kernels of each mode (their own weights and buffers, more than 64 MB
 * in all) in turn. On one thread the split is forced (its kernels' speed on one core). Prints the median and the 10th percentile of the per-run wall times, in direct-conv GFLOP/s.
 * {@code java --add-modules jdk.incubator.vector -Dge4j.threads=2 -cp ... org.ge4j.ops.vector.WinogradSplitBench [filter] [seconds]}.
 */
public final class WinogradSplitBench {
    public static void main(String[] a) {
        String filter = a.length > 0 ? a[0] : "";
        double seconds = a.length > 1 ? Double.parseDouble(a[1]) : 4;
        int[][] convs = {{96, 208, 14}, {112, 224, 14}, {128, 256, 14}, {144, 288, 14}, {160, 320, 14}, {160, 320, 7}, {192, 384, 7}, {32, 96, 28}};
        WorkerPool pool = WorkerPool.shared();
        System.out.printf("threads=%d; direct-conv GFLOP/s of the per-run wall time, median (10th percentile): items | split by blocks%n", pool.threads());
        for (int[] c : convs) {
            String name = String.format("3x3 %d->%d @%d", c[0], c[1], c[2]);
            if (!name.contains(filter)) continue;
            double flops = 2.0 * c[0] * c[1] * 9 * c[2] * c[2];
            int sets = (int) Math.max(2, (64L << 20) / (36L * 4 * c[0] * c[1] + 4L * (c[0] + 2 * c[1]) * c[2] * c[2]) + 1);
            CompiledKernel[][] ks = new CompiledKernel[2][sets];
            MemorySegment[][][] as = new MemorySegment[2][sets][];
            boolean[] split = new boolean[2];
            boolean was = NchwcWinograd.blockSplitEnabled, wasForced = NchwcWinograd.forceBlockSplit;
            try {
                for (int mode = 0; mode < 2; mode++) {
                    NchwcWinograd.blockSplitEnabled = mode == 1;
                    NchwcWinograd.forceBlockSplit = mode == 1 && pool.threads() == 1;
                    for (int i = 0; i < sets; i++) {
                        KernelHarness.Case ci = build(c, 10L * i);
                        ks[mode][i] = KernelHarness.compile(ci);
                        as[mode][i] = KernelHarness.args(ci);
                    }
                    split[mode] = ((NchwcWinograd) ks[mode][0]).blockSplit();
                }
            } finally {
                NchwcWinograd.blockSplitEnabled = was;
                NchwcWinograd.forceBlockSplit = wasForced;
            }
            int n = (int) Math.max(50, seconds * 1e3 / 2);
            long[][] th = new long[2][n], tc = new long[2][n];
            pool.beginRun();
            try {
                for (int r = 0; r < n + n / 5; r++) {
                    int j = r % sets, rec = r - n / 5; // the first fifth: warm-up
                    for (int mode = 0; mode < 2; mode++) {
                        long t0 = System.nanoTime();
                        ks[mode][0].run(as[mode][0]);
                        long t1 = System.nanoTime();
                        ks[mode][0].run(as[mode][0]);
                        long t2 = System.nanoTime();
                        ks[mode][j].run(as[mode][j]); // cold when sets > 1 (j = 0 once every sets runs: a hot one)
                        long t3 = System.nanoTime();
                        if (rec >= 0) {
                            th[mode][rec] = t2 - t1;
                            tc[mode][rec] = t3 - t2;
                        }
                    }
                }
            } finally {
                pool.endRun();
            }
            System.out.printf("%-18s (split chosen: %b) hot %6.1f (%6.1f) | %6.1f (%6.1f)   cold %6.1f (%6.1f) | %6.1f (%6.1f)%n", name, split[1],
                    g(flops, th[0], 50), g(flops, th[0], 10), g(flops, th[1], 50), g(flops, th[1], 10),
                    g(flops, tc[0], 50), g(flops, tc[0], 10), g(flops, tc[1], 50), g(flops, tc[1], 10));
        }
    }

    /** GFLOP/s at the time of percentile q of the sorted times (a low percentile of times: a high rate). */
    private static double g(double flops, long[] t, int q) {
        long[] s = t.clone();
        Arrays.sort(s);
        return flops / s[(int) ((long) (s.length - 1) * q / 100)];
    }

    private static KernelHarness.Case build(int[] c, long seed) {
        return KernelHarness.fused("BlockedConv").opset(1).attr("activation", "Relu").attr("pads", 1L, 1L, 1L, 1L).attr("block", (long) Sgemm.L)
                .in(Blocking.block(random(seed + 1, 1, c[0], c[2], c[2]), Sgemm.L)).constIn(random(seed + 2, c[1], c[0], 3, 3))
                .constIn(random(seed + 3, c[1])).build();
    }
}
