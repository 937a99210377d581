package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.Sgemm.F;
import static org.ge4j.ops.vector.Sgemm.L;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.exec.NodeSpec;

/**
 * What the blocked-layout (NCHWc) kernels share: the window geometry of a blocked node read as its plain
 * NCHW equivalent, weights and bias packed into blocks of L output channels (padding lanes zero), and the
 * split of the work into chunks of (image, channel block, output row range) for the {@link WorkerPool}.
 */
final class NchwcSupport {
    private NchwcSupport() {}

    /** Bytes of one blocked position (one vector of L channels). */
    static final long VB = L * 4L;

    /** Number of L-channel blocks holding c channels. */
    static int blocks(long c) { return (int) ((c + L - 1) / L); }

    /**
     * The operands of a group-1 BlockedConv on a blocked input, as the direct and Winograd kernels take them:
     * the window (logical channels), M, the activation, the constant weights, the constant bias (or null), and the
     * residual's argument index (-1: none).
     */
    record GroupConv(Window2d g, int m, Act act, Tensor weights, Tensor bias, int z) {
        /**
         * The operands of {@code s}, or null when a kernel cannot take it: not 5-D blocked X/Y of block L with a 4-D
         * W, sizes beyond int, an unknown activation, non-constant weights or bias, a residual not shaped like Y, or
         * a window whose W is not {@code kernel} (null: any).
         */
        static GroupConv of(NodeSpec s, long[] kernel) {
            long[] xs = s.inputShape(0), ws = s.inputShape(1), ys = s.outputShape(0);
            if (xs.length != 5 || ws.length != 4 || ys.length != 5 || xs[4] != L || ys[4] != L) return null;
            if (kernel != null && (ws[2] != kernel[0] || ws[3] != kernel[1])) return null;
            if (!Specs.fitsInt(xs) || !Specs.fitsInt(ys) || !Specs.fitsInt(ws)) return null;
            Act act = Act.ofFusedAttrs(s.attrs());
            Tensor weights = s.constant(1);
            if (act == null || weights == null) return null;
            long c = ws[1], m = ws[0];
            if (xs[1] != blocks(c) || ys[1] != blocks(m) || c < 1 || m < 1) return null;
            Window2d g = Window2d.of(s.attrs(), new long[] {xs[0], c, xs[2], xs[3]}, new long[] {ys[0], m, ys[2], ys[3]}, new long[] {ws[2], ws[3]});
            if (g == null || g.n() == 0 || g.outPlane() == 0) return null;
            Tensor b = null;
            if (s.input(2) != null) {
                b = s.constant(2);
                if (b == null || Specs.count(s.inputShape(2)) != m) return null;
            }
            int z = s.input(3) != null ? 3 : -1;
            if (z >= 0 && !java.util.Arrays.equals(s.inputShape(3), ys)) return null;
            return new GroupConv(g, (int) m, act, weights, b, z);
        }
    }

    /**
     * The plain-layout window of a blocked node: input {@code x} (blocked 5-D when {@code channels} is given
     * as the logical count, or plain 4-D), blocked output {@code y} with {@code outChannels} channels. Null
     * when unsupported (the caller declines).
     */
    static Window2d window(NodeSpec s, long[] x, long channels, long[] y, long outChannels, long[] kernel) {
        long[] px = x.length == 5 ? new long[] {x[0], channels, x[2], x[3]} : x;
        if (px.length != 4 || y.length != 5 || kernel == null || kernel.length != 2 || !Specs.fitsInt(x) || !Specs.fitsInt(y)) return null;
        return Window2d.of(s.attrs(), px, new long[] {y[0], outChannels, y[2], y[3]}, kernel);
    }

    /**
     * Packs the constant weight W [M, C, kH, kW] into [ceil(M/L)][C][kH][kW][L]: output channel m's weights at
     * lane m % L; the lanes past M are zero; {@code extraBytes} of zeros follow.
     */
    static MemorySegment packWeights(Tensor w, long extraBytes) {
        long[] ws = w.shape();
        int m = (int) ws[0], k = (int) (ws[1] * ws[2] * ws[3]);
        MemorySegment p = Specs.allocate((long) blocks(m) * k * VB + extraBytes);
        MemorySegment src = w.segment();
        for (int o = 0; o < m; o++)
            for (int t = 0; t < k; t++) p.set(F, ((long) (o / L) * k + t) * VB + (o % L) * 4L, src.get(F, ((long) o * k + t) * 4));
        return p;
    }

    /** The constant bias B [M] in blocks of L lanes (zero past M), or zeros when there is none. */
    static MemorySegment packBias(Tensor b, int m) {
        MemorySegment p = Specs.allocate(blocks(m) * VB);
        if (b != null) MemorySegment.copy(b.segment(), 0, p, 0, m * 4L);
        return p;
    }

    /** True when the activation is applied as a clamp to [{@link #lo}, {@link #hi}] (none, Relu, Clip). */
    static boolean clamps(Act act) { return act.kind() == Act.RELU || act.kind() == Act.CLIP || act.isIdentity(); }

