package org.ge4j.ops.onnx.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.ge4j.ir.AttrType;
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

/** Conv and ConvTranspose over any number of spatial axes, with groups, strides, dilations, pads and auto_pad. */
public final class ConvOps {
    private ConvOps() {}

    /** Output positions per tile of the conv GEMM (keeps the column tile in cache). */
    private static final int TILE = 256;

    public static void register(OpRegistry r) {
        for (int v : new int[] {1, 11}) {
            r.register(windowAttrs(OpSchema.onnx("Conv", v)
                    .doc("N-d convolution: Y[n, m] = sum over c in m's group and the kernel of W[m, c] * X[n, c] (+ B[m]).")
                    .input("X", "T").input("W", "T").optionalInput("B", "T").output("Y", "T").types("T", NnTypes.F))
                    .attr("group", 1L).traits(Trait.PURE).inference(ConvOps::inferConv).build());
            r.register(windowAttrs(OpSchema.onnx("ConvTranspose", v)
                    .doc("N-d transposed convolution (the gradient of Conv with respect to its input).")
                    .input("X", "T").input("W", "T").optionalInput("B", "T").output("Y", "T").types("T", NnTypes.F))
                    .attr("group", 1L).optionalAttr("output_padding", AttrType.INTS).optionalAttr("output_shape", AttrType.INTS)
                    .traits(Trait.PURE).inference(ConvOps::inferConvTranspose).build());
        }
        r.registerReference("Conv", ConvOps::conv);
        r.registerReference("ConvTranspose", ConvOps::convTranspose);
    }

    private static OpSchema.Builder windowAttrs(OpSchema.Builder b) {
        return b.attr("auto_pad", "NOTSET").optionalAttr("dilations", AttrType.INTS).optionalAttr("kernel_shape", AttrType.INTS)
                .optionalAttr("pads", AttrType.INTS).optionalAttr("strides", AttrType.INTS);
    }

    // ------------------------------------------------------------------ inference

    /** Kernel spatial shape from the attribute or W's static dims (null when unknown); checks they agree. */
    private static long[] kernelShape(InferenceContext ctx, Shape w, int spatial) {
        long[] attr = ctx.attrs().getInts("kernel_shape", null);
        if (attr != null && attr.length != spatial)
            throw ctx.fail("attribute 'kernel_shape' " + Arrays.toString(attr) + " must have " + spatial + " values, one per spatial axis");
        if (w.hasRank()) {
            for (int i = 0; i < spatial; i++) {
                long d = Infer.size(w, 2 + i);
                if (attr != null && d >= 0 && d != attr[i])
                    throw ctx.fail("attribute 'kernel_shape' " + Arrays.toString(attr) + " disagrees with input 1 ('W') shape " + w);
            }
        }
        if (attr != null) return attr;
        if (!w.hasRank()) return null;
        long[] k = new long[spatial];
        for (int i = 0; i < spatial; i++) {
            k[i] = Infer.size(w, 2 + i);
            if (k[i] < 0) return null;
        }
        return k;
    }

    /** Checks ranks of X and W; returns the spatial rank or -1 when unknown. */
    private static int spatialRank(InferenceContext ctx, Shape x, Shape w) {
        Infer.requireMinRank(ctx, 0, x, 3, "N x C x D1 x ... x Dn");
        Infer.requireMinRank(ctx, 1, w, 3, "M x C/group x k1 x ... x kn");
        if (x.hasRank() && w.hasRank() && x.rank() != w.rank())
            throw ctx.fail("input 1 ('W') has rank " + w.rank() + " (shape " + w + ") but input 0 ('X') has rank " + x.rank() + " (shape " + x + "); they must match");
        return x.hasRank() ? x.rank() - 2 : w.hasRank() ? w.rank() - 2 : -1;
    }

    static void inferConv(InferenceContext ctx) {
        DataType t = ctx.inputType(0);
        Shape x = ctx.inputShape(0), w = ctx.inputShape(1);
        int r = spatialRank(ctx, x, w);
        long group = ctx.attrs().getInt("group");
        if (group <= 0) throw ctx.fail("attribute 'group' must be positive, got " + group);
        if (r < 0) {
            ctx.setOutput(0, t, Shape.UNKNOWN_RANK);
            return;
        }
        Dim m = w.hasRank() ? w.dim(0) : Dim.UNKNOWN;
        if (x.hasRank() && w.hasRank()) checkChannels(ctx, Infer.size(x, 1), Infer.size(w, 1), group);
        if (m.isStatic() && m.valueOr(0) % group != 0)
            throw ctx.fail("input 1 ('W') has " + m + " output channels, which is not divisible by group = " + group);
        if (ctx.hasInput(2)) {
            Shape b = ctx.inputShape(2);
            if (b.hasRank()) {
                if (b.rank() != 1) throw ctx.fail("input 2 ('B') must be 1-D with M = " + m + " values, got shape " + b);
                Infer.requireEqual(ctx, b.dim(0), m, "input 2 ('B') has " + b.dim(0) + " values, expected M = " + m + " (output channels of W)");
            }
        }
        long[] kernel = kernelShape(ctx, w, r);
        List<Dim> out = new ArrayList<>();
        out.add(x.hasRank() ? x.dim(0) : Dim.UNKNOWN);
        out.add(m);
        for (int i = 0; i < r; i++) {
            Dim in = x.hasRank() ? x.dim(2 + i) : Dim.UNKNOWN;
            if (kernel == null) out.add(Dim.UNKNOWN);
            else out.add(Window.read(ctx.attrs(), kernel, ctx::fail).outDim(i, in, ctx::fail));
        }
        ctx.setOutput(0, t, Shape.of(out));
    }

