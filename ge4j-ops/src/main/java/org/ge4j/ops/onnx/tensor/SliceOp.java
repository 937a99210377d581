package org.ge4j.ops.onnx.tensor;

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

/** Slice: starts/ends/axes as attributes (opset 1) or inputs with steps (opset 10+); negative steps; out-of-range bounds clamp. */
final class SliceOp {
    private SliceOp() {}

    /** Bounds at or beyond this magnitude mean "to the end" (models use INT_MAX, INT64_MAX and their negatives). */
    private static final long TO_END = Integer.MAX_VALUE;

    static void register(OpRegistry r) {
        r.register(OpSchema.onnx("Slice", 1).doc("The sub-tensor data[starts:ends] along 'axes' (default: the first len(starts) axes).")
                .input("data", "T").output("output", "T").types("T", TensorTypes.ALL_V1)
                .optionalAttr("axes", AttrType.INTS).requiredAttr("starts", AttrType.INTS).requiredAttr("ends", AttrType.INTS)
                .traits(Trait.PURE).inference(SliceOp::infer).build());
        for (int v : new int[] {10, 11, 13})
            r.register(OpSchema.onnx("Slice", v).doc("The sub-tensor data[starts:ends:steps] along 'axes'; bounds clamp, negative values count from the end.")
                    .input("data", "T").input("starts", "Tind").input("ends", "Tind").optionalInput("axes", "Tind").optionalInput("steps", "Tind")
                    .output("output", "T").types("T", TensorTypes.all(v)).types("Tind", org.ge4j.ops.DataTypes.INDEX)
                    .traits(Trait.PURE).inference(SliceOp::infer).build());
        r.registerReference("Slice", SliceOp::kernel);
    }

    /** The slice request: for each listed axis a start, an end and a step. */
    record Request(int[] axes, long[] starts, long[] ends, long[] steps) {}

    /** The selected indices along one axis: start, start+step, ... (count of them). */
    record Range(long start, long step, long count) {}

    /** Clamps one axis' bounds as ONNX specifies. */
    static Range clamp(long start, long end, long step, long dim) {
        if (dim == 0) return new Range(0, step, 0);
        if (start < 0) start += dim;
        if (end < 0) end += dim;
        long count;
        if (step > 0) {
            start = Math.clamp(start, 0, dim);
            end = Math.clamp(end, 0, dim);
            count = end > start ? (end - start + step - 1) / step : 0;
        } else {
            start = Math.clamp(start, 0, dim - 1);
            end = Math.clamp(end, -1, dim - 1);
            count = start > end ? (start - end - step - 1) / -step : 0;
        }
        return new Range(start, step, Math.max(count, 0));
    }

    /** Reads the request; null when some part is not known at inference time. Fails on malformed arguments. */
    private static Request request(Node node, int opset, int rank, long[] starts, long[] ends, boolean hasAxes, long[] axes, boolean hasSteps, long[] steps) {
        long[] s, e, a, st;
        if (opset < 10) {
            s = node.attrInts("starts", null);
            e = node.attrInts("ends", null);
            a = node.attrInts("axes", null);
            st = null;
            if (s == null || e == null) throw new OpException(node, "missing attribute 'starts' or 'ends' (ints)");
        } else {
            if (starts == null || ends == null || hasAxes && axes == null || hasSteps && steps == null) return null;
            s = starts;
            e = ends;
            a = hasAxes ? axes : null;
            st = hasSteps ? steps : null;
        }
        if (s.length != e.length)
            throw new OpException(node, "starts " + Arrays.toString(s) + " and ends " + Arrays.toString(e) + " differ in length");
        if (a != null && a.length != s.length)
            throw new OpException(node, "axes " + Arrays.toString(a) + " must have one entry per start (" + s.length + ")");
        if (st != null && st.length != s.length)
            throw new OpException(node, "steps " + Arrays.toString(st) + " must have one entry per start (" + s.length + ")");
        if (a == null && s.length > rank)
            throw new OpException(node, "has " + s.length + " starts but the input has rank " + rank);
        int[] ax = new int[s.length];
        if (a == null) for (int i = 0; i < ax.length; i++) ax[i] = i;
        else ax = Args.axes(node, "axes", a, rank);
        if (st == null) {
            st = new long[s.length];
            Arrays.fill(st, 1);
        }
        for (long x : st) if (x == 0) throw new OpException(node, "steps " + Arrays.toString(st) + " contain 0");
        return new Request(ax, s, e, st);
    }

