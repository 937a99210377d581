package org.ge4j.ops.onnx.nn;

import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/** TopK: the k largest (or smallest) elements along an axis with their indices; equal values keep the lower index first. */
public final class TopKOps {
    private TopKOps() {}

    public static void register(OpRegistry r) {
        for (int v : new int[] {1, 10, 11}) {
            OpSchema.Builder b = OpSchema.onnx("TopK", v).doc("The k largest (smallest with largest = 0) elements along axis, sorted, with int64 indices; ties keep the lower index first.")
                    .input("X", "T").output("Values", "T").output("Indices", "I").types("T", v < 11 ? NnTypes.F : NnTypes.NUM_ALL_INTS).types("I", NnTypes.I64)
                    .attr("axis", -1L);
            if (v == 1) b.requiredAttr("k", AttrType.INT);
            else b.input("K", "tensor(int64)");
            if (v >= 11) b.attr("largest", 1L).attr("sorted", 1L);
            r.register(b.traits(Trait.PURE).inference(TopKOps::infer).build());
        }
        r.registerReference("TopK", TopKOps::topK);
    }

    static void infer(InferenceContext ctx) {
        DataType t = ctx.inputType(0);
        Shape x = ctx.inputShape(0);
        long k = -1;
        if (ctx.opset() < 10) k = ctx.attrs().getInt("k");
        else {
            Tensor kt = ctx.constantInput(1);
            if (kt != null) k = kValue(kt, ctx::fail);
        }
        if (!x.hasRank()) {
            ctx.setOutput(0, t, Shape.UNKNOWN_RANK);
            ctx.setOutput(1, DataType.INT64, Shape.UNKNOWN_RANK);
            return;
        }
        int axis = Infer.axis(ctx, "axis", ctx.attrs().getInt("axis"), x.rank());
        if (k < -1 || k >= 0 && x.dim(axis).isStatic() && k > x.dim(axis).valueOr(0))
            throw ctx.fail("k = " + k + " must be in [0, " + x.dim(axis) + "] (the size of axis " + axis + " of input 0 ('X') " + x + ")");
        Shape out = Infer.withDim(x, axis, k < 0 ? Dim.UNKNOWN : Dim.of(k));
        ctx.setOutput(0, t, out);
        ctx.setOutput(1, DataType.INT64, out);
    }

    private static long kValue(Tensor kt, java.util.function.Function<String, org.ge4j.ops.OpException> fail) {
        if (kt.size() != 1) throw fail.apply("input 1 ('K') must hold exactly one value, got shape " + Shape.toString(kt.shape()));
        long k = kt.getScalarLong(0);
        if (k < 0) throw fail.apply("input 1 ('K') = " + k + " must be non-negative");
        return k;
    }

    /** Orders two positions of one line. */
    private interface IndexOrder {
        int compare(int a, int b);
    }

    static void topK(KernelContext ctx) {
        Tensor tx = ctx.requireInput(0);
        long[] xs = tx.shape();
        int rank = xs.length;
        long a = ctx.attrs().getInt("axis");
        if (rank == 0 || a < -rank || a >= rank) throw ctx.fail("attribute 'axis' = " + a + " is out of range for input rank " + rank);
        int axis = (int) (a < 0 ? a + rank : a);
        long k = ctx.opset() < 10 ? ctx.attrs().getInt("k") : kValue(ctx.requireInput(1), ctx::fail);
        int n = (int) xs[axis];
        if (k < 0 || k > n) throw ctx.fail("k = " + k + " must be in [0, " + n + "] (the size of axis " + axis + " of input 0 ('X'))");
        boolean largest = ctx.attrs().getInt("largest", 1) != 0;
        int kk = (int) k, outer = Tensors.prod(xs, 0, axis), inner = Tensors.prod(xs, axis + 1, rank);
        long[] ys = xs.clone();
        ys[axis] = kk;
        DataType t = tx.dtype();
        boolean integral = NnTypes.isIntegral(t);
        double[] xd = integral ? null : tx.toDoubleArray();
        long[] xl = integral ? tx.toLongArray() : null;
        double[] yd = integral ? null : new double[outer * kk * inner];
        long[] yl = integral ? new long[outer * kk * inner] : null;
        long[] yi = new long[outer * kk * inner];
        int[] idx = new int[n], tmp = new int[n];
        for (int o = 0; o < outer; o++) for (int in = 0; in < inner; in++) {
            int base = o * n * inner + in;
            IndexOrder order = integral
                    ? (i, j) -> (largest ? -1 : 1) * Tensors.compareIntegral(t, xl[base + i * inner], xl[base + j * inner])
                    : (i, j) -> (largest ? -1 : 1) * compareNanLast(xd[base + i * inner], xd[base + j * inner]);
            for (int j = 0; j < n; j++) idx[j] = j;
            mergeSort(idx, tmp, 0, n, order);
            for (int j = 0; j < kk; j++) {
                int dst = (o * kk + j) * inner + in, src = base + idx[j] * inner;
                if (integral) yl[dst] = xl[src];
                else yd[dst] = xd[src];
                yi[dst] = idx[j];
            }
        }
        ctx.setOutput(0, integral ? Tensors.fromLongs(t, ys, yl) : Tensors.fromDoubles(t, ys, yd));
        ctx.setOutput(1, Tensors.int64(ys, yi));
    }

    /** Ascending order with NaN above every number (as numpy sorts). */
    private static int compareNanLast(double a, double b) {
        boolean na = Double.isNaN(a), nb = Double.isNaN(b);
        if (na || nb) return na == nb ? 0 : na ? 1 : -1;
        return Double.compare(a == 0 ? 0.0 : a, b == 0 ? 0.0 : b); // -0 equals +0
    }

    /** Stable merge sort of idx[lo, hi). */
    private static void mergeSort(int[] idx, int[] tmp, int lo, int hi, IndexOrder order) {
        if (hi - lo < 2) return;
        int mid = (lo + hi) >>> 1;
        mergeSort(idx, tmp, lo, mid, order);
        mergeSort(idx, tmp, mid, hi, order);
        int i = lo, j = mid, p = lo;
        while (i < mid && j < hi) tmp[p++] = order.compare(idx[j], idx[i]) < 0 ? idx[j++] : idx[i++];
        while (i < mid) tmp[p++] = idx[i++];
        while (j < hi) tmp[p++] = idx[j++];
        System.arraycopy(tmp, lo, idx, lo, hi - lo);
    }

}
