package org.ge4j.ops.vector.data;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * In-register transposes of square blocks of 4-byte (16x16, 8x8) and 8-byte (8x8, 4x4) elements with the
 * Vector API: the block's source rows are loaded as vectors, log2(n) stages of two-vector permutes
 * ({@code selectFrom(v1, v2)}, one instruction with AVX-512) swap the off-diagonal sub-blocks, and the rows of
 * the result are stored. Used by {@link StridedCopy}'s tile mode (and by the attention kernel to pack K') only where {@link #AVAILABLE} (512-bit
 * vectors); elements move as bits (floats as ints). Unrolled by hand (generated): every vector stays in a
 * local variable, so nothing is boxed.
 */
public final class BlockTranspose {
    private BlockTranspose() {}

    /** Whether the machine has 512-bit vectors (AVX-512); otherwise callers use scalar tiles. */
    public static final boolean AVAILABLE = IntVector.SPECIES_PREFERRED.vectorBitSize() >= 512;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final VectorSpecies<Integer> I16 = IntVector.SPECIES_512, I8 = IntVector.SPECIES_256;
    private static final VectorSpecies<Long> L8 = LongVector.SPECIES_512, L4 = LongVector.SPECIES_256;

    // permute indexes per stage b = n/2 .. 1 for row pairs (r, r+b): lo keeps lanes with bit b clear from row r and
    // takes the others from row r+b (shifted down by b); hi takes the upper lanes of row r and keeps those of r+b

    private static final int[] INT16_LO = {0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23, 0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27, 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29, 0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30};
    private static final int[] INT16_HI = {8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31, 4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31, 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31, 1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31};
    private static final int[] INT8_LO = {0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 8, 9, 4, 5, 12, 13, 0, 8, 2, 10, 4, 12, 6, 14};
    private static final int[] INT8_HI = {4, 5, 6, 7, 12, 13, 14, 15, 2, 3, 10, 11, 6, 7, 14, 15, 1, 9, 3, 11, 5, 13, 7, 15};
    private static final long[] LONG8_LO = {0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 8, 9, 4, 5, 12, 13, 0, 8, 2, 10, 4, 12, 6, 14};
    private static final long[] LONG8_HI = {4, 5, 6, 7, 12, 13, 14, 15, 2, 3, 10, 11, 6, 7, 14, 15, 1, 9, 3, 11, 5, 13, 7, 15};
    private static final long[] LONG4_LO = {0, 1, 4, 5, 0, 4, 2, 6};
    private static final long[] LONG4_HI = {2, 3, 6, 7, 1, 5, 3, 7};

