package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.NchwcSupport.VB;
import static org.ge4j.ops.vector.Sgemm.F;
import static org.ge4j.ops.vector.Sgemm.L;
import static org.ge4j.ops.vector.Sgemm.LE;
import static org.ge4j.ops.vector.Sgemm.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import org.ge4j.ops.blocked.BlockedOps;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.NodeSpec;

/**
 * The blocked pools: {@code BlockedMaxPool}, {@code BlockedAveragePool} (any 2-D window, strides, pads,
 * ceil_mode, dilations; count_include_pad through a per-position 1/count table as {@link Pooling} builds it)
 * and the global pools. One vector is the L channels of one position, so every lane is pooled alike and the
 * padding lanes stay zero. Interior positions read their window without checks, the border ones check each
 * column; only the kernel rows inside the input are visited. Chunks of (image, channel block, output rows).
 */
final class NchwcPools {
    private NchwcPools() {}

    static CompiledKernel compile(NodeSpec s, String type) {
        if (s.outputs().size() != 1) return null; // MaxPool's Indices
        long[] xs = s.inputShape(0), ys = s.outputShape(0);
        if (xs.length != 5 || ys.length != 5 || ys[1] != xs[1] || ys[0] != xs[0]) return null;
        long c = xs[1] * L;
        if (type.equals(BlockedOps.GLOBAL_AVERAGE_POOL) || type.equals(BlockedOps.GLOBAL_MAX_POOL)) {
            if (ys[2] != 1 || ys[3] != 1 || xs[2] * xs[3] == 0) return null;
            return new Global((int) xs[0], (int) xs[1], (int) (xs[2] * xs[3]), type.equals(BlockedOps.GLOBAL_MAX_POOL), WorkerPool.shared());
        }
        boolean max = type.equals(BlockedOps.MAX_POOL);
        if (!max && !type.equals(BlockedOps.AVERAGE_POOL)) return null;
        long[] kernel = s.attrs().getInts("kernel_shape", null);
        Window2d g = NchwcSupport.window(s, xs, c, ys, c, kernel);
        if (g == null) return null;
        if (g.n() == 0 || g.outPlane() == 0) return args -> {};
        MemorySegment inv = null;
        if (!max) {
            long[] px = {xs[0], c, xs[2], xs[3]}, py = {ys[0], c, ys[2], ys[3]};
            long[] end = Pooling.endPads(s, px, py, kernel, g);
            if (end == null) return null;
            inv = Pooling.inverseCounts(g, end[0], end[1], s.attrs().getInt("count_include_pad", 0) != 0);
        }
        return new Windowed(g, max, inv, WorkerPool.shared());
    }

    /** A windowed max or average pool. */
    static final class Windowed implements CompiledKernel, WorkerPool.Job {
        private final Window2d g;
        private final boolean max;
        /** An undilated 3×3 max pool whose every window has a position inside the input: the unrolled row path. */
        private final boolean max3;
        private final float fill;
        private final MemorySegment inv;
        private final int blocks;
        private final long[] tapOff;
        private final NchwcSupport.Split split;
        private final WorkerPool pool;

        Windowed(Window2d g, boolean max, MemorySegment inv, WorkerPool pool) {
            this.g = g;
            this.max = max;
            this.inv = inv;
            this.pool = pool;
            fill = max ? Float.NEGATIVE_INFINITY : 0f;
            blocks = g.c() / L;
            // windows move monotonically: the first and last ones along each axis tell whether all touch the input
            max3 = max && g.kh() == 3 && g.kw() == 3 && g.dh() == 1 && g.dw() == 1 && g.pt() <= 2 && g.pl() <= 2
                    && (long) (g.oh() - 1) * g.sh() - g.pt() <= g.h() - 1 && (long) (g.ow() - 1) * g.sw() - g.pl() <= g.w() - 1;
            tapOff = NchwcSupport.tapOffsets(g);
            double work = 2.0 * g.n() * g.c() * g.outPlane() * g.kh() * g.kw();
            split = NchwcSupport.Split.of(g.n(), blocks, g.oh(), work, pool.threads(), NchwcSupport.Split.MEMORY_BOUND_MIN_FLOPS);
        }

        @Override public void run(MemorySegment[] args) {
            if (split.parallel()) pool.run(this, args, split.chunks());
            else for (int c = 0; c < split.chunks(); c++) chunk(args, c);
        }

        @Override public void run(Object ctx, int chunk, int n) { chunk((MemorySegment[]) ctx, chunk); }

        /**
         * One output row of an undilated 3×3 max pool from input rows at byte offsets a, b, c (each kernel row,
         * or for a row outside the input a row of the window that is inside: a max is unchanged by a repeated
         * element). The columns are clamped into the window's inside part the same way.
         */
        private void max3Row(MemorySegment x, long a, long b, long c, MemorySegment y, long yr) {
            int sw = g.sw(), pl = g.pl(), last = g.w() - 1;
            for (int o = 0, ow = g.ow(); o < ow; o++) {
                int iw0 = o * sw - pl, lo = Math.max(iw0, 0), hi = Math.min(iw0 + 2, last), mid = Math.min(Math.max(iw0 + 1, lo), hi);
                long c0 = lo * VB, c1 = mid * VB, c2 = hi * VB;
                FloatVector m0 = FloatVector.fromMemorySegment(S, x, a + c0, LE).max(FloatVector.fromMemorySegment(S, x, a + c1, LE))
                        .max(FloatVector.fromMemorySegment(S, x, a + c2, LE));
                FloatVector m1 = FloatVector.fromMemorySegment(S, x, b + c0, LE).max(FloatVector.fromMemorySegment(S, x, b + c1, LE))
                        .max(FloatVector.fromMemorySegment(S, x, b + c2, LE));
                FloatVector m2 = FloatVector.fromMemorySegment(S, x, c + c0, LE).max(FloatVector.fromMemorySegment(S, x, c + c1, LE))
                        .max(FloatVector.fromMemorySegment(S, x, c + c2, LE));
                m0.max(m1).max(m2).intoMemorySegment(y, yr + o * VB, LE);
            }
        }

