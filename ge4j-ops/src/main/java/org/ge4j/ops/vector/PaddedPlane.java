package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.Sgemm.F;
import static org.ge4j.ops.vector.Sgemm.L;
import static org.ge4j.ops.vector.Sgemm.LE;
import static org.ge4j.ops.vector.Sgemm.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

/**
 * The layout of one input channel copied into scratch with its border (pads, and room for whole-vector
 * loads past the last output) filled with a constant, so that a sliding window never needs bounds checks.
 * For stride 1 a plane row is the padded input row; for stride 2 it is stored de-interleaved (even columns,
 * then odd ones), so that the window column j of a run of consecutive outputs is always one contiguous load
 * at {@code colOff[j]}. Rows cover {@code outRows} output rows.
 *
 * <p>Scratch layout (bytes): the plane ({@link #planeBytes}), a row buffer for de-interleaving, then a tile
 * of four vectors for lane-exact output stores ({@link #tile}).
 */
final class PaddedPlane {
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, i -> 2 * i + 1);

    final Window2d g;
    final int hp, wp, half;
    final long rowBytes;
    final long[] colOff;
    final long planeBytes, tile, bytes;

    /**
     * @param outRows output rows the plane must cover (rounded up by callers that compute rows in groups)
     * @param outCols output columns the plane must cover (rounded up to whole vector groups)
     */
    PaddedPlane(Window2d g, int outRows, int outCols) {
        this.g = g;
        hp = (outRows - 1) * g.sh() + (g.kh() - 1) * g.dh() + 1;
        colOff = new long[g.kw()];
        if (g.sw() == 1) {
            wp = outCols + (g.kw() - 1) * g.dw() + L;
            half = 0;
            for (int j = 0; j < g.kw(); j++) colOff[j] = (long) j * g.dw() * 4;
        } else if (g.sw() == 2) {
            // output o, tap j reads padded column 2o + j·dw: half (j·dw) % 2, index o + (j·dw) / 2
            half = (outCols + ((g.kw() - 1) * g.dw() + 1) / 2 + L + L - 1) / L * L; // whole vectors: de-interleaving writes them
            wp = 2 * half;
            for (int j = 0; j < g.kw(); j++) colOff[j] = ((j * g.dw()) % 2) * half * 4L + ((j * g.dw()) / 2) * 4L;
        } else throw new IllegalArgumentException("stride " + g.sw());
        rowBytes = wp * 4L;
        planeBytes = hp * rowBytes;
        tile = planeBytes + wp * 4L + 2 * L * 4L;
        bytes = tile + 4 * L * 4L;
    }

    /** Fills plane and row buffer with {@code v} (once per chunk: copies only ever overwrite the same interior). */
    void clear(MemorySegment pad, float v) {
        FloatVector z = FloatVector.broadcast(S, v);
        long n = tile / 4, i = 0;
        for (; i + L <= n; i += L) z.intoMemorySegment(pad, i * 4, LE);
        for (; i < n; i++) pad.set(F, i * 4, v);
    }

    /** Copies the channel plane at xo (h × w floats) into the padded plane. */
    void fill(MemorySegment x, long xo, MemorySegment pad) {
        int rows = Math.max(0, Math.min(g.h(), hp - g.pt()));
        int cols = Math.max(0, g.sw() == 1 ? Math.min(g.w(), wp - L - g.pl()) : Math.min(g.w(), wp - g.pl()));
        for (int r = 0; r < rows; r++) {
            long src = xo + (long) r * g.w() * 4, dst = (r + g.pt()) * rowBytes;
            if (g.sw() == 1) MemorySegment.copy(x, src, pad, dst + g.pl() * 4L, cols * 4L);
            else {
                MemorySegment.copy(x, src, pad, planeBytes + g.pl() * 4L, cols * 4L);
                deinterleave(pad, planeBytes, dst, half);
            }
        }
    }

    /** Even floats of the row at {@code from} to {@code to}, odd ones to {@code to + 4 half}. */
    private static void deinterleave(MemorySegment m, long from, long to, int half) {
        long v4 = L * 4L;
        for (int i = 0; i < half; i += L) {
            FloatVector v0 = FloatVector.fromMemorySegment(S, m, from + 2L * i * 4, LE), v1 = FloatVector.fromMemorySegment(S, m, from + 2L * i * 4 + v4, LE);
            v0.rearrange(EVEN, v1).intoMemorySegment(m, to + i * 4L, LE);
            v0.rearrange(ODD, v1).intoMemorySegment(m, to + (half + i) * 4L, LE);
        }
    }
}
