package org.ge4j.ops.onnx.control;

import java.util.ArrayList;
import java.util.List;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.TensorSequence;
import org.ge4j.ir.Value;
import org.ge4j.ops.DataTypes;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;
import org.ge4j.ops.util.Axes;

/**
 * The tensor-sequence ops of opset 11: SequenceEmpty, SequenceConstruct, SequenceAt, SequenceInsert,
 * SequenceErase, SequenceLength, SplitToSequence and ConcatFromSequence. A sequence's description carries
 * the element type and a shape every element satisfies (unknown rank when nothing is known).
 */
public final class SequenceOps {
    private SequenceOps() {}

    public static void register(OpRegistry r) {
        var t = ControlTypes.TENSOR;
        r.register(OpSchema.onnx("SequenceEmpty", 11).doc("An empty sequence of element type dtype (default float).")
                .output("output", "S").types("S", t)
                .optionalAttr("dtype", AttrType.INT)
                .traits(Trait.PURE).inference(SequenceOps::inferEmpty).build());
        r.register(OpSchema.onnx("SequenceConstruct", 11).doc("A sequence of the input tensors, in order.")
                .variadicInput("inputs", "T", 1).output("output_sequence", "S").types("T", t).types("S", t)
                .traits(Trait.PURE).inference(SequenceOps::inferConstruct).build());
        r.register(OpSchema.onnx("SequenceAt", 11).doc("A copy of the tensor at position (negative counts from the back).")
                .input("input_sequence", "S").input("position", "I").output("tensor", "T")
                .types("S", t).types("T", t).types("I", DataTypes.INDEX)
                .traits(Trait.PURE).inference(SequenceOps::inferAt).build());
        r.register(OpSchema.onnx("SequenceInsert", 11).doc("The sequence with tensor inserted at position (default: at the back).")
                .input("input_sequence", "S").input("tensor", "T").optionalInput("position", "I").output("output_sequence", "S")
                .types("S", t).types("T", t).types("I", DataTypes.INDEX)
                .traits(Trait.PURE).inference(SequenceOps::inferInsert).build());
        r.register(OpSchema.onnx("SequenceErase", 11).doc("The sequence without the tensor at position (default: the last).")
                .input("input_sequence", "S").optionalInput("position", "I").output("output_sequence", "S")
                .types("S", t).types("I", DataTypes.INDEX)
                .traits(Trait.PURE).inference(SequenceOps::inferErase).build());
        r.register(OpSchema.onnx("SequenceLength", 11).doc("The number of tensors in the sequence, as an int64 scalar.")
                .input("input_sequence", "S").output("length", "I").types("S", t).types("I", DataType.INT64)
                .traits(Trait.PURE).inference(SequenceOps::inferLength).build());
        r.register(OpSchema.onnx("SplitToSequence", 11).doc("Splits a tensor along axis into a sequence (by split sizes, a chunk size, or into size-1 parts).")
                .input("input", "T").optionalInput("split", "I").output("output_sequence", "S")
                .types("T", t).types("I", DataTypes.INDEX).types("S", t)
                .attr("axis", 0L).attr("keepdims", 1L)
                .traits(Trait.PURE).inference(SequenceOps::inferSplit).build());
        r.register(OpSchema.onnx("ConcatFromSequence", 11).doc("Concatenates (new_axis=0) or stacks (new_axis=1) the tensors of a sequence along axis.")
                .input("input_sequence", "S").output("concat_result", "T").types("S", t).types("T", t)
                .requiredAttr("axis", AttrType.INT).attr("new_axis", 0L)
                .traits(Trait.PURE).inference(SequenceOps::inferConcat).build());
        r.registerReference("SequenceEmpty", SequenceOps::empty);
        r.registerReference("SequenceConstruct", SequenceOps::construct);
        r.registerReference("SequenceAt", SequenceOps::at);
        r.registerReference("SequenceInsert", SequenceOps::insert);
        r.registerReference("SequenceErase", SequenceOps::erase);
        r.registerReference("SequenceLength", SequenceOps::length);
        r.registerReference("SplitToSequence", SequenceOps::split);
        r.registerReference("ConcatFromSequence", SequenceOps::concat);
    }

    // ------------------------------------------------------------------ inference

