package org.ge4j.ops.onnx.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.DataTypes;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/** The Reduce* family (axes as attribute, or as input from ReduceSum-13 and the others' version 18) and ArgMax/ArgMin. */
public final class ReduceOps {
    private ReduceOps() {}

    /** What a reduction does: how elements combine and how the result is finished. */
    enum Op {
        SUM("ReduceSum"), MEAN("ReduceMean"), MAX("ReduceMax"), MIN("ReduceMin"), PROD("ReduceProd"), L1("ReduceL1"), L2("ReduceL2"),
        LOG_SUM("ReduceLogSum"), LOG_SUM_EXP("ReduceLogSumExp"), SUM_SQUARE("ReduceSumSquare");

        final String onnx;

        Op(String onnx) { this.onnx = onnx; }

        /** Integer inputs are reduced exactly in 64-bit (wrapping) arithmetic, except the ops that need real functions. */
        boolean exactOnIntegers() { return this != L2 && this != LOG_SUM && this != LOG_SUM_EXP; }

        /** The since-version where axes moved from attribute to input. */
        int axesInputSince() { return this == SUM ? 13 : 18; }
    }

    public static void register(OpRegistry r) {
        for (Op op : Op.values()) {
            boolean maxMin = op == Op.MAX || op == Op.MIN;
            int[] versions = op == Op.SUM ? new int[] {1, 11, 13} : maxMin ? new int[] {1, 11, 12, 13, 18} : new int[] {1, 11, 13, 18};
            for (int v : versions) {
                Set<DataType> t = v < 13 ? NnTypes.NUM32 : NnTypes.NUM32_B;
                if (maxMin && v >= 12) t = DataTypes.union(t, Set.of(DataType.INT8, DataType.UINT8));
                OpSchema.Builder b = OpSchema.onnx(op.onnx, v).doc(op.onnx + " over the given axes (all axes when none are given); keepdims keeps reduced axes as size 1.")
                        .input("data", "T").output("reduced", "T").types("T", t).attr("keepdims", 1L);
                if (v >= op.axesInputSince()) b.optionalInput("axes", "tensor(int64)").attr("noop_with_empty_axes", 0L);
                else b.optionalAttr("axes", AttrType.INTS);
                r.register(b.traits(Trait.PURE, Trait.REDUCTION).inference(ReduceOps::inferReduce).build());
            }
            r.registerReference(op.onnx, ctx -> reduce(ctx, op));
        }
        for (String name : new String[] {"ArgMax", "ArgMin"}) {
            for (int v : new int[] {1, 11, 12, 13}) {
                OpSchema.Builder b = OpSchema.onnx(name, v).doc("Index (int64) of the " + (name.equals("ArgMax") ? "largest" : "smallest")
                                + " element along axis; ties give the first index, or the last with select_last_index.")
                        .input("data", "T").output("reduced", "tensor(int64)").types("T", v >= 13 ? NnTypes.NUM_ALL_INTS_B : NnTypes.NUM_ALL_INTS)
                        .attr("axis", 0L).attr("keepdims", 1L);
                if (v >= 12) b.attr("select_last_index", 0L);
                r.register(b.traits(Trait.PURE, Trait.REDUCTION).inference(ReduceOps::inferArg).build());
            }
            boolean max = name.equals("ArgMax");
            r.registerReference(name, ctx -> arg(ctx, max));
        }
    }

    // ------------------------------------------------------------------ axes

    /** The axes of a node: attribute or input; null = the input is present but not known (inference only). */
    private static long[] axesOf(int opset, int since, org.ge4j.ops.Attrs attrs, boolean hasInput, Tensor constant) {
        if (opset < since) return attrs.getInts("axes", new long[0]);
        if (!hasInput) return new long[0];
        return constant == null ? null : constant.toLongArray();
    }

    /** Which axes are reduced (normalised); all when {@code axes} is empty. */
    private static boolean[] reducedAxes(long[] axes, int rank, java.util.function.Function<String, org.ge4j.ops.OpException> fail, String what) {
        boolean[] red = new boolean[rank];
        if (axes.length == 0) {
            Arrays.fill(red, true);
            return red;
        }
        for (long a : axes) {
            long n = a < 0 ? a + rank : a;
            if (n < 0 || n >= rank)
                throw fail.apply(what + " " + Arrays.toString(axes) + " has axis " + a + " out of range for input rank " + rank + " (expected [" + -rank + ", " + (rank - 1) + "])");
            red[(int) n] = true;
        }
        return red;
    }

