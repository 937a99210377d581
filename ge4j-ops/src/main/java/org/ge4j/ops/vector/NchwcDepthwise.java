package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.NchwcSupport.VB;
import static org.ge4j.ops.vector.Sgemm.L;
import static org.ge4j.ops.vector.Sgemm.LE;
import static org.ge4j.ops.vector.Sgemm.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.NodeSpec;

/**
 * {@code ge4j::BlockedConv}, depthwise (group = C = M) on a blocked input: one vector is the L channels of one
 * position, so an output vector is the sum over the taps of an input vector times the tap's weight vector
 * (weights packed at compile time into [C/L][kH][kW][L]). Small planes are first copied into scratch between
 * zero margins, so that every position is an interior one (3×3: one loop over all the chunk's positions, {@link #flat3}).
 * Interior positions run without bounds checks (3×3: two positions at a time, the nine weights in registers, each
 * position's sum split by kernel row); the border positions check each tap. Bias, residual and Relu/Clip are applied on the
 * store, other activations by a pass over each finished row; the padding lanes are stored as zero.
 * Chunks of (image, channel block, output rows) run on the pool.
 */
final class NchwcDepthwise implements CompiledKernel, WorkerPool.Job {
    private final Window2d g;
    private final Act act;
    private final boolean clamp, k3;
    private final float lo, hi;
    private final int zArg, yArg, taps, blocks;
    private final MemorySegment w, bias;
    private final long[] tapOff;
    /** Small planes: the width of the zero-margined copy (0: read in place) and the taps' offsets in it. */
    private final int padW;
    private final long[] tapPad;
    /** Planes whose margined copy takes at most this many bytes are copied ({@code -Dge4j.nchwc.dwPadded=false}: never). */
    static final long PADDED_MAX = 64 << 10;
    /**
     * Whether strided planes are copied too ({@code -Dge4j.nchwc.dwPaddedStrided=false}: stride 1 only). With the
     * copy's rows in {@link #flat3} (one loop per chunk) mobilenet_v2's 576 @14 s2 ran at 27 GFLOP/s hot, 11 cold,
     * against 22 and 8 with the borders checked in place, 192 @28 s2 27 | 12 against 26 | 7.5 (BENCHMARKS.md, session 8).
     */
    static final boolean STRIDED = !"false".equals(System.getProperty("ge4j.nchwc.dwPaddedStrided"));
    static boolean padded = !"false".equals(System.getProperty("ge4j.nchwc.dwPadded")); // tests switch it to reach both paths
    private final NchwcSupport.Split split;
    private final WorkerPool pool;

    static CompiledKernel compile(NodeSpec s) {
        Act act = Act.ofFusedAttrs(s.attrs());
        long[] xs = s.inputShape(0), ws = s.inputShape(1), ys = s.outputShape(0);
        if (act == null || xs.length != 5 || ws.length != 4 || ys.length != 5 || ws[1] != 1 || s.attrs().getInt("group", 1) != ws[0]) return null;
        Tensor wt = s.constant(1), bt = s.input(2) != null ? s.constant(2) : null;
        if (wt == null || s.input(2) != null && bt == null) return null;
        int zArg = s.input(3) != null ? 3 : -1;
        if (zArg >= 0 && !java.util.Arrays.equals(s.inputShape(3), ys)) return null;
        Window2d g = NchwcSupport.window(s, xs, ws[0], ys, ws[0], new long[] {ws[2], ws[3]});
        if (g == null || xs[1] != NchwcSupport.blocks(g.c()) || ys[1] != xs[1]) return null;
        if (g.n() == 0 || g.outPlane() == 0) return args -> {};
        return of(g, act, zArg, s.inputs().size(), wt, bt, WorkerPool.shared());
    }

