package org.ge4j.ops.onnx.nn;

import java.util.ArrayList;
import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.util.Axes;

/** Small shape-inference helpers shared by the NN ops. */
final class Infer {
    private Infer() {}

    /** Output 0 has input 0's type and shape (Softmax, LRN, normalisations...). */
    static void sameAsInput(InferenceContext ctx) {
        TensorDesc x = ctx.requireInput(0);
        ctx.setOutput(0, x.dtype(), x.shape());
    }

    /** A copy of {@code s} with dim {@code i} replaced. */
    static Shape withDim(Shape s, int i, Dim d) {
        List<Dim> dims = new ArrayList<>(s.dims());
        dims.set(i, d);
        return Shape.of(dims);
    }

    /** Dims {@code [from, to)} of {@code s}. */
    static List<Dim> dims(Shape s, int from, int to) { return new ArrayList<>(s.dims().subList(from, to)); }

    /** Static size of dim i, or -1. */
    static long size(Shape s, int i) { return s.dim(i).valueOr(-1); }

    /** Normalises an axis for inference, failing with a message that names the attribute. */
    static int axis(InferenceContext ctx, String attr, long axis, int rank) {
        try {
            return Axes.normalize(axis, rank);
        } catch (IllegalArgumentException e) {
            throw ctx.fail("attribute '" + attr + "' = " + axis + " is out of range for input rank " + rank + " (expected [" + -rank + ", " + (rank - 1) + "])");
        }
    }

    /** Fails when input {@code i} has a known rank below {@code min}. */
    static void requireMinRank(InferenceContext ctx, int i, Shape s, int min, String what) {
        if (s.hasRank() && s.rank() < min)
            throw ctx.fail("input " + i + ctx.portName(i) + " must have rank >= " + min + " (" + what + "), got shape " + s);
    }

    /** Fails when two static dims differ. */
    static void requireEqual(InferenceContext ctx, Dim a, Dim b, String message) {
        if (a.isStatic() && b.isStatic() && a.valueOr(-1) != b.valueOr(-1)) throw ctx.fail(message);
    }

    static TensorDesc desc(DataType t, Shape s) { return new TensorDesc(t, s); }
}
