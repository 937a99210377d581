package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.KernelHarness.op;
import static org.ge4j.ops.vector.KernelHarness.random;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import org.ge4j.ops.exec.CompiledKernel;

/**
 * Quick benchmark of the vector kernels (not a test, no JMH): GFLOP/s of the GEMM shapes of bert and of
 * resnet50's convolutions, GB/s of a batch-1 GEMV. Run with the test class path:
 * {@code java --add-modules jdk.incubator.vector -Dge4j.threads=1 -cp ... org.ge4j.ops.vector.VectorBench [filter] [seconds]}.
 * With one thread the time is the thread's CPU time (robust on a shared machine); with more, wall time, and
 * also the process CPU time per run (all threads): its ratio to the 1-thread CPU time is the work the split
 * adds, which bounds the speedup an idle machine would show. Each line: the best of 5 rounds of
 * ~{@code seconds}/5 each, after a warm-up round.
 */
public final class VectorBench {
    record Item(String name, KernelHarness.Case c, double flops, double bytes) {}

    /** ge4j::Attention of 12 heads of 64 over l tokens, per head and packed. */
    private static void attention(List<Item> items, String model, int l) {
        double flops = 2.0 * 12 * l * l * 128;
        items.add(new Item("attn " + model + " per-head 12x" + l + "x64", KernelHarness.fused("Attention").opset(1).attr("scale", 0.125f).attr("k_transposed", 1L)
                .in(random(1, 12, l, 64)).in(random(2, 12, 64, l)).in(random(3, 12, l, 64)).build(), flops, 0));
        var qkv = random(4, 1, l, 2304);
        items.add(new Item("attn " + model + " packed 1x" + l + "x2304", KernelHarness.fused("Attention").opset(1).attr("scale", 0.125f).attr("num_heads", 12L)
                .ints("q_columns", 0, 768).ints("k_columns", 768, 1536).ints("v_columns", 1536, 2304).in(qkv).in(qkv).in(qkv).build(), flops, 0));
    }

