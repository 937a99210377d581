package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.Sgemm.F;
import static org.ge4j.ops.vector.Sgemm.NR;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

/**
 * The transposed implicit GEMM of a convolution, for output planes that NR-wide panels of positions fit
 * badly (7×7 = 49 positions fill 64 columns, 14×14 = 196 fill 224): vectors run over output channels
 * instead (the weights transposed and packed at compile time in panels of NR channels) and output
 * positions are broadcast scalars, so every position is computed once. The micro-kernel writes a tile of
 * positions × channels to scratch; it goes into the NCHW output transposed, with bias and Relu/Clip.
 * Work is cut into blocks of channel panels; chunk c of a {@link Split} made by {@link #split} covers
 * panels [{@code row0(c) / 8}, {@code row1(c) / 8}).
 */
final class ChannelPanels {
    /** Output positions per tile. */
    private static final int PB = 64;
    /**
     * On by default, off with {@code -Dge4j.vector.channelPanels=false}. (With the positions read in place
     * through the row table it measured no faster on resnet50 and stayed off; with them packed first into
     * blocks of 8, resnet50's 7×7 layers run 15-25 % faster and its 14×14 ones 0-7 %.)
     * Tests switch it through this field.
     */
    static boolean enabled = !"false".equals(System.getProperty("ge4j.vector.channelPanels"));

    private final MemorySegment wt;
    private final long groupBytes, panelBytes;
    private final int mg, kdim;

    /** Packs the weights W[groups·mg, kdim] (row-major) of each group into panels of NR channels. */
    ChannelPanels(MemorySegment w, int groups, int mg, int kdim) {
        this.mg = mg;
        this.kdim = kdim;
        panelBytes = Sgemm.panelBytes(kdim);
        groupBytes = Sgemm.packedBytes(kdim, mg);
        wt = Specs.allocate(groups * groupBytes);
        for (int gi = 0; gi < groups; gi++) Sgemm.pack(w, (long) gi * mg * kdim * 4, 4, kdim * 4L, kdim, mg, wt, gi * groupBytes);
    }

    /**
     * Whether the transposed form pays: positions padded to NR must waste over a tenth of the work, and more
     * than channels padded to NR would. (Measured with VectorBench on resnet50's layers, thread CPU time,
     * positions packed: at 7×7 = 49 positions, 31 % padding, the transposed form is 15-25 % faster; at
     * 14×14 = 196, 14 % padding, 0-7 % faster, except a 1×1 conv with k = 256 (3 % slower, within the noise).)
     */
    static boolean suits(int positions, int channels) {
        if (!enabled || channels < NR) return false;
        double posWaste = (double) Sgemm.panels(positions) * NR / positions, chanWaste = (double) Sgemm.panels(channels) * NR / channels;
        return posWaste > MIN_WASTE && chanWaste < posWaste;
    }

    static final double MIN_WASTE = Double.parseDouble(System.getProperty("ge4j.vector.channelWaste", "1.1"));

    /** The work split: batch items × blocks of channel panels (8 "rows" per panel). */
    static Split split(int batches, int channels, double flops, int threads) {
        return Split.of(batches, Sgemm.panels(channels) * 8, 1, flops, threads, true);
    }

    /**
     * Output channels of panels [panel0, panel1) of group grp, all p positions: Y[ch, r] = sum_kk X(r, kk) Wt[kk, ch]
     * with X(r, kk) at {@code xo + rows[kk] + 4 r}; Y[ch, r] at {@code yo + ch ldy + 4 r} (ch counted from the
     * group's first channel). With {@code clamp}, stores clamp(acc + bias[ch] + Z[ch, r], lo, hi) (bias at
     * {@code bo + 4 ch}; Z, the residual, optional, laid out as Y); otherwise the raw sums, and the caller runs the epilogue.
     */
    void run(int grp, MemorySegment x, long xo, MemorySegment rows, int panel0, int panel1, int p, MemorySegment y, long yo, long ldy,
             boolean clamp, MemorySegment bias, long bo, MemorySegment z, float lo, float hi) {
        MemorySegment tile = Scratch.get(2, (long) (PB + 8) * NR * 4);
        long blockBytes = (long) kdim * 32;
        MemorySegment packed = Scratch.get(3, (p + 7) / 8 * blockBytes + Sgemm.L * 4L);
        packPositions(x, xo, rows, p, packed, blockBytes);
        for (int q = panel0; q < panel1; q++) {
            int c0 = q * NR, nc = Math.min(NR, mg - c0);
            long wo = grp * groupBytes + q * panelBytes;
            for (int r0 = 0; r0 < p; r0 += PB) {
                int nr = Math.min(PB, p - r0);
                positionBlocks(packed, r0 / 8 * blockBytes, blockBytes, wo, tile, nr);
                if (vectorStore) {
                    MemorySegment tt = Scratch.get(0, (long) NR * PB * 4);
                    transpose(tile, nr, nc, tt);
                    storeRows(tt, nr, nc, y, yo + c0 * ldy + r0 * 4L, ldy, clamp, bias, bo + c0 * 4L, z, lo, hi);
                } else store(tile, nr, nc, y, yo + c0 * ldy + r0 * 4L, ldy, clamp, bias, bo + c0 * 4L, z, lo, hi);
            }
        }
    }

