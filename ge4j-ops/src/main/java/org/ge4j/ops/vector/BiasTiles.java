package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.Sgemm.F;
import static org.ge4j.ops.vector.Sgemm.L;
import static org.ge4j.ops.vector.Sgemm.LE;
import static org.ge4j.ops.vector.Sgemm.NR;
import static org.ge4j.ops.vector.Sgemm.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * GEMM panels for a conv with its epilogue: each MR×NR tile of C starts at {@code bias[r]} (no pass adds
 * it), and a residual and a clamp to [lo, hi], when there are, are applied to the tile right after it is
 * stored (still in L1).
 * Operands are addressed as in {@link Sgemm#block(MemorySegment, long, long, long, long, MemorySegment, long,
 * long, MemorySegment, long, long, int, int, int)}; B may be a packed panel or rows of the NCHW input read
 * in place. (The kernels stay within what C1 can compile: a residual added in the stores made kernel8 run
 * C1 out of virtual registers, and a vector-valued store helper was not always inlined by C2.)
 */
final class BiasTiles {
    private BiasTiles() {}

    /**
     * C[r, 0..w) = clamp(bias[r] + Z[r, 0..w) + sum_kk A(r, kk) B[kk, 0..w), lo, hi) for r in [0, rows);
     * bias[r] at {@code bo2 + 4 r}, Z[r, j] at {@code zo + r ldc + 4 j} (z null for none). A panel narrower
     * than NR (w &lt; NR) must have NR readable columns in B (a packed panel): it is computed into a scratch
     * tile and its w valid columns copied into C (with the residual and the clamp).
     */
    static void block(MemorySegment a, long ao, long lda, long aks, long aBlock, MemorySegment b, long bo, long ldb,
                      MemorySegment c, long co, long ldc, int rows, int k, int w, MemorySegment bias, long bo2,
                      MemorySegment z, long zo, float lo, float hi) {
        boolean finish = z != null || lo != Float.NEGATIVE_INFINITY || hi != Float.POSITIVE_INFINITY;
        int i = 0;
        if (w == NR) {
            for (; i + 8 <= rows; i += 8) {
                kernel8(a, ao + (i >> 3) * aBlock + (i & 7) * lda, lda, aks, b, bo, ldb, c, co + i * ldc, ldc, k, bias, bo2 + i * 4L);
                if (finish) finish(c, co + i * ldc, ldc, 8, z, zo + i * ldc, lo, hi);
            }
            for (; i < rows; i++) {
                Sgemm.kernel1(a, ao + (i >> 3) * aBlock + (i & 7) * lda, aks, b, bo, ldb, c, co + i * ldc, k);
                addBias(c, co + i * ldc, bias.get(F, bo2 + i * 4L));
                if (finish) finish(c, co + i * ldc, ldc, 1, z, zo + i * ldc, lo, hi);
            }
            return;
        }
        MemorySegment tile = Scratch.get(2, 8L * NR * 4);
        long ldt = NR * 4L;
        for (; i + 8 <= rows; i += 8) {
            // a panel of at most L columns (14x14 planes leave 4, 28x28 16): one vector per row, half the work
            if (w <= L) kernel8h(a, ao + (i >> 3) * aBlock + (i & 7) * lda, lda, aks, b, bo, ldb, tile, 0, ldt, k, bias, bo2 + i * 4L);
            else kernel8(a, ao + (i >> 3) * aBlock + (i & 7) * lda, lda, aks, b, bo, ldb, tile, 0, ldt, k, bias, bo2 + i * 4L);
            if (z != null) copyTile(tile, c, co + i * ldc, ldc, 8, w, z, zo + i * ldc, lo, hi);
            else {
                if (finish) finish(tile, 0, ldt, 8, null, 0, lo, hi);
                copyTile(tile, c, co + i * ldc, ldc, 8, w);
            }
        }
        for (; i < rows; i++) {
            Sgemm.kernel1(a, ao + (i >> 3) * aBlock + (i & 7) * lda, aks, b, bo, ldb, tile, 0, k);
            addBias(tile, 0, bias.get(F, bo2 + i * 4L));
            if (z != null) copyTile(tile, c, co + i * ldc, ldc, 1, w, z, zo + i * ldc, lo, hi);
            else {
                if (finish) finish(tile, 0, ldt, 1, null, 0, lo, hi);
                copyTile(tile, c, co + i * ldc, ldc, 1, w);
            }
        }
    }

    /** One row of NR floats (the last rows of a block, computed by {@link Sgemm#kernel1}): c += t. */
    private static void addBias(MemorySegment c, long co, float t) {
        FloatVector.fromMemorySegment(S, c, co, LE).add(t).intoMemorySegment(c, co, LE);
        FloatVector.fromMemorySegment(S, c, co + L * 4L, LE).add(t).intoMemorySegment(c, co + L * 4L, LE);
    }

