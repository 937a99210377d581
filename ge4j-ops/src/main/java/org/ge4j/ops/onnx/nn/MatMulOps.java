package org.ge4j.ops.onnx.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;
import org.ge4j.ops.util.Broadcast;

/** MatMul (numpy semantics: batched broadcasting, 1-D operands) and Gemm. */
public final class MatMulOps {
    private MatMulOps() {}

    public static void register(OpRegistry r) {
        for (int v : new int[] {1, 9, 13}) {
            Set<DataType> t = v == 1 ? NnTypes.F : v == 9 ? NnTypes.NUM32 : NnTypes.NUM32_B;
            r.register(OpSchema.onnx("MatMul", v).doc("Matrix product like numpy.matmul: batch dims broadcast, 1-D operands are promoted and their dim removed.")
                    .input("A", "T").input("B", "T").output("Y", "T").types("T", t)
                    .traits(Trait.PURE).inference(MatMulOps::inferMatMul).build());
        }
        r.registerReference("MatMul", MatMulOps::matmul);

        for (int v : new int[] {1, 6, 7, 9, 11, 13}) {
            Set<DataType> t = v < 9 ? NnTypes.F : v < 13 ? NnTypes.NUM32 : NnTypes.NUM32_B;
            OpSchema.Builder b = OpSchema.onnx("Gemm", v).doc("Y = alpha * A' * B' + beta * C, A' = transpose(A) if transA, B' likewise; C broadcasts to [M, N].")
                    .input("A", "T").input("B", "T");
            if (v >= 11) b.optionalInput("C", "T");
            else b.input("C", "T");
            b.output("Y", "T").types("T", t).attr("alpha", 1.0f).attr("beta", 1.0f).attr("transA", 0L).attr("transB", 0L);
            if (v < 7) b.attr("broadcast", 0L);
            r.register(b.traits(Trait.PURE).inference(MatMulOps::inferGemm).build());
        }
        r.registerReference("Gemm", MatMulOps::gemm);
    }

    // ------------------------------------------------------------------ MatMul

    static void inferMatMul(InferenceContext ctx) {
        DataType t = ctx.inputType(0);
        Shape a = ctx.inputShape(0), b = ctx.inputShape(1);
        if (!a.hasRank() || !b.hasRank()) {
            ctx.setOutput(0, t, Shape.UNKNOWN_RANK);
            return;
        }
        if (a.rank() == 0) throw ctx.fail("input 0 ('A') must have rank >= 1, got a scalar");
        if (b.rank() == 0) throw ctx.fail("input 1 ('B') must have rank >= 1, got a scalar");
        Dim k1 = a.dim(a.rank() - 1);
        Dim k2 = b.rank() == 1 ? b.dim(0) : b.dim(b.rank() - 2);
        Infer.requireEqual(ctx, k1, k2, "inner dimensions differ: input 0 ('A') " + a + " has " + k1 + " columns but input 1 ('B') " + b + " has " + k2 + " rows");
        Shape ba = Shape.of(Infer.dims(a, 0, Math.max(0, a.rank() - 2)));
        Shape bb = Shape.of(Infer.dims(b, 0, Math.max(0, b.rank() - 2)));
        Shape batch = Broadcast.shape(ba, bb);
        if (batch == null) throw ctx.fail("batch dims of input 0 ('A') " + a + " and input 1 ('B') " + b + " cannot be broadcast");
        List<Dim> out = new ArrayList<>(batch.dims());
        if (a.rank() >= 2) out.add(a.dim(a.rank() - 2));
        if (b.rank() >= 2) out.add(b.dim(b.rank() - 1));
        ctx.setOutput(0, t, Shape.of(out));
    }

