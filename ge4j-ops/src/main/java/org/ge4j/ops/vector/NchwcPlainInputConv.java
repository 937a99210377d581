package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.NchwcSupport.VB;
import static org.ge4j.ops.vector.Sgemm.F;
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
 * {@code ge4j::BlockedConv} with a plain NCHW input (input_blocked = 0, group 1) and a blocked output: the
 * networks' stems, a few input channels into 32 or 64. The accumulators are vectors over L output channels:
 * two output blocks times six output positions of a row; for each input channel and tap the input scalar is
 * broadcast and multiplied with the two weight vectors (packed at compile time into [M/L][kH][C][kW][L], the taps of the kernel rows inside the input one run).
 * Only the kernel rows inside the input are visited; positions whose window leaves the input columns take a
 * checked path. The bias starts the sums; residual, Relu/Clip and other activations are applied over each finished
 * row; the padding lanes are stored as zero. Chunks of (image, pair of output blocks, output rows).
 */
final class NchwcPlainInputConv implements CompiledKernel, WorkerPool.Job {
    private static final int P = 6;
    private final Window2d g;
    private final Act act;
    private final boolean clamp;
    private final float lo, hi;
    private final int m, zArg, yArg, blocks, k;
    /**
     * Relu, Clip or none with a bound on each side of zero (or no padding lanes), no residual input: the two-block
     * path's {@link #six} clamps as it stores and the epilogue runs over the row's edge positions only (the padding
     * lanes of its sums are zero: zero weights and bias). Measured (mobilenet_v2's stem, 3 → 32 3×3 s2 at 224×224,
     * Clip 0..6, 1 thread, hot, thread CPU time): 328 → 310-317 µs.
     */
    private final boolean sixClamps;
    /** The bounds {@link #six} clamps to: lo and hi when {@link #sixClamps}, else infinite (raw sums). */
    private final float klo, khi;
    /** Four output blocks at a time (four times four positions): M a multiple of 4 L. */
    private final boolean quad;
    static final boolean QUADS = !"false".equals(System.getProperty("ge4j.nchwc.stemQuads"));
    /** {@code -Dge4j.nchwc.stemClamp=false}: {@link #six} stores raw sums always, the epilogue clamps (for measuring). */
    static final boolean SIX_CLAMPS = !"false".equals(System.getProperty("ge4j.nchwc.stemClamp"));
    private final MemorySegment w, bias;
    /** Taps in (kernel row, input channel, kernel column) order: input byte offset from (channel 0, window corner). */
    private final long[] tapX;
    /** Taps per kernel row (C kW): the taps of kernel rows [i0, i1) are [i0 rowTaps, i1 rowTaps). */
    private final int rowTaps;
    private final NchwcSupport.Split split;
    private final WorkerPool pool;

    static CompiledKernel compile(NodeSpec s) {
        Act act = Act.ofFusedAttrs(s.attrs());
        long[] xs = s.inputShape(0), ws = s.inputShape(1), ys = s.outputShape(0);
        if (act == null || xs.length != 4 || ws.length != 4 || ys.length != 5 || ws[1] != xs[1]) return null;
        Tensor wt = s.constant(1), bt = s.input(2) != null ? s.constant(2) : null;
        if (wt == null || s.input(2) != null && bt == null) return null;
        int zArg = s.input(3) != null ? 3 : -1;
        if (zArg >= 0 && !java.util.Arrays.equals(s.inputShape(3), ys)) return null;
        Window2d g = NchwcSupport.window(s, xs, xs[1], ys, ws[0], new long[] {ws[2], ws[3]});
        if (g == null || ys[1] != NchwcSupport.blocks(ws[0])) return null;
        if (g.n() == 0 || g.outPlane() == 0) return args -> {};
        return new NchwcPlainInputConv(g, (int) ws[0], act, zArg, s.inputs().size(), pack(wt), NchwcSupport.packBias(bt, (int) ws[0]),
                WorkerPool.shared());
    }