    // The positions are first packed into blocks of 8 (K groups of 8 consecutive floats, as Sgemm.packA packs
    // weights), so the plain micro-kernel streams them instead of reading 8 floats from K scattered rows per call.

    /** The first 8 lanes (the preferred species only: a second species in the same JVM measured as a risk to C2's intrinsics elsewhere). */
    private static final jdk.incubator.vector.VectorMask<Float> M8 = Sgemm.S.indexInRange(0, Math.min(8, Sgemm.L));

    /**
     * Tile rows [0, nr) from the packed positions (8 per block) times the weight panel at {@code wo}: the
     * micro-kernels called here directly rather than through {@link Sgemm#block}, whose narrow-panel path
     * this form never needs (a smaller method for C2, and block's profile stays its callers').
     */
    private void positionBlocks(MemorySegment packed, long po, long blockBytes, long wo, MemorySegment tile, int nr) {
        long ldt = NR * 4L;
        int i = 0;
        // 4-7 positions left: one more kernel8 over the whole last block (its lanes past p hold stale floats, computed
        // into tile rows nobody stores); fewer one at a time
        for (; i + 4 <= nr; i += 8) Sgemm.kernel8(packed, po + (i >> 3) * blockBytes, 4, 32, wt, wo, ldt, tile, i * ldt, ldt, kdim);
        for (; i < nr; i++) Sgemm.kernel1(packed, po + (i >> 3) * blockBytes + (i & 7) * 4L, 32, wt, wo, ldt, tile, i * ldt, kdim);
    }

    /** Block b of dst (at {@code b·blockBytes}) holds X(r, kk) for r in [8b, 8b + 8) at {@code kk·32 + 4 (r - 8b)}; reads positions below p only. */
    private void packPositions(MemorySegment x, long xo, MemorySegment rows, int p, MemorySegment dst, long blockBytes) {
        int full = p / 8;
        for (int kk = 0; kk < kdim; kk++) {
            long s = xo + rows.get(Sgemm.ROW, kk * 8L), d = kk * 32L;
            for (int b = 0; b < full; b++) {
                if (Sgemm.L >= 8 && s + b * 32L + Sgemm.L * 4L <= x.byteSize())
                    FloatVector.fromMemorySegment(Sgemm.S, x, s + b * 32L, Sgemm.LE, M8).intoMemorySegment(dst, b * blockBytes + d, Sgemm.LE, M8);
                else for (int r = 0; r < 8; r++) dst.set(F, b * blockBytes + d + r * 4L, x.get(F, s + b * 32L + r * 4L));
            }
            for (int r = full * 8; r < p; r++) dst.set(F, full * blockBytes + d + (r - full * 8) * 4L, x.get(F, s + r * 4L));
        }
    }

    /** Tile[r, ch] (row stride NR floats) into tt[ch, r] (row stride PB floats) for r &lt; nr, ch &lt; nc: 16×16 blocks in registers, the rest one float at a time. */
    private static void transpose(MemorySegment tile, int nr, int nc, MemorySegment tt) {
        int r16 = Sgemm.L == 16 ? nr / 16 * 16 : 0, c16 = Sgemm.L == 16 ? nc / 16 * 16 : 0;
        for (int r = 0; r < r16; r += 16)
            for (int c = 0; c < c16; c += 16) block16(tile, (r * (long) NR + c) * 4, tt, (c * (long) PB + r) * 4);
        for (int ch = 0; ch < nc; ch++) {
            int from = ch < c16 ? r16 : 0;
            for (int r = from; r < nr; r++) tt.set(F, (ch * (long) PB + r) * 4, tile.get(F, (r * (long) NR + ch) * 4));
        }
    }