    public static void main(String[] a) {
        String filter = a.length > 0 ? a[0] : "";
        double seconds = a.length > 1 ? Double.parseDouble(a[1]) : 2.5;
        int threads = WorkerPool.shared().threads();
        List<Item> items = new ArrayList<>();
        // bert-base GEMMs (seq 128) with constant, prepacked weights
        gemm(items, "bert 128x768x768", 128, 768, 768);
        gemm(items, "bert 128x768x3072", 128, 768, 3072);
        gemm(items, "bert 128x3072x768", 128, 3072, 768);
        items.add(new Item("attn QK^T 12x128x64x128", op("MatMul").in(random(1, 12, 128, 64)).in(random(2, 12, 64, 128)).build(), 2.0 * 12 * 128 * 64 * 128, 0));
        // vit_b_16's and bert's attention (12 heads of 64): per-head inputs (K given transposed) and the packed-heads
        // form reading Q, K and V in place from the [1, L, 2304] in-projection
        attention(items, "vit", 197);
        attention(items, "bert", 128);
        // GEMV: batch-1 linear layer, weight streaming
        items.add(new Item("gemv 1x1024x4096", op("MatMul").in(random(1, 1, 1024)).constIn(random(2, 1024, 4096)).build(), 2.0 * 1024 * 4096, 1024.0 * 4096 * 4));
        items.add(new Item("gemv 1x4096x4096", op("MatMul").in(random(1, 1, 4096)).constIn(random(2, 4096, 4096)).build(), 2.0 * 4096 * 4096, 4096.0 * 4096 * 4));
        // resnet50 convolutions (batch 1, 224x224): cin, cout, input size, kernel, stride
        // last column: how often the shape occurs in resnet50 (for the weighted total printed at the end)
        int[][] convs = {
            {3, 64, 224, 7, 2, 1}, {64, 64, 56, 1, 1, 1}, {64, 64, 56, 3, 1, 3}, {64, 256, 56, 1, 1, 4}, {256, 64, 56, 1, 1, 2},
            {256, 128, 56, 1, 1, 1}, {128, 128, 56, 3, 2, 1}, {128, 512, 28, 1, 1, 4}, {256, 512, 56, 1, 2, 1}, {512, 128, 28, 1, 1, 3},
            {128, 128, 28, 3, 1, 3}, {512, 256, 28, 1, 1, 1}, {256, 256, 28, 3, 2, 1}, {512, 1024, 28, 1, 2, 1}, {256, 1024, 14, 1, 1, 6},
            {1024, 256, 14, 1, 1, 5}, {256, 256, 14, 3, 1, 5}, {1024, 512, 14, 1, 1, 1}, {512, 512, 14, 3, 2, 1}, {1024, 2048, 14, 1, 2, 1},
            {512, 2048, 7, 1, 1, 3}, {2048, 512, 7, 1, 1, 2}, {512, 512, 7, 3, 1, 2}};
        java.util.Map<String, Integer> resnetCounts = new java.util.HashMap<>();
        for (int[] c : convs) {
            conv(items, c[0], c[1], c[2], c[3], c[4], 1);
            resnetCounts.put(items.get(items.size() - 1).name(), c[5]);
        }
        double resnetSeconds = 0, resnetFlops = 0;
        int resnetSeen = 0;
        // mobilenet_v2 depthwise: channels, input size, stride
        int[][] dws = {{32, 112, 1}, {96, 112, 2}, {144, 56, 1}, {144, 56, 2}, {192, 28, 1}, {192, 28, 2}, {384, 14, 1}, {576, 14, 1}, {576, 14, 2}, {960, 7, 1}};
        for (int[] d : dws) conv(items, d[0], d[0], d[1], 3, d[2], d[0]);
        // mobilenet_v2 pointwise convolutions: cin, cout, size (names start "conv 1x1 mb")
        int[][] pws = {{32, 16, 112}, {16, 96, 112}, {24, 144, 56}, {144, 24, 56}, {32, 192, 28}, {192, 32, 28}, {64, 384, 14}, {384, 64, 14},
            {96, 576, 14}, {576, 96, 14}, {160, 960, 7}, {960, 160, 7}, {960, 320, 7}, {320, 1280, 7}};
        for (int[] pw : pws) {
            conv(items, pw[0], pw[1], pw[2], 1, 1, 1);
            Item it = items.remove(items.size() - 1);
            items.add(new Item(it.name().replace("conv 1x1", "conv 1x1 mb"), it.c(), it.flops(), 0));
        }
        // mobilenet_v2's pointwise projections with the residual add fused (names start "conv 1x1 mbres")
        int[][] res = {{144, 24, 56}, {192, 32, 28}, {384, 64, 14}, {576, 96, 14}, {960, 160, 7}};
        for (int[] r : res) {
            var c = KernelHarness.fused("FusedConv").opset(1).attr("has_residual", 1L).in(random(1, 1, r[0], r[2], r[2]))
                    .constIn(random(2, r[1], r[0], 1, 1)).constIn(random(3, r[1])).in(random(4, 1, r[1], r[2], r[2])).build();
            items.add(new Item(String.format("conv 1x1 mbres %d->%d @%d", r[0], r[1], r[2]), c, 2.0 * r[0] * r[1] * r[2] * r[2], 0));
        }
        // googlenet and squeezenet1_1 max pools: channels, input size, kernel, stride, pad, ceil_mode
        int[][] pools = {{64, 112, 3, 2, 0, 1}, {192, 56, 3, 2, 0, 1}, {192, 28, 3, 1, 1, 1}, {480, 14, 3, 1, 1, 1}, {832, 7, 3, 1, 1, 1},
            {64, 111, 3, 2, 0, 1}, {128, 55, 3, 2, 0, 1}, {256, 27, 3, 2, 0, 1}};
        for (int[] p : pools) maxPool(items, p[0], p[1], p[2], p[3], p[4], p[5] != 0);
        // the blocked (NCHWc) kernels of the same layers (names start "nchwc"), and the stems both ways:
        // cin, cout, size, kernel, stride, pad
        for (int[] d : dws) blockedDepthwise(items, d[0], d[1], d[2]);
        int[][] stems = {{3, 64, 224, 7, 2, 3}, {3, 32, 224, 3, 2, 1}, {3, 64, 224, 3, 2, 0}};
        for (int[] st : stems) stem(items, st[0], st[1], st[2], st[3], st[4], st[5]);
        for (int[] p : pools) blockedMaxPool(items, p[0], p[1], p[2], p[3], p[4], p[5] != 0);
        blockedMaxPool(items, 64, 112, 3, 2, 1, false); // resnet50
        items.add(new Item("globalavgpool 2048@7", op("GlobalAveragePool").opset(1).in(random(1, 1, 2048, 7, 7)).build(), 2048.0 * 49, 2048.0 * 49 * 4));
        items.add(new Item("nchwc globalavgpool 2048@7", blockedOp("BlockedGlobalAveragePool").in(NchwcKernelsTest.blocked(1, 1, 2048, 7, 7)).build(),
                2048.0 * 49, 2048.0 * 49 * 4));
        for (int[] r : new int[][] {{64, 56}, {1024, 14}, {2048, 7}, {24, 112}}) {
            double bytes = 2.0 * r[0] * r[1] * r[1] * 4;
            items.add(new Item(String.format("nchwc to-blocked %d@%d", r[0], r[1]), blockedOp("ReorderToBlocked").in(random(1, 1, r[0], r[1], r[1])).build(), bytes / 8, bytes));
            items.add(new Item(String.format("nchwc from-blocked %d@%d", r[0], r[1]), blockedOp("ReorderFromBlocked").attr("channels", (long) r[0])
                    .in(NchwcKernelsTest.blocked(1, 1, r[0], r[1], r[1])).build(), bytes / 8, bytes));
        }

        System.out.printf("threads=%d, %s, %.1f s per item%n", threads, threads == 1 ? "thread CPU time" : "wall time", seconds);
        if (COLD) System.out.println("cold: each run reads and writes its own copy of the non-constant buffers, over 64 MB in all");
        double logSum = 0;
        int counted = 0;
        for (Item it : items) {
            if (!it.name().contains(filter)) continue;
            CompiledKernel k = KernelHarness.compile(it.c());
            if (k == null) {
                System.out.printf("%-34s declined%n", it.name());
                continue;
            }
            MemorySegment[][] args = argSets(it.c());
            double best = Double.MAX_VALUE, bestCpu = Double.MAX_VALUE;
            for (int round = 0; round < 6; round++) {
                long c0 = processCpu();
                int[] runs = new int[1];
                double t = time(k, args, seconds / 5, threads == 1, runs);
                double cpu = (processCpu() - c0) / 1e9 / runs[0];
                if (round > 0) {
                    best = Math.min(best, t);
                    bestCpu = Math.min(bestCpu, cpu);
                }
            }
            String extra = it.bytes() > 0 ? String.format("  %6.1f GB/s", it.bytes() / best / 1e9) : "";
            if (threads > 1) extra += String.format("  process CPU %9.1f us/run", bestCpu * 1e6);
            System.out.printf("%-34s %-14s %9.1f us  %6.1f GFLOP/s%s%n", it.name(), k.getClass().getSimpleName(), best * 1e6, it.flops() / best / 1e9, extra);
            logSum += Math.log(it.flops() / best / 1e9);
            counted++;
            Integer times = resnetCounts.get(it.name());
            if (times != null) {
                resnetSeconds += times * best;
                resnetFlops += times * it.flops();
                resnetSeen++;
            }
        }
        if (resnetSeen == resnetCounts.size())
            System.out.printf("resnet50's convolutions (each shape times its count): %.2f ms, %.1f GFLOP/s%n", resnetSeconds * 1e3, resnetFlops / resnetSeconds / 1e9);
        if (counted > 0) System.out.printf("geomean %.1f GFLOP/s over %d items%n", Math.exp(logSum / counted), counted);
    }

