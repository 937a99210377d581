package org.ge4j.ops.onnx.tensor;

import java.util.ArrayList;
import java.util.List;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Node;
import org.ge4j.ir.Shape;
import org.ge4j.ops.OpException;

/** Arithmetic on possibly symbolic dimensions, for shape inference: exact when it can be, unknown otherwise. */
final class Dims {
    private Dims() {}

    /** The product of dims: static when all are static (or one is 0), the single symbolic dim when the rest are 1. */
    static Dim product(List<Dim> dims) {
        long p = 1;
        Dim nonStatic = null;
        int nonStaticCount = 0;
        for (Dim d : dims) {
            if (d instanceof Dim.Static s) {
                if (s.value() == 0) return Dim.of(0);
                p *= s.value();
            } else {
                nonStatic = d;
                nonStaticCount++;
            }
        }
        if (nonStaticCount == 0) return Dim.of(p);
        if (nonStaticCount == 1 && p == 1 && nonStatic instanceof Dim.Symbolic) return nonStatic;
        return Dim.UNKNOWN;
    }

    /** {@code d * k}. */
    static Dim times(Dim d, long k) {
        if (k == 1) return d;
        if (k == 0) return Dim.of(0);
        return d instanceof Dim.Static s ? Dim.of(s.value() * k) : Dim.UNKNOWN;
    }

    /** {@code d + k}. */
    static Dim plus(Dim d, long k) {
        if (k == 0) return d;
        return d instanceof Dim.Static s && s.value() + k >= 0 ? Dim.of(s.value() + k) : Dim.UNKNOWN;
    }

    /** {@code d / k} when exact and known. */
    static Dim div(Dim d, long k) {
        if (k == 1) return d;
        return d instanceof Dim.Static s && k > 0 && s.value() % k == 0 ? Dim.of(s.value() / k) : Dim.UNKNOWN;
    }

    /** The sum of dims: static when all are static, the dim itself for a single term, else unknown. */
    static Dim sum(List<Dim> dims) {
        if (dims.size() == 1) return dims.get(0);
        long s = 0;
        for (Dim d : dims) {
            if (!(d instanceof Dim.Static st)) return Dim.UNKNOWN;
            s += st.value();
        }
        return Dim.of(s);
    }

    /**
     * Two dims that must be equal: the more informative one (static over symbolic over unknown).
     * Fails naming {@code what} when two static dims differ.
     */
    static Dim unify(Node node, Dim a, Dim b, String what) {
        if (a instanceof Dim.Static sa && b instanceof Dim.Static sb) {
            if (sa.value() != sb.value()) throw new OpException(node, what + ": " + sa.value() + " vs " + sb.value());
            return a;
        }
        if (a instanceof Dim.Static) return a;
        if (b instanceof Dim.Static) return b;
        if (a instanceof Dim.Symbolic) return a;
        return b;
    }

    /** The static value of a dim, or -1. */
    static long value(Dim d) { return d.valueOr(-1); }

    static boolean isStatic(Dim d, long v) { return d instanceof Dim.Static s && s.value() == v; }

    /** A shape with every dim unknown when the rank is known, else unknown rank. */
    static Shape unknownLike(Shape s) { return s.hasRank() ? Shape.unknownDims(s.rank()) : Shape.UNKNOWN_RANK; }

    /** A mutable copy of the dims. */
    static List<Dim> list(Shape s) { return new ArrayList<>(s.dims()); }
}