    /** The kernel of window g (depthwise: C = M) with constant weights wt [C, 1, kH, kW] and bias bt (or null); Z at zArg (-1: none). */
    static NchwcDepthwise of(Window2d g, Act act, int zArg, int yArg, Tensor wt, Tensor bt, WorkerPool pool) {
        return new NchwcDepthwise(g, act, zArg, yArg, NchwcSupport.packWeights(wt, (long) g.kh() * g.kw() * VB), NchwcSupport.packBias(bt, g.c()), pool);
    }

    private NchwcDepthwise(Window2d g, Act act, int zArg, int yArg, MemorySegment w, MemorySegment bias, WorkerPool pool) {
        this.g = g;
        this.act = act;
        clamp = NchwcSupport.clamps(act);
        lo = NchwcSupport.lo(act);
        hi = NchwcSupport.hi(act);
        this.zArg = zArg;
        this.yArg = yArg;
        this.w = w;
        this.bias = bias;
        this.pool = pool;
        taps = g.kh() * g.kw();
        blocks = NchwcSupport.blocks(g.c());
        k3 = g.kh() == 3 && g.kw() == 3;
        tapOff = NchwcSupport.tapOffsets(g);
        int width = Math.max(g.pl() + g.w(), (g.ow() - 1) * g.sw() + (g.kw() - 1) * g.dw() + 1);
        long copy = ((long) (g.oh() - 1) * g.sh() + (long) (g.kh() - 1) * g.dh() + 1) * width * VB;
        padW = padded && (STRIDED || g.sh() == 1 && g.sw() == 1) && copy <= PADDED_MAX ? width : 0;
        tapPad = NchwcSupport.tapOffsets(g, padW);
        double flops = 2.0 * g.n() * blocks * L * g.outPlane() * taps;
        split = NchwcSupport.Split.of(g.n(), blocks, g.oh(), flops, pool.threads(), NchwcSupport.Split.MEMORY_BOUND_MIN_FLOPS);
    }

    @Override public void run(MemorySegment[] args) {
        if (split.parallel()) pool.run(this, args, split.chunks());
        else for (int c = 0; c < split.chunks(); c++) chunk(args, c);
    }

    @Override public void run(Object ctx, int chunk, int n) { chunk((MemorySegment[]) ctx, chunk); }

    private void chunk(MemorySegment[] args, int chunk) {
        if (padW > 0) {
            paddedChunk(args, chunk);
            return;
        }
        int img = split.image(chunk), cb = split.block(chunk);
        MemorySegment x = args[0], y = args[yArg], z = zArg >= 0 ? args[zArg] : null;
        if (z == MemorySegment.NULL) z = null;
        long xo = ((long) img * blocks + cb) * g.plane() * VB, yo = ((long) img * blocks + cb) * g.outPlane() * VB;
        int ow = g.ow(), sw = g.sw(), pl = g.pl();
        int owA = NchwcSupport.firstInside(ow, sw, pl, 0), owB = NchwcSupport.endInside(ow, sw, pl, (g.kw() - 1) * g.dw(), g.w(), owA);
        // masks are passed as lane counts: a mask handed to a method C2 does not inline would be boxed
        int pad = g.c() - cb * L;
        for (int oh = split.row0(chunk); oh < split.row1(chunk); oh++) {
            int ihBase = oh * g.sh() - g.pt();
            int i0 = NchwcSupport.kernelStart(ihBase, g.dh(), g.kh()), i1 = NchwcSupport.kernelEnd(ihBase, g.dh(), g.kh(), g.h());
            long yr = yo + (long) oh * ow * VB;
            long xr = xo + (long) ihBase * g.w() * VB; // may point before the plane: only valid rows are read
            int o = 0;
            for (; o < owA; o++) edge(x, xr, o, i0, i1, cb, y, yr + o * VB, z, pad);
            if (k3 && i0 == 0 && i1 == 3) o = interior3(x, xr, tapOff, 0, 3, owA, owB, cb, y, yr, z, pad); // edge rows: interior() reads valid kernel rows only
            for (; o < owB; o++) interior(x, xr, tapOff, o, i0, i1, cb, y, yr + o * VB, z, pad);
            for (; o < ow; o++) edge(x, xr, o, i0, i1, cb, y, yr + o * VB, z, pad);
            if (!clamp) activate(y, yr, pad);
        }
    }

