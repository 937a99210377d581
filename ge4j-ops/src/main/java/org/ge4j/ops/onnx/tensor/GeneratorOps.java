package org.ge4j.ops.onnx.tensor;

import java.util.List;
import java.util.Set;
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

/** The ops that make new data from a few numbers: EyeLike, Range, OneHot, CumSum. */
final class GeneratorOps {
    private GeneratorOps() {}

    static void register(OpRegistry r) {
        r.register(OpSchema.onnx("EyeLike", 9).doc("A 2-D tensor like the input with ones on diagonal 'k' and zeros elsewhere, of type 'dtype' (default: the input's).")
                .input("input", "T1").output("output", "T2").types("T1", TensorTypes.NUMERIC_BOOL_V1).types("T2", TensorTypes.NUMERIC_BOOL_V1)
                .optionalAttr("dtype", AttrType.INT).attr("k", 0L).traits(Trait.PURE).inference(GeneratorOps::inferEyeLike).build());
        r.registerReference("EyeLike", GeneratorOps::eyeLikeKernel);

        r.register(OpSchema.onnx("Range", 11).doc("The 1-D sequence start, start+delta, ... up to but excluding limit.")
                .input("start", "T").input("limit", "T").input("delta", "T").output("output", "T")
                .types("T", DataType.FLOAT, DataType.DOUBLE, DataType.INT16, DataType.INT32, DataType.INT64)
                .traits(Trait.PURE).inference(GeneratorOps::inferRange).build());
        r.registerReference("Range", GeneratorOps::rangeKernel);

        for (int v : new int[] {9, 11})
            r.register(OpSchema.onnx("OneHot", v).doc("One-hot encoding of 'indices' along a new axis of size 'depth', using values [off, on].")
                    .input("indices", "T1").input("depth", "T2").input("values", "T3").output("output", "T3")
                    .types("T1", TensorTypes.NUMERIC_V1).types("T2", TensorTypes.NUMERIC_V1).types("T3", TensorTypes.ALL_V1)
                    .attr("axis", -1L).traits(Trait.PURE).inference(GeneratorOps::inferOneHot).build());
        r.registerReference("OneHot", GeneratorOps::oneHotKernel);

        Set<DataType> cum11 = Set.of(DataType.UINT32, DataType.UINT64, DataType.INT32, DataType.INT64, DataType.FLOAT, DataType.DOUBLE);
        for (int v : new int[] {11, 14})
            r.register(OpSchema.onnx("CumSum", v).doc("Cumulative sum along 'axis' (optionally exclusive and/or reversed).")
                    .input("x", "T").input("axis", "T2").output("y", "T")
                    .types("T", v >= 14 ? DataTypes.union(cum11, Set.of(DataType.FLOAT16, DataType.BFLOAT16)) : cum11).types("T2", DataTypes.INDEX)
                    .attr("exclusive", 0L).attr("reverse", 0L).traits(Trait.PURE)
                    .inference(ctx -> ctx.setOutput(0, ctx.requireInput(0))).build());
        r.registerReference("CumSum", GeneratorOps::cumSumKernel);
    }

    // ------------------------------------------------------------------ EyeLike

    private static DataType eyeType(Node node, DataType in) {
        if (!node.hasAttr("dtype")) return in;
        DataType t;
        try {
            t = DataType.fromOnnx((int) node.attrInt("dtype", 0));
        } catch (IllegalArgumentException e) {
            throw new OpException(node, "attribute 'dtype' = " + node.attrInt("dtype", 0) + " is not an ONNX data type");
        }
        if (!TensorTypes.NUMERIC_BOOL_V1.contains(t)) throw new OpException(node, "attribute 'dtype' selects " + t + ", which EyeLike cannot produce");
        return t;
    }

    private static void inferEyeLike(InferenceContext ctx) {
        Shape in = ctx.inputShape(0);
        if (in.hasRank() && in.rank() != 2) throw ctx.fail("input 0 ('input') must be 2-D, got shape " + in);
        ctx.setOutput(0, eyeType(ctx.node(), ctx.inputType(0)), in.hasRank() ? in : Shape.unknownDims(2));
    }

