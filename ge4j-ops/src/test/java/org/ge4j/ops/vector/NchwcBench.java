package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.KernelHarness.random;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.ge4j.ops.blocked.Blocking;
import org.ge4j.ops.exec.CompiledKernel;

/**
 * GFLOP/s of resnet50's convolutions (then mobilenet_v2's 1×1 convs with few channels and squeezenet's last; then
 * mobilenet_v2's depthwise convs and the stems, blocked form only) as {@code ge4j::BlockedConv} on
 * blocked tensors next to the NCHW {@code ge4j::FusedConv} form, each with bias and Relu. Hot: one set of
 * buffers run again and again (everything stays in cache). Cold: the kernel compiled several times (its own
 * packed weights each) and run in turn on as many sets of input and output buffers, more than 64 MB in all,
 * so that each run meets its weights and input outside the caches, as a layer inside a model does. Run with
 * the test class path: {@code java --add-modules jdk.incubator.vector -Dge4j.threads=1 -cp ...
 * org.ge4j.ops.vector.NchwcBench [filter] [seconds]} ({@code -Dbench.act=Clip}, {@code -Dbench.act=} for none: the
 * activation, Relu by default). Time is the thread's CPU time at 1 thread, else wall time;
 * the best of 5 rounds after a warm-up round.
 */
public final class NchwcBench {
    private static final long COLD_BYTES = 64L << 20;

    public static void main(String[] a) {
        String filter = a.length > 0 ? a[0] : "";
        double seconds = a.length > 1 ? Double.parseDouble(a[1]) : 2;
        boolean cpu = WorkerPool.shared().threads() == 1;
        // cin, cout, input size, kernel, stride (resnet50 v1.5, batch 1, 224x224)
        int[][] convs = {
            {64, 64, 56, 1, 1}, {64, 64, 56, 3, 1}, {64, 256, 56, 1, 1}, {256, 64, 56, 1, 1}, {256, 128, 56, 1, 1}, {128, 128, 56, 3, 2},
            {128, 512, 28, 1, 1}, {256, 512, 56, 1, 2}, {512, 128, 28, 1, 1}, {128, 128, 28, 3, 1}, {512, 256, 28, 1, 1}, {256, 256, 28, 3, 2},
            {512, 1024, 28, 1, 2}, {256, 1024, 14, 1, 1}, {1024, 256, 14, 1, 1}, {256, 256, 14, 3, 1}, {1024, 512, 14, 1, 1}, {512, 512, 14, 3, 2},
            {1024, 2048, 14, 1, 2}, {512, 2048, 7, 1, 1}, {2048, 512, 7, 1, 1}, {512, 512, 7, 3, 1},
            // mobilenet_v2's 1x1 convs with few channels, squeezenet's last
            {32, 16, 112, 1, 1}, {16, 96, 112, 1, 1}, {96, 24, 56, 1, 1}, {24, 144, 56, 1, 1}, {144, 24, 56, 1, 1}, {144, 32, 28, 1, 1},
            {32, 192, 28, 1, 1}, {192, 32, 28, 1, 1}, {64, 384, 14, 1, 1}, {48, 192, 27, 1, 1}, {576, 96, 14, 1, 1}, {960, 160, 7, 1, 1}, {320, 1280, 7, 1, 1}, {512, 1000, 13, 1, 1}, {16, 96, 28, 1, 1}, {16, 96, 14, 1, 1}, {16, 96, 56, 1, 1}, {32, 16, 28, 1, 1}, {144, 24, 28, 1, 1}, {144, 24, 14, 1, 1}, {256, 64, 14, 1, 1}, {96, 576, 14, 1, 1}, {160, 960, 7, 1, 1}, {16, 64, 55, 1, 1}, {32, 128, 27, 1, 1},
            // any kernel width (NchwcKernels.s1, s2)
            {64, 64, 28, 5, 1}, {64, 64, 28, 5, 2}};
        System.out.printf("threads=%d, %s; GFLOP/s hot | cold (> %d MB of buffers cycled)%n", WorkerPool.shared().threads(), cpu ? "thread CPU time" : "wall time",
                COLD_BYTES >> 20);
        System.out.printf("%-26s %14s %14s   %-12s%n", "layer", "NCHW", "NCHWc", "NCHW form");
        for (int[] c : convs) {
            String name = String.format("conv %dx%d %d->%d @%d s%d", c[3], c[3], c[0], c[1], c[2], c[4]);
            if (!name.contains(filter)) continue;
            int pad = c[3] / 2, out = (c[2] + 2 * pad - c[3]) / c[4] + 1;
            double flops = 2.0 * c[0] * c[1] * c[3] * c[3] * out * out;
            double[] plain = measure(c, pad, false, seconds, cpu), blocked = measure(c, pad, true, seconds, cpu);
            System.out.printf("%-26s %6.1f | %5.1f %6.1f | %5.1f   %s%n", name, flops / plain[0] / 1e9, flops / plain[1] / 1e9,
                    flops / blocked[0] / 1e9, flops / blocked[1] / 1e9, KernelHarness.compile(build(c, pad, false, 0)).getClass().getSimpleName());
        }
        others(filter, seconds, cpu);
    }

