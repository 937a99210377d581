package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.Sgemm.F;
import static org.ge4j.ops.vector.Sgemm.L;
import static org.ge4j.ops.vector.Sgemm.LE;
import static org.ge4j.ops.vector.Sgemm.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import org.ge4j.ops.exec.CompiledKernel;

/**
 * Depthwise convolution (group = C = M: one filter per channel), stride 1 or 2. Each channel's input plane
 * is copied into a zero-bordered plane in per-thread scratch (the border is zeroed once per chunk), so every
 * tap of every output is in bounds; for stride 2 each plane row is stored de-interleaved (even columns, then
 * odd ones), so that every tap is a contiguous load in both cases. Outputs are computed four vectors at a
 * time — four column blocks of one output row for wide planes, one block of four output rows for narrow
 * ones — so four independent accumulators hide the FMA latency. Bias and residual are added on the store,
 * the activation runs over each finished plane. Chunks of (image, channel range) run on the pool.
 */
final class DepthwiseConv implements CompiledKernel, WorkerPool.Job {
    private final Window2d g;
    private final Act act;
    /** Relu and Clip are applied as a clamp on the store; other activations by a pass over each plane. */
    private final boolean clamp;
    private final float lo, hi;
    private final int bArg, zArg, yArg;
    private final boolean narrow;
    private final PaddedPlane plane;
    private final long rowBytes;
    private final long[] colOff;
    private final int chunksPerImage, channelsPer;
    private final boolean parallel;
    private final WorkerPool pool;

    DepthwiseConv(Window2d g, Act act, int bArg, int zArg, int yArg, WorkerPool pool) {
        this.g = g;
        this.act = act;
        clamp = act.kind() == Act.RELU || act.kind() == Act.CLIP || act.isIdentity();
        lo = act.kind() == Act.RELU ? 0f : act.kind() == Act.CLIP ? act.p0() : Float.NEGATIVE_INFINITY;
        hi = act.kind() == Act.CLIP ? act.p1() : Float.POSITIVE_INFINITY;
        this.bArg = bArg;
        this.zArg = zArg;
        this.yArg = yArg;
        this.pool = pool;
        narrow = g.ow() <= L;
        plane = new PaddedPlane(g, narrow ? (g.oh() + 3) / 4 * 4 : g.oh(), narrow ? L : (g.ow() + 4 * L - 1) / (4 * L) * (4 * L));
        rowBytes = plane.rowBytes;
        colOff = plane.colOff;
        double flops = 2.0 * g.n() * g.c() * g.outPlane() * g.kh() * g.kw();
        int threads = pool.threads();
        int target = threads > 1 && flops >= Split.PARALLEL_MIN_FLOPS / 4 ? 2 * threads : 1;
        int per = Math.max(1, (target + g.n() - 1) / g.n());
        channelsPer = (g.c() + Math.min(per, g.c()) - 1) / Math.min(per, g.c());
        chunksPerImage = (g.c() + channelsPer - 1) / channelsPer;
        parallel = target > 1 && g.n() * chunksPerImage > 1;
    }

    @Override public void run(MemorySegment[] args) {
        int chunks = g.n() * chunksPerImage;
        if (parallel) pool.run(this, args, chunks);
        else for (int c = 0; c < chunks; c++) chunk(args, c);
    }

    @Override public void run(Object ctx, int chunk, int n) { chunk((MemorySegment[]) ctx, chunk); }