    private static Op opOf(String type) {
        for (Op o : Op.values()) if (o.onnx.equals(type)) return o;
        throw new IllegalArgumentException(type);
    }

    static void inferReduce(InferenceContext ctx) {
        Op op = opOf(ctx.node().type());
        DataType t = ctx.inputType(0);
        Shape x = ctx.inputShape(0);
        boolean keep = ctx.attrs().getInt("keepdims") != 0;
        int opset = ctx.opset();
        long[] axes = axesOf(opset, op.axesInputSince(), ctx.attrs(), ctx.hasInput(1), ctx.constantInput(1));
        if (!x.hasRank()) {
            ctx.setOutput(0, t, Shape.UNKNOWN_RANK);
            return;
        }
        if (axes == null) { // axes only known at run time
            if (!keep) ctx.setOutput(0, t, Shape.UNKNOWN_RANK);
            else {
                List<Dim> dims = new ArrayList<>();
                for (Dim d : x.dims()) dims.add(d.isStatic() && d.valueOr(0) == 1 ? d : Dim.UNKNOWN);
                ctx.setOutput(0, t, Shape.of(dims));
            }
            return;
        }
        if (axes.length == 0 && opset >= op.axesInputSince() && ctx.attrs().getInt("noop_with_empty_axes", 0) != 0) {
            ctx.setOutput(0, t, x);
            return;
        }
        boolean[] red = reducedAxes(axes, x.rank(), ctx::fail, opset >= op.axesInputSince() ? "input 1 ('axes')" : "attribute 'axes'");
        List<Dim> dims = new ArrayList<>();
        for (int i = 0; i < x.rank(); i++) {
            if (!red[i]) dims.add(x.dim(i));
            else if (keep) dims.add(Dim.of(1));
        }
        ctx.setOutput(0, t, Shape.of(dims));
    }

    // ------------------------------------------------------------------ Reduce kernel

    static void reduce(KernelContext ctx, Op op) {
        Tensor tx = ctx.requireInput(0);
        long[] xs = tx.shape();
        int opset = ctx.opset();
        boolean keep = ctx.attrs().getInt("keepdims") != 0;
        long[] axes = axesOf(opset, op.axesInputSince(), ctx.attrs(), ctx.hasInput(1), ctx.input(1));
        if (axes.length == 0 && opset >= op.axesInputSince() && ctx.attrs().getInt("noop_with_empty_axes", 0) != 0) {
            ctx.setOutput(0, tx.copy());
            return;
        }
        int rank = xs.length;
        boolean[] red = reducedAxes(axes, rank, ctx::fail, opset >= op.axesInputSince() ? "input 1 ('axes')" : "attribute 'axes'");
        // output strides per input axis (0 along reduced axes)
        long[] keptShape = new long[rank];
        int outRank = 0;
        for (int i = 0; i < rank; i++) {
            keptShape[i] = red[i] ? 1 : xs[i];
            if (!red[i] || keep) outRank++;
        }
        long[] ys = new long[outRank];
        for (int i = 0, j = 0; i < rank; i++) if (!red[i] || keep) ys[j++] = keptShape[i];
        int[] kst = Im2Col.strides(keptShape);
        int[] ostr = new int[rank];
        for (int i = 0; i < rank; i++) ostr[i] = red[i] ? 0 : kst[i];
        int n = Tensors.count(xs), m = Tensors.count(keptShape);
        long count = 1;
        for (int i = 0; i < rank; i++) if (red[i]) count *= xs[i];
        int[] map = outIndexMap(xs, ostr, n);
        DataType t = tx.dtype();
        if (NnTypes.isIntegral(t) && op.exactOnIntegers()) ctx.setOutput(0, Tensors.fromLongs(t, ys, reduceLongs(op, t, tx.toLongArray(), map, m, count)));
        else ctx.setOutput(0, Tensors.fromDoubles(t, ys, reduceDoubles(op, tx.toDoubleArray(), map, m, count)));
    }