    /** The lower clamp bound of an activation (-inf when it is not a clamp). */
    static float lo(Act act) { return act.kind() == Act.RELU ? 0f : act.kind() == Act.CLIP ? act.p0() : Float.NEGATIVE_INFINITY; }

    /** The upper clamp bound of an activation (+inf when it is not a clamp). */
    static float hi(Act act) { return act.kind() == Act.CLIP ? act.p1() : Float.POSITIVE_INFINITY; }

    /**
     * v clamped to [lo, hi] by compares and blends: {@code v.max(lo).min(hi)} but for the sign of a zero at a zero
     * bound (-0.0 stays -0.0), NaN kept as NaN like max/min. Cheaper: the Vector API's float max and min follow
     * Math.max and Math.min (NaN, -0.0 below +0.0), several instructions each. Measured (1 thread, hot, Clip):
     * mobilenet_v2's 1×1 conv 16→96 at 112×112 634 → 593 µs, its 3×3 depthwise conv of 144 channels at 56×56
     * 212 → 195 µs. Kernels with many vectors live write it out inline (a call C2 does not inline boxes them).
     */
    static FloatVector clamp(FloatVector v, float lo, float hi) {
        return v.blend(lo, v.lt(lo)).blend(hi, v.compare(VectorOperators.GT, hi));
    }

    /** Byte offsets of the window taps (row-major kernel) from the window's corner in a blocked plane of g's width. */
    static long[] tapOffsets(Window2d g) { return tapOffsets(g, g.w()); }

    /** {@link #tapOffsets(Window2d)} in a blocked plane {@code width} positions wide. */
    static long[] tapOffsets(Window2d g, int width) {
        long[] t = new long[g.kh() * g.kw()];
        for (int i = 0; i < g.kh(); i++)
            for (int j = 0; j < g.kw(); j++) t[i * g.kw() + j] = ((long) i * g.dh() * width + (long) j * g.dw()) * VB;
        return t;
    }

    /** The first kernel row i (of k, dilation dil) with base + i dil &gt;= 0: rows before it are above the input. */
    static int kernelStart(int base, int dil, int k) { return firstInside(k, dil, -base, 0); }

    /** One past the last kernel row i (of k) with base + i dil &lt;= size - 1. */
    static int kernelEnd(int base, int dil, int k, int size) {
        long num = (long) size - 1 - base;
        return num < 0 ? 0 : (int) Math.min(k, num / dil + 1);
    }

    /** The first output row r with r * stride - pad + first * dilation >= 0 for the kernel offset first (clamped to [0, out]). */
    static int firstInside(int out, int stride, int pad, int first) {
        int need = pad - first; // r * stride >= need
        int r = need <= 0 ? 0 : (need + stride - 1) / stride;
        return Math.min(r, out);
    }

    /** One past the last output index r with r * stride - pad + last <= size - 1 (clamped to [lo, out]). */
    static int endInside(int out, int stride, int pad, int last, int size, int lo) {
        long num = (long) size - 1 - last + pad;
        int r = num < 0 ? 0 : (int) Math.min(out, num / stride + 1);
        return Math.max(lo, r);
    }

    /**
     * How a blocked problem is cut into chunks: per image and channel block, output rows in blocks of
     * {@code rowsPer}. Small problems stay in one chunk per (image, block) and on the calling thread.
     */
    record Split(int blocks, int rows, int rowsPer, int rowBlocks, int chunks, boolean parallel) {
        static Split of(int images, int blocks, int rows, double flops, int threads) {
            return of(images, blocks, rows, flops, threads, MIN_FLOPS);
        }

        /**
         * {@link #of(int, int, int, double, int)} for kernels that move more bytes per flop (depthwise convs,
         * pools): parallel from {@code minFlops} on. Their inputs were mostly written by the pool's threads
         * (the layer before was split between them), so one thread reading them all pays the other cores' caches.
         */
        static Split of(int images, int blocks, int rows, double flops, int threads, double minFlops) {
            int target = threads <= 1 || flops < minFlops ? 1 : flops >= 64 * MIN_FLOPS ? 4 * threads : 2 * threads;
            int units = Math.max(1, images * blocks);
            int rb = units >= target ? 1 : Math.min(Math.max(1, rows), (target + units - 1) / units);
            int per = Math.max(1, (rows + rb - 1) / rb);
            rb = Math.max(1, (rows + per - 1) / per);
            int chunks = images * blocks * rb;
            return new Split(blocks, rows, per, rb, chunks, target > 1 && chunks > 1);
        }

        private static final double MIN_FLOPS = org.ge4j.ops.vector.Split.PARALLEL_MIN_FLOPS;
        /** The parallel threshold of the memory-bound blocked kernels (a tenth of the GEMM-like kernels'). */
        static final double MEMORY_BOUND_MIN_FLOPS = MIN_FLOPS / 10;

        int image(int chunk) { return chunk / (blocks * rowBlocks); }

        int block(int chunk) { return chunk / rowBlocks % blocks; }

        int row0(int chunk) { return chunk % rowBlocks * rowsPer; }

        int row1(int chunk) { return Math.min(rows, row0(chunk) + rowsPer); }
    }
}