    static void matmul(KernelContext ctx) {
        Tensor ta = ctx.requireInput(0), tb = ctx.requireInput(1);
        long[] as = ta.shape(), bs = tb.shape();
        if (as.length == 0 || bs.length == 0) throw ctx.fail("MatMul operands must have rank >= 1, got A" + Shape.toString(as) + " and B" + Shape.toString(bs));
        boolean aVec = as.length == 1, bVec = bs.length == 1;
        long[] a2 = aVec ? new long[] {1, as[0]} : as;
        long[] b2 = bVec ? new long[] {bs[0], 1} : bs;
        int m = (int) a2[a2.length - 2], k = (int) a2[a2.length - 1];
        int kb = (int) b2[b2.length - 2], n = (int) b2[b2.length - 1];
        if (k != kb)
            throw ctx.fail("inner dimensions differ: input 0 ('A') " + Shape.toString(as) + " has " + k + " columns but input 1 ('B') " + Shape.toString(bs) + " has " + kb + " rows");
        long[] aBatch = Arrays.copyOf(a2, a2.length - 2), bBatch = Arrays.copyOf(b2, b2.length - 2);
        long[] batch;
        try {
            batch = Broadcast.shape(aBatch, bBatch);
        } catch (IllegalArgumentException e) {
            throw ctx.fail("batch dims of input 0 ('A') and input 1 ('B') cannot be broadcast: " + e.getMessage());
        }
        long[] outShape = new long[batch.length + (aVec ? 0 : 1) + (bVec ? 0 : 1)];
        System.arraycopy(batch, 0, outShape, 0, batch.length);
        int p = batch.length;
        if (!aVec) outShape[p++] = m;
        if (!bVec) outShape[p] = n;
        int nb = Tensors.count(batch);
        int[] aMap = Broadcast.indexMap(aBatch, batch), bMap = Broadcast.indexMap(bBatch, batch);
        DataType t = ta.dtype();
        if (NnTypes.isIntegral(t)) {
            long[] a = ta.toLongArray(), b = tb.toLongArray(), y = new long[nb * m * n];
            for (int bi = 0; bi < nb; bi++)
                gemmLong(a, aMap[bi] * m * k, b, bMap[bi] * k * n, y, bi * m * n, m, k, n);
            ctx.setOutput(0, Tensors.fromLongs(t, outShape, y));
        } else {
            double[] a = ta.toDoubleArray(), b = tb.toDoubleArray(), y = new double[nb * m * n];
            for (int bi = 0; bi < nb; bi++)
                gemm(a, aMap[bi] * m * k, b, bMap[bi] * k * n, y, bi * m * n, m, k, n);
            ctx.setOutput(0, Tensors.fromDoubles(t, outShape, y));
        }
    }

    /** y[yo + i*n + j] += sum_k a[ao + i*k + p] * b[bo + p*n + j] (row-major, no transposes). */
    static void gemm(double[] a, int ao, double[] b, int bo, double[] y, int yo, int m, int k, int n) {
        for (int i = 0; i < m; i++) {
            int yr = yo + i * n;
            for (int p = 0; p < k; p++) {
                double av = a[ao + i * k + p];
                int br = bo + p * n;
                for (int j = 0; j < n; j++) y[yr + j] += av * b[br + j];
            }
        }
    }

    static void gemmLong(long[] a, int ao, long[] b, int bo, long[] y, int yo, int m, int k, int n) {
        for (int i = 0; i < m; i++) {
            int yr = yo + i * n;
            for (int p = 0; p < k; p++) {
                long av = a[ao + i * k + p];
                int br = bo + p * n;
                for (int j = 0; j < n; j++) y[yr + j] += av * b[br + j];
            }
        }
    }

    // ------------------------------------------------------------------ Gemm

    static void inferGemm(InferenceContext ctx) {
        DataType t = ctx.inputType(0);
        Shape a = ctx.inputShape(0), b = ctx.inputShape(1);
        boolean ta = ctx.attrs().getInt("transA") != 0, tb = ctx.attrs().getInt("transB") != 0;
        if (a.hasRank() && a.rank() != 2) throw ctx.fail("input 0 ('A') must be 2-D, got shape " + a);
        if (b.hasRank() && b.rank() != 2) throw ctx.fail("input 1 ('B') must be 2-D, got shape " + b);
        Dim m = a.hasRank() ? a.dim(ta ? 1 : 0) : Dim.UNKNOWN, ka = a.hasRank() ? a.dim(ta ? 0 : 1) : Dim.UNKNOWN;
        Dim kb = b.hasRank() ? b.dim(tb ? 1 : 0) : Dim.UNKNOWN, n = b.hasRank() ? b.dim(tb ? 0 : 1) : Dim.UNKNOWN;
        Infer.requireEqual(ctx, ka, kb, "inner dimensions differ: A' (input 0 " + a + (ta ? ", transposed" : "") + ") has K=" + ka
                + " but B' (input 1 " + b + (tb ? ", transposed" : "") + ") has K=" + kb);
        if (ctx.hasInput(2)) {
            Shape c = ctx.inputShape(2);
            if (c.hasRank()) {
                if (c.rank() > 2) throw ctx.fail("input 2 ('C') must have rank <= 2 to broadcast to [M, N], got shape " + c);
                Dim[] mn = {m, n};
                for (int i = 0; i < c.rank(); i++) {
                    Dim cd = c.dim(i), target = mn[2 - c.rank() + i];
                    if (cd.isStatic() && cd.valueOr(0) != 1 && target.isStatic() && target.valueOr(0) != cd.valueOr(0))
                        throw ctx.fail("input 2 ('C') shape " + c + " cannot broadcast to [M, N] = [" + m + "," + n + "]");
                }
            }
        }
        ctx.setOutput(0, t, Shape.of(List.of(m, n)));
    }