    /** One 16×16 block: rows of 16 floats NR floats apart at {@code from}, transposed to rows PB floats apart at {@code to}. */
    private static void block16(MemorySegment tile, long from, MemorySegment tt, long to) {
        long ld = NR * 4L, lt = PB * 4L;
        FloatVector v0 = FloatVector.fromMemorySegment(Sgemm.S, tile, from + 0 * ld, Sgemm.LE);
        FloatVector v1 = FloatVector.fromMemorySegment(Sgemm.S, tile, from + 1 * ld, Sgemm.LE);
        FloatVector v2 = FloatVector.fromMemorySegment(Sgemm.S, tile, from + 2 * ld, Sgemm.LE);
        FloatVector v3 = FloatVector.fromMemorySegment(Sgemm.S, tile, from + 3 * ld, Sgemm.LE);
        FloatVector v4 = FloatVector.fromMemorySegment(Sgemm.S, tile, from + 4 * ld, Sgemm.LE);
        FloatVector v5 = FloatVector.fromMemorySegment(Sgemm.S, tile, from + 5 * ld, Sgemm.LE);
        FloatVector v6 = FloatVector.fromMemorySegment(Sgemm.S, tile, from + 6 * ld, Sgemm.LE);
        FloatVector v7 = FloatVector.fromMemorySegment(Sgemm.S, tile, from + 7 * ld, Sgemm.LE);
        FloatVector v8 = FloatVector.fromMemorySegment(Sgemm.S, tile, from + 8 * ld, Sgemm.LE);
        FloatVector v9 = FloatVector.fromMemorySegment(Sgemm.S, tile, from + 9 * ld, Sgemm.LE);
        FloatVector v10 = FloatVector.fromMemorySegment(Sgemm.S, tile, from + 10 * ld, Sgemm.LE);
        FloatVector v11 = FloatVector.fromMemorySegment(Sgemm.S, tile, from + 11 * ld, Sgemm.LE);
        FloatVector v12 = FloatVector.fromMemorySegment(Sgemm.S, tile, from + 12 * ld, Sgemm.LE);
        FloatVector v13 = FloatVector.fromMemorySegment(Sgemm.S, tile, from + 13 * ld, Sgemm.LE);
        FloatVector v14 = FloatVector.fromMemorySegment(Sgemm.S, tile, from + 14 * ld, Sgemm.LE);
        FloatVector v15 = FloatVector.fromMemorySegment(Sgemm.S, tile, from + 15 * ld, Sgemm.LE);
        FloatVector t0, t1;
        t0 = v0.rearrange(LO1, v1); t1 = v0.rearrange(HI1, v1); v0 = t0; v1 = t1;
        t0 = v2.rearrange(LO1, v3); t1 = v2.rearrange(HI1, v3); v2 = t0; v3 = t1;
        t0 = v4.rearrange(LO1, v5); t1 = v4.rearrange(HI1, v5); v4 = t0; v5 = t1;
        t0 = v6.rearrange(LO1, v7); t1 = v6.rearrange(HI1, v7); v6 = t0; v7 = t1;
        t0 = v8.rearrange(LO1, v9); t1 = v8.rearrange(HI1, v9); v8 = t0; v9 = t1;
        t0 = v10.rearrange(LO1, v11); t1 = v10.rearrange(HI1, v11); v10 = t0; v11 = t1;
        t0 = v12.rearrange(LO1, v13); t1 = v12.rearrange(HI1, v13); v12 = t0; v13 = t1;
        t0 = v14.rearrange(LO1, v15); t1 = v14.rearrange(HI1, v15); v14 = t0; v15 = t1;
        t0 = v0.rearrange(LO2, v2); t1 = v0.rearrange(HI2, v2); v0 = t0; v2 = t1;
        t0 = v1.rearrange(LO2, v3); t1 = v1.rearrange(HI2, v3); v1 = t0; v3 = t1;
        t0 = v4.rearrange(LO2, v6); t1 = v4.rearrange(HI2, v6); v4 = t0; v6 = t1;
        t0 = v5.rearrange(LO2, v7); t1 = v5.rearrange(HI2, v7); v5 = t0; v7 = t1;
        t0 = v8.rearrange(LO2, v10); t1 = v8.rearrange(HI2, v10); v8 = t0; v10 = t1;
        t0 = v9.rearrange(LO2, v11); t1 = v9.rearrange(HI2, v11); v9 = t0; v11 = t1;
        t0 = v12.rearrange(LO2, v14); t1 = v12.rearrange(HI2, v14); v12 = t0; v14 = t1;
        t0 = v13.rearrange(LO2, v15); t1 = v13.rearrange(HI2, v15); v13 = t0; v15 = t1;
        t0 = v0.rearrange(LO4, v4); t1 = v0.rearrange(HI4, v4); v0 = t0; v4 = t1;
        t0 = v1.rearrange(LO4, v5); t1 = v1.rearrange(HI4, v5); v1 = t0; v5 = t1;
        t0 = v2.rearrange(LO4, v6); t1 = v2.rearrange(HI4, v6); v2 = t0; v6 = t1;
        t0 = v3.rearrange(LO4, v7); t1 = v3.rearrange(HI4, v7); v3 = t0; v7 = t1;
        t0 = v8.rearrange(LO4, v12); t1 = v8.rearrange(HI4, v12); v8 = t0; v12 = t1;
        t0 = v9.rearrange(LO4, v13); t1 = v9.rearrange(HI4, v13); v9 = t0; v13 = t1;
        t0 = v10.rearrange(LO4, v14); t1 = v10.rearrange(HI4, v14); v10 = t0; v14 = t1;
        t0 = v11.rearrange(LO4, v15); t1 = v11.rearrange(HI4, v15); v11 = t0; v15 = t1;
        t0 = v0.rearrange(LO8, v8); t1 = v0.rearrange(HI8, v8); v0 = t0; v8 = t1;
        t0 = v1.rearrange(LO8, v9); t1 = v1.rearrange(HI8, v9); v1 = t0; v9 = t1;
        t0 = v2.rearrange(LO8, v10); t1 = v2.rearrange(HI8, v10); v2 = t0; v10 = t1;
        t0 = v3.rearrange(LO8, v11); t1 = v3.rearrange(HI8, v11); v3 = t0; v11 = t1;
        t0 = v4.rearrange(LO8, v12); t1 = v4.rearrange(HI8, v12); v4 = t0; v12 = t1;
        t0 = v5.rearrange(LO8, v13); t1 = v5.rearrange(HI8, v13); v5 = t0; v13 = t1;
        t0 = v6.rearrange(LO8, v14); t1 = v6.rearrange(HI8, v14); v6 = t0; v14 = t1;
        t0 = v7.rearrange(LO8, v15); t1 = v7.rearrange(HI8, v15); v7 = t0; v15 = t1;
        v0.intoMemorySegment(tt, to + 0 * lt, Sgemm.LE);
        v1.intoMemorySegment(tt, to + 1 * lt, Sgemm.LE);
        v2.intoMemorySegment(tt, to + 2 * lt, Sgemm.LE);
        v3.intoMemorySegment(tt, to + 3 * lt, Sgemm.LE);
        v4.intoMemorySegment(tt, to + 4 * lt, Sgemm.LE);
        v5.intoMemorySegment(tt, to + 5 * lt, Sgemm.LE);
        v6.intoMemorySegment(tt, to + 6 * lt, Sgemm.LE);
        v7.intoMemorySegment(tt, to + 7 * lt, Sgemm.LE);
        v8.intoMemorySegment(tt, to + 8 * lt, Sgemm.LE);
        v9.intoMemorySegment(tt, to + 9 * lt, Sgemm.LE);
        v10.intoMemorySegment(tt, to + 10 * lt, Sgemm.LE);
        v11.intoMemorySegment(tt, to + 11 * lt, Sgemm.LE);
        v12.intoMemorySegment(tt, to + 12 * lt, Sgemm.LE);
        v13.intoMemorySegment(tt, to + 13 * lt, Sgemm.LE);
        v14.intoMemorySegment(tt, to + 14 * lt, Sgemm.LE);
        v15.intoMemorySegment(tt, to + 15 * lt, Sgemm.LE);
    }

