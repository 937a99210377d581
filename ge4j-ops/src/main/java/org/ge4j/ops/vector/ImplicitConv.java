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
 * Convolution with column stride 1 as an implicit GEMM: the input is copied once per run into a
 * zero-bordered buffer, and the GEMM reads B's row kk = (c, i, j) of a panel of NR outputs of one output row
 * straight from it — a window of padded row oh·sh + i·dh of channel c, shifted by j·dw — through a table
 * of row offsets ({@link Sgemm#blockRows}). No im2col at all; the price is panels that do not cross output
 * rows (an output row of 56 is 32 + 24), so it is used for rows of at least {@link #MIN_ROW} outputs.
 */
final class ImplicitConv implements CompiledKernel, WorkerPool.Job {
    static final int MIN_ROW = 24;
    private static final int MC = 64;

    /** The per-run state handed to the workers: the arguments and the padded input. */
    private static final class Run {
        MemorySegment[] args;
        MemorySegment padded;
    }

    private static final ThreadLocal<Run> RUN = ThreadLocal.withInitial(Run::new);

    private final Window2d g;
    private final int groups, mg, cg, kdim, p;
    private final int hp, wpp, panelsPerRow;
    private final long planeBytes;
    private final MemorySegment rows;
    private final Epilogue ep;
    private final int bArg, zArg, yArg;
    private final Split split;
    private final WorkerPool pool;

    ImplicitConv(Window2d g, int groups, int m, Act act, int bArg, int zArg, int yArg, WorkerPool pool) {
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
        panelsPerRow = (g.ow() + NR - 1) / NR;
        hp = (g.oh() - 1) * g.sh() + (g.kh() - 1) * g.dh() + 1;
        wpp = panelsPerRow * NR + (g.kw() - 1) * g.dw();
        planeBytes = (long) hp * wpp * 4;
        rows = Specs.allocate(kdim * 8L);
        for (int c = 0, kk = 0; c < cg; c++)
            for (int i = 0; i < g.kh(); i++)
                for (int j = 0; j < g.kw(); j++, kk++)
                    rows.set(Sgemm.ROW, kk * 8L, c * planeBytes + (long) i * g.dh() * wpp * 4 + (long) j * g.dw() * 4);
        split = Split.of(g.n() * groups, mg, g.oh() * panelsPerRow, 2.0 * g.n() * m * p * kdim, pool.threads(), false);
    }

    /** Whether this form suits a window: column stride 1 and output rows long enough to fill panels. */
    static boolean suits(Window2d g) { return g.sw() == 1 && g.ow() >= MIN_ROW && !g.pointwise(); }

    @Override public void run(MemorySegment[] args) {
        MemorySegment padded = Scratch.get(1, g.n() * g.c() * planeBytes);
        for (int c = 0, planes = g.n() * g.c(); c < planes; c++) fillPlane(args[0], (long) c * g.plane() * 4, padded, c * planeBytes);
        Run r = RUN.get();
        r.args = args;
        r.padded = padded;
        try {
            if (split.parallel()) pool.run(this, r, split.chunks());
            else for (int c = 0, n = split.chunks(); c < n; c++) chunk(r, c);
        } finally {
            r.args = null;
        }
    }

    @Override public void run(Object ctx, int chunk, int n) { chunk((Run) ctx, chunk); }

    /** Copies one input channel plane into its padded plane, zeroing the border around it. */
    private void fillPlane(MemorySegment x, long xo, MemorySegment pad, long po) {
        int cols = Math.min(g.w(), wpp - g.pl());
        for (int r = 0; r < hp; r++) {
            long d = po + (long) r * wpp * 4;
            int src = r - g.pt();
            if (src < 0 || src >= g.h() || cols <= 0) {
                zero(pad, d, wpp);
                continue;
            }
            zero(pad, d, g.pl());
            MemorySegment.copy(x, xo + (long) src * g.w() * 4, pad, d + g.pl() * 4L, cols * 4L);
            zero(pad, d + (long) (g.pl() + cols) * 4, wpp - g.pl() - cols);
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
        int q1 = split.panel1(c);
        long pending = -1; // first output position not yet through the epilogue (consecutive panels are contiguous)
        for (int q = split.panel0(c); q < q1; q++) {
            int oh = q / panelsPerRow, ow0 = (q % panelsPerRow) * NR, wd = Math.min(NR, g.ow() - ow0);
            long bo = base + ((long) oh * g.sh() * wpp + ow0) * 4;
            long pos = (long) oh * g.ow() + ow0;
            if (pending < 0) pending = pos;
            for (int rs = r0; rs < r1; rs += MC)
                Sgemm.blockRows(w, wo + (long) rs * kdim * 4, kdim * 4L, 4, run.padded, bo, rows, y, yo + rs * ldy + pos * 4, ldy, Math.min(MC, r1 - rs), kdim, wd);
            if (epilogue && (q == q1 - 1 || (q + 1 - split.panel0(c)) % GemmConv.EPILOGUE_PANELS == 0)) {
                long co = yo + r0 * ldy + pending * 4;
                ep.apply(y, co, ldy, r1 - r0, (int) (pos + wd - pending), bias, (long) (grp * mg + r0) * 4, 4, null, 0, z, co, ldy);
                pending = -1;
            }
        }
    }

    private static MemorySegment nullable(MemorySegment s) { return s == null || s == MemorySegment.NULL ? null : s; }
}
