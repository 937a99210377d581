package org.ge4j.ops.onnx.signal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;
import org.ge4j.ops.util.Broadcast;

/**
 * The quantised integer ops of opset 10: MatMulInteger and ConvInteger (int32 accumulators, 32-bit wrap-around)
 * and QLinearMatMul and QLinearConv (requantised to int8/uint8, rounding half to even). Zero points and
 * scales are per tensor, or per row of A / per column of B / per output channel of w.
 */
public final class IntegerOps {
    private IntegerOps() {}

    public static void register(OpRegistry r) {
        r.register(OpSchema.onnx("MatMulInteger", 10).doc("Integer matrix product of (A - a_zero_point) and (B - b_zero_point), as int32.")
                .input("A", "T1").input("B", "T2").optionalInput("a_zero_point", "T1").optionalInput("b_zero_point", "T2").output("Y", "T3")
                .types("T1", Support.INT8S).types("T2", Support.INT8S).types("T3", DataType.INT32)
                .traits(Trait.PURE).inference(ctx -> inferMatMul(ctx, 0, 1, DataType.INT32)).build());
        r.register(OpSchema.onnx("QLinearMatMul", 10).doc("Quantised matrix product requantised to y's scale and zero point.")
                .input("a", "T1").input("a_scale", "tensor(float)").input("a_zero_point", "T1")
                .input("b", "T2").input("b_scale", "tensor(float)").input("b_zero_point", "T2")
                .input("y_scale", "tensor(float)").input("y_zero_point", "T3").output("y", "T3")
                .types("T1", Support.INT8S).types("T2", Support.INT8S).types("T3", Support.INT8S)
                .traits(Trait.PURE).inference(ctx -> inferMatMul(ctx, 0, 3, ctx.inputType(7))).build());
        r.register(convAttrs(OpSchema.onnx("ConvInteger", 10).doc("Integer convolution of (x - x_zero_point) with (w - w_zero_point), as int32.")
                .input("x", "T1").input("w", "T2").optionalInput("x_zero_point", "T1").optionalInput("w_zero_point", "T2").output("y", "T3")
                .types("T1", Support.INT8S).types("T2", Support.INT8S).types("T3", DataType.INT32))
                .traits(Trait.PURE).inference(ctx -> inferConv(ctx, 0, 1, DataType.INT32)).build());
        r.register(convAttrs(OpSchema.onnx("QLinearConv", 10).doc("Quantised convolution requantised to y's scale and zero point.")
                .input("x", "T1").input("x_scale", "tensor(float)").input("x_zero_point", "T1")
                .input("w", "T2").input("w_scale", "tensor(float)").input("w_zero_point", "T2")
                .input("y_scale", "tensor(float)").input("y_zero_point", "T3").optionalInput("B", "T4").output("y", "T3")
                .types("T1", Support.INT8S).types("T2", Support.INT8S).types("T3", Support.INT8S).types("T4", DataType.INT32))
                .traits(Trait.PURE).inference(ctx -> inferConv(ctx, 0, 3, ctx.inputType(7))).build());
        r.registerReference("MatMulInteger", IntegerOps::matMulInteger);
        r.registerReference("QLinearMatMul", IntegerOps::qLinearMatMul);
        r.registerReference("ConvInteger", IntegerOps::convInteger);
        r.registerReference("QLinearConv", IntegerOps::qLinearConv);
    }

    private static OpSchema.Builder convAttrs(OpSchema.Builder b) {
        return b.attr("auto_pad", "NOTSET").optionalAttr("dilations", org.ge4j.ir.AttrType.INTS).attr("group", 1L)
                .optionalAttr("kernel_shape", org.ge4j.ir.AttrType.INTS).optionalAttr("pads", org.ge4j.ir.AttrType.INTS)
                .optionalAttr("strides", org.ge4j.ir.AttrType.INTS);
    }

    // ------------------------------------------------------------------ matmul