    /** The 16x16 block of 4-byte elements: source row j (contiguous along i) at {@code so + j*sj}, output row i at {@code dO + i*row}. */
    public static void int16(MemorySegment src, long so, long sj, MemorySegment dst, long dO, long row) {
        IntVector a0 = IntVector.fromMemorySegment(I16, src, so + 0 * sj, LE);
        IntVector a1 = IntVector.fromMemorySegment(I16, src, so + 1 * sj, LE);
        IntVector a2 = IntVector.fromMemorySegment(I16, src, so + 2 * sj, LE);
        IntVector a3 = IntVector.fromMemorySegment(I16, src, so + 3 * sj, LE);
        IntVector a4 = IntVector.fromMemorySegment(I16, src, so + 4 * sj, LE);
        IntVector a5 = IntVector.fromMemorySegment(I16, src, so + 5 * sj, LE);
        IntVector a6 = IntVector.fromMemorySegment(I16, src, so + 6 * sj, LE);
        IntVector a7 = IntVector.fromMemorySegment(I16, src, so + 7 * sj, LE);
        IntVector a8 = IntVector.fromMemorySegment(I16, src, so + 8 * sj, LE);
        IntVector a9 = IntVector.fromMemorySegment(I16, src, so + 9 * sj, LE);
        IntVector a10 = IntVector.fromMemorySegment(I16, src, so + 10 * sj, LE);
        IntVector a11 = IntVector.fromMemorySegment(I16, src, so + 11 * sj, LE);
        IntVector a12 = IntVector.fromMemorySegment(I16, src, so + 12 * sj, LE);
        IntVector a13 = IntVector.fromMemorySegment(I16, src, so + 13 * sj, LE);
        IntVector a14 = IntVector.fromMemorySegment(I16, src, so + 14 * sj, LE);
        IntVector a15 = IntVector.fromMemorySegment(I16, src, so + 15 * sj, LE);
        IntVector lo0 = IntVector.fromArray(I16, INT16_LO, 0), hi0 = IntVector.fromArray(I16, INT16_HI, 0);
        IntVector b0 = lo0.selectFrom(a0, a8), b8 = hi0.selectFrom(a0, a8);
        IntVector b1 = lo0.selectFrom(a1, a9), b9 = hi0.selectFrom(a1, a9);
        IntVector b2 = lo0.selectFrom(a2, a10), b10 = hi0.selectFrom(a2, a10);
        IntVector b3 = lo0.selectFrom(a3, a11), b11 = hi0.selectFrom(a3, a11);
        IntVector b4 = lo0.selectFrom(a4, a12), b12 = hi0.selectFrom(a4, a12);
        IntVector b5 = lo0.selectFrom(a5, a13), b13 = hi0.selectFrom(a5, a13);
        IntVector b6 = lo0.selectFrom(a6, a14), b14 = hi0.selectFrom(a6, a14);
        IntVector b7 = lo0.selectFrom(a7, a15), b15 = hi0.selectFrom(a7, a15);
        IntVector lo1 = IntVector.fromArray(I16, INT16_LO, 16), hi1 = IntVector.fromArray(I16, INT16_HI, 16);
        IntVector c0 = lo1.selectFrom(b0, b4), c4 = hi1.selectFrom(b0, b4);
        IntVector c1 = lo1.selectFrom(b1, b5), c5 = hi1.selectFrom(b1, b5);
        IntVector c2 = lo1.selectFrom(b2, b6), c6 = hi1.selectFrom(b2, b6);
        IntVector c3 = lo1.selectFrom(b3, b7), c7 = hi1.selectFrom(b3, b7);
        IntVector c8 = lo1.selectFrom(b8, b12), c12 = hi1.selectFrom(b8, b12);
        IntVector c9 = lo1.selectFrom(b9, b13), c13 = hi1.selectFrom(b9, b13);
        IntVector c10 = lo1.selectFrom(b10, b14), c14 = hi1.selectFrom(b10, b14);
        IntVector c11 = lo1.selectFrom(b11, b15), c15 = hi1.selectFrom(b11, b15);
        IntVector lo2 = IntVector.fromArray(I16, INT16_LO, 32), hi2 = IntVector.fromArray(I16, INT16_HI, 32);
        IntVector d0 = lo2.selectFrom(c0, c2), d2 = hi2.selectFrom(c0, c2);
        IntVector d1 = lo2.selectFrom(c1, c3), d3 = hi2.selectFrom(c1, c3);
        IntVector d4 = lo2.selectFrom(c4, c6), d6 = hi2.selectFrom(c4, c6);
        IntVector d5 = lo2.selectFrom(c5, c7), d7 = hi2.selectFrom(c5, c7);
        IntVector d8 = lo2.selectFrom(c8, c10), d10 = hi2.selectFrom(c8, c10);
        IntVector d9 = lo2.selectFrom(c9, c11), d11 = hi2.selectFrom(c9, c11);
        IntVector d12 = lo2.selectFrom(c12, c14), d14 = hi2.selectFrom(c12, c14);
        IntVector d13 = lo2.selectFrom(c13, c15), d15 = hi2.selectFrom(c13, c15);
        IntVector lo3 = IntVector.fromArray(I16, INT16_LO, 48), hi3 = IntVector.fromArray(I16, INT16_HI, 48);
        IntVector e0 = lo3.selectFrom(d0, d1), e1 = hi3.selectFrom(d0, d1);
        IntVector e2 = lo3.selectFrom(d2, d3), e3 = hi3.selectFrom(d2, d3);
        IntVector e4 = lo3.selectFrom(d4, d5), e5 = hi3.selectFrom(d4, d5);
        IntVector e6 = lo3.selectFrom(d6, d7), e7 = hi3.selectFrom(d6, d7);
        IntVector e8 = lo3.selectFrom(d8, d9), e9 = hi3.selectFrom(d8, d9);
        IntVector e10 = lo3.selectFrom(d10, d11), e11 = hi3.selectFrom(d10, d11);
        IntVector e12 = lo3.selectFrom(d12, d13), e13 = hi3.selectFrom(d12, d13);
        IntVector e14 = lo3.selectFrom(d14, d15), e15 = hi3.selectFrom(d14, d15);
        e0.intoMemorySegment(dst, dO + 0 * row, LE);
        e1.intoMemorySegment(dst, dO + 1 * row, LE);
        e2.intoMemorySegment(dst, dO + 2 * row, LE);
        e3.intoMemorySegment(dst, dO + 3 * row, LE);
        e4.intoMemorySegment(dst, dO + 4 * row, LE);
        e5.intoMemorySegment(dst, dO + 5 * row, LE);
        e6.intoMemorySegment(dst, dO + 6 * row, LE);
        e7.intoMemorySegment(dst, dO + 7 * row, LE);
        e8.intoMemorySegment(dst, dO + 8 * row, LE);
        e9.intoMemorySegment(dst, dO + 9 * row, LE);
        e10.intoMemorySegment(dst, dO + 10 * row, LE);
        e11.intoMemorySegment(dst, dO + 11 * row, LE);
        e12.intoMemorySegment(dst, dO + 12 * row, LE);
        e13.intoMemorySegment(dst, dO + 13 * row, LE);
        e14.intoMemorySegment(dst, dO + 14 * row, LE);
        e15.intoMemorySegment(dst, dO + 15 * row, LE);
    }

