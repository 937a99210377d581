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
 * Depthwise convolution (group = C = M: one filter per channel), stride 1 or 2, through a
 * {@link PlaneWindow}: where the window allows (3×3 pad 1 at stride 1 or 2, mobilenet's case) each channel
 * plane is copied into scratch between zero margins (stride 2: split into its four row/column parity phases)
 * and the output plane is computed as one flat run of vectors, whole vectors even on 7×7 planes, the 3×3 taps
 * unrolled with the weights in registers and the padding columns masked once per kernel column. Other
 * windows are read in place row by row (stride 2 through an even-lane permute of two loads), the row ends
 * through scratch. Bias, residual and Relu/Clip are applied on the store; other activations by a pass over
 * each finished plane. Chunks of (image, channel range) run on the pool.
 */
final class DepthwiseConv implements CompiledKernel, WorkerPool.Job {
    private static final long VB = L * 4L;
    private final Window2d g;
    private final Act act;
    /** Relu and Clip are applied as a clamp on the store; other activations by a pass over each plane. */
    private final boolean clamp;
    private final float lo, hi;
    private final int bArg, zArg, yArg;
    private final PlaneWindow win;
    /** 3×3 undilated kernel: the unrolled paths. */
    private final boolean k3;
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
        win = new PlaneWindow(g);
        k3 = g.kh() == 3 && g.kw() == 3 && g.dh() == 1 && g.dw() == 1;
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
        MemorySegment buf = Scratch.get(1, 2 * VB + win.copyFloats * 4L);
        if (win.flat) win.clear(buf, 2 * VB, 0f);
        int taps = g.kh() * g.kw();
        long outPlane = (long) g.outPlane() * 4;
        for (int c = c0; c < c1; c++) {
            long xo = ((long) img * g.c() + c) * g.plane() * 4L, yo = ((long) img * g.c() + c) * outPlane;
            float b = bias == null ? 0f : bias.get(F, c * 4L);
            long wo = (long) c * taps * 4;
            if (win.flat) {
                win.copy(x, xo, buf, 2 * VB, buf, 0);
                flat(buf, 2 * VB, w, wo, b, y, yo, z, buf);
            } else for (int oh = 0; oh < g.oh(); oh++) row(x, xo, oh, w, wo, b, y, yo + (long) oh * g.ow() * 4, z, buf);
            if (!clamp) act.apply(y, yo, y, yo, g.outPlane());
        }
    }

    /** The whole output plane of one channel as flat vectors over its copy at byte offset xo of x (flat mode). */
    private void flat(MemorySegment x, long xo, MemorySegment w, long wo, float b, MemorySegment y, long yo, MemorySegment z, MemorySegment buf) {
        int kh = g.kh(), kw = g.kw(), blocks = win.blocks;
        long[] colBits = win.colBits, tapOff = win.tapOff;
        int n = g.outPlane();
        // 3×3 undilated: the nine weights stay in registers, the taps unrolled into three column sums. Each is
        // broadcast on both paths: a vector merged with a constant vector object (a static ZERO) at a branch
        // defeats C2's box elimination once both paths have been profiled, and every call then allocates them.
        FloatVector w0 = FloatVector.broadcast(S, k3 ? w.get(F, wo) : 0f);
        FloatVector w1 = FloatVector.broadcast(S, k3 ? w.get(F, wo + 4) : 0f);
        FloatVector w2 = FloatVector.broadcast(S, k3 ? w.get(F, wo + 8) : 0f);
        FloatVector w3 = FloatVector.broadcast(S, k3 ? w.get(F, wo + 12) : 0f);
        FloatVector w4 = FloatVector.broadcast(S, k3 ? w.get(F, wo + 16) : 0f);
        FloatVector w5 = FloatVector.broadcast(S, k3 ? w.get(F, wo + 20) : 0f);
        FloatVector w6 = FloatVector.broadcast(S, k3 ? w.get(F, wo + 24) : 0f);
        FloatVector w7 = FloatVector.broadcast(S, k3 ? w.get(F, wo + 28) : 0f);
        FloatVector w8 = FloatVector.broadcast(S, k3 ? w.get(F, wo + 32) : 0f);
        FloatVector bv = FloatVector.broadcast(S, b);
        long t0 = tapOff[0], t1 = k3 ? tapOff[1] : 0, t2 = k3 ? tapOff[2] : 0, t3 = k3 ? tapOff[3] : 0, t4 = k3 ? tapOff[4] : 0;
        long t5 = k3 ? tapOff[5] : 0, t6 = k3 ? tapOff[6] : 0, t7 = k3 ? tapOff[7] : 0, t8 = k3 ? tapOff[8] : 0;
        for (int bl = 0; bl < blocks; bl++) {
            long p = (long) bl * L * 4, xp = xo + p;
            FloatVector acc;
            if (k3) {
                FloatVector l = FloatVector.fromMemorySegment(S, x, xp + t0, LE).mul(w0);
                FloatVector c = FloatVector.fromMemorySegment(S, x, xp + t1, LE).fma(w1, bv);
                FloatVector r = FloatVector.fromMemorySegment(S, x, xp + t2, LE).mul(w2);
                l = FloatVector.fromMemorySegment(S, x, xp + t3, LE).fma(w3, l);
                c = FloatVector.fromMemorySegment(S, x, xp + t4, LE).fma(w4, c);
                r = FloatVector.fromMemorySegment(S, x, xp + t5, LE).fma(w5, r);
                l = FloatVector.fromMemorySegment(S, x, xp + t6, LE).fma(w6, l);
                c = FloatVector.fromMemorySegment(S, x, xp + t7, LE).fma(w7, c);
                r = FloatVector.fromMemorySegment(S, x, xp + t8, LE).fma(w8, r);
                long lb = colBits[bl], cb = colBits[blocks + bl], rb = colBits[2 * blocks + bl];
                if (cb != PlaneWindow.FULL) c = bv.blend(c, VectorMask.fromLong(S, cb));
                c = lb == PlaneWindow.FULL ? c.add(l) : c.add(l, VectorMask.fromLong(S, lb));
                acc = rb == PlaneWindow.FULL ? c.add(r) : c.add(r, VectorMask.fromLong(S, rb));
            } else {
                acc = bv;
                for (int j = 0; j < kw; j++) { // a partial sum per kernel column, masked once
                    FloatVector part = FloatVector.zero(S);
                    for (int i = 0, t = j; i < kh; i++, t += kw)
                        part = FloatVector.fromMemorySegment(S, x, xp + tapOff[t], LE).fma(FloatVector.broadcast(S, w.get(F, wo + t * 4L)), part);
                    long cb = colBits[j * blocks + bl];
                    acc = cb == PlaneWindow.FULL ? acc.add(part) : acc.add(part, VectorMask.fromLong(S, cb));
                }
            }
            // the store stays in this method: a vector handed to a method C2 does not inline is boxed
            int left = n - bl * L;
            if (left >= L) {
                if (z != null) acc = acc.add(FloatVector.fromMemorySegment(S, z, yo + p, LE));
                acc.max(lo).min(hi).intoMemorySegment(y, yo + p, LE);
            } else if (z == null && yo + p + VB <= y.byteSize()) acc.max(lo).min(hi).intoMemorySegment(y, yo + p, LE, S.indexInRange(0, left));
            else { // a masked store past the end of y would take the Vector API's slow path
                acc.intoMemorySegment(buf, 0, LE);
                tail(buf, y, yo + p, z, left);
            }
        }
    }

    /** Output row oh of one channel (row mode of the window), vectors of L outputs. */
    private void row(MemorySegment x, long xo, int oh, MemorySegment w, long wo, float b, MemorySegment y, long yr, MemorySegment z, MemorySegment buf) {
        int ow = g.ow(), kh = g.kh(), kw = g.kw(), iw = g.w(), sw = g.sw(), dw = g.dw();
        for (int o = 0; o < ow; o += L) {
            int c0 = o * sw - g.pl();
            FloatVector acc = FloatVector.broadcast(S, b);
            for (int i = 0; i < kh; i++) {
                int ih = oh * g.sh() - g.pt() + i * g.dh();
                if (ih < 0 || ih >= g.h()) continue;
                long r = xo + (long) ih * iw * 4;
                for (int j = 0, c = c0; j < kw; j++, c += dw) {
                    PlaneWindow.rowTap(x, r, c, iw, sw, buf, 0f);
                    FloatVector v = FloatVector.fromMemorySegment(S, buf, 0, LE);
                    acc = v.fma(FloatVector.broadcast(S, w.get(F, wo + (i * kw + j) * 4L)), acc);
                }
            }
            long yo = yr + o * 4L;
            int left = ow - o;
            if (left >= L) {
                if (z != null) acc = acc.add(FloatVector.fromMemorySegment(S, z, yo, LE));
                acc.max(lo).min(hi).intoMemorySegment(y, yo, LE);
            } else if (z == null && yo + VB <= y.byteSize()) acc.max(lo).min(hi).intoMemorySegment(y, yo, LE, S.indexInRange(0, left));
            else {
                acc.intoMemorySegment(buf, 0, LE);
                tail(buf, y, yo, z, left);
            }
        }
    }

    /** y[k] = clamp(t[k] (+ z[k]), lo, hi) for k &lt; n: a last partial vector with a residual or at the end of y. */
    private void tail(MemorySegment t, MemorySegment y, long yo, MemorySegment z, int n) {
        for (int k = 0; k < n; k++) {
            float v = t.get(F, k * 4L) + (z == null ? 0f : z.get(F, yo + k * 4L));
            y.set(F, yo + k * 4L, Math.min(Math.max(v, lo), hi));
        }
    }

    private static MemorySegment nullable(MemorySegment s) { return s == null || s == MemorySegment.NULL ? null : s; }
}