    private static void eyeLikeKernel(KernelContext ctx) {
        Tensor in = ctx.requireInput(0);
        if (in.rank() != 2) throw ctx.fail("input 0 ('input') must be 2-D, got shape " + Shape.toString(in.shape()));
        long k = ctx.attrs().getInt("k", 0), rows = in.dim(0), cols = in.dim(1);
        Tensor out = ctx.allocateOutput(0, eyeType(ctx.node(), in.dtype()), rows, cols);
        for (long i = 0; i < rows; i++) {
            long j = i + k;
            if (j >= 0 && j < cols) out.setScalarLong(i * cols + j, 1);
        }
    }

    // ------------------------------------------------------------------ Range

    private static long rangeCount(Node node, Tensor start, Tensor limit, Tensor delta) {
        for (Tensor t : List.of(start, limit, delta))
            if (t.size() != 1) throw new OpException(node, "start, limit and delta must be scalars, got " + Args.describe(t));
        if (start.dtype().isFloatingPoint()) {
            double s = start.getScalarDouble(0), l = limit.getScalarDouble(0), d = delta.getScalarDouble(0);
            if (d == 0) throw new OpException(node, "input 2 ('delta') must not be zero");
            return (long) Math.max(Math.ceil((l - s) / d), 0);
        }
        long s = start.getScalarLong(0), l = limit.getScalarLong(0), d = delta.getScalarLong(0);
        if (d == 0) throw new OpException(node, "input 2 ('delta') must not be zero");
        long diff = l - s;
        long n = d > 0 ? Math.ceilDiv(diff, d) : Math.ceilDiv(-diff, -d);
        return Math.max(n, 0);
    }

    private static void inferRange(InferenceContext ctx) {
        Tensor s = ctx.constantInput(0), l = ctx.constantInput(1), d = ctx.constantInput(2);
        for (int i = 0; i < 3; i++) {
            Shape sh = ctx.inputShape(i);
            if (sh.hasRank() && sh.rank() > 1 || sh.isStatic() && sh.elementCount() != 1)
                throw ctx.fail("input " + i + ctx.portName(i) + " must be a scalar, got shape " + sh);
        }
        Dim n = s != null && l != null && d != null ? Dim.of(rangeCount(ctx.node(), s, l, d)) : symbolicRange(ctx);
        ctx.setOutput(0, ctx.inputType(0), Shape.of(List.of(n)));
    }

    /** Range(0, N, 1) over integers computed from a shape has N elements, whatever N is. */
    private static Dim symbolicRange(InferenceContext ctx) {
        if (!ctx.inputType(0).isInteger()) return Dim.UNKNOWN;
        ShapeValues.Value s = ShapeValues.of(ctx.node().inputValue(0)), l = ShapeValues.of(ctx.node().inputValue(1)),
                d = ShapeValues.of(ctx.node().inputValue(2));
        if (s == null || l == null || d == null || s.size() != 1 || l.size() != 1 || d.size() != 1) return Dim.UNKNOWN;
        long[] sn = s.numbers(), dn = d.numbers(), ln = l.numbers();
        if (sn == null || dn == null) return Dim.UNKNOWN;
        if (ln != null) {
            long diff = ln[0] - sn[0];
            return dn[0] == 0 ? Dim.UNKNOWN : Dim.of(Math.max(dn[0] > 0 ? Math.ceilDiv(diff, dn[0]) : Math.ceilDiv(-diff, -dn[0]), 0));
        }
        return sn[0] == 0 && dn[0] == 1 && l.dims().get(0) instanceof Dim.Symbolic sym ? sym : Dim.UNKNOWN;
    }

    private static void rangeKernel(KernelContext ctx) {
        Tensor s = ctx.requireInput(0), l = ctx.requireInput(1), d = ctx.requireInput(2);
        long n = rangeCount(ctx.node(), s, l, d);
        Tensor out = ctx.allocateOutput(0, s.dtype(), n);
        if (s.dtype().isFloatingPoint()) {
            double s0 = s.getScalarDouble(0), d0 = d.getScalarDouble(0);
            for (long i = 0; i < n; i++) out.setScalarDouble(i, s0 + i * d0);
        } else {
            long s0 = s.getScalarLong(0), d0 = d.getScalarLong(0);
            for (long i = 0; i < n; i++) out.setScalarLong(i, s0 + i * d0);
        }
    }

    // ------------------------------------------------------------------ OneHot