    private void chunk(MemorySegment[] args, int chunk) {
        int img = chunk / chunksPerImage, c0 = (chunk % chunksPerImage) * channelsPer, c1 = Math.min(g.c(), c0 + channelsPer);
        MemorySegment x = args[0], w = args[1], y = args[yArg];
        MemorySegment bias = bArg >= 0 ? nullable(args[bArg]) : null, z = zArg >= 0 ? nullable(args[zArg]) : null;
        MemorySegment pad = Scratch.get(1, plane.bytes);
        plane.clear(pad, 0f);
        long tile = plane.tile;
        int taps = g.kh() * g.kw();
        long outPlane = (long) g.outPlane() * 4;
        for (int c = c0; c < c1; c++) {
            plane.fill(x, ((long) img * g.c() + c) * g.plane() * 4L, pad);
            long yo = ((long) img * g.c() + c) * outPlane;
            float b = bias == null ? 0f : bias.get(F, c * 4L);
            long wo = (long) c * taps * 4;
            if (narrow) for (int oh = 0; oh < g.oh(); oh += 4) narrow(pad, oh, w, wo, b, y, yo, z, tile);
            else if (g.kw() == 3) for (int oh = 0; oh < g.oh(); oh++) wide3(pad, oh * g.sh() * rowBytes, w, wo, b, y, yo + (long) oh * g.ow() * 4, z, tile);
            else for (int oh = 0; oh < g.oh(); oh++) wide(pad, oh * g.sh() * rowBytes, w, wo, b, y, yo + (long) oh * g.ow() * 4, z, tile);
            if (!clamp) act.apply(y, yo, y, yo, g.outPlane());
        }
    }

    /** One output row in groups of four column vectors (pr: byte offset of its first input row in the plane). */
    private void wide(MemorySegment pad, long pr, MemorySegment w, long wo, float b, MemorySegment y, long yr, MemorySegment z, long tile) {
        int ow = g.ow(), kh = g.kh(), kw = g.kw();
        long dh = g.dh() * rowBytes, v4 = L * 4L;
        for (int o = 0; o < ow; o += 4 * L) {
            FloatVector a0 = FloatVector.broadcast(S, b), a1 = a0, a2 = a0, a3 = a0;
            long rowBase = pr + o * 4L;
            long wk = wo;
            for (int i = 0; i < kh; i++, rowBase += dh)
                for (int j = 0; j < kw; j++, wk += 4) {
                    FloatVector wv = FloatVector.broadcast(S, w.get(F, wk));
                    long a = rowBase + colOff[j];
                    a0 = FloatVector.fromMemorySegment(S, pad, a, LE).fma(wv, a0);
                    a1 = FloatVector.fromMemorySegment(S, pad, a + v4, LE).fma(wv, a1);
                    a2 = FloatVector.fromMemorySegment(S, pad, a + 2 * v4, LE).fma(wv, a2);
                    a3 = FloatVector.fromMemorySegment(S, pad, a + 3 * v4, LE).fma(wv, a3);
                }
            // out through a tile: lane-exact stores with the residual belong in a small method of their own
            // (a vector method too big for C1 would never reach C2, see Sgemm.block)
            a0.intoMemorySegment(pad, tile, LE);
            a1.intoMemorySegment(pad, tile + v4, LE);
            a2.intoMemorySegment(pad, tile + 2 * v4, LE);
            a3.intoMemorySegment(pad, tile + 3 * v4, LE);
            finish(pad, tile, y, yr + o * 4L, z, Math.min(ow - o, 4 * L), lo, hi);
        }
    }