    private static final VectorShuffle<Float> LO1 = VectorShuffle.fromOp(Sgemm.S, l -> (l & 1) == 0 ? l : l - 1 + Sgemm.L);
    private static final VectorShuffle<Float> HI1 = VectorShuffle.fromOp(Sgemm.S, l -> (l & 1) == 0 ? l + 1 : l + Sgemm.L);
    private static final VectorShuffle<Float> LO2 = VectorShuffle.fromOp(Sgemm.S, l -> (l & 2) == 0 ? l : l - 2 + Sgemm.L);
    private static final VectorShuffle<Float> HI2 = VectorShuffle.fromOp(Sgemm.S, l -> (l & 2) == 0 ? l + 2 : l + Sgemm.L);
    private static final VectorShuffle<Float> LO4 = VectorShuffle.fromOp(Sgemm.S, l -> (l & 4) == 0 ? l : l - 4 + Sgemm.L);
    private static final VectorShuffle<Float> HI4 = VectorShuffle.fromOp(Sgemm.S, l -> (l & 4) == 0 ? l + 4 : l + Sgemm.L);
    private static final VectorShuffle<Float> LO8 = VectorShuffle.fromOp(Sgemm.S, l -> (l & 8) == 0 ? l : l - 8 + Sgemm.L);
    private static final VectorShuffle<Float> HI8 = VectorShuffle.fromOp(Sgemm.S, l -> (l & 8) == 0 ? l + 8 : l + Sgemm.L);