    private static void gemm(List<Item> items, String name, int m, int k, int n) {
        items.add(new Item(name, op("MatMul").in(random(1, m, k)).constIn(random(2, k, n)).build(), 2.0 * m * n * k, 0));
    }

    private static void conv(List<Item> items, int cin, int cout, int size, int kernel, int stride, int group) {
        int pad = kernel / 2;
        int out = (size + 2 * pad - kernel) / stride + 1;
        var c = op("Conv").opset(11).attr("group", (long) group).attr("pads", (long) pad, pad, pad, pad).attr("strides", (long) stride, stride)
                .in(random(1, 1, cin, size, size)).constIn(random(2, cout, cin / group, kernel, kernel)).constIn(random(3, cout)).build();
        String name = String.format("conv %dx%d %d->%d @%d s%d%s", kernel, kernel, cin, cout, size, stride, group > 1 ? " dw" : "");
        items.add(new Item(name, c, 2.0 * cout * (cin / group) * kernel * kernel * out * out, 0));
    }

    private static void maxPool(List<Item> items, int c, int size, int kernel, int stride, int pad, boolean ceil) {
        long span = size + 2L * pad - kernel;
        int out = (int) ((ceil ? span + stride - 1 : span) / stride + 1);
        var p = op("MaxPool").opset(12).attr("kernel_shape", (long) kernel, kernel).attr("strides", (long) stride, stride).attr("pads", (long) pad, pad, pad, pad)
                .attr("ceil_mode", ceil ? 1L : 0L).in(random(1, 1, c, size, size)).build();
        String name = String.format("maxpool %dx%d s%d p%d%s %d@%d", kernel, kernel, stride, pad, ceil ? " ceil" : "", c, size);
        items.add(new Item(name, p, (double) c * out * out * kernel * kernel, 0));
    }

    private static KernelHarness.Builder blockedOp(String type) {
        return KernelHarness.fused(type).opset(1).attr("block", (long) NchwcKernelsTest.B);
    }