    /** {@link #wide} for kernels three columns wide: the columns unrolled, one loop over kernel rows. */
    private void wide3(MemorySegment pad, long pr, MemorySegment w, long wo, float b, MemorySegment y, long yr, MemorySegment z, long tile) {
        int ow = g.ow(), kh = g.kh();
        long dh = g.dh() * rowBytes, v4 = L * 4L, c1 = colOff[1], c2 = colOff[2];
        for (int o = 0; o < ow; o += 4 * L) {
            FloatVector a0 = FloatVector.broadcast(S, b), a1 = a0, a2 = a0, a3 = a0;
            long r = pr + o * 4L, wk = wo;
            for (int i = 0; i < kh; i++, r += dh, wk += 12) {
                FloatVector w0 = FloatVector.broadcast(S, w.get(F, wk)), w1 = FloatVector.broadcast(S, w.get(F, wk + 4)), w2 = FloatVector.broadcast(S, w.get(F, wk + 8));
                a0 = FloatVector.fromMemorySegment(S, pad, r, LE).fma(w0, a0);
                a1 = FloatVector.fromMemorySegment(S, pad, r + v4, LE).fma(w0, a1);
                a2 = FloatVector.fromMemorySegment(S, pad, r + 2 * v4, LE).fma(w0, a2);
                a3 = FloatVector.fromMemorySegment(S, pad, r + 3 * v4, LE).fma(w0, a3);
                a0 = FloatVector.fromMemorySegment(S, pad, r + c1, LE).fma(w1, a0);
                a1 = FloatVector.fromMemorySegment(S, pad, r + c1 + v4, LE).fma(w1, a1);
                a2 = FloatVector.fromMemorySegment(S, pad, r + c1 + 2 * v4, LE).fma(w1, a2);
                a3 = FloatVector.fromMemorySegment(S, pad, r + c1 + 3 * v4, LE).fma(w1, a3);
                a0 = FloatVector.fromMemorySegment(S, pad, r + c2, LE).fma(w2, a0);
                a1 = FloatVector.fromMemorySegment(S, pad, r + c2 + v4, LE).fma(w2, a1);
                a2 = FloatVector.fromMemorySegment(S, pad, r + c2 + 2 * v4, LE).fma(w2, a2);
                a3 = FloatVector.fromMemorySegment(S, pad, r + c2 + 3 * v4, LE).fma(w2, a3);
            }
            a0.intoMemorySegment(pad, tile, LE);
            a1.intoMemorySegment(pad, tile + v4, LE);
            a2.intoMemorySegment(pad, tile + 2 * v4, LE);
            a3.intoMemorySegment(pad, tile + 3 * v4, LE);
            finish(pad, tile, y, yr + o * 4L, z, Math.min(ow - o, 4 * L), lo, hi);
        }
    }

    /** Output rows [oh, oh+4) of a narrow plane (ow &lt;= L): one vector per row. */
    private void narrow(MemorySegment pad, int oh, MemorySegment w, long wo, float b, MemorySegment y, long yo, MemorySegment z, long tile) {
        int ow = g.ow(), kh = g.kh(), kw = g.kw();
        long dh = g.dh() * rowBytes, rs = g.sh() * rowBytes;
        FloatVector a0 = FloatVector.broadcast(S, b), a1 = a0, a2 = a0, a3 = a0;
        long rowBase = oh * rs;
        long wk = wo;
        for (int i = 0; i < kh; i++, rowBase += dh)
            for (int j = 0; j < kw; j++, wk += 4) {
                FloatVector wv = FloatVector.broadcast(S, w.get(F, wk));
                long a = rowBase + colOff[j];
                a0 = FloatVector.fromMemorySegment(S, pad, a, LE).fma(wv, a0);
                a1 = FloatVector.fromMemorySegment(S, pad, a + rs, LE).fma(wv, a1);
                a2 = FloatVector.fromMemorySegment(S, pad, a + 2 * rs, LE).fma(wv, a2);
                a3 = FloatVector.fromMemorySegment(S, pad, a + 3 * rs, LE).fma(wv, a3);
            }
        long v4 = L * 4L;
        a0.intoMemorySegment(pad, tile, LE);
        a1.intoMemorySegment(pad, tile + v4, LE);
        a2.intoMemorySegment(pad, tile + 2 * v4, LE);
        a3.intoMemorySegment(pad, tile + 3 * v4, LE);
        long ro = ow * 4L;
        for (int r = 0, rows = Math.min(4, g.oh() - oh); r < rows; r++)
            finish(pad, tile + r * v4, y, yo + (oh + r) * ro, z, ow, lo, hi);
    }

    /** y[0, n) = clamp(tile[0, n) (+ z[0, n)), lo, hi), n &lt;= 4 L. */
    private static void finish(MemorySegment t, long to, MemorySegment y, long yo, MemorySegment z, int n, float lo, float hi) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromMemorySegment(S, t, to + i * 4L, LE, m);
            if (z != null) v = v.add(FloatVector.fromMemorySegment(S, z, yo + i * 4L, LE, m));
            v.max(lo).min(hi).intoMemorySegment(y, yo + i * 4L, LE, m);
        }
    }

    private static MemorySegment nullable(MemorySegment s) { return s == null || s == MemorySegment.NULL ? null : s; }
}
