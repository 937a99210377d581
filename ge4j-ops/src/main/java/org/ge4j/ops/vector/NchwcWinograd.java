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
 * {@code ge4j::BlockedConv} with group 1, a blocked input and a 3×3 stride-1 undilated window, by Winograd's
 * minimal filtering F(4×4, 3×3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2015):
 * each 4×4 output tile is {@code Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A} for the 6×6 input tile d, so the 36 products per
 * input/output channel pair replace 144 multiply-adds of the direct conv (4× fewer); or F(2×2, 3×3) (4×4 input
 * tiles, 16 products for 36: 2.25× fewer) for convs whose F(4×4) weights would pass {@link #bigTileMaxBytes}.
 *
 * <p>A lane is a channel, so every transform is vector adds and FMAs over L channels at once. The weights are
 * transformed once here into {@code U[group][p][ci][FB][co lane]} (p = the positions of the input tile, groups of
 * FB output blocks; padded channels zero). A run takes strips of T consecutive tiles (row-major over the tile
 * grid): the strip's input tiles are transformed into {@code V[p][ci block][tile][lane]} (scratch), then for each
 * group and position a GEMM {@code M[p] = V[p] × U[p]} (the micro-kernel: 5 tiles × FB output blocks of
 * accumulators, one broadcast input value per tile and input channel, FB weight vectors), then the output
 * transform adds bias and residual, applies the activation and writes the tile into Y (only its positions inside
 * the output). Tiles that overhang the input are read through a zero-bordered copy. Work items are (image, strip,
 * group, micro-kernel call); the pool takes contiguous runs of them of equal work (see {@link #chunkStarts}). On
 * several threads, a conv of one strip, few groups and large weights (googlenet's 14×14 3×3s) is split by output
 * blocks instead, U then in groups of 2 blocks ({@link #blocks}).
 *
 * <p>Rounding: F(4×4)'s transforms multiply by up to 8 (Aᵀ) and 5 (Bᵀ) and divide by 24 (G), so the rounding error
 * grows with the sum of the terms' magnitudes rather than with the output (see NchwcWinogradTest's tolerance);
 * resnet50's logits differ from ONNX Runtime's by at most 7.6e-5 instead of 3.7e-5 with the direct conv.
 */
final class NchwcWinograd implements CompiledKernel, WorkerPool.Job {
    /** Output blocks per group (the accumulators of one tile). */
    static final int FB = 4;
    /** Tiles per micro-kernel call. */
    static final int P = 5;
    /** F(4×4, 3×3): input tile side and output tile side. */
    private static final int A = 6, OT = 4;
    private static final long VB = L * 4L;
    /** The transforms' constants. */
    private static final FloatVector K2 = FloatVector.broadcast(S, 2f), KM2 = FloatVector.broadcast(S, -2f), K4 = FloatVector.broadcast(S, 4f),
            KM4 = FloatVector.broadcast(S, -4f), KM5 = FloatVector.broadcast(S, -5f), K8 = FloatVector.broadcast(S, 8f);

    /**
     * Whether BlockedCompilers dispatches eligible 3×3 convs here ({@code -Dge4j.nchwc.winograd=false}: never).
     * Tests set this field.
     */
    static boolean enabled = Boolean.parseBoolean(System.getProperty("ge4j.nchwc.winograd", "true"));
    /** Tests set this to bypass the shape rule of {@link #profitable(Window2d, int)}. */
    static boolean force;
    /**
     * Transformed-weight bytes of F(4×4, 3×3) above which a conv takes F(2×2, 3×3) instead
     * ({@code -Dge4j.nchwc.winogradBigTileMaxBytes}). F(4×4) keeps 4× the direct conv's weights, F(2×2) 16/9×.
     * Measured (WinogradBench, cold, direct = 1): 256→256 @14 F(4×4) 2.02, F(2×2) 1.68; 512→512 @7 1.96 and 1.35;
     * resnet50's peak RSS (.om run) 224 MB direct, 337 MB all F(4×4), 271 MB with 4-8 MB here (its 256- and
     * 512-channel layers in F(2×2)), for ~3 % of its latency. 8 MB keeps googlenet's 3×3s up to 160→320 in F(4×4).
     */
    static long bigTileMaxBytes = Long.getLong("ge4j.nchwc.winogradBigTileMaxBytes", 8L << 20);
    /**
     * Bytes of transformed input and products per strip ({@code -Dge4j.nchwc.winogradStripBytes}): the strip's tile
     * count. Measured (WinogradBench, cold): 256 KB beat 512-1024 KB by 5-15 % on 16-64 channels at 55-56, and for
     * 256 channels at 14 one strip of all 16 tiles (740 KB) beat strips of 5 by ~20 %.
     */
    static long stripBytes = Long.getLong("ge4j.nchwc.winogradStripBytes", 256 << 10);

    private final Window2d g;
    /** Input tile side (6 for F(4×4, 3×3), 4 for F(2×2, 3×3)), output tile side, positions of a tile. */
    private final int a, ot, np;
    private final int cb, mb, groups, tilesW, tiles, strip, strips, calls, items;
    private final MemorySegment u, bias;
    /** Output blocks per group of U: {@link #FB}, or 2 when split by output blocks (a pair's weights contiguous). */
    private final int fb;
    private final long uPos, uGroup, xImg, xCb, xRow, yImg, yBlock, yRow;
    private final Act act;
    private final boolean clamp, fixPad;
    private final float lo, hi;
    private final VectorMask<Float> padLanes;
    private final int zArg, yArg;
    private final WorkerPool pool;
    private final int chunks;
    /** The first item of each chunk, and the item count at the end ({@link #chunks} + 1 entries). */
    private final int[] chunkStart;
    /** Whether a run is split by output blocks ({@link #blocks}) rather than by items ({@link #items}). */
    private final boolean blockSplit;

    private NchwcWinograd(Window2d g, int m, int out, int strip, int split, Act act, Tensor weights, Tensor b, int zArg, int yArg, WorkerPool pool) {
        this.g = g;
        ot = out;
        a = out + 2;
        np = a * a;
        this.act = act;
        this.zArg = zArg;
        this.yArg = yArg;
        this.pool = pool;
        int c = g.c();
        cb = (c + L - 1) / L;
        mb = (m + L - 1) / L;
        groups = (mb + FB - 1) / FB;
        tilesW = (g.ow() + ot - 1) / ot;
        tiles = tiles(g, ot);
        xRow = (long) g.w() * VB;
        xCb = xRow * g.h();
        xImg = xCb * cb;
        yRow = (long) g.ow() * VB;
        yBlock = yRow * g.oh();
        yImg = yBlock * mb;
        this.strip = strip; // choose(): strips of equal tile counts (see strip(int, int, int))
        strips = (tiles + strip - 1) / strip;
        calls = calls(strip);
        items = g.n() * strips * groups * calls;
        double flops = 2.0 * g.n() * m * g.outPlane() * (double) c * 9;
        int threads = pool.threads();
        boolean par = threads > 1 && flops >= parallelMinFlops;
        int want = par ? (flops >= 64 * Split.PARALLEL_MIN_FLOPS ? 4 : 2) * threads : 1;
        blockSplit = split == 1; // choose(): forced on the node, or blockSplit(...)
        // U[group][p][ci][f][lane], ci over cb·L input channels, groups of FB output blocks, or of 2 for the block split
        fb = blockSplit ? 2 : FB;
        int ug = (mb + fb - 1) / fb;
        uPos = (long) cb * L * fb * VB;
        uGroup = uPos * np;
        u = Specs.allocate(uGroup * ug);
        transformWeights(weights.segment(), m, c, out == OT ? G4 : G2, ug);
        bias = Specs.allocate((long) ug * fb * VB);
        if (b != null) MemorySegment.copy(b.segment(), 0, bias, 0, (long) m * 4);
        clamp = NchwcSupport.clamps(act);
        lo = NchwcSupport.lo(act);
        hi = NchwcSupport.hi(act);
        MemorySegment one = Specs.allocate(4);
        act.apply(one, 0, one, 0, 1);
        fixPad = m % L != 0 && one.get(F, 0) != 0f;
        padLanes = S.indexInRange(0, m % L == 0 ? L : m % L).not();
        chunkStart = blockSplit ? blockChunks(Math.min(g.n() * mb, Math.max(1, splitChunksPerThread * threads))) : chunkStarts(want);
        chunks = chunkStart.length - 1;
    }

    /**
     * Whether a conv of one strip of more than 4 tiles per image with fewer than 4 (image, group) units per thread
     * and at least {@link #splitMinBytes} of weights, run on several threads, is split by output blocks
     * ({@code -Dge4j.nchwc.winogradBlockSplit=false}: never, {@code =force}: every conv, on one thread too, for
     * measuring): see {@link #blocks}. Layers of 4 tiles (7×7 in F(4×4)) stay split by groups: split by blocks
     * (2 blocks × 4 tiles per call) they measured 7-15 % slower, their few groups already one chunk each.
     */
    static boolean blockSplitEnabled = !"false".equals(System.getProperty("ge4j.nchwc.winogradBlockSplit"));

    /** {@link #blockSplitEnabled}'s rule for a conv of window g, m outputs, output tile side ot and strips of strip tiles on threads. */
    private static boolean blockSplit(Window2d g, int m, int ot, int strip, int threads) {
        if (forceBlockSplit) return true;
        int tiles = tiles(g, ot), cb = (g.c() + L - 1) / L, mb = (m + L - 1) / L, groups = (mb + FB - 1) / FB, np = (ot + 2) * (ot + 2);
        double flops = 2.0 * g.n() * m * g.outPlane() * (double) g.c() * 9;
        return blockSplitEnabled && threads > 1 && flops >= parallelMinFlops && strip >= tiles && tiles > 4 && (long) g.n() * groups < 4L * threads
                && (long) np * cb * mb * L * VB >= splitMinBytes;
    }
    /**
     * Transformed-weight bytes from which a conv is split by output blocks ({@code -Dge4j.nchwc.winogradSplitMinBytes}).
     * Measured (googlenet, TaskTimes at 2 threads): 4.7-7.4 MB 5-17 % faster (128→256, 144→288, 160→320 at 14×14,
     * 192→384 at 7×7 in F(2×2)), 3.6 MB even (112→224), 2.9 MB 10 % slower (96→208), the small 14×14 layers (0.2-0.6 MB,
     * 4 blocks) up to 40 % slower: each thread transforms all the input tiles, a cost that the GEMMs of few
     * output blocks do not hide.
     */
    static long splitMinBytes = Long.getLong("ge4j.nchwc.winogradSplitMinBytes", 4L << 20);
    /** Tests set this to split every conv by output blocks (on any pool, so on one thread too). */
    static boolean forceBlockSplit = "force".equals(System.getProperty("ge4j.nchwc.winogradBlockSplit"));
    /**
     * Chunks per thread of a run split by output blocks ({@code -Dge4j.nchwc.winogradSplitChunks}). Measured
     * (WinogradSplitBench, 2 threads, hot | cold GFLOP/s): 144→288 @14 503 | 344 with 1, 472 | 321 with 2, 413 | 290
     * with 4; 160→320 @14 559 | 402, 500 | 354, 445 | 319. With 1, googlenet's even block counts give chunks of
     * whole pairs (no single-block calls).
     */
    static int splitChunksPerThread = Integer.getInteger("ge4j.nchwc.winogradSplitChunks", 1);

    /** want chunks of (image, output block) units, {@code n·mb} of equal work, of sizes differing by at most one. */
    private int[] blockChunks(int want) {
        int units = g.n() * mb;
        int[] starts = new int[want + 1];
        for (int k = 0; k <= want; k++) starts[k] = (int) ((long) units * k / want);
        return starts;
    }

    /**
     * Tiles per strip for a conv of {@code tiles} tiles of np positions over cb input blocks: strips of equal tile
     * counts whose transformed input and products stay within stripBytes, or one strip of all tiles when they fit in
     * 3× that (few tiles, large weights: each strip reads all the weights).
     */
    private static int strip(int tiles, int np, int cb) {
        int fit = (int) Math.max(P, stripBytes / ((long) np * (cb + FB) * VB));
        if (tiles <= 3 * fit) fit = tiles;
        int n = Math.max(1, (tiles + fit - 1) / fit);
        return (tiles + n - 1) / n;
    }

    /**
     * Direct-conv flops from which a conv runs on the pool ({@code -Dge4j.nchwc.winogradParallelMinFlops}): its input
     * was mostly written by the pool's threads, so even small convs pay the other core's cache when run on one.
     */
    static double parallelMinFlops = Double.parseDouble(System.getProperty("ge4j.nchwc.winogradParallelMinFlops", Double.toString(Split.PARALLEL_MIN_FLOPS)));

    /**
     * Work items: (image, strip, group, micro-kernel call of 4 or 5 tiles), in that order, item
     * {@code ((n·strips + s)·groups + grp)·calls + k}; a strip with fewer tiles than {@link #strip} (the last) has
     * empty items at its end. The chunks are contiguous runs of items of about equal work. Reading a group's
     * transformed weights (up to MBs: these layers are mostly bound by that stream) costs as much as its micro-kernel
     * calls, so a chunk ends between groups when there are at least as many (image, strip, group) units as chunks;
     * a layer with fewer (14×14 and 7×7 planes with few outputs) is cut between calls, each chunk transforming
     * the input tiles it needs once per strip.
     */
    private int[] chunkStarts(int want) {
        int unit = (long) g.n() * strips * groups >= want ? calls : 1, units = items / unit;
        long total = 0;
        int busy = 0;
        for (int i = 0; i < units; i++) {
            long w = work(i, unit);
            total += w;
            if (w > 0) busy++;
        }
        want = Math.max(1, Math.min(want, busy));
        int[] starts = new int[want + 1];
        long sum = 0;
        int c = 1;
        // chunk c starts at the unit boundary nearest to c/want of the work
        for (int i = 0; i < units && c < want; i++) {
            long w = work(i, unit);
            while (c < want && (sum + w) * want > total * c && total * c - sum * want <= (sum + w) * want - total * c)
                starts[c++] = i * unit; // before unit i: nearer
            sum += w;
            while (c < want && sum * want >= total * c) starts[c++] = (i + 1) * unit;
        }
        while (c < want) starts[c++] = items;
        starts[want] = items;
        for (int k = 1; k <= want; k++) starts[k] = Math.max(starts[k], starts[k - 1]);
        return starts;
    }

    /** Tiles × FB (the micro-kernel's output blocks, however many the group has) of items [i·unit, (i + 1)·unit). */
    private long work(int i, int unit) {
        long w = 0;
        for (int j = i * unit; j < (i + 1) * unit; j++) {
            int k = j % calls, s = j / calls / groups % strips;
            int nt = stripTiles(s), fours = fours(nt), t0 = callStart(k, fours);
            if (t0 < nt) w += (long) FB * Math.min(nt - t0, k < fours ? 4 : P);
        }
        return w;
    }

    /** Tiles of strip s. */
    private int stripTiles(int s) { return Math.min(tiles, (s + 1) * strip) - s * strip; }

    /** Of nt tiles, the calls of 4 tiles (first), the rest in calls of 5: nt = 4·fours + 5·k when it can be, else the last call of 5 runs past nt (on stale scratch, never read). */
    private static int fours(int nt) {
        int fours = (4 * nt) % P;
        if (4 * fours > nt) fours = nt % P == 4 ? 1 : 0;
        return fours;
    }

    /** Micro-kernel calls over nt tiles. */
    private static int calls(int nt) {
        int fours = fours(nt);
        return fours + (nt - 4 * fours + P - 1) / P;
    }

    /** First tile of call k. */
    private static int callStart(int k, int fours) { return k < fours ? 4 * k : 4 * fours + P * (k - fours); }

    /** The filter transforms G of F(4×4, 3×3) (6×3) and F(2×2, 3×3) (4×3). */
    private static final double[][] G4 = {{1 / 4.0, 0, 0}, {-1 / 6.0, -1 / 6.0, -1 / 6.0}, {-1 / 6.0, 1 / 6.0, -1 / 6.0},
            {1 / 24.0, 1 / 12.0, 1 / 6.0}, {1 / 24.0, -1 / 12.0, 1 / 6.0}, {0, 0, 1}};
    private static final double[][] G2 = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};

    /**
     * U = G W Gᵀ per output and input channel, one group and input block at a time through a small array (a
     * per-value segment write is slow before the JIT compiles this).
     */
    private void transformWeights(MemorySegment src, int m, int c, double[][] gm, int ug) {
        int perPos = L * fb * L; // floats of one input block at one position: [ci lane][f][co lane]
        float[] buf = new float[np * perPos];
        double[] t = new double[np], gk = new double[a * 3];
        float[] k = new float[L * 9];
        for (int grp = 0; grp < ug; grp++)
            for (int cbi = 0; cbi < cb; cbi++) {
                java.util.Arrays.fill(buf, 0f);
                transformBlock(src, m, c, grp, cbi, fb, gm, buf, perPos, k, gk, t);
                for (int p = 0; p < np; p++)
                    MemorySegment.copy(buf, p * perPos, u, java.lang.foreign.ValueLayout.JAVA_FLOAT, grp * uGroup + p * uPos + cbi * perPos * 4L, perPos);
            }
    }

    /**
     * The transformed filters of input block cbi for the output channels of group grp (fb output blocks) into buf ([position][ci
     * lane][f][co lane]). A method of its own so that the JIT compiles these loops apart from the copies around
     * them: as one method C2 compiled it twice while the model loaded (on-stack and whole, 150 ms for resnet50, the
     * loading thread waiting; BENCHMARKS.md session 9).
     */
    private static void transformBlock(MemorySegment src, int m, int c, int grp, int cbi, int fb, double[][] gm, float[] buf, int perPos,
                                       float[] k, double[] gk, double[] t) {
        int nci = Math.min(L, c - cbi * L), np = t.length;
        for (int o = grp * fb * L; o < Math.min(m, (grp + 1) * fb * L); o++) {
            MemorySegment.copy(src, java.lang.foreign.ValueLayout.JAVA_FLOAT, ((long) o * c + cbi * L) * 36, k, 0, nci * 9);
            int base = ((o / L) % fb) * L + o % L;
            for (int l = 0; l < nci; l++) {
                transformFilter(gm, k, l * 9, gk, t);
                for (int p = 0; p < np; p++) buf[p * perPos + l * fb * L + base] = (float) t[p];
            }
        }
    }

    /** t[i·a + j] = (G k Gᵀ)[i][j] for the 3×3 kernel at k[ko..ko+9) (row-major), G of a rows; gk: a·3 scratch. */
    static void transformFilter(double[][] gm, float[] k, int ko, double[] gk, double[] t) {
        int a = gm.length;
        for (int i = 0; i < a; i++)
            for (int q = 0; q < 3; q++) gk[i * 3 + q] = gm[i][0] * k[ko + q] + gm[i][1] * k[ko + 3 + q] + gm[i][2] * k[ko + 6 + q];
        for (int i = 0; i < a; i++)
            for (int j = 0; j < a; j++) t[i * a + j] = gk[i * 3] * gm[j][0] + gk[i * 3 + 1] * gm[j][1] + gk[i * 3 + 2] * gm[j][2];
    }

    /**
     * The kernel for a BlockedConv node this class handles (blocked input, group 1, 3×3, stride 1, dilation 1, and
     * a shape where it measured faster than {@link NchwcConv}), or null.
     */
    static CompiledKernel compile(NodeSpec s) { return enabled ? compile(s, WorkerPool.shared()) : null; }

    /** {@link #compile(NodeSpec)} on the given pool, the switch not read (tests). */
    static CompiledKernel compile(NodeSpec s, WorkerPool pool) {
        NchwcSupport.GroupConv o = takes(s);
        if (o == null) return null;
        int[] k = choose(s, o, pool.threads());
        return new NchwcWinograd(o.g(), o.m(), k[0], k[1], k[2], o.act(), o.weights(), o.bias(), o.z(), s.inputs().size(), pool);
    }

    /** What {@link #compile(NodeSpec)} would report for node s ({@link #paths()}), without transforming its weights; null when it declines. */
    static KernelPaths paths(NodeSpec s) {
        NchwcSupport.GroupConv o = enabled ? takes(s) : null;
        if (o == null) return null;
        int[] k = choose(s, o, WorkerPool.shared().threads());
        return paths(k[0], k[1], tiles(o.g(), k[0]), k[2] == 1);
    }

    @Override public KernelPaths paths() { return paths(ot, strip, tiles, blockSplit); }

    /** The operands of a node this class takes (the shape rule, or {@link #force}), else null. */
    private static NchwcSupport.GroupConv takes(NodeSpec s) {
        NchwcSupport.GroupConv o = NchwcSupport.GroupConv.of(s, new long[] {3, 3});
        if (o == null) return null;
        Window2d g = o.g();
        if (g.sh() != 1 || g.sw() != 1 || g.dh() != 1 || g.dw() != 1) return null;
        return force || profitable(g, o.m()) ? o : null;
    }

    /** Tests set this to 2 or 4 to choose F(2×2, 3×3) or F(4×4, 3×3) over {@link #outputTile(Window2d, int)}. */
    static int forceTile;

    /**
     * The choices this kernel reports ({@link #paths}) and takes when forced on its node ({@link KernelPaths}): the
     * output tile side (2 or 4; by its channels alone a miniature would run F(4×4) where resnet50's 256- and
     * 512-channel 3×3s run F(2×2)), and the tiles per strip when there are several strips (a miniature's few channels
     * give longer strips, and never a last strip whose calls end early, as resnet50's 128-channel 3×3 has: 6 strips of
     * 9 tiles and a last one of 4, a branch a first real run deoptimised), and the split by output blocks when taken
     * (a miniature's few channels and flops never take it, so a first real run ran {@link #blocks} and its
     * micro-kernels unwarmed: +0.3 s on googlenet's cold start).
     */
    static final String TILE = KernelPaths.PREFIX + "winograd_tile", STRIP = KernelPaths.PREFIX + "winograd_strip",
            SPLIT = KernelPaths.PREFIX + "winograd_block_split";

    /**
     * The output tile side, tiles per strip and block split (1 or 0) of conv o of node s on threads, those forced on s
     * taken ({@link #forceTile}: none).
     */
    private static int[] choose(NodeSpec s, NchwcSupport.GroupConv o, int threads) {
        KernelPaths forced = forceTile == 0 ? KernelPaths.forcedOn(s) : KernelPaths.NONE;
        long t = forced.get(TILE, 0);
        int tile = t == 2 || t == OT ? (int) t : outputTile(o.g(), o.m()), tiles = tiles(o.g(), tile);
        long st = forced.get(STRIP, 0);
        int strip = st > 0 ? (int) Math.min(st, tiles) : strip(tiles, (tile + 2) * (tile + 2), (o.g().c() + L - 1) / L);
        long sp = forced.get(SPLIT, -1);
        int split = sp == 1 && blockSplitEnabled || blockSplit(o.g(), o.m(), tile, strip, threads) ? 1 : 0;
        return new int[] {tile, strip, split};
    }

    /** Output tiles of window g with output tile side ot. */
    private static int tiles(Window2d g, int ot) { return ((g.ow() + ot - 1) / ot) * ((g.oh() + ot - 1) / ot); }

    private static KernelPaths paths(int tile, int strip, int tiles, boolean split) {
        KernelPaths p = KernelPaths.of(TILE, tile);
        if (split) p = p.with(SPLIT, 1);
        return strip < tiles ? p.with(STRIP, strip) : p;
    }

    /** The output tile side for a conv: 4 (F(4×4, 3×3)), or 2 for a conv whose F(4×4) weights would pass {@link #bigTileMaxBytes}. */
    static int outputTile(Window2d g, int m) {
        if (forceTile != 0) return forceTile;
        return outputTile(g.c(), m);
    }

    /** {@link #outputTile(Window2d, int)}'s size rule for c input and m output channels. */
    static int outputTile(long c, long m) { return 36L * c * m * 4 > bigTileMaxBytes ? 2 : OT; }

    /**
     * The shape rule: where F(4×4, 3×3) measured faster than the direct conv. WinogradBench (1 thread, cold
     * caches): 1.33-2.7× the direct conv for every 3×3 stride-1 layer of resnet50, googlenet and squeezenet1_1
     * (16-512 channels, planes 7-56); fewer channels and smaller planes were not measured and stay direct.
     */
    static boolean profitable(Window2d g, int m) {
        return g.c() >= 16 && m >= 16 && g.oh() >= 7 && g.ow() >= 7;
    }

    /** The output tile side: 4 (F(4×4, 3×3)) or 2 (F(2×2, 3×3)). */
    int outputTileSide() { return ot; }

    /** The chunks a run is cut into for the pool (1: on the calling thread). */
    int chunks() { return chunks; }

    /** Whether a run is split by output blocks ({@link #blocks}). */
    boolean blockSplit() { return blockSplit; }

    private static final class Run {
        MemorySegment[] args;
        /** Counts this thread's runs split by output blocks: a thread's transformed input is of the run it marks. */
        long serial;
    }

    private static final ThreadLocal<Run> RUN = ThreadLocal.withInitial(Run::new);

    /** The run and image whose transformed input this thread's scratch holds ({@link #blocks}). */
    private static final class Mark {
        Run run;
        long serial;
        int image = -1;
    }

    private static final ThreadLocal<Mark> MARK = ThreadLocal.withInitial(Mark::new);

    @Override public void run(MemorySegment[] args) {
        Run r = RUN.get();
        r.args = args;
        r.serial++;
        try {
            if (chunks > 1) pool.run(this, r, chunks);
            else if (blockSplit) blocks(r, 0, chunkStart[1]);
            else items(r, 0, items);
        } finally {
            r.args = null;
        }
    }

    @Override public void run(Object ctx, int chunk, int n) {
        if (blockSplit) blocks((Run) ctx, chunkStart[chunk], chunkStart[chunk + 1]);
        else items((Run) ctx, chunkStart[chunk], chunkStart[chunk + 1]);
    }

    /** Tile slots past a strip's end in the block split's scratch: its 8-tile calls may run up to 7 past the last tile. */
    private static final int SPLIT_ROOM = 8;

    /**
     * Units [u0, u1) of a run split by output blocks, unit {@code n·mb + ob} = output block ob of image n over all
     * its tiles (one strip): each thread transforms an image's input tiles once per run (its first chunk of that
     * image; later chunks find them in its scratch, see {@link Mark}), then per pair of output blocks (or single,
     * at a chunk's or the layer's odd end) the GEMMs of every position ({@link #gemm2x8}, {@link #gemm2x4},
     * {@link #gemm1x8}: two or one of a group's FB weight vectors per input channel) and the output transforms.
     * So every transformed weight is read once per run in all, however few the groups, and the chunks are of equal
     * work: on layers of few tiles and large weights (googlenet's 14×14 3×3s: 16 tiles, 4.7-7.4 MB of weights, 4-5
     * groups) cutting the chunks between the calls of a group made each chunk stream its group's weights again.
     */
    private void blocks(Run run, int u0, int u1) {
        MemorySegment[] args = run.args;
        MemorySegment x = args[0], y = args[yArg];
        MemorySegment z = zArg >= 0 ? nullable(args[zArg]) : null;
        long rs = (tiles + SPLIT_ROOM) * VB, vp = cb * rs, mp = 2 * rs;
        MemorySegment v = Scratch.get(0, vp * np), mm = Scratch.get(1, mp * np), tmp = Scratch.get(2, 2L * np * VB);
        Mark mark = MARK.get();
        boolean big = a == A;
        int nt = tiles;
        for (int i = u0; i < u1; ) {
            int n = i / mb, end = Math.min(u1, (n + 1) * mb);
            if (mark.run != run || mark.serial != run.serial || mark.image != n) {
                for (int t = 0; t < nt; t++) {
                    if (big) inputTile4(x, n, t, v, t * VB, vp, rs, tmp);
                    else inputTile2(x, n, t, v, t * VB, vp, rs, tmp);
                }
                mark.run = run;
                mark.serial = run.serial;
                mark.image = n;
            }
            while (i < end) {
                int ob = i % mb, nb = (ob & 1) == 0 && i + 1 < end ? 2 : 1; // a pair of blocks, a single at a chunk's odd end
                i += nb;
                long ub = (long) (ob / 2) * uGroup + (ob % 2) * VB;
                for (int p = 0; p < np; p++) {
                    long vo = p * vp, mo = p * mp, uo = ub + p * uPos;
                    for (int t = 0; t < nt; t += 8) {
                        if (nb == 1) gemm1x8(v, vo + t * VB, rs, cb, u, uo, mm, mo + t * VB);
                        else if (nt - t > 4) gemm2x8(v, vo + t * VB, rs, cb, u, uo, mm, mo + t * VB, rs);
                        else gemm2x4(v, vo + t * VB, rs, cb, u, uo, mm, mo + t * VB, rs);
                    }
                }
                for (int t = 0; t < nt; t++)
                    for (int f = 0; f < nb; f++) {
                        if (big) outputTile4(mm, f * rs + t * VB, mp, tmp, y, z, n, t, ob + f);
                        else outputTile2(mm, f * rs + t * VB, mp, tmp, y, z, n, t, ob + f);
                    }
            }
        }
    }

    private void items(Run run, int i0, int i1) {
        MemorySegment[] args = run.args;
        MemorySegment x = args[0], y = args[yArg];
        MemorySegment z = zArg >= 0 ? nullable(args[zArg]) : null;
        long rs = (strip + P) * VB, vp = cb * rs, mp = FB * rs;
        MemorySegment v = Scratch.get(0, vp * np), mm = Scratch.get(1, mp * np), tmp = Scratch.get(2, 2L * np * VB);
        boolean big = a == A;
        int perStrip = groups * calls;
        for (int i = i0; i < i1; ) {
            int gs = i / perStrip, s = gs % strips, n = gs / strips, end = Math.min(i1, (gs + 1) * perStrip);
            int t0 = s * strip, nt = stripTiles(s), fours = fours(nt);
            // the strip's tiles this run of items needs: all when it covers a whole group, else its calls' tiles
            int lo = nt, hi = 0;
            if (end - i >= calls) {
                lo = 0;
                hi = nt;
            } else
                for (int j = i; j < end; j++) {
                    int cs = callStart(j % calls, fours);
                    lo = Math.min(lo, cs);
                    hi = Math.max(hi, Math.min(nt, cs + (j % calls < fours ? 4 : P)));
                }
            for (int t = lo; t < hi; t++) {
                if (big) inputTile4(x, n, t0 + t, v, t * VB, vp, rs, tmp);
                else inputTile2(x, n, t0 + t, v, t * VB, vp, rs, tmp);
            }
            while (i < end) {
                int grp = i / calls % groups, k0 = i % calls, k1 = Math.min(calls, k0 + end - i);
                i += k1 - k0;
                long ug = grp * uGroup;
                for (int p = 0; p < np; p++) {
                    long vo = p * vp, mo = p * mp, uo = ug + p * uPos;
                    for (int k = k0; k < k1; k++) {
                        int t = callStart(k, fours);
                        if (t >= nt) break;
                        if (k < fours) gemm4(v, vo + t * VB, rs, cb, u, uo, mm, mo + t * VB, rs);
                        else gemm5(v, vo + t * VB, rs, cb, u, uo, mm, mo + t * VB, rs);
                    }
                }
                int nb = Math.min(FB, mb - FB * grp);
                int ta = Math.min(nt, callStart(k0, fours)), tb = Math.min(nt, callStart(k1, fours));
                for (int t = ta; t < tb; t++)
                    for (int f = 0; f < nb; f++) {
                        if (big) outputTile4(mm, f * rs + t * VB, mp, tmp, y, z, n, t0 + t, FB * grp + f);
                        else outputTile2(mm, f * rs + t * VB, mp, tmp, y, z, n, t0 + t, FB * grp + f);
                    }
            }
        }
    }

    /**
     * The tile's input block c of image n: its offset in X when the tile lies inside the input, else -1 after a
     * zero-bordered copy of it into tmp at {@code to} (rows of a·VB bytes).
     */
    private long source(MemorySegment x, int n, int c, int r0, int c0, MemorySegment tmp, long to) {
        long xo = n * xImg + c * xCb;
        if (r0 >= 0 && c0 >= 0 && r0 + a <= g.h() && c0 + a <= g.w()) return xo + r0 * xRow + c0 * VB;
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < a; i++)
            for (int j = 0; j < a; j++) {
                int r = r0 + i, cc = c0 + j;
                long d = to + (i * a + j) * VB;
                if (r >= 0 && r < g.h() && cc >= 0 && cc < g.w()) FloatVector.fromMemorySegment(S, x, xo + r * xRow + cc * VB, LE).intoMemorySegment(tmp, d, LE);
                else zero.intoMemorySegment(tmp, d, LE);
            }
        return -1;
    }

    /**
     * F(4×4, 3×3): V[p][c][.] at vo + p·vp + c·cbs = (Bᵀ d B)[p] for tile t of image n and every input block c. (The
     * transforms are written out: a helper taking vectors as arguments, when C2 does not inline it, boxes them.)
     */
    private void inputTile4(MemorySegment x, int n, int t, MemorySegment v, long vo, long vp, long cbs, MemorySegment tmp) {
        int r0 = t / tilesW * OT - g.pt(), c0 = t % tilesW * OT - g.pl();
        long tb = np * VB, row = A * VB; // tmp: [0, tb) the transform's rows, [tb, 2 tb) the bordered copy
        for (int c = 0; c < cb; c++) {
            MemorySegment src = x;
            long so = source(x, n, c, r0, c0, tmp, tb), rs = xRow;
            if (so < 0) {
                src = tmp;
                so = tb;
                rs = row;
            }
            // columns: tmp[i][j] = (Bᵀ d)[i][j]
            for (int j = 0; j < A; j++) {
                long s = so + j * VB, o = j * VB;
                FloatVector d0 = FloatVector.fromMemorySegment(S, src, s, LE), d1 = FloatVector.fromMemorySegment(S, src, s + rs, LE),
                        d2 = FloatVector.fromMemorySegment(S, src, s + 2 * rs, LE), d3 = FloatVector.fromMemorySegment(S, src, s + 3 * rs, LE),
                        d4 = FloatVector.fromMemorySegment(S, src, s + 4 * rs, LE), d5 = FloatVector.fromMemorySegment(S, src, s + 5 * rs, LE);
                FloatVector p = d4.sub(d2), q = d3.sub(d1);
                d0.fma(K4, d2.fma(KM5, d4)).intoMemorySegment(tmp, o, LE);
                d1.add(d2).fma(KM4, d3.add(d4)).intoMemorySegment(tmp, o + row, LE);
                d1.sub(d2).fma(K4, d4.sub(d3)).intoMemorySegment(tmp, o + 2 * row, LE);
                q.fma(K2, p).intoMemorySegment(tmp, o + 3 * row, LE);
                q.fma(KM2, p).intoMemorySegment(tmp, o + 4 * row, LE);
                d1.fma(K4, d3.fma(KM5, d5)).intoMemorySegment(tmp, o + 5 * row, LE);
            }
            // rows: V[i·6 + j] = (Bᵀ d B)[i][j]
            long vc = vo + c * cbs;
            for (int i = 0; i < A; i++) {
                long s = i * row, o = vc + i * A * vp;
                FloatVector d0 = FloatVector.fromMemorySegment(S, tmp, s, LE), d1 = FloatVector.fromMemorySegment(S, tmp, s + VB, LE),
                        d2 = FloatVector.fromMemorySegment(S, tmp, s + 2 * VB, LE), d3 = FloatVector.fromMemorySegment(S, tmp, s + 3 * VB, LE),
                        d4 = FloatVector.fromMemorySegment(S, tmp, s + 4 * VB, LE), d5 = FloatVector.fromMemorySegment(S, tmp, s + 5 * VB, LE);
                FloatVector p = d4.sub(d2), q = d3.sub(d1);
                d0.fma(K4, d2.fma(KM5, d4)).intoMemorySegment(v, o, LE);
                d1.add(d2).fma(KM4, d3.add(d4)).intoMemorySegment(v, o + vp, LE);
                d1.sub(d2).fma(K4, d4.sub(d3)).intoMemorySegment(v, o + 2 * vp, LE);
                q.fma(K2, p).intoMemorySegment(v, o + 3 * vp, LE);
                q.fma(KM2, p).intoMemorySegment(v, o + 4 * vp, LE);
                d1.fma(K4, d3.fma(KM5, d5)).intoMemorySegment(v, o + 5 * vp, LE);
            }
        }
    }

    /** F(2×2, 3×3): {@link #inputTile4} with Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1] on 4×4 tiles. */
    private void inputTile2(MemorySegment x, int n, int t, MemorySegment v, long vo, long vp, long cbs, MemorySegment tmp) {
        int r0 = t / tilesW * 2 - g.pt(), c0 = t % tilesW * 2 - g.pl();
        long tb = np * VB, row = 4 * VB;
        for (int c = 0; c < cb; c++) {
            MemorySegment src = x;
            long so = source(x, n, c, r0, c0, tmp, tb), rs = xRow;
            if (so < 0) {
                src = tmp;
                so = tb;
                rs = row;
            }
            for (int j = 0; j < 4; j++) {
                long s = so + j * VB, o = j * VB;
                FloatVector d0 = FloatVector.fromMemorySegment(S, src, s, LE), d1 = FloatVector.fromMemorySegment(S, src, s + rs, LE),
                        d2 = FloatVector.fromMemorySegment(S, src, s + 2 * rs, LE), d3 = FloatVector.fromMemorySegment(S, src, s + 3 * rs, LE);
                d0.sub(d2).intoMemorySegment(tmp, o, LE);
                d1.add(d2).intoMemorySegment(tmp, o + row, LE);
                d2.sub(d1).intoMemorySegment(tmp, o + 2 * row, LE);
                d1.sub(d3).intoMemorySegment(tmp, o + 3 * row, LE);
            }
            long vc = vo + c * cbs;
            for (int i = 0; i < 4; i++) {
                long s = i * row, o = vc + i * 4 * vp;
                FloatVector d0 = FloatVector.fromMemorySegment(S, tmp, s, LE), d1 = FloatVector.fromMemorySegment(S, tmp, s + VB, LE),
                        d2 = FloatVector.fromMemorySegment(S, tmp, s + 2 * VB, LE), d3 = FloatVector.fromMemorySegment(S, tmp, s + 3 * VB, LE);
                d0.sub(d2).intoMemorySegment(v, o, LE);
                d1.add(d2).intoMemorySegment(v, o + vp, LE);
                d2.sub(d1).intoMemorySegment(v, o + 2 * vp, LE);
                d1.sub(d3).intoMemorySegment(v, o + 3 * vp, LE);
            }
        }
    }

    /**
     * F(4×4, 3×3): output tile t of image n, output block ob: Aᵀ M A from M[p] at mo + p·mp, each row of it
     * finished by {@link #finishRow}.
     */
    private void outputTile4(MemorySegment mm, long mo, long mp, MemorySegment tmp, MemorySegment y, MemorySegment z, int n, int t, int ob) {
        long row = A * VB, e0 = np * VB;
        // columns: tmp[r][j] = (Aᵀ M)[r][j]
        for (int j = 0; j < A; j++) {
            long s = mo + j * mp, step = A * mp, o = j * VB;
            FloatVector m0 = FloatVector.fromMemorySegment(S, mm, s, LE), m1 = FloatVector.fromMemorySegment(S, mm, s + step, LE),
                    m2 = FloatVector.fromMemorySegment(S, mm, s + 2 * step, LE), m3 = FloatVector.fromMemorySegment(S, mm, s + 3 * step, LE),
                    m4 = FloatVector.fromMemorySegment(S, mm, s + 4 * step, LE), m5 = FloatVector.fromMemorySegment(S, mm, s + 5 * step, LE);
            FloatVector p = m1.add(m2), d = m1.sub(m2), e = m3.add(m4), f = m3.sub(m4);
            m0.add(p).add(e).intoMemorySegment(tmp, o, LE);
            f.fma(K2, d).intoMemorySegment(tmp, o + row, LE);
            e.fma(K4, p).intoMemorySegment(tmp, o + 2 * row, LE);
            f.fma(K8, d).add(m5).intoMemorySegment(tmp, o + 3 * row, LE);
        }
        int or0 = t / tilesW * OT, oc0 = t % tilesW * OT;
        int rows = Math.min(OT, g.oh() - or0), cols = Math.min(OT, g.ow() - oc0);
        for (int r = 0; r < rows; r++) {
            long s = r * row;
            FloatVector m0 = FloatVector.fromMemorySegment(S, tmp, s, LE), m1 = FloatVector.fromMemorySegment(S, tmp, s + VB, LE),
                    m2 = FloatVector.fromMemorySegment(S, tmp, s + 2 * VB, LE), m3 = FloatVector.fromMemorySegment(S, tmp, s + 3 * VB, LE),
                    m4 = FloatVector.fromMemorySegment(S, tmp, s + 4 * VB, LE), m5 = FloatVector.fromMemorySegment(S, tmp, s + 5 * VB, LE);
            FloatVector p = m1.add(m2), d = m1.sub(m2), e = m3.add(m4), f = m3.sub(m4);
            m0.add(p).add(e).intoMemorySegment(tmp, e0, LE);
            f.fma(K2, d).intoMemorySegment(tmp, e0 + VB, LE);
            e.fma(K4, p).intoMemorySegment(tmp, e0 + 2 * VB, LE);
            f.fma(K8, d).add(m5).intoMemorySegment(tmp, e0 + 3 * VB, LE);
            finishRow(tmp, e0, cols, ob, y, n * yImg + ob * yBlock + (or0 + r) * yRow + oc0 * VB, z);
        }
    }

    /** F(2×2, 3×3): {@link #outputTile4} with Aᵀ = [1 1 1 0; 0 1 -1 -1] on 4×4 products. */
    private void outputTile2(MemorySegment mm, long mo, long mp, MemorySegment tmp, MemorySegment y, MemorySegment z, int n, int t, int ob) {
        long row = 4 * VB, e0 = np * VB;
        for (int j = 0; j < 4; j++) {
            long s = mo + j * mp, step = 4 * mp, o = j * VB;
            FloatVector m0 = FloatVector.fromMemorySegment(S, mm, s, LE), m1 = FloatVector.fromMemorySegment(S, mm, s + step, LE),
                    m2 = FloatVector.fromMemorySegment(S, mm, s + 2 * step, LE), m3 = FloatVector.fromMemorySegment(S, mm, s + 3 * step, LE);
            m0.add(m1).add(m2).intoMemorySegment(tmp, o, LE);
            m1.sub(m2).sub(m3).intoMemorySegment(tmp, o + row, LE);
        }
        int or0 = t / tilesW * 2, oc0 = t % tilesW * 2;
        int rows = Math.min(2, g.oh() - or0), cols = Math.min(2, g.ow() - oc0);
        for (int r = 0; r < rows; r++) {
            long s = r * row;
            FloatVector m0 = FloatVector.fromMemorySegment(S, tmp, s, LE), m1 = FloatVector.fromMemorySegment(S, tmp, s + VB, LE),
                    m2 = FloatVector.fromMemorySegment(S, tmp, s + 2 * VB, LE), m3 = FloatVector.fromMemorySegment(S, tmp, s + 3 * VB, LE);
            m0.add(m1).add(m2).intoMemorySegment(tmp, e0, LE);
            m1.sub(m2).sub(m3).intoMemorySegment(tmp, e0 + VB, LE);
            finishRow(tmp, e0, cols, ob, y, n * yImg + ob * yBlock + (or0 + r) * yRow + oc0 * VB, z);
        }
    }

    /**
     * Y[yo + col·VB] = act(tmp[e0 + col·VB] + bias[ob] + Z[yo + col·VB]) for the cols positions of an output tile's
     * row inside the output (Z optional); the padded lanes of the last block back to zero when act(0) is not 0.
     */
    private void finishRow(MemorySegment tmp, long e0, int cols, int ob, MemorySegment y, long yo, MemorySegment z) {
        FloatVector bv = FloatVector.fromMemorySegment(S, bias, ob * VB, LE);
        for (int col = 0; col < cols; col++) {
            FloatVector o = FloatVector.fromMemorySegment(S, tmp, e0 + col * VB, LE).add(bv);
            if (z != null) o = o.add(FloatVector.fromMemorySegment(S, z, yo + col * VB, LE));
            if (clamp) o = o.max(lo).min(hi);
            o.intoMemorySegment(y, yo + col * VB, LE);
        }
        if (!clamp) act.apply(y, yo, y, yo, (long) cols * L);
        if (fixPad && ob == mb - 1) {
            FloatVector zero = FloatVector.zero(S);
            for (int col = 0; col < cols; col++) zero.intoMemorySegment(y, yo + col * VB, LE, padLanes);
        }
    }

    /**
     * 5 tiles × FB output blocks: M[f][t] (at mo + f·mBlock + t·VB) = Σ over input blocks c and lanes l of
     * V[c][t][l] (at vo + c·cbs + t·VB + 4 l) × U[c·L + l][f] (FB vectors at uo + (c·L + l)·FB·VB).
     */
    static void gemm5(MemorySegment x, long xo, long cbs, int ncb, MemorySegment w, long wo, MemorySegment y, long yo, long yBlock) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a04 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00, a14 = a00,
                a20 = a00, a21 = a00, a22 = a00, a23 = a00, a24 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00, a34 = a00;
        long wl = VB, wstep = FB * wl, ps = wl, wk = wo;
        for (int k = 0, n = ncb * L; k < n; k++, wk += wstep) { // one loop over all lanes: see NchwcKernels' 1×1 kernels
            long xl = xo + (k / L) * cbs + 4L * (k % L);
            FloatVector w0 = FloatVector.fromMemorySegment(S, w, wk, LE), w1 = FloatVector.fromMemorySegment(S, w, wk + wl, LE),
                    w2 = FloatVector.fromMemorySegment(S, w, wk + 2 * wl, LE), w3 = FloatVector.fromMemorySegment(S, w, wk + 3 * wl, LE);
            FloatVector v;
            v = FloatVector.broadcast(S, x.get(F, xl)); a00 = w0.fma(v, a00); a10 = w1.fma(v, a10); a20 = w2.fma(v, a20); a30 = w3.fma(v, a30);
            v = FloatVector.broadcast(S, x.get(F, xl + ps)); a01 = w0.fma(v, a01); a11 = w1.fma(v, a11); a21 = w2.fma(v, a21); a31 = w3.fma(v, a31);
            v = FloatVector.broadcast(S, x.get(F, xl + 2 * ps)); a02 = w0.fma(v, a02); a12 = w1.fma(v, a12); a22 = w2.fma(v, a22); a32 = w3.fma(v, a32);
            v = FloatVector.broadcast(S, x.get(F, xl + 3 * ps)); a03 = w0.fma(v, a03); a13 = w1.fma(v, a13); a23 = w2.fma(v, a23); a33 = w3.fma(v, a33);
            v = FloatVector.broadcast(S, x.get(F, xl + 4 * ps)); a04 = w0.fma(v, a04); a14 = w1.fma(v, a14); a24 = w2.fma(v, a24); a34 = w3.fma(v, a34);
        }
        long y0 = yo, y1 = yo + yBlock, y2 = yo + 2 * yBlock, y3 = yo + 3 * yBlock;
        a00.intoMemorySegment(y, y0, LE); a01.intoMemorySegment(y, y0 + wl, LE); a02.intoMemorySegment(y, y0 + 2 * wl, LE);
        a03.intoMemorySegment(y, y0 + 3 * wl, LE); a04.intoMemorySegment(y, y0 + 4 * wl, LE);
        a10.intoMemorySegment(y, y1, LE); a11.intoMemorySegment(y, y1 + wl, LE); a12.intoMemorySegment(y, y1 + 2 * wl, LE);
        a13.intoMemorySegment(y, y1 + 3 * wl, LE); a14.intoMemorySegment(y, y1 + 4 * wl, LE);
        a20.intoMemorySegment(y, y2, LE); a21.intoMemorySegment(y, y2 + wl, LE); a22.intoMemorySegment(y, y2 + 2 * wl, LE);
        a23.intoMemorySegment(y, y2 + 3 * wl, LE); a24.intoMemorySegment(y, y2 + 4 * wl, LE);
        a30.intoMemorySegment(y, y3, LE); a31.intoMemorySegment(y, y3 + wl, LE); a32.intoMemorySegment(y, y3 + 2 * wl, LE);
        a33.intoMemorySegment(y, y3 + 3 * wl, LE); a34.intoMemorySegment(y, y3 + 4 * wl, LE);
    }

    /** {@link #gemm5} for 4 tiles. */
    static void gemm4(MemorySegment x, long xo, long cbs, int ncb, MemorySegment w, long wo, MemorySegment y, long yo, long yBlock) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00,
                a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        long wl = VB, wstep = FB * wl, ps = wl, wk = wo;
        for (int k = 0, n = ncb * L; k < n; k++, wk += wstep) { // one loop over all lanes: see NchwcKernels' 1×1 kernels
            long xl = xo + (k / L) * cbs + 4L * (k % L);
            FloatVector w0 = FloatVector.fromMemorySegment(S, w, wk, LE), w1 = FloatVector.fromMemorySegment(S, w, wk + wl, LE),
                    w2 = FloatVector.fromMemorySegment(S, w, wk + 2 * wl, LE), w3 = FloatVector.fromMemorySegment(S, w, wk + 3 * wl, LE);
            FloatVector v;
            v = FloatVector.broadcast(S, x.get(F, xl)); a00 = w0.fma(v, a00); a10 = w1.fma(v, a10); a20 = w2.fma(v, a20); a30 = w3.fma(v, a30);
            v = FloatVector.broadcast(S, x.get(F, xl + ps)); a01 = w0.fma(v, a01); a11 = w1.fma(v, a11); a21 = w2.fma(v, a21); a31 = w3.fma(v, a31);
            v = FloatVector.broadcast(S, x.get(F, xl + 2 * ps)); a02 = w0.fma(v, a02); a12 = w1.fma(v, a12); a22 = w2.fma(v, a22); a32 = w3.fma(v, a32);
            v = FloatVector.broadcast(S, x.get(F, xl + 3 * ps)); a03 = w0.fma(v, a03); a13 = w1.fma(v, a13); a23 = w2.fma(v, a23); a33 = w3.fma(v, a33);
        }
        long y0 = yo, y1 = yo + yBlock, y2 = yo + 2 * yBlock, y3 = yo + 3 * yBlock;
        a00.intoMemorySegment(y, y0, LE); a01.intoMemorySegment(y, y0 + wl, LE); a02.intoMemorySegment(y, y0 + 2 * wl, LE); a03.intoMemorySegment(y, y0 + 3 * wl, LE);
        a10.intoMemorySegment(y, y1, LE); a11.intoMemorySegment(y, y1 + wl, LE); a12.intoMemorySegment(y, y1 + 2 * wl, LE); a13.intoMemorySegment(y, y1 + 3 * wl, LE);
        a20.intoMemorySegment(y, y2, LE); a21.intoMemorySegment(y, y2 + wl, LE); a22.intoMemorySegment(y, y2 + 2 * wl, LE); a23.intoMemorySegment(y, y2 + 3 * wl, LE);
        a30.intoMemorySegment(y, y3, LE); a31.intoMemorySegment(y, y3 + wl, LE); a32.intoMemorySegment(y, y3 + 2 * wl, LE); a33.intoMemorySegment(y, y3 + 3 * wl, LE);
    }

    /** 8 tiles × 2 of a group's FB output blocks (the block split, {@link #blocks}): {@link #gemm5}'s sums, M[f][t] at yo + f·yBlock + t·VB, U's vectors f = 0, 1 of each input channel at wo + (c·L + l)·2·VB (U of pairs). */
    static void gemm2x8(MemorySegment x, long xo, long cbs, int ncb, MemorySegment w, long wo, MemorySegment y, long yo, long yBlock) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a04 = a00, a05 = a00, a06 = a00, a07 = a00,
                a10 = a00, a11 = a00, a12 = a00, a13 = a00, a14 = a00, a15 = a00, a16 = a00, a17 = a00;
        long wl = VB, wstep = 2 * wl, ps = wl, wk = wo;
        for (int k = 0, n = ncb * L; k < n; k++, wk += wstep) { // one loop over all lanes: see NchwcKernels' 1×1 kernels
            long xl = xo + (k / L) * cbs + 4L * (k % L);
            FloatVector w0 = FloatVector.fromMemorySegment(S, w, wk, LE), w1 = FloatVector.fromMemorySegment(S, w, wk + wl, LE);
            FloatVector v;
            v = FloatVector.broadcast(S, x.get(F, xl)); a00 = w0.fma(v, a00); a10 = w1.fma(v, a10);
            v = FloatVector.broadcast(S, x.get(F, xl + ps)); a01 = w0.fma(v, a01); a11 = w1.fma(v, a11);
            v = FloatVector.broadcast(S, x.get(F, xl + 2 * ps)); a02 = w0.fma(v, a02); a12 = w1.fma(v, a12);
            v = FloatVector.broadcast(S, x.get(F, xl + 3 * ps)); a03 = w0.fma(v, a03); a13 = w1.fma(v, a13);
            v = FloatVector.broadcast(S, x.get(F, xl + 4 * ps)); a04 = w0.fma(v, a04); a14 = w1.fma(v, a14);
            v = FloatVector.broadcast(S, x.get(F, xl + 5 * ps)); a05 = w0.fma(v, a05); a15 = w1.fma(v, a15);
            v = FloatVector.broadcast(S, x.get(F, xl + 6 * ps)); a06 = w0.fma(v, a06); a16 = w1.fma(v, a16);
            v = FloatVector.broadcast(S, x.get(F, xl + 7 * ps)); a07 = w0.fma(v, a07); a17 = w1.fma(v, a17);
        }
        a00.intoMemorySegment(y, yo, LE); a01.intoMemorySegment(y, yo + wl, LE); a02.intoMemorySegment(y, yo + 2 * wl, LE); a03.intoMemorySegment(y, yo + 3 * wl, LE);
        a04.intoMemorySegment(y, yo + 4 * wl, LE); a05.intoMemorySegment(y, yo + 5 * wl, LE); a06.intoMemorySegment(y, yo + 6 * wl, LE); a07.intoMemorySegment(y, yo + 7 * wl, LE);
        a10.intoMemorySegment(y, yo + yBlock, LE); a11.intoMemorySegment(y, yo + yBlock + wl, LE); a12.intoMemorySegment(y, yo + yBlock + 2 * wl, LE); a13.intoMemorySegment(y, yo + yBlock + 3 * wl, LE);
        a14.intoMemorySegment(y, yo + yBlock + 4 * wl, LE); a15.intoMemorySegment(y, yo + yBlock + 5 * wl, LE); a16.intoMemorySegment(y, yo + yBlock + 6 * wl, LE); a17.intoMemorySegment(y, yo + yBlock + 7 * wl, LE);
    }

    /** {@link #gemm2x8} for 4 tiles. */
    static void gemm2x4(MemorySegment x, long xo, long cbs, int ncb, MemorySegment w, long wo, MemorySegment y, long yo, long yBlock) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        long wl = VB, wstep = 2 * wl, ps = wl, wk = wo;
        for (int k = 0, n = ncb * L; k < n; k++, wk += wstep) { // one loop over all lanes: see NchwcKernels' 1×1 kernels
            long xl = xo + (k / L) * cbs + 4L * (k % L);
            FloatVector w0 = FloatVector.fromMemorySegment(S, w, wk, LE), w1 = FloatVector.fromMemorySegment(S, w, wk + wl, LE);
            FloatVector v;
            v = FloatVector.broadcast(S, x.get(F, xl)); a00 = w0.fma(v, a00); a10 = w1.fma(v, a10);
            v = FloatVector.broadcast(S, x.get(F, xl + ps)); a01 = w0.fma(v, a01); a11 = w1.fma(v, a11);
            v = FloatVector.broadcast(S, x.get(F, xl + 2 * ps)); a02 = w0.fma(v, a02); a12 = w1.fma(v, a12);
            v = FloatVector.broadcast(S, x.get(F, xl + 3 * ps)); a03 = w0.fma(v, a03); a13 = w1.fma(v, a13);
        }
        a00.intoMemorySegment(y, yo, LE); a01.intoMemorySegment(y, yo + wl, LE); a02.intoMemorySegment(y, yo + 2 * wl, LE); a03.intoMemorySegment(y, yo + 3 * wl, LE);
        a10.intoMemorySegment(y, yo + yBlock, LE); a11.intoMemorySegment(y, yo + yBlock + wl, LE); a12.intoMemorySegment(y, yo + yBlock + 2 * wl, LE); a13.intoMemorySegment(y, yo + yBlock + 3 * wl, LE);
    }

    /** {@link #gemm2x8} for 1 output block. */
    static void gemm1x8(MemorySegment x, long xo, long cbs, int ncb, MemorySegment w, long wo, MemorySegment y, long yo) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a04 = a00, a05 = a00, a06 = a00, a07 = a00;
        long wl = VB, wstep = 2 * wl, ps = wl, wk = wo;
        for (int k = 0, n = ncb * L; k < n; k++, wk += wstep) { // one loop over all lanes: see NchwcKernels' 1×1 kernels
            long xl = xo + (k / L) * cbs + 4L * (k % L);
            FloatVector w0 = FloatVector.fromMemorySegment(S, w, wk, LE);
            FloatVector v;
            v = FloatVector.broadcast(S, x.get(F, xl)); a00 = w0.fma(v, a00);
            v = FloatVector.broadcast(S, x.get(F, xl + ps)); a01 = w0.fma(v, a01);
            v = FloatVector.broadcast(S, x.get(F, xl + 2 * ps)); a02 = w0.fma(v, a02);
            v = FloatVector.broadcast(S, x.get(F, xl + 3 * ps)); a03 = w0.fma(v, a03);
            v = FloatVector.broadcast(S, x.get(F, xl + 4 * ps)); a04 = w0.fma(v, a04);
            v = FloatVector.broadcast(S, x.get(F, xl + 5 * ps)); a05 = w0.fma(v, a05);
            v = FloatVector.broadcast(S, x.get(F, xl + 6 * ps)); a06 = w0.fma(v, a06);
            v = FloatVector.broadcast(S, x.get(F, xl + 7 * ps)); a07 = w0.fma(v, a07);
        }
        a00.intoMemorySegment(y, yo, LE); a01.intoMemorySegment(y, yo + wl, LE); a02.intoMemorySegment(y, yo + 2 * wl, LE); a03.intoMemorySegment(y, yo + 3 * wl, LE);
        a04.intoMemorySegment(y, yo + 4 * wl, LE); a05.intoMemorySegment(y, yo + 5 * wl, LE); a06.intoMemorySegment(y, yo + 6 * wl, LE); a07.intoMemorySegment(y, yo + 7 * wl, LE);
    }

    private static MemorySegment nullable(MemorySegment s) { return s == null || s == MemorySegment.NULL ? null : s; }
}
