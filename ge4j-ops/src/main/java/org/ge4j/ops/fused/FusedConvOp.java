package org.ge4j.ops.fused;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Node;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.DataTypes;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * {@code ge4j::FusedConv}: Y = act(conv(X, W) + B + Z). The convolution and its attributes are ONNX Conv's
 * (N-d, groups, strides, dilations, pads, auto_pad); Z is the optional residual (present exactly when
 * {@code has_residual} = 1) of Y's shape; the activation is {@link Activation}'s. Made from
 * Conv(+BatchNormalization folded into W and B)(+Add)(+Relu/Clip).
 */
final class FusedConvOp {
    private FusedConvOp() {}

    static final String TYPE = "FusedConv";

    static void register(OpRegistry r) {
        r.register(OpSchema.builder(Node.GE4J_DOMAIN, TYPE, 1)
                .doc("Y = act(conv(X, W) + B + Z): ONNX Conv, then the residual Z (has_residual=1), then the activation.")
                .input("X", "T").input("W", "T").optionalInput("B", "T").optionalInput("Z", "T").output("Y", "T")
                .types("T", DataTypes.FLOATS)
                .attr("auto_pad", "NOTSET").optionalAttr("dilations", AttrType.INTS).attr("group", 1L)
                .optionalAttr("kernel_shape", AttrType.INTS).optionalAttr("pads", AttrType.INTS).optionalAttr("strides", AttrType.INTS)
                .attr("activation", "").optionalAttr("activation_params", AttrType.FLOATS).attr("approximate", "none").attr("has_residual", 0L)
                .traits(Trait.PURE).inference(FusedConvOp::infer).build());
        r.registerKernel(OpRegistry.REFERENCE, Node.GE4J_DOMAIN, TYPE, FusedConvOp::compute);
    }

    /** The convolution geometry for {@code spatial} dims, read from the attributes (defaults filled). */
    private record Geometry(int spatial, long[] kernel, long[] strides, long[] dilations, long[] padsBegin, long[] padsEnd, String autoPad, long group) {
        static Geometry of(Attrs a, int spatial, long[] kernelFromW, java.util.function.Function<String, OpException> fail) {
            long[] k = a.getInts("kernel_shape", kernelFromW);
            long[] s = a.getInts("strides", ones(spatial)), d = a.getInts("dilations", ones(spatial));
            long[] p = a.getInts("pads", new long[2 * spatial]);
            String ap = a.getString("auto_pad");
            long g = a.getInt("group");
            if (k == null || k.length != spatial) throw fail.apply("attribute 'kernel_shape' must have " + spatial + " values (one per spatial dim)");
            if (s.length != spatial) throw fail.apply("attribute 'strides' must have " + spatial + " values, got " + s.length);
            if (d.length != spatial) throw fail.apply("attribute 'dilations' must have " + spatial + " values, got " + d.length);
            if (p.length != 2 * spatial) throw fail.apply("attribute 'pads' must have " + 2 * spatial + " values, got " + p.length);
            if (!List.of("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID").contains(ap)) throw fail.apply("attribute 'auto_pad' must be NOTSET, SAME_UPPER, SAME_LOWER or VALID, got " + ap);
            if (g < 1) throw fail.apply("attribute 'group' must be >= 1, got " + g);
            for (int i = 0; i < spatial; i++)
                if (s[i] < 1 || d[i] < 1) throw fail.apply("strides and dilations must be >= 1");
            long[] pb = new long[spatial], pe = new long[spatial];
            for (int i = 0; i < spatial; i++) {
                pb[i] = p[i];
                pe[i] = p[i + spatial];
            }
            return new Geometry(spatial, k, s, d, pb, pe, ap, g);
        }

        long extent(int i) { return (kernel[i] - 1) * dilations[i] + 1; }

        /** Output size of spatial dim i for input size n (fills SAME pads into padsBegin/padsEnd). */
        long out(int i, long n) {
            return switch (autoPad) {
                case "SAME_UPPER", "SAME_LOWER" -> {
                    long o = (n + strides[i] - 1) / strides[i];
                    long total = Math.max(0, (o - 1) * strides[i] + extent(i) - n);
                    padsBegin[i] = autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
                    padsEnd[i] = total - padsBegin[i];
                    yield o;
                }
                case "VALID" -> {
                    padsBegin[i] = padsEnd[i] = 0;
                    yield n < extent(i) ? 0 : (n - extent(i)) / strides[i] + 1;
                }
                default -> {
                    long full = n + padsBegin[i] + padsEnd[i];
                    yield full < extent(i) ? 0 : (full - extent(i)) / strides[i] + 1;
                }
            };
        }

        private static long[] ones(int n) {
            long[] a = new long[n];
            java.util.Arrays.fill(a, 1);
            return a;
        }
    }