    private static DataType emptyType(Attrs a, java.util.function.Function<String, RuntimeException> fail) {
        long code = a.getInt("dtype", DataType.FLOAT.onnxCode());
        DataType t;
        try {
            t = DataType.fromOnnx((int) code);
        } catch (IllegalArgumentException e) {
            throw fail.apply("attribute 'dtype' is not a data type code: " + code);
        }
        if (!ControlTypes.TENSOR.contains(t)) throw fail.apply("attribute 'dtype' " + t + " is not a sequence element type");
        return t;
    }

    private interface Attrs { long getInt(String name, long dflt); }

    static void inferEmpty(InferenceContext ctx) {
        ctx.setOutput(0, Descs.sequenceOf(emptyType(ctx.attrs()::getInt, ctx::fail), Shape.UNKNOWN_RANK));
    }

    static void inferConstruct(InferenceContext ctx) {
        TensorDesc u = null;
        for (int i = 0; i < ctx.inputCount(); i++) {
            TensorDesc d = Descs.requireTensor(ctx, i);
            TensorDesc nu = Descs.union(u, d);
            if (nu == null) throw ctx.fail("input " + i + " is " + d + " but earlier inputs are " + u.dtype().shortName() + "; a sequence has one element type");
            u = nu;
        }
        ctx.setOutput(0, Descs.sequenceOf(u.dtype(), u.shape()));
    }

    static void inferAt(InferenceContext ctx) {
        TensorDesc s = Descs.requireSequence(ctx, 0);
        checkScalar(ctx, 1);
        ctx.setOutput(0, Descs.elementOf(s));
    }

    private static void checkScalar(InferenceContext ctx, int i) {
        TensorDesc p = ctx.input(i);
        if (p != null && p.shape().hasRank() && p.shape().rank() != 0 && p.shape().elementCount() != 1)
            throw ctx.fail("input " + i + ctx.portName(i) + " must be a scalar, got shape " + p.shape());
    }

    static void inferInsert(InferenceContext ctx) {
        TensorDesc s = Descs.requireSequence(ctx, 0);
        TensorDesc t = Descs.requireTensor(ctx, 1);
        checkScalar(ctx, 2);
        if (s.isKnown() && t.isKnown() && s.dtype() != t.dtype())
            throw ctx.fail("input 1 ('tensor') is " + t.dtype().shortName() + " but the sequence holds " + s.dtype().shortName());
        DataType dt = s.isKnown() ? s.dtype() : t.dtype();
        // the sequence may be empty, in which case its element shape says nothing: only a known shape of
        // both sides survives the union
        ctx.setOutput(0, Descs.sequenceOf(dt, Descs.union(s.shape(), t.shape())));
    }

    static void inferErase(InferenceContext ctx) {
        TensorDesc s = Descs.requireSequence(ctx, 0);
        checkScalar(ctx, 1);
        ctx.setOutput(0, Descs.sequenceOf(s.dtype(), s.shape()));
    }

    static void inferLength(InferenceContext ctx) {
        Descs.requireSequence(ctx, 0);
        ctx.setOutput(0, DataType.INT64, Shape.SCALAR);
    }

    static void inferSplit(InferenceContext ctx) {
        TensorDesc in = Descs.requireTensor(ctx, 0);
        Shape s = in.shape();
        if (!s.hasRank()) {
            ctx.setOutput(0, Descs.sequenceOf(in.dtype(), Shape.UNKNOWN_RANK));
            return;
        }
        int axis = axis(ctx, ctx.attrs().getInt("axis"), s.rank());
        List<Dim> dims = new ArrayList<>(s.dims());
        if (!ctx.hasInput(1)) {
            if (ctx.attrs().getInt("keepdims") == 0) dims.remove(axis);
            else dims.set(axis, Dim.of(1));
        } else {
            Tensor split = ctx.constantInput(1);
            Dim d = Dim.UNKNOWN;
            if (split != null) {
                long[] v = split.toLongArray();
                if (split.rank() > 1) throw ctx.fail("input 1 ('split') must be a scalar or 1-D, got rank " + split.rank());
                if (split.rank() == 0) {
                    if (v[0] <= 0) throw ctx.fail("input 1 ('split') must be positive, got " + v[0]);
                    long n = s.dim(axis).valueOr(-1);
                    if (n >= 0 && n % v[0] == 0) d = Dim.of(v[0]);
                } else {
                    boolean same = v.length > 0;
                    for (long x : v) {
                        if (x < 0) throw ctx.fail("input 1 ('split') entries must be >= 0, got " + x);
                        same &= x == v[0];
                    }
                    long n = s.dim(axis).valueOr(-1), sum = 0;
                    for (long x : v) sum += x;
                    if (n >= 0 && sum != n)
                        throw ctx.fail("input 1 ('split') sums to " + sum + " but the input's axis " + axis + " has size " + n);
                    if (same) d = Dim.of(v[0]);
                }
            }
            dims.set(axis, d);
        }
        ctx.setOutput(0, Descs.sequenceOf(in.dtype(), Shape.of(dims)));
    }

