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
import org.ge4j.ops.exec.NodeSpec;

/**
 * {@code ge4j::BlockedConv} with group 1, a blocked input and a 3×3 stride-1 undilated window, by Winograd's
 * minimal filtering F(4×4, 3×3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2015):
 * each 4×4 output tile is {@code Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A} for the 6×6 input tile d, so the 36 products per
 * input/output channel pair replace 144 multiply-adds of the direct conv (4× fewer).
 *
 * <p>A lane is a channel, so every transform is vector adds and FMAs over L channels at once. The weights are
 * transformed once here into {@code U[group][p][ci][FB][co lane]} (p = the 36 positions of the 6×6 tile, groups of
 * FB output blocks; padded channels zero). A run takes strips of T consecutive tiles (row-major over the tile
 * grid): the strip's input tiles are transformed into {@code V[p][ci block][tile][lane]} (scratch), then for each
 * group and position a GEMM {@code M[p] = V[p] × U[p]} (the micro-kernel: 5 tiles × FB output blocks of
 * accumulators, one broadcast input value per tile and input channel, FB weight vectors), then the output
 * transform adds bias and residual, applies the activation and writes the tile into Y (only its positions inside
 * the output). Tiles that overhang the input are read through a zero-bordered copy. Work units are (image, strip,
 * part of the groups); the pool takes contiguous runs of them.
 *
 * <p>Rounding: the transforms multiply by up to 8 (Aᵀ) and 5 (Bᵀ) and divide by 24 (G), so the error grows to about
 * 10× that of the direct conv's sums (still ~1e-6 relative to the output's magnitude in float).
 */
final class NchwcWinograd implements CompiledKernel, WorkerPool.Job {
    /** Output blocks per group (the accumulators of one tile). */
    static final int FB = 4;
    /** Tiles per micro-kernel call. */
    static final int P = 5;
    /** Tile positions (6×6) and output tile side. */
    private static final int A = 6, NP = A * A, OT = 4;
    private static final long VB = L * 4L;
    /** The transforms' constants. */
    private static final FloatVector K2 = FloatVector.broadcast(S, 2f), KM2 = FloatVector.broadcast(S, -2f), K4 = FloatVector.broadcast(S, 4f),
            KM4 = FloatVector.broadcast(S, -4f), KM5 = FloatVector.broadcast(S, -5f), K8 = FloatVector.broadcast(S, 8f);

    /**
     * Whether BlockedCompilers dispatches eligible 3×3 convs here ({@code -Dge4j.nchwc.winograd=false}: never).
     * Tests set this field.
     */
    static boolean enabled = Boolean.parseBoolean(System.getProperty("ge4j.nchwc.winograd", "true"));
    /** Tests set this to bypass the shape rule of {@link #profitable}. */
    static boolean force;
    /**
     * Bytes of transformed input and products per strip ({@code -Dge4j.nchwc.winogradStripBytes}): the strip's tile
     * count. Measured (WinogradBench, cold): 256 KB beat 512-1024 KB by 5-15 % on 16-64 channels at 55-56, and for
     * 256 channels at 14 one strip of all 16 tiles (740 KB) beat strips of 5 by ~20 %.
     */
    static long stripBytes = Long.getLong("ge4j.nchwc.winogradStripBytes", 256 << 10);

    private final Window2d g;
    private final int cb, mb, groups, tilesW, tiles, strip, strips, parts, groupsPer;
    private final MemorySegment u, bias;
    private final long uPos, uGroup, xImg, xCb, xRow, yImg, yBlock, yRow;
    private final Act act;
    private final boolean clamp, fixPad;
    private final float lo, hi;
    private final VectorMask<Float> padLanes;
    private final int zArg, yArg;
    private final WorkerPool pool;
    private final int chunks;