    static void infer(InferenceContext ctx) {
        Activation.check(ctx.attrs());
        boolean res = ctx.attrs().getInt("has_residual") != 0;
        if (res != ctx.hasInput(3))
            throw ctx.fail("attribute 'has_residual' = " + (res ? 1 : 0) + " but input 3 ('Z') is " + (ctx.hasInput(3) ? "present" : "absent"));
        Shape x = ctx.inputShape(0), w = ctx.inputShape(1);
        if (!x.hasRank() || !w.hasRank()) {
            ctx.setOutput(0, ctx.inputType(0), Shape.UNKNOWN_RANK);
            return;
        }
        if (x.rank() < 3) throw ctx.fail("input 0 ('X') must have rank >= 3 ([N, C, spatial...]), got " + x);
        if (w.rank() != x.rank()) throw ctx.fail("input 1 ('W') " + w + " must have the rank of input 0 ('X') " + x);
        int spatial = x.rank() - 2;
        long[] kw = new long[spatial];
        boolean kStatic = true;
        for (int i = 0; i < spatial; i++) {
            kw[i] = w.dim(i + 2).valueOr(-1);
            kStatic &= kw[i] >= 0;
        }
        Geometry geo = Geometry.of(ctx.attrs(), spatial, kStatic ? kw : null, ctx::fail);
        long c = x.dim(1).valueOr(-1), wc = w.dim(1).valueOr(-1);
        if (c >= 0 && wc >= 0 && c != wc * geo.group)
            throw ctx.fail("input 0 ('X') has " + c + " channels but W " + w + " with group " + geo.group + " expects " + wc * geo.group);
        List<Dim> out = new ArrayList<>();
        out.add(x.dim(0));
        out.add(w.dim(0));
        for (int i = 0; i < spatial; i++) {
            long n = x.dim(i + 2).valueOr(-1);
            out.add(n < 0 ? Dim.UNKNOWN : Dim.of(geo.out(i, n)));
        }
        Shape y = Shape.of(out);
        if (ctx.hasInput(3) && !FusedMath.mayBroadcastTo(ctx.inputShape(3), y))
            throw ctx.fail("input 3 ('Z') " + ctx.inputShape(3) + " must have the output's shape " + y);
        ctx.setOutput(0, ctx.inputType(0), y);
    }

    static void compute(KernelContext ctx) {
        Tensor xt = ctx.requireInput(0), wt = ctx.requireInput(1), bt = ctx.input(2), zt = ctx.input(3);
        long[] xs = xt.shape(), ws = wt.shape();
        if (xs.length < 3 || ws.length != xs.length) throw ctx.fail("inputs X " + Shape.toString(xs) + " and W " + Shape.toString(ws) + " must both have rank >= 3");
        int sp = xs.length - 2;
        long[] kw = new long[sp];
        System.arraycopy(ws, 2, kw, 0, sp);
        Geometry geo = Geometry.of(ctx.attrs(), sp, kw, ctx::fail);
        long n = xs[0], c = xs[1], m = ws[0], cg = ws[1], g = geo.group;
        if (c != cg * g || m % g != 0) throw ctx.fail("X has " + c + " channels, W " + Shape.toString(ws) + " with group " + g + " does not match");
        long[] ys = new long[xs.length];
        ys[0] = n;
        ys[1] = m;
        for (int i = 0; i < sp; i++) ys[i + 2] = geo.out(i, xs[i + 2]);
        double[] x = xt.toDoubleArray(), w = wt.toDoubleArray();
        double[] b = bt == null ? null : bt.toDoubleArray();
        if (b != null && b.length != m) throw ctx.fail("input 2 ('B') must have " + m + " values, got " + b.length);
        double[] z = null;
        if (zt != null) {
            if (!FusedMath.broadcastsTo(zt.shape(), ys)) throw ctx.fail("input 3 ('Z') " + Shape.toString(zt.shape()) + " must broadcast to the output's shape " + Shape.toString(ys));
            z = FusedMath.broadcastTo(zt.toDoubleArray(), zt.shape(), ys);
        }
        DoubleUnaryOperator act = Activation.of(ctx.attrs());
        long[] xst = FusedMath.strides(xs), wst = FusedMath.strides(ws);
        long[] inSp = java.util.Arrays.copyOfRange(xs, 2, xs.length), outSp = java.util.Arrays.copyOfRange(ys, 2, ys.length);
        long outPlane = FusedMath.count(outSp), kPlane = FusedMath.count(kw);
        double[] y = new double[(int) FusedMath.count(ys)];
        long mPerGroup = m / g;
        long[] o = new long[sp], k = new long[sp];
        for (long in = 0; in < n; in++)
            for (long oc = 0; oc < m; oc++) {
                long grp = oc / mPerGroup;
                for (long op = 0; op < outPlane; op++) {
                    unflatten(op, outSp, o);
                    double s = b == null ? 0 : b[(int) oc];
                    for (long icg = 0; icg < cg; icg++) {
                        long ic = grp * cg + icg;
                        for (long kp = 0; kp < kPlane; kp++) {
                            unflatten(kp, kw, k);
                            long xo = in * xst[0] + ic * xst[1];
                            boolean inside = true;
                            for (int i = 0; i < sp && inside; i++) {
                                long pos = o[i] * geo.strides[i] + k[i] * geo.dilations[i] - geo.padsBegin[i];
                                if (pos < 0 || pos >= inSp[i]) inside = false;
                                else xo += pos * xst[i + 2];
                            }
                            if (!inside) continue;
                            long wo = oc * wst[0] + icg * wst[1];
                            for (int i = 0; i < sp; i++) wo += k[i] * wst[i + 2];
                            s += x[(int) xo] * w[(int) wo];
                        }
                    }
                    int yi = (int) ((in * m + oc) * outPlane + op);
                    y[yi] = act.applyAsDouble(s + (z == null ? 0 : z[yi]));
                }
            }
        ctx.setOutput(0, Tensor.fromDoubles(xt.dtype(), ys, y));
    }

    private static void unflatten(long flat, long[] dims, long[] idx) {
        for (int i = dims.length - 1; i >= 0; i--) {
            idx[i] = flat % dims[i];
            flat /= dims[i];
        }
    }
}
