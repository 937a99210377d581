package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.Sgemm.F;
import static org.ge4j.ops.vector.Sgemm.L;
import static org.ge4j.ops.vector.Sgemm.LE;
import static org.ge4j.ops.vector.Sgemm.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.KernelPaths;
import org.ge4j.ops.exec.NodeSpec;

/**
 * {@code ge4j::BlockedConv} with group 1 on a blocked input: a direct convolution over blocked tensors
 * (block b = the vector length L). Vectors run over output channels. The weights are packed at compile time
 * into groups of FB output blocks, {@code [group][ci block][kh][kw][ci lane][FB][co lane]}, so that one input
 * channel at one kernel tap is FB contiguous weight vectors; padded channels hold zero weights and zero bias.
 *
 * <p>The micro-kernel ({@link NchwcKernels}) computes P consecutive output positions of one output row for the
 * group's FB blocks in P·FB accumulator vectors: for each input block, kernel tap and input lane it broadcasts
 * one input value per position and does FB FMAs per position, and stores the raw sums (see {@link NchwcKernels}
 * for why). Bias, residual Z and the activation (Relu and Clip as a clamp in the same pass) run over each
 * finished row segment while it is in cache, and the padded output lanes are written back to zero when the
 * activation does not map 0 to 0.
 *
 * <p>Flat convs (below) pack their weights in groups of 1 to FB output blocks, whichever wastes the least
 * work ({@link #groupWidth}: a conv with 1 or 2 output blocks computed 4), and run the 1×1 kernels
 * {@code NchwcKernels.pwG}, which start from the bias: without residual they need no pass over the output
 * (Relu and Clip clamp each call's outputs while they are in L1); with one, a pass adds Z and clamps. Flat
 * convs whose weights are small take every group over a segment before the next segment (the segment's
 * input stays in L1), with segments of about 16 KB of input.
 *
 * <p>Kernel rows outside the input are skipped per output row. When the window overhangs the input's left or
 * right edge, each output row reads a zero-bordered copy of its input rows (a patch, in scratch) instead of the
 * input itself, so every position of the row takes the same taps. A 1×1 stride-1 unpadded conv treats the image
 * as one long row (a GEMM over the positions), cut into segments; a strided unpadded 1×1 conv does the same over
 * a subsampled copy of its input (in scratch, made once per run). Work units are (image, group, row); the pool
 * takes contiguous runs of them (a run keeps its group's weights in cache). When a group's weights pass
 * {@link #kSplitBytes} the input blocks are split into parts, each run over the group's whole plane.
 */
final class NchwcConv implements CompiledKernel, WorkerPool.Job {
    /** Output blocks per group (the accumulators of one position) of the convs that are not flat. */
    static final int FB = NchwcKernels.FB;
    /**
     * Relative FMA rate of the 1×1 kernels by output blocks per group (index: blocks - 1), with which a flat conv
     * picks its group width: the fewest wasted blocks, weighed by these. Measured (NchwcBench, whole groups):
     * 3 blocks ran at 0.97 of 4 at 576 input channels, 0.96-1.0 at 48 and 64, but 1.08 at 32, hence
     * {@link #PW_RATE_SMALL_K} up to 32.
     */
    private static final double[] PW_RATE = {0.6, 0.8, 0.96, 1.0}, PW_RATE_SMALL_K = {0.6, 0.8, 1.05, 1.0};
    /** Weight bytes (all groups) up to which a flat conv runs every group over a segment before the next segment. */
    private static final long SEG_OUTER_BYTES = 64 << 10;

    private final Window2d g;
    /** gw: output blocks per group (FB, or for a flat conv 1..FB); pwP: positions per 1×1 kernel call; seg: positions per flat segment. */
    private final int cb, mb, gw, groups, rows, pwP, seg;
    /** Input channels in the last input block (the flat kernels skip its padding lanes). */
    private final int lastLanes;
    /** Flat convs with small weights: a work unit is one segment of one image for every group. */
    private final boolean segOuter;
    /** flat: 1×1 convs as long rows over the plane; sub: a strided unpadded 1×1 conv, flat over a subsampled copy of X. */
    private final boolean flat, sub, patch;
    /** Bytes per image and per input block of what flat rows read (X, or the subsampled copy). */
    private final long fImg, fCb;
    private final int patchW;
    private final long patchRow, patchCb, patchBytes;
    private final long xImg, xCb, xRow, yImg, yBlock;
    private final MemorySegment w, bias;
    /** FB·L zeros: the bias of the second and later parts of flat rows. */
    private final MemorySegment zeros = Specs.allocate((long) FB * L * 4);
    private final long wGroup, wCb, wRow;
    private final Act act;
    /** Relu, Clip or no activation: a clamp to [lo, hi] as the bias is added; bounded: Relu or Clip. */
    private final boolean clamp, bounded, fixPad;
    /**
     * Flat rows clamp in the 1×1 kernel ({@code NchwcKernels.pwGc}) rather than in a pass after each call: Relu or
     * Clip, at most {@link #CLAMP_IN_KERNEL_BLOCKS} input blocks. Measured (NchwcBench, 1 thread, hot, Relu):
     * 16→96 67 → 72 GFLOP/s, 32→192 78 → 83, 64→384 88 → 90. With a loop per input block, bigger inputs got slower
     * (320→1280 at 7×7 98 → 63); since the kernels run one loop over all input lanes they gain too (320→1280 at 7×7
     * 109 → 111, 256→64 at 14×14 108 → 111), so every input size clamps in the kernel by default.
     */
    private final boolean clampInKernel;
    /**
     * Input blocks up to which a bounded flat conv clamps in its 1×1 kernel ({@link #clampInKernel};
     * {@code -Dge4j.nchwc.clampInKernelBlocks}, default all): a choice it reports ({@link #CLAMP_IN_KERNEL}), so a
     * warm-up miniature with fewer input blocks takes the original's path.
     */
    static final int CLAMP_IN_KERNEL_BLOCKS = Integer.getInteger("ge4j.nchwc.clampInKernelBlocks", Integer.MAX_VALUE);
    private final float lo, hi;
    private final VectorMask<Float> padLanes;
    private final int zArg, yArg;
    private final WorkerPool pool;
    private final int chunks;
    /**
     * Input blocks split into parts whose weights (per group) stay in L2: part p covers blocks
     * [p·cbPer, (p+1)·cbPer); with more than one part a work unit is a whole group's plane, each part over all
     * its rows before the next (the first stores the sums, the others add theirs through a tile in scratch).
     */
    private final int parts, cbPer, rowsPerUnit, unitRows, unitGroups;