    /** For each input flat index, the output flat index. */
    private static int[] outIndexMap(long[] xs, int[] ostr, int n) {
        int rank = xs.length;
        int[] map = new int[n];
        int[] idx = new int[rank];
        int o = 0;
        for (int i = 0; i < n; i++) {
            map[i] = o;
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                o += ostr[d];
                if (idx[d] < xs[d]) break;
                o -= ostr[d] * idx[d];
                idx[d] = 0;
            }
        }
        return map;
    }

    private static double[] reduceDoubles(Op op, double[] x, int[] map, int m, long count) {
        double[] acc = new double[m];
        double init = switch (op) {
            case MAX, LOG_SUM_EXP -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
            case PROD -> 1;
            default -> 0;
        };
        Arrays.fill(acc, init);
        switch (op) {
            case SUM, MEAN, LOG_SUM -> { for (int i = 0; i < x.length; i++) acc[map[i]] += x[i]; }
            case MAX -> { for (int i = 0; i < x.length; i++) { double v = x[i]; int o = map[i]; if (v > acc[o] || Double.isNaN(v)) acc[o] = v; } }
            case MIN -> { for (int i = 0; i < x.length; i++) { double v = x[i]; int o = map[i]; if (v < acc[o] || Double.isNaN(v)) acc[o] = v; } }
            case PROD -> { for (int i = 0; i < x.length; i++) acc[map[i]] *= x[i]; }
            case L1 -> { for (int i = 0; i < x.length; i++) acc[map[i]] += Math.abs(x[i]); }
            case L2, SUM_SQUARE -> { for (int i = 0; i < x.length; i++) acc[map[i]] += x[i] * x[i]; }
            case LOG_SUM_EXP -> {
                double[] max = new double[m];
                Arrays.fill(max, Double.NEGATIVE_INFINITY);
                for (int i = 0; i < x.length; i++) if (x[i] > max[map[i]] || Double.isNaN(x[i])) max[map[i]] = x[i];
                double[] sum = new double[m];
                for (int i = 0; i < x.length; i++) {
                    double mx = max[map[i]];
                    sum[map[i]] += Double.isInfinite(mx) ? 0 : Math.exp(x[i] - mx);
                }
                for (int o = 0; o < m; o++) acc[o] = Double.isInfinite(max[o]) ? max[o] : max[o] + Math.log(sum[o]);
            }
        }
        switch (op) {
            case MEAN -> { for (int o = 0; o < m; o++) acc[o] /= count; }
            case L2 -> { for (int o = 0; o < m; o++) acc[o] = Math.sqrt(acc[o]); }
            case LOG_SUM -> { for (int o = 0; o < m; o++) acc[o] = Math.log(acc[o]); }
            default -> { }
        }
        return acc;
    }

    private static long[] reduceLongs(Op op, DataType t, long[] x, int[] map, int m, long count) {
        long[] acc = new long[m];
        long init = switch (op) {
            case MAX -> minValue(t);
            case MIN -> maxValue(t);
            case PROD -> 1;
            default -> 0;
        };
        Arrays.fill(acc, init);
        boolean unsigned64 = t == DataType.UINT64;
        switch (op) {
            case SUM, MEAN -> { for (int i = 0; i < x.length; i++) acc[map[i]] += x[i]; }
            case MAX -> { for (int i = 0; i < x.length; i++) if (Tensors.compareIntegral(t, x[i], acc[map[i]]) > 0) acc[map[i]] = x[i]; }
            case MIN -> { for (int i = 0; i < x.length; i++) if (Tensors.compareIntegral(t, x[i], acc[map[i]]) < 0) acc[map[i]] = x[i]; }
            case PROD -> { for (int i = 0; i < x.length; i++) acc[map[i]] *= x[i]; }
            case L1 -> { for (int i = 0; i < x.length; i++) acc[map[i]] += unsigned64 ? x[i] : Math.abs(x[i]); }
            case SUM_SQUARE -> { for (int i = 0; i < x.length; i++) acc[map[i]] += x[i] * x[i]; }
            default -> throw new IllegalStateException(op + " is computed in floating point");
        }
        if (op == Op.MEAN) {
            for (int o = 0; o < m; o++) acc[o] = count == 0 ? 0 : unsigned64 ? Long.divideUnsigned(acc[o], count) : acc[o] / count;
        }
        return acc;
    }

    static long minValue(DataType t) {
        return switch (t) {
            case INT8 -> Byte.MIN_VALUE;
            case INT16 -> Short.MIN_VALUE;
            case INT32 -> Integer.MIN_VALUE;
            case INT64 -> Long.MIN_VALUE;
            default -> 0; // unsigned types and bool
        };
    }

    static long maxValue(DataType t) {
        return switch (t) {
            case INT8 -> Byte.MAX_VALUE;
            case INT16 -> Short.MAX_VALUE;
            case INT32 -> Integer.MAX_VALUE;
            case INT64 -> Long.MAX_VALUE;
            case UINT8 -> 0xff;
            case UINT16 -> 0xffff;
            case UINT32 -> 0xffffffffL;
            case UINT64 -> -1L;
            default -> 1;
        };
    }

    // ------------------------------------------------------------------ ArgMax / ArgMin

    static void inferArg(InferenceContext ctx) {
        Shape x = ctx.inputShape(0);
        if (!x.hasRank()) {
            ctx.setOutput(0, DataType.INT64, Shape.UNKNOWN_RANK);
            return;
        }
        int axis = Infer.axis(ctx, "axis", ctx.attrs().getInt("axis"), x.rank());
        boolean keep = ctx.attrs().getInt("keepdims") != 0;
        List<Dim> dims = new ArrayList<>();
        for (int i = 0; i < x.rank(); i++) {
            if (i != axis) dims.add(x.dim(i));
            else if (keep) dims.add(Dim.of(1));
        }
        ctx.setOutput(0, DataType.INT64, Shape.of(dims));
    }

    static void arg(KernelContext ctx, boolean max) {
        Tensor tx = ctx.requireInput(0);
        long[] xs = tx.shape();
        long a = ctx.attrs().getInt("axis");
        int rank = xs.length;
        if (a < -rank || a >= Math.max(rank, 1)) throw ctx.fail("attribute 'axis' = " + a + " is out of range for input rank " + rank);
        int axis = (int) (a < 0 ? a + rank : a);
        boolean keep = ctx.attrs().getInt("keepdims") != 0, last = ctx.attrs().getInt("select_last_index", 0) != 0;
        int outer = Tensors.prod(xs, 0, Math.min(axis, rank)), n = rank == 0 ? 1 : (int) xs[axis], inner = Tensors.prod(xs, Math.min(axis + 1, rank), rank);
        if (n == 0) throw ctx.fail("cannot take " + ctx.node().type() + " along axis " + axis + " of size 0 (input shape " + Shape.toString(xs) + ")");
        long[] ys = keep || rank == 0 ? xs.clone() : new long[rank - 1];
        if (keep && rank > 0) ys[axis] = 1;
        else for (int i = 0, j = 0; i < rank; i++) if (i != axis) ys[j++] = xs[i];
        long[] y = new long[outer * inner];
        DataType t = tx.dtype();
        int sign = max ? 1 : -1;
        if (NnTypes.isIntegral(t)) {
            long[] x = tx.toLongArray();
            for (int o = 0; o < outer; o++) for (int in = 0; in < inner; in++) {
                int base = o * n * inner + in, best = 0;
                for (int j = 1; j < n; j++) {
                    int c = sign * Tensors.compareIntegral(t, x[base + j * inner], x[base + best * inner]);
                    if (c > 0 || last && c == 0) best = j;
                }
                y[o * inner + in] = best;
            }
        } else {
            double[] x = tx.toDoubleArray();
            for (int o = 0; o < outer; o++) for (int in = 0; in < inner; in++) {
                int base = o * n * inner + in, best = 0;
                double bv = x[base];
                for (int j = 1; j < n; j++) {
                    double v = x[base + j * inner];
                    if (Double.isNaN(bv)) break; // the first NaN wins, as in numpy
                    boolean better = Double.isNaN(v) || (max ? v > bv : v < bv) || last && v == bv;
                    if (better) {
                        best = j;
                        bv = v;
                    }
                }
                y[o * inner + in] = best;
            }
        }
        ctx.setOutput(0, Tensors.int64(ys, y));
    }
}