    /** The 8x8 block of 4-byte elements: source row j (contiguous along i) at {@code so + j*sj}, output row i at {@code dO + i*row}. */
    static void int8(MemorySegment src, long so, long sj, MemorySegment dst, long dO, long row) {
        IntVector a0 = IntVector.fromMemorySegment(I8, src, so + 0 * sj, LE);
        IntVector a1 = IntVector.fromMemorySegment(I8, src, so + 1 * sj, LE);
        IntVector a2 = IntVector.fromMemorySegment(I8, src, so + 2 * sj, LE);
        IntVector a3 = IntVector.fromMemorySegment(I8, src, so + 3 * sj, LE);
        IntVector a4 = IntVector.fromMemorySegment(I8, src, so + 4 * sj, LE);
        IntVector a5 = IntVector.fromMemorySegment(I8, src, so + 5 * sj, LE);
        IntVector a6 = IntVector.fromMemorySegment(I8, src, so + 6 * sj, LE);
        IntVector a7 = IntVector.fromMemorySegment(I8, src, so + 7 * sj, LE);
        IntVector lo0 = IntVector.fromArray(I8, INT8_LO, 0), hi0 = IntVector.fromArray(I8, INT8_HI, 0);
        IntVector b0 = lo0.selectFrom(a0, a4), b4 = hi0.selectFrom(a0, a4);
        IntVector b1 = lo0.selectFrom(a1, a5), b5 = hi0.selectFrom(a1, a5);
        IntVector b2 = lo0.selectFrom(a2, a6), b6 = hi0.selectFrom(a2, a6);
        IntVector b3 = lo0.selectFrom(a3, a7), b7 = hi0.selectFrom(a3, a7);
        IntVector lo1 = IntVector.fromArray(I8, INT8_LO, 8), hi1 = IntVector.fromArray(I8, INT8_HI, 8);
        IntVector c0 = lo1.selectFrom(b0, b2), c2 = hi1.selectFrom(b0, b2);
        IntVector c1 = lo1.selectFrom(b1, b3), c3 = hi1.selectFrom(b1, b3);
        IntVector c4 = lo1.selectFrom(b4, b6), c6 = hi1.selectFrom(b4, b6);
        IntVector c5 = lo1.selectFrom(b5, b7), c7 = hi1.selectFrom(b5, b7);
        IntVector lo2 = IntVector.fromArray(I8, INT8_LO, 16), hi2 = IntVector.fromArray(I8, INT8_HI, 16);
        IntVector d0 = lo2.selectFrom(c0, c1), d1 = hi2.selectFrom(c0, c1);
        IntVector d2 = lo2.selectFrom(c2, c3), d3 = hi2.selectFrom(c2, c3);
        IntVector d4 = lo2.selectFrom(c4, c5), d5 = hi2.selectFrom(c4, c5);
        IntVector d6 = lo2.selectFrom(c6, c7), d7 = hi2.selectFrom(c6, c7);
        d0.intoMemorySegment(dst, dO + 0 * row, LE);
        d1.intoMemorySegment(dst, dO + 1 * row, LE);
        d2.intoMemorySegment(dst, dO + 2 * row, LE);
        d3.intoMemorySegment(dst, dO + 3 * row, LE);
        d4.intoMemorySegment(dst, dO + 4 * row, LE);
        d5.intoMemorySegment(dst, dO + 5 * row, LE);
        d6.intoMemorySegment(dst, dO + 6 * row, LE);
        d7.intoMemorySegment(dst, dO + 7 * row, LE);
    }

