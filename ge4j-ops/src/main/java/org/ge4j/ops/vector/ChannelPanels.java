package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.Sgemm.F;
import static org.ge4j.ops.vector.Sgemm.NR;

import java.lang.foreign.MemorySegment;

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
     * through the row table it measured no faster on resnet50 and stayed off; with them packed first,
     * {@link #PACK}, resnet50's 7×7 layers run 15-25 % faster and its 14×14 ones 0-7 %.)
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
        MemorySegment tile = Scratch.get(2, (long) PB * NR * 4);
        long blockBytes = (long) kdim * 32;
        MemorySegment packed = PACK ? Scratch.get(3, (p + 7) / 8 * blockBytes) : null;
        if (PACK) packPositions(x, xo, rows, p, packed, blockBytes);
        for (int q = panel0; q < panel1; q++) {
            int c0 = q * NR, nc = Math.min(NR, mg - c0);
            long wo = grp * groupBytes + q * panelBytes;
            for (int r0 = 0; r0 < p; r0 += PB) {
                int nr = Math.min(PB, p - r0);
                if (PACK) positionBlocks(packed, r0 / 8 * blockBytes, blockBytes, wo, tile, nr);
                else Sgemm.blockRowsT(x, xo + r0 * 4L, rows, wt, wo, tile, 0, NR * 4L, nr, kdim);
                store(tile, nr, nc, y, yo + c0 * ldy + r0 * 4L, ldy, clamp, bias, bo + c0 * 4L, z, lo, hi);
            }
        }
    }

    /**
     * Measured switch ({@code -Dge4j.vector.channelPack=false} turns it off): the positions are first packed
     * into blocks of 8 (K groups of 8 consecutive floats, as {@link Sgemm#packA} packs weights), so the
     * plain micro-kernel streams them instead of reading 8 floats from K scattered rows per call.
     */
    static final boolean PACK = !"false".equals(System.getProperty("ge4j.vector.channelPack"));

    private static final jdk.incubator.vector.VectorSpecies<Float> S8 = jdk.incubator.vector.FloatVector.SPECIES_256;

    /**
     * Tile rows [0, nr) from the packed positions (8 per block) times the weight panel at {@code wo}: the
     * micro-kernels called here directly rather than through {@link Sgemm#block}, whose narrow-panel path
     * this form never needs (a smaller method for C2, and block's profile stays its callers').
     */
    private void positionBlocks(MemorySegment packed, long po, long blockBytes, long wo, MemorySegment tile, int nr) {
        long ldt = NR * 4L;
        int i = 0;
        for (; i + 8 <= nr; i += 8) Sgemm.kernel8(packed, po + (i >> 3) * blockBytes, 4, 32, wt, wo, ldt, tile, i * ldt, ldt, kdim);
        for (; i + 4 <= nr; i += 4) Sgemm.kernel4(packed, po + (i >> 3) * blockBytes + (i & 7) * 4L, 4, 32, wt, wo, ldt, tile, i * ldt, ldt, kdim);
        for (; i < nr; i++) Sgemm.kernel1(packed, po + (i >> 3) * blockBytes + (i & 7) * 4L, 32, wt, wo, ldt, tile, i * ldt, kdim);
    }

    /** Block b of dst (at {@code b·blockBytes}) holds X(r, kk) for r in [8b, 8b + 8) at {@code kk·32 + 4 (r - 8b)}; reads positions below p only. */
    private void packPositions(MemorySegment x, long xo, MemorySegment rows, int p, MemorySegment dst, long blockBytes) {
        int full = p / 8;
        for (int kk = 0; kk < kdim; kk++) {
            long s = xo + rows.get(Sgemm.ROW, kk * 8L), d = kk * 32L;
            for (int b = 0; b < full; b++)
                jdk.incubator.vector.FloatVector.fromMemorySegment(S8, x, s + b * 32L, Sgemm.LE).intoMemorySegment(dst, b * blockBytes + d, Sgemm.LE);
            for (int r = full * 8; r < p; r++) dst.set(F, full * blockBytes + d + (r - full * 8) * 4L, x.get(F, s + r * 4L));
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