    private NchwcWinograd(Window2d g, int m, Act act, Tensor weights, Tensor b, int zArg, int yArg, WorkerPool pool) {
        this.g = g;
        this.act = act;
        this.zArg = zArg;
        this.yArg = yArg;
        this.pool = pool;
        int c = g.c();
        cb = (c + L - 1) / L;
        mb = (m + L - 1) / L;
        groups = (mb + FB - 1) / FB;
        tilesW = (g.ow() + OT - 1) / OT;
        tiles = tilesW * ((g.oh() + OT - 1) / OT);
        xRow = (long) g.w() * VB;
        xCb = xRow * g.h();
        xImg = xCb * cb;
        yRow = (long) g.ow() * VB;
        yBlock = yRow * g.oh();
        yImg = yBlock * mb;
        // U[group][p][ci][f][lane], ci over cb·L input channels
        uPos = (long) cb * L * FB * VB;
        uGroup = uPos * NP;
        u = Specs.allocate(uGroup * groups);
        MemorySegment src = weights.segment();
        double[] k = new double[9], t = new double[NP];
        for (int o = 0; o < m; o++)
            for (int ci = 0; ci < c; ci++) {
                for (int i = 0; i < 9; i++) k[i] = src.get(F, ((long) o * c + ci) * 36L + i * 4L);
                transformFilter(k, t);
                long base = (o / L / FB) * uGroup + (long) ci * FB * VB + ((o / L) % FB) * VB + (o % L) * 4L;
                for (int p = 0; p < NP; p++) u.set(F, base + p * uPos, (float) t[p]);
            }
        bias = Specs.allocate((long) groups * FB * VB);
        if (b != null) MemorySegment.copy(b.segment(), 0, bias, 0, (long) m * 4);
        int kind = act.kind();
        clamp = kind == Act.NONE || kind == Act.RELU || kind == Act.CLIP;
        lo = kind == Act.RELU ? 0f : kind == Act.CLIP ? act.p0() : Float.NEGATIVE_INFINITY;
        hi = kind == Act.CLIP ? act.p1() : Float.POSITIVE_INFINITY;
        MemorySegment one = Specs.allocate(4);
        act.apply(one, 0, one, 0, 1);
        fixPad = m % L != 0 && one.get(F, 0) != 0f;
        padLanes = S.indexInRange(0, m % L == 0 ? L : m % L).not();
        // strips of equal tile counts whose transformed input and products stay within stripBytes, or one strip of
        // all tiles when they fit in 3× that (few tiles, large weights: each strip reads all the weights)
        int fit = (int) Math.max(P, stripBytes / ((long) NP * (cb + FB) * VB));
        if (tiles <= 3 * fit) fit = tiles;
        int n = Math.max(1, (tiles + fit - 1) / fit);
        strip = (tiles + n - 1) / n;
        strips = (tiles + strip - 1) / strip;
        double flops = 2.0 * g.n() * m * g.outPlane() * (double) c * 9;
        int threads = pool.threads();
        boolean par = threads > 1 && flops >= Split.PARALLEL_MIN_FLOPS;
        int want = par ? 2 * threads : 1, have = g.n() * strips;
        parts = have >= want ? 1 : Math.min(groups, (want + have - 1) / have);
        groupsPer = (groups + parts - 1) / parts;
        int units = g.n() * strips * parts;
        chunks = par ? Math.min(units, (flops >= 64 * Split.PARALLEL_MIN_FLOPS ? 4 : 2) * threads) : 1;
    }

    /** t[a·6 + b] = (G k Gᵀ)[a][b] for the 3×3 kernel k (row-major), G the 6×3 filter transform of F(4, 3). */
    static void transformFilter(double[] k, double[] t) {
        double[][] gm = {{1 / 4.0, 0, 0}, {-1 / 6.0, -1 / 6.0, -1 / 6.0}, {-1 / 6.0, 1 / 6.0, -1 / 6.0},
                {1 / 24.0, 1 / 12.0, 1 / 6.0}, {1 / 24.0, -1 / 12.0, 1 / 6.0}, {0, 0, 1}};
        double[] gk = new double[A * 3];
        for (int a = 0; a < A; a++)
            for (int j = 0; j < 3; j++) {
                double s = 0;
                for (int i = 0; i < 3; i++) s += gm[a][i] * k[i * 3 + j];
                gk[a * 3 + j] = s;
            }
        for (int a = 0; a < A; a++)
            for (int b = 0; b < A; b++) {
                double s = 0;
                for (int j = 0; j < 3; j++) s += gk[a * 3 + j] * gm[b][j];
                t[a * A + b] = s;
            }
    }

