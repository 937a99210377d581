package org.ge4j.ops.onnx.control;

import java.util.ArrayList;
import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.ValueKind;
import org.ge4j.ops.InferenceContext;

/** Compile-time description helpers: unions of possible shapes, sequence elements, optional kinds. */
final class Descs {
    private Descs() {}

    /** A shape both {@code a} and {@code b} satisfy: equal dims kept, differing dims unknown, differing ranks unknown. */
    static Shape union(Shape a, Shape b) {
        if (!a.hasRank() || !b.hasRank() || a.rank() != b.rank()) return Shape.UNKNOWN_RANK;
        List<Dim> dims = new ArrayList<>(a.rank());
        for (int i = 0; i < a.rank(); i++) dims.add(a.dim(i).equals(b.dim(i)) ? a.dim(i) : Dim.UNKNOWN);
        return Shape.of(dims);
    }

    /**
     * The description of a value that is either {@code a} or {@code b}; null when both element types are known
     * and differ (the caller reports it). Unknown parts of either side make the union unknown there.
     */
    static TensorDesc union(TensorDesc a, TensorDesc b) {
        if (a == null || !a.isKnown() && !a.shape().hasRank()) return b;
        if (b == null || !b.isKnown() && !b.shape().hasRank()) return a;
        if (a.isKnown() && b.isKnown() && a.dtype() != b.dtype()) return null;
        DataType t = a.isKnown() ? a.dtype() : b.dtype();
        ValueKind k = a.isKnown() ? a.kind() : b.kind();
        return new TensorDesc(t, union(a.shape(), b.shape())).withKind(k);
    }

    /** The same rank with every dim unknown (a value whose size may change from one iteration to the next). */
    static Shape relax(Shape s) { return s.hasRank() ? Shape.unknownDims(s.rank()) : s; }

    static boolean isSequence(TensorDesc d) { return d != null && d.kind() == ValueKind.SEQUENCE; }

    static boolean isOptional(TensorDesc d) {
        return d != null && (d.kind() == ValueKind.OPTIONAL_TENSOR || d.kind() == ValueKind.OPTIONAL_SEQUENCE);
    }

    /** A sequence whose elements are described by {@code element}. */
    static TensorDesc sequenceOf(DataType dtype, Shape elementShape) {
        return new TensorDesc(dtype, elementShape).withKind(ValueKind.SEQUENCE);
    }

    /** The description of one element of a sequence description. */
    static TensorDesc elementOf(TensorDesc seq) { return seq.withKind(ValueKind.TENSOR); }

    /** Input {@code i} must be a sequence (or of still unknown type); returns its description. */
    static TensorDesc requireSequence(InferenceContext ctx, int i) {
        TensorDesc d = ctx.requireInput(i);
        if (d.isKnown() && d.kind() != ValueKind.SEQUENCE)
            throw ctx.fail("input " + i + ctx.portName(i) + " must be a sequence, got " + d);
        return d;
    }

    /** Input {@code i} must be a tensor (or of still unknown type); returns its description. */
    static TensorDesc requireTensor(InferenceContext ctx, int i) {
        TensorDesc d = ctx.requireInput(i);
        if (d.isKnown() && d.kind() != ValueKind.TENSOR)
            throw ctx.fail("input " + i + ctx.portName(i) + " must be a tensor, got " + d);
        return d;
    }

    /** Checks that the element types of {@code d} are in {@code allowed} (for heterogeneous variadic params). */
    static void checkAllowed(InferenceContext ctx, int i, TensorDesc d, java.util.Set<DataType> allowed) {
        if (d != null && d.isKnown() && !allowed.contains(d.dtype()))
            throw ctx.fail("input " + i + ctx.portName(i) + " has type " + d.dtype().shortName() + ", expected one of "
                    + allowed.stream().map(DataType::shortName).sorted().toList());
    }
}
