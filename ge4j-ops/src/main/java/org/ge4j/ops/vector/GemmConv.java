package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.Sgemm.F;
import static org.ge4j.ops.vector.Sgemm.L;
import static org.ge4j.ops.vector.Sgemm.LE;
import static org.ge4j.ops.vector.Sgemm.NR;
import static org.ge4j.ops.vector.Sgemm.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
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
    /** Panels computed before the epilogue runs over them together. */
    static final int EPILOGUE_PANELS = 4;
    static final boolean FUSE_EPILOGUE = !"false".equals(System.getProperty("ge4j.vector.fuseEpilogue"));
    static boolean fuseResidual = !"false".equals(System.getProperty("ge4j.vector.fuseResidual"));
    /** Whether full panels of a pointwise conv with a fused epilogue read B in place (no packing copy). */
    static final boolean IN_PLACE = !"false".equals(System.getProperty("ge4j.vector.pointwiseInPlace"));
    /** Whether the last panel of a pointwise conv without a residual overlaps the one before it rather than being narrow. */
    static final boolean OVERLAP = !"false".equals(System.getProperty("ge4j.vector.overlapPanel"));
    /**
     * Whether a fused epilogue starts each tile at the bias ({@link BiasTiles}), reading full pointwise panels in place:
     * opt-in ({@code -Dge4j.vector.biasTiles=true}). Faster layer by layer in VectorBench, no faster in the models
     * through the launcher, and in a JVM started without the launcher's JIT settings mobilenet_v2 ran 16x slower
     * with it (its 1x1 convs on 28-112 planes stayed in slow code: {@code org.ge4j.runtime.TaskTimes}, 202 against
     * 12.8 ms per run). Read when a kernel is compiled.
     */
    static boolean biasTiles = "true".equals(System.getProperty("ge4j.vector.biasTiles"));

    private final Window2d g;
    /** {@link #biasTiles} when this kernel was compiled. */
    private final boolean tiles = biasTiles;
    private final int groups, mg, cg, kdim, p;
    private final int[] kc, kdy, kdx;
    private final Epilogue ep;
    private final int bArg, zArg, yArg;
    private final boolean pointwise;
    private final Split split;
    private final WorkerPool pool;
    /** The weights prepacked in blocks of 8 rows (see {@link ShiftedConv}), or null to read them in place. */
    private final MemorySegment packedW;
    private final long packedGroup;
    /** Whether the activation is a clamp the micro-kernels can apply (none, Relu, Clip), and its bounds. */
    private final boolean fusable;
    private final float lo, hi;
    /** Zeros standing in for an absent bias. */
    private final MemorySegment zeros;
    /** The transposed form for a pointwise conv whose plane panels of positions fit badly, or null; its row table (channel offsets). */
    private final ChannelPanels channels;
    private final MemorySegment channelRows;

    GemmConv(Window2d g, int groups, int m, Act act, int bArg, int zArg, int yArg, org.ge4j.ir.Tensor weights, WorkerPool pool) {
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
        double flops = 2.0 * g.n() * m * p * kdim;
        channels = pointwise && weights != null && ChannelPanels.suits(p, mg) ? new ChannelPanels(weights.segment(), groups, mg, kdim) : null;
        if (channels != null) {
            channelRows = Specs.allocate(kdim * 8L);
            for (int kk = 0; kk < kdim; kk++) channelRows.set(Sgemm.ROW, kk * 8L, (long) kk * g.plane() * 4);
        } else channelRows = null;
        split = channels != null ? ChannelPanels.split(g.n() * groups, mg, flops, pool.threads())
                : Split.of(g.n() * groups, mg, Sgemm.panels(p), flops, pool.threads(), false);
        int kind = act.kind();
        fusable = FUSE_EPILOGUE && (kind == Act.NONE || kind == Act.RELU || kind == Act.CLIP);
        lo = kind == Act.RELU ? 0f : kind == Act.CLIP ? act.p0() : Float.NEGATIVE_INFINITY;
        hi = kind == Act.CLIP ? act.p1() : Float.POSITIVE_INFINITY;
        zeros = bArg < 0 ? Specs.allocate((long) m * 4) : null;
        packedGroup = Sgemm.packedABytes(mg, kdim);
        if (channels == null && weights != null && ShiftedConv.PACK_WEIGHTS && kdim <= 1152) {
            packedW = Specs.allocate(groups * packedGroup);
            for (int gi = 0; gi < groups; gi++)
                Sgemm.packA(weights.segment(), (long) gi * mg * kdim * 4, kdim * 4L, mg, kdim, packedW, gi * packedGroup);
        } else packedW = null;
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
        boolean epilogue = bias != null || z != null || !ep.trivial();
        if (channels != null) {
            boolean clamp = fusable;
            int c0 = r0 / 8 * NR, c1 = Math.min(mg, r1 / 8 * NR);
            channels.run(grp, x, xo, channelRows, r0 / 8, r1 / 8, p, y, yo, ldy, clamp, bias != null ? bias : zeros, (long) grp * mg * 4, z, lo, hi);
            if (epilogue && !clamp) {
                long co = yo + c0 * ldy;
                ep.apply(y, co, ldy, c1 - c0, p, bias, (long) (grp * mg + c0) * 4, 4, null, 0, z, co, ldy);
            }
            return;
        }
        MemorySegment panel = Scratch.get(0, Sgemm.panelBytes(kdim));
        // the bias starts each tile in registers, a residual and Relu/Clip go onto it right after the
        // micro-kernel (BiasTiles: no pass over C). -Dge4j.vector.fuseResidual=false leaves the residual to a
        // pass over several panels (mobilenet_v2's residual 1x1 convs: 3-28 % slower that way)
        boolean fused = epilogue && fusable && (z == null || fuseResidual);
        MemorySegment bseg = bias != null ? bias : zeros;
        long bbase = (long) grp * mg * 4;
        int q1 = split.panel1(c), pending = -1; // first column not yet through the epilogue
        for (int q = split.panel0(c); q < q1; q++) {
            int j0 = q * NR, wd = Math.min(NR, p - j0);
            // a last panel wider than one vector (7x7: 17 columns) is moved back to end at the plane's end: a
            // whole panel read in place, its first columns computed twice (the same values; not with a
            // residual, which may be the output buffer itself)
            if (wd > L && wd < NR && p >= NR && OVERLAP && fused && z == null && pointwise && tiles) {
                j0 = p - NR;
                wd = NR;
            }
            // a full panel of a pointwise conv is read in place: K rows of the input planes (they fit L1 for
            // the small K of the convs that would suffer most from the packing pass)
            boolean inPlace = pointwise && wd == NR && IN_PLACE && tiles && fused;
            if (!inPlace) {
                if (pointwise) Sgemm.packPanel(x, xo, plane, 4, cg, j0, wd, panel, 0);
                else im2col(x, xo, j0, wd, panel);
            }
            MemorySegment b = inPlace ? x : panel;
            long bo = inPlace ? xo + j0 * 4L : 0, ldb = inPlace ? plane : NR * 4L;
            if (fused && tiles) {
                for (int rs = r0; rs < r1; rs += MC) {
                    long co = yo + rs * ldy + j0 * 4L;
                    if (packedW != null)
                        BiasTiles.block(packedW, grp * packedGroup + (long) (rs / 8) * kdim * 32, 4, 32, kdim * 32L, b, bo, ldb,
                                y, co, ldy, Math.min(MC, r1 - rs), kdim, wd, bseg, bbase + rs * 4L, z, co, lo, hi);
                    else BiasTiles.block(w, wo + (long) rs * kdim * 4, kdim * 4L, 4, 8L * kdim * 4, b, bo, ldb,
                            y, co, ldy, Math.min(MC, r1 - rs), kdim, wd, bseg, bbase + rs * 4L, z, co, lo, hi);
                }
                continue;
            }
            if (fused && wd == NR) {
                for (int rs = r0; rs < r1; rs += MC) {
                    long co = yo + rs * ldy + j0 * 4L;
                    if (packedW != null)
                        Sgemm.blockBias(packedW, grp * packedGroup + (long) (rs / 8) * kdim * 32, 4, 32, kdim * 32L, panel, 0, NR * 4L,
                                y, co, ldy, Math.min(MC, r1 - rs), kdim, bseg, bbase + rs * 4L, z, co, lo, hi);
                    else Sgemm.blockBias(w, wo + (long) rs * kdim * 4, kdim * 4L, 4, 8L * kdim * 4, panel, 0, NR * 4L,
                            y, co, ldy, Math.min(MC, r1 - rs), kdim, bseg, bbase + rs * 4L, z, co, lo, hi);
                }
                continue;
            }
            if (pending < 0) pending = j0;
            for (int rs = r0; rs < r1; rs += MC) {
                if (packedW != null)
                    Sgemm.block(packedW, grp * packedGroup + (long) (rs / 8) * kdim * 32, 4, 32, kdim * 32L, panel, 0, NR * 4L,
                            y, yo + rs * ldy + j0 * 4L, ldy, Math.min(MC, r1 - rs), kdim, wd);
                else Sgemm.block(w, wo + (long) rs * kdim * 4, kdim * 4L, 4, panel, 0, NR * 4L, y, yo + rs * ldy + j0 * 4L, ldy, Math.min(MC, r1 - rs), kdim, wd);
            }
            // the epilogue over several panels at once: longer rows, fewer calls (the block is still in cache)
            if (epilogue && (fused || q == q1 - 1 || (q + 1 - split.panel0(c)) % EPILOGUE_PANELS == 0)) {
                long co = yo + r0 * ldy + pending * 4L;
                ep.apply(y, co, ldy, r1 - r0, j0 + wd - pending, bias, (long) (grp * mg + r0) * 4, 4, null, 0, z, co, ldy);
                pending = -1;
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
                    // zeros left of the image, a run of the row (every sw-th float), zeros right of it. (Masks
                    // are only ever made from non-negative offsets, and no load starts before the segment:
                    // both would take the Vector API's slow, allocating path.)
                    int a = iw0 >= 0 ? 0 : (-iw0 + sw - 1) / sw;
                    int b = iw0 >= w ? 0 : Math.min(len, (w - iw0 + sw - 1) / sw);
                    if (b <= a) a = b = len;
                    for (int i = 0; i < a; i++) dst.set(F, dt + i * 4L, 0f);
                    long s0 = src + (long) (iw0 + a * sw) * 4, d0 = dt + a * 4L;
                    int cnt = b - a;
                    if (sw == 1) {
                        for (int i = 0; i < cnt; i += L) {
                            VectorMask<Float> keep = S.indexInRange(i, cnt);
                            FloatVector.fromMemorySegment(S, x, s0 + i * 4L, LE, keep).intoMemorySegment(dst, d0 + i * 4L, LE, keep);
                        }
                    } else if (sw == 2 && s0 + 8L * ((cnt + L - 1) / L * L) <= x.byteSize()) {
                        copyEven(x, s0, dst, d0, cnt);
                    } else {
                        for (int i = 0; i < cnt; i++) dst.set(F, d0 + i * 4L, x.get(F, s0 + (long) i * sw * 4));
                    }
                    for (int i = b; i < len; i++) dst.set(F, dt + i * 4L, 0f);
                }
                t += len;
                oh++;
                owa = 0;
            }
        }
    }

    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);

    /** dst[i] = x[2 i] for i in [0, n) (floats from the byte offsets given); reads whole vector pairs. */
    static void copyEven(MemorySegment x, long xo, MemorySegment dst, long d, int n) {
        for (int i = 0; i < n; i += L) {
            long s = xo + 8L * i;
            FloatVector v = FloatVector.fromMemorySegment(S, x, s, LE).rearrange(EVEN, FloatVector.fromMemorySegment(S, x, s + L * 4L, LE));
            v.intoMemorySegment(dst, d + i * 4L, LE, S.indexInRange(i, n));
        }
    }

    /** Whether this conv runs in the transposed form ({@link ChannelPanels}). */
    boolean channelPanels() { return channels != null; }

    private static MemorySegment nullable(MemorySegment s) { return s == null || s == MemorySegment.NULL ? null : s; }
}