    /**
     * The kernel for a BlockedConv node this class handles (blocked input, group 1, 3×3, stride 1, dilation 1, and
     * a shape where it measured faster than {@link NchwcConv}), or null.
     */
    static CompiledKernel compile(NodeSpec s) { return enabled ? compile(s, WorkerPool.shared()) : null; }

    /** {@link #compile(NodeSpec)} on the given pool, the switch not read (tests). */
    static CompiledKernel compile(NodeSpec s, WorkerPool pool) {
        long[] xs = s.inputShape(0), ws = s.inputShape(1), ys = s.outputShape(0);
        if (xs.length != 5 || ws.length != 4 || ys.length != 5 || xs[4] != L || ys[4] != L) return null;
        if (ws[2] != 3 || ws[3] != 3 || !Specs.fitsInt(xs) || !Specs.fitsInt(ys) || !Specs.fitsInt(ws)) return null;
        Act act = Act.ofFusedAttrs(s.attrs());
        Tensor weights = s.constant(1);
        if (act == null || weights == null) return null;
        long c = ws[1], m = ws[0];
        if (xs[1] != (c + L - 1) / L || ys[1] != (m + L - 1) / L || c < 1 || m < 1) return null;
        Window2d g = Window2d.of(s.attrs(), new long[] {xs[0], c, xs[2], xs[3]}, new long[] {ys[0], m, ys[2], ys[3]}, new long[] {3, 3});
        if (g == null || g.n() == 0 || g.outPlane() == 0 || g.sh() != 1 || g.sw() != 1 || g.dh() != 1 || g.dw() != 1) return null;
        if (!force && !profitable(g, (int) m)) return null;
        Tensor b = null;
        if (s.input(2) != null) {
            b = s.constant(2);
            if (b == null || Specs.count(s.inputShape(2)) != m) return null;
        }
        int z = s.input(3) != null ? 3 : -1;
        if (z >= 0 && !java.util.Arrays.equals(s.inputShape(3), ys)) return null;
        return new NchwcWinograd(g, (int) m, act, weights, b, z, s.inputs().size(), pool);
    }

    /** The shape rule: where F(4×4, 3×3) measured faster than the direct conv. */
    static boolean profitable(Window2d g, int m) {
        return g.c() >= 16 && m >= 16 && g.oh() >= 7 && g.ow() >= 7;
    }

    /** The chunks a run is cut into for the pool (1: on the calling thread). */
    int chunks() { return chunks; }

    private static final class Run {
        MemorySegment[] args;
    }

    private static final ThreadLocal<Run> RUN = ThreadLocal.withInitial(Run::new);

    @Override public void run(MemorySegment[] args) {
        Run r = RUN.get();
        r.args = args;
        try {
            if (chunks > 1) pool.run(this, r, chunks);
            else units(r, 0, g.n() * strips * parts);
        } finally {
            r.args = null;
        }
    }

    @Override public void run(Object ctx, int chunk, int n) {
        long units = (long) g.n() * strips * parts;
        units((Run) ctx, (int) (units * chunk / n), (int) (units * (chunk + 1) / n));
    }

    private void units(Run run, int u0, int u1) {
        MemorySegment[] args = run.args;
        MemorySegment x = args[0], y = args[yArg];
        MemorySegment z = zArg >= 0 ? nullable(args[zArg]) : null;
        long rs = (strip + P) * VB, vp = cb * rs, mp = FB * rs;
        MemorySegment v = Scratch.get(0, vp * NP), mm = Scratch.get(1, mp * NP), tmp = Scratch.get(2, 2L * NP * VB);
        for (int un = u0; un < u1; un++) {
            int part = un % parts, s = un / parts % strips, n = un / parts / strips;
            int t0 = s * strip, nt = Math.min(tiles, t0 + strip) - t0;
            for (int t = 0; t < nt; t++) inputTile(x, n, t0 + t, v, t * VB, vp, tmp);
            // nt = 4·fours + 5·k when it can be, else the last call of 5 runs past nt (on stale scratch, never read)
            int fours = (4 * nt) % P;
            if (4 * fours > nt) fours = nt % P == 4 ? 1 : 0;
            int g1 = Math.min(groups, (part + 1) * groupsPer);
            for (int grp = part * groupsPer; grp < g1; grp++) {
                long ug = grp * uGroup;
                for (int p = 0; p < NP; p++) {
                    long vo = p * vp, mo = p * mp, uo = ug + p * uPos;
                    int t = 0;
                    for (int q = 0; q < fours; q++, t += 4) gemm4(v, vo + t * VB, rs, cb, u, uo, mm, mo + t * VB, rs);
                    for (; t < nt; t += P) gemm5(v, vo + t * VB, rs, cb, u, uo, mm, mo + t * VB, rs);
                }
                int nb = Math.min(FB, mb - FB * grp);
                for (int t = 0; t < nt; t++)
                    for (int f = 0; f < nb; f++) outputTile(mm, f * rs + t * VB, mp, tmp, y, z, n, t0 + t, FB * grp + f);
            }
        }
    }

