package org.ge4j.ops.onnx.signal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;

/** Helpers shared by the signal family's inference functions and kernels. */
final class Support {
    private Support() {}

    /** Every element type of ONNX's "all tensor types" constraint before opset 13 (no bfloat16). */
    static final Set<DataType> ALL_V1 = Set.of(DataType.UINT8, DataType.UINT16, DataType.UINT32, DataType.UINT64, DataType.INT8,
            DataType.INT16, DataType.INT32, DataType.INT64, DataType.FLOAT16, DataType.FLOAT, DataType.DOUBLE, DataType.STRING,
            DataType.BOOL, DataType.COMPLEX64, DataType.COMPLEX128);
    /** {@link #ALL_V1} plus bfloat16 (opset 13 and later). */
    static final Set<DataType> ALL_V13 = union(ALL_V1, Set.of(DataType.BFLOAT16));
    /** float16, float, double. */
    static final Set<DataType> FLOAT3 = Set.of(DataType.FLOAT16, DataType.FLOAT, DataType.DOUBLE);
    /** float16, float, double, bfloat16. */
    static final Set<DataType> FLOAT4 = Set.of(DataType.FLOAT16, DataType.FLOAT, DataType.DOUBLE, DataType.BFLOAT16);
    /** int8, uint8. */
    static final Set<DataType> INT8S = Set.of(DataType.INT8, DataType.UINT8);
    /** The numeric output types of the window/mel generators. */
    static final Set<DataType> WINDOW_TYPES = Set.of(DataType.UINT8, DataType.UINT16, DataType.UINT32, DataType.UINT64, DataType.INT8,
            DataType.INT16, DataType.INT32, DataType.INT64, DataType.FLOAT16, DataType.FLOAT, DataType.DOUBLE, DataType.BFLOAT16);

    static Set<DataType> union(Set<DataType> a, Set<DataType> b) {
        java.util.EnumSet<DataType> s = java.util.EnumSet.noneOf(DataType.class);
        s.addAll(a);
        s.addAll(b);
        return Set.copyOf(s);
    }

    // ------------------------------------------------------------------ kernels

    /** Input {@code i} as a scalar long (a tensor of exactly one element); {@code dflt} when absent. */
    static long scalarLong(KernelContext ctx, int i, long dflt) {
        Tensor t = ctx.input(i);
        if (t == null) return dflt;
        if (t.size() != 1) throw ctx.fail("input " + i + ctx.portName(i) + " must be a scalar (one element), got shape " + Shape.toString(t.shape()));
        return t.getScalarLong(0);
    }

    /** Input {@code i} as a scalar double; {@code dflt} when absent. */
    static double scalarDouble(KernelContext ctx, int i, double dflt) {
        Tensor t = ctx.input(i);
        if (t == null) return dflt;
        if (t.size() != 1) throw ctx.fail("input " + i + ctx.portName(i) + " must be a scalar (one element), got shape " + Shape.toString(t.shape()));
        return t.getScalarDouble(0);
    }

    /** Input {@code i} as a tensor of the given rank; fails naming the port otherwise. */
    static Tensor requireRank(KernelContext ctx, int i, int rank) {
        Tensor t = ctx.requireInput(i);
        if (t.rank() != rank)
            throw ctx.fail("input " + i + ctx.portName(i) + " must have rank " + rank + ", got shape " + Shape.toString(t.shape()));
        return t;
    }

    /** Smallest and largest value of an integer type (int8/uint8/int32...). */
    static long minOf(DataType t) {
        return switch (t) {
            case INT8 -> Byte.MIN_VALUE;
            case INT16 -> Short.MIN_VALUE;
            case INT32 -> Integer.MIN_VALUE;
            case INT64 -> Long.MIN_VALUE;
            case INT4 -> -8;
            default -> 0;
        };
    }