    private static int axis(InferenceContext ctx, long axis, int rank) {
        try {
            return Axes.normalize(axis, rank);
        } catch (IllegalArgumentException e) {
            throw ctx.fail("attribute 'axis': " + e.getMessage());
        }
    }

    static void inferConcat(InferenceContext ctx) {
        TensorDesc s = Descs.requireSequence(ctx, 0);
        boolean newAxis = ctx.attrs().getInt("new_axis") != 0;
        long axis = ctx.attrs().getInt("axis");
        Shape es = s.shape();
        if (!es.hasRank()) {
            ctx.setOutput(0, s.dtype(), Shape.UNKNOWN_RANK);
            return;
        }
        int r = es.rank() + (newAxis ? 1 : 0);
        if (!newAxis && es.rank() == 0) throw ctx.fail("cannot concatenate scalars without new_axis=1");
        int a = axis(ctx, axis, r);
        List<Dim> dims = new ArrayList<>(es.dims());
        if (newAxis) dims.add(a, Dim.UNKNOWN);
        else dims.set(a, Dim.UNKNOWN);
        ctx.setOutput(0, s.dtype(), Shape.of(dims));
    }

    // ------------------------------------------------------------------ kernels

    static TensorSequence sequence(KernelContext ctx, int i) {
        Value v = ctx.value(i);
        if (v == null) throw ctx.fail("input " + i + ctx.portName(i) + " is required but absent");
        if (!(v instanceof TensorSequence s)) throw ctx.fail("input " + i + ctx.portName(i) + " must be a sequence, got a " + v.kind());
        return s;
    }

    private static TensorSequence copyOf(DataType t, List<Tensor> borrowed) {
        List<Tensor> l = new ArrayList<>(borrowed.size());
        for (Tensor x : borrowed) l.add(x.copy());
        return new TensorSequence(t, l);
    }

    /** Normalises a position in [-n, n - 1] (or [-n, n] when {@code inclusive}). */
    private static int position(KernelContext ctx, int i, int n, boolean inclusive) {
        long p = Values.scalarLong(ctx, ctx.requireInput(i), "input " + i + " ('position')");
        long lo = -n, hi = inclusive ? n : n - 1;
        if (p < lo || p > hi)
            throw ctx.fail("input " + i + " ('position') is " + p + ", outside [" + lo + ", " + hi + "] for a sequence of " + n + " tensors");
        return (int) (p < 0 ? p + n : p);
    }

    static void empty(KernelContext ctx) {
        DataType t = emptyType(ctx.attrs()::getInt, ctx::fail);
        ctx.setOutput(0, new TensorSequence(t, List.of()));
    }

    static void construct(KernelContext ctx) {
        List<Tensor> l = new ArrayList<>();
        for (int i = 0; i < ctx.inputCount(); i++) {
            Tensor t = ctx.requireInput(i);
            if (!l.isEmpty() && t.dtype() != l.get(0).dtype())
                throw ctx.fail("input " + i + " is " + t.dtype().shortName() + " but input 0 is " + l.get(0).dtype().shortName());
            l.add(t);
        }
        ctx.setOutput(0, copyOf(l.get(0).dtype(), l));
    }

    static void at(KernelContext ctx) {
        TensorSequence s = sequence(ctx, 0);
        ctx.setOutput(0, s.get(position(ctx, 1, s.size(), false)).copy());
    }