    private static long depth(Node node, Tensor t) {
        return checkDepth(node, Args.scalar(node, "input 1 ('depth')", t));
    }

    private static long checkDepth(Node node, long d) {
        if (d < 1) throw new OpException(node, "input 1 ('depth') must be positive, got " + d);
        return d;
    }

    private static void inferOneHot(InferenceContext ctx) {
        Node node = ctx.node();
        Shape ind = ctx.inputShape(0), vals = ctx.inputShape(2);
        if (vals.isStatic() && vals.elementCount() != 2) throw ctx.fail("input 2 ('values') must hold two values [off, on], got shape " + vals);
        if (!ind.hasRank()) {
            ctx.setOutput(0, ctx.inputType(2), Shape.UNKNOWN_RANK);
            return;
        }
        int a = Args.axis(node, "attribute 'axis'", ctx.attrs().getInt("axis"), ind.rank() + 1);
        long[] d = Args.known(ctx, 1, "input 1 ('depth')");
        List<Dim> out = Dims.list(ind);
        out.add(a, d != null && d.length == 1 ? Dim.of(checkDepth(node, d[0])) : Dim.UNKNOWN);
        ctx.setOutput(0, ctx.inputType(2), Shape.of(out));
    }

    private static void oneHotKernel(KernelContext ctx) {
        Node node = ctx.node();
        Tensor ind = ctx.requireInput(0), vals = ctx.requireInput(2);
        long depth = depth(node, ctx.requireInput(1));
        if (vals.size() != 2) throw ctx.fail("input 2 ('values') must hold two values [off, on], got " + Args.describe(vals));
        int a = Args.axis(node, "attribute 'axis'", ctx.attrs().getInt("axis"), ind.rank() + 1);
        long[] shape = new long[ind.rank() + 1];
        long outer = 1, inner = 1;
        for (int d = 0, j = 0; d <= ind.rank(); d++) {
            if (d == a) shape[d] = depth;
            else {
                shape[d] = ind.dim(j);
                if (d < a) outer *= shape[d];
                else inner *= shape[d];
                j++;
            }
        }
        Tensor out = ctx.allocateOutput(0, vals.dtype(), shape);
        Elements.fill(vals, 0, out, 0, out.size());
        Elements.Mover on = Elements.mover(vals, out);
        boolean fp = ind.dtype().isFloatingPoint();
        for (long f = 0; f < ind.size(); f++) {
            long idx = fp ? (long) ind.getScalarDouble(f) : ind.getScalarLong(f);
            if (idx < 0) idx += depth;
            if (idx < 0 || idx >= depth) continue;
            long o = f / inner, i = f % inner;
            on.move(1, (o * depth + idx) * inner + i);
        }
    }

    // ------------------------------------------------------------------ CumSum

    private static void cumSumKernel(KernelContext ctx) {
        Node node = ctx.node();
        Tensor x = ctx.requireInput(0);
        int a = Args.axis(node, "input 1 ('axis')", Args.scalar(node, "input 1 ('axis')", ctx.requireInput(1)), x.rank());
        boolean exclusive = ctx.attrs().getInt("exclusive", 0) != 0, reverse = ctx.attrs().getInt("reverse", 0) != 0;
        long outer = 1, inner = 1, n = x.dim(a);
        for (int d = 0; d < a; d++) outer *= x.dim(d);
        for (int d = a + 1; d < x.rank(); d++) inner *= x.dim(d);
        Tensor y = ctx.allocateOutput(0, x.dtype(), x.shape());
        boolean fp = x.dtype().isFloatingPoint();
        for (long o = 0; o < outer; o++)
            for (long i = 0; i < inner; i++) {
                double accD = 0;
                long accL = 0;
                for (long s = 0; s < n; s++) {
                    long k = reverse ? n - 1 - s : s;
                    long f = (o * n + k) * inner + i;
                    if (fp) {
                        double v = x.getScalarDouble(f);
                        if (!exclusive) accD += v;
                        y.setScalarDouble(f, accD);
                        if (exclusive) accD += v;
                    } else {
                        long v = x.getScalarLong(f);
                        if (!exclusive) accL += v;
                        y.setScalarLong(f, accL);
                        if (exclusive) accL += v;
                    }
                }
            }
    }
}
