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
 * GlobalAveragePool / GlobalMaxPool. Windowed pools run over a {@link PaddedPlane} filled with -inf (max) or
 * 0 (average), four output vectors at a time; an average is the window sum times a per-position 1/count
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
    private static long[] endPads(NodeSpec s, long[] xs, long[] ys, long[] kernel, Window2d g) {
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
    private static MemorySegment inverseCounts(Window2d g, long pb, long pr, boolean countPad) {
        MemorySegment inv = Specs.allocate((long) g.outPlane() * 4);
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

    /** A windowed pool over padded planes, chunks of (image, channel range) on the pool. */
    static final class Windowed implements CompiledKernel, WorkerPool.Job {
        private final Window2d g;
        private final boolean max;
        private final MemorySegment inv;
        private final PaddedPlane plane;
        private final int chunksPerImage, channelsPer;
        private final boolean parallel;
        private final WorkerPool pool;

        Windowed(Window2d g, boolean max, MemorySegment inv, WorkerPool pool) {
            this.g = g;
            this.max = max;
            this.inv = inv;
            this.pool = pool;
            plane = new PaddedPlane(g, g.oh(), (g.ow() + 4 * L - 1) / (4 * L) * (4 * L));
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
            MemorySegment pad = Scratch.get(1, plane.bytes);
            plane.clear(pad, max ? Float.NEGATIVE_INFINITY : 0f);
            long outPlane = (long) g.outPlane() * 4;
            for (int c = c0; c < c1; c++) {
                plane.fill(x, ((long) img * g.c() + c) * g.plane() * 4L, pad);
                long yo = ((long) img * g.c() + c) * outPlane;
                for (int oh = 0; oh < g.oh(); oh++) {
                    long pr = oh * g.sh() * plane.rowBytes, yr = yo + (long) oh * g.ow() * 4;
                    if (max) maxRow(pad, pr, y, yr);
                    else sumRow(pad, pr, y, yr);
                }
                if (!max) scale(y, yo, inv, g.outPlane());
            }
        }

        private void maxRow(MemorySegment pad, long pr, MemorySegment y, long yr) {
            int ow = g.ow(), kh = g.kh(), kw = g.kw();
            long dh = g.dh() * plane.rowBytes, v4 = L * 4L, tile = plane.tile;
            long[] colOff = plane.colOff;
            for (int o = 0; o < ow; o += 4 * L) {
                FloatVector a0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), a1 = a0, a2 = a0, a3 = a0;
                long r = pr + o * 4L;
                for (int i = 0; i < kh; i++, r += dh)
                    for (int j = 0; j < kw; j++) {
                        long a = r + colOff[j];
                        a0 = a0.max(FloatVector.fromMemorySegment(S, pad, a, LE));
                        a1 = a1.max(FloatVector.fromMemorySegment(S, pad, a + v4, LE));
                        a2 = a2.max(FloatVector.fromMemorySegment(S, pad, a + 2 * v4, LE));
                        a3 = a3.max(FloatVector.fromMemorySegment(S, pad, a + 3 * v4, LE));
                    }
                a0.intoMemorySegment(pad, tile, LE);
                a1.intoMemorySegment(pad, tile + v4, LE);
                a2.intoMemorySegment(pad, tile + 2 * v4, LE);
                a3.intoMemorySegment(pad, tile + 3 * v4, LE);
                copy(pad, tile, y, yr + o * 4L, Math.min(ow - o, 4 * L));
            }
        }

        private void sumRow(MemorySegment pad, long pr, MemorySegment y, long yr) {
            int ow = g.ow(), kh = g.kh(), kw = g.kw();
            long dh = g.dh() * plane.rowBytes, v4 = L * 4L, tile = plane.tile;
            long[] colOff = plane.colOff;
            for (int o = 0; o < ow; o += 4 * L) {
                FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                long r = pr + o * 4L;
                for (int i = 0; i < kh; i++, r += dh)
                    for (int j = 0; j < kw; j++) {
                        long a = r + colOff[j];
                        a0 = a0.add(FloatVector.fromMemorySegment(S, pad, a, LE));
                        a1 = a1.add(FloatVector.fromMemorySegment(S, pad, a + v4, LE));
                        a2 = a2.add(FloatVector.fromMemorySegment(S, pad, a + 2 * v4, LE));
                        a3 = a3.add(FloatVector.fromMemorySegment(S, pad, a + 3 * v4, LE));
                    }
                a0.intoMemorySegment(pad, tile, LE);
                a1.intoMemorySegment(pad, tile + v4, LE);
                a2.intoMemorySegment(pad, tile + 2 * v4, LE);
                a3.intoMemorySegment(pad, tile + 3 * v4, LE);
                copy(pad, tile, y, yr + o * 4L, Math.min(ow - o, 4 * L));
            }
        }

        /** y[0, n) = t[0, n). */
        private static void copy(MemorySegment t, long to, MemorySegment y, long yo, int n) {
            for (int i = 0; i < n; i += L) {
                VectorMask<Float> m = S.indexInRange(i, n);
                FloatVector.fromMemorySegment(S, t, to + i * 4L, LE, m).intoMemorySegment(y, yo + i * 4L, LE, m);
            }
        }

        /** y[i] *= inv[i] for i in [0, n). */
        private static void scale(MemorySegment y, long yo, MemorySegment inv, int n) {
            for (int i = 0; i < n; i += L) {
                VectorMask<Float> m = S.indexInRange(i, n);
                FloatVector.fromMemorySegment(S, y, yo + i * 4L, LE, m).mul(FloatVector.fromMemorySegment(S, inv, i * 4L, LE, m))
                        .intoMemorySegment(y, yo + i * 4L, LE, m);
            }
        }
    }
}
