package org.ge4j.ops.onnx.tensor;

import java.util.Arrays;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Node;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.OpException;

/** Validated reading of axis attributes and integer inputs, failing with messages that name the node and argument. */
final class Args {
    private Args() {}

    /** {@code axis} normalised into [0, rank); {@code what} names the argument, e.g. "attribute 'axis'". */
    static int axis(Node node, String what, long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
            throw new OpException(node, what + " = " + axis + " is out of range for rank " + rank + " (expected " + range(rank) + ")");
        return (int) a;
    }

    /** {@code axis} normalised into [0, rank] (Flatten, Shape's bounds and other "between dims" positions). */
    static int axisInclusive(Node node, String what, long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a > rank)
            throw new OpException(node, what + " = " + axis + " is out of range for rank " + rank + " (expected [" + (-rank) + ", " + rank + "])");
        return (int) a;
    }

    /** Normalised axes, checked for range and duplicates. */
    static int[] axes(Node node, String what, long[] axes, int rank) {
        int[] r = new int[axes.length];
        boolean[] seen = new boolean[Math.max(rank, 0)];
        for (int i = 0; i < axes.length; i++) {
            r[i] = axis(node, what, axes[i], rank);
            if (seen[r[i]]) throw new OpException(node, what + " " + Arrays.toString(axes) + " repeats axis " + r[i]);
            seen[r[i]] = true;
        }
        return r;
    }

    private static String range(int rank) { return rank == 0 ? "no axis: the input is a scalar" : "[" + (-rank) + ", " + (rank - 1) + "]"; }

    /** The values of an integer tensor (exact for int64). */
    static long[] longs(Node node, String what, Tensor t) {
        if (!t.dtype().isInteger())
            throw new OpException(node, what + " must be an integer tensor, got " + t.dtype().shortName() + Shape.toString(t.shape()));
        return t.toLongArray();
    }

    /** The values of a 1-D (or scalar) integer tensor. */
    static long[] vector(Node node, String what, Tensor t) {
        if (t.rank() > 1)
            throw new OpException(node, what + " must be 1-D, got shape " + Shape.toString(t.shape()));
        return longs(node, what, t);
    }

    /** The single value of a scalar or 1-element integer tensor. */
    static long scalar(Node node, String what, Tensor t) {
        if (t.size() != 1)
            throw new OpException(node, what + " must hold exactly one value, got shape " + Shape.toString(t.shape()));
        return t.dtype().isFloatingPoint() ? (long) t.getScalarDouble(0) : t.getScalarLong(0);
    }

    /**
     * The values of input {@code i} as known at inference time: a constant's, or ones computed from shapes
     * ({@link ShapeValues}) when every element is a number; null when absent or not known. Floats truncate.
     */
    static long[] known(InferenceContext ctx, int i, String what) {
        if (!ctx.hasInput(i)) return null;
        Tensor t = ctx.constantInput(i);
        if (t != null) return numbers(ctx.node(), what, t);
        ShapeValues.Value v = ShapeValues.of(ctx.node().inputValue(i));
        return v == null ? null : v.numbers();
    }

    /** The values of a scalar or 1-D tensor of any numeric type (floats truncate toward zero). */
    static long[] numbers(Node node, String what, Tensor t) {
        if (t.rank() > 1) throw new OpException(node, what + " must be 1-D, got shape " + Shape.toString(t.shape()));
        if (!t.dtype().isFloatingPoint()) return longs(node, what, t);
        long[] r = new long[(int) t.size()];
        for (int i = 0; i < r.length; i++) r[i] = (long) t.getScalarDouble(i);
        return r;
    }

    /** The dtype for messages: {@code f32[2,3]}. */
    static String describe(Tensor t) { return t.dtype().shortName() + Shape.toString(t.shape()); }

    static String describe(DataType t, long[] shape) { return t.shortName() + Shape.toString(shape); }
}