    /** A non-clamp activation over a finished output row, then its padding lanes (lanes and up) zeroed again. */
    private void activate(MemorySegment y, long yr, int lanes) {
        act.apply(y, yr, y, yr, (long) g.ow() * L);
        if (lanes < L) {
            VectorMask<Float> m = S.indexInRange(0, lanes).not();
            for (int o = 0; o < g.ow(); o++) FloatVector.zero(S).intoMemorySegment(y, yr + o * VB, LE, m);
        }
    }

    /**
     * A chunk of a small plane: the input rows it reads are copied into scratch between zero margins, so that
     * every output position is an interior one.
     */
    private void paddedChunk(MemorySegment[] args, int chunk) {
        int img = split.image(chunk), cb = split.block(chunk), r0 = split.row0(chunk), r1 = split.row1(chunk);
        MemorySegment x = args[0], y = args[yArg], z = zArg >= 0 ? args[zArg] : null;
        if (z == MemorySegment.NULL) z = null;
        long xo = ((long) img * blocks + cb) * g.plane() * VB, yo = ((long) img * blocks + cb) * g.outPlane() * VB;
        int ihLo = r0 * g.sh() - g.pt(), rows = (r1 - 1) * g.sh() + (g.kh() - 1) * g.dh() + 1 - r0 * g.sh();
        int pl = g.pl(), iw = g.w(), right = padW - pl - iw;
        long rs = (long) padW * VB;
        MemorySegment buf = Scratch.get(1, rows * rs);
        FloatVector zero = FloatVector.zero(S);
        for (int r = 0; r < rows; r++) {
            int ih = ihLo + r;
            long d = r * rs;
            if (ih < 0 || ih >= g.h()) {
                for (int q = 0; q < padW; q++) zero.intoMemorySegment(buf, d + q * VB, LE);
                continue;
            }
            for (int q = 0; q < pl; q++) zero.intoMemorySegment(buf, d + q * VB, LE);
            MemorySegment.copy(x, xo + (long) ih * iw * VB, buf, d + pl * VB, iw * VB);
            for (int q = 0; q < right; q++) zero.intoMemorySegment(buf, d + (pl + iw + q) * VB, LE);
        }
        if (k3 && FLAT) {
            flat3(buf, pl * VB, g.sh() * rs, tapPad, r1 - r0, cb, y, yo + (long) r0 * g.ow() * VB, z, g.c() - cb * L);
            if (!clamp) for (int oh = r0; oh < r1; oh++) activate(y, yo + (long) oh * g.ow() * VB, g.c() - cb * L);
            return;
        }
        for (int oh = r0; oh < r1; oh++)
            paddedRow(buf, (long) (oh - r0) * g.sh() * rs + pl * VB, tapPad, cb, y, yo + (long) oh * g.ow() * VB, z);
    }

    /**
     * {@code -Dge4j.nchwc.dwFlat=false}: the padded 3×3 rows, a chunk's and the fused pointwise-depthwise kernel's
     * ({@link #paddedRow}), run {@link #interior3} row by row (for measuring).
     */
    static final boolean FLAT = !"false".equals(System.getProperty("ge4j.nchwc.dwFlat"));