    private static void checkChannels(InferenceContext ctx, long c, long wc, long group) {
        if (c < 0 || wc < 0) return;
        if (c % group != 0)
            throw ctx.fail("input 0 ('X') has " + c + " channels, which is not divisible by group = " + group);
        if (c != wc * group)
            throw ctx.fail("input 1 ('W') has " + wc + " input channels per group, expected " + c / group + " (X has " + c + " channels, group = " + group + ")");
    }

    static void inferConvTranspose(InferenceContext ctx) {
        DataType t = ctx.inputType(0);
        Shape x = ctx.inputShape(0), w = ctx.inputShape(1);
        int r = spatialRank(ctx, x, w);
        long group = ctx.attrs().getInt("group");
        if (group <= 0) throw ctx.fail("attribute 'group' must be positive, got " + group);
        if (r < 0) {
            ctx.setOutput(0, t, Shape.UNKNOWN_RANK);
            return;
        }
        if (x.hasRank() && w.hasRank()) {
            long c = Infer.size(x, 1), wc = Infer.size(w, 0);
            if (c >= 0 && wc >= 0 && c != wc)
                throw ctx.fail("input 1 ('W') has " + wc + " input channels (dim 0 of " + w + "), expected " + c + " (the channels of input 0 ('X') " + x + ")");
            if (c >= 0 && c % group != 0) throw ctx.fail("input 0 ('X') has " + c + " channels, which is not divisible by group = " + group);
        }
        Dim m = w.hasRank() && w.dim(1).isStatic() ? Dim.of(w.dim(1).valueOr(0) * group) : Dim.UNKNOWN;
        if (ctx.hasInput(2)) {
            Shape b = ctx.inputShape(2);
            if (b.hasRank()) {
                if (b.rank() != 1) throw ctx.fail("input 2 ('B') must be 1-D with M values, got shape " + b);
                Infer.requireEqual(ctx, b.dim(0), m, "input 2 ('B') has " + b.dim(0) + " values, expected M = " + m + " (output channels)");
            }
        }
        long[] kernel = kernelShape(ctx, w, r);
        long[] outShape = ctx.attrs().getInts("output_shape", null);
        List<Dim> out = new ArrayList<>();
        out.add(x.hasRank() ? x.dim(0) : Dim.UNKNOWN);
        out.add(m);
        for (int i = 0; i < r; i++) {
            Dim in = x.hasRank() ? x.dim(2 + i) : Dim.UNKNOWN;
            if (outShape != null && outShape.length >= r) out.add(Dim.of(outShape[outShape.length - r + i]));
            else if (kernel == null || !in.isStatic()) out.add(Dim.UNKNOWN);
            else out.add(Dim.of(transposeAxis(ctx::fail, Window.read(ctx.attrs(), kernel, ctx::fail), ctx.attrs().getInts("output_padding", null), null, i, in.valueOr(0), null)));
        }
        ctx.setOutput(0, t, Shape.of(out));
    }

    // ------------------------------------------------------------------ Conv kernel

