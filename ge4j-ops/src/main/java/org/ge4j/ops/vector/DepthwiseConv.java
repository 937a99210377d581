package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.Sgemm.F;
import static org.ge4j.ops.vector.Sgemm.L;
import static org.ge4j.ops.vector.Sgemm.LE;
import static org.ge4j.ops.vector.Sgemm.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import org.ge4j.ops.exec.CompiledKernel;

/**
 * Depthwise convolution (group = C = M: one filter per channel), stride 1 or 2. Each channel's input plane
 * is copied once into a zero-bordered plane in per-thread scratch, so every tap of every output is in
 * bounds; outputs are computed a vector of positions at a time — contiguous loads for stride 1, two loads
 * and an even-lane shuffle for stride 2 — with bias, residual and activation applied before the store.
 * Chunks of (image, channel range) run on the pool.
 */
final class DepthwiseConv implements CompiledKernel, WorkerPool.Job {
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);

    private final Window2d g;
    private final Act act;
    private final int bArg, zArg, yArg;
    private final int hp, wp; // padded plane
    private final int chunksPerImage, channelsPer;
    private final boolean parallel;
    private final WorkerPool pool;

    DepthwiseConv(Window2d g, Act act, int bArg, int zArg, int yArg, WorkerPool pool) {
        this.g = g;
        this.act = act;
        this.bArg = bArg;
        this.zArg = zArg;
        this.yArg = yArg;
        this.pool = pool;
        hp = (g.oh() - 1) * g.sh() + (g.kh() - 1) * g.dh() + 1;
        // room for the last vector: stride 2 reads two vectors past the last output block's start
        int owPad = (g.ow() + L - 1) / L * L;
        wp = (owPad - 1) * g.sw() + (g.kw() - 1) * g.dw() + 1 + 2 * L;
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
        MemorySegment pad = Scratch.get(1, (long) hp * wp * 4);
        int taps = g.kh() * g.kw();
        long outPlane = (long) g.outPlane() * 4;
        for (int c = c0; c < c1; c++) {
            long xo = ((long) img * g.c() + c) * g.plane() * 4L;
            fillPadded(x, xo, pad);
            long yo = ((long) img * g.c() + c) * outPlane;
            float b = bias == null ? 0f : bias.get(F, c * 4L);
            long wo = (long) c * taps * 4;
            for (int oh = 0; oh < g.oh(); oh++) {
                long yr = yo + (long) oh * g.ow() * 4;
                long pr = (long) oh * g.sh() * wp * 4;
                if (g.sw() == 1) row1(pad, pr, w, wo, b, y, yr, z);
                else row2(pad, pr, w, wo, b, y, yr, z);
                act.apply(y, yr, y, yr, g.ow());
            }
        }
    }

    /** Copies the channel plane at xo into the padded plane (zero borders). */
    private void fillPadded(MemorySegment x, long xo, MemorySegment pad) {
        pad.asSlice(0, (long) hp * wp * 4).fill((byte) 0);
        int rows = Math.min(g.h(), hp - g.pt()), cols = Math.min(g.w(), wp - g.pl());
        for (int r = Math.max(0, -g.pt()); r < rows; r++)
            MemorySegment.copy(x, xo + (long) r * g.w() * 4, pad, ((long) (r + g.pt()) * wp + g.pl()) * 4, cols * 4L);
    }

    private void row1(MemorySegment pad, long pr, MemorySegment w, long wo, float b, MemorySegment y, long yr, MemorySegment z) {
        int ow = g.ow(), kh = g.kh(), kw = g.kw();
        long dh = (long) g.dh() * wp * 4, dw = g.dw() * 4L;
        for (int o = 0; o < ow; o += L) {
            FloatVector acc = FloatVector.broadcast(S, b);
            long rowBase = pr + o * 4L;
            long wk = wo;
            for (int i = 0; i < kh; i++, rowBase += dh)
                for (int j = 0; j < kw; j++, wk += 4)
                    acc = FloatVector.fromMemorySegment(S, pad, rowBase + j * dw, LE).fma(FloatVector.broadcast(S, w.get(F, wk)), acc);
            long yo = yr + o * 4L;
            int left = ow - o;
            if (left >= L) {
                if (z != null) acc = acc.add(FloatVector.fromMemorySegment(S, z, yo, LE));
                acc.intoMemorySegment(y, yo, LE);
            } else {
                VectorMask<Float> m = S.indexInRange(0, left);
                if (z != null) acc = acc.add(FloatVector.fromMemorySegment(S, z, yo, LE, m));
                acc.intoMemorySegment(y, yo, LE, m);
            }
        }
    }

    private void row2(MemorySegment pad, long pr, MemorySegment w, long wo, float b, MemorySegment y, long yr, MemorySegment z) {
        int ow = g.ow(), kh = g.kh(), kw = g.kw();
        long dh = (long) g.dh() * wp * 4, dw = g.dw() * 4L;
        for (int o = 0; o < ow; o += L) {
            FloatVector acc = FloatVector.broadcast(S, b);
            long rowBase = pr + 2L * o * 4;
            long wk = wo;
            for (int i = 0; i < kh; i++, rowBase += dh)
                for (int j = 0; j < kw; j++, wk += 4) {
                    long a = rowBase + j * dw;
                    FloatVector v0 = FloatVector.fromMemorySegment(S, pad, a, LE), v1 = FloatVector.fromMemorySegment(S, pad, a + L * 4L, LE);
                    acc = v0.rearrange(EVEN, v1).fma(FloatVector.broadcast(S, w.get(F, wk)), acc);
                }
            long yo = yr + o * 4L;
            int left = ow - o;
            if (left >= L) {
                if (z != null) acc = acc.add(FloatVector.fromMemorySegment(S, z, yo, LE));
                acc.intoMemorySegment(y, yo, LE);
            } else {
                VectorMask<Float> m = S.indexInRange(0, left);
                if (z != null) acc = acc.add(FloatVector.fromMemorySegment(S, z, yo, LE, m));
                acc.intoMemorySegment(y, yo, LE, m);
            }
        }
    }

    private static MemorySegment nullable(MemorySegment s) { return s == null || s == MemorySegment.NULL ? null : s; }
}
