package org.ge4j.ops.vector;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM on off-heap memory with the Vector API: {@code C[m,n] = sum_k A[m,k] * B[k,n]}.
 *
 * <p>B is read in panels of {@link #NR} columns. A panel is either packed (weights packed once at compile
 * time: K rows of NR contiguous floats) or a window of a row-major matrix. The micro-kernels keep an
 * MR×NR tile of C in registers (8 rows × 2 vectors = 16 accumulators on AVX-512) and stream one panel;
 * they stay small so C2 inlines and unboxes them. All offsets and strides are in bytes.
 */
public final class Sgemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Columns per B panel (two vectors). */
    public static final int NR = 2 * L;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final java.lang.foreign.ValueLayout.OfFloat F = java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    private Sgemm() {}

    /** Bytes needed to pack a K×N matrix into panels. */
    public static long packedBytes(int k, int n) { return (long) ((n + NR - 1) / NR) * k * NR * 4; }

    /** Packs row-major B (K×N, row stride ldb bytes) into zero-padded panels of NR columns. */
    public static void pack(MemorySegment b, long bOff, long ldb, int k, int n, MemorySegment dst, long dstOff) {
        int panels = (n + NR - 1) / NR;
        for (int p = 0; p < panels; p++) {
            int j0 = p * NR, w = Math.min(NR, n - j0);
            long base = dstOff + (long) p * k * NR * 4;
            for (int kk = 0; kk < k; kk++) {
                long src = bOff + kk * ldb + j0 * 4L, d = base + (long) kk * NR * 4;
                if (w == NR) MemorySegment.copy(b, src, dst, d, NR * 4L);
                else {
                    MemorySegment.copy(b, src, dst, d, w * 4L);
                    dst.asSlice(d + w * 4L, (NR - w) * 4L).fill((byte) 0);
                }
            }
        }
    }

    /**
     * C = A·B for rows [m0, m1) and all N columns, B packed by {@link #pack}. A is row-major with row stride
     * lda bytes; C row-major with row stride ldc bytes. Overwrites C.
     */
    public static void gemmPacked(MemorySegment a, long aOff, long lda, MemorySegment bp, long bpOff, MemorySegment c, long cOff, long ldc,
                                  int m0, int m1, int n, int k) {
        int panels = (n + NR - 1) / NR;
        long panelBytes = (long) k * NR * 4;
        for (int p = 0; p < panels; p++) {
            int j0 = p * NR, w = Math.min(NR, n - j0);
            long bo = bpOff + p * panelBytes;
            rows(a, aOff, lda, bp, bo, NR * 4L, c, cOff + j0 * 4L, ldc, m0, m1, k, w);
        }
    }

    /**
     * C = A·B for rows [m0, m1), columns [n0, n1), B row-major (row stride ldb bytes) read in place.
     * Full panels read B directly; a partial last panel is read with masked loads.
     */
    public static void gemmRowMajor(MemorySegment a, long aOff, long lda, MemorySegment b, long bOff, long ldb, MemorySegment c, long cOff, long ldc,
                                    int m0, int m1, int n0, int n1, int k) {
        for (int j0 = n0; j0 < n1; j0 += NR) {
            int w = Math.min(NR, n1 - j0);
            rows(a, aOff, lda, b, bOff + j0 * 4L, ldb, c, cOff + j0 * 4L, ldc, m0, m1, k, w);
        }
    }

    private static void rows(MemorySegment a, long aOff, long lda, MemorySegment b, long bo, long ldb, MemorySegment c, long co, long ldc,
                             int m0, int m1, int k, int w) {
        int i = m0;
        if (w == NR) {
            for (; i + 8 <= m1; i += 8) kernel8(a, aOff + i * lda, lda, b, bo, ldb, c, co + i * ldc, ldc, k);
            for (; i + 4 <= m1; i += 4) kernel4(a, aOff + i * lda, lda, b, bo, ldb, c, co + i * ldc, ldc, k);
            for (; i < m1; i++) kernel1(a, aOff + i * lda, b, bo, ldb, c, co + i * ldc, k);
        } else {
            VectorMask<Float> m0k = S.indexInRange(0, w), m1k = S.indexInRange(L, w);
            for (; i < m1; i++) kernel1Masked(a, aOff + i * lda, b, bo, ldb, c, co + i * ldc, k, m0k, m1k);
        }
    }

    static void kernel8(MemorySegment a, long ao, long lda, MemorySegment b, long bo, long ldb, MemorySegment c, long co, long ldc, int k) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        long a0 = ao, a1 = ao + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        long bk = bo;
        for (int kk = 0; kk < k; kk++, bk += ldb) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bk, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bk + L * 4L, LE);
            long ak = kk * 4L;
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
        long l4 = L * 4L;
        c00.intoMemorySegment(c, co, LE); c01.intoMemorySegment(c, co + l4, LE); co += ldc;
        c10.intoMemorySegment(c, co, LE); c11.intoMemorySegment(c, co + l4, LE); co += ldc;
        c20.intoMemorySegment(c, co, LE); c21.intoMemorySegment(c, co + l4, LE); co += ldc;
        c30.intoMemorySegment(c, co, LE); c31.intoMemorySegment(c, co + l4, LE); co += ldc;
        c40.intoMemorySegment(c, co, LE); c41.intoMemorySegment(c, co + l4, LE); co += ldc;
        c50.intoMemorySegment(c, co, LE); c51.intoMemorySegment(c, co + l4, LE); co += ldc;
        c60.intoMemorySegment(c, co, LE); c61.intoMemorySegment(c, co + l4, LE); co += ldc;
        c70.intoMemorySegment(c, co, LE); c71.intoMemorySegment(c, co + l4, LE);
    }

    static void kernel4(MemorySegment a, long ao, long lda, MemorySegment b, long bo, long ldb, MemorySegment c, long co, long ldc, int k) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        long a0 = ao, a1 = ao + lda, a2 = a1 + lda, a3 = a2 + lda;
        long bk = bo;
        for (int kk = 0; kk < k; kk++, bk += ldb) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bk, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bk + L * 4L, LE);
            long ak = kk * 4L;
            FloatVector v;
            v = FloatVector.broadcast(S, a.get(F, a0 + ak)); c00 = b0.fma(v, c00); c01 = b1.fma(v, c01);
            v = FloatVector.broadcast(S, a.get(F, a1 + ak)); c10 = b0.fma(v, c10); c11 = b1.fma(v, c11);
            v = FloatVector.broadcast(S, a.get(F, a2 + ak)); c20 = b0.fma(v, c20); c21 = b1.fma(v, c21);
            v = FloatVector.broadcast(S, a.get(F, a3 + ak)); c30 = b0.fma(v, c30); c31 = b1.fma(v, c31);
        }
        long l4 = L * 4L;
        c00.intoMemorySegment(c, co, LE); c01.intoMemorySegment(c, co + l4, LE); co += ldc;
        c10.intoMemorySegment(c, co, LE); c11.intoMemorySegment(c, co + l4, LE); co += ldc;
        c20.intoMemorySegment(c, co, LE); c21.intoMemorySegment(c, co + l4, LE); co += ldc;
        c30.intoMemorySegment(c, co, LE); c31.intoMemorySegment(c, co + l4, LE);
    }

    static void kernel1(MemorySegment a, long ao, MemorySegment b, long bo, long ldb, MemorySegment c, long co, int k) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, d0 = c0, d1 = c0;
        long bk = bo;
        int kk = 0;
        for (; kk + 1 < k; kk += 2, bk += 2 * ldb) {
            FloatVector v = FloatVector.broadcast(S, a.get(F, ao + kk * 4L));
            c0 = FloatVector.fromMemorySegment(S, b, bk, LE).fma(v, c0);
            c1 = FloatVector.fromMemorySegment(S, b, bk + L * 4L, LE).fma(v, c1);
            FloatVector u = FloatVector.broadcast(S, a.get(F, ao + kk * 4L + 4));
            d0 = FloatVector.fromMemorySegment(S, b, bk + ldb, LE).fma(u, d0);
            d1 = FloatVector.fromMemorySegment(S, b, bk + ldb + L * 4L, LE).fma(u, d1);
        }
        if (kk < k) {
            FloatVector v = FloatVector.broadcast(S, a.get(F, ao + kk * 4L));
            c0 = FloatVector.fromMemorySegment(S, b, bk, LE).fma(v, c0);
            c1 = FloatVector.fromMemorySegment(S, b, bk + L * 4L, LE).fma(v, c1);
        }
        c0.add(d0).intoMemorySegment(c, co, LE);
        c1.add(d1).intoMemorySegment(c, co + L * 4L, LE);
    }

    static void kernel1Masked(MemorySegment a, long ao, MemorySegment b, long bo, long ldb, MemorySegment c, long co, int k,
                              VectorMask<Float> m0, VectorMask<Float> m1) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0;
        long bk = bo;
        for (int kk = 0; kk < k; kk++, bk += ldb) {
            FloatVector v = FloatVector.broadcast(S, a.get(F, ao + kk * 4L));
            c0 = FloatVector.fromMemorySegment(S, b, bk, LE, m0).fma(v, c0);
            c1 = FloatVector.fromMemorySegment(S, b, bk + L * 4L, LE, m1).fma(v, c1);
        }
        c0.intoMemorySegment(c, co, LE, m0);
        c1.intoMemorySegment(c, co + L * 4L, LE, m1);
    }
}