    static void conv(KernelContext ctx) {
        Tensor tx = ctx.requireInput(0), tw = ctx.requireInput(1), tb = ctx.input(2);
        long[] xs = tx.shape(), ws = tw.shape();
        if (xs.length < 3) throw ctx.fail("input 0 ('X') must have rank >= 3 (N x C x D1 ...), got shape " + Shape.toString(xs));
        if (ws.length != xs.length) throw ctx.fail("input 1 ('W') shape " + Shape.toString(ws) + " must have the rank of input 0 ('X') " + Shape.toString(xs));
        int r = xs.length - 2;
        int group = (int) ctx.attrs().getInt("group");
        if (group <= 0) throw ctx.fail("attribute 'group' must be positive, got " + group);
        int n = (int) xs[0], c = (int) xs[1], m = (int) ws[0];
        if (c % group != 0) throw ctx.fail("input 0 ('X') has " + c + " channels, which is not divisible by group = " + group);
        if (ws[1] * group != c)
            throw ctx.fail("input 1 ('W') has " + ws[1] + " input channels per group, expected " + c / group + " (X has " + c + " channels, group = " + group + ")");
        if (m % group != 0) throw ctx.fail("input 1 ('W') has " + m + " output channels, which is not divisible by group = " + group);
        long[] kernel = Arrays.copyOfRange(ws, 2, ws.length);
        long[] kAttr = ctx.attrs().getInts("kernel_shape", null);
        if (kAttr != null && !Arrays.equals(kAttr, kernel))
            throw ctx.fail("attribute 'kernel_shape' " + Arrays.toString(kAttr) + " disagrees with input 1 ('W') shape " + Shape.toString(ws));
        double[] bias = biasOf(ctx, tb, m);
        Window win = Window.read(ctx.attrs(), kernel, ctx::fail);
        long[] image = Arrays.copyOfRange(xs, 2, xs.length);
        long[] pads = new long[2 * r];
        long[] grid = win.outShape(image, pads, ctx::fail);
        long[] yShape = new long[xs.length];
        yShape[0] = n;
        yShape[1] = m;
        System.arraycopy(grid, 0, yShape, 2, r);

        int cg = c / group, mg = m / group;
        int q = Tensors.prod(image, 0, r), p = Tensors.prod(grid, 0, r), kk = Tensors.prod(kernel, 0, r);
        int rows = cg * kk;
        double[] x = tx.toDoubleArray(), w = tw.toDoubleArray();
        double[] y = new double[Math.toIntExact((long) n * m * p)];
        boolean pointwise = kk == 1 && Arrays.stream(win.strides).allMatch(s -> s == 1) && Arrays.stream(pads).allMatch(v -> v == 0);
        double[] col = pointwise ? null : new double[Math.toIntExact((long) rows * p)];
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < group; g++) {
                int xOff = (b * c + g * cg) * q;
                double[] src = x;
                int srcOff = xOff;
                if (!pointwise) {
                    Im2Col.im2col(x, xOff, cg, image, grid, win, pads, col);
                    src = col;
                    srcOff = 0;
                }
                for (int p0 = 0; p0 < p; p0 += TILE) {
                    int p1 = Math.min(p, p0 + TILE);
                    for (int oc = g * mg; oc < (g + 1) * mg; oc++) {
                        int yRow = (b * m + oc) * p, wRow = oc * rows;
                        for (int k = 0; k < rows; k++) {
                            double wv = w[wRow + k];
                            int sRow = srcOff + k * p;
                            for (int j = p0; j < p1; j++) y[yRow + j] += wv * src[sRow + j];
                        }
                    }
                }
            }
            if (bias != null) addBias(y, b, m, p, bias);
        }
        ctx.setOutput(0, Tensors.fromDoubles(tx.dtype(), yShape, y));
    }

    private static double[] biasOf(KernelContext ctx, Tensor tb, int m) {
        if (tb == null) return null;
        if (tb.rank() != 1 || tb.dim(0) != m)
            throw ctx.fail("input 2 ('B') must be 1-D with M = " + m + " values, got shape " + Shape.toString(tb.shape()));
        return tb.toDoubleArray();
    }

    private static void addBias(double[] y, int b, int m, int p, double[] bias) {
        for (int oc = 0; oc < m; oc++) {
            int row = (b * m + oc) * p;
            double bv = bias[oc];
            for (int j = 0; j < p; j++) y[row + j] += bv;
        }
    }

    // ------------------------------------------------------------------ ConvTranspose kernel

    /**
     * Output spatial shape of ConvTranspose for input spatial shape {@code in}; fills {@code pads} (begins, ends).
     * {@code outputShape} is the attribute (spatial dims, or the full shape) or null.
     */
    static long[] transposeGeometry(Function<String, OpException> fail, Window w, long[] outputPadding, long[] outputShape, long[] in, long[] pads) {
        int r = in.length;
        long[] out = new long[r];
        for (int i = 0; i < r; i++) out[i] = transposeAxis(fail, w, outputPadding, outputShape, i, in[i], pads);
        return out;
    }

    /**
     * Output size of ConvTranspose along spatial axis i for input size {@code in}; stores the pads used
     * into {@code pads[i]} and {@code pads[rank + i]} when {@code pads} is not null. With output_shape or
     * SAME_* the total padding is split as the spec says (floor division: a negative total, i.e. an output
     * larger than the full result, adds zeros at the end).
     */
    static long transposeAxis(Function<String, OpException> fail, Window w, long[] outputPadding, long[] outputShape, int i, long in, long[] pads) {
        int r = w.rank;
        if (outputPadding != null && outputPadding.length != 0 && outputPadding.length != r)
            throw fail.apply("attribute 'output_padding' " + Arrays.toString(outputPadding) + " must have " + r + " values, one per spatial axis");
        if (outputShape != null && outputShape.length != 0 && outputShape.length != r && outputShape.length != r + 2)
            throw fail.apply("attribute 'output_shape' " + Arrays.toString(outputShape) + " must have " + r + " spatial values");
        long op = outputPadding == null || outputPadding.length == 0 ? 0 : outputPadding[i];
        long full = w.strides[i] * (in - 1) + op + w.extent(i);
        long out, pb = 0, pe = 0;
        boolean target = outputShape != null && outputShape.length != 0;
        if (target || w.isSame()) {
            out = target ? outputShape[outputShape.length - r + i] : in * w.strides[i];
            long total = full - out;
            if (w.autoPad.equals("SAME_UPPER")) {
                pb = Math.floorDiv(total, 2);
                pe = total - pb;
            } else {
                pe = Math.floorDiv(total, 2);
                pb = total - pe;
            }
        } else if (w.autoPad.equals("VALID")) {
            out = full;
        } else {
            pb = w.pads[i];
            pe = w.pads[r + i];
            out = full - pb - pe;
        }
        if (out <= 0)
            throw fail.apply("spatial axis " + i + ": output size would be " + out + " (input " + in + ", stride " + w.strides[i] + ", kernel extent " + w.extent(i)
                    + ", pads " + pb + "+" + pe + ")");
        if (pads != null) {
            pads[i] = pb;
            pads[r + i] = pe;
        }
        return out;
    }

    static void convTranspose(KernelContext ctx) {
        Tensor tx = ctx.requireInput(0), tw = ctx.requireInput(1), tb = ctx.input(2);
        long[] xs = tx.shape(), ws = tw.shape();
        if (xs.length < 3) throw ctx.fail("input 0 ('X') must have rank >= 3 (N x C x D1 ...), got shape " + Shape.toString(xs));
        if (ws.length != xs.length) throw ctx.fail("input 1 ('W') shape " + Shape.toString(ws) + " must have the rank of input 0 ('X') " + Shape.toString(xs));
        int r = xs.length - 2;
        int group = (int) ctx.attrs().getInt("group");
        if (group <= 0) throw ctx.fail("attribute 'group' must be positive, got " + group);
        int n = (int) xs[0], c = (int) xs[1];
        if (ws[0] != c) throw ctx.fail("input 1 ('W') has " + ws[0] + " input channels (dim 0), expected " + c + " (the channels of input 0 ('X'))");
        if (c % group != 0) throw ctx.fail("input 0 ('X') has " + c + " channels, which is not divisible by group = " + group);
        int mg = (int) ws[1], m = mg * group, cg = c / group;
        long[] kernel = Arrays.copyOfRange(ws, 2, ws.length);
        long[] kAttr = ctx.attrs().getInts("kernel_shape", null);
        if (kAttr != null && !Arrays.equals(kAttr, kernel))
            throw ctx.fail("attribute 'kernel_shape' " + Arrays.toString(kAttr) + " disagrees with input 1 ('W') shape " + Shape.toString(ws));
        double[] bias = biasOf(ctx, tb, m);
        Window win = Window.read(ctx.attrs(), kernel, ctx::fail);
        long[] grid = Arrays.copyOfRange(xs, 2, xs.length);
        long[] pads = new long[2 * r];
        long[] image = transposeGeometry(ctx::fail, win, ctx.attrs().getInts("output_padding", null), ctx.attrs().getInts("output_shape", null), grid, pads);
        long[] yShape = new long[xs.length];
        yShape[0] = n;
        yShape[1] = m;
        System.arraycopy(image, 0, yShape, 2, r);

        int q = Tensors.prod(grid, 0, r), p = Tensors.prod(image, 0, r), kk = Tensors.prod(kernel, 0, r);
        int rows = mg * kk;
        double[] x = tx.toDoubleArray(), w = tw.toDoubleArray();
        double[] y = new double[Math.toIntExact((long) n * m * p)];
        double[] col = new double[Math.toIntExact((long) rows * q)];
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < group; g++) {
                Arrays.fill(col, 0.0);
                for (int ci = 0; ci < cg; ci++) {
                    int xRow = (b * c + g * cg + ci) * q, wBase = (g * cg + ci) * rows;
                    for (int k = 0; k < rows; k++) {
                        double wv = w[wBase + k];
                        int cRow = k * q;
                        for (int j = 0; j < q; j++) col[cRow + j] += wv * x[xRow + j];
                    }
                }
                Im2Col.col2im(col, mg, grid, image, win, pads, y, (b * m + g * mg) * p);
            }
            if (bias != null) addBias(y, b, m, p, bias);
        }
        ctx.setOutput(0, Tensors.fromDoubles(tx.dtype(), yShape, y));
    }
}