    /**
     * nrows output rows (the first at yr in y, the others after it) of a zero-margined copy, whole 3×3 windows:
     * row r's position 0 window starts at {@code xr + r·rowStep - pl·VB} in x, its taps at the offsets t. One loop
     * over all the rows' positions, the column carried as a counter: a loop per row was set up by C2 at each entry
     * (its bounds checks' limits, a pre-loop) at about the cost of a 14-position row (BENCHMARKS.md, session 8).
     */
    private void flat3(MemorySegment x, long xr, long rowStep, long[] t, int nrows, int cb, MemorySegment y, long yr, MemorySegment z, int lanes) {
        VectorMask<Float> pad = S.indexInRange(0, lanes).not();
        long wo = (long) cb * 9 * VB;
        FloatVector w0 = FloatVector.fromMemorySegment(S, w, wo, LE), w1 = FloatVector.fromMemorySegment(S, w, wo + VB, LE);
        FloatVector w2 = FloatVector.fromMemorySegment(S, w, wo + 2 * VB, LE), w3 = FloatVector.fromMemorySegment(S, w, wo + 3 * VB, LE);
        FloatVector w4 = FloatVector.fromMemorySegment(S, w, wo + 4 * VB, LE), w5 = FloatVector.fromMemorySegment(S, w, wo + 5 * VB, LE);
        FloatVector w6 = FloatVector.fromMemorySegment(S, w, wo + 6 * VB, LE), w7 = FloatVector.fromMemorySegment(S, w, wo + 7 * VB, LE);
        FloatVector w8 = FloatVector.fromMemorySegment(S, w, wo + 8 * VB, LE);
        FloatVector bv = FloatVector.fromMemorySegment(S, bias, cb * VB, LE);
        long t1 = t[1], t2 = t[2], t3 = t[3], t4 = t[4], t5 = t[5], t6 = t[6], t7 = t[7], t8 = t[8];
        int ow = g.ow();
        long step = g.sw() * VB, skip = rowStep - ow * step, xp = xr - g.pl() * VB, yp = yr;
        for (int q = 0, o = 0, n = nrows * ow; q < n; q++, yp += VB) {
            FloatVector a = FloatVector.fromMemorySegment(S, x, xp, LE).fma(w0, bv);
            FloatVector b = FloatVector.fromMemorySegment(S, x, xp + t3, LE).mul(w3);
            FloatVector c = FloatVector.fromMemorySegment(S, x, xp + t6, LE).mul(w6);
            a = FloatVector.fromMemorySegment(S, x, xp + t1, LE).fma(w1, a);
            b = FloatVector.fromMemorySegment(S, x, xp + t4, LE).fma(w4, b);
            c = FloatVector.fromMemorySegment(S, x, xp + t7, LE).fma(w7, c);
            a = FloatVector.fromMemorySegment(S, x, xp + t2, LE).fma(w2, a);
            b = FloatVector.fromMemorySegment(S, x, xp + t5, LE).fma(w5, b);
            c = FloatVector.fromMemorySegment(S, x, xp + t8, LE).fma(w8, c);
            FloatVector s = a.add(b).add(c);
            if (z != null) s = s.add(FloatVector.fromMemorySegment(S, z, yp, LE));
            // the clamp as NchwcSupport.clamp, written out: a call C2 does not inline here would box the vectors
            s.blend(lo, s.lt(lo)).blend(hi, s.compare(VectorOperators.GT, hi)).blend(0f, pad).intoMemorySegment(y, yp, LE);
            xp += step;
            if (++o == ow) {
                o = 0;
                xp += skip;
            }
        }
    }

    /**
     * One output row (at yr in y) of channel block cb from a zero-margined copy of its input rows: position 0's
     * window starts at {@code xr - pl·VB} in buf, its taps at the offsets t (every position an interior one).
     */
    void paddedRow(MemorySegment buf, long xr, long[] t, int cb, MemorySegment y, long yr, MemorySegment z) {
        int pad = g.c() - cb * L, ow = g.ow();
        if (k3 && FLAT) {
            flat3(buf, xr, 0, t, 1, cb, y, yr, z, pad);
            if (!clamp) activate(y, yr, pad);
            return;
        }
        int o = k3 ? interior3(buf, xr, t, 0, 3, 0, ow, cb, y, yr, z, pad) : 0;
        for (; o < ow; o++) interior(buf, xr, t, o, 0, g.kh(), cb, y, yr + o * VB, z, pad);
        if (!clamp) activate(y, yr, pad);
    }