    /** numpy.matmul's result shape for possibly symbolic shapes; null-safe for unknown ranks. */
    static Shape matmulShape(Shape a, Shape b, Function<String, OpException> fail) {
        if (!a.hasRank() || !b.hasRank()) return Shape.UNKNOWN_RANK;
        if (a.rank() == 0 || b.rank() == 0) throw fail.apply("matmul inputs must have rank >= 1, got " + a + " and " + b);
        List<Dim> ad = new ArrayList<>(a.dims()), bd = new ArrayList<>(b.dims());
        if (ad.size() == 1) ad.add(0, Dim.of(1));
        if (bd.size() == 1) bd.add(Dim.of(1));
        Dim ka = ad.get(ad.size() - 1), kb = bd.get(bd.size() - 2);
        if (ka.isStatic() && kb.isStatic() && !ka.equals(kb)) throw fail.apply("inner dimensions differ: " + a + " x " + b);
        Shape batch = Broadcast.shape(Shape.of(ad.subList(0, ad.size() - 2)), Shape.of(bd.subList(0, bd.size() - 2)));
        if (batch == null) throw fail.apply("batch dimensions of " + a + " and " + b + " cannot be broadcast");
        List<Dim> out = new ArrayList<>(batch.dims());
        if (a.rank() > 1) out.add(ad.get(ad.size() - 2));
        if (b.rank() > 1) out.add(bd.get(bd.size() - 1));
        return Shape.of(out);
    }

    static void inferMatMul(InferenceContext ctx, int aPort, int bPort, DataType out) {
        ctx.setOutput(0, out, matmulShape(ctx.inputShape(aPort), ctx.inputShape(bPort), ctx::fail));
    }

    /** The integer product with zero points subtracted, and for each output element its row/column in A and B. */
    private record Product(long[] shape, long[] acc, int[] aRow, int[] bCol) {}

    /**
     * Broadcasts a zero point (or scale) of A or B to the element index of the matrix: scalar, 1-D per row of A
     * ([M] taken as [M, 1]) or per column of B ([N]), or an N-D tensor broadcastable to the matrix.
     */
    private static int[] perElement(KernelContext ctx, int port, Tensor t, long[] matShape, boolean rowsOfA) {
        long[] s = t.shape();
        if (t.size() == 1) return new int[Math.toIntExact(Shape.elementCount(matShape))];
        if (s.length == 1 && rowsOfA && matShape.length >= 2) s = new long[] {s[0], 1};
        try {
            long[] b = Broadcast.shape(s, matShape);
            if (!java.util.Arrays.equals(b, matShape)) throw new IllegalArgumentException();
        } catch (IllegalArgumentException e) {
            throw ctx.fail("input " + port + ctx.portName(port) + " of shape " + Shape.toString(t.shape()) + " fits neither per-tensor nor per-"
                    + (rowsOfA ? "row" : "column") + " quantisation of a matrix of shape " + Shape.toString(matShape));
        }
        return Broadcast.indexMap(s, matShape);
    }

