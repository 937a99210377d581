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
import org.ge4j.ops.DataTypes;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * Pad in modes constant, reflect, edge and wrap. Pads are [begin_0, ..., begin_n, end_0, ..., end_n] and may be
 * negative (cropping); crops apply first, then the other modes pad from the cropped data.
 */
final class PadOp {
    private PadOp() {}

    static void register(OpRegistry r) {
        r.register(OpSchema.onnx("Pad", 1).doc("The data padded by attribute 'paddings' with 'value' or by reflecting or repeating its edge.")
                .input("data", "T").output("output", "T").types("T", TensorTypes.FLOATS_V1)
                .attr("mode", "constant").requiredAttr("paddings", AttrType.INTS).attr("value", 0f)
                .traits(Trait.PURE).inference(PadOp::infer).build());
        r.register(OpSchema.onnx("Pad", 2).doc("The data padded by attribute 'pads' with 'value' or by reflecting or repeating its edge.")
                .input("data", "T").output("output", "T").types("T", TensorTypes.FLOATS_V1)
                .attr("mode", "constant").requiredAttr("pads", AttrType.INTS).attr("value", 0f)
                .traits(Trait.PURE).inference(PadOp::infer).build());
        for (int v : new int[] {11, 13, 18}) {
            OpSchema.Builder b = OpSchema.onnx("Pad", v).doc("The data padded by input 'pads' with 'constant_value' or by reflecting, repeating the edge or wrapping.")
                    .input("data", "T").input("pads", "tensor(int64)").optionalInput("constant_value", "T")
                    .output("output", "T").types("T", v == 11 ? TensorTypes.NUMERIC_V1 : TensorTypes.ALL_V13)
                    .attr("mode", "constant").traits(Trait.PURE).inference(PadOp::infer);
            if (v >= 18) b.optionalInput("axes", "Tind").types("Tind", DataTypes.INDEX);
            r.register(b.build());
        }
        r.registerReference("Pad", PadOp::kernel);
    }

    private enum Mode { CONSTANT, REFLECT, EDGE, WRAP }

    private static Mode mode(Node node, String m) {
        return switch (m) {
            case "constant" -> Mode.CONSTANT;
            case "reflect" -> Mode.REFLECT;
            case "edge" -> Mode.EDGE;
            case "wrap" -> Mode.WRAP;
            default -> throw new OpException(node, "attribute 'mode' must be constant, reflect, edge or wrap, got '" + m + "'");
        };
    }

    /** Per-dim [begin, end] pads for all {@code rank} dims; null when not known. */
    private static long[][] pads(Node node, int opset, int rank, long[] padsIn, boolean hasAxes, long[] axesIn) {
        long[] p;
        if (opset < 11) {
            p = node.attrInts(opset < 2 ? "paddings" : "pads", null);
            if (p == null) throw new OpException(node, "missing attribute '" + (opset < 2 ? "paddings" : "pads") + "' (ints)");
        } else {
            if (padsIn == null || hasAxes && axesIn == null) return null;
            p = padsIn;
        }
        int[] axes;
        if (hasAxes) axes = Args.axes(node, "input 3 ('axes')", axesIn, rank);
        else {
            axes = new int[rank];
            for (int i = 0; i < rank; i++) axes[i] = i;
        }
        if (p.length != 2 * axes.length)
            throw new OpException(node, "pads " + Arrays.toString(p) + " must have 2 entries per padded axis (" + 2 * axes.length + ")");
        long[][] r = new long[rank][2];
        for (int i = 0; i < axes.length; i++) {
            r[axes[i]][0] = p[i];
            r[axes[i]][1] = p[i + axes.length];
        }
        return r;
    }

