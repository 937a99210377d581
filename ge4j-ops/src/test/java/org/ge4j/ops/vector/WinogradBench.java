package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.KernelHarness.random;

import org.ge4j.ops.blocked.Blocking;
import org.ge4j.ops.exec.CompiledKernel;

/**
 * The 3×3 stride-1 convs of resnet50, googlenet and squeezenet1_1 (batch 1, bias, Relu) as {@code ge4j::BlockedConv}
 * through {@link NchwcConv} and through {@link NchwcWinograd} (F(4×4, 3×3) and F(2×2, 3×3)), in GFLOP/s of the direct conv's flops (so Winograd's
 * figure is the speed-up times the direct rate). Cold: several kernels (their own weights) and buffer sets, more
 * than 64 MB in all, run in turn, as layers inside a model meet their weights. Run with the test class path:
 * {@code java --add-modules jdk.incubator.vector -Dge4j.threads=1 -cp ... org.ge4j.ops.vector.WinogradBench [filter] [seconds]}.
 */
public final class WinogradBench {
    public static void main(String[] a) {
        String filter = a.length > 0 ? a[0] : "";
        double seconds = a.length > 1 ? Double.parseDouble(a[1]) : 1;
        boolean cpu = WorkerPool.shared().threads() == 1;
        // cin, cout, size
        int[][] convs = {
            {64, 64, 56}, {128, 128, 28}, {256, 256, 14}, {512, 512, 7}, // resnet50
            {64, 192, 56}, {96, 128, 28}, {128, 192, 28}, {96, 208, 14}, {112, 224, 14}, {128, 256, 14}, {144, 288, 14},
            {160, 320, 14}, {160, 320, 7}, {192, 384, 7}, {16, 32, 28}, {32, 64, 14}, {48, 128, 7}, // googlenet
            {16, 64, 55}, {32, 128, 27}, {48, 192, 13}, {64, 256, 13}}; // squeezenet1_1 (expand3x3)
        System.out.printf("threads=%d, %s; direct-conv GFLOP/s hot | cold%n", WorkerPool.shared().threads(), cpu ? "thread CPU time" : "wall time");
        for (int[] c : convs) {
            String name = String.format("3x3 %d->%d @%d", c[0], c[1], c[2]);
            if (!name.contains(filter)) continue;
            double flops = 2.0 * c[0] * c[1] * 9 * c[2] * c[2];
            double[] direct = measure(c, 0, seconds, cpu), f4 = measure(c, 4, seconds, cpu), f2 = measure(c, 2, seconds, cpu);
            System.out.printf("%-22s direct %6.1f | %5.1f   F(4x4) %6.1f | %5.1f cold x%.2f   F(2x2) %6.1f | %5.1f cold x%.2f%n", name,
                    flops / direct[0] / 1e9, flops / direct[1] / 1e9, flops / f4[0] / 1e9, flops / f4[1] / 1e9, direct[1] / f4[1],
                    flops / f2[0] / 1e9, flops / f2[1] / 1e9, direct[1] / f2[1]);
        }
    }

    private static KernelHarness.Case build(int[] c, long seed) {
        return KernelHarness.fused("BlockedConv").opset(1).attr("activation", "Relu").attr("pads", 1L, 1L, 1L, 1L).attr("block", (long) Sgemm.L)
                .in(Blocking.block(random(seed + 1, 1, c[0], c[2], c[2]), Sgemm.L)).constIn(random(seed + 2, c[1], c[0], 3, 3))
                .constIn(random(seed + 3, c[1])).build();
    }

    /** Seconds per run, hot and cold (tile 0: the direct conv). */
    private static double[] measure(int[] c, int tile, double seconds, boolean cpu) {
        boolean was = NchwcWinograd.enabled, forced = NchwcWinograd.force, winograd = tile != 0;
        NchwcWinograd.enabled = winograd;
        NchwcWinograd.force = winograd;
        NchwcWinograd.forceTile = tile;
        try {
            CompiledKernel k = KernelHarness.compile(build(c, 0));
            if ((k instanceof NchwcWinograd) != winograd) throw new IllegalStateException("unexpected kernel " + k.getClass());
            long weights = (long) c[1] * c[0] * 4 * (tile == 4 ? 36 : tile == 2 ? 16 : 9);
            return NchwcBench.hotCold(seed -> build(c, seed), weights, 32, seconds, cpu);
        } finally {
            NchwcWinograd.enabled = was;
            NchwcWinograd.force = forced;
            NchwcWinograd.forceTile = 0;
        }
    }
}
