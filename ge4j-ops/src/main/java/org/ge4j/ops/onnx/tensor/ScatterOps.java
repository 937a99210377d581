package org.ge4j.ops.onnx.tensor;

import java.util.Set;
import org.ge4j.ir.DataType;
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
 * Scatter (deprecated), ScatterElements and ScatterND: a copy of 'data' with 'updates' written (or combined
 * by 'reduction') at the positions 'indices' name, in order, so the last of duplicate indices wins.
 */
final class ScatterOps {
    private ScatterOps() {}

    static void register(OpRegistry r) {
        for (int v : new int[] {9, 11})
            r.register(elements("Scatter", v).doc("Deprecated alias of ScatterElements without reduction.").build());
        r.registerReference("Scatter", ctx -> elementsKernel(ctx, Reduction.NONE));
        for (int v : new int[] {11, 13, 16, 18}) {
            OpSchema.Builder b = elements("ScatterElements", v).doc("data with out[p with p[axis] = indices[p]] = updates[p]"
                    + (v >= 16 ? ", or combined by 'reduction'" : "") + ".");
            if (v >= 16) b.attr("reduction", "none");
            r.register(b.build());
        }
        r.registerReference("ScatterElements", ctx -> elementsKernel(ctx, reduction(ctx.node(), ctx.attrs().getString("reduction", "none"), ctx.opset())));
        for (int v : new int[] {11, 13, 16, 18}) {
            OpSchema.Builder b = OpSchema.onnx("ScatterND", v).doc("data with the slices addressed by the last dim of 'indices' replaced by 'updates'"
                            + (v >= 16 ? ", or combined by 'reduction'" : "") + ".")
                    .input("data", "T").input("indices", "tensor(int64)").input("updates", "T").output("output", "T")
                    .types("T", TensorTypes.all(v)).traits(Trait.PURE, Trait.IN_PLACE).inference(ScatterOps::infer);
            if (v >= 16) b.attr("reduction", "none");
            r.register(b.build());
        }
        r.registerReference("ScatterND", ScatterOps::ndKernel);
    }

    private static OpSchema.Builder elements(String type, int v) {
        return OpSchema.onnx(type, v).input("data", "T").input("indices", "Tind").input("updates", "T").output("output", "T")
                .types("T", TensorTypes.all(v)).types("Tind", DataTypes.INDEX).attr("axis", 0L)
                .traits(Trait.PURE, Trait.IN_PLACE).inference(ScatterOps::infer);
    }

    /** How an update combines with the value already there. */
    enum Reduction { NONE, ADD, MUL, MAX, MIN }

    static Reduction reduction(Node node, String s, int opset) {
        Set<String> allowed = opset >= 18 ? Set.of("none", "add", "mul", "max", "min") : Set.of("none", "add", "mul");
        if (!allowed.contains(s))
            throw new OpException(node, "attribute 'reduction' must be one of " + String.join(", ", allowed.stream().sorted().toList())
                    + " at opset " + opset + ", got '" + s + "'");
        return Reduction.valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }

    private static void infer(InferenceContext ctx) {
        if (ctx.node().hasAttr("reduction")) reduction(ctx.node(), ctx.attrs().getString("reduction"), ctx.opset());
        Shape data = ctx.inputShape(0), ind = ctx.inputShape(1), upd = ctx.inputShape(2);
        if (!ctx.node().type().equals("ScatterND") && ind.hasRank() && upd.hasRank()) {
            if (ind.rank() != upd.rank())
                throw ctx.fail("input 2 ('updates') shape " + upd + " must equal input 1 ('indices') shape " + ind);
            if (data.hasRank() && data.rank() != ind.rank())
                throw ctx.fail("input 1 ('indices') has rank " + ind.rank() + " but input 0 ('data') has rank " + data.rank() + "; they must be equal");
        }
        ctx.setOutput(0, ctx.inputType(0), data);
    }

    /** Writes or combines one element: out[oi] = reduce(out[oi], upd[ui]). */
    private interface Combiner {
        void apply(long oi, long ui);
    }

