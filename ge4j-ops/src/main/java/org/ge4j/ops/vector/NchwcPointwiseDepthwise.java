package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.NchwcSupport.VB;
import static org.ge4j.ops.vector.Sgemm.L;
import static org.ge4j.ops.vector.Sgemm.LE;
import static org.ge4j.ops.vector.Sgemm.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.KernelPaths;
import org.ge4j.ops.exec.NodeSpec;

/**
 * {@code ge4j::BlockedPointwiseDepthwise}: a 1×1 conv (C to M channels, bias, Relu/Clip) and the depthwise conv
 * of its output, without the M-channel intermediate ever going to memory. The intermediate is made row by row
 * into a ring of the depthwise window's height of rows per output block, in scratch (per thread, in L2), with zero
 * margins left and right and a zero row for the rows outside the plane; each output row of the depthwise conv is
 * computed as soon as its input rows are in the ring. The 1×1 rows are {@link NchwcConv#pointwiseRow} (its packed
 * weights and micro-kernels), the depthwise rows {@link NchwcDepthwise#paddedRow}. Work units are (image, group of
 * the 1×1 conv's output blocks, strip of output rows); a strip recomputes the intermediate rows it shares with the
 * one before.
 */
final class NchwcPointwiseDepthwise implements CompiledKernel, WorkerPool.Job {
    private final NchwcConv pw;
    private final NchwcDepthwise dw;
    /** The depthwise window (its input: the intermediate of M channels). */
    private final Window2d g;
    private final int mb, gw, groups, strips, rowsPer, units, chunks, ring, yArg;
    private final long rowBytes, blockBytes, outBlock;
    private final WorkerPool pool;
    private static final ThreadLocal<long[]> TAPS = ThreadLocal.withInitial(() -> new long[9]);

    private NchwcPointwiseDepthwise(NchwcConv pw, NchwcDepthwise dw, Window2d g, int yArg, WorkerPool pool) {
        this.pw = pw;
        this.dw = dw;
        this.g = g;
        this.yArg = yArg;
        this.pool = pool;
        mb = NchwcSupport.blocks(g.c());
        gw = pw.groupWidth();
        groups = pw.groups();
        ring = (g.kh() - 1) * g.dh() + 1;
        int padW = Math.max(g.pl() + g.w(), (g.ow() - 1) * g.sw() + (g.kw() - 1) * g.dw() + 1);
        rowBytes = padW * VB;
        blockBytes = (ring + 1) * rowBytes; // the ring's rows, then a zero row
        outBlock = (long) g.outPlane() * VB;
        double flops = 2.0 * g.n() * mb * L * ((double) g.plane() * pw.inputChannels() + (double) g.outPlane() * g.kh() * g.kw());
        int threads = pool.threads(), base = g.n() * groups;
        boolean parallel = threads > 1 && flops >= Split.PARALLEL_MIN_FLOPS;
        // strips only as many as the threads need (a strip recomputes the intermediate rows it shares with the
        // one before): units a multiple of the threads, or 4 per thread
        int s = 1;
        if (parallel) while (s < g.oh() / 2 && (base * s) % threads != 0 && base * s < 4 * threads) s++;
        rowsPer = (g.oh() + s - 1) / s;
        strips = (g.oh() + rowsPer - 1) / rowsPer;
        units = base * strips;
        chunks = parallel ? Math.min(units, 4 * threads) : 1;
    }

    /** The kernel for a BlockedPointwiseDepthwise node, or null (the reference kernel runs). */
    static CompiledKernel compile(NodeSpec s) {
        return of(s, WorkerPool.shared());
    }

    /** {@link #compile} on the given pool (tests). */
    static CompiledKernel of(NodeSpec s, WorkerPool pool) {
        long[] xs = s.inputShape(0), ws = s.inputShape(1), ds = s.inputShape(2), ys = s.outputShape(0);
        if (xs.length != 5 || ws.length != 4 || ds.length != 4 || ys.length != 5 || xs[4] != L || ys[4] != L) return null;
        if (!Specs.fitsInt(xs) || !Specs.fitsInt(ys) || ws[2] != 1 || ws[3] != 1 || ds[1] != 1 || ds[0] != ws[0]) return null;
        long c = ws[1], m = ws[0];
        if (xs[1] != NchwcSupport.blocks(c) || ys[1] != NchwcSupport.blocks(m) || ys[0] != xs[0]) return null;
        Tensor w = s.constant(1), d = s.constant(2), b = s.input(3) != null ? s.constant(3) : null, db = s.input(4) != null ? s.constant(4) : null;
        if (w == null || d == null || s.input(3) != null && b == null || s.input(4) != null && db == null) return null;
        Act pwAct = Act.ofFusedAttrs(s.attrs(), "pointwise_"), dwAct = Act.ofFusedAttrs(s.attrs());
        if (pwAct == null || dwAct == null) return null;
        Window2d pg = pointwiseWindow(xs, c);
        Window2d g = NchwcSupport.window(s, new long[] {xs[0], NchwcSupport.blocks(m), xs[2], xs[3], L}, m, ys, m, new long[] {ds[2], ds[3]});
        if (g == null || g.n() == 0 || g.outPlane() == 0) return null;
        NchwcConv pw = NchwcConv.pointwise(pg, (int) m, pwAct, w, b, pool, KernelPaths.forcedOn(s));
        if (pw == null) return null;
        return new NchwcPointwiseDepthwise(pw, NchwcDepthwise.of(g, dwAct, -1, -1, d, db, pool), g, s.inputs().size(), pool);
    }