    /** The 8x8 block of 8-byte elements: source row j (contiguous along i) at {@code so + j*sj}, output row i at {@code dO + i*row}. */
    static void long8(MemorySegment src, long so, long sj, MemorySegment dst, long dO, long row) {
        LongVector a0 = LongVector.fromMemorySegment(L8, src, so + 0 * sj, LE);
        LongVector a1 = LongVector.fromMemorySegment(L8, src, so + 1 * sj, LE);
        LongVector a2 = LongVector.fromMemorySegment(L8, src, so + 2 * sj, LE);
        LongVector a3 = LongVector.fromMemorySegment(L8, src, so + 3 * sj, LE);
        LongVector a4 = LongVector.fromMemorySegment(L8, src, so + 4 * sj, LE);
        LongVector a5 = LongVector.fromMemorySegment(L8, src, so + 5 * sj, LE);
        LongVector a6 = LongVector.fromMemorySegment(L8, src, so + 6 * sj, LE);
        LongVector a7 = LongVector.fromMemorySegment(L8, src, so + 7 * sj, LE);
        LongVector lo0 = LongVector.fromArray(L8, LONG8_LO, 0), hi0 = LongVector.fromArray(L8, LONG8_HI, 0);
        LongVector b0 = lo0.selectFrom(a0, a4), b4 = hi0.selectFrom(a0, a4);
        LongVector b1 = lo0.selectFrom(a1, a5), b5 = hi0.selectFrom(a1, a5);
        LongVector b2 = lo0.selectFrom(a2, a6), b6 = hi0.selectFrom(a2, a6);
        LongVector b3 = lo0.selectFrom(a3, a7), b7 = hi0.selectFrom(a3, a7);
        LongVector lo1 = LongVector.fromArray(L8, LONG8_LO, 8), hi1 = LongVector.fromArray(L8, LONG8_HI, 8);
        LongVector c0 = lo1.selectFrom(b0, b2), c2 = hi1.selectFrom(b0, b2);
        LongVector c1 = lo1.selectFrom(b1, b3), c3 = hi1.selectFrom(b1, b3);
        LongVector c4 = lo1.selectFrom(b4, b6), c6 = hi1.selectFrom(b4, b6);
        LongVector c5 = lo1.selectFrom(b5, b7), c7 = hi1.selectFrom(b5, b7);
        LongVector lo2 = LongVector.fromArray(L8, LONG8_LO, 16), hi2 = LongVector.fromArray(L8, LONG8_HI, 16);
        LongVector d0 = lo2.selectFrom(c0, c1), d1 = hi2.selectFrom(c0, c1);
        LongVector d2 = lo2.selectFrom(c2, c3), d3 = hi2.selectFrom(c2, c3);
        LongVector d4 = lo2.selectFrom(c4, c5), d5 = hi2.selectFrom(c4, c5);
        LongVector d6 = lo2.selectFrom(c6, c7), d7 = hi2.selectFrom(c6, c7);
        d0.intoMemorySegment(dst, dO + 0 * row, LE);
        d1.intoMemorySegment(dst, dO + 1 * row, LE);
        d2.intoMemorySegment(dst, dO + 2 * row, LE);
        d3.intoMemorySegment(dst, dO + 3 * row, LE);
        d4.intoMemorySegment(dst, dO + 4 * row, LE);
        d5.intoMemorySegment(dst, dO + 5 * row, LE);
        d6.intoMemorySegment(dst, dO + 6 * row, LE);
        d7.intoMemorySegment(dst, dO + 7 * row, LE);
    }

    /** The 4x4 block of 8-byte elements: source row j (contiguous along i) at {@code so + j*sj}, output row i at {@code dO + i*row}. */
    static void long4(MemorySegment src, long so, long sj, MemorySegment dst, long dO, long row) {
        LongVector a0 = LongVector.fromMemorySegment(L4, src, so + 0 * sj, LE);
        LongVector a1 = LongVector.fromMemorySegment(L4, src, so + 1 * sj, LE);
        LongVector a2 = LongVector.fromMemorySegment(L4, src, so + 2 * sj, LE);
        LongVector a3 = LongVector.fromMemorySegment(L4, src, so + 3 * sj, LE);
        LongVector lo0 = LongVector.fromArray(L4, LONG4_LO, 0), hi0 = LongVector.fromArray(L4, LONG4_HI, 0);
        LongVector b0 = lo0.selectFrom(a0, a2), b2 = hi0.selectFrom(a0, a2);
        LongVector b1 = lo0.selectFrom(a1, a3), b3 = hi0.selectFrom(a1, a3);
        LongVector lo1 = LongVector.fromArray(L4, LONG4_LO, 4), hi1 = LongVector.fromArray(L4, LONG4_HI, 4);
        LongVector c0 = lo1.selectFrom(b0, b1), c1 = hi1.selectFrom(b0, b1);
        LongVector c2 = lo1.selectFrom(b2, b3), c3 = hi1.selectFrom(b2, b3);
        c0.intoMemorySegment(dst, dO + 0 * row, LE);
        c1.intoMemorySegment(dst, dO + 1 * row, LE);
        c2.intoMemorySegment(dst, dO + 2 * row, LE);
        c3.intoMemorySegment(dst, dO + 3 * row, LE);
    }
}