    static long maxOf(DataType t) {
        return switch (t) {
            case INT8 -> Byte.MAX_VALUE;
            case UINT8 -> 255;
            case INT16 -> Short.MAX_VALUE;
            case UINT16 -> 65535;
            case INT32 -> Integer.MAX_VALUE;
            case UINT32 -> 0xffffffffL;
            case INT4 -> 7;
            case UINT4 -> 15;
            default -> Long.MAX_VALUE;
        };
    }

    /** Rounds half to even and saturates into the range of integer type {@code t}. */
    static long saturateRound(double v, DataType t) {
        if (Double.isNaN(v)) return 0;
        double r = Math.rint(v);
        long lo = minOf(t), hi = maxOf(t);
        if (r <= lo) return lo;
        if (r >= hi) return hi;
        return (long) r;
    }

    /**
     * Converts computed doubles to a tensor of type {@code t}: floats round once, integers saturate to
     * their range and truncate toward zero (as a C cast of an in-range value), bool is "non-zero".
     */
    static Tensor toTensor(DataType t, long[] shape, double[] v) {
        if (!t.isInteger()) return Tensor.fromDoubles(t, shape, v);
        Tensor out = Tensor.allocate(t, shape);
        long lo = minOf(t), hi = maxOf(t);
        for (int i = 0; i < v.length; i++) {
            double x = v[i];
            long q = Double.isNaN(x) ? 0 : x <= lo ? lo : x >= hi ? hi : (long) x;
            out.setScalarLong(i, q);
        }
        return out;
    }

    /** The flat index-space strides of a shape. */
    static long[] strides(long[] shape) {
        long[] st = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= shape[i];
        }
        return st;
    }

    static int toInt(KernelContext ctx, long v, String what) {
        if (v < 0 || v > Integer.MAX_VALUE) throw ctx.fail(what + " = " + v + " is out of range");
        return (int) v;
    }

    // ------------------------------------------------------------------ inference

    /** Dim {@code i} of {@code s} when the rank is known, else unknown. */
    static Dim dim(Shape s, int i) {
        return s != null && s.hasRank() && i < s.rank() ? s.dim(i) : Dim.UNKNOWN;
    }

    /** The static value of a dim, or -1. */
    static long value(Dim d) { return d.valueOr(-1); }

    /** Fails when the shape's rank is known and differs from {@code rank}. */
    static void checkRank(InferenceContext ctx, int i, Shape s, int rank) {
        if (s != null && s.hasRank() && s.rank() != rank)
            throw ctx.fail("input " + i + ctx.portName(i) + " must have rank " + rank + ", got " + s);
    }

    /** Fails when dim {@code d} of input {@code i} is static and differs from a known {@code expected} (-1 = unknown). */
    static void checkDim(InferenceContext ctx, int i, Shape s, int d, long expected, String meaning) {
        if (expected < 0 || s == null || !s.hasRank() || d >= s.rank()) return;
        long v = s.dim(d).valueOr(-1);
        if (v >= 0 && v != expected)
            throw ctx.fail("input " + i + ctx.portName(i) + " dim " + d + " must be " + expected + " (" + meaning + "), got shape " + s);
    }

    /** The first known of two dims (for unifying the same size seen on two inputs). */
    static Dim unify(Dim a, Dim b) {
        if (a.isStatic()) return a;
        if (b.isStatic()) return b;
        if (a instanceof Dim.Symbolic) return a;
        return b;
    }

    static Shape shape(Dim... dims) { return Shape.of(List.of(dims)); }

    static Shape shape(List<Dim> dims) { return Shape.of(new ArrayList<>(dims)); }

    /** Reads a constant input as longs (null when not constant or absent). */
    static long[] constantLongs(InferenceContext ctx, int i) {
        if (!ctx.hasInput(i)) return null;
        Tensor t = ctx.constantInput(i);
        return t == null ? null : t.toLongArray();
    }

    static double[] constantDoubles(InferenceContext ctx, int i) {
        if (!ctx.hasInput(i)) return null;
        Tensor t = ctx.constantInput(i);
        return t == null ? null : t.toDoubleArray();
    }
}