    /**
     * The depthwise 3×3 convs of mobilenet_v2 {channels, input size, stride} and the stems {cin, cout, input
     * size, kernel, stride} (plain input), as {@code ge4j::BlockedConv} only, Clip 0..6 unless {@code bench.act} is set.
     */
    private static void others(String filter, double seconds, boolean cpu) {
        int[][] dws = {{32, 112, 1}, {96, 112, 2}, {144, 56, 1}, {144, 56, 2}, {192, 28, 1}, {192, 28, 2}, {384, 14, 1}, {576, 14, 1},
            {576, 14, 2}, {960, 7, 1}};
        int[][] stems = {{3, 32, 224, 3, 2}, {3, 64, 224, 7, 2}, {3, 64, 224, 3, 2}};
        for (int[] c : dws) {
            String name = String.format("dw 3x3 %d @%d s%d", c[0], c[1], c[2]);
            if (!name.contains(filter)) continue;
            int out = (c[1] + 2 - 3) / c[2] + 1;
            double flops = 2.0 * c[0] * 9 * out * out;
            double[] t = hotCold(seed -> {
                var b = KernelHarness.fused("BlockedConv").opset(1).attr("activation", System.getProperty("bench.act", "Clip")).attr("block", (long) Sgemm.L)
                        .attr("group", (long) c[0]).attr("pads", 1L, 1L, 1L, 1L).attr("strides", (long) c[2], c[2]);
                if (System.getProperty("bench.act", "Clip").equals("Clip")) b.attrFloats("activation_params", 0f, 6f);
                return b.in(Blocking.block(random(seed + 1, 1, c[0], c[1], c[1]), Sgemm.L)).constIn(random(seed + 2, c[0], 1, 3, 3))
                        .constIn(random(seed + 3, c[0])).build();
            }, 0, 64, seconds, cpu);
            System.out.printf("%-26s %14s %6.1f | %5.1f%n", name, "", flops / t[0] / 1e9, flops / t[1] / 1e9);
        }
        for (int[] c : stems) {
            String name = String.format("stem %dx%d %d->%d @%d s%d", c[3], c[3], c[0], c[1], c[2], c[4]);
            if (!name.contains(filter)) continue;
            int pad = c[3] / 2, out = (c[2] + 2 * pad - c[3]) / c[4] + 1;
            double flops = 2.0 * c[0] * c[1] * c[3] * c[3] * out * out;
            double[] t = hotCold(seed -> KernelHarness.fused("BlockedConv").opset(1).attr("activation", System.getProperty("bench.act", "Relu"))
                    .attr("block", (long) Sgemm.L).attr("input_blocked", 0L).attr("pads", (long) pad, pad, pad, pad).attr("strides", (long) c[4], c[4])
                    .in(random(seed + 1, 1, c[0], c[2], c[2])).constIn(random(seed + 2, c[1], c[0], c[3], c[3])).constIn(random(seed + 3, c[1])).build(),
                    0, 64, seconds, cpu);
            System.out.printf("%-26s %14s %6.1f | %5.1f%n", name, "", flops / t[0] / 1e9, flops / t[1] / 1e9);
        }
    }

    private static KernelHarness.Case build(int[] c, int pad, boolean blocked, long seed) {
        var x = random(seed + 1, 1, c[0], c[2], c[2]);
        var b = KernelHarness.fused(blocked ? "BlockedConv" : "FusedConv").opset(1).attr("activation", System.getProperty("bench.act", "Relu"))
                .attr("pads", (long) pad, pad, pad, pad).attr("strides", (long) c[4], c[4]);
        if (blocked) b.attr("block", (long) Sgemm.L);
        return b.in(blocked ? Blocking.block(x, Sgemm.L) : x).constIn(random(seed + 2, c[1], c[0], c[3], c[3])).constIn(random(seed + 3, c[1])).build();
    }

    /** Seconds per run, hot and cold. */
    private static double[] measure(int[] c, int pad, boolean blocked, double seconds, boolean cpu) {
        return hotCold(seed -> build(c, pad, blocked, seed), 0, 64, seconds, cpu);
    }

    /**
     * Seconds per run of the kernel of {@code build.apply(0)}, hot (one set of buffers again and again) and cold
     * (up to {@code maxSets} cases of other seeds, each compiled, run in turn over more than {@link #COLD_BYTES} of
     * buffers; {@code extraBytes}: what each kernel holds besides its arguments); the best of 5 rounds after one.
     */
    static double[] hotCold(java.util.function.LongFunction<KernelHarness.Case> build, long extraBytes, int maxSets, double seconds, boolean cpu) {
        KernelHarness.Case hot = build.apply(0);
        CompiledKernel k = KernelHarness.compile(hot);
        MemorySegment[] args = KernelHarness.args(hot);
        long bytes = extraBytes;
        for (MemorySegment s : args) bytes += s == null ? 0 : s.byteSize();
        int sets = (int) Math.min(maxSets, COLD_BYTES / bytes + 1);
        List<CompiledKernel> ks = new ArrayList<>();
        List<MemorySegment[]> as = new ArrayList<>();
        for (int i = 0; i < sets; i++) {
            KernelHarness.Case ci = build.apply(10L * (i + 1));
            ks.add(KernelHarness.compile(ci));
            as.add(KernelHarness.args(ci));
        }
        double bestHot = Double.MAX_VALUE, bestCold = Double.MAX_VALUE;
        for (int round = 0; round < 6; round++) {
            double t = VectorBench.time(k, args, seconds / 10, cpu);
            double tc = cycle(ks, as, seconds / 10, cpu);
            if (round > 0) {
                bestHot = Math.min(bestHot, t);
                bestCold = Math.min(bestCold, tc);
            }
        }
        return new double[] {bestHot, bestCold};
    }

    private static double cycle(List<CompiledKernel> ks, List<MemorySegment[]> as, double budget, boolean cpu) {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long t0 = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
        long limit = (long) (budget * 1e9), t;
        int runs = 0;
        do {
            for (int i = 0; i < ks.size(); i++) KernelHarness.invoke(ks.get(i), as.get(i));
            runs += ks.size();
            t = (cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime()) - t0;
        } while (t < limit);
        return t / 1e9 / runs;
    }
}