    private static void infer(InferenceContext ctx) {
        Node node = ctx.node();
        mode(node, ctx.attrs().getString("mode"));
        Shape in = ctx.inputShape(0);
        if (!in.hasRank()) {
            ctx.setOutput(0, ctx.inputType(0), Shape.UNKNOWN_RANK);
            return;
        }
        boolean inputs = ctx.opset() >= 11;
        boolean hasAxes = ctx.opset() >= 18 && ctx.hasInput(3);
        long[][] p = pads(node, ctx.opset(), in.rank(), inputs ? Args.known(ctx, 1, "input 1 ('pads')") : null, hasAxes,
                hasAxes ? Args.known(ctx, 3, "input 3 ('axes')") : null);
        if (p == null) {
            ctx.setOutput(0, ctx.inputType(0), Dims.unknownLike(in));
            return;
        }
        List<Dim> out = new ArrayList<>();
        for (int d = 0; d < in.rank(); d++) {
            Dim x = Dims.plus(in.dim(d), p[d][0] + p[d][1]);
            if (in.dim(d) instanceof Dim.Static s && s.value() + p[d][0] + p[d][1] < 0)
                throw new OpException(node, "pads " + Arrays.toString(p[d]) + " on dim " + d + " of size " + s.value() + " leave a negative size");
            out.add(x);
        }
        ctx.setOutput(0, ctx.inputType(0), Shape.of(out));
    }

    private static void kernel(KernelContext ctx) {
        Node node = ctx.node();
        Mode mode = mode(node, ctx.attrs().getString("mode"));
        Tensor in = ctx.requireInput(0);
        int opset = ctx.opset();
        boolean hasAxes = opset >= 18 && ctx.hasInput(3);
        long[][] p = pads(node, opset, in.rank(), opset >= 11 ? Args.vector(node, "input 1 ('pads')", ctx.requireInput(1)) : null, hasAxes,
                hasAxes ? Args.vector(node, "input 3 ('axes')", ctx.input(3)) : null);
        int rank = in.rank();
        long[] st = OffsetGather.strides(in.shape());
        long[] shape = new long[rank];
        long[][] off = new long[rank][];
        for (int d = 0; d < rank; d++) {
            long dim = in.dim(d), begin = p[d][0], end = p[d][1];
            long lo = Math.max(0, -begin), len = dim - lo - Math.max(0, -end);
            shape[d] = dim + begin + end;
            if (shape[d] < 0)
                throw new OpException(node, "pads [" + begin + ", " + end + "] on dim " + d + " of size " + dim + " leave a negative size");
            long before = Math.max(begin, 0);
            if (len <= 0 && shape[d] > 0 && mode != Mode.CONSTANT)
                throw new OpException(node, "cannot pad dim " + d + " in mode " + mode.name().toLowerCase() + ": it is empty after cropping");
            off[d] = new long[Math.toIntExact(shape[d])];
            for (int o = 0; o < shape[d]; o++) {
                long j = o - before; // index into the cropped range [lo, lo+len)
                if (j < 0 || j >= len) {
                    j = switch (mode) {
                        case CONSTANT -> -1;
                        case EDGE -> j < 0 ? 0 : len - 1;
                        case WRAP -> Math.floorMod(j, len);
                        case REFLECT -> reflect(j, len);
                    };
                }
                off[d][o] = j < 0 ? OffsetGather.PAD : (lo + j) * st[d];
            }
        }
        Tensor out = ctx.allocateOutput(0, in.dtype(), shape);
        Tensor fill = fillValue(ctx, in.dtype(), opset);
        try {
            OffsetGather.gather(in, out, off, fill);
        } finally {
            fill.close();
        }
    }

    /** Index {@code j} reflected into [0, len) without repeating the edge (period 2·(len-1)). */
    private static long reflect(long j, long len) {
        if (len == 1) return 0;
        long period = 2 * (len - 1);
        long m = Math.floorMod(j, period);
        return m < len ? m : period - m;
    }

    /** A fresh scalar holding the constant to pad with, of the data's type. */
    private static Tensor fillValue(KernelContext ctx, DataType t, int opset) {
        if (opset < 11) return Tensor.scalar(t, ctx.attrs().getFloat("value"));
        Tensor c = ctx.input(2);
        Tensor fill = Tensor.allocate(t);
        if (c != null && c.size() > 0) {
            if (c.size() != 1) {
                fill.close();
                throw ctx.fail("input 2 ('constant_value') must be a scalar, got " + Args.describe(c));
            }
            Elements.copy(c, 0, fill, 0, 1);
        }
        return fill;
    }
}