    private static Request request(InferenceContext ctx, int rank) {
        boolean inputs = ctx.opset() >= 10;
        return request(ctx.node(), ctx.opset(), rank,
                inputs ? Args.known(ctx, 1, "input 1 ('starts')") : null, inputs ? Args.known(ctx, 2, "input 2 ('ends')") : null,
                ctx.hasInput(3), inputs ? Args.known(ctx, 3, "input 3 ('axes')") : null, ctx.hasInput(4), inputs ? Args.known(ctx, 4, "input 4 ('steps')") : null);
    }

    private static void infer(InferenceContext ctx) {
        Shape in = ctx.inputShape(0);
        if (!in.hasRank()) {
            ctx.setOutput(0, ctx.inputType(0), Shape.UNKNOWN_RANK);
            return;
        }
        Request q = request(ctx, in.rank());
        if (q == null) {
            ctx.setOutput(0, ctx.inputType(0), partlyKnown(ctx, in));
            return;
        }
        List<Dim> out = Dims.list(in);
        for (int i = 0; i < q.axes.length; i++) {
            int a = q.axes[i];
            Dim d = in.dim(a);
            long s = q.starts[i], e = q.ends[i], st = q.steps[i];
            if (d instanceof Dim.Static sd) out.set(a, Dim.of(clamp(s, e, st, sd.value()).count()));
            else if (st == 1 && s == 0 && e >= TO_END || st == -1 && (s == -1 || s >= TO_END) && e <= -TO_END) out.set(a, d);
            else out.set(a, Dim.UNKNOWN);
        }
        ctx.setOutput(0, ctx.inputType(0), Shape.of(out));
    }

    /** Bounds unknown: the axes not sliced keep their dims when the sliced axes are known. */
    private static Shape partlyKnown(InferenceContext ctx, Shape in) {
        int[] axes = null;
        if (ctx.hasInput(3)) {
            long[] a = Args.known(ctx, 3, "input 3 ('axes')");
            if (a != null) axes = Args.axes(ctx.node(), "axes", a, in.rank());
        } else {
            Shape s = ctx.inputShape(1);
            if (s.hasRank() && s.rank() == 1 && s.dim(0) instanceof Dim.Static k && k.value() <= in.rank()) {
                axes = new int[(int) k.value()];
                for (int i = 0; i < axes.length; i++) axes[i] = i;
            }
        }
        if (axes == null) return Dims.unknownLike(in);
        List<Dim> out = Dims.list(in);
        for (int a : axes) out.set(a, Dim.UNKNOWN);
        return Shape.of(out);
    }

    private static void kernel(KernelContext ctx) {
        Tensor in = ctx.requireInput(0);
        boolean inputs = ctx.opset() >= 10;
        Node node = ctx.node();
        Request q = request(node, ctx.opset(), in.rank(),
                inputs ? Args.vector(node, "input 1 ('starts')", ctx.requireInput(1)) : null,
                inputs ? Args.vector(node, "input 2 ('ends')", ctx.requireInput(2)) : null,
                ctx.hasInput(3), ctx.hasInput(3) ? Args.vector(node, "input 3 ('axes')", ctx.input(3)) : null,
                ctx.hasInput(4), ctx.hasInput(4) ? Args.vector(node, "input 4 ('steps')", ctx.input(4)) : null);
        long[] st = OffsetGather.strides(in.shape());
        long[] shape = in.shape();
        long[][] off = new long[in.rank()][];
        for (int d = 0; d < in.rank(); d++) off[d] = OffsetGather.arithmetic(0, 1, st[d], (int) shape[d]);
        for (int i = 0; i < q.axes.length; i++) {
            int a = q.axes[i];
            Range rg = clamp(q.starts[i], q.ends[i], q.steps[i], in.dim(a));
            shape[a] = rg.count();
            off[a] = OffsetGather.arithmetic(rg.start(), rg.step(), st[a], (int) rg.count());
        }
        Tensor out = ctx.allocateOutput(0, in.dtype(), shape);
        OffsetGather.gather(in, out, off, null);
    }
}