    /** Output positions [o0, o1) of a row whose whole 3×3 window is inside the input, two at a time; returns where it stopped. */
    private int interior3(MemorySegment x, long xr, long[] t, int i0, int i1, int o0, int o1, int cb, MemorySegment y, long yr, MemorySegment z, int lanes) {
        VectorMask<Float> pad = S.indexInRange(0, lanes).not();
        // a kernel row outside the input would take the zero weights after the packed ones and read the first
        // valid row instead; the callers pass whole windows only (0, 3), since an infinite input in that row
        // would give NaN where the convolution gives an infinity
        long zw = (long) blocks * 9 * VB, wo = (long) cb * 9 * VB;
        long wa = i0 <= 0 ? wo : zw, wb = i0 <= 1 && i1 > 1 ? wo + 3 * VB : zw, wc = i1 > 2 ? wo + 6 * VB : zw;
        FloatVector w0 = FloatVector.fromMemorySegment(S, w, wa, LE), w1 = FloatVector.fromMemorySegment(S, w, wa + VB, LE);
        FloatVector w2 = FloatVector.fromMemorySegment(S, w, wa + 2 * VB, LE), w3 = FloatVector.fromMemorySegment(S, w, wb, LE);
        FloatVector w4 = FloatVector.fromMemorySegment(S, w, wb + VB, LE), w5 = FloatVector.fromMemorySegment(S, w, wb + 2 * VB, LE);
        FloatVector w6 = FloatVector.fromMemorySegment(S, w, wc, LE), w7 = FloatVector.fromMemorySegment(S, w, wc + VB, LE);
        FloatVector w8 = FloatVector.fromMemorySegment(S, w, wc + 2 * VB, LE);
        FloatVector bv = FloatVector.fromMemorySegment(S, bias, cb * VB, LE);
        long valid = t[3 * i0]; // the first valid kernel row's offset
        long r0 = i0 <= 0 ? 0 : valid, r1 = i0 <= 1 && i1 > 1 ? t[3] : valid, r2 = i1 > 2 ? t[6] : valid;
        long t0 = r0, t1 = r0 + t[1], t2 = r0 + t[2], t3 = r1, t4 = r1 + t[1], t5 = r1 + t[2], t6 = r2, t7 = r2 + t[1], t8 = r2 + t[2];
        long step = g.sw() * VB;
        long xp = xr + ((long) o0 * g.sw() - g.pl()) * VB;
        int o = o0;
        for (; o + 2 <= o1; o += 2, xp += 2 * step) {
            long xq = xp + step;
            FloatVector a0 = FloatVector.fromMemorySegment(S, x, xp + t0, LE).fma(w0, bv);
            FloatVector b0 = FloatVector.fromMemorySegment(S, x, xp + t3, LE).mul(w3);
            FloatVector c0 = FloatVector.fromMemorySegment(S, x, xp + t6, LE).mul(w6);
            FloatVector a1 = FloatVector.fromMemorySegment(S, x, xq + t0, LE).fma(w0, bv);
            FloatVector b1 = FloatVector.fromMemorySegment(S, x, xq + t3, LE).mul(w3);
            FloatVector c1 = FloatVector.fromMemorySegment(S, x, xq + t6, LE).mul(w6);
            a0 = FloatVector.fromMemorySegment(S, x, xp + t1, LE).fma(w1, a0);
            b0 = FloatVector.fromMemorySegment(S, x, xp + t4, LE).fma(w4, b0);
            c0 = FloatVector.fromMemorySegment(S, x, xp + t7, LE).fma(w7, c0);
            a1 = FloatVector.fromMemorySegment(S, x, xq + t1, LE).fma(w1, a1);
            b1 = FloatVector.fromMemorySegment(S, x, xq + t4, LE).fma(w4, b1);
            c1 = FloatVector.fromMemorySegment(S, x, xq + t7, LE).fma(w7, c1);
            a0 = FloatVector.fromMemorySegment(S, x, xp + t2, LE).fma(w2, a0);
            b0 = FloatVector.fromMemorySegment(S, x, xp + t5, LE).fma(w5, b0);
            c0 = FloatVector.fromMemorySegment(S, x, xp + t8, LE).fma(w8, c0);
            a1 = FloatVector.fromMemorySegment(S, x, xq + t2, LE).fma(w2, a1);
            b1 = FloatVector.fromMemorySegment(S, x, xq + t5, LE).fma(w5, b1);
            c1 = FloatVector.fromMemorySegment(S, x, xq + t8, LE).fma(w8, c1);
            FloatVector s0 = a0.add(b0).add(c0), s1 = a1.add(b1).add(c1);
            long yp = yr + o * VB;
            if (z != null) {
                s0 = s0.add(FloatVector.fromMemorySegment(S, z, yp, LE));
                s1 = s1.add(FloatVector.fromMemorySegment(S, z, yp + VB, LE));
            }
            // the clamp as NchwcSupport.clamp, written out: a call C2 does not inline here would box the vectors
            s0.blend(lo, s0.lt(lo)).blend(hi, s0.compare(VectorOperators.GT, hi)).blend(0f, pad).intoMemorySegment(y, yp, LE);
            s1.blend(lo, s1.lt(lo)).blend(hi, s1.compare(VectorOperators.GT, hi)).blend(0f, pad).intoMemorySegment(y, yp + VB, LE);
        }
        return o;
    }

