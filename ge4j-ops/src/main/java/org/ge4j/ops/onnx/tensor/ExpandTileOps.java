package org.ge4j.ops.onnx.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Node;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.DataTypes;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;
import org.ge4j.ops.util.Broadcast;

/** Expand (broadcast to a shape) and Tile (repeat). */
final class ExpandTileOps {
    private ExpandTileOps() {}

    static void register(OpRegistry r) {
        for (int v : new int[] {8, 13})
            r.register(OpSchema.onnx("Expand", v).doc("The input broadcast (numpy rules) together with the given shape.")
                    .input("input", "T").input("shape", "tensor(int64)").output("output", "T").types("T", TensorTypes.all(v))
                    .traits(Trait.PURE).inference(ExpandTileOps::inferExpand).build());
        r.registerReference("Expand", ExpandTileOps::expandKernel);

        r.register(OpSchema.onnx("Tile", 1).doc("The input repeated 'tiles' times along 'axis'.")
                .input("input", "T").input("tiles", "T").input("axis", "T").output("output", "T")
                .types("T", TensorTypes.FLOATS_V1).types("T1", DataTypes.INDEX)
                .traits(Trait.PURE).inference(ExpandTileOps::inferTile).build());
        for (int v : new int[] {6, 13})
            r.register(OpSchema.onnx("Tile", v).doc("The input repeated repeats[i] times along each axis i.")
                    .input("input", "T").input("repeats", "T1").output("output", "T")
                    .types("T", TensorTypes.all(v)).types("T1", java.util.Set.of(org.ge4j.ir.DataType.INT64))
                    .traits(Trait.PURE).inference(ExpandTileOps::inferTile).build());
        r.registerReference("Tile", ExpandTileOps::tileKernel);
    }

    // ------------------------------------------------------------------ Expand

    private static long[] target(Node node, Tensor shape) {
        return checkTarget(node, Args.vector(node, "input 1 ('shape')", shape));
    }

    private static long[] checkTarget(Node node, long[] s) {
        for (long d : s) if (d < 0) throw new OpException(node, "input 1 ('shape') " + Arrays.toString(s) + " has a negative dim");
        return s;
    }

    private static void inferExpand(InferenceContext ctx) {
        Node node = ctx.node();
        Shape in = ctx.inputShape(0);
        long[] known = Args.known(ctx, 1, "input 1 ('shape')");
        ShapeValues.Value v = known == null ? ShapeValues.of(node.inputValue(1)) : null;
        if (known != null || v != null && !v.scalar() && !v.dims().contains(null)) {
            Shape t = known != null ? Shape.of(checkTarget(node, known)) : Shape.of(v.dims());
            Shape out = Broadcast.shape(in, t);
            if (out == null) throw new OpException(node, "input shape " + in + " cannot be broadcast to " + t);
            ctx.setOutput(0, ctx.inputType(0), out);
            return;
        }
        Shape s = ctx.inputShape(1);
        if (!in.hasRank() || !s.hasRank() || s.rank() != 1 || !(s.dim(0) instanceof Dim.Static k)) {
            ctx.setOutput(0, ctx.inputType(0), Shape.UNKNOWN_RANK);
            return;
        }
        // an input dim other than 1 survives broadcasting whatever the shape holds there
        int rank = Math.max(in.rank(), (int) k.value());
        List<Dim> out = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            int j = d - (rank - in.rank());
            Dim x = j >= 0 ? in.dim(j) : Dim.UNKNOWN;
            out.add(x instanceof Dim.Static sx && sx.value() != 1 ? x : Dim.UNKNOWN);
        }
        ctx.setOutput(0, ctx.inputType(0), Shape.of(out));
    }

    private static void expandKernel(KernelContext ctx) {
        Node node = ctx.node();
        Tensor in = ctx.requireInput(0);
        long[] t = target(node, ctx.requireInput(1));
        long[] shape;
        try {
            shape = Broadcast.shape(in.shape(), t);
        } catch (IllegalArgumentException e) {
            throw new OpException(node, "input shape " + Shape.toString(in.shape()) + " cannot be broadcast to " + Arrays.toString(t) + ": " + e.getMessage());
        }
        Tensor out = ctx.allocateOutput(0, in.dtype(), shape);
        long[] st = OffsetGather.strides(in.shape());
        long[][] off = new long[shape.length][];
        for (int d = 0; d < shape.length; d++) {
            int j = d - (shape.length - in.rank());
            boolean broadcast = j < 0 || in.dim(j) == 1;
            off[d] = OffsetGather.arithmetic(0, broadcast ? 0 : 1, broadcast ? 0 : st[j], (int) shape[d]);
        }
        OffsetGather.gather(in, out, off, null);
    }

    // ------------------------------------------------------------------ Tile

    /** The repeats per axis, or null when not known. */
    private static long[] repeats(Node node, int opset, int rank, long[] a, long[] b) {
        if (a == null || opset < 6 && b == null) return null;
        long[] rep = new long[rank];
        if (opset < 6) {
            if (a.length != 1 || b.length != 1) throw new OpException(node, "inputs 'tiles' and 'axis' must hold one value each");
            Arrays.fill(rep, 1);
            rep[Args.axis(node, "input 2 ('axis')", b[0], rank)] = a[0];
        } else {
            rep = a;
            if (rep.length != rank)
                throw new OpException(node, "input 1 ('repeats') " + Arrays.toString(rep) + " needs one entry per input dim (" + rank + ")");
        }
        for (long x : rep) if (x < 0) throw new OpException(node, "repeats " + Arrays.toString(rep) + " must not be negative");
        return rep;
    }

    private static void inferTile(InferenceContext ctx) {
        Shape in = ctx.inputShape(0);
        if (!in.hasRank()) {
            ctx.setOutput(0, ctx.inputType(0), Shape.UNKNOWN_RANK);
            return;
        }
        long[] rep = repeats(ctx.node(), ctx.opset(), in.rank(), Args.known(ctx, 1, "input 1"), ctx.opset() < 6 ? Args.known(ctx, 2, "input 2 ('axis')") : null);
        if (rep == null) {
            ctx.setOutput(0, ctx.inputType(0), Dims.unknownLike(in));
            return;
        }
        List<Dim> out = new ArrayList<>();
        for (int d = 0; d < in.rank(); d++) out.add(Dims.times(in.dim(d), rep[d]));
        ctx.setOutput(0, ctx.inputType(0), Shape.of(out));
    }

    private static void tileKernel(KernelContext ctx) {
        Tensor in = ctx.requireInput(0);
        long[] rep = repeats(ctx.node(), ctx.opset(), in.rank(), Args.numbers(ctx.node(), "input 1", ctx.requireInput(1)),
                ctx.opset() < 6 ? Args.numbers(ctx.node(), "input 2 ('axis')", ctx.requireInput(2)) : null);
        long[] st = OffsetGather.strides(in.shape());
        long[] shape = new long[in.rank()];
        long[][] off = new long[in.rank()][];
        for (int d = 0; d < shape.length; d++) {
            long dim = in.dim(d);
            shape[d] = dim * rep[d];
            off[d] = new long[Math.toIntExact(shape[d])];
            for (int k = 0; k < shape[d]; k++) off[d][k] = (k % dim) * st[d];
        }
        Tensor out = ctx.allocateOutput(0, in.dtype(), shape);
        OffsetGather.gather(in, out, off, null);
    }
}