    /**
     * V[p][c][.] at vo + p·vp + c·cbs = (Bᵀ d B)[p] for tile t of image n and every input block c: d read from X
     * directly inside the input, else through a zero-bordered copy in tmp. (The transforms are written out: a
     * helper taking vectors as arguments, when C2 does not inline it, boxes them.)
     */
    private void inputTile(MemorySegment x, int n, int t, MemorySegment v, long vo, long vp, MemorySegment tmp) {
        int r0 = t / tilesW * OT - g.pt(), c0 = t % tilesW * OT - g.pl();
        boolean inside = r0 >= 0 && c0 >= 0 && r0 + A <= g.h() && c0 + A <= g.w();
        long cbs = (strip + P) * VB, tb = NP * VB, row = A * VB; // tmp: [0, tb) the transform's rows, [tb, 2 tb) the bordered copy
        for (int c = 0; c < cb; c++) {
            MemorySegment src = x;
            long so = n * xImg + c * xCb + r0 * xRow + c0 * VB, rs = xRow;
            if (!inside) {
                border(x, n * xImg + c * xCb, r0, c0, tmp, tb);
                src = tmp;
                so = tb;
                rs = row;
            }
            // columns: tmp[a][j] = (Bᵀ d)[a][j]
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
            // rows: V[a·6 + b] = (Bᵀ d B)[a][b]
            long vc = vo + c * cbs;
            for (int a = 0; a < A; a++) {
                long s = a * row, o = vc + a * A * vp;
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

    /** tmp[to + (i·6 + j)·VB] = X[block at xo][r0 + i][c0 + j], zero outside the input. */
    private void border(MemorySegment x, long xo, int r0, int c0, MemorySegment tmp, long to) {
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < A; i++)
            for (int j = 0; j < A; j++) {
                int r = r0 + i, cc = c0 + j;
                long d = to + (i * A + j) * VB;
                if (r >= 0 && r < g.h() && cc >= 0 && cc < g.w()) FloatVector.fromMemorySegment(S, x, xo + r * xRow + cc * VB, LE).intoMemorySegment(tmp, d, LE);
                else zero.intoMemorySegment(tmp, d, LE);
            }
    }

    /**
     * Output tile t of image n, output block ob: Aᵀ M A from M[p] at mo + p·mp, plus bias and residual, activated,
     * written to Y's positions inside the output.
     */
    private void outputTile(MemorySegment mm, long mo, long mp, MemorySegment tmp, MemorySegment y, MemorySegment z, int n, int t, int ob) {
        long row = A * VB;
        // columns: tmp[r][b] = (Aᵀ M)[r][b]
        for (int b = 0; b < A; b++) {
            long s = mo + b * mp, step = A * mp, o = b * VB;
            FloatVector m0 = FloatVector.fromMemorySegment(S, mm, s, LE), m1 = FloatVector.fromMemorySegment(S, mm, s + step, LE),
                    m2 = FloatVector.fromMemorySegment(S, mm, s + 2 * step, LE), m3 = FloatVector.fromMemorySegment(S, mm, s + 3 * step, LE),
                    m4 = FloatVector.fromMemorySegment(S, mm, s + 4 * step, LE), m5 = FloatVector.fromMemorySegment(S, mm, s + 5 * step, LE);
            FloatVector a = m1.add(m2), d = m1.sub(m2), e = m3.add(m4), f = m3.sub(m4);
            m0.add(a).add(e).intoMemorySegment(tmp, o, LE);
            f.fma(K2, d).intoMemorySegment(tmp, o + row, LE);
            e.fma(K4, a).intoMemorySegment(tmp, o + 2 * row, LE);
            f.fma(K8, d).add(m5).intoMemorySegment(tmp, o + 3 * row, LE);
        }
        int or0 = t / tilesW * OT, oc0 = t % tilesW * OT;
        int rows = Math.min(OT, g.oh() - or0), cols = Math.min(OT, g.ow() - oc0);
        FloatVector bv = FloatVector.fromMemorySegment(S, bias, ob * VB, LE);
        for (int r = 0; r < rows; r++) {
            long s = r * row;
            FloatVector m0 = FloatVector.fromMemorySegment(S, tmp, s, LE), m1 = FloatVector.fromMemorySegment(S, tmp, s + VB, LE),
                    m2 = FloatVector.fromMemorySegment(S, tmp, s + 2 * VB, LE), m3 = FloatVector.fromMemorySegment(S, tmp, s + 3 * VB, LE),
                    m4 = FloatVector.fromMemorySegment(S, tmp, s + 4 * VB, LE), m5 = FloatVector.fromMemorySegment(S, tmp, s + 5 * VB, LE);
            FloatVector a = m1.add(m2), d = m1.sub(m2), e = m3.add(m4), f = m3.sub(m4);
            FloatVector o0 = m0.add(a).add(e).add(bv), o1 = f.fma(K2, d).add(bv), o2 = e.fma(K4, a).add(bv), o3 = f.fma(K8, d).add(m5).add(bv);
            long yo = n * yImg + ob * yBlock + (or0 + r) * yRow + oc0 * VB;
            if (cols == OT) {
                if (z != null) {
                    o0 = o0.add(FloatVector.fromMemorySegment(S, z, yo, LE));
                    o1 = o1.add(FloatVector.fromMemorySegment(S, z, yo + VB, LE));
                    o2 = o2.add(FloatVector.fromMemorySegment(S, z, yo + 2 * VB, LE));
                    o3 = o3.add(FloatVector.fromMemorySegment(S, z, yo + 3 * VB, LE));
                }
                if (clamp) {
                    o0 = o0.max(lo).min(hi);
                    o1 = o1.max(lo).min(hi);
                    o2 = o2.max(lo).min(hi);
                    o3 = o3.max(lo).min(hi);
                }
                o0.intoMemorySegment(y, yo, LE);
                o1.intoMemorySegment(y, yo + VB, LE);
                o2.intoMemorySegment(y, yo + 2 * VB, LE);
                o3.intoMemorySegment(y, yo + 3 * VB, LE);
            } else { // a tile overhanging the right edge: through tmp's second half, then the columns inside
                long e0 = NP * VB;
                o0.intoMemorySegment(tmp, e0, LE);
                o1.intoMemorySegment(tmp, e0 + VB, LE);
                o2.intoMemorySegment(tmp, e0 + 2 * VB, LE);
                o3.intoMemorySegment(tmp, e0 + 3 * VB, LE);
                for (int col = 0; col < cols; col++) {
                    FloatVector o = FloatVector.fromMemorySegment(S, tmp, e0 + col * VB, LE);
                    if (z != null) o = o.add(FloatVector.fromMemorySegment(S, z, yo + col * VB, LE));
                    if (clamp) o = o.max(lo).min(hi);
                    o.intoMemorySegment(y, yo + col * VB, LE);
                }
            }
            if (!clamp) act.apply(y, yo, y, yo, (long) cols * L);
            if (fixPad && ob == mb - 1) {
                FloatVector zero = FloatVector.zero(S);
                for (int col = 0; col < cols; col++) zero.intoMemorySegment(y, yo + col * VB, LE, padLanes);
            }
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
        for (int c = 0; c < ncb; c++) {
            long xr = xo + c * cbs;
            for (int l = 0; l < L; l++, wk += wstep) {
                long xl = xr + 4L * l;
                FloatVector w0 = FloatVector.fromMemorySegment(S, w, wk, LE), w1 = FloatVector.fromMemorySegment(S, w, wk + wl, LE),
                        w2 = FloatVector.fromMemorySegment(S, w, wk + 2 * wl, LE), w3 = FloatVector.fromMemorySegment(S, w, wk + 3 * wl, LE);
                FloatVector v;
                v = FloatVector.broadcast(S, x.get(F, xl)); a00 = w0.fma(v, a00); a10 = w1.fma(v, a10); a20 = w2.fma(v, a20); a30 = w3.fma(v, a30);
                v = FloatVector.broadcast(S, x.get(F, xl + ps)); a01 = w0.fma(v, a01); a11 = w1.fma(v, a11); a21 = w2.fma(v, a21); a31 = w3.fma(v, a31);
                v = FloatVector.broadcast(S, x.get(F, xl + 2 * ps)); a02 = w0.fma(v, a02); a12 = w1.fma(v, a12); a22 = w2.fma(v, a22); a32 = w3.fma(v, a32);
                v = FloatVector.broadcast(S, x.get(F, xl + 3 * ps)); a03 = w0.fma(v, a03); a13 = w1.fma(v, a13); a23 = w2.fma(v, a23); a33 = w3.fma(v, a33);
                v = FloatVector.broadcast(S, x.get(F, xl + 4 * ps)); a04 = w0.fma(v, a04); a14 = w1.fma(v, a14); a24 = w2.fma(v, a24); a34 = w3.fma(v, a34);
            }
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
        for (int c = 0; c < ncb; c++) {
            long xr = xo + c * cbs;
            for (int l = 0; l < L; l++, wk += wstep) {
                long xl = xr + 4L * l;
                FloatVector w0 = FloatVector.fromMemorySegment(S, w, wk, LE), w1 = FloatVector.fromMemorySegment(S, w, wk + wl, LE),
                        w2 = FloatVector.fromMemorySegment(S, w, wk + 2 * wl, LE), w3 = FloatVector.fromMemorySegment(S, w, wk + 3 * wl, LE);
                FloatVector v;
                v = FloatVector.broadcast(S, x.get(F, xl)); a00 = w0.fma(v, a00); a10 = w1.fma(v, a10); a20 = w2.fma(v, a20); a30 = w3.fma(v, a30);
                v = FloatVector.broadcast(S, x.get(F, xl + ps)); a01 = w0.fma(v, a01); a11 = w1.fma(v, a11); a21 = w2.fma(v, a21); a31 = w3.fma(v, a31);
                v = FloatVector.broadcast(S, x.get(F, xl + 2 * ps)); a02 = w0.fma(v, a02); a12 = w1.fma(v, a12); a22 = w2.fma(v, a22); a32 = w3.fma(v, a32);
                v = FloatVector.broadcast(S, x.get(F, xl + 3 * ps)); a03 = w0.fma(v, a03); a13 = w1.fma(v, a13); a23 = w2.fma(v, a23); a33 = w3.fma(v, a33);
            }
        }
        long y0 = yo, y1 = yo + yBlock, y2 = yo + 2 * yBlock, y3 = yo + 3 * yBlock;
        a00.intoMemorySegment(y, y0, LE); a01.intoMemorySegment(y, y0 + wl, LE); a02.intoMemorySegment(y, y0 + 2 * wl, LE); a03.intoMemorySegment(y, y0 + 3 * wl, LE);
        a10.intoMemorySegment(y, y1, LE); a11.intoMemorySegment(y, y1 + wl, LE); a12.intoMemorySegment(y, y1 + 2 * wl, LE); a13.intoMemorySegment(y, y1 + 3 * wl, LE);
        a20.intoMemorySegment(y, y2, LE); a21.intoMemorySegment(y, y2 + wl, LE); a22.intoMemorySegment(y, y2 + 2 * wl, LE); a23.intoMemorySegment(y, y2 + 3 * wl, LE);
        a30.intoMemorySegment(y, y3, LE); a31.intoMemorySegment(y, y3 + wl, LE); a32.intoMemorySegment(y, y3 + 2 * wl, LE); a33.intoMemorySegment(y, y3 + 3 * wl, LE);
    }

    private static MemorySegment nullable(MemorySegment s) { return s == null || s == MemorySegment.NULL ? null : s; }
}