    static void gemm(KernelContext ctx) {
        Tensor tA = ctx.requireInput(0), tB = ctx.requireInput(1), tC = ctx.input(2);
        if (tA.rank() != 2) throw ctx.fail("input 0 ('A') must be 2-D, got shape " + Shape.toString(tA.shape()));
        if (tB.rank() != 2) throw ctx.fail("input 1 ('B') must be 2-D, got shape " + Shape.toString(tB.shape()));
        boolean transA = ctx.attrs().getInt("transA") != 0, transB = ctx.attrs().getInt("transB") != 0;
        double alpha = ctx.attrs().getFloat("alpha"), beta = ctx.attrs().getFloat("beta");
        int m = (int) tA.dim(transA ? 1 : 0), k = (int) tA.dim(transA ? 0 : 1);
        int kb = (int) tB.dim(transB ? 1 : 0), n = (int) tB.dim(transB ? 0 : 1);
        if (k != kb) throw ctx.fail("inner dimensions differ: A' has K=" + k + " but B' has K=" + kb);
        long[] outShape = {m, n};
        int[] cMap = null;
        if (tC != null) {
            long[] cs = tC.shape();
            boolean ok = cs.length <= 2;
            for (int i = 0; ok && i < cs.length; i++) ok = cs[i] == 1 || cs[i] == outShape[2 - cs.length + i];
            if (!ok) throw ctx.fail("input 2 ('C') shape " + Shape.toString(cs) + " cannot broadcast to [M, N] = [" + m + "," + n + "]");
            if (ctx.opset() < 7 && ctx.attrs().getInt("broadcast", 0) == 0 && !Arrays.equals(cs, outShape))
                throw ctx.fail("input 2 ('C') shape " + Shape.toString(cs) + " must equal [M, N] = [" + m + "," + n + "] when attribute 'broadcast' is 0");
            cMap = Broadcast.indexMap(cs, outShape);
        }
        DataType t = tA.dtype();
        if (NnTypes.isIntegral(t)) {
            long[] a = transpose(tA.toLongArray(), transA, (int) tA.dim(0), (int) tA.dim(1));
            long[] b = transpose(tB.toLongArray(), transB, (int) tB.dim(0), (int) tB.dim(1));
            long[] y = new long[m * n];
            gemmLong(a, 0, b, 0, y, 0, m, k, n);
            long[] c = tC == null ? null : tC.toLongArray();
            boolean exact = alpha == Math.rint(alpha) && beta == Math.rint(beta);
            for (int i = 0; i < y.length; i++) {
                long cv = c == null ? 0 : c[cMap[i]];
                y[i] = exact ? (long) alpha * y[i] + (long) beta * cv : (long) (alpha * y[i] + beta * cv);
            }
            ctx.setOutput(0, Tensors.fromLongs(t, outShape, y));
        } else {
            double[] a = transpose(tA.toDoubleArray(), transA, (int) tA.dim(0), (int) tA.dim(1));
            double[] b = transpose(tB.toDoubleArray(), transB, (int) tB.dim(0), (int) tB.dim(1));
            double[] y = new double[m * n];
            gemm(a, 0, b, 0, y, 0, m, k, n);
            double[] c = tC == null ? null : tC.toDoubleArray();
            for (int i = 0; i < y.length; i++) y[i] = alpha * y[i] + (c == null ? 0 : beta * c[cMap[i]]);
            ctx.setOutput(0, Tensors.fromDoubles(t, outShape, y));
        }
    }

    /** The row-major [cols, rows] transpose of a [rows, cols] matrix when {@code t}, else the array itself. */
    static double[] transpose(double[] x, boolean t, int rows, int cols) {
        if (!t) return x;
        double[] y = new double[x.length];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) y[j * rows + i] = x[i * cols + j];
        return y;
    }

    static long[] transpose(long[] x, boolean t, int rows, int cols) {
        if (!t) return x;
        long[] y = new long[x.length];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) y[j * rows + i] = x[i * cols + j];
        return y;
    }
}