    /** rows × NR floats of C (just stored, in L1): c = clamp(c + Z, lo, hi), Z[r, j] at {@code zo + r ldc + 4 j} (null for none). */
    private static void finish(MemorySegment c, long co, long ldc, int rows, MemorySegment z, long zo, float lo, float hi) {
        long l4 = L * 4L;
        if (z == null) {
            for (int r = 0; r < rows; r++, co += ldc) {
                FloatVector.fromMemorySegment(S, c, co, LE).max(lo).min(hi).intoMemorySegment(c, co, LE);
                FloatVector.fromMemorySegment(S, c, co + l4, LE).max(lo).min(hi).intoMemorySegment(c, co + l4, LE);
            }
            return;
        }
        for (int r = 0; r < rows; r++, co += ldc, zo += ldc) {
            FloatVector.fromMemorySegment(S, c, co, LE).add(FloatVector.fromMemorySegment(S, z, zo, LE)).max(lo).min(hi).intoMemorySegment(c, co, LE);
            FloatVector.fromMemorySegment(S, c, co + l4, LE).add(FloatVector.fromMemorySegment(S, z, zo + l4, LE)).max(lo).min(hi)
                    .intoMemorySegment(c, co + l4, LE);
        }
    }

    /** Copies w columns of rows rows of a tile (row stride NR floats) into C. */
    private static void copyTile(MemorySegment tile, MemorySegment c, long co, long ldc, int rows, int w) {
        VectorMask<Float> m0 = S.indexInRange(0, Math.min(w, L)), m1 = S.indexInRange(0, Math.max(0, w - L));
        for (int r = 0; r < rows; r++, co += ldc) {
            long t = r * NR * 4L;
            FloatVector.fromMemorySegment(S, tile, t, LE).intoMemorySegment(c, co, LE, m0);
            if (w > L) FloatVector.fromMemorySegment(S, tile, t + L * 4L, LE).intoMemorySegment(c, co + L * 4L, LE, m1);
        }
    }

    /**
     * Copies w columns of rows rows of a tile (row stride NR floats) into C adding the residual and clamping:
     * C[r, j] = clamp(tile[r, j] + Z[r, j], lo, hi), Z[r, j] at {@code zo + r ldc + 4 j}.
     */
    private static void copyTile(MemorySegment tile, MemorySegment c, long co, long ldc, int rows, int w, MemorySegment z, long zo,
                                 float lo, float hi) {
        VectorMask<Float> m0 = S.indexInRange(0, Math.min(w, L)), m1 = S.indexInRange(0, Math.max(0, w - L));
        long zs = z.byteSize();
        for (int r = 0; r < rows; r++, co += ldc, zo += ldc) {
            long t = r * NR * 4L;
            if (zo + NR * 4L <= zs) { // masked loads only where the whole vectors lie inside Z (else a slow path)
                FloatVector.fromMemorySegment(S, tile, t, LE).add(FloatVector.fromMemorySegment(S, z, zo, LE, m0)).max(lo).min(hi)
                        .intoMemorySegment(c, co, LE, m0);
                if (w > L)
                    FloatVector.fromMemorySegment(S, tile, t + L * 4L, LE).add(FloatVector.fromMemorySegment(S, z, zo + L * 4L, LE, m1)).max(lo).min(hi)
                            .intoMemorySegment(c, co + L * 4L, LE, m1);
            } else {
                for (int j = 0; j < w; j++)
                    c.set(F, co + j * 4L, Math.min(Math.max(tile.get(F, t + j * 4L) + z.get(F, zo + j * 4L), lo), hi));
            }
        }
    }

