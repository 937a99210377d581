package org.ge4j.ops.vector.data;

import static org.ge4j.ops.vector.data.StridedCopy.B;
import static org.ge4j.ops.vector.data.StridedCopy.I;
import static org.ge4j.ops.vector.data.StridedCopy.L;
import static org.ge4j.ops.vector.data.StridedCopy.S;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Fp16;

/**
 * Reading and writing single numbers of the element types the computing data kernels support (float,
 * double, float16, bfloat16, the 8/16/32/64-bit integers but uint64, bool), by a small int code chosen at
 * compile time. Conversions follow {@link org.ge4j.ir.Tensor}'s: floats to integers truncate toward zero
 * (NaN gives 0) and wrap like a C cast; integers to floats round once, to nearest even; bool is {@code v != 0}.
 */
final class Num {
    private Num() {}

    static final int F32 = 0, F64 = 1, F16 = 2, BF16 = 3, I8 = 4, U8 = 5, I16 = 6, U16 = 7, I32 = 8, U32 = 9, I64 = 10, BOOL = 11;

    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    /** The code of {@code t}, or -1 when not supported. */
    static int kind(DataType t) {
        return switch (t) {
            case FLOAT -> F32;
            case DOUBLE -> F64;
            case FLOAT16 -> F16;
            case BFLOAT16 -> BF16;
            case INT8 -> I8;
            case UINT8 -> U8;
            case INT16 -> I16;
            case UINT16 -> U16;
            case INT32 -> I32;
            case UINT32 -> U32;
            case INT64 -> I64;
            case BOOL -> BOOL;
            default -> -1;
        };
    }

    static boolean isFloat(int k) { return k <= BF16; }

    static int size(int k) {
        return switch (k) {
            case F64, I64 -> 8;
            case F32, I32, U32 -> 4;
            case F16, BF16, I16, U16 -> 2;
            default -> 1;
        };
    }

    /** The element at byte {@code off} as a double (floating kinds; integers exactly up to 2^53). */
    static double readD(int k, MemorySegment s, long off) {
        return switch (k) {
            case F32 -> s.get(F, off);
            case F64 -> s.get(D, off);
            case F16 -> Float.float16ToFloat(s.get(S, off));
            case BF16 -> Fp16.bf16ToFloat(s.get(S, off));
            default -> readL(k, s, off);
        };
    }

    /** The element at byte {@code off} as a long (integer kinds; floats truncated). */
    static long readL(int k, MemorySegment s, long off) {
        return switch (k) {
            case I8 -> s.get(B, off);
            case U8, BOOL -> s.get(B, off) & 0xffL;
            case I16 -> s.get(S, off);
            case U16 -> s.get(S, off) & 0xffffL;
            case I32 -> s.get(I, off);
            case U32 -> s.get(I, off) & 0xffffffffL;
            case I64 -> s.get(L, off);
            default -> (long) readD(k, s, off);
        };
    }

    /** Stores {@code v} converted to kind {@code k}. */
    static void writeD(int k, MemorySegment s, long off, double v) {
        switch (k) {
            case F32 -> s.set(F, off, (float) v);
            case F64 -> s.set(D, off, v);
            case F16 -> s.set(S, off, Fp16.doubleToHalf(v));
            case BF16 -> s.set(S, off, Fp16.doubleToBf16(v));
            case BOOL -> s.set(B, off, (byte) (v != 0 ? 1 : 0));
            default -> writeL(k, s, off, Double.isNaN(v) ? 0 : (long) v);
        }
    }

    /** Stores the integer {@code v} converted to kind {@code k} (narrowing wraps; floats round once). */
    static void writeL(int k, MemorySegment s, long off, long v) {
        switch (k) {
            case I8, U8 -> s.set(B, off, (byte) v);
            case BOOL -> s.set(B, off, (byte) (v != 0 ? 1 : 0));
            case I16, U16 -> s.set(S, off, (short) v);
            case I32, U32 -> s.set(I, off, (int) v);
            case I64 -> s.set(L, off, v);
            case F32 -> s.set(F, off, (float) v); // a single correctly rounded conversion
            case F64 -> s.set(D, off, (double) v);
            default -> writeD(k, s, off, roundToOdd(v));
        }
    }

    /**
     * {@code v} as a double rounded "to odd" (exact up to 53 bits, else the odd neighbour), so that rounding it
     * again to a narrower format rounds as {@code v} itself would.
     */
    static double roundToOdd(long v) {
        long m = Math.abs(v); // Long.MIN_VALUE stays 2^63 read unsigned below
        int bits = 64 - Long.numberOfLeadingZeros(m);
        if (bits <= 53) return v;
        int shift = bits - 53;
        long kept = m >>> shift;
        if ((m & ((1L << shift) - 1)) != 0) kept |= 1;
        double r = Math.scalb((double) kept, shift);
        return v < 0 ? -r : r;
    }
}
