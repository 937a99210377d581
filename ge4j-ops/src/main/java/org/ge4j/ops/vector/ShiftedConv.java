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
 * Convolution with equal strides s as an implicit GEMM over shifted, phase-split copies of the input. Per
 * run the input is copied once per distinct (row phase a, column phase b, column shift jj) among the kernel
 * taps: copy (a, b, jj) holds X[c, r·s + a, (ow + jj)·s + b] (zero outside the image), rows cut to the
 * output width. Tap (c, i, j) has a = i·dh mod s, b = j·dw mod s, jj = j·dw div s and a row offset
 * i·dh div s, so the values of consecutive output positions p = oh·OW + ow are consecutive floats at
 * {@code copy + c·plane + (rowOffset·OW + p)·4}. Panels of NR positions then run across output rows (no
 * waste at row ends) and B's rows are read in place through a row table ({@link Sgemm#blockRows}): no
 * im2col. Stride 1 needs kw copies; stride 2 with a 3×3 kernel 6 quarter-size ones.
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
    private final int groups, mg, cg, kdim, p, hp, st;
    private final long planeBytes, copyBytes;
    /** Per copy: row phase, column phase, column shift. */
    private final int[] copyA, copyB, copyJ;
    private final MemorySegment rows;
    /** The weights prepacked in blocks of 8 rows (one stream per micro-kernel call), or null to read them in place. */
    private final MemorySegment packedW;
    private final long packedGroup;
    private final Epilogue ep;
    private final int bArg, zArg, yArg;
    private final Split split;
    private final WorkerPool pool;
    /** The transposed form (vectors over output channels) for planes that panels of positions fit badly, or null. */
    private final ChannelPanels channels;
    /** Whether the activation is a clamp the transposed form applies as it stores (none, Relu, Clip), and its bounds. */
    private final boolean fusable;
    private final float lo, hi;
    /** Zeros standing in for an absent bias in the transposed form. */
    private final MemorySegment zeros;

    ShiftedConv(Window2d g, int groups, int m, Act act, int bArg, int zArg, int yArg, org.ge4j.ir.Tensor weights, WorkerPool pool) {
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
        st = g.sh();
        // the distinct copies the taps need, and each tap's copy and row offset
        java.util.List<Integer> keys = new java.util.ArrayList<>();
        int[] tapCopy = new int[g.kh() * g.kw()], tapRow = new int[g.kh() * g.kw()];
        int maxRow = 0;
        for (int i = 0; i < g.kh(); i++)
            for (int j = 0; j < g.kw(); j++) {
                int a = i * g.dh() % st, b = j * g.dw() % st, jj = j * g.dw() / st;
                int key = (a * st + b) * 4096 + jj, idx = keys.indexOf(key);
                if (idx < 0) {
                    idx = keys.size();
                    keys.add(key);
                }
                tapCopy[i * g.kw() + j] = idx;
                tapRow[i * g.kw() + j] = i * g.dh() / st;
                maxRow = Math.max(maxRow, i * g.dh() / st);
            }
        copyA = new int[keys.size()];
        copyB = new int[keys.size()];
        copyJ = new int[keys.size()];
        for (int k = 0; k < keys.size(); k++) {
            int key = keys.get(k);
            copyA[k] = key / 4096 / st;
            copyB[k] = key / 4096 % st;
            copyJ[k] = key % 4096;
        }
        hp = g.oh() + maxRow;
        planeBytes = (long) hp * g.ow() * 4;
        // one copy: every image and channel; NR floats of slack at the end for the last panel's reads
        copyBytes = (long) g.n() * g.c() * planeBytes + NR * 4L;
        rows = Specs.allocate(kdim * 8L);
        for (int c = 0, kk = 0; c < cg; c++)
            for (int t = 0; t < g.kh() * g.kw(); t++, kk++)
                rows.set(Sgemm.ROW, kk * 8L, tapCopy[t] * copyBytes + c * planeBytes + (long) tapRow[t] * g.ow() * 4);
        double flops = 2.0 * g.n() * m * p * kdim;
        int kind = act.kind();
        fusable = kind == Act.NONE || kind == Act.RELU || kind == Act.CLIP;
        lo = kind == Act.RELU ? 0f : kind == Act.CLIP ? act.p0() : Float.NEGATIVE_INFINITY;
        hi = kind == Act.CLIP ? act.p1() : Float.POSITIVE_INFINITY;
        channels = weights != null && ChannelPanels.suits(p, mg) ? new ChannelPanels(weights.segment(), groups, mg, kdim) : null;
        zeros = bArg < 0 ? Specs.allocate((long) m * 4) : null;
        split = channels != null ? ChannelPanels.split(g.n() * groups, mg, flops, pool.threads())
                : Split.of(g.n() * groups, mg, Sgemm.panels(p), flops, pool.threads(), false);
        packedGroup = Sgemm.packedABytes(mg, kdim);
        // measured: one stream per 8-row block helps while a block stays small (k <= 1152: at most 36 KB);
        // with longer rows the 8 separate streams of the unpacked weights were faster
        if (channels == null && weights != null && PACK_WEIGHTS && kdim <= 1152) {
            packedW = Specs.allocate(groups * packedGroup);
            for (int gi = 0; gi < groups; gi++)
                Sgemm.packA(weights.segment(), (long) gi * mg * kdim * 4, kdim * 4L, mg, kdim, packedW, gi * packedGroup);
        } else packedW = null;
    }

    static final boolean PACK_WEIGHTS = !"false".equals(System.getProperty("ge4j.vector.packWeights"));

    /** Whether this form suits a window: equal strides of 1 or 2, not a pointwise stride-1 conv (a plain GEMM). */
    static boolean suits(Window2d g) { return g.sh() == g.sw() && g.sw() <= 2 && !g.pointwise(); }

    /** Writes the copies of planes [chunk·planes/chunks, (chunk+1)·planes/chunks) (on the pool: a serial fill limits 2-thread scaling). */
    private final WorkerPool.Job fillJob = this::fillChunk;

    private void fillChunk(Object ctx, int chunk, int chunks) {
        Run r = (Run) ctx;
        int planes = g.n() * g.c();
        fill(r.args[0], r.copies, (int) ((long) chunk * planes / chunks), (int) ((long) (chunk + 1) * planes / chunks));
    }

    @Override public void run(MemorySegment[] args) {
        MemorySegment copies = Scratch.get(1, copyA.length * copyBytes);
        Run r = RUN.get();
        r.args = args;
        r.copies = copies;
        try {
            if (split.parallel()) pool.run(fillJob, r, Math.min(g.n() * g.c(), 2 * pool.threads()));
            else fill(args[0], copies, 0, g.n() * g.c());
            if (split.parallel()) pool.run(this, r, split.chunks());
            else for (int c = 0, n = split.chunks(); c < n; c++) chunk(r, c);
        } finally {
            r.args = null;
        }
    }

    @Override public void run(Object ctx, int chunk, int n) { chunk((Run) ctx, chunk); }

    /** Writes the copies of planes [c0, c1): copy k row r of plane c is X[c, r·s + a - pt, (ow + jj)·s + b - pl], 0 outside. */
    private void fill(MemorySegment x, MemorySegment copies, int c0, int c1) {
        if (st == 2) {
            fill2(x, copies, c0, c1);
            return;
        }
        int ow = g.ow(), w = g.w();
        for (int k = 0; k < copyA.length; k++) {
            int shift = copyJ[k] - g.pl(); // output column ow reads input column ow + shift
            int lo = Math.max(0, -shift), hi = Math.max(lo, Math.min(ow, w - shift));
            long base = k * copyBytes;
            for (int c = c0; c < c1; c++) {
                long xo = (long) c * g.plane() * 4;
                for (int r = 0; r < hp; r++) {
                    long d = base + c * planeBytes + (long) r * ow * 4;
                    int src = r + copyA[k] - g.pt();
                    if (src < 0 || src >= g.h()) {
                        zero(copies, d, ow);
                        continue;
                    }
                    zero(copies, d, lo);
                    if (hi > lo) copy(x, xo + ((long) src * w + lo + shift) * 4, copies, d + lo * 4L, hi - lo);
                    zero(copies, d + hi * 4L, ow - hi);
                }
            }
        }
    }

    /**
     * Stride 2: each input row is padded and de-interleaved once (even columns, odd columns), and every copy
     * of its row phase takes its row as a contiguous run of one half: copy (a, b, jj) row r is half b of
     * padded input row 2r + a, from index jj.
     */
    private void fill2(MemorySegment x, MemorySegment copies, int c0, int c1) {
        int ow = g.ow(), w = g.w(), pl = g.pl();
        int maxJ = 0;
        for (int j : copyJ) maxJ = Math.max(maxJ, j);
        int half = (ow + maxJ + 1 + L - 1) / L * L; // floats per half, whole vectors
        long rowBuf = 0, evenOdd = 2L * half * 4 + 2 * L * 4L;
        MemorySegment buf = Scratch.get(0, evenOdd + 2L * half * 4);
        zero(buf, 0, 2 * half + 2 * L); // the padded row: zeros left of the input (pl) and right of it
        int cols = Math.max(0, Math.min(w, 2 * half - pl));
        for (int c = c0; c < c1; c++) {
            long xo = (long) c * g.plane() * 4;
            for (int r = 0; r < hp; r++)
                for (int a = 0; a < 2; a++) {
                    boolean used = false;
                    for (int k = 0; k < copyA.length; k++) used |= copyA[k] == a;
                    if (!used) continue;
                    int src = 2 * r + a - g.pt();
                    boolean inside = src >= 0 && src < g.h();
                    if (inside) {
                        copy(x, xo + (long) src * w * 4, buf, rowBuf + pl * 4L, cols);
                        deinterleave(buf, rowBuf, evenOdd, half);
                    }
                    for (int k = 0; k < copyA.length; k++) {
                        if (copyA[k] != a) continue;
                        long d = k * copyBytes + c * planeBytes + (long) r * ow * 4;
                        if (inside) copy(buf, evenOdd + ((long) copyB[k] * half + copyJ[k]) * 4, copies, d, ow);
                        else zero(copies, d, ow);
                    }
                }
        }
    }

    private static final jdk.incubator.vector.VectorShuffle<Float> EVEN = jdk.incubator.vector.VectorShuffle.fromOp(S, i -> 2 * i);
    private static final jdk.incubator.vector.VectorShuffle<Float> ODD = jdk.incubator.vector.VectorShuffle.fromOp(S, i -> 2 * i + 1);

    /** Even floats of the row at {@code from} to {@code to}, odd ones to {@code to + 4 half}. */
    private static void deinterleave(MemorySegment m, long from, long to, int half) {
        long v4 = L * 4L;
        for (int i = 0; i < half; i += L) {
            FloatVector v0 = FloatVector.fromMemorySegment(S, m, from + 8L * i, LE), v1 = FloatVector.fromMemorySegment(S, m, from + 8L * i + v4, LE);
            v0.rearrange(EVEN, v1).intoMemorySegment(m, to + i * 4L, LE);
            v0.rearrange(ODD, v1).intoMemorySegment(m, to + (half + i) * 4L, LE);
        }
    }

    /**
     * n floats from src to dst with vector moves (a MemorySegment.copy call costs more than the move at these
     * row lengths); the tail masked when a whole vector stays inside src, else one float at a time.
     */
    private static void copy(MemorySegment src, long so, MemorySegment dst, long d, int n) {
        int i = 0;
        for (; i + L <= n; i += L) FloatVector.fromMemorySegment(S, src, so + i * 4L, LE).intoMemorySegment(dst, d + i * 4L, LE);
        if (i == n) return;
        if (so + (i + L) * 4L <= src.byteSize()) {
            jdk.incubator.vector.VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromMemorySegment(S, src, so + i * 4L, LE, m).intoMemorySegment(dst, d + i * 4L, LE, m);
        } else for (; i < n; i++) dst.set(F, d + i * 4L, src.get(F, so + i * 4L));
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
        if (channels != null) {
            boolean clamp = fusable;
            int c0 = r0 / 8 * NR, c1 = Math.min(mg, r1 / 8 * NR);
            channels.run(grp, run.copies, base, rows, r0 / 8, r1 / 8, p, y, yo, ldy, clamp, bias != null ? bias : zeros, (long) grp * mg * 4, z, lo, hi);
            if (epilogue && !clamp) {
                long co = yo + c0 * ldy;
                ep.apply(y, co, ldy, c1 - c0, p, bias, (long) (grp * mg + c0) * 4, 4, null, 0, z, co, ldy);
            }
            return;
        }
        int q1 = split.panel1(c), pending = -1;
        if (PACK_PANELS) {
            packedPanels(run, c, r0, r1, grp, wo, w, y, yo, ldy, bias, z, base, epilogue);
            return;
        }
        for (int q = split.panel0(c); q < q1; q++) {
            int j0 = q * NR, wd = Math.min(NR, p - j0);
            if (pending < 0) pending = j0;
            for (int rs = r0; rs < r1; rs += MC)
                if (packedW != null)
                    Sgemm.blockRows(packedW, grp * packedGroup + (long) (rs / 8) * kdim * 32, 4, 32, kdim * 32L, run.copies, base + j0 * 4L, rows,
                            y, yo + rs * ldy + j0 * 4L, ldy, Math.min(MC, r1 - rs), kdim, wd);
                else Sgemm.blockRows(w, wo + (long) rs * kdim * 4, kdim * 4L, 4, run.copies, base + j0 * 4L, rows, y, yo + rs * ldy + j0 * 4L, ldy,
                        Math.min(MC, r1 - rs), kdim, wd);
            if (epilogue && (q == q1 - 1 || (q + 1 - split.panel0(c)) % GemmConv.EPILOGUE_PANELS == 0)) {
                long co = yo + r0 * ldy + pending * 4L;
                ep.apply(y, co, ldy, r1 - r0, j0 + wd - pending, bias, (long) (grp * mg + r0) * 4, 4, null, 0, z, co, ldy);
                pending = -1;
            }
        }
    }

    /**
     * Measured switch ({@code -Dge4j.vector.shiftedPack=false} turns it off): each panel's K rows are first
     * gathered through the row table into one contiguous NR-wide panel in scratch, so the micro-kernel
     * streams B sequentially (the hardware prefetcher follows it) instead of from K scattered planes per
     * 8-row block, and bias with Relu/Clip goes onto each tile as it is written.
     */
    static final boolean PACK_PANELS = !"false".equals(System.getProperty("ge4j.vector.shiftedPack"));

    private void packedPanels(Run run, int c, int r0, int r1, int grp, long wo, MemorySegment w, MemorySegment y, long yo, long ldy,
                              MemorySegment bias, MemorySegment z, long base, boolean epilogue) {
        MemorySegment panel = Scratch.get(0, Sgemm.panelBytes(kdim));
        boolean fused = epilogue && fusable && z == null;
        MemorySegment bseg = bias != null ? bias : zeros;
        long bbase = (long) grp * mg * 4;
        int q1 = split.panel1(c), pending = -1;
        for (int q = split.panel0(c); q < q1; q++) {
            int j0 = q * NR, wd = Math.min(NR, p - j0);
            gather(run.copies, base + j0 * 4L, panel);
            if (fused && wd == NR) {
                for (int rs = r0; rs < r1; rs += MC) {
                    long co = yo + rs * ldy + j0 * 4L;
                    if (packedW != null)
                        Sgemm.blockBias(packedW, grp * packedGroup + (long) (rs / 8) * kdim * 32, 4, 32, kdim * 32L, panel, 0, NR * 4L,
                                y, co, ldy, Math.min(MC, r1 - rs), kdim, bseg, bbase + rs * 4L, null, 0, lo, hi);
                    else Sgemm.blockBias(w, wo + (long) rs * kdim * 4, kdim * 4L, 4, 8L * kdim * 4, panel, 0, NR * 4L,
                            y, co, ldy, Math.min(MC, r1 - rs), kdim, bseg, bbase + rs * 4L, null, 0, lo, hi);
                }
                continue;
            }
            if (pending < 0) pending = j0;
            for (int rs = r0; rs < r1; rs += MC)
                if (packedW != null)
                    Sgemm.block(packedW, grp * packedGroup + (long) (rs / 8) * kdim * 32, 4, 32, kdim * 32L, panel, 0, NR * 4L,
                            y, yo + rs * ldy + j0 * 4L, ldy, Math.min(MC, r1 - rs), kdim, wd);
                else Sgemm.block(w, wo + (long) rs * kdim * 4, kdim * 4L, 4, panel, 0, NR * 4L, y, yo + rs * ldy + j0 * 4L, ldy,
                        Math.min(MC, r1 - rs), kdim, wd);
            if (epilogue && (fused || q == q1 - 1 || (q + 1 - split.panel0(c)) % GemmConv.EPILOGUE_PANELS == 0)) {
                long co = yo + r0 * ldy + pending * 4L;
                ep.apply(y, co, ldy, r1 - r0, j0 + wd - pending, bias, (long) (grp * mg + r0) * 4, 4, null, 0, z, co, ldy);
                pending = -1;
            }
        }
    }

    /** Copies row kk of the panel at {@code bo} (at {@code bo + rows[kk]} in the copies, NR floats readable) to {@code dst + kk·NR·4}. */
    private void gather(MemorySegment copies, long bo, MemorySegment dst) {
        long l4 = L * 4L;
        for (int kk = 0; kk < kdim; kk++) {
            long s = bo + rows.get(Sgemm.ROW, kk * 8L), d = kk * (long) NR * 4;
            FloatVector.fromMemorySegment(S, copies, s, LE).intoMemorySegment(dst, d, LE);
            FloatVector.fromMemorySegment(S, copies, s + l4, LE).intoMemorySegment(dst, d + l4, LE);
        }
    }

    /** Whether this conv runs in the transposed form ({@link ChannelPanels}). */
    boolean channelPanels() { return channels != null; }

    private static MemorySegment nullable(MemorySegment s) { return s == null || s == MemorySegment.NULL ? null : s; }
}
