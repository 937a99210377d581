package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.Sgemm.F;
import static org.ge4j.ops.vector.Sgemm.L;
import static org.ge4j.ops.vector.Sgemm.LE;
import static org.ge4j.ops.vector.Sgemm.NR;
import static org.ge4j.ops.vector.Sgemm.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import org.ge4j.ops.exec.CompiledKernel;

/**
 * Convolution as GEMM, per image and group: {@code Y[m, p] = sum_kk W[m, kk] · col[kk, p]} with the weights
 * as A (read in place: [M/g, C/g·kh·kw] row-major) and the im2col matrix as B. B is never built whole: each
 * NR-column panel (NR output positions) is written straight into packed form in per-thread scratch — by a
 * panel copy of X for a pointwise (1×1, stride 1, unpadded) conv, by vector copies of input row segments
 * for stride 1, by a gather otherwise — and multiplied by all rows of W before the next panel. Bias,
 * residual and activation are the epilogue. Chunks of (image·group, rows, panels) run on the pool.
 */
final class GemmConv implements CompiledKernel, WorkerPool.Job {
    private static final int MC = 64;

    private final Window2d g;
    private final int groups, mg, cg, kdim, p;
    private final int[] kc, kdy, kdx;
    private final Epilogue ep;
    private final int bArg, zArg, yArg;
    private final boolean pointwise;
    private final Split split;
    private final WorkerPool pool;

    GemmConv(Window2d g, int groups, int m, Act act, int bArg, int zArg, int yArg, WorkerPool pool) {
        this.g = g;
        this.groups = groups;
        this.mg = m / groups;
        this.cg = g.c() / groups;
        this.kdim = cg * g.kh() * g.kw();
        this.p = g.outPlane();
        this.ep = new Epilogue(1f, 1f, act);
        this.bArg = bArg;
        this.zArg = zArg;
        this.yArg = yArg;
        this.pool = pool;
        pointwise = g.pointwise();
        kc = new int[kdim];
        kdy = new int[kdim];
        kdx = new int[kdim];
        for (int c = 0, kk = 0; c < cg; c++)
            for (int i = 0; i < g.kh(); i++)
                for (int j = 0; j < g.kw(); j++, kk++) {
                    kc[kk] = c;
                    kdy[kk] = i * g.dh() - g.pt();
                    kdx[kk] = j * g.dw() - g.pl();
                }
        split = Split.of(g.n() * groups, mg, Sgemm.panels(p), 2.0 * g.n() * m * p * kdim, pool.threads(), false);
    }

    @Override public void run(MemorySegment[] args) {
        if (split.parallel()) pool.run(this, args, split.chunks());
        else for (int c = 0, n = split.chunks(); c < n; c++) chunk(args, c);
    }

    @Override public void run(Object ctx, int chunk, int n) { chunk((MemorySegment[]) ctx, chunk); }

    private void chunk(MemorySegment[] args, int c) {
        int bi = split.batch(c), img = bi / groups, grp = bi % groups;
        int r0 = split.row0(c), r1 = split.row1(c);
        MemorySegment x = args[0], w = args[1], y = args[yArg];
        MemorySegment bias = bArg >= 0 ? nullable(args[bArg]) : null, z = zArg >= 0 ? nullable(args[zArg]) : null;
        long plane = (long) g.plane() * 4;
        long xo = ((long) img * g.c() + (long) grp * cg) * plane;
        long wo = (long) grp * mg * kdim * 4;
        long yo = ((long) img * groups * mg + (long) grp * mg) * p * 4L;
        long ldy = p * 4L;
        MemorySegment panel = Scratch.get(0, Sgemm.panelBytes(kdim));
        for (int q = split.panel0(c), q1 = split.panel1(c); q < q1; q++) {
            int j0 = q * NR, wd = Math.min(NR, p - j0);
            if (pointwise) Sgemm.packPanel(x, xo, plane, 4, cg, j0, wd, panel, 0);
            else im2col(x, xo, j0, wd, panel);
            for (int rs = r0; rs < r1; rs += MC) {
                int rows = Math.min(MC, r1 - rs);
                long co = yo + rs * ldy + j0 * 4L;
                Sgemm.block(w, wo + (long) rs * kdim * 4, kdim * 4L, 4, panel, 0, NR * 4L, y, co, ldy, rows, kdim, wd);
                if (bias != null || z != null || !ep.trivial())
                    ep.apply(y, co, ldy, rows, wd, bias, (long) (grp * mg + rs) * 4, 4, null, 0, z, co, ldy);
            }
        }
    }

    /** Writes the packed panel of output positions [j0, j0+wd): row kk holds X[c, oh·sh + dy, ow·sw + dx] (0 outside). */
    private void im2col(MemorySegment x, long xo, int j0, int wd, MemorySegment dst) {
        int ow = g.ow(), h = g.h(), w = g.w(), sh = g.sh(), sw = g.sw();
        int oh0 = j0 / ow, ow0 = j0 % ow;
        long rowBytes = w * 4L, plane = (long) h * rowBytes;
        FloatVector zero = FloatVector.zero(S);
        for (int kk = 0; kk < kdim; kk++) {
            long d = (long) kk * NR * 4;
            long xc = xo + kc[kk] * plane;
            int dy = kdy[kk], dx = kdx[kk];
            int t = 0, oh = oh0, owa = ow0;
            while (t < wd) {
                int len = Math.min(wd - t, ow - owa);
                int ih = oh * sh + dy;
                long dt = d + t * 4L;
                if (ih < 0 || ih >= h) {
                    for (int i = 0; i < len; i += L) zero.intoMemorySegment(dst, dt + i * 4L, LE, S.indexInRange(i, len));
                } else {
                    int iw0 = owa * sw + dx;
                    long src = xc + ih * rowBytes;
                    if (sw == 1) {
                        // zeros left of the image, a contiguous run of the row, zeros right of it. (Masks are
                        // only ever made from non-negative offsets, and no load starts before the segment:
                        // both would take the Vector API's slow, allocating path.)
                        int a = Math.max(0, -iw0), b = Math.min(len, w - iw0);
                        if (b <= a) a = b = len;
                        for (int i = 0; i < a; i++) dst.set(F, dt + i * 4L, 0f);
                        long s0 = src + (long) (iw0 + a) * 4, d0 = dt + a * 4L;
                        int cnt = b - a;
                        for (int i = 0; i < cnt; i += L) {
                            VectorMask<Float> keep = S.indexInRange(i, cnt);
                            FloatVector.fromMemorySegment(S, x, s0 + i * 4L, LE, keep).intoMemorySegment(dst, d0 + i * 4L, LE, keep);
                        }
                        for (int i = b; i < len; i++) dst.set(F, dt + i * 4L, 0f);
                    } else {
                        for (int i = 0; i < len; i++) {
                            int iw = iw0 + i * sw;
                            dst.set(F, dt + i * 4L, iw >= 0 && iw < w ? x.get(F, src + iw * 4L) : 0f);
                        }
                    }
                }
                t += len;
                oh++;
                owa = 0;
            }
        }
    }

    private static MemorySegment nullable(MemorySegment s) { return s == null || s == MemorySegment.NULL ? null : s; }
}