    private static void blockedDepthwise(List<Item> items, int c, int size, int stride) {
        int out = (size + 2 - 3) / stride + 1;
        var b = blockedOp("BlockedConv").attr("group", (long) c).ints("pads", 1L, 1L, 1L, 1L).ints("strides", (long) stride, stride).attr("activation", "Clip")
                .attrFloats("activation_params", 0f, 6f).in(NchwcKernelsTest.blocked(1, 1, c, size, size)).constIn(random(2, c, 1, 3, 3)).constIn(random(3, c)).build();
        items.add(new Item(String.format("nchwc dw 3x3 %d @%d s%d", c, size, stride), b, 2.0 * c * 9 * out * out, 0));
    }

    private static void stem(List<Item> items, int cin, int cout, int size, int kernel, int stride, int pad) {
        int out = (size + 2 * pad - kernel) / stride + 1;
        double flops = 2.0 * cout * cin * kernel * kernel * out * out;
        String name = String.format("%dx%d %d->%d @%d s%d p%d", kernel, kernel, cin, cout, size, stride, pad);
        items.add(new Item("stem " + name, op("Conv").opset(11).attr("pads", (long) pad, pad, pad, pad).attr("strides", (long) stride, stride)
                .in(random(1, 1, cin, size, size)).constIn(random(2, cout, cin, kernel, kernel)).constIn(random(3, cout)).build(), flops, 0));
        items.add(new Item("nchwc stem " + name, blockedOp("BlockedConv").attr("input_blocked", 0L).ints("pads", (long) pad, pad, pad, pad)
                .ints("strides", (long) stride, stride).attr("activation", "Relu").in(random(1, 1, cin, size, size)).constIn(random(2, cout, cin, kernel, kernel))
                .constIn(random(3, cout)).build(), flops, 0));
    }

    private static void blockedMaxPool(List<Item> items, int c, int size, int kernel, int stride, int pad, boolean ceil) {
        long span = size + 2L * pad - kernel;
        int out = (int) ((ceil ? span + stride - 1 : span) / stride + 1);
        var p = blockedOp("BlockedMaxPool").ints("kernel_shape", (long) kernel, kernel).ints("strides", (long) stride, stride).ints("pads", (long) pad, pad, pad, pad)
                .attr("ceil_mode", ceil ? 1L : 0L).in(NchwcKernelsTest.blocked(1, 1, c, size, size)).build();
        String name = String.format("nchwc maxpool %dx%d s%d p%d%s %d@%d", kernel, kernel, stride, pad, ceil ? " ceil" : "", c, size);
        items.add(new Item(name, p, (double) c * out * out * kernel * kernel, ((double) c * size * size + (double) c * out * out) * 4));
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Whole-vector cold runs ({@code -Dbench.cold=true}): each run takes the next of enough argument copies to exceed 64 MB. */
    static final boolean COLD = Boolean.getBoolean("bench.cold");

    /** The argument sets a run cycles through: one (hot), or copies of the non-constant inputs and outputs totalling over 64 MB (cold). */
    static MemorySegment[][] argSets(KernelHarness.Case c) {
        MemorySegment[] one = KernelHarness.args(c);
        long bytes = 0;
        for (MemorySegment m : one) bytes += m.byteSize();
        int sets = COLD ? (int) Math.max(2, (64L << 20) / Math.max(1, bytes) + 1) : 1;
        MemorySegment[][] all = new MemorySegment[sets][];
        all[0] = one;
        for (int i = 1; i < sets; i++) {
            all[i] = one.clone();
            for (int a = 0; a < one.length; a++) {
                if (one[a] == MemorySegment.NULL || a < c.spec().constants().size() && c.spec().constant(a) != null) continue;
                MemorySegment copy = java.lang.foreign.Arena.ofAuto().allocate(one[a].byteSize(), 64);
                copy.copyFrom(one[a]);
                all[i][a] = copy;
            }
        }
        return all;
    }

    /** Seconds per run, cycling through argument sets (see {@link #argSets}). */
    static double time(CompiledKernel k, MemorySegment[][] sets, double budget, boolean cpu, int[] count) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long t0 = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
        long limit = (long) (budget * 1e9);
        int runs = 0;
        long t;
        do {
            KernelHarness.invoke(k, sets[runs % sets.length]);
            runs++;
            t = (cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime()) - t0;
        } while (t < limit);
        count[0] = runs;
        return t / 1e9 / runs;
    }

    /** Seconds per run: runs for about {@code budget} seconds (thread CPU time when {@code cpu}, else wall time). */
    public static double time(CompiledKernel k, MemorySegment[] args, double budget, boolean cpu) {
        return time(k, args, budget, cpu, new int[1]);
    }

    /** {@link #time(CompiledKernel, MemorySegment[], double, boolean)}, with the run count into {@code count[0]}. */
    public static double time(CompiledKernel k, MemorySegment[] args, double budget, boolean cpu, int[] count) {
        return time(k, new MemorySegment[][] {args}, budget, cpu, count);
    }
}
