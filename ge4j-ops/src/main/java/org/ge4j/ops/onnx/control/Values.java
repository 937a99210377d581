package org.ge4j.ops.onnx.control;

import java.util.ArrayList;
import java.util.List;
import org.ge4j.ir.OptionalValue;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.TensorSequence;
import org.ge4j.ir.Value;
import org.ge4j.ir.ValueKind;
import org.ge4j.ops.KernelContext;

/** Run-time value helpers: deep copies, descriptions, scalar reads, closing lists. */
final class Values {
    private Values() {}

    /** A deep copy owning fresh memory. */
    static Value copy(Value v) {
        return switch (v) {
            case Tensor t -> t.copy();
            case TensorSequence s -> new TensorSequence(s.elementType(), s.tensors().stream().map(Tensor::copy).toList());
            case OptionalValue o -> new OptionalValue(o.elementType(), o.value() == null ? null : copy(o.value()));
        };
    }

    /** The element description an optional wrapping {@code v} declares (kind TENSOR or SEQUENCE). */
    static TensorDesc elementDesc(Value v) {
        return switch (v) {
            case Tensor t -> t.desc();
            case TensorSequence s -> new TensorDesc(s.elementType(), Shape.UNKNOWN_RANK).withKind(ValueKind.SEQUENCE);
            case OptionalValue o -> o.elementType();
        };
    }

    /** Reads a one-element boolean (or numeric) tensor as a boolean, failing with {@code what} otherwise. */
    static boolean scalarBool(KernelContext ctx, Value v, String what) {
        if (v == null) throw ctx.fail(what + " is required but absent");
        if (!(v instanceof Tensor t)) throw ctx.fail(what + " must be a bool tensor, got a " + v.kind());
        if (t.size() != 1) throw ctx.fail(what + " must hold one element, got shape " + Shape.toString(t.shape()));
        return t.dtype().isFloatingPoint() ? t.getScalarDouble(0) != 0 : t.getScalarLong(0) != 0;
    }

    /** Reads a one-element integer tensor, failing with {@code what} otherwise. */
    static long scalarLong(KernelContext ctx, Tensor t, String what) {
        if (t.dtype() == org.ge4j.ir.DataType.STRING || t.dtype().isComplex())
            throw ctx.fail(what + " must be an integer tensor, got " + t.dtype().shortName());
        if (t.size() != 1) throw ctx.fail(what + " must hold one element, got shape " + Shape.toString(t.shape()));
        return t.getScalarLong(0);
    }

    /** A string tensor of any shape, rank 0 included. */
    static Tensor strings(String[] v, long[] shape) {
        Tensor t = Tensor.allocate(org.ge4j.ir.DataType.STRING, shape);
        for (int i = 0; i < v.length; i++) t.setString(i, v[i]);
        return t;
    }

    /** A rank-0 bool tensor. */
    static Tensor boolScalar(boolean b) {
        Tensor t = Tensor.allocate(org.ge4j.ir.DataType.BOOL);
        t.setScalarLong(0, b ? 1 : 0);
        return t;
    }

    /** Closes every non-null value, ignoring nothing: the first failure is rethrown after all are tried. */
    static void closeAll(Iterable<? extends Value> values) {
        RuntimeException first = null;
        for (Value v : values) {
            if (v == null) continue;
            try {
                v.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    static <T> List<T> copyOfRange(List<T> l, int from, int to) { return new ArrayList<>(l.subList(from, to)); }
}
