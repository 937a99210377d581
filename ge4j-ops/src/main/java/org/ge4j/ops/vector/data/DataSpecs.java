package org.ge4j.ops.vector.data;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.exec.NodeSpec;

/** What the data-movement compilers check before they accept a node, and small helpers they share. */
final class DataSpecs {
    private DataSpecs() {}

    /** The static shape of a tensor description (any dtype but string), or null (absent, unknown or dynamic). */
    static long[] shape(TensorDesc d) {
        if (d == null || d.dtype() == DataType.STRING || d.dtype() == DataType.UNDEFINED || !d.shape().hasRank() || !d.shape().isStatic())
            return null;
        return d.shape().toArray();
    }

    /** True when every present input and every output has a static shape and a fixed-size (non-string) dtype. */
    static boolean allStatic(NodeSpec s) {
        for (TensorDesc d : s.inputs()) if (d != null && shape(d) == null) return false;
        for (TensorDesc d : s.outputs()) if (shape(d) == null) return false;
        return !s.outputs().isEmpty();
    }

    /**
     * Bytes per element for the types these kernels move by bytes: 1, 2, 4, 8 or 16 (complex128); -1 for
     * sub-byte, string and unknown types.
     */
    static int elementSize(DataType t) {
        return switch (t.bits()) {
            case 8 -> 1;
            case 16 -> 2;
            case 32 -> 4;
            case 64 -> 8;
            case 128 -> 16;
            default -> -1;
        };
    }

    static long count(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /** Row-major element strides of {@code shape}. */
    static long[] strides(long[] shape) {
        long[] s = new long[shape.length];
        long k = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = k;
            k *= shape[i];
        }
        return s;
    }

    /** An axis attribute or input normalised to [0, rank); -1 when out of range. */
    static int axis(long a, int rank) {
        long v = a < 0 ? a + rank : a;
        return v < 0 || v >= rank ? -1 : (int) v;
    }

    /** The values of a constant integer tensor as longs, or null when absent or not an integer tensor. */
    static long[] longs(Tensor t) {
        if (t == null || !(t.dtype() == DataType.INT64 || t.dtype() == DataType.INT32)) return null;
        return t.toLongArray();
    }

    /** An owned zeroed buffer of {@code bytes} bytes, 64-byte aligned, freed with the kernel. */
    static MemorySegment allocate(long bytes) { return Arena.ofAuto().allocate(Math.max(bytes, 8), 64); }

    /** A copy of a tensor's bytes in memory owned by the kernel. */
    static MemorySegment copyOf(Tensor t) {
        MemorySegment m = allocate(t.byteSize());
        MemorySegment.copy(t.segment(), 0, m, 0, t.byteSize());
        return m;
    }
}