    private static Product product(KernelContext ctx, int aPort, int azPort, int bPort, int bzPort) {
        Tensor a = ctx.requireInput(aPort), b = ctx.requireInput(bPort);
        long[] as = a.shape(), bs = b.shape();
        if (as.length == 0 || bs.length == 0) throw ctx.fail("matmul inputs must have rank >= 1, got " + Shape.toString(as) + " and " + Shape.toString(bs));
        long[] a2 = as.length == 1 ? new long[] {1, as[0]} : as;
        long[] b2 = bs.length == 1 ? new long[] {bs[0], 1} : bs;
        int m = (int) a2[a2.length - 2], k = (int) a2[a2.length - 1], kb = (int) b2[b2.length - 2], n = (int) b2[b2.length - 1];
        if (k != kb) throw ctx.fail("inner dimensions differ: " + Shape.toString(as) + " x " + Shape.toString(bs));
        long[] ab = java.util.Arrays.copyOf(a2, a2.length - 2), bb = java.util.Arrays.copyOf(b2, b2.length - 2);
        long[] batch;
        try {
            batch = Broadcast.shape(ab, bb);
        } catch (IllegalArgumentException e) {
            throw ctx.fail("batch dimensions of " + Shape.toString(as) + " and " + Shape.toString(bs) + " cannot be broadcast");
        }
        int[] mapA = Broadcast.indexMap(ab, batch), mapB = Broadcast.indexMap(bb, batch);
        long[] av = a.toLongArray(), bv = b.toLongArray();
        Tensor az = ctx.input(azPort), bz = ctx.input(bzPort);
        if (az != null) {
            int[] zi = perElement(ctx, azPort, az, a2, true);
            long[] z = az.toLongArray();
            for (int i = 0; i < av.length; i++) av[i] -= z[zi[i]];
        }
        if (bz != null) {
            int[] zi = perElement(ctx, bzPort, bz, b2, false);
            long[] z = bz.toLongArray();
            for (int i = 0; i < bv.length; i++) bv[i] -= z[zi[i]];
        }
        int nb = mapA.length;
        long[] acc = new long[nb * m * n];
        int[] aRow = new int[acc.length], bCol = new int[acc.length];
        for (int p = 0; p < nb; p++) {
            int ao = mapA[p] * m * k, bo = mapB[p] * k * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    long s = 0;
                    for (int q = 0; q < k; q++) s += av[ao + i * k + q] * bv[bo + q * n + j];
                    int o = (p * m + i) * n + j;
                    acc[o] = (int) s; // accumulation wraps at 32 bits
                    aRow[o] = ao + i * k;
                    bCol[o] = bo + j;
                }
            }
        }
        List<Long> shape = new ArrayList<>();
        for (long d : batch) shape.add(d);
        if (as.length > 1) shape.add((long) m);
        if (bs.length > 1) shape.add((long) n);
        return new Product(shape.stream().mapToLong(Long::longValue).toArray(), acc, aRow, bCol);
    }

    static void matMulInteger(KernelContext ctx) {
        Product p = product(ctx, 0, 2, 1, 3);
        ctx.setOutput(0, Tensor.fromLongs(DataType.INT32, p.shape(), p.acc()));
    }

    static void qLinearMatMul(KernelContext ctx) {
        Product p = product(ctx, 0, 2, 3, 5);
        Tensor a = ctx.requireInput(0), b = ctx.requireInput(3);
        long[] a2 = a.rank() == 1 ? new long[] {1, a.dim(0)} : a.shape();
        long[] b2 = b.rank() == 1 ? new long[] {b.dim(0), 1} : b.shape();
        Tensor asT = ctx.requireInput(1), bsT = ctx.requireInput(4), ysT = ctx.requireInput(6), yzT = ctx.requireInput(7);
        int[] asI = perElement(ctx, 1, asT, a2, true), bsI = perElement(ctx, 4, bsT, b2, false);
        double[] asv = asT.toDoubleArray(), bsv = bsT.toDoubleArray();
        int[] ysI = outputIndex(ctx, 6, ysT, p.shape()), yzI = outputIndex(ctx, 7, yzT, p.shape());
        double[] ysv = ysT.toDoubleArray();
        long[] yzv = yzT.toLongArray();
        DataType out = yzT.dtype();
        long[] y = new long[p.acc().length];
        for (int o = 0; o < y.length; o++) {
            double real = p.acc()[o] * asv[asI[p.aRow()[o]]] * bsv[bsI[p.bCol()[o]]];
            y[o] = Support.saturateRound(Math.rint(real / ysv[ysI[o]]) + yzv[yzI[o]], out);
        }
        ctx.setOutput(0, Tensor.fromLongs(out, p.shape(), y));
    }

    /** Broadcasts y's scale or zero point (per tensor, or any shape broadcastable to y) to y's elements. */
    private static int[] outputIndex(KernelContext ctx, int port, Tensor t, long[] yShape) {
        if (t.size() == 1) return new int[Math.toIntExact(Math.max(1, Shape.elementCount(yShape)))];
        try {
            long[] b = Broadcast.shape(t.shape(), yShape);
            if (!java.util.Arrays.equals(b, yShape)) throw new IllegalArgumentException();
        } catch (IllegalArgumentException e) {
            throw ctx.fail("input " + port + ctx.portName(port) + " of shape " + Shape.toString(t.shape()) + " cannot apply to the output of shape " + Shape.toString(yShape));
        }
        return Broadcast.indexMap(t.shape(), yShape);
    }

    // ------------------------------------------------------------------ convolution

    static void inferConv(InferenceContext ctx, int xPort, int wPort, DataType out) {
        Shape x = ctx.inputShape(xPort), w = ctx.inputShape(wPort);
        int spatial = x.hasRank() ? x.rank() - 2 : w.hasRank() ? w.rank() - 2 : -1;
        if (spatial < 0) {
            ctx.setOutput(0, out, Shape.UNKNOWN_RANK);
            return;
        }
        if (spatial < 1) throw ctx.fail("input " + xPort + ctx.portName(xPort) + " must have rank >= 3 ([N, C, spatial...]), got " + x);
        IntegerConv.Settings s = IntegerConv.settings(ctx.attrs(), spatial, ctx::fail);
        ctx.setOutput(0, out, IntegerConv.inferShape(s, x, w, ctx::fail));
    }

    /** The accumulators of a quantised convolution, zero points subtracted, plus geometry. */
    private record ConvResult(long[] shape, long[] acc, int outPlane) {}

    private static ConvResult conv(KernelContext ctx, int xPort, int xzPort, int wPort, int wzPort) {
        Tensor x = ctx.requireInput(xPort), w = ctx.requireInput(wPort);
        if (x.rank() < 3) throw ctx.fail("input " + xPort + ctx.portName(xPort) + " must have rank >= 3 ([N, C, spatial...]), got shape " + Shape.toString(x.shape()));
        IntegerConv.Settings s = IntegerConv.settings(ctx.attrs(), x.rank() - 2, ctx::fail);
        IntegerConv.Geometry g = IntegerConv.geometry(s, x.shape(), w.shape(), ctx::fail);
        long[] xv = x.toLongArray(), wv = w.toLongArray();
        Tensor xz = ctx.input(xzPort), wz = ctx.input(wzPort);
        if (xz != null) {
            if (xz.size() != 1) throw ctx.fail("input " + xzPort + ctx.portName(xzPort) + " must be a scalar (per-tensor), got shape " + Shape.toString(xz.shape()));
            long z = xz.getScalarLong(0);
            for (int i = 0; i < xv.length; i++) xv[i] -= z;
        }
        int m = (int) w.dim(0);
        if (wz != null) {
            long[] z = perChannel(ctx, wzPort, wz, m);
            int per = wv.length / Math.max(m, 1);
            for (int i = 0; i < wv.length; i++) wv[i] -= z[i / per];
        }
        long[] acc = IntegerConv.convolve(xv, x.shape(), wv, w.shape(), s.group(), g);
        long[] shape = new long[x.rank()];
        shape[0] = x.dim(0);
        shape[1] = m;
        System.arraycopy(g.out(), 0, shape, 2, g.out().length);
        return new ConvResult(shape, acc, (int) Shape.elementCount(g.out()));
    }

    /** A per-tensor or per-output-channel value expanded to one per channel. */
    private static long[] perChannel(KernelContext ctx, int port, Tensor t, int m) {
        long[] v = t.toLongArray();
        if (v.length == 1) {
            long[] r = new long[m];
            java.util.Arrays.fill(r, v[0]);
            return r;
        }
        if (t.rank() != 1 || v.length != m)
            throw ctx.fail("input " + port + ctx.portName(port) + " must be a scalar or 1-D with one value per output channel (" + m + "), got shape " + Shape.toString(t.shape()));
        return v;
    }

    private static double[] perChannelDouble(KernelContext ctx, int port, Tensor t, int m) {
        double[] v = t.toDoubleArray();
        if (v.length == 1) {
            double[] r = new double[m];
            java.util.Arrays.fill(r, v[0]);
            return r;
        }
        if (t.rank() != 1 || v.length != m)
            throw ctx.fail("input " + port + ctx.portName(port) + " must be a scalar or 1-D with one value per output channel (" + m + "), got shape " + Shape.toString(t.shape()));
        return v;
    }

    static void convInteger(KernelContext ctx) {
        ConvResult c = conv(ctx, 0, 2, 1, 3);
        long[] y = c.acc();
        for (int i = 0; i < y.length; i++) y[i] = (int) y[i];
        ctx.setOutput(0, Tensor.fromLongs(DataType.INT32, c.shape(), y));
    }

    static void qLinearConv(KernelContext ctx) {
        ConvResult c = conv(ctx, 0, 2, 3, 5);
        int m = (int) c.shape()[1];
        double xs = scalar(ctx, 1);
        double[] ws = perChannelDouble(ctx, 4, ctx.requireInput(4), m);
        double ys = scalar(ctx, 6);
        Tensor yz = ctx.requireInput(7);
        if (yz.size() != 1) throw ctx.fail("input 7 ('y_zero_point') must be a scalar, got shape " + Shape.toString(yz.shape()));
        long zp = yz.getScalarLong(0);
        long[] bias = ctx.hasInput(8) ? ctx.input(8).toLongArray() : null;
        if (bias != null && bias.length != m) throw ctx.fail("input 8 ('B') must have " + m + " values (one per output channel), got " + bias.length);
        DataType out = yz.dtype();
        long[] acc = c.acc();
        long[] y = new long[acc.length];
        for (int i = 0; i < acc.length; i++) {
            int oc = (int) ((i / c.outPlane()) % m);
            long sum = (int) (acc[i] + (bias == null ? 0 : bias[oc]));
            y[i] = Support.saturateRound(Math.rint(sum * xs * ws[oc] / ys) + zp, out);
        }
        ctx.setOutput(0, Tensor.fromLongs(out, c.shape(), y));
    }

    private static double scalar(KernelContext ctx, int port) {
        Tensor t = ctx.requireInput(port);
        if (t.size() != 1) throw ctx.fail("input " + port + ctx.portName(port) + " must be a scalar (per-tensor), got shape " + Shape.toString(t.shape()));
        double v = t.getScalarDouble(0);
        if (v == 0 && port == 6) throw ctx.fail("input 6 ('y_scale') must be non-zero");
        return v;
    }
}