    /** The 1×1 conv's window: X's plane [N, C, H, W] to itself. */
    private static Window2d pointwiseWindow(long[] xs, long c) {
        return new Window2d((int) xs[0], (int) c, (int) xs[2], (int) xs[3], (int) xs[2], (int) xs[3], 1, 1, 1, 1, 1, 1, 0, 0);
    }

    /** What {@link #compile} would report for node s ({@link #paths()}: the 1×1 conv's group width and clamp), without packing weights. */
    static KernelPaths paths(NodeSpec s) {
        long[] xs = s.inputShape(0), ws = s.inputShape(1);
        if (xs.length != 5 || ws.length != 4 || !Specs.fitsInt(xs) || !Specs.fitsInt(ws)) return KernelPaths.NONE;
        return NchwcConv.pointwisePaths(pointwiseWindow(xs, ws[1]), (int) ws[0], KernelPaths.forcedOn(s));
    }

    @Override public KernelPaths paths() { return pw.pointwisePaths(); }

    @Override public void run(MemorySegment[] args) {
        if (chunks > 1) pool.run(this, args, chunks);
        else units(args, 0, units);
    }

    @Override public void run(Object ctx, int chunk, int n) {
        units((MemorySegment[]) ctx, (int) ((long) units * chunk / n), (int) ((long) units * (chunk + 1) / n));
    }

    private void units(MemorySegment[] args, int u0, int u1) {
        for (int u = u0; u < u1; u++) {
            int strip = u % strips, grp = u / strips % groups, n = u / strips / groups;
            unit(args[0], args[yArg], n, grp, strip * rowsPer, Math.min(g.oh(), (strip + 1) * rowsPer));
        }
    }

    /** Output rows [r0, r1) of the group's blocks of image n. */
    private void unit(MemorySegment x, MemorySegment y, int n, int grp, int r0, int r1) {
        int nb = Math.min(gw, mb - gw * grp), h = g.h(), w = g.w(), kh = g.kh(), kw = g.kw();
        MemorySegment buf = Scratch.get(3, gw * blockBytes);
        zeroMargins(buf, nb);
        long[] t = TAPS.get();
        if (t.length < kh * kw) TAPS.set(t = new long[kh * kw]);
        long left = g.pl() * VB;
        int next = r0 * g.sh() - g.pt(); // the next intermediate row to make
        for (int oh = r0; oh < r1; oh++) {
            int top = oh * g.sh() - g.pt(), bottom = top + (kh - 1) * g.dh();
            for (; next <= bottom; next++)
                if (next >= 0 && next < h) pw.pointwiseRow(x, n, (long) next * w, w, grp, buf, slot(next) * rowBytes + left, blockBytes);
            long base = slot(top) * rowBytes;
            for (int i = 0; i < kh; i++) {
                long ro = slot(top + i * g.dh()) * rowBytes - base;
                for (int j = 0; j < kw; j++) t[i * kw + j] = ro + (long) j * g.dw() * VB;
            }
            for (int f = 0; f < nb; f++) {
                int cb = grp * gw + f;
                dw.paddedRow(buf, f * blockBytes + base + left, t, cb, y, (n * (long) mb + cb) * outBlock + (long) oh * g.ow() * VB, null);
            }
        }
    }

    /** The ring slot of intermediate row r: rows outside the plane read the zero row. */
    private long slot(int r) { return r < 0 || r >= g.h() ? ring : r % ring; }

    /** Zeroes the left and right margins of the ring's rows and the whole zero row after them, for nb blocks. */
    private void zeroMargins(MemorySegment buf, int nb) {
        FloatVector zero = FloatVector.zero(S);
        long left = g.pl() * VB, right = (g.pl() + g.w()) * VB;
        for (int f = 0; f < nb; f++) {
            for (int r = 0; r < ring; r++) {
                long o = f * blockBytes + r * rowBytes;
                for (long q = 0; q < left; q += VB) zero.intoMemorySegment(buf, o + q, LE);
                for (long q = right; q < rowBytes; q += VB) zero.intoMemorySegment(buf, o + q, LE);
            }
            for (long o = f * blockBytes + ring * rowBytes, q = 0; q < rowBytes; q += VB) zero.intoMemorySegment(buf, o + q, LE);
        }
    }
}