    static void kernel8(MemorySegment a, long ao, long lda, long aks, MemorySegment b, long bo, long ldb, MemorySegment c, long co, long ldc, int k,
                        MemorySegment bias, long bo2) {
        long l4 = L * 4L;
        FloatVector c00 = FloatVector.broadcast(S, bias.get(F, bo2)), c01 = c00, c10 = FloatVector.broadcast(S, bias.get(F, bo2 + 4)), c11 = c10;
        FloatVector c20 = FloatVector.broadcast(S, bias.get(F, bo2 + 8)), c21 = c20, c30 = FloatVector.broadcast(S, bias.get(F, bo2 + 12)), c31 = c30;
        FloatVector c40 = FloatVector.broadcast(S, bias.get(F, bo2 + 16)), c41 = c40, c50 = FloatVector.broadcast(S, bias.get(F, bo2 + 20)), c51 = c50;
        FloatVector c60 = FloatVector.broadcast(S, bias.get(F, bo2 + 24)), c61 = c60, c70 = FloatVector.broadcast(S, bias.get(F, bo2 + 28)), c71 = c70;
        long a0 = ao, a1 = ao + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        long bk = bo, ak = 0;
        for (int kk = 0; kk < k; kk++, bk += ldb, ak += aks) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bk, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bk + l4, LE);
            FloatVector v;
            v = FloatVector.broadcast(S, a.get(F, a0 + ak)); c00 = b0.fma(v, c00); c01 = b1.fma(v, c01);
            v = FloatVector.broadcast(S, a.get(F, a1 + ak)); c10 = b0.fma(v, c10); c11 = b1.fma(v, c11);
            v = FloatVector.broadcast(S, a.get(F, a2 + ak)); c20 = b0.fma(v, c20); c21 = b1.fma(v, c21);
            v = FloatVector.broadcast(S, a.get(F, a3 + ak)); c30 = b0.fma(v, c30); c31 = b1.fma(v, c31);
            v = FloatVector.broadcast(S, a.get(F, a4 + ak)); c40 = b0.fma(v, c40); c41 = b1.fma(v, c41);
            v = FloatVector.broadcast(S, a.get(F, a5 + ak)); c50 = b0.fma(v, c50); c51 = b1.fma(v, c51);
            v = FloatVector.broadcast(S, a.get(F, a6 + ak)); c60 = b0.fma(v, c60); c61 = b1.fma(v, c61);
            v = FloatVector.broadcast(S, a.get(F, a7 + ak)); c70 = b0.fma(v, c70); c71 = b1.fma(v, c71);
        }
        c00.intoMemorySegment(c, co, LE); c01.intoMemorySegment(c, co + l4, LE);
        c10.intoMemorySegment(c, co + ldc, LE); c11.intoMemorySegment(c, co + ldc + l4, LE);
        c20.intoMemorySegment(c, co + 2 * ldc, LE); c21.intoMemorySegment(c, co + 2 * ldc + l4, LE);
        c30.intoMemorySegment(c, co + 3 * ldc, LE); c31.intoMemorySegment(c, co + 3 * ldc + l4, LE);
        c40.intoMemorySegment(c, co + 4 * ldc, LE); c41.intoMemorySegment(c, co + 4 * ldc + l4, LE);
        c50.intoMemorySegment(c, co + 5 * ldc, LE); c51.intoMemorySegment(c, co + 5 * ldc + l4, LE);
        c60.intoMemorySegment(c, co + 6 * ldc, LE); c61.intoMemorySegment(c, co + 6 * ldc + l4, LE);
        c70.intoMemorySegment(c, co + 7 * ldc, LE); c71.intoMemorySegment(c, co + 7 * ldc + l4, LE);
    }

    /** kernel8 over the first L columns of the panel only (C's columns L..NR are left as they were). */
    static void kernel8h(MemorySegment a, long ao, long lda, long aks, MemorySegment b, long bo, long ldb, MemorySegment c, long co, long ldc, int k,
                         MemorySegment bias, long bo2) {
        FloatVector c0 = FloatVector.broadcast(S, bias.get(F, bo2)), c1 = FloatVector.broadcast(S, bias.get(F, bo2 + 4));
        FloatVector c2 = FloatVector.broadcast(S, bias.get(F, bo2 + 8)), c3 = FloatVector.broadcast(S, bias.get(F, bo2 + 12));
        FloatVector c4 = FloatVector.broadcast(S, bias.get(F, bo2 + 16)), c5 = FloatVector.broadcast(S, bias.get(F, bo2 + 20));
        FloatVector c6 = FloatVector.broadcast(S, bias.get(F, bo2 + 24)), c7 = FloatVector.broadcast(S, bias.get(F, bo2 + 28));
        long a0 = ao, a1 = ao + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        long bk = bo, ak = 0;
        for (int kk = 0; kk < k; kk++, bk += ldb, ak += aks) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bk, LE);
            c0 = b0.fma(FloatVector.broadcast(S, a.get(F, a0 + ak)), c0);
            c1 = b0.fma(FloatVector.broadcast(S, a.get(F, a1 + ak)), c1);
            c2 = b0.fma(FloatVector.broadcast(S, a.get(F, a2 + ak)), c2);
            c3 = b0.fma(FloatVector.broadcast(S, a.get(F, a3 + ak)), c3);
            c4 = b0.fma(FloatVector.broadcast(S, a.get(F, a4 + ak)), c4);
            c5 = b0.fma(FloatVector.broadcast(S, a.get(F, a5 + ak)), c5);
            c6 = b0.fma(FloatVector.broadcast(S, a.get(F, a6 + ak)), c6);
            c7 = b0.fma(FloatVector.broadcast(S, a.get(F, a7 + ak)), c7);
        }
        c0.intoMemorySegment(c, co, LE);
        c1.intoMemorySegment(c, co + ldc, LE);
        c2.intoMemorySegment(c, co + 2 * ldc, LE);
        c3.intoMemorySegment(c, co + 3 * ldc, LE);
        c4.intoMemorySegment(c, co + 4 * ldc, LE);
        c5.intoMemorySegment(c, co + 5 * ldc, LE);
        c6.intoMemorySegment(c, co + 6 * ldc, LE);
        c7.intoMemorySegment(c, co + 7 * ldc, LE);
    }

}
