package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.Sgemm.F;
import static org.ge4j.ops.vector.Sgemm.L;
import static org.ge4j.ops.vector.Sgemm.LE;
import static org.ge4j.ops.vector.Sgemm.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.NodeSpec;

/**
 * MaxPool, AveragePool (1-D/2-D NCHW, stride 1 or 2, any kernel, dilations, pads, ceil_mode) and
 * GlobalAveragePool / GlobalMaxPool. Windowed pools read their windows through a {@link PlaneWindow} (margins
 * -inf for max, 0 for average); an average is the window sum times a per-position 1/count
 * computed at compile time (so count_include_pad and the ceil-mode overhang follow the reference exactly).
 */
final class Pooling {
    private Pooling() {}

    static CompiledKernel maxPool(NodeSpec s, OpSchema schema) {
        if (s.outputs().size() > 1 && s.output(1) != null) return null; // Indices wanted
        return windowed(s, true);
    }

    static CompiledKernel averagePool(NodeSpec s, OpSchema schema) { return windowed(s, false); }

    private static CompiledKernel windowed(NodeSpec s, boolean max) {
        if (!Specs.allFloatStatic(s) || s.outputs().size() != 1) return null;
        long[] xs = s.inputShape(0), ys = s.outputShape(0);
        long[] kernel = s.attrs().getInts("kernel_shape", null);
        if (!Specs.fitsInt(xs) || !Specs.fitsInt(ys)) return null;
        Window2d g = Window2d.of(s.attrs(), xs, ys, kernel);
        if (g == null || g.sw() > 2 || ys[1] != xs[1]) return null;
        if (g.n() == 0 || g.c() == 0 || g.outPlane() == 0) return args -> {};
        MemorySegment inv = null;
        if (!max) {
            long[] end = endPads(s, xs, ys, kernel, g);
            if (end == null) return null;
            inv = inverseCounts(g, end[0], end[1], s.attrs().getInt("count_include_pad", 0) != 0);
        }
        return new Windowed(g, max, inv, WorkerPool.shared());
    }

    /** The end pads (bottom, right) the window uses, from the attributes as the reference reads them. */
    static long[] endPads(NodeSpec s, long[] xs, long[] ys, long[] kernel, Window2d g) {
        int sp = xs.length - 2;
        String auto = s.attrs().getString("auto_pad", "NOTSET");
        long[] pads = s.attrs().getInts("pads", new long[2 * sp]);
        long[] e = new long[2];
        int[] in = {g.h(), g.w()}, out = {g.oh(), g.ow()}, st = {g.sh(), g.sw()}, dl = {g.dh(), g.dw()}, k = {g.kh(), g.kw()}, pb = {g.pt(), g.pl()};
        for (int i = 0; i < 2; i++) {
            int j = i - (2 - sp);
            if (j < 0) continue;
            long total = Math.max(0, (long) (out[i] - 1) * st[i] + (long) (k[i] - 1) * dl[i] + 1 - in[i]);
            e[i] = switch (auto) {
                case "SAME_UPPER", "SAME_LOWER" -> total - pb[i];
                case "VALID" -> 0;
                default -> pads.length == 2 * sp ? pads[sp + j] : -1;
            };
            if (e[i] < 0) return null;
        }
        return e;
    }

    /** 1 / (number of window positions counted) for every output position, as the reference counts them. */
    static MemorySegment inverseCounts(Window2d g, long pb, long pr, boolean countPad) {
        MemorySegment inv = Specs.allocate(((long) g.outPlane() + L) * 4); // whole-vector loads past the last position
        for (int oh = 0; oh < g.oh(); oh++)
            for (int ow = 0; ow < g.ow(); ow++) {
                int count = 0;
                for (int i = 0; i < g.kh(); i++)
                    for (int j = 0; j < g.kw(); j++) {
                        long ih = (long) oh * g.sh() - g.pt() + (long) i * g.dh(), iw = (long) ow * g.sw() - g.pl() + (long) j * g.dw();
                        boolean in = ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w();
                        boolean inPad = ih >= -g.pt() && ih < g.h() + pb && iw >= -g.pl() && iw < g.w() + pr;
                        if (countPad ? inPad : in) count++;
                    }
                inv.set(F, ((long) oh * g.ow() + ow) * 4, count == 0 ? Float.NaN : 1f / count);
            }
        return inv;
    }

    /** GlobalAveragePool / GlobalMaxPool: one value per (n, c) plane. */
    static CompiledKernel global(NodeSpec s, boolean max) {
        if (!Specs.allFloatStatic(s)) return null;
        long[] xs = s.inputShape(0);
        if (xs.length < 3 || !Specs.fitsInt(xs)) return null;
        int planes = (int) (xs[0] * xs[1]);
        long plane = Specs.count(xs) / Math.max(1, planes);
        if (plane == 0) return null;
        return args -> {
            MemorySegment x = args[0], y = args[1];
            for (int p = 0; p < planes; p++) y.set(F, p * 4L, reduce(x, p * plane * 4, plane, max));
        };
    }