    /**
     * Off by default, on with {@code -Dge4j.vector.channelStore=vector}: the tile is transposed in 16×16
     * register blocks (two-vector rearranges) and the epilogue runs over whole vectors of positions.
     * Measured (VectorBench, thread CPU time): 1×1 256->1024 @14 91 -> 101 GFLOP/s, other resnet50 layers of
     * this form +1-4 %. Left off: with it on, AllocationFreeTest's "Conv depthwise s2" case (two-vector
     * rearranges too) allocated per run in 2 of 3 suite runs on a loaded machine (C2 not intrinsifying after
     * this JVM history?), never before it; not diagnosed yet.
     */
    static boolean vectorStore = "vector".equals(System.getProperty("ge4j.vector.channelStore"));

    /** tt[ch, r] (row stride PB floats) into Y[ch, r] for r &lt; nr, ch &lt; nc, through the epilogue as {@link #store}. */
    private static void storeRows(MemorySegment tt, int nr, int nc, MemorySegment y, long yo, long ldy, boolean clamp, MemorySegment bias, long bo,
                                  MemorySegment z, float lo, float hi) {
        int n16 = nr / Sgemm.L * Sgemm.L;
        for (int ch = 0; ch < nc; ch++) {
            long d = yo + ch * ldy, t = ch * (long) PB * 4;
            if (clamp && z != null) {
                float b = bias.get(F, bo + ch * 4L);
                for (int r = 0; r < n16; r += Sgemm.L)
                    FloatVector.fromMemorySegment(Sgemm.S, tt, t + r * 4L, Sgemm.LE).add(b).add(FloatVector.fromMemorySegment(Sgemm.S, z, d + r * 4L, Sgemm.LE))
                            .max(lo).min(hi).intoMemorySegment(y, d + r * 4L, Sgemm.LE);
                for (int r = n16; r < nr; r++)
                    y.set(F, d + r * 4L, Math.min(hi, Math.max(lo, tt.get(F, t + r * 4L) + b + z.get(F, d + r * 4L))));
            } else if (clamp) {
                float b = bias.get(F, bo + ch * 4L);
                for (int r = 0; r < n16; r += Sgemm.L)
                    FloatVector.fromMemorySegment(Sgemm.S, tt, t + r * 4L, Sgemm.LE).add(b).max(lo).min(hi).intoMemorySegment(y, d + r * 4L, Sgemm.LE);
                for (int r = n16; r < nr; r++) y.set(F, d + r * 4L, Math.min(hi, Math.max(lo, tt.get(F, t + r * 4L) + b)));
            } else {
                for (int r = 0; r < n16; r += Sgemm.L)
                    FloatVector.fromMemorySegment(Sgemm.S, tt, t + r * 4L, Sgemm.LE).intoMemorySegment(y, d + r * 4L, Sgemm.LE);
                for (int r = n16; r < nr; r++) y.set(F, d + r * 4L, tt.get(F, t + r * 4L));
            }
        }
    }

    /** Tile[r, ch] (row stride NR floats) into Y[ch, r] for r &lt; nr, ch &lt; nc. */
    private static void store(MemorySegment tile, int nr, int nc, MemorySegment y, long yo, long ldy, boolean clamp, MemorySegment bias, long bo,
                              MemorySegment z, float lo, float hi) {
        for (int ch = 0; ch < nc; ch++) {
            long d = yo + ch * ldy;
            if (clamp && z != null) {
                float b = bias.get(F, bo + ch * 4L);
                for (int r = 0; r < nr; r++)
                    y.set(F, d + r * 4L, Math.min(hi, Math.max(lo, tile.get(F, (r * (long) NR + ch) * 4) + b + z.get(F, d + r * 4L))));
            } else if (clamp) {
                float b = bias.get(F, bo + ch * 4L);
                for (int r = 0; r < nr; r++) y.set(F, d + r * 4L, Math.min(hi, Math.max(lo, tile.get(F, (r * (long) NR + ch) * 4) + b)));
            } else {
                for (int r = 0; r < nr; r++) y.set(F, d + r * 4L, tile.get(F, (r * (long) NR + ch) * 4));
            }
        }
    }
}