    /** W [M, C, kH, kW] as [M/L][kH][C][kW][L] (the taps in {@link #tapX}'s order; lanes past M zero). */
    private static MemorySegment pack(Tensor wt) {
        long[] ws = wt.shape();
        int m = (int) ws[0], c = (int) ws[1], kh = (int) ws[2], kw = (int) ws[3], k = c * kh * kw;
        MemorySegment p = Specs.allocate((long) NchwcSupport.blocks(m) * k * VB), src = wt.segment();
        for (int o = 0; o < m; o++)
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++)
                        p.set(F, ((long) (o / L) * k + (i * c + ch) * kw + j) * VB + (o % L) * 4L, src.get(F, (((long) o * c + ch) * kh + i) * kw * 4 + j * 4L));
        return p;
    }

    private NchwcPlainInputConv(Window2d g, int m, Act act, int zArg, int yArg, MemorySegment w, MemorySegment bias, WorkerPool pool) {
        this.g = g;
        this.m = m;
        this.act = act;
        clamp = NchwcSupport.clamps(act);
        lo = NchwcSupport.lo(act);
        hi = NchwcSupport.hi(act);
        sixClamps = SIX_CLAMPS && clamp && zArg < 0 && (m % L == 0 || lo <= 0 && hi >= 0);
        klo = sixClamps ? lo : Float.NEGATIVE_INFINITY;
        khi = sixClamps ? hi : Float.POSITIVE_INFINITY;
        this.zArg = zArg;
        this.yArg = yArg;
        this.w = w;
        this.bias = bias;
        this.pool = pool;
        blocks = NchwcSupport.blocks(m);
        k = g.c() * g.kh() * g.kw();
        rowTaps = g.c() * g.kw();
        tapX = new long[k];
        for (int i = 0; i < g.kh(); i++)
            for (int c = 0; c < g.c(); c++)
                for (int j = 0; j < g.kw(); j++)
                    tapX[(i * g.c() + c) * g.kw() + j] = ((long) c * g.plane() + (long) i * g.dh() * g.w() + (long) j * g.dw()) * 4;
        double flops = 2.0 * g.n() * m * g.outPlane() * k;
        quad = QUADS && blocks % 4 == 0;
        split = NchwcSupport.Split.of(g.n(), quad ? blocks / 4 : (blocks + 1) / 2, g.oh(), flops, pool.threads());
    }

    @Override public void run(MemorySegment[] args) {
        if (split.parallel()) pool.run(this, args, split.chunks());
        else for (int c = 0; c < split.chunks(); c++) chunk(args, c);
    }

    @Override public void run(Object ctx, int chunk, int n) { chunk((MemorySegment[]) ctx, chunk); }

    private void chunk(MemorySegment[] args, int chunk) {
        if (quad) {
            quadChunk(args, chunk);
            return;
        }
        int img = split.image(chunk), b0 = 2 * split.block(chunk);
        boolean two = b0 + 1 < blocks;
        int b1 = two ? b0 + 1 : b0; // a lone last block is computed twice and stored once
        MemorySegment x = args[0], y = args[yArg], z = zArg >= 0 ? args[zArg] : null;
        if (z == MemorySegment.NULL) z = null;
        int ow = g.ow(), sw = g.sw(), pl = g.pl();
        int owA = NchwcSupport.firstInside(ow, sw, pl, 0), owB = NchwcSupport.endInside(ow, sw, pl, (g.kw() - 1) * g.dw(), g.w(), owA);
        int pad0 = m - b0 * L, pad1 = m - b1 * L; // lane counts: a mask handed to a method C2 does not inline would be boxed
        boolean inKernel = sixClamps;
        long xi = (long) img * g.c() * g.plane() * 4;
        long y0 = ((long) img * blocks + b0) * g.outPlane() * VB, y1 = ((long) img * blocks + b1) * g.outPlane() * VB;
        for (int oh = split.row0(chunk); oh < split.row1(chunk); oh++) {
            int ihBase = oh * g.sh() - g.pt();
            int i0 = NchwcSupport.kernelStart(ihBase, g.dh(), g.kh()), i1 = NchwcSupport.kernelEnd(ihBase, g.dh(), g.kh(), g.h());
            long r0 = y0 + (long) oh * ow * VB, r1 = y1 + (long) oh * ow * VB;
            int o = 0;
            for (; o < owA; o++) edge(x, xi, ihBase, o, i0, i1, b0, b1, two, y, r0, r1);
            int s0 = o;
            for (; o + P <= owB; o += P) six(x, xi, ihBase, o, i0, i1, b0, b1, two, y, r0, r1);
            int s1 = o;
            for (; o < ow; o++) edge(x, xi, ihBase, o, i0, i1, b0, b1, two, y, r0, r1);
            if (inKernel) { // the epilogue over the edge positions only
                finish(y, r0, null, pad0, 0, s0);
                finish(y, r0, null, pad0, s1, ow);
                if (two) {
                    finish(y, r1, null, pad1, 0, s0);
                    finish(y, r1, null, pad1, s1, ow);
                }
            } else {
                finish(y, r0, z, pad0, 0, ow);
                if (two) finish(y, r1, z, pad1, 0, ow);
            }
        }
    }

    /** A chunk of four output blocks. */
    private void quadChunk(MemorySegment[] args, int chunk) {
        int img = split.image(chunk), b0 = 4 * split.block(chunk);
        MemorySegment x = args[0], y = args[yArg], z = zArg >= 0 ? args[zArg] : null;
        if (z == MemorySegment.NULL) z = null;
        int ow = g.ow(), sw = g.sw(), pl = g.pl();
        int owA = NchwcSupport.firstInside(ow, sw, pl, 0), owB = NchwcSupport.endInside(ow, sw, pl, (g.kw() - 1) * g.dw(), g.w(), owA);
        long xi = (long) img * g.c() * g.plane() * 4;
        long bs = (long) g.outPlane() * VB, y0 = ((long) img * blocks + b0) * bs;
        for (int oh = split.row0(chunk); oh < split.row1(chunk); oh++) {
            int ihBase = oh * g.sh() - g.pt();
            int i0 = NchwcSupport.kernelStart(ihBase, g.dh(), g.kh()), i1 = NchwcSupport.kernelEnd(ihBase, g.dh(), g.kh(), g.h());
            long r0 = y0 + (long) oh * ow * VB;
            int o = 0;
            for (; o < owA; o++) {
                edge(x, xi, ihBase, o, i0, i1, b0, b0 + 1, true, y, r0, r0 + bs);
                edge(x, xi, ihBase, o, i0, i1, b0 + 2, b0 + 3, true, y, r0 + 2 * bs, r0 + 3 * bs);
            }
            for (; o + 4 <= owB; o += 4) four(x, xi, ihBase, o, i0, i1, b0, y, r0, bs);
            for (; o < ow; o++) {
                edge(x, xi, ihBase, o, i0, i1, b0, b0 + 1, true, y, r0, r0 + bs);
                edge(x, xi, ihBase, o, i0, i1, b0 + 2, b0 + 3, true, y, r0 + 2 * bs, r0 + 3 * bs);
            }
            for (int b = 0; b < 4; b++) finish(y, r0 + b * bs, z, m - (b0 + b) * L, 0, ow);
        }
    }

    /** Four output positions o.. of a row whose windows lie inside the input columns, four output blocks (bs bytes apart in y). */
    private void four(MemorySegment x, long xi, int ihBase, int o, int i0, int i1, int b0, MemorySegment y, long r0, long bs) {
        long sx = g.sw() * 4L;
        FloatVector a0 = FloatVector.fromMemorySegment(S, bias, b0 * VB, LE), bb0 = FloatVector.fromMemorySegment(S, bias, (b0 + 1) * VB, LE);
        FloatVector c0 = FloatVector.fromMemorySegment(S, bias, (b0 + 2) * VB, LE), d0 = FloatVector.fromMemorySegment(S, bias, (b0 + 3) * VB, LE);
        FloatVector a1 = a0, a2 = a0, a3 = a0, b1 = bb0, b2 = bb0, b3 = bb0, c1 = c0, c2 = c0, c3 = c0, d1 = d0, d2 = d0, d3 = d0;
        long w0 = (long) b0 * k * VB, kb = (long) k * VB;
        int iw0 = o * g.sw() - g.pl();
        long base = xi + ((long) ihBase * g.w() + iw0) * 4;
        long[] tx = tapX;
        for (int t = i0 * rowTaps, end = i1 * rowTaps; t < end; t++) {
            long xp = base + tx[t], wt = w0 + (long) t * VB;
            FloatVector u = FloatVector.fromMemorySegment(S, w, wt, LE), v = FloatVector.fromMemorySegment(S, w, wt + kb, LE);
            FloatVector q = FloatVector.fromMemorySegment(S, w, wt + 2 * kb, LE), r = FloatVector.fromMemorySegment(S, w, wt + 3 * kb, LE);
            FloatVector e = FloatVector.broadcast(S, x.get(F, xp));
            a0 = e.fma(u, a0);
            bb0 = e.fma(v, bb0);
            c0 = e.fma(q, c0);
            d0 = e.fma(r, d0);
            e = FloatVector.broadcast(S, x.get(F, xp + sx));
            a1 = e.fma(u, a1);
            b1 = e.fma(v, b1);
            c1 = e.fma(q, c1);
            d1 = e.fma(r, d1);
            e = FloatVector.broadcast(S, x.get(F, xp + 2 * sx));
            a2 = e.fma(u, a2);
            b2 = e.fma(v, b2);
            c2 = e.fma(q, c2);
            d2 = e.fma(r, d2);
            e = FloatVector.broadcast(S, x.get(F, xp + 3 * sx));
            a3 = e.fma(u, a3);
            b3 = e.fma(v, b3);
            c3 = e.fma(q, c3);
            d3 = e.fma(r, d3);
        }
        long p = r0 + o * VB;
        a0.intoMemorySegment(y, p, LE);
        a1.intoMemorySegment(y, p + VB, LE);
        a2.intoMemorySegment(y, p + 2 * VB, LE);
        a3.intoMemorySegment(y, p + 3 * VB, LE);
        p += bs;
        bb0.intoMemorySegment(y, p, LE);
        b1.intoMemorySegment(y, p + VB, LE);
        b2.intoMemorySegment(y, p + 2 * VB, LE);
        b3.intoMemorySegment(y, p + 3 * VB, LE);
        p += bs;
        c0.intoMemorySegment(y, p, LE);
        c1.intoMemorySegment(y, p + VB, LE);
        c2.intoMemorySegment(y, p + 2 * VB, LE);
        c3.intoMemorySegment(y, p + 3 * VB, LE);
        p += bs;
        d0.intoMemorySegment(y, p, LE);
        d1.intoMemorySegment(y, p + VB, LE);
        d2.intoMemorySegment(y, p + 2 * VB, LE);
        d3.intoMemorySegment(y, p + 3 * VB, LE);
    }

    /**
     * The epilogue over positions [o0, o1) of a finished output row of one block (raw sums with the bias): residual,
     * Relu/Clip as a clamp, padding lanes zero; other activations by a pass of their own (over the whole row: only
     * called so with o0 = 0, o1 = OW), then the padding lanes zeroed again.
     */
    private void finish(MemorySegment y, long yr, MemorySegment z, int lanes, int o0, int o1) {
        VectorMask<Float> pad = S.indexInRange(0, lanes).not();
        for (int o = o0; o < o1; o++) {
            long p = yr + o * VB;
            FloatVector v = FloatVector.fromMemorySegment(S, y, p, LE);
            if (z != null) v = v.add(FloatVector.fromMemorySegment(S, z, p, LE));
            v.blend(lo, v.lt(lo)).blend(hi, v.compare(VectorOperators.GT, hi)).blend(0f, pad).intoMemorySegment(y, p, LE); // NchwcSupport.clamp
        }
        if (!clamp) {
            act.apply(y, yr, y, yr, (long) g.ow() * L);
            if (lanes < L) for (int o = 0; o < g.ow(); o++) FloatVector.zero(S).intoMemorySegment(y, yr + o * VB, LE, pad);
        }
    }

    /**
     * Six output positions o.. of a row whose windows lie inside the input columns, both output blocks: the sums
     * clamped to [klo, khi] as they are stored (written out as NchwcSupport.clamp; infinite bounds: raw sums). (Bounds
     * from fields: as parameters the method ran ~4 % slower.)
     */
    private void six(MemorySegment x, long xi, int ihBase, int o, int i0, int i1, int b0, int b1, boolean two, MemorySegment y, long r0, long r1) {
        long sx = g.sw() * 4L;
        FloatVector a0 = FloatVector.fromMemorySegment(S, bias, b0 * VB, LE), c0 = FloatVector.fromMemorySegment(S, bias, b1 * VB, LE);
        FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        long w0 = (long) b0 * k * VB, w1 = (long) b1 * k * VB;
        int iw0 = o * g.sw() - g.pl();
        long base = xi + ((long) ihBase * g.w() + iw0) * 4;
        long[] tx = tapX;
        for (int t = i0 * rowTaps, end = i1 * rowTaps; t < end; t++) {
            long xp = base + tx[t], wt = (long) t * VB;
            FloatVector u = FloatVector.fromMemorySegment(S, w, w0 + wt, LE), v = FloatVector.fromMemorySegment(S, w, w1 + wt, LE);
            FloatVector e = FloatVector.broadcast(S, x.get(F, xp));
            a0 = e.fma(u, a0);
            c0 = e.fma(v, c0);
            e = FloatVector.broadcast(S, x.get(F, xp + sx));
            a1 = e.fma(u, a1);
            c1 = e.fma(v, c1);
            e = FloatVector.broadcast(S, x.get(F, xp + 2 * sx));
            a2 = e.fma(u, a2);
            c2 = e.fma(v, c2);
            e = FloatVector.broadcast(S, x.get(F, xp + 3 * sx));
            a3 = e.fma(u, a3);
            c3 = e.fma(v, c3);
            e = FloatVector.broadcast(S, x.get(F, xp + 4 * sx));
            a4 = e.fma(u, a4);
            c4 = e.fma(v, c4);
            e = FloatVector.broadcast(S, x.get(F, xp + 5 * sx));
            a5 = e.fma(u, a5);
            c5 = e.fma(v, c5);
        }
        long p0 = r0 + o * VB, p1 = r1 + o * VB;
        FloatVector vlo = FloatVector.broadcast(S, klo), vhi = FloatVector.broadcast(S, khi); // once: C2 inlines each scalar blend's broadcast
        a0.blend(vlo, a0.lt(vlo)).blend(vhi, a0.compare(VectorOperators.GT, vhi)).intoMemorySegment(y, p0, LE);
        a1.blend(vlo, a1.lt(vlo)).blend(vhi, a1.compare(VectorOperators.GT, vhi)).intoMemorySegment(y, p0 + VB, LE);
        a2.blend(vlo, a2.lt(vlo)).blend(vhi, a2.compare(VectorOperators.GT, vhi)).intoMemorySegment(y, p0 + 2 * VB, LE);
        a3.blend(vlo, a3.lt(vlo)).blend(vhi, a3.compare(VectorOperators.GT, vhi)).intoMemorySegment(y, p0 + 3 * VB, LE);
        a4.blend(vlo, a4.lt(vlo)).blend(vhi, a4.compare(VectorOperators.GT, vhi)).intoMemorySegment(y, p0 + 4 * VB, LE);
        a5.blend(vlo, a5.lt(vlo)).blend(vhi, a5.compare(VectorOperators.GT, vhi)).intoMemorySegment(y, p0 + 5 * VB, LE);
        if (two) {
            c0.blend(vlo, c0.lt(vlo)).blend(vhi, c0.compare(VectorOperators.GT, vhi)).intoMemorySegment(y, p1, LE);
            c1.blend(vlo, c1.lt(vlo)).blend(vhi, c1.compare(VectorOperators.GT, vhi)).intoMemorySegment(y, p1 + VB, LE);
            c2.blend(vlo, c2.lt(vlo)).blend(vhi, c2.compare(VectorOperators.GT, vhi)).intoMemorySegment(y, p1 + 2 * VB, LE);
            c3.blend(vlo, c3.lt(vlo)).blend(vhi, c3.compare(VectorOperators.GT, vhi)).intoMemorySegment(y, p1 + 3 * VB, LE);
            c4.blend(vlo, c4.lt(vlo)).blend(vhi, c4.compare(VectorOperators.GT, vhi)).intoMemorySegment(y, p1 + 4 * VB, LE);
            c5.blend(vlo, c5.lt(vlo)).blend(vhi, c5.compare(VectorOperators.GT, vhi)).intoMemorySegment(y, p1 + 5 * VB, LE);
        }
    }

    /** Output position o of a row, both output blocks, each tap's column checked. */
    private void edge(MemorySegment x, long xi, int ihBase, int o, int i0, int i1, int b0, int b1, boolean two, MemorySegment y, long r0, long r1) {
        int kw = g.kw(), iw0 = o * g.sw() - g.pl();
        FloatVector a = FloatVector.fromMemorySegment(S, bias, b0 * VB, LE), c = FloatVector.fromMemorySegment(S, bias, b1 * VB, LE);
        long w0 = (long) b0 * k * VB, w1 = (long) b1 * k * VB;
        for (int ch = 0; ch < g.c(); ch++)
            for (int i = i0; i < i1; i++) {
                long xr = xi + ((long) ch * g.h() + ihBase + (long) i * g.dh()) * g.w() * 4;
                for (int j = 0; j < kw; j++) {
                    int iw = iw0 + j * g.dw();
                    if (iw < 0 || iw >= g.w()) continue;
                    long t = ((long) (i * g.c() + ch) * kw + j) * VB;
                    FloatVector e = FloatVector.broadcast(S, x.get(F, xr + iw * 4L));
                    a = e.fma(FloatVector.fromMemorySegment(S, w, w0 + t, LE), a);
                    c = e.fma(FloatVector.fromMemorySegment(S, w, w1 + t, LE), c);
                }
            }
        a.intoMemorySegment(y, r0 + o * VB, LE);
        if (two) c.intoMemorySegment(y, r1 + o * VB, LE);
    }
}