    /**
     * Weight bytes per group above which the input blocks are split into parts ({@code -Dge4j.nchwc.kSplitBytes};
     * 0: never). Measured: resnet50's 3×3 512-channel layers (1.2 MB per group of 64 output channels) ran at
     * ~67 GFLOP/s inside the model without the split. Tests set this field.
     */
    static long kSplitBytes = Long.getLong("ge4j.nchwc.kSplitBytes", 448 << 10);

    /**
     * The choices a flat conv reports ({@link #paths}) and takes when forced on its node ({@link KernelPaths}): its
     * group width (output blocks per group), whether its units are segments of all groups, and when its plane has
     * several segments the positions of the last (a smaller plane gets several segments too, its last as long in
     * 1×1 kernel calls: whole ones, less than one, or more with a remainder: flatRow's three ways to end a
     * segment, and whether a bounded activation clamps in the 1×1 kernel ({@link #clampInKernel}); and any conv the
     * parts its input blocks are split into (a miniature takes as many as its input blocks allow).
     */
    static final String GROUP = KernelPaths.PREFIX + "nchwc_group", SEG_OUTER = KernelPaths.PREFIX + "nchwc_seg_outer",
            LAST_SEGMENT = KernelPaths.PREFIX + "nchwc_last_segment", PARTS = KernelPaths.PREFIX + "nchwc_parts",
            CLAMP_IN_KERNEL = KernelPaths.PREFIX + "nchwc_clamp_in_kernel";

    /**
     * The choices that decide a conv's code paths: flat (1×1 as long rows), its group width gw, positions per flat
     * segment, input blocks per part and parts, and segment-outer units; {@link #choose} makes them.
     */
    private record Choices(boolean flat, int gw, int seg, int cbPer, int parts, boolean segOuter, boolean clampInKernel) {}

    /** The choices for window g and m output channels, those forced in {@code forced} taken where the shape allows. */
    private static Choices choose(Window2d g, int m, KernelPaths forced) {
        int cb = (g.c() + L - 1) / L, mb = (m + L - 1) / L;
        boolean flat = g.pointwise() || g.kh() == 1 && g.kw() == 1 && g.pt() == 0 && g.pl() == 0 && (g.sh() > 1 || g.sw() > 1);
        long fg = forced.get(GROUP, 0);
        int gw = !flat ? FB : fg >= 1 && fg <= FB ? (int) fg : groupWidth(mb, cb), groups = (mb + gw - 1) / gw;
        int seg = segment(gw, cb), pwP = NchwcKernels.PW_POSITIONS[gw - 1];
        long plane = g.outPlane(), last = forced.get(LAST_SEGMENT, -1), r = plane % pwP;
        if (flat && last >= 0 && plane > pwP) {
            // the original's plane has several segments of whole calls, the last of `last` positions: so has this one (two
            // or more), its last segment of whole calls, shorter than one call, or longer with a remainder, like the original's
            // (where this plane allows no such split, the segments take the original's last kind of length at least)
            if (last % pwP == 0) seg = (int) (r == 0 ? pwP : pwP * (plane / pwP));
            else if (last < pwP) seg = (int) (r != 0 ? pwP * (plane / pwP) : plane - last);
            else seg = (int) (r != 0 && plane >= 4L * pwP ? pwP * ((plane - pwP - 1) / pwP) : Math.max(1, plane - pwP - 1));
        }
        long wGroup = (long) g.kh() * g.kw() * L * gw * L * 4 * cb;
        int cbPer = blocksPerPart(cb, wGroup, (int) Math.max(0, Math.min(1 << 16, forced.get(PARTS, 0))));
        int parts = (cb + cbPer - 1) / cbPer;
        long fo = forced.get(SEG_OUTER, -1);
        boolean segOuter = flat && parts == 1 && groups > 1 && (fo == 0 || fo == 1 ? fo == 1 : wGroup * groups <= SEG_OUTER_BYTES);
        long fc = forced.get(CLAMP_IN_KERNEL, -1);
        boolean clampIn = flat && (fc == 0 || fc == 1 ? fc == 1 : cb <= CLAMP_IN_KERNEL_BLOCKS);
        return new Choices(flat, gw, seg, cbPer, parts, segOuter, clampIn);
    }

