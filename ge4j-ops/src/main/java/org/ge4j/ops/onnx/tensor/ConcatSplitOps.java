package org.ge4j.ops.onnx.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Node;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/** Concat and Split. */
final class ConcatSplitOps {
    private ConcatSplitOps() {}

    static void register(OpRegistry r) {
        r.register(OpSchema.onnx("Concat", 1).doc("The inputs joined along 'axis' (default 1); other dims must agree.")
                .variadicInput("inputs", "T", 1).output("concat_result", "T").types("T", TensorTypes.FLOATS_V1)
                .attr("axis", 1L).traits(Trait.PURE).inference(ConcatSplitOps::inferConcat).build());
        for (int v : new int[] {4, 11, 13})
            r.register(OpSchema.onnx("Concat", v).doc("The inputs joined along 'axis'; other dims must agree.")
                    .variadicInput("inputs", "T", 1).output("concat_result", "T").types("T", TensorTypes.all(v))
                    .requiredAttr("axis", AttrType.INT).traits(Trait.PURE).inference(ConcatSplitOps::inferConcat).build());
        r.registerReference("Concat", ConcatSplitOps::concatKernel);

        r.register(OpSchema.onnx("Split", 1).doc("The input cut along 'axis' into parts given by input 'split', attribute 'split' or equal parts.")
                .input("input", "T").optionalInput("split", "T").variadicOutput("outputs", "T", 1).types("T", TensorTypes.FLOATS_V1)
                .attr("axis", 0L).optionalAttr("split", AttrType.INTS).traits(Trait.PURE).inference(ConcatSplitOps::inferSplit).build());
        for (int v : new int[] {2, 11})
            r.register(OpSchema.onnx("Split", v).doc("The input cut along 'axis' into parts of the sizes in 'split', or equal parts.")
                    .input("input", "T").variadicOutput("outputs", "T", 1).types("T", TensorTypes.ALL_V1)
                    .attr("axis", 0L).optionalAttr("split", AttrType.INTS).traits(Trait.PURE).inference(ConcatSplitOps::inferSplit).build());
        for (int v : new int[] {13, 18}) {
            OpSchema.Builder b = OpSchema.onnx("Split", v)
                    .doc("The input cut along 'axis' into parts of the sizes in input 'split'" + (v >= 18 ? ", into 'num_outputs' parts (the last smaller)" : "") + ", or equal parts.")
                    .input("input", "T").optionalInput("split", "tensor(int64)").variadicOutput("outputs", "T", 1).types("T", TensorTypes.ALL_V13)
                    .attr("axis", 0L).traits(Trait.PURE).inference(ConcatSplitOps::inferSplit);
            if (v >= 18) b.optionalAttr("num_outputs", AttrType.INT);
            r.register(b.build());
        }
        r.registerReference("Split", ConcatSplitOps::splitKernel);
    }

    // ------------------------------------------------------------------ Concat

