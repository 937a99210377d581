package org.ge4j.ops.vector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM on off-heap memory with the Vector API: {@code C[m,n] = sum_k A[m,k] * B[k,n]}.
 *
 * <p>B is read in panels of {@link #NR} columns. A panel is either packed (K rows of NR contiguous floats,
 * zero-padded: weights packed once at compile time, or a per-run panel in scratch) or a window of a
 * row-major matrix. A is addressed with two strides, so row-major A, transposed A and packed A all work
 * without copies. The micro-kernels keep an MR×NR tile of C in registers (8 rows × 2 vectors = 16
 * accumulators on AVX-512) and stream one panel; they stay small so C2 inlines and unboxes them. A panel
 * narrower than NR is computed with masked loads and stores. All offsets and strides are in bytes.
 */
public final class Sgemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Columns per B panel (two vectors). */
    public static final int NR = 2 * L;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfLong ROW = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);

    private Sgemm() {}

    /** Number of NR-column panels covering n columns. */
    public static int panels(int n) { return (n + NR - 1) / NR; }

    /** Bytes of one packed panel of K rows. */
    public static long panelBytes(int k) { return (long) k * NR * 4; }

    /** Bytes needed to pack a K×N matrix into panels. */
    public static long packedBytes(int k, int n) { return panels(n) * panelBytes(k); }

    /** Bytes of A (m rows × k) packed by {@link #packA}. */
    public static long packedABytes(int m, int k) { return (long) ((m + 7) / 8) * k * 32; }

    /**
     * Packs row-major A (m rows of k floats, row stride lda bytes) into blocks of 8 rows, each k groups of
     * 8 consecutive floats (rows past m zero): the micro-kernels then read one stream per block instead of 8.
     */
    public static void packA(MemorySegment a, long aOff, long lda, int m, int k, MemorySegment dst, long dstOff) {
        for (int i = 0; i < m; i++) {
            long d = dstOff + (long) (i / 8) * k * 32 + (i % 8) * 4L, s = aOff + i * lda;
            for (int kk = 0; kk < k; kk++) dst.set(F, d + kk * 32L, a.get(F, s + kk * 4L));
        }
    }

    /** Packs row-major B (K×N, row stride ldb bytes) into zero-padded panels of NR columns. */
    public static void pack(MemorySegment b, long bOff, long ldb, int k, int n, MemorySegment dst, long dstOff) {
        pack(b, bOff, ldb, 4, k, n, dst, dstOff);
    }

    /** Packs B whose element (kk, j) is at {@code off + kk*ks + j*ns} into zero-padded panels. */
    public static void pack(MemorySegment b, long off, long ks, long ns, int k, int n, MemorySegment dst, long dstOff) {
        for (int p = 0, np = panels(n); p < np; p++) packPanel(b, off, ks, ns, k, p * NR, Math.min(NR, n - p * NR), dst, dstOff + p * panelBytes(k));
    }

    /** Packs the panel of columns [j0, j0+w) of B (element (kk, j) at {@code off + kk*ks + j*ns}) into dst, zero-padded to NR. */
    public static void packPanel(MemorySegment b, long off, long ks, long ns, int k, int j0, int w, MemorySegment dst, long dstOff) {
        long src = off + j0 * ns;
        if (ns == 4 && w == NR) {
            for (int kk = 0; kk < k; kk++, src += ks) {
                long d = dstOff + (long) kk * NR * 4;
                FloatVector.fromMemorySegment(S, b, src, LE).intoMemorySegment(dst, d, LE);
                FloatVector.fromMemorySegment(S, b, src + L * 4L, LE).intoMemorySegment(dst, d + L * 4L, LE);
            }
        } else if (ns == 4 && w > L) {
            VectorMask<Float> m1 = S.indexInRange(0, w - L);
            FloatVector zero = FloatVector.zero(S);
            for (int kk = 0; kk < k; kk++, src += ks) {
                long d = dstOff + (long) kk * NR * 4;
                FloatVector.fromMemorySegment(S, b, src, LE).intoMemorySegment(dst, d, LE);
                zero.intoMemorySegment(dst, d + L * 4L, LE);
                FloatVector.fromMemorySegment(S, b, src + L * 4L, LE, m1).intoMemorySegment(dst, d + L * 4L, LE, m1);
            }
        } else if (ns == 4) {
            VectorMask<Float> m0 = S.indexInRange(0, w);
            FloatVector zero = FloatVector.zero(S);
            for (int kk = 0; kk < k; kk++, src += ks) {
                long d = dstOff + (long) kk * NR * 4;
                zero.intoMemorySegment(dst, d, LE);
                zero.intoMemorySegment(dst, d + L * 4L, LE);
                FloatVector.fromMemorySegment(S, b, src, LE, m0).intoMemorySegment(dst, d, LE, m0);
            }
        } else {
            for (int kk = 0; kk < k; kk++) {
                long d = dstOff + (long) kk * NR * 4, s = off + kk * ks + j0 * ns;
                for (int j = 0; j < w; j++, s += ns) dst.set(F, d + j * 4L, b.get(F, s));
                for (int j = w; j < NR; j++) dst.set(F, d + j * 4L, 0f);
            }
        }
    }

    /**
     * C = A·B for rows [m0, m1) and all N columns, B packed by {@link #pack}. A is row-major with row stride
     * lda bytes; C row-major with row stride ldc bytes. Overwrites C.
     */
    public static void gemmPacked(MemorySegment a, long aOff, long lda, MemorySegment bp, long bpOff, MemorySegment c, long cOff, long ldc,
                                  int m0, int m1, int n, int k) {
        for (int p = 0, np = panels(n); p < np; p++) {
            int j0 = p * NR;
            block(a, aOff + m0 * lda, lda, 4, bp, bpOff + p * panelBytes(k), NR * 4L, c, cOff + m0 * ldc + j0 * 4L, ldc, m1 - m0, k, Math.min(NR, n - j0));
        }
    }

    /** C = A·B for rows [m0, m1), columns [n0, n1), B row-major (row stride ldb bytes) read in place. */
    public static void gemmRowMajor(MemorySegment a, long aOff, long lda, MemorySegment b, long bOff, long ldb, MemorySegment c, long cOff, long ldc,
                                    int m0, int m1, int n0, int n1, int k) {
        for (int j0 = n0; j0 < n1; j0 += NR) {
            int w = Math.min(NR, n1 - j0);
            if (w == NR) block(a, aOff + m0 * lda, lda, 4, b, bOff + j0 * 4L, ldb, c, cOff + m0 * ldc + j0 * 4L, ldc, m1 - m0, k, w);
            else blockEdge(a, aOff + m0 * lda, lda, 4, b, bOff + j0 * 4L, ldb, c, cOff + m0 * ldc + j0 * 4L, ldc, m1 - m0, k, w);
        }
    }

    /**
     * One panel: C[r, 0..w) = sum_kk A[r, kk] B[kk, 0..w) for r in [0, rows). A's element (r, kk) is at
     * {@code ao + r*lda + kk*aks}; B's row kk of the panel at {@code bo + kk*ldb}; C's row r at
     * {@code co + r*ldc}. When w &lt; NR, B's rows must still be readable NR floats wide (a packed or scratch
     * panel: the extra columns are computed and dropped); use {@link #blockEdge} for a narrow window of a
     * row-major matrix.
     */
    public static void block(MemorySegment a, long ao, long lda, long aks, MemorySegment b, long bo, long ldb,
                             MemorySegment c, long co, long ldc, int rows, int k, int w) {
        block(a, ao, lda, aks, 8 * lda, b, bo, ldb, c, co, ldc, rows, k, w);
    }

    /**
     * {@link #block} over A stored in blocks of 8 rows {@code aBlock} bytes apart (A prepacked by
     * {@link #packA}: lda = 4, aks = 32, aBlock = 32 k); row i is at {@code ao + (i / 8) aBlock + (i % 8) lda}.
     */
    public static void block(MemorySegment a, long ao, long lda, long aks, long aBlock, MemorySegment b, long bo, long ldb,
                             MemorySegment c, long co, long ldc, int rows, int k, int w) {
        int i = 0;
        if (w == NR) {
            for (; i + 8 <= rows; i += 8) kernel8(a, ao + (i >> 3) * aBlock + (i & 7) * lda, lda, aks, b, bo, ldb, c, co + i * ldc, ldc, k);
            for (; i + 4 <= rows; i += 4) kernel4(a, ao + (i >> 3) * aBlock + (i & 7) * lda, lda, aks, b, bo, ldb, c, co + i * ldc, ldc, k);
            for (; i < rows; i++) kernel1(a, ao + (i >> 3) * aBlock + (i & 7) * lda, aks, b, bo, ldb, c, co + i * ldc, k);
            return;
        }
        // a narrow panel: full-width tiles into scratch, then the w valid columns into C. (A masked copy
        // of kernel8 would be too big for C1, and a method C1 cannot compile never reaches C2 when the
        // tiered policy first compiled it at tier 2: it would stay in slow, allocating C1 code.)
        MemorySegment tile = Scratch.get(2, 8L * NR * 4);
        long ldt = NR * 4L;
        for (; i + 8 <= rows; i += 8) {
            kernel8(a, ao + (i >> 3) * aBlock + (i & 7) * lda, lda, aks, b, bo, ldb, tile, 0, ldt, k);
            copyTile(tile, c, co + i * ldc, ldc, 8, w);
        }
        for (; i + 4 <= rows; i += 4) {
            kernel4(a, ao + (i >> 3) * aBlock + (i & 7) * lda, lda, aks, b, bo, ldb, tile, 0, ldt, k);
            copyTile(tile, c, co + i * ldc, ldc, 4, w);
        }
        for (; i < rows; i++) {
            kernel1(a, ao + (i >> 3) * aBlock + (i & 7) * lda, aks, b, bo, ldb, tile, 0, k);
            copyTile(tile, c, co + i * ldc, ldc, 1, w);
        }
    }

    /** {@link #block} for a panel of a row-major B narrower than NR (w &lt; NR columns readable): packs it first. */
    public static void blockEdge(MemorySegment a, long ao, long lda, long aks, MemorySegment b, long bo, long ldb,
                                 MemorySegment c, long co, long ldc, int rows, int k, int w) {
        MemorySegment panel = Scratch.get(3, panelBytes(k));
        packPanel(b, bo, ldb, 4, k, 0, w, panel, 0);
        block(a, ao, lda, aks, panel, 0, NR * 4L, c, co, ldc, rows, k, w);
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

    static void kernel8(MemorySegment a, long ao, long lda, long aks, MemorySegment b, long bo, long ldb, MemorySegment c, long co, long ldc, int k) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        long a0 = ao, a1 = ao + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        long bk = bo, ak = 0;
        for (int kk = 0; kk < k; kk++, bk += ldb, ak += aks) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bk, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bk + L * 4L, LE);
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

    static void kernel4(MemorySegment a, long ao, long lda, long aks, MemorySegment b, long bo, long ldb, MemorySegment c, long co, long ldc, int k) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        long a0 = ao, a1 = ao + lda, a2 = a1 + lda, a3 = a2 + lda;
        long bk = bo, ak = 0;
        for (int kk = 0; kk < k; kk++, bk += ldb, ak += aks) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bk, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bk + L * 4L, LE);
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

    static void kernel1(MemorySegment a, long ao, long aks, MemorySegment b, long bo, long ldb, MemorySegment c, long co, int k) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, d0 = c0, d1 = c0;
        long bk = bo, ak = ao;
        int kk = 0;
        for (; kk + 1 < k; kk += 2, bk += 2 * ldb, ak += 2 * aks) {
            FloatVector v = FloatVector.broadcast(S, a.get(F, ak));
            c0 = FloatVector.fromMemorySegment(S, b, bk, LE).fma(v, c0);
            c1 = FloatVector.fromMemorySegment(S, b, bk + L * 4L, LE).fma(v, c1);
            FloatVector u = FloatVector.broadcast(S, a.get(F, ak + aks));
            d0 = FloatVector.fromMemorySegment(S, b, bk + ldb, LE).fma(u, d0);
            d1 = FloatVector.fromMemorySegment(S, b, bk + ldb + L * 4L, LE).fma(u, d1);
        }
        if (kk < k) {
            FloatVector v = FloatVector.broadcast(S, a.get(F, ak));
            c0 = FloatVector.fromMemorySegment(S, b, bk, LE).fma(v, c0);
            c1 = FloatVector.fromMemorySegment(S, b, bk + L * 4L, LE).fma(v, c1);
        }
        c0.add(d0).intoMemorySegment(c, co, LE);
        c1.add(d1).intoMemorySegment(c, co + L * 4L, LE);
    }

    /**
     * {@link #block} with B's rows found through a table: row kk of the panel starts at
     * {@code bo + rows[kk]} (a long per row, in bytes), NR floats readable. This is the implicit-GEMM
     * convolution: the rows are windows of a padded input plane, so nothing is copied into a panel.
     */
    public static void blockRows(MemorySegment a, long ao, long lda, long aks, MemorySegment b, long bo, MemorySegment rows,
                                 MemorySegment c, long co, long ldc, int nRows, int k, int w) {
        blockRows(a, ao, lda, aks, 8 * lda, b, bo, rows, c, co, ldc, nRows, k, w);
    }

    /** {@link #blockRows} over A in blocks of 8 rows (see {@link #block(MemorySegment, long, long, long, long, MemorySegment, long, long, MemorySegment, long, long, int, int, int)}). */
    public static void blockRows(MemorySegment a, long ao, long lda, long aks, long aBlock, MemorySegment b, long bo, MemorySegment rows,
                                 MemorySegment c, long co, long ldc, int nRows, int k, int w) {
        int i = 0;
        if (w == NR) {
            for (; i + 8 <= nRows; i += 8) kernel8t(a, ao + (i >> 3) * aBlock + (i & 7) * lda, lda, aks, b, bo, rows, c, co + i * ldc, ldc, k);
            for (; i + 4 <= nRows; i += 4) kernel4t(a, ao + (i >> 3) * aBlock + (i & 7) * lda, lda, aks, b, bo, rows, c, co + i * ldc, ldc, k);
            for (; i < nRows; i++) kernel1t(a, ao + (i >> 3) * aBlock + (i & 7) * lda, aks, b, bo, rows, c, co + i * ldc, k);
            return;
        }
        MemorySegment tile = Scratch.get(2, 8L * NR * 4);
        long ldt = NR * 4L;
        for (; i + 8 <= nRows; i += 8) {
            kernel8t(a, ao + (i >> 3) * aBlock + (i & 7) * lda, lda, aks, b, bo, rows, tile, 0, ldt, k);
            copyTile(tile, c, co + i * ldc, ldc, 8, w);
        }
        for (; i + 4 <= nRows; i += 4) {
            kernel4t(a, ao + (i >> 3) * aBlock + (i & 7) * lda, lda, aks, b, bo, rows, tile, 0, ldt, k);
            copyTile(tile, c, co + i * ldc, ldc, 4, w);
        }
        for (; i < nRows; i++) {
            kernel1t(a, ao + (i >> 3) * aBlock + (i & 7) * lda, aks, b, bo, rows, tile, 0, k);
            copyTile(tile, c, co + i * ldc, ldc, 1, w);
        }
    }

    static void kernel8t(MemorySegment a, long ao, long lda, long aks, MemorySegment b, long bo, MemorySegment rows, MemorySegment c, long co, long ldc, int k) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        long a0 = ao, a1 = ao + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        long ak = 0;
        for (int kk = 0; kk < k; kk++, ak += aks) {
            long bk = bo + rows.get(ROW, kk * 8L);
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bk, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bk + L * 4L, LE);
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

    static void kernel4t(MemorySegment a, long ao, long lda, long aks, MemorySegment b, long bo, MemorySegment rows, MemorySegment c, long co, long ldc, int k) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        long a0 = ao, a1 = ao + lda, a2 = a1 + lda, a3 = a2 + lda;
        long ak = 0;
        for (int kk = 0; kk < k; kk++, ak += aks) {
            long bk = bo + rows.get(ROW, kk * 8L);
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bk, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bk + L * 4L, LE);
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

    static void kernel1t(MemorySegment a, long ao, long aks, MemorySegment b, long bo, MemorySegment rows, MemorySegment c, long co, int k) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0;
        long ak = ao;
        for (int kk = 0; kk < k; kk++, ak += aks) {
            long bk = bo + rows.get(ROW, kk * 8L);
            FloatVector v = FloatVector.broadcast(S, a.get(F, ak));
            c0 = FloatVector.fromMemorySegment(S, b, bk, LE).fma(v, c0);
            c1 = FloatVector.fromMemorySegment(S, b, bk + L * 4L, LE).fma(v, c1);
        }
        c0.intoMemorySegment(c, co, LE);
        c1.intoMemorySegment(c, co + L * 4L, LE);
    }

    /**
     * {@link #block} for a full panel (w = NR) with the conv epilogue applied to each 8×NR tile right after
     * the micro-kernel wrote it (still in L1): C[r, j] = clamp(sum + bias[r], lo, hi), bias[r] at
     * {@code bo2 + 4 r}. A separate pass over C costs as much as the GEMM itself when k is small (a
     * 16-channel pointwise conv). (Folding it into the micro-kernel's stores made a method C1 cannot compile.)
     */
    public static void blockBias(MemorySegment a, long ao, long lda, long aks, long aBlock, MemorySegment b, long bo, long ldb,
                                 MemorySegment c, long co, long ldc, int rows, int k, MemorySegment bias, long bo2, float lo, float hi) {
        blockBias(a, ao, lda, aks, aBlock, b, bo, ldb, c, co, ldc, rows, k, bias, bo2, null, 0, lo, hi);
    }

    /**
     * {@link #blockBias} adding a residual too: C[r, j] = clamp(sum + bias[r] + Z[r, j], lo, hi), Z[r, j] at
     * {@code zo + r*ldc + 4 j} (laid out as C; null for none).
     */
    public static void blockBias(MemorySegment a, long ao, long lda, long aks, long aBlock, MemorySegment b, long bo, long ldb,
                                 MemorySegment c, long co, long ldc, int rows, int k, MemorySegment bias, long bo2, MemorySegment z, long zo,
                                 float lo, float hi) {
        int i = 0;
        for (; i + 8 <= rows; i += 8) {
            kernel8(a, ao + (i >> 3) * aBlock + (i & 7) * lda, lda, aks, b, bo, ldb, c, co + i * ldc, ldc, k);
            finish(c, co + i * ldc, ldc, 8, bias, bo2 + i * 4L, z, zo + i * ldc, lo, hi);
        }
        for (; i + 4 <= rows; i += 4) {
            kernel4(a, ao + (i >> 3) * aBlock + (i & 7) * lda, lda, aks, b, bo, ldb, c, co + i * ldc, ldc, k);
            finish(c, co + i * ldc, ldc, 4, bias, bo2 + i * 4L, z, zo + i * ldc, lo, hi);
        }
        for (; i < rows; i++) {
            kernel1(a, ao + (i >> 3) * aBlock + (i & 7) * lda, aks, b, bo, ldb, c, co + i * ldc, k);
            finish(c, co + i * ldc, ldc, 1, bias, bo2 + i * 4L, z, zo + i * ldc, lo, hi);
        }
    }

    private static void finish(MemorySegment c, long co, long ldc, int rows, MemorySegment bias, long bo, MemorySegment z, long zo, float lo, float hi) {
        if (z == null) biasClamp(c, co, ldc, rows, bias, bo, lo, hi);
        else biasResidualClamp(c, co, ldc, rows, bias, bo, z, zo, lo, hi);
    }

    /** rows × NR floats of C: c = clamp(c + bias[r], lo, hi). */
    private static void biasClamp(MemorySegment c, long co, long ldc, int rows, MemorySegment bias, long bo, float lo, float hi) {
        long l4 = L * 4L;
        for (int r = 0; r < rows; r++, co += ldc) {
            float t = bias.get(F, bo + r * 4L);
            FloatVector.fromMemorySegment(S, c, co, LE).add(t).max(lo).min(hi).intoMemorySegment(c, co, LE);
            FloatVector.fromMemorySegment(S, c, co + l4, LE).add(t).max(lo).min(hi).intoMemorySegment(c, co + l4, LE);
        }
    }

    /** rows × NR floats of C: c = clamp(c + bias[r] + z, lo, hi). */
    private static void biasResidualClamp(MemorySegment c, long co, long ldc, int rows, MemorySegment bias, long bo, MemorySegment z, long zo,
                                          float lo, float hi) {
        long l4 = L * 4L;
        for (int r = 0; r < rows; r++, co += ldc, zo += ldc) {
            float t = bias.get(F, bo + r * 4L);
            FloatVector z0 = FloatVector.fromMemorySegment(S, z, zo, LE), z1 = FloatVector.fromMemorySegment(S, z, zo + l4, LE);
            FloatVector.fromMemorySegment(S, c, co, LE).add(t).add(z0).max(lo).min(hi).intoMemorySegment(c, co, LE);
            FloatVector.fromMemorySegment(S, c, co + l4, LE).add(t).add(z1).max(lo).min(hi).intoMemorySegment(c, co + l4, LE);
        }
    }
}
