package org.ge4j.ops.onnx.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ge4j.ir.AttrType;
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

/** The ops that only reinterpret the shape of their data: Reshape, Flatten, Squeeze, Unsqueeze. */
final class ReshapeOps {
    private ReshapeOps() {}

    static void register(OpRegistry r) {
        r.register(OpSchema.onnx("Reshape", 1).doc("The data with the shape of attribute 'shape' (0 copies a dim, -1 is inferred).")
                .input("data", "T").output("reshaped", "T").types("T", TensorTypes.FLOATS_V1)
                .optionalAttr("shape", AttrType.INTS).optionalAttr("consumed_inputs", AttrType.INTS)
                .traits(Trait.PURE, Trait.VIEW).inference(ReshapeOps::inferReshape).build());
        for (int v : new int[] {5, 13, 14}) {
            OpSchema.Builder b = OpSchema.onnx("Reshape", v)
                    .doc("The data with the shape of input 'shape' (0 copies a dim" + (v >= 14 ? " unless allowzero=1" : "") + ", -1 is inferred).")
                    .input("data", "T").input("shape", "tensor(int64)").output("reshaped", "T").types("T", TensorTypes.all(v))
                    .traits(Trait.PURE, Trait.VIEW).inference(ReshapeOps::inferReshape);
            if (v >= 14) b.attr("allowzero", 0L);
            r.register(b.build());
        }
        r.registerReference("Reshape", ReshapeOps::reshapeKernel);

        for (int v : new int[] {1, 9, 11, 13})
            r.register(OpSchema.onnx("Flatten", v).doc("The input as a matrix [prod(dims before axis), prod(dims from axis)].")
                    .input("input", "T").output("output", "T").types("T", v == 1 ? TensorTypes.FLOATS_V1 : TensorTypes.all(v))
                    .attr("axis", 1L).traits(Trait.PURE, Trait.VIEW).inference(ReshapeOps::inferFlatten).build());
        r.registerReference("Flatten", ReshapeOps::flattenKernel);

        for (int v : new int[] {1, 11, 13}) {
            OpSchema.Builder b = OpSchema.onnx("Squeeze", v).doc("The data without the given size-1 dims (all size-1 dims when no axes are given).")
                    .input("data", "T").output("squeezed", "T").types("T", TensorTypes.all(v))
                    .traits(Trait.PURE, Trait.VIEW).inference(ReshapeOps::inferSqueeze);
            if (v >= 13) b.optionalInput("axes", "tensor(int64)");
            else b.optionalAttr("axes", AttrType.INTS);
            r.register(b.build());
        }
        r.registerReference("Squeeze", ReshapeOps::squeezeKernel);

        for (int v : new int[] {1, 11, 13}) {
            OpSchema.Builder b = OpSchema.onnx("Unsqueeze", v).doc("The data with size-1 dims inserted at the given axes of the output.")
                    .input("data", "T").output("expanded", "T").types("T", TensorTypes.all(v))
                    .traits(Trait.PURE, Trait.VIEW).inference(ReshapeOps::inferUnsqueeze);
            if (v >= 13) b.input("axes", "tensor(int64)");
            else b.requiredAttr("axes", AttrType.INTS);
            r.register(b.build());
        }
        r.registerReference("Unsqueeze", ReshapeOps::unsqueezeKernel);
    }

    // ------------------------------------------------------------------ Reshape

    /** The requested shape: numbers (0 = copy, -1 = infer), or, where {@code sym[i]} is set, a symbolic or unknown size. */
    record Request(long[] values, Dim[] sym) {
        static Request of(long[] v) { return new Request(v, new Dim[v.length]); }

        int length() { return values.length; }

        boolean isNumber(int i) { return sym[i] == null; }