    /** The mean (or max) of n floats at off. */
    private static float reduce(MemorySegment x, long off, long n, boolean max) {
        FloatVector acc = FloatVector.broadcast(S, max ? Float.NEGATIVE_INFINITY : 0f);
        long i = 0;
        for (; i + L <= n; i += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, off + i * 4, LE);
            acc = max ? acc.max(v) : acc.add(v);
        }
        float r = max ? acc.reduceLanes(VectorOperators.MAX) : acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float v = x.get(F, off + i * 4);
            r = max ? (Float.isNaN(v) || Float.isNaN(r) ? Float.NaN : Math.max(r, v)) : r + v;
        }
        return max ? r : (float) (r / (double) n);
    }

    /**
     * A windowed pool through a {@link PlaneWindow}: flat runs of vectors over a copied plane (margins -inf
     * for max, 0 for average) where the window allows, rows read in place otherwise. Chunks of (image,
     * channel range) on the pool.
     */
    static final class Windowed implements CompiledKernel, WorkerPool.Job {
        private static final long VB = L * 4L;
        private final Window2d g;
        private final boolean max, k3;
        private final float fill;
        private final MemorySegment inv;
        private final PlaneWindow win;
        private final int chunksPerImage, channelsPer;
        private final boolean parallel;
        private final WorkerPool pool;

        Windowed(Window2d g, boolean max, MemorySegment inv, WorkerPool pool) {
            this.g = g;
            this.max = max;
            this.inv = inv;
            this.pool = pool;
            fill = max ? Float.NEGATIVE_INFINITY : 0f;
            win = new PlaneWindow(g, max); // the averages' 1/count table is laid out for unstaged rows
            k3 = max && g.kh() == 3 && g.kw() == 3;
            long work = (long) g.n() * g.c() * g.outPlane() * g.kh() * g.kw();
            int threads = pool.threads();
            int target = threads > 1 && work >= Elementwise.PARALLEL_MIN * 4 ? 2 * threads : 1;
            int per = Math.max(1, Math.min(g.c(), (target + g.n() - 1) / g.n()));
            channelsPer = (g.c() + per - 1) / per;
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
            MemorySegment x = args[0], y = args[1];
            long so = 2 * VB + win.copyFloats * 4L; // the staging buffer after the copy
            MemorySegment buf = Scratch.get(1, so + win.stageFloats() * 4L);
            if (win.flat) win.clear(buf, 2 * VB, fill);
            long outPlane = (long) g.outPlane() * 4;
            int n = win.stage ? win.stageFloats() : g.outPlane();
            for (int c = c0; c < c1; c++) {
                long xo = ((long) img * g.c() + c) * g.plane() * 4L, yo = ((long) img * g.c() + c) * outPlane;
                if (win.flat) {
                    win.copy(x, xo, buf, 2 * VB, buf, 0);
                    MemorySegment out = win.stage ? buf : y;
                    long oo = win.stage ? so : yo;
                    if (k3) flatMax3(buf, 2 * VB, out, oo, n, buf);
                    else flat(buf, 2 * VB, out, oo, n, buf);
                    if (win.stage) win.unstage(buf, so, y, yo);
                } else for (int oh = 0; oh < g.oh(); oh++) row(x, xo, oh, y, yo + (long) oh * g.ow() * 4, buf);
            }
        }

        /** A 3×3 max pool over the copy at byte offset xo of x: three column maxima, masked once each (n outputs). */
        private void flatMax3(MemorySegment x, long xo, MemorySegment y, long yo, int n, MemorySegment buf) {
            int blocks = win.blocks;
            long[] colBits = win.colBits, t = win.tapOff;
            long t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3], t4 = t[4], t5 = t[5], t6 = t[6], t7 = t[7], t8 = t[8];
            FloatVector neg = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int bl = 0; bl < blocks; bl++) {
                long p = (long) bl * L * 4, xp = xo + p;
                FloatVector l = FloatVector.fromMemorySegment(S, x, xp + t0, LE).max(FloatVector.fromMemorySegment(S, x, xp + t3, LE))
                        .max(FloatVector.fromMemorySegment(S, x, xp + t6, LE));
                FloatVector c = FloatVector.fromMemorySegment(S, x, xp + t1, LE).max(FloatVector.fromMemorySegment(S, x, xp + t4, LE))
                        .max(FloatVector.fromMemorySegment(S, x, xp + t7, LE));
                FloatVector r = FloatVector.fromMemorySegment(S, x, xp + t2, LE).max(FloatVector.fromMemorySegment(S, x, xp + t5, LE))
                        .max(FloatVector.fromMemorySegment(S, x, xp + t8, LE));
                long lb = colBits[bl], cb = colBits[blocks + bl], rb = colBits[2 * blocks + bl];
                if (cb != PlaneWindow.FULL) c = neg.blend(c, VectorMask.fromLong(S, cb));
                if (lb != PlaneWindow.FULL) l = neg.blend(l, VectorMask.fromLong(S, lb));
                if (rb != PlaneWindow.FULL) r = neg.blend(r, VectorMask.fromLong(S, rb));
                FloatVector acc = c.max(l).max(r);
                int left = n - bl * L;
                if (left >= L) acc.intoMemorySegment(y, yo + p, LE);
                else if (yo + p + VB <= y.byteSize()) acc.intoMemorySegment(y, yo + p, LE, S.indexInRange(0, left));
                else { // a masked store past the end of y would take the Vector API's slow path
                    acc.intoMemorySegment(buf, 0, LE);
                    MemorySegment.copy(buf, 0, y, yo + p, left * 4L);
                }
            }
        }

        /** Any window over the copy at byte offset xo of x: a max or sum per kernel column, masked once each (n outputs). */
        private void flat(MemorySegment x, long xo, MemorySegment y, long yo, int n, MemorySegment buf) {
            int kh = g.kh(), kw = g.kw(), blocks = win.blocks;
            long[] colBits = win.colBits, tapOff = win.tapOff;
            FloatVector none = FloatVector.broadcast(S, fill);
            for (int bl = 0; bl < blocks; bl++) {
                long p = (long) bl * L * 4, xp = xo + p;
                FloatVector acc = none;
                for (int j = 0; j < kw; j++) {
                    FloatVector part = none;
                    for (int i = 0, t = j; i < kh; i++, t += kw) {
                        FloatVector v = FloatVector.fromMemorySegment(S, x, xp + tapOff[t], LE);
                        part = max ? part.max(v) : part.add(v);
                    }
                    long cb = colBits[j * blocks + bl];
                    if (cb != PlaneWindow.FULL) part = none.blend(part, VectorMask.fromLong(S, cb));
                    acc = max ? acc.max(part) : acc.add(part);
                }
                int left = n - bl * L;
                if (left >= L) {
                    if (!max) acc = acc.mul(FloatVector.fromMemorySegment(S, inv, p, LE));
                    acc.intoMemorySegment(y, yo + p, LE);
                } else {
                    if (!max) acc = acc.mul(FloatVector.fromMemorySegment(S, inv, p, LE));
                    if (yo + p + VB <= y.byteSize()) acc.intoMemorySegment(y, yo + p, LE, S.indexInRange(0, left));
                    else {
                        acc.intoMemorySegment(buf, 0, LE);
                        MemorySegment.copy(buf, 0, y, yo + p, left * 4L);
                    }
                }
            }
        }

        /** Output row oh of one channel read in place, vectors of L outputs; the row ends through scratch. */
        private void row(MemorySegment x, long xo, int oh, MemorySegment y, long yr, MemorySegment buf) {
            int ow = g.ow(), kh = g.kh(), kw = g.kw(), iw = g.w(), sw = g.sw(), dw = g.dw();
            FloatVector none = FloatVector.broadcast(S, fill);
            for (int o = 0; o < ow; o += L) {
                int c0 = o * sw - g.pl();
                    FloatVector acc = none;
                for (int i = 0; i < kh; i++) {
                    int ih = oh * g.sh() - g.pt() + i * g.dh();
                    if (ih < 0 || ih >= g.h()) continue;
                    long r = xo + (long) ih * iw * 4;
                    for (int j = 0, c = c0; j < kw; j++, c += dw) {
                        PlaneWindow.rowTap(x, r, c, iw, sw, buf, fill);
                        FloatVector v = FloatVector.fromMemorySegment(S, buf, 0, LE);
                        acc = max ? acc.max(v) : acc.add(v);
                    }
                }
                long yo = yr + o * 4L, io = ((long) oh * ow + o) * 4;
                int left = ow - o;
                if (left >= L) {
                    if (!max) acc = acc.mul(FloatVector.fromMemorySegment(S, inv, io, LE));
                    acc.intoMemorySegment(y, yo, LE);
                } else {
                    if (!max) acc = acc.mul(FloatVector.fromMemorySegment(S, inv, io, LE));
                    if (yo + VB <= y.byteSize()) acc.intoMemorySegment(y, yo, LE, S.indexInRange(0, left));
                    else {
                        acc.intoMemorySegment(buf, 0, LE);
                        MemorySegment.copy(buf, 0, y, yo, left * 4L);
                    }
                }
            }
        }
    }
}