    /** What {@link #paths} reports for choices {@code k} on window g with m output channels. */
    private static KernelPaths paths(Window2d g, int m, Choices k) {
        KernelPaths p = KernelPaths.NONE;
        if (k.parts() > 1) p = p.with(PARTS, k.parts());
        if (!k.flat()) return p;
        int groups = ((m + L - 1) / L + k.gw() - 1) / k.gw();
        p = p.with(GROUP, k.gw()).with(CLAMP_IN_KERNEL, k.clampInKernel() ? 1 : 0);
        if (k.parts() == 1 && groups > 1) p = p.with(SEG_OUTER, k.segOuter() ? 1 : 0);
        long plane = g.outPlane();
        if (plane > k.seg()) p = p.with(LAST_SEGMENT, plane % k.seg());
        return p;
    }

    private final Choices choices;

    private NchwcConv(Window2d g, int m, Act act, Tensor weights, Tensor b, int zArg, int yArg, WorkerPool pool, Choices choices) {
        this.choices = choices;
        this.g = g;
        this.act = act;
        this.zArg = zArg;
        this.yArg = yArg;
        this.pool = pool;
        cb = (g.c() + L - 1) / L;
        lastLanes = g.c() - (cb - 1) * L;
        mb = (m + L - 1) / L;
        sub = g.kh() == 1 && g.kw() == 1 && g.pt() == 0 && g.pl() == 0 && (g.sh() > 1 || g.sw() > 1);
        flat = choices.flat();
        gw = choices.gw();
        groups = (mb + gw - 1) / gw;
        pwP = NchwcKernels.PW_POSITIONS[gw - 1];
        seg = choices.seg();
        patch = !flat && (g.pl() > 0 || (g.ow() - 1) * g.sw() + (g.kw() - 1) * g.dw() >= g.w());
        rows = flat ? (g.outPlane() + seg - 1) / seg : g.oh();
        patchW = (g.ow() - 1) * g.sw() + (g.kw() - 1) * g.dw() + 1;
        patchRow = (long) patchW * L * 4;
        patchCb = patchRow * g.kh();
        patchBytes = patchCb * cb;
        xRow = (long) g.w() * L * 4;
        xCb = xRow * g.h();
        xImg = xCb * cb;
        yBlock = (long) g.outPlane() * L * 4;
        fCb = sub ? yBlock : xCb;
        fImg = fCb * cb;
        yImg = yBlock * mb;
        // packed weights [group][ci block][i][j][ci lane][FB][co lane]
        int kh = g.kh(), kw = g.kw(), c = g.c();
        wRow = (long) kw * L * gw * L * 4;
        wCb = wRow * kh;
        wGroup = wCb * cb;
        w = Specs.allocate(wGroup * groups);
        packWeights(weights.segment(), w, m, c, kh, kw, gw, wGroup, wCb, wRow);
        bias = Specs.allocate((long) groups * gw * L * 4);
        if (b != null) MemorySegment.copy(b.segment(), 0, bias, 0, (long) m * 4);
        int kind = act.kind();
        clamp = NchwcSupport.clamps(act);
        bounded = clamp && !act.isIdentity();
        clampInKernel = bounded && choices.clampInKernel();
        lo = NchwcSupport.lo(act);
        hi = NchwcSupport.hi(act);
        MemorySegment one = Specs.allocate(4);
        act.apply(one, 0, one, 0, 1);
        fixPad = m % L != 0 && one.get(F, 0) != 0f;
        padLanes = S.indexInRange(0, m % L == 0 ? L : m % L).not();
        double flops = 2.0 * g.n() * m * g.outPlane() * (double) c * kh * kw;
        cbPer = choices.cbPer();
        parts = choices.parts();
        rowsPerUnit = parts > 1 ? rows : 1;
        unitRows = (rows + rowsPerUnit - 1) / rowsPerUnit;
        segOuter = choices.segOuter();
        unitGroups = segOuter ? 1 : groups;
        int units = g.n() * unitGroups * unitRows;
        int threads = pool.threads();
        chunks = threads <= 1 || flops < Split.PARALLEL_MIN_FLOPS ? 1 : Math.min(units, (flops >= 64 * Split.PARALLEL_MIN_FLOPS ? 4 : 2) * threads);
    }