    private static Combiner combiner(KernelContext ctx, Reduction red, Tensor out, Tensor upd) {
        DataType t = out.dtype();
        if (red == Reduction.NONE) {
            Elements.Mover m = Elements.mover(upd, out);
            return (oi, ui) -> m.move(ui, oi);
        }
        if (t == DataType.STRING) throw ctx.fail("reduction '" + red.name().toLowerCase() + "' is not defined for string tensors");
        if (t.isComplex()) {
            if (red == Reduction.MAX || red == Reduction.MIN)
                throw ctx.fail("reduction '" + red.name().toLowerCase() + "' is not defined for complex tensors");
            return (oi, ui) -> {
                double ar = out.getScalarDouble(2 * oi), ai = out.getScalarDouble(2 * oi + 1);
                double br = upd.getScalarDouble(2 * ui), bi = upd.getScalarDouble(2 * ui + 1);
                boolean add = red == Reduction.ADD;
                out.setScalarDouble(2 * oi, add ? ar + br : ar * br - ai * bi);
                out.setScalarDouble(2 * oi + 1, add ? ai + bi : ar * bi + ai * br);
            };
        }
        if (t.isFloatingPoint()) return (oi, ui) -> {
            double a = out.getScalarDouble(oi), b = upd.getScalarDouble(ui);
            out.setScalarDouble(oi, switch (red) {
                case ADD -> a + b;
                case MUL -> a * b;
                case MAX -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
                case MIN -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
                case NONE -> b;
            });
        };
        boolean unsigned = t == DataType.UINT64;
        return (oi, ui) -> {
            long a = out.getScalarLong(oi), b = upd.getScalarLong(ui);
            out.setScalarLong(oi, switch (red) {
                case ADD -> a + b;
                case MUL -> a * b;
                case MAX -> (unsigned ? Long.compareUnsigned(a, b) : Long.compare(a, b)) >= 0 ? a : b;
                case MIN -> (unsigned ? Long.compareUnsigned(a, b) : Long.compare(a, b)) <= 0 ? a : b;
                case NONE -> b;
            });
        };
    }

    private static void elementsKernel(KernelContext ctx, Reduction red) {
        Node node = ctx.node();
        Tensor data = ctx.requireInput(0), ind = ctx.requireInput(1), upd = ctx.requireInput(2);
        int rank = data.rank();
        if (!java.util.Arrays.equals(ind.shape(), upd.shape()))
            throw ctx.fail("input 2 ('updates') shape " + Shape.toString(upd.shape()) + " must equal input 1 ('indices') shape " + Shape.toString(ind.shape()));
        if (ind.rank() != rank)
            throw ctx.fail("input 1 ('indices') has shape " + Shape.toString(ind.shape()) + " but input 0 ('data') has shape "
                    + Shape.toString(data.shape()) + "; the ranks must be equal");
        int a = Args.axis(node, "attribute 'axis'", ctx.attrs().getInt("axis"), rank);
        GatherOps.checkWithin(ctx, ind, data, a, "input 1 ('indices')");
        Tensor out = data.copy();
        ctx.setOutput(0, out);
        Combiner c = combiner(ctx, red, out, upd);
        long[] st = OffsetGather.strides(data.shape());
        GatherOps.forEachPosition(ind.shape(), (flat, p) -> {
            long dst = 0;
            for (int d = 0; d < rank; d++) dst += d == a ? 0 : p[d] * st[d];
            dst += GatherOps.index(node, "input 1 ('indices')", ind.getScalarLong(flat), data.dim(a), ind, flat) * st[a];
            c.apply(dst, flat);
        });
    }

    private static void ndKernel(KernelContext ctx) {
        Node node = ctx.node();
        Reduction red = reduction(node, ctx.attrs().getString("reduction", "none"), ctx.opset());
        Tensor data = ctx.requireInput(0), ind = ctx.requireInput(1), upd = ctx.requireInput(2);
        int r = data.rank(), q = ind.rank();
        if (q < 1) throw ctx.fail("input 1 ('indices') must have rank >= 1");
        int k = (int) ind.dim(q - 1);
        if (k < 1 || k > r) throw ctx.fail("the last dim of 'indices' is " + k + " but must be in [1, " + r + "] (the rank of 'data')");
        long[] want = new long[q - 1 + r - k];
        int j = 0;
        for (int d = 0; d < q - 1; d++) want[j++] = ind.dim(d);
        for (int d = k; d < r; d++) want[j++] = data.dim(d);
        if (!java.util.Arrays.equals(want, upd.shape()))
            throw ctx.fail("input 2 ('updates') has shape " + Shape.toString(upd.shape()) + " but must be " + Shape.toString(want)
                    + " (indices.shape[:-1] + data.shape[" + k + ":])");
        long slice = 1;
        for (int d = k; d < r; d++) slice *= data.dim(d);
        long tuples = ind.size() / Math.max(k, 1);
        long[] st = OffsetGather.strides(data.shape());
        long[] idx = ind.toLongArray();
        Tensor out = data.copy();
        ctx.setOutput(0, out);
        Combiner c = combiner(ctx, red, out, upd);
        for (long t = 0; t < tuples; t++) {
            long dst = 0;
            for (int i = 0; i < k; i++) {
                long flat = t * k + i;
                dst += GatherOps.index(node, "input 1 ('indices')", idx[(int) flat], data.dim(i), ind, flat) * st[i];
            }
            for (long s = 0; s < slice; s++) c.apply(dst + s, t * slice + s);
        }
    }
}
