package org.ge4j.ops.onnx.nn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;

/** Conversions between tensors and flat primitive arrays for the reference kernels (fast paths for f32/f64/i64). */
final class Tensors {
    private Tensors() {}

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** A fresh tensor of {@code dtype} holding {@code v} rounded once to the type. */
    static Tensor fromDoubles(DataType dtype, long[] shape, double[] v) {
        if (dtype == DataType.FLOAT) {
            Tensor t = Tensor.allocate(dtype, shape);
            float[] f = new float[v.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) v[i];
            MemorySegment.copy(f, 0, t.segment(), F32, 0, f.length);
            return t;
        }
        if (dtype == DataType.DOUBLE) {
            Tensor t = Tensor.allocate(dtype, shape);
            MemorySegment.copy(v, 0, t.segment(), F64, 0, v.length);
            return t;
        }
        return Tensor.fromDoubles(dtype, shape, v);
    }

    /** A fresh tensor of {@code dtype} holding {@code v} (narrowing wraps like a C cast). */
    static Tensor fromLongs(DataType dtype, long[] shape, long[] v) {
        if (dtype == DataType.INT64 || dtype == DataType.UINT64) {
            Tensor t = Tensor.allocate(dtype, shape);
            MemorySegment.copy(v, 0, t.segment(), I64, 0, v.length);
            return t;
        }
        return Tensor.fromLongs(dtype, shape, v);
    }

    /** An int64 tensor. */
    static Tensor int64(long[] shape, long[] v) { return fromLongs(DataType.INT64, shape, v); }

    /** Element count of a static shape as an int (reference kernels hold tensors in Java arrays). */
    static int count(long[] shape) { return Math.toIntExact(org.ge4j.ir.Shape.elementCount(shape)); }

    /** Product of {@code shape[from..to)}. */
    static int prod(long[] shape, int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) n *= shape[i];
        return Math.toIntExact(n);
    }

    /** Compares two values of an integer type, unsigned for uint64. */
    static int compareIntegral(DataType t, long a, long b) {
        return t == DataType.UINT64 ? Long.compareUnsigned(a, b) : Long.compare(a, b);
    }
}