    private static void inferConcat(InferenceContext ctx) {
        Node node = ctx.node();
        DataType t = ctx.inputType(0);
        Shape ref = null;
        int refIndex = -1;
        for (int i = 0; i < ctx.inputCount(); i++) {
            Shape s = ctx.inputShape(i);
            if (!s.hasRank()) continue;
            if (ref == null) {
                ref = s;
                refIndex = i;
            } else if (s.rank() != ref.rank()) {
                throw new OpException(node, "input " + i + " has rank " + s.rank() + " (shape " + s + ") but input " + refIndex
                        + " has rank " + ref.rank() + " (shape " + ref + "); all inputs must have the same rank");
            }
        }
        if (ref == null) {
            ctx.setOutput(0, t, Shape.UNKNOWN_RANK);
            return;
        }
        int rank = ref.rank();
        int axis = Args.axis(node, "attribute 'axis'", ctx.attrs().getInt("axis"), rank);
        List<Dim> out = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            List<Dim> parts = new ArrayList<>();
            Dim merged = null;
            boolean allRanked = true;
            for (int i = 0; i < ctx.inputCount(); i++) {
                Shape s = ctx.inputShape(i);
                if (!s.hasRank()) {
                    allRanked = false;
                    continue;
                }
                if (d == axis) parts.add(s.dim(d));
                else merged = merged == null ? s.dim(d) : Dims.unify(node, merged, s.dim(d), "input " + i + " disagrees on dim " + d + " (not the concat axis " + axis + ")");
            }
            out.add(d == axis ? (allRanked ? Dims.sum(parts) : Dim.UNKNOWN) : merged);
        }
        ctx.setOutput(0, t, Shape.of(out));
    }

    private static void concatKernel(KernelContext ctx) {
        Node node = ctx.node();
        Tensor first = ctx.requireInput(0);
        int rank = first.rank();
        int axis = Args.axis(node, "attribute 'axis'", ctx.attrs().getInt("axis"), rank);
        long[] shape = first.shape();
        shape[axis] = 0;
        for (int i = 0; i < ctx.inputCount(); i++) {
            Tensor t = ctx.requireInput(i);
            if (t.rank() != rank)
                throw new OpException(node, "input " + i + " has shape " + Shape.toString(t.shape()) + " of rank " + t.rank()
                        + " but input 0 has shape " + Shape.toString(first.shape()) + "; all inputs must have the same rank");
            for (int d = 0; d < rank; d++)
                if (d != axis && t.dim(d) != first.dim(d))
                    throw new OpException(node, "input " + i + " has shape " + Shape.toString(t.shape()) + " but input 0 has shape "
                            + Shape.toString(first.shape()) + "; they must agree on every dim except the concat axis " + axis);
            shape[axis] += t.dim(axis);
        }
        Tensor out = ctx.allocateOutput(0, first.dtype(), shape);
        long outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= shape[d];
        for (int d = axis + 1; d < rank; d++) inner *= shape[d];
        long outRow = shape[axis] * inner;
        long at = 0;
        for (int i = 0; i < ctx.inputCount(); i++) {
            Tensor t = ctx.requireInput(i);
            long row = t.dim(axis) * inner;
            Elements.Mover m = Elements.mover(t, out);
            for (long o = 0; o < outer; o++) m.run(o * row, o * outRow + at, row);
            at += row;
        }
    }

    // ------------------------------------------------------------------ Split

    /** Explicit split sizes from the input or attribute; null when not given (or, at inference time, not known). */
    private static long[] splitArg(Node node, int opset, boolean hasInput, long[] input) {
        if (hasInput) return input;
        return opset < 13 ? node.attrInts("split", null) : null;
    }

    /** The sizes of the parts of a dim of static size {@code dim} cut into {@code outputs} parts. */
    private static long[] sizes(Node node, long[] split, Long numOutputs, long dim, int outputs) {
        if (split != null) {
            if (split.length != outputs)
                throw new OpException(node, "'split' " + Arrays.toString(split) + " has " + split.length + " sizes but the node has " + outputs + " outputs");
            long sum = 0;
            for (long s : split) {
                if (s < 0) throw new OpException(node, "'split' " + Arrays.toString(split) + " has a negative size");
                sum += s;
            }
            if (sum != dim)
                throw new OpException(node, "'split' " + Arrays.toString(split) + " sums to " + sum + " but the split axis has size " + dim);
            return split;
        }
        long[] r = new long[outputs];
        if (numOutputs != null) {
            long chunk = (dim + outputs - 1) / outputs;
            long rest = dim;
            for (int i = 0; i < outputs; i++) {
                r[i] = Math.min(chunk, rest);
                rest -= r[i];
            }
            return r;
        }
        if (dim % outputs != 0)
            throw new OpException(node, "cannot split an axis of size " + dim + " into " + outputs + " equal parts; give 'split' sizes");
        Arrays.fill(r, dim / outputs);
        return r;
    }

    private static Long numOutputs(Node node, int opset, int outputs, boolean splitGiven) {
        if (opset < 18 || !node.hasAttr("num_outputs")) return null;
        long n = node.attrInt("num_outputs", 0);
        if (splitGiven) throw new OpException(node, "sets both input 'split' and attribute 'num_outputs'; give only one");
        if (n < 1 || n != outputs)
            throw new OpException(node, "attribute 'num_outputs' = " + n + " must equal the number of outputs " + outputs);
        return n;
    }

    private static void inferSplit(InferenceContext ctx) {
        Node node = ctx.node();
        int opset = ctx.opset();
        DataType t = ctx.inputType(0);
        Shape in = ctx.inputShape(0);
        int outputs = ctx.outputCount();
        boolean hasInput = ctx.hasInput(1) && (opset >= 13 || opset == 1);
        long[] split = splitArg(node, opset, hasInput, hasInput ? Args.known(ctx, 1, "input 1 ('split')") : null);
        Long num = numOutputs(node, opset, outputs, hasInput || split != null);
        if (!in.hasRank()) {
            for (int i = 0; i < outputs; i++) ctx.setOutput(i, t, Shape.UNKNOWN_RANK);
            return;
        }
        int axis = Args.axis(node, "attribute 'axis'", ctx.attrs().getInt("axis"), in.rank());
        Dim d = in.dim(axis);
        long[] sizes = null;
        if (d instanceof Dim.Static s && (split != null || !hasInput)) sizes = sizes(node, split, num, s.value(), outputs);
        else if (split != null && split.length != outputs)
            throw new OpException(node, "'split' " + Arrays.toString(split) + " has " + split.length + " sizes but the node has " + outputs + " outputs");
        for (int i = 0; i < outputs; i++) {
            List<Dim> dims = Dims.list(in);
            dims.set(axis, sizes != null ? Dim.of(sizes[i]) : split != null ? Dim.of(split[i]) : outputs == 1 && !hasInput ? d : Dim.UNKNOWN);
            ctx.setOutput(i, t, Shape.of(dims));
        }
    }

    private static void splitKernel(KernelContext ctx) {
        Node node = ctx.node();
        int opset = ctx.opset();
        Tensor in = ctx.requireInput(0);
        int outputs = ctx.outputCount();
        boolean hasInput = ctx.hasInput(1) && (opset >= 13 || opset == 1);
        long[] split = splitArg(node, opset, hasInput, hasInput ? Args.numbers(node, "input 1 ('split')", ctx.input(1)) : null);
        Long num = numOutputs(node, opset, outputs, split != null);
        int axis = Args.axis(node, "attribute 'axis'", ctx.attrs().getInt("axis"), in.rank());
        long[] sizes = sizes(node, split, num, in.dim(axis), outputs);
        long outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= in.dim(d);
        for (int d = axis + 1; d < in.rank(); d++) inner *= in.dim(d);
        long inRow = in.dim(axis) * inner;
        long at = 0;
        for (int i = 0; i < outputs; i++) {
            long[] shape = in.shape();
            shape[axis] = sizes[i];
            Tensor out = ctx.allocateOutput(i, in.dtype(), shape);
            long row = sizes[i] * inner;
            Elements.Mover m = Elements.mover(in, out);
            for (long o = 0; o < outer; o++) m.run(o * inRow + at, o * row, row);
            at += row;
        }
    }
}