    /**
     * Weights [m, c, kh, kw] from src into w packed for group width gw. A method of its own so that the JIT compiles
     * this loop alone: inside the constructor C2 compiled the whole constructor three times while the model loaded
     * (twice on-stack), 60-75 ms each, the loading thread waiting (cold start, BENCHMARKS.md session 9).
     */
    private static void packWeights(MemorySegment src, MemorySegment w, int m, int c, int kh, int kw, int gw, long wGroup, long wCb, long wRow) {
        for (int o = 0; o < m; o++) {
            long go = (o / L / gw) * wGroup + ((o / L) % gw) * L * 4L + (o % L) * 4L;
            for (int ci = 0; ci < c; ci++)
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++) {
                        long d = go + (ci / L) * wCb + i * wRow + ((long) j * L + ci % L) * gw * L * 4;
                        w.set(F, d, src.get(F, (((long) o * c + ci) * kh + i) * kw * 4L + j * 4L));
                    }
        }
    }

    /** A fixed group width for flat convs (1..FB; 0: chosen per conv): {@code -Dge4j.nchwc.pwGroup}, for measuring. Tests set this field. */
    static int pwGroup = Integer.getInteger("ge4j.nchwc.pwGroup", 0);

    /** The group width of a flat conv with mb output blocks and cb input blocks: the fewest blocks computed, weighed by {@link #PW_RATE}. */
    static int groupWidth(int mb, int cb) {
        if (pwGroup >= 1 && pwGroup <= FB) return pwGroup;
        double[] rate = cb <= 2 ? PW_RATE_SMALL_K : PW_RATE;
        int best = FB;
        double bestCost = Double.MAX_VALUE;
        for (int w = FB; w >= 1; w--) {
            double cost = (double) ((mb + w - 1) / w) * w / rate[w - 1];
            if (cost < bestCost - 1e-9) {
                best = w;
                bestCost = cost;
            }
        }
        return best;
    }

    /** Positions per flat segment of a conv of group width gw over cb input blocks: input of about 16 KB (at least 80 positions), whole kernel calls. */
    static int segment(int gw, int cb) {
        int pwP = NchwcKernels.PW_POSITIONS[gw - 1], target = Math.max(80, 256 / cb);
        return pwP * ((target + pwP - 1) / pwP);
    }

    /** Input blocks per part for cb input blocks and wGroup weight bytes per group ({@link #kSplitBytes}), or for forceParts parts when that is positive. */
    private static int blocksPerPart(int cb, long wGroup, int forceParts) {
        long split = kSplitBytes;
        int want = forceParts > 0 ? Math.min(cb, forceParts) : split > 0 ? (int) Math.min(cb, (wGroup + split - 1) / split) : 1;
        return (cb + Math.max(1, want) - 1) / Math.max(1, want);
    }

    /** The kernel for a BlockedConv node with group 1 and a blocked input, or null (the reference kernel runs). */
    static CompiledKernel compile(NodeSpec s) {
        NchwcSupport.GroupConv o = NchwcSupport.GroupConv.of(s, null);
        if (o == null) return null;
        return new NchwcConv(o.g(), o.m(), o.act(), o.weights(), o.bias(), o.z(), s.inputs().size(), WorkerPool.shared(), choose(o.g(), o.m(), KernelPaths.forcedOn(s)));
    }

    /** What {@link #compile} would report for node s ({@link #paths()}), without packing its weights; null when it declines. */
    static KernelPaths paths(NodeSpec s) {
        NchwcSupport.GroupConv o = NchwcSupport.GroupConv.of(s, null);
        return o == null ? null : paths(o.g(), o.m(), choose(o.g(), o.m(), KernelPaths.forcedOn(s)));
    }

    @Override public KernelPaths paths() { return paths(g, mb * L, choices); }

    /**
     * The 1×1 stride-1 unpadded conv of window g (C to m channels) for a kernel that runs it on pieces of its
     * plane ({@link #pointwiseRow}), or null when this conv would not take it row by row: its weights split into
     * parts, or an activation that is not a clamp keeping 0 (the padded lanes must come out zero). Its group width
     * forced in {@code forced} ({@link #GROUP}) taken.
     */
    static NchwcConv pointwise(Window2d g, int m, Act act, Tensor weights, Tensor b, WorkerPool pool, KernelPaths forced) {
        if (!g.pointwise() || act == null) return null;
        NchwcConv k = new NchwcConv(g, m, act, weights, b, -1, -1, pool, choose(g, m, pointwiseForced(forced)));
        return k.parts == 1 && k.clamp && !k.fixPad && k.lo <= 0 && k.hi >= 0 ? k : null;
    }

    /**
     * The choices {@link #pointwise} would take for window g and m output channels, for the kernel that runs it to
     * report: the group width and whether a bounded activation clamps in the 1×1 kernel.
     */
    static KernelPaths pointwisePaths(Window2d g, int m, KernelPaths forced) { return pointwisePaths(choose(g, m, pointwiseForced(forced))); }

    /** What a kernel that runs this conv ({@link #pointwise}) on pieces of its plane reports. */
    KernelPaths pointwisePaths() { return pointwisePaths(choices); }

    private static KernelPaths pointwisePaths(Choices k) { return KernelPaths.of(GROUP, k.gw()).with(CLAMP_IN_KERNEL, k.clampInKernel() ? 1 : 0); }

    /** Only the group width and in-kernel clamp of forced choices (a kernel that runs the conv on pieces of its plane takes no other). */
    private static KernelPaths pointwiseForced(KernelPaths forced) {
        long gw = forced.get(GROUP, 0), clampIn = forced.get(CLAMP_IN_KERNEL, -1);
        KernelPaths p = gw > 0 ? KernelPaths.of(GROUP, gw) : KernelPaths.NONE;
        return clampIn >= 0 ? p.with(CLAMP_IN_KERNEL, clampIn) : p;
    }

    /** Output blocks per group and groups of this conv's packed weights. */
    int groupWidth() { return gw; }

    int groups() { return groups; }

    /** Input channels (C). */
    int inputChannels() { return g.c(); }

    /**
     * len consecutive positions of image n from plane position p0, the output blocks of group grp, into dst
     * (block f of the group at {@code dstOff + f·dstBlock}, positions L·4 bytes apart): bias and clamp applied.
     * Only for a kernel made by {@link #pointwise}; scratch slot 0 is taken.
     */
    void pointwiseRow(MemorySegment x, int n, long p0, int len, int grp, MemorySegment dst, long dstOff, long dstBlock) {
        int nb = Math.min(gw, mb - gw * grp), groups = len / pwP;
        long xo = n * fImg + p0 * L * 4L, wo = grp * wGroup, bo = grp * (long) gw * L * 4;
        if (!pwRows || !clampInKernel || groups < 2) {
            flatRow(x, xo, fCb, cb, lastLanes, wo, dst, dstOff, dstBlock, nb, bias, bo, len, true);
            return;
        }
        switch (gw) {
            case 1 -> NchwcKernels.pw1cr(x, xo, fCb, cb, lastLanes, w, wo, dst, dstOff, dstBlock, nb, bias, bo, lo, hi, groups);
            case 2 -> NchwcKernels.pw2cr(x, xo, fCb, cb, lastLanes, w, wo, dst, dstOff, dstBlock, nb, bias, bo, lo, hi, groups);
            case 3 -> NchwcKernels.pw3cr(x, xo, fCb, cb, lastLanes, w, wo, dst, dstOff, dstBlock, nb, bias, bo, lo, hi, groups);
            default -> NchwcKernels.pw4cr(x, xo, fCb, cb, lastLanes, w, wo, dst, dstOff, dstBlock, nb, bias, bo, lo, hi, groups);
        }
        if (groups * pwP < len) { // the last pwP positions again (the kernels only store)
            long back = (len - pwP) * L * 4L;
            pw(x, xo + back, fCb, cb, lastLanes, wo, dst, dstOff + back, dstBlock, nb, bias, bo, true);
        }
    }

    /**
     * Whether {@link #pointwiseRow} runs a row's groups of positions in one call ({@code NchwcKernels.pwGcr}):
     * {@code -Dge4j.nchwc.pwRows=true}. Off by default: it made mobilenet_v2's steady run ~0.7 % faster, but C2 then
     * compiles the four pwGcr kernels next to the pwGc ones (the tails and the plain 1x1 convs), and a cold
     * {@code ge4j run mobilenet_v2.om} took 2.2 -> 2.6 s, 140 -> 144-151 MB peak RSS (BENCHMARKS.md, session 8).
     */
    static boolean pwRows = Boolean.parseBoolean(System.getProperty("ge4j.nchwc.pwRows", "false"));

    /** The per-run state handed to the workers: the arguments and what flat rows read. */
    private static final class Run {
        MemorySegment[] args;
        MemorySegment x;
    }

    private static final ThreadLocal<Run> RUN = ThreadLocal.withInitial(Run::new);

    @Override public void run(MemorySegment[] args) {
        Run r = RUN.get();
        r.args = args;
        r.x = args[0];
        try {
            if (sub) {
                r.x = Scratch.get(1, g.n() * fImg);
                subsample(args[0], r.x);
            }
            if (chunks > 1) pool.run(this, r, chunks);
            else units(r, 0, g.n() * unitGroups * unitRows);
        } finally {
            r.args = null;
            r.x = null;
        }
    }

    @Override public void run(Object ctx, int chunk, int n) {
        long units = (long) g.n() * unitGroups * unitRows;
        units((Run) ctx, (int) (units * chunk / n), (int) (units * (chunk + 1) / n));
    }

    /** dst[n, c, oh·OW + ow] = X[n, c, oh·sh, ow·sw] (one vector of L lanes each). */
    private void subsample(MemorySegment x, MemorySegment dst) {
        long v = L * 4L, d = 0;
        for (int n = 0; n < g.n(); n++)
            for (int c = 0; c < cb; c++)
                for (int oh = 0; oh < g.oh(); oh++) {
                    long s = n * xImg + c * xCb + (long) oh * g.sh() * xRow, step = g.sw() * v;
                    for (int ow = 0; ow < g.ow(); ow++, s += step, d += v) FloatVector.fromMemorySegment(S, x, s, LE).intoMemorySegment(dst, d, LE);
                }
    }

    private void units(Run run, int u0, int u1) {
        MemorySegment[] args = run.args;
        MemorySegment x = run.x, y = args[yArg];
        MemorySegment z = zArg >= 0 ? nullable(args[zArg]) : null;
        MemorySegment buf = patch ? Scratch.get(0, patchBytes) : null;
        for (int u = u0; u < u1; u++) {
            int ru = u % unitRows, ug = u / unitRows % unitGroups, n = u / unitRows / unitGroups;
            if (segOuter) {
                for (int grp = 0; grp < groups; grp++) row(x, y, z, buf, n, grp, ru, 0, cb, true, true);
                continue;
            }
            int r0 = ru * rowsPerUnit, r1 = Math.min(rows, r0 + rowsPerUnit);
            for (int p = 0; p < parts; p++)
                for (int r = r0; r < r1; r++) row(x, y, z, buf, n, ug, r, p * cbPer, Math.min(cb, (p + 1) * cbPer), p == 0, p == parts - 1);
        }
    }

    /**
     * Output row r (a segment of the plane when flat) of image n, the blocks of group grp, input blocks [c0, c1):
     * stored when first, else added; bias, residual and activation applied when last.
     */
    private void row(MemorySegment x, MemorySegment y, MemorySegment z, MemorySegment buf, int n, int grp, int r, int c0, int c1,
                     boolean first, boolean last) {
        int nb = Math.min(gw, mb - gw * grp);
        long yo = n * yImg + gw * grp * yBlock, wo = grp * wGroup;
        MemorySegment src = x;
        long xo, ps, cbs, rowStep, colStep;
        int len, nrows, kw;
        if (flat) {
            int p0 = r * seg;
            len = Math.min(seg, g.outPlane() - p0);
            xo = n * fImg + p0 * (long) L * 4;
            yo += p0 * (long) L * 4;
            ps = L * 4L;
            cbs = fCb;
            rowStep = 0;
            colStep = 0;
            nrows = 1;
            kw = 1;
        } else {
            len = g.ow();
            int top = r * g.sh() - g.pt(); // input row of kernel row 0
            int i0 = Math.max(0, (-top + g.dh() - 1) / g.dh()), i1 = Math.min(g.kh(), (g.h() - 1 - top) / g.dh() + 1);
            if (top > g.h() - 1) i1 = 0;
            nrows = Math.max(0, i1 - i0);
            wo += i0 * wRow;
            yo += (long) r * g.ow() * L * 4;
            ps = (long) g.sw() * L * 4;
            colStep = (long) g.dw() * L * 4;
            kw = g.kw();
            if (patch) {
                fillPatch(x, n, top, i0, i1, buf, c0, c1);
                src = buf;
                xo = i0 * patchRow;
                cbs = patchCb;
                rowStep = patchRow;
            } else {
                xo = n * xImg + (long) (top + i0 * g.dh()) * xRow - (long) g.pl() * L * 4;
                cbs = xCb;
                rowStep = g.dh() * xRow;
            }
        }
        // the kernels add the bias and clamp (not before a residual is added), else finish does
        boolean raw = NchwcKernels.RAW || parts > 1;
        xo += c0 * cbs;
        wo += c0 * wCb;
        int ncb = c1 - c0;
        // the first part stores into Y; the others into a tile [f][position][lane] in scratch, then added to Y
        MemorySegment ty = first ? y : Scratch.get(2, (long) gw * len * L * 4);
        long tyo = first ? yo : 0, tb = first ? yBlock : (long) len * L * 4;
        long bo = grp * (long) gw * L * 4, kbo = raw ? 0 : bo;
        if (flat) {
            flatRow(src, xo, cbs, ncb, c1 == cb ? lastLanes : L, wo, ty, tyo, tb, nb, first ? bias : zeros, first ? bo : 0, len, z == null && last && parts == 1);
            if (!first)
                for (int f = 0; f < nb; f++) addTile(ty, f * tb, y, yo + f * yBlock, len);
            if (last) epilogue(y, z, yo, len, grp, nb, z != null || parts > 1 ? -1 : -2);
            return;
        }
        MemorySegment kb = raw ? zeros : bias;
        float klo = z == null && !raw ? lo : Float.NEGATIVE_INFINITY, khi = z == null && !raw ? hi : Float.POSITIVE_INFINITY;
        int ow = 0;
        long step = NchwcKernels.P * ps;
        int colStride = g.sw();
        int main = mainPositions(len);
        if (colStride == 1 && kw == 3 && colStep == L * 4L && NchwcKernels.RAW)
            for (; ow < main; ow += NchwcKernels.P, xo += step)
                NchwcKernels.s1k3(src, xo, cbs, ncb, rowStep, nrows, w, wo, wCb, wRow, ty, tyo + ow * (long) L * 4, tb, nb);
        else if (colStride == 2 && kw == 3 && colStep == L * 4L && NchwcKernels.RAW)
            for (; ow < main; ow += NchwcKernels.P, xo += step)
                NchwcKernels.s2k3(src, xo, cbs, ncb, rowStep, nrows, w, wo, wCb, wRow, ty, tyo + ow * (long) L * 4, tb, nb);
        else if (colStride == 1)
            for (; ow < main; ow += NchwcKernels.P, xo += step)
                NchwcKernels.s1(src, xo, cbs, ncb, rowStep, nrows, colStep, kw, w, wo, wCb, wRow,
                        ty, tyo + ow * (long) L * 4, tb, nb, kb, kbo, klo, khi);
        else if (colStride == 2)
            for (; ow < main; ow += NchwcKernels.P, xo += step)
                NchwcKernels.s2(src, xo, cbs, ncb, rowStep, nrows, colStep, kw, w, wo, wCb, wRow,
                        ty, tyo + ow * (long) L * 4, tb, nb, kb, kbo, klo, khi);
        while (ow < len) { // the rest (all positions at strides above 2): the tail kernels, variable stride
            int rest = len - ow, k = Math.min(NchwcKernels.P - 1, rest >= NchwcKernels.P ? (rest + 1) / 2 : rest);
            long yp = tyo + ow * (long) L * 4;
            if (k > 1 && kw == 3 && colStep == L * 4L && NchwcKernels.RAW) // the tails of a 3-column kernel: one loop per row
                switch (k) {
                    case 4 -> NchwcKernels.t4k3(src, xo, ps, cbs, ncb, rowStep, nrows, w, wo, wCb, wRow, ty, yp, tb, nb);
                    case 3 -> NchwcKernels.t3k3(src, xo, ps, cbs, ncb, rowStep, nrows, w, wo, wCb, wRow, ty, yp, tb, nb);
                    default -> NchwcKernels.t2k3(src, xo, ps, cbs, ncb, rowStep, nrows, w, wo, wCb, wRow, ty, yp, tb, nb);
                }
            else switch (k) {
                case 4 -> NchwcKernels.t4(src, xo, ps, cbs, ncb, rowStep, nrows, colStep, kw, w, wo, wCb, wRow, ty, yp, tb, nb, kb, kbo, klo, khi);
                case 3 -> NchwcKernels.t3(src, xo, ps, cbs, ncb, rowStep, nrows, colStep, kw, w, wo, wCb, wRow, ty, yp, tb, nb, kb, kbo, klo, khi);
                case 2 -> NchwcKernels.t2(src, xo, ps, cbs, ncb, rowStep, nrows, colStep, kw, w, wo, wCb, wRow, ty, yp, tb, nb, kb, kbo, klo, khi);
                default -> NchwcKernels.p1(src, xo, cbs, ncb, rowStep, nrows, colStep, kw, w, wo, wCb, wRow, ty, yp, tb, nb, kb, kbo, klo, khi);
            }
            ow += k;
            xo += k * ps;
        }
        if (!first)
            for (int f = 0; f < nb; f++) addTile(ty, f * tb, y, yo + f * yBlock, len);
        if (last) epilogue(y, z, yo, len, grp, nb, raw ? bo : z != null ? -1 : -2);
    }

    /**
     * What is left to do over a finished row segment of Y: the bias at bo (-1: already added) and Z added and the
     * clamp applied (bo = -2: all done by the kernel), the activation when it is not a clamp, the padded lanes.
     */
    private void epilogue(MemorySegment y, MemorySegment z, long yo, int len, int grp, int nb, long bo) {
        for (int f = 0; f < nb; f++) {
            long yf = yo + f * yBlock;
            if (bo != -2) finish(y, yf, len, bo >= 0 ? bo + f * (long) L * 4 : -1, z);
            if (!clamp) act.apply(y, yf, y, yf, (long) len * L);
        }
        if (fixPad && gw * grp + nb == mb) {
            long lb = yo + (nb - 1) * yBlock;
            FloatVector zero = FloatVector.zero(S);
            for (int p = 0; p < len; p++) zero.intoMemorySegment(y, lb + p * (long) L * 4, LE, padLanes);
        }
    }

    /**
     * len positions of a flat row (1×1 over consecutive positions) for the group's nb blocks: sum + bias (at bo
     * in bias), clamped to [lo, hi] when clampHere. The last positions that do not fill a kernel call are the
     * end of a call that overlaps the one before; in a row shorter than a call they go through a copy of their
     * input in scratch and a tile of its outputs.
     */
    private void flatRow(MemorySegment x, long xo, long cbs, int ncb, int ln, long wo, MemorySegment y, long yo, long yb, int nb, MemorySegment b, long bo,
                         int len, boolean clampHere) {
        long v = L * 4L;
        int ow = 0;
        for (; ow + pwP <= len; ow += pwP) pw(x, xo + ow * v, cbs, ncb, ln, wo, y, yo + ow * v, yb, nb, b, bo, clampHere);
        if (ow == len) return;
        if (ow > 0) { // the last pwP positions again (the kernels only store: positions computed twice get the same values)
            ow = len - pwP;
            pw(x, xo + ow * v, cbs, ncb, ln, wo, y, yo + ow * v, yb, nb, b, bo, clampHere);
            return;
        }
        int rest = len - ow;
        long tcb = pwP * v, xt = tcb * ncb;
        MemorySegment t = Scratch.get(0, xt + gw * tcb);
        FloatVector zero = FloatVector.zero(S);
        for (int c = 0; c < ncb; c++) {
            long s = xo + ow * v + c * cbs, d = c * tcb;
            // (two loops, no branch inside: C2's profile-based loop predicate for one kept failing, ~15 recompilations)
            int p = 0;
            for (; p < rest; p++) FloatVector.fromMemorySegment(S, x, s + p * v, LE).intoMemorySegment(t, d + p * v, LE);
            for (; p < pwP; p++) zero.intoMemorySegment(t, d + p * v, LE);
        }
        pw(t, 0, tcb, ncb, ln, wo, t, xt, tcb, nb, b, bo, clampHere);
        for (int f = 0; f < nb; f++)
            for (int p = 0; p < rest; p++)
                FloatVector.fromMemorySegment(S, t, xt + f * tcb + p * v, LE).intoMemorySegment(y, yo + f * yb + (ow + p) * v, LE);
    }

    /** One call of the 1×1 kernel of this conv's group width; its outputs clamped to [lo, hi] (by the kernel) when clampHere and the activation is Relu or Clip. */
    private void pw(MemorySegment x, long xo, long cbs, int ncb, int ln, long wo, MemorySegment y, long yo, long yb, int nb, MemorySegment b, long bo,
                    boolean clampHere) {
        if (clampHere && clampInKernel)
            switch (gw) {
                case 1 -> NchwcKernels.pw1c(x, xo, cbs, ncb, ln, w, wo, y, yo, yb, nb, b, bo, lo, hi);
                case 2 -> NchwcKernels.pw2c(x, xo, cbs, ncb, ln, w, wo, y, yo, yb, nb, b, bo, lo, hi);
                case 3 -> NchwcKernels.pw3c(x, xo, cbs, ncb, ln, w, wo, y, yo, yb, nb, b, bo, lo, hi);
                default -> NchwcKernels.pw4c(x, xo, cbs, ncb, ln, w, wo, y, yo, yb, nb, b, bo, lo, hi);
            }
        else
            switch (gw) {
                case 1 -> NchwcKernels.pw1(x, xo, cbs, ncb, ln, w, wo, y, yo, yb, nb, b, bo);
                case 2 -> NchwcKernels.pw2(x, xo, cbs, ncb, ln, w, wo, y, yo, yb, nb, b, bo);
                case 3 -> NchwcKernels.pw3(x, xo, cbs, ncb, ln, w, wo, y, yo, yb, nb, b, bo);
                default -> NchwcKernels.pw4(x, xo, cbs, ncb, ln, w, wo, y, yo, yb, nb, b, bo);
            }
        if (clampHere && bounded && !clampInKernel) { // while the call's outputs are in L1
            long v = L * 4L;
            for (int f = 0; f < nb; f++)
                for (long o = yo + f * yb, end = o + pwP * v; o < end; o += v)
                    NchwcSupport.clamp(FloatVector.fromMemorySegment(S, y, o, LE), lo, hi).intoMemorySegment(y, o, LE);
        }
    }

    /**
     * The positions of a row of len that the P-position kernels take: whole groups of P, but one group fewer when
     * 1-3 positions would be left, so that the tail kernels get 2 × 3-4 positions instead of one call of 1-3. (A
     * call streams the group's weights once for its positions: measured, rows of 7 as 5 + 2 ran the 2-position
     * call at about half the FMA rate, weight bound.)
     */
    private static int mainPositions(int len) {
        int p = NchwcKernels.P, groups = len / p, rest = len % p;
        if (groups > 0 && rest > 0 && rest < p - 1) groups--;
        return groups * p;
    }

    /** Y[p] += tile[p] for the len positions of one block's row segment. */
    private static void addTile(MemorySegment t, long to, MemorySegment y, long yo, int len) {
        long v = L * 4L;
        for (int p = 0; p < len; p++)
            FloatVector.fromMemorySegment(S, y, yo + p * v, LE).add(FloatVector.fromMemorySegment(S, t, to + p * v, LE)).intoMemorySegment(y, yo + p * v, LE);
    }

    /**
     * Y = clamp(Y + bias + Z, lo, hi) over the len positions of one block's row segment at yo: the bias at bo
     * (bo &lt; 0: already added), Z optional, read at Y's offsets.
     */
    private void finish(MemorySegment y, long yo, int len, long bo, MemorySegment z) {
        FloatVector b = FloatVector.fromMemorySegment(S, bias, Math.max(bo, 0), LE).mul(bo < 0 ? 0f : 1f);
        long v = L * 4L, end = yo + len * v;
        if (z == null)
            for (long o = yo; o < end; o += v) NchwcSupport.clamp(FloatVector.fromMemorySegment(S, y, o, LE).add(b), lo, hi).intoMemorySegment(y, o, LE);
        else if (!bounded) // no clamp: a residual add of a linear conv (the projections of inverted-residual blocks)
            for (long o = yo; o < end; o += v)
                FloatVector.fromMemorySegment(S, y, o, LE).add(b).add(FloatVector.fromMemorySegment(S, z, o, LE)).intoMemorySegment(y, o, LE);
        else
            for (long o = yo; o < end; o += v)
                NchwcSupport.clamp(FloatVector.fromMemorySegment(S, y, o, LE).add(b).add(FloatVector.fromMemorySegment(S, z, o, LE)), lo, hi).intoMemorySegment(y, o, LE);
    }

    /**
     * Copies input rows {@code top + i·dh} for kernel rows i in [i0, i1) of every input block of image n into the
     * patch: patch[cb][i][col] = X[n, cb, row, col - pl] for the patch's columns, zero outside the input.
     */
    private void fillPatch(MemorySegment x, int n, int top, int i0, int i1, MemorySegment buf, int cFrom, int cTo) {
        int pl = g.pl(), w = g.w();
        int c0 = Math.min(patchW, pl), c1 = Math.max(c0, Math.min(patchW, pl + w)); // patch columns inside the input
        FloatVector zero = FloatVector.zero(S);
        long v = L * 4L;
        for (int c = cFrom; c < cTo; c++)
            for (int i = i0; i < i1; i++) {
                long d = c * patchCb + i * patchRow, s = n * xImg + c * xCb + (long) (top + i * g.dh()) * xRow + (long) (c0 - pl) * v;
                for (int col = 0; col < c0; col++) zero.intoMemorySegment(buf, d + col * v, LE);
                for (int col = c0; col < c1; col++, s += v) FloatVector.fromMemorySegment(S, x, s, LE).intoMemorySegment(buf, d + col * v, LE);
                for (int col = c1; col < patchW; col++) zero.intoMemorySegment(buf, d + col * v, LE);
            }
    }

    private static MemorySegment nullable(MemorySegment s) { return s == null || s == MemorySegment.NULL ? null : s; }
}