    static void insert(KernelContext ctx) {
        TensorSequence s = sequence(ctx, 0);
        Tensor t = ctx.requireInput(1);
        if (t.dtype() != s.elementType())
            throw ctx.fail("input 1 ('tensor') is " + t.dtype().shortName() + " but the sequence holds " + s.elementType().shortName());
        int p = ctx.hasInput(2) ? position(ctx, 2, s.size(), true) : s.size();
        List<Tensor> l = new ArrayList<>(s.tensors());
        l.add(p, t);
        ctx.setOutput(0, copyOf(s.elementType(), l));
    }

    static void erase(KernelContext ctx) {
        TensorSequence s = sequence(ctx, 0);
        if (s.size() == 0) throw ctx.fail("cannot erase from an empty sequence");
        int p = ctx.hasInput(1) ? position(ctx, 1, s.size(), false) : s.size() - 1;
        List<Tensor> l = new ArrayList<>(s.tensors());
        l.remove(p);
        ctx.setOutput(0, copyOf(s.elementType(), l));
    }

    static void length(KernelContext ctx) {
        ctx.setOutput(0, Tensor.scalar((long) sequence(ctx, 0).size()));
    }

    static void split(KernelContext ctx) {
        Tensor x = ctx.requireInput(0);
        if (x.rank() == 0) throw ctx.fail("input 0 ('input') must have rank >= 1 to be split, got a scalar");
        int axis;
        try {
            axis = Axes.normalize(ctx.attrs().getInt("axis"), x.rank());
        } catch (IllegalArgumentException e) {
            throw ctx.fail("attribute 'axis': " + e.getMessage());
        }
        long n = x.dim(axis);
        List<Tensor> parts = new ArrayList<>();
        try {
            if (!ctx.hasInput(1)) {
                boolean keep = ctx.attrs().getInt("keepdims") != 0;
                for (long i = 0; i < n; i++) parts.add(keep ? TensorBlocks.slice(x, axis, i, 1) : TensorBlocks.take(x, axis, i));
            } else {
                Tensor split = ctx.requireInput(1);
                long[] v = split.toLongArray();
                if (split.rank() == 0) {
                    long c = v[0];
                    if (c <= 0) throw ctx.fail("input 1 ('split') must be positive, got " + c);
                    for (long at = 0; at < n; at += c) parts.add(TensorBlocks.slice(x, axis, at, Math.min(c, n - at)));
                } else if (split.rank() == 1) {
                    long sum = 0;
                    for (long c : v) {
                        if (c < 0) throw ctx.fail("input 1 ('split') entries must be >= 0, got " + c);
                        sum += c;
                    }
                    if (sum != n) throw ctx.fail("input 1 ('split') sums to " + sum + " but the input's axis " + axis + " has size " + n);
                    long at = 0;
                    for (long c : v) {
                        parts.add(TensorBlocks.slice(x, axis, at, c));
                        at += c;
                    }
                } else {
                    throw ctx.fail("input 1 ('split') must be a scalar or 1-D, got rank " + split.rank());
                }
            }
        } catch (RuntimeException e) {
            Values.closeAll(parts);
            throw e;
        }
        ctx.setOutput(0, new TensorSequence(x.dtype(), parts));
    }

    static void concat(KernelContext ctx) {
        TensorSequence s = sequence(ctx, 0);
        if (s.size() == 0) throw ctx.fail("cannot concatenate an empty sequence (its result shape is undefined)");
        boolean newAxis = ctx.attrs().getInt("new_axis") != 0;
        int rank = s.get(0).rank();
        if (!newAxis && rank == 0) throw ctx.fail("cannot concatenate scalars without new_axis=1");
        int axis;
        try {
            axis = Axes.normalize(ctx.attrs().getInt("axis"), rank + (newAxis ? 1 : 0));
        } catch (IllegalArgumentException e) {
            throw ctx.fail("attribute 'axis': " + e.getMessage());
        }
        try {
            ctx.setOutput(0, newAxis ? TensorBlocks.stack(s.tensors(), axis) : TensorBlocks.concat(s.tensors(), axis));
        } catch (IllegalArgumentException e) {
            throw ctx.fail("sequence tensors do not fit together: " + e.getMessage());
        }
    }
}