        String describe() {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < values.length; i++) sb.append(i > 0 ? "," : "").append(sym[i] != null ? sym[i].toString() : Long.toString(values[i]));
            return sb.append(']').toString();
        }
    }

    /** The request from the attribute (opset < 5) or the input; at inference time null when not known. */
    private static Request request(Node node, int opset, long[] shapeInput) {
        if (opset < 5) {
            long[] s = node.attrInts("shape", null);
            if (s == null) throw new OpException(node, "missing attribute 'shape' (ints)");
            return Request.of(s);
        }
        return shapeInput == null ? null : Request.of(shapeInput);
    }

    private static void inferReshape(InferenceContext ctx) {
        Node node = ctx.node();
        Shape in = ctx.inputShape(0);
        Request req = request(node, ctx.opset(), ctx.opset() >= 5 ? Args.known(ctx, 1, "input 1 ('shape')") : null);
        if (req == null && ctx.opset() >= 5) {
            ShapeValues.Value v = ShapeValues.of(node.inputValue(1));
            if (v != null && !v.scalar()) {
                Dim[] sym = new Dim[v.size()];
                for (int i = 0; i < sym.length; i++) if (v.dims().get(i) != null && !v.dims().get(i).isStatic()) sym[i] = v.dims().get(i);
                long[] vals = v.values().clone();
                for (int i = 0; i < sym.length; i++) if (v.dims().get(i) instanceof Dim.Static st) vals[i] = st.value();
                req = new Request(vals, sym);
            }
        }
        if (req == null) {
            Shape s = ctx.inputShape(1);
            ctx.setOutput(0, ctx.inputType(0), s.hasRank() && s.rank() == 1 && s.dim(0) instanceof Dim.Static n
                    ? Shape.unknownDims((int) n.value()) : Shape.UNKNOWN_RANK);
            return;
        }
        boolean allowZero = ctx.attrs().getInt("allowzero", 0) != 0;
        ctx.setOutput(0, ctx.inputType(0), reshapedShape(node, in, req, allowZero));
    }

    /** The output shape of Reshape on a possibly symbolic input shape. */
    static Shape reshapedShape(Node node, Shape in, Request req, boolean allowZero) {
        int n = req.length();
        List<Dim> out = new ArrayList<>();
        boolean[] copied = new boolean[n];
        int inferred = checkRequest(node, req, allowZero, in.hasRank() ? in.rank() : -1);
        boolean unknownEntry = false;
        for (int i = 0; i < n; i++) {
            long s = req.values()[i];
            if (!req.isNumber(i)) {
                out.add(req.sym()[i]);
                unknownEntry |= !(req.sym()[i] instanceof Dim.Symbolic);
            } else if (s == 0 && !allowZero) {
                copied[i] = true;
                out.add(in.hasRank() ? in.dim(i) : Dim.UNKNOWN);
            } else out.add(s == -1 ? Dim.UNKNOWN : Dim.of(s));
        }
        if (!in.hasRank() || unknownEntry) return Shape.of(out);
        // dims copied by 0 appear on both sides at the same position, and equal symbols cancel
        List<Dim> inRest = new ArrayList<>(), outRest = new ArrayList<>();
        long inStatic = 1, outStatic = 1;
        for (int i = 0; i < in.rank(); i++) {
            if (i < n && copied[i]) continue;
            if (in.dim(i) instanceof Dim.Static st) inStatic *= st.value();
            else inRest.add(in.dim(i));
        }
        for (int i = 0; i < n; i++) {
            if (copied[i] || i == inferred) continue;
            if (req.isNumber(i)) outStatic *= req.values()[i];
            else if (!inRest.remove(req.sym()[i])) outRest.add(req.sym()[i]);
        }
        if (!outRest.isEmpty()) return Shape.of(out);
        if (inferred >= 0) {
            if (inRest.isEmpty()) {
                if (outStatic == 0 || inStatic % outStatic != 0)
                    throw new OpException(node, "cannot reshape input of shape " + in + " to " + req.describe()
                            + ": the remaining " + inStatic + " elements do not divide by " + outStatic);
                out.set(inferred, Dim.of(inStatic / outStatic));
            } else if (inRest.size() == 1 && inRest.get(0) instanceof Dim.Symbolic && inStatic == outStatic) {
                out.set(inferred, inRest.get(0));
            }
        } else if (inRest.isEmpty() && inStatic != outStatic) {
            throw new OpException(node, "cannot reshape input of shape " + in + " (" + (in.isStatic() ? in.elementCount() : "?")
                    + " elements) to " + req.describe() + " (" + elementCount(out) + " elements)");
        }
        return Shape.of(out);
    }

    private static String elementCount(List<Dim> dims) {
        Shape s = Shape.of(dims);
        return s.isStatic() ? Long.toString(s.elementCount()) : "?";
    }

    /** Checks the request's numeric entries; returns the position of the -1 entry or -1. */
    private static int checkRequest(Node node, Request req, boolean allowZero, int inRank) {
        int inferred = -1;
        boolean hasZero = false;
        for (int i = 0; i < req.length(); i++) {
            if (!req.isNumber(i)) continue;
            long s = req.values()[i];
            if (s == -1) {
                if (inferred >= 0) throw new OpException(node, "shape " + req.describe() + " has more than one -1 entry");
                inferred = i;
            } else if (s < -1) {
                throw new OpException(node, "shape " + req.describe() + " has invalid entry " + s + " (expected >= -1)");
            } else if (s == 0) {
                hasZero = true;
                if (!allowZero && inRank >= 0 && i >= inRank)
                    throw new OpException(node, "shape " + req.describe() + " has 0 at position " + i + " (copy the input dim) but the input has rank " + inRank);
            }
        }
        if (allowZero && hasZero && inferred >= 0)
            throw new OpException(node, "shape " + req.describe() + " has both 0 and -1, which allowzero=1 forbids");
        return inferred;
    }

    private static void reshapeKernel(KernelContext ctx) {
        Tensor data = ctx.requireInput(0);
        Request req = request(ctx.node(), ctx.opset(), ctx.opset() >= 5 ? Args.vector(ctx.node(), "input 1 ('shape')", ctx.requireInput(1)) : null);
        Shape s = reshapedShape(ctx.node(), Shape.of(data.shape()), req, ctx.attrs().getInt("allowzero", 0) != 0);
        ctx.setOutput(0, Elements.copyAs(data, s.toArray()));
    }

    // ------------------------------------------------------------------ Flatten

    private static int flattenAxis(Node node, long axis, int rank, int opset) {
        if (opset < 11 && axis < 0)
            throw new OpException(node, "attribute 'axis' = " + axis + " must not be negative before opset 11");
        return Args.axisInclusive(node, "attribute 'axis'", axis, rank);
    }

    private static void inferFlatten(InferenceContext ctx) {
        Shape in = ctx.inputShape(0);
        if (!in.hasRank()) {
            ctx.setOutput(0, ctx.inputType(0), Shape.unknownDims(2));
            return;
        }
        int a = flattenAxis(ctx.node(), ctx.attrs().getInt("axis"), in.rank(), ctx.opset());
        ctx.setOutput(0, ctx.inputType(0), Shape.of(List.of(Dims.product(in.dims().subList(0, a)), Dims.product(in.dims().subList(a, in.rank())))));
    }

    private static void flattenKernel(KernelContext ctx) {
        Tensor in = ctx.requireInput(0);
        int a = flattenAxis(ctx.node(), ctx.attrs().getInt("axis"), in.rank(), ctx.opset());
        long outer = 1;
        for (int i = 0; i < a; i++) outer *= in.dim(i);
        long inner = 1;
        for (int i = a; i < in.rank(); i++) inner *= in.dim(i);
        ctx.setOutput(0, Elements.copyAs(in, new long[] {outer, inner}));
    }

    // ------------------------------------------------------------------ Squeeze / Unsqueeze

    /** Squeeze's / Unsqueeze's axes from the attribute (opset < 13) or input 1's values; null when absent or not known. */
    private static long[] axesArg(Node node, int opset, long[] input) {
        return opset < 13 ? node.attrInts("axes", null) : input;
    }

    private static void checkNegative(Node node, long[] axes, int opset) {
        if (opset < 11) for (long a : axes)
            if (a < 0) throw new OpException(node, "axes " + Arrays.toString(axes) + " must not be negative before opset 11");
    }

    private static void inferSqueeze(InferenceContext ctx) {
        Node node = ctx.node();
        Shape in = ctx.inputShape(0);
        boolean axesGiven = ctx.opset() < 13 ? node.hasAttr("axes") : ctx.hasInput(1);
        long[] axes = axesArg(node, ctx.opset(), ctx.opset() >= 13 ? Args.known(ctx, 1, "input 1 ('axes')") : null);
        if (!in.hasRank() || axesGiven && axes == null) {
            ctx.setOutput(0, ctx.inputType(0), Shape.UNKNOWN_RANK);
            return;
        }
        List<Dim> out = new ArrayList<>();
        if (axes == null) {
            for (Dim d : in.dims()) {
                if (!d.isStatic()) {
                    ctx.setOutput(0, ctx.inputType(0), Shape.UNKNOWN_RANK);
                    return;
                }
                if (!Dims.isStatic(d, 1)) out.add(d);
            }
        } else {
            checkNegative(node, axes, ctx.opset());
            int[] ax = Args.axes(node, "axes", axes, in.rank());
            boolean[] drop = new boolean[in.rank()];
            for (int a : ax) {
                Dim d = in.dim(a);
                if (d.isStatic() && !Dims.isStatic(d, 1))
                    throw new OpException(node, "cannot squeeze axis " + a + " of input shape " + in + ": its size is " + d + ", not 1");
                drop[a] = true;
            }
            for (int i = 0; i < in.rank(); i++) if (!drop[i]) out.add(in.dim(i));
        }
        ctx.setOutput(0, ctx.inputType(0), Shape.of(out));
    }

    private static void squeezeKernel(KernelContext ctx) {
        Node node = ctx.node();
        Tensor in = ctx.requireInput(0);
        long[] axes = axesArg(node, ctx.opset(), ctx.opset() >= 13 && ctx.hasInput(1) ? Args.vector(node, "input 1 ('axes')", ctx.input(1)) : null);
        List<Long> out = new ArrayList<>();
        if (axes == null) {
            for (long d : in.shape()) if (d != 1) out.add(d);
        } else {
            checkNegative(node, axes, ctx.opset());
            boolean[] drop = new boolean[in.rank()];
            for (int a : Args.axes(node, "axes", axes, in.rank())) {
                if (in.dim(a) != 1)
                    throw new OpException(node, "cannot squeeze axis " + a + " of input shape " + Shape.toString(in.shape()) + ": its size is " + in.dim(a) + ", not 1");
                drop[a] = true;
            }
            for (int i = 0; i < in.rank(); i++) if (!drop[i]) out.add(in.dim(i));
        }
        ctx.setOutput(0, Elements.copyAs(in, out.stream().mapToLong(Long::longValue).toArray()));
    }

    private static boolean[] inserted(Node node, long[] axes, int outRank, int opset) {
        checkNegative(node, axes, opset);
        boolean[] ins = new boolean[outRank];
        for (int a : Args.axes(node, "axes", axes, outRank)) ins[a] = true;
        return ins;
    }

    private static void inferUnsqueeze(InferenceContext ctx) {
        Node node = ctx.node();
        Shape in = ctx.inputShape(0);
        long[] axes = axesArg(node, ctx.opset(), ctx.opset() >= 13 ? Args.known(ctx, 1, "input 1 ('axes')") : null);
        if (axes == null) {
            Shape as = ctx.inputShape(1);
            ctx.setOutput(0, ctx.inputType(0), in.hasRank() && as.hasRank() && as.rank() == 1 && as.dim(0) instanceof Dim.Static k
                    ? Shape.unknownDims(in.rank() + (int) k.value()) : Shape.UNKNOWN_RANK);
            return;
        }
        if (!in.hasRank()) {
            ctx.setOutput(0, ctx.inputType(0), Shape.UNKNOWN_RANK);
            return;
        }
        int outRank = in.rank() + axes.length;
        boolean[] ins = inserted(node, axes, outRank, ctx.opset());
        List<Dim> out = new ArrayList<>();
        int j = 0;
        for (int i = 0; i < outRank; i++) out.add(ins[i] ? Dim.of(1) : in.dim(j++));
        ctx.setOutput(0, ctx.inputType(0), Shape.of(out));
    }

    private static void unsqueezeKernel(KernelContext ctx) {
        Node node = ctx.node();
        Tensor in = ctx.requireInput(0);
        long[] axes = axesArg(node, ctx.opset(), ctx.opset() >= 13 ? Args.vector(node, "input 1 ('axes')", ctx.requireInput(1)) : null);
        if (axes == null) throw new OpException(node, "missing attribute 'axes' (ints)");
        int outRank = in.rank() + axes.length;
        boolean[] ins = inserted(node, axes, outRank, ctx.opset());
        long[] out = new long[outRank];
        int j = 0;
        for (int i = 0; i < outRank; i++) out[i] = ins[i] ? 1 : in.dim(j++);
        ctx.setOutput(0, Elements.copyAs(in, out));
    }
}
