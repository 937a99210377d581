package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.Sgemm.F;
import static org.ge4j.ops.vector.Sgemm.L;
import static org.ge4j.ops.vector.Sgemm.LE;
import static org.ge4j.ops.vector.Sgemm.NR;
import static org.ge4j.ops.vector.Sgemm.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import org.ge4j.ops.exec.CompiledKernel;

/**
 * Stride-1 convolution of small planes as an implicit GEMM over shifted copies: per run the input is copied
 * kw times, copy j holding the zero-padded input shifted left by j·dw columns and cut to the output width,
 * so that for every kernel tap (c, i, j) the values for consecutive output positions p = oh·OW + ow are
 * consecutive floats at {@code copy_j + c·plane + (i·dh·OW + p)·4}. Panels of NR positions then run across
 * output rows (no waste at row ends, unlike {@link ImplicitConv}) and B's rows are read in place through a
 * row table ({@link Sgemm#blockRows}); nothing like im2col is built. Used when output rows are short.
 */
final class ShiftedConv implements CompiledKernel, WorkerPool.Job {
    private static final int MC = 64;

    /** The per-run state handed to the workers: the arguments and the shifted copies. */
    private static final class Run {
        MemorySegment[] args;
        MemorySegment copies;
    }

    private static final ThreadLocal<Run> RUN = ThreadLocal.withInitial(Run::new);

    private final Window2d g;
    private final int groups, mg, cg, kdim, p, hp;
    private final long planeBytes, copyBytes;
    private final MemorySegment rows;
    private final Epilogue ep;
    private final int bArg, zArg, yArg;
    private final Split split;
    private final WorkerPool pool;

    ShiftedConv(Window2d g, int groups, int m, Act act, int bArg, int zArg, int yArg, WorkerPool pool) {
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
        hp = g.oh() + (g.kh() - 1) * g.dh();
        planeBytes = (long) hp * g.ow() * 4;
        // one copy: every image and channel; NR floats of slack at the end for the last panel's reads
        copyBytes = (long) g.n() * g.c() * planeBytes + NR * 4L;
        rows = Specs.allocate(kdim * 8L);
        for (int c = 0, kk = 0; c < cg; c++)
            for (int i = 0; i < g.kh(); i++)
                for (int j = 0; j < g.kw(); j++, kk++)
                    rows.set(Sgemm.ROW, kk * 8L, j * copyBytes + c * planeBytes + (long) i * g.dh() * g.ow() * 4);
        split = Split.of(g.n() * groups, mg, Sgemm.panels(p), 2.0 * g.n() * m * p * kdim, pool.threads(), false);
    }

    /** Whether this form suits a window: stride 1 both ways, not pointwise. */
    static boolean suits(Window2d g) { return g.sw() == 1 && g.sh() == 1 && !g.pointwise(); }

    @Override public void run(MemorySegment[] args) {
        MemorySegment copies = Scratch.get(1, g.kw() * copyBytes);
        fill(args[0], copies);
        Run r = RUN.get();
        r.args = args;
        r.copies = copies;
        try {
            if (split.parallel()) pool.run(this, r, split.chunks());
            else for (int c = 0, n = split.chunks(); c < n; c++) chunk(r, c);
        } finally {
            r.args = null;
        }
    }

    @Override public void run(Object ctx, int chunk, int n) { chunk((Run) ctx, chunk); }

    /** Writes the kw shifted, zero-padded copies of the input. */
    private void fill(MemorySegment x, MemorySegment copies) {
        int ow = g.ow(), w = g.w(), planes = g.n() * g.c();
        for (int j = 0; j < g.kw(); j++) {
            int shift = j * g.dw() - g.pl(); // output column ow reads input column ow + shift
            int a = Math.max(0, -shift), b = Math.max(a, Math.min(ow, w - shift)); // columns with input
            long base = j * copyBytes;
            for (int c = 0; c < planes; c++) {
                long xo = (long) c * g.plane() * 4;
                for (int r = 0; r < hp; r++) {
                    long d = base + c * planeBytes + (long) r * ow * 4;
                    int src = r - g.pt();
                    if (src < 0 || src >= g.h()) {
                        zero(copies, d, ow);
                        continue;
                    }
                    zero(copies, d, a);
                    if (b > a) MemorySegment.copy(x, xo + ((long) src * w + a + shift) * 4, copies, d + a * 4L, (b - a) * 4L);
                    zero(copies, d + b * 4L, ow - b);
                }
            }
        }
    }

    private static void zero(MemorySegment m, long off, int n) {
        FloatVector z = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= n; i += L) z.intoMemorySegment(m, off + i * 4L, LE);
        for (; i < n; i++) m.set(F, off + i * 4L, 0f);
    }

    private void chunk(Run run, int c) {
        MemorySegment[] args = run.args;
        int bi = split.batch(c), img = bi / groups, grp = bi % groups;
        int r0 = split.row0(c), r1 = split.row1(c);
        MemorySegment w = args[1], y = args[yArg];
        MemorySegment bias = bArg >= 0 ? nullable(args[bArg]) : null, z = zArg >= 0 ? nullable(args[zArg]) : null;
        long base = ((long) img * g.c() + (long) grp * cg) * planeBytes;
        long wo = (long) grp * mg * kdim * 4;
        long yo = ((long) img * groups * mg + (long) grp * mg) * p * 4L;
        long ldy = p * 4L;
        boolean epilogue = bias != null || z != null || !ep.trivial();
        int q1 = split.panel1(c), pending = -1;
        for (int q = split.panel0(c); q < q1; q++) {
            int j0 = q * NR, wd = Math.min(NR, p - j0);
            if (pending < 0) pending = j0;
            for (int rs = r0; rs < r1; rs += MC)
                Sgemm.blockRows(w, wo + (long) rs * kdim * 4, kdim * 4L, 4, run.copies, base + j0 * 4L, rows, y, yo + rs * ldy + j0 * 4L, ldy,
                        Math.min(MC, r1 - rs), kdim, wd);
            if (epilogue && (q == q1 - 1 || (q + 1 - split.panel0(c)) % GemmConv.EPILOGUE_PANELS == 0)) {
                long co = yo + r0 * ldy + pending * 4L;
                ep.apply(y, co, ldy, r1 - r0, j0 + wd - pending, bias, (long) (grp * mg + r0) * 4, 4, null, 0, z, co, ldy);
                pending = -1;
            }
        }
    }

    private static MemorySegment nullable(MemorySegment s) { return s == null || s == MemorySegment.NULL ? null : s; }
}