    /** Output position o of a row, every column of the window inside the input; kernel rows [i0, i1). */
    private void interior(MemorySegment x, long xr, long[] tt, int o, int i0, int i1, int cb, MemorySegment y, long yp, MemorySegment z, int lanes) {
        VectorMask<Float> pad = S.indexInRange(0, lanes).not();
        int kw = g.kw();
        long xp = xr + ((long) o * g.sw() - g.pl()) * VB, wo = (long) cb * taps * VB;
        FloatVector acc = FloatVector.fromMemorySegment(S, bias, cb * VB, LE);
        for (int t = i0 * kw, end = i1 * kw; t < end; t++)
            acc = FloatVector.fromMemorySegment(S, x, xp + tt[t], LE).fma(FloatVector.fromMemorySegment(S, w, wo + t * VB, LE), acc);
        if (z != null) acc = acc.add(FloatVector.fromMemorySegment(S, z, yp, LE));
        acc.max(lo).min(hi).blend(0f, pad).intoMemorySegment(y, yp, LE);
    }

    /** Output position o of a row with some window columns outside the input; kernel rows [i0, i1). */
    private void edge(MemorySegment x, long xr, int o, int i0, int i1, int cb, MemorySegment y, long yp, MemorySegment z, int lanes) {
        VectorMask<Float> pad = S.indexInRange(0, lanes).not();
        int kw = g.kw(), iw0 = o * g.sw() - g.pl();
        long wo = (long) cb * taps * VB;
        FloatVector acc = FloatVector.fromMemorySegment(S, bias, cb * VB, LE);
        for (int i = i0; i < i1; i++)
            for (int j = 0; j < kw; j++) {
                int iw = iw0 + j * g.dw();
                if (iw < 0 || iw >= g.w()) continue;
                int t = i * kw + j;
                acc = FloatVector.fromMemorySegment(S, x, xr + (long) iw * VB + tapOff[t] - (long) j * g.dw() * VB, LE)
                        .fma(FloatVector.fromMemorySegment(S, w, wo + t * VB, LE), acc);
            }
        if (z != null) acc = acc.add(FloatVector.fromMemorySegment(S, z, yp, LE));
        acc.max(lo).min(hi).blend(0f, pad).intoMemorySegment(y, yp, LE);
    }
}
