package org.ge4j.ops.packed;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.vector.Sgemm;

/**
 * The panel layout of a packed K×N weight matrix B: columns cut into {@code ceil(N / NR)} panels of NR
 * columns; a panel stores its K rows one after another, each NR contiguous floats, zero-padded past column
 * N. As a tensor it is {@code float[panels, K, NR]}: B[kk, j] is element {@code (j / NR, kk, j % NR)}. This
 * is exactly what {@link Sgemm#pack} writes and {@link Sgemm#gemmPacked} reads when NR is
 * {@link Sgemm#NR} (two vectors of the machine's preferred width: 32 floats with AVX-512, 16 with AVX2).
 */
public final class PackedLayout {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private PackedLayout() {}

    /** The NR of this machine's vector GEMM, or -1 when the Vector API is not available. */
    public static int nativeNr() { return Native.NR; }

    /** Number of NR-column panels covering n columns. */
    public static long panels(long n, int nr) { return (n + nr - 1) / nr; }

    /** The packed tensor's shape: {@code [panels, k, nr]}. */
    public static long[] shape(long k, long n, int nr) { return new long[] {panels(n, nr), k, nr}; }

    /** Flat float index of B[kk, j] in the packed layout. */
    public static long index(long kk, long j, long k, int nr) { return (j / nr) * k * nr + kk * nr + j % nr; }

    /**
     * Packs the 2-D float tensor {@code b} into a new tensor: b is B (K×N), or Bᵀ (N×K) when
     * {@code transposed}. Uses {@link Sgemm#pack} itself when nr is the machine's NR.
     */
    public static Tensor pack(Tensor b, boolean transposed, int nr) {
        if (b.dtype() != DataType.FLOAT || b.rank() != 2) throw new IllegalArgumentException("packing needs a 2-D float matrix, got " + b.desc());
        if (nr < 1) throw new IllegalArgumentException("panel width NR must be >= 1, got " + nr);
        long k = transposed ? b.dim(1) : b.dim(0), n = transposed ? b.dim(0) : b.dim(1);
        Tensor out = Tensor.allocate(DataType.FLOAT, shape(k, n, nr));
        long ks = transposed ? 4 : n * 4, ns = transposed ? k * 4 : 4;
        MemorySegment src = b.segment(), dst = out.segment();
        if (nr == nativeNr() && k * n > 0) {
            Sgemm.pack(src, 0, ks, ns, Math.toIntExact(k), Math.toIntExact(n), dst, 0);
            return out;
        }
        long panels = panels(n, nr);
        for (long p = 0; p < panels; p++)
            for (long kk = 0; kk < k; kk++)
                for (int c = 0; c < nr; c++) {
                    long j = p * nr + c;
                    dst.set(F, ((p * k + kk) * nr + c) * 4, j < n ? src.get(F, kk * ks + j * ns) : 0f);
                }
        return out;
    }

    /** Copies packed B (K×N) from panels of {@code nrFrom} columns at {@code src} into panels of {@code nrTo} columns at {@code dst}. */
    public static void repack(MemorySegment src, long srcOff, int nrFrom, MemorySegment dst, long dstOff, int nrTo, long k, long n) {
        long panels = panels(n, nrTo);
        for (long p = 0; p < panels; p++)
            for (long kk = 0; kk < k; kk++)
                for (int c = 0; c < nrTo; c++) {
                    long j = p * nrTo + c;
                    float v = j < n ? src.get(F, srcOff + index(kk, j, k, nrFrom) * 4) : 0f;
                    dst.set(F, dstOff + ((p * k + kk) * nrTo + c) * 4, v);
                }
    }

    /** Reads Sgemm.NR lazily, so that a JVM without the Vector API module can still load and interpret models. */
    private static final class Native {
        static final int NR = read();

        private static int read() {
            try {
                return Sgemm.NR;
            } catch (LinkageError e) {
                return -1;
            }
        }
    }
}