        private void chunk(MemorySegment[] args, int chunk) {
            int img = split.image(chunk), cb = split.block(chunk);
            MemorySegment x = args[0], y = args[1];
            long xo = ((long) img * blocks + cb) * g.plane() * VB, yo = ((long) img * blocks + cb) * g.outPlane() * VB;
            int ow = g.ow(), sw = g.sw(), pl = g.pl(), kw = g.kw();
            int owA = NchwcSupport.firstInside(ow, sw, pl, 0), owB = NchwcSupport.endInside(ow, sw, pl, (kw - 1) * g.dw(), g.w(), owA);
            FloatVector none = FloatVector.broadcast(S, fill);
            for (int oh = split.row0(chunk); oh < split.row1(chunk); oh++) {
                int ihBase = oh * g.sh() - g.pt();
                if (max3) {
                    int lo = Math.max(ihBase, 0), hi = Math.min(ihBase + 2, g.h() - 1);
                    long rs = (long) g.w() * VB;
                    max3Row(x, xo + lo * rs, xo + Math.min(Math.max(ihBase + 1, lo), hi) * rs, xo + hi * rs, y, yo + (long) oh * ow * VB);
                    continue;
                }
                int i0 = NchwcSupport.kernelStart(ihBase, g.dh(), g.kh()), i1 = NchwcSupport.kernelEnd(ihBase, g.dh(), g.kh(), g.h());
                long xr = xo + (long) ihBase * g.w() * VB, yr = yo + (long) oh * ow * VB, ir = (long) oh * ow * 4;
                for (int o = 0; o < ow; o++) {
                    int iw0 = o * sw - pl;
                    FloatVector acc = none;
                    if (o >= owA && o < owB) {
                        long xp = xr + (long) iw0 * VB;
                        for (int t = i0 * kw, end = i1 * kw; t < end; t++) {
                            FloatVector v = FloatVector.fromMemorySegment(S, x, xp + tapOff[t], LE);
                            acc = max ? acc.max(v) : acc.add(v);
                        }
                    } else {
                        for (int i = i0; i < i1; i++)
                            for (int j = 0; j < kw; j++) {
                                int iw = iw0 + j * g.dw();
                                if (iw < 0 || iw >= g.w()) continue;
                                FloatVector v = FloatVector.fromMemorySegment(S, x, xr + (long) iw * VB + (long) i * g.dh() * g.w() * VB, LE);
                                acc = max ? acc.max(v) : acc.add(v);
                            }
                    }
                    if (!max) acc = acc.mul(inv.get(F, ir + o * 4L));
                    acc.intoMemorySegment(y, yr + o * VB, LE);
                }
            }
        }
    }

    /** GlobalAveragePool / GlobalMaxPool: one vector per (image, block), four partial results over the plane. */
    static final class Global implements CompiledKernel, WorkerPool.Job {
        private final int blocks, plane;
        private final boolean max;
        private final NchwcSupport.Split split;
        private final WorkerPool pool;

        Global(int n, int blocks, int plane, boolean max, WorkerPool pool) {
            this.blocks = blocks;
            this.plane = plane;
            this.max = max;
            this.pool = pool;
            split = NchwcSupport.Split.of(n, blocks, 1, 2.0 * n * blocks * L * plane, pool.threads());
        }

        @Override public void run(MemorySegment[] args) {
            if (split.parallel()) pool.run(this, args, split.chunks());
            else for (int c = 0; c < split.chunks(); c++) chunk(args, c);
        }

        @Override public void run(Object ctx, int chunk, int n) { chunk((MemorySegment[]) ctx, chunk); }

        private void chunk(MemorySegment[] args, int chunk) {
            long b = (long) split.image(chunk) * blocks + split.block(chunk);
            MemorySegment x = args[0], y = args[1];
            long xo = b * plane * VB;
            FloatVector a0 = FloatVector.broadcast(S, max ? Float.NEGATIVE_INFINITY : 0f), a1 = a0, a2 = a0, a3 = a0;
            int p = 0;
            for (; p + 4 <= plane; p += 4, xo += 4 * VB) {
                FloatVector v0 = FloatVector.fromMemorySegment(S, x, xo, LE), v1 = FloatVector.fromMemorySegment(S, x, xo + VB, LE);
                FloatVector v2 = FloatVector.fromMemorySegment(S, x, xo + 2 * VB, LE), v3 = FloatVector.fromMemorySegment(S, x, xo + 3 * VB, LE);
                if (max) {
                    a0 = a0.max(v0);
                    a1 = a1.max(v1);
                    a2 = a2.max(v2);
                    a3 = a3.max(v3);
                } else {
                    a0 = a0.add(v0);
                    a1 = a1.add(v1);
                    a2 = a2.add(v2);
                    a3 = a3.add(v3);
                }
            }
            for (; p < plane; p++, xo += VB) {
                FloatVector v = FloatVector.fromMemorySegment(S, x, xo, LE);
                a0 = max ? a0.max(v) : a0.add(v);
            }
            FloatVector r = max ? a0.max(a1).max(a2.max(a3)) : a0.add(a1).add(a2.add(a3)).div((float) plane);
            r.intoMemorySegment(y, b * VB, LE);
        }
    }
}
