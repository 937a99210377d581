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
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/** MaxPool, AveragePool, LpPool, their Global forms, MaxUnpool and MaxRoiPool over N-d inputs. */
public final class PoolOps {
    private PoolOps() {}

    private enum Kind { MAX, AVG, LP }

    public static void register(OpRegistry r) {
        for (int v : new int[] {1, 8, 10, 11, 12}) {
            OpSchema.Builder b = window(OpSchema.onnx("MaxPool", v).doc("Max over sliding windows; optional Indices output holds flat input indices of the maxima."), v >= 10, true)
                    .input("X", "T").output("Y", "T").types("T", v >= 12 ? DataTypes2.F_I8_U8 : NnTypes.F);
            if (v >= 8) b.optionalOutput("Indices", "I").types("I", NnTypes.I64).attr("storage_order", 0L);
            r.register(b.traits(Trait.PURE).inference(PoolOps::inferPool).build());
        }
        for (int v : new int[] {1, 7, 10, 11}) {
            OpSchema.Builder b = window(OpSchema.onnx("AveragePool", v).doc("Average over sliding windows (padding counted only with count_include_pad)."), v >= 10, false)
                    .input("X", "T").output("Y", "T").types("T", NnTypes.F);
            if (v >= 7) b.attr("count_include_pad", 0L);
            r.register(b.traits(Trait.PURE).inference(PoolOps::inferPool).build());
        }
        for (int v : new int[] {1, 2, 11, 18}) {
            OpSchema.Builder b = OpSchema.onnx("LpPool", v).doc("Lp norm (sum |x|^p)^(1/p) over sliding windows.")
                    .attr("auto_pad", "NOTSET").optionalAttr("pads", AttrType.INTS).optionalAttr("strides", AttrType.INTS);
            if (v == 1) b.optionalAttr("kernel_shape", AttrType.INTS).attr("p", 2.0f);
            else b.requiredAttr("kernel_shape", AttrType.INTS).attr("p", 2L);
            if (v >= 18) b.attr("ceil_mode", 0L).optionalAttr("dilations", AttrType.INTS);
            r.register(b.input("X", "T").output("Y", "T").types("T", NnTypes.F).traits(Trait.PURE).inference(PoolOps::inferPool).build());
        }
        r.registerReference("MaxPool", ctx -> pool(ctx, Kind.MAX));
        r.registerReference("AveragePool", ctx -> pool(ctx, Kind.AVG));
        r.registerReference("LpPool", ctx -> pool(ctx, Kind.LP));

        r.register(global("GlobalAveragePool", 1, "Mean over all spatial positions.").build());
        r.register(global("GlobalMaxPool", 1, "Max over all spatial positions.").build());
        r.register(global("GlobalLpPool", 1, "Lp norm over all spatial positions.").attr("p", 2.0f).build());
        r.register(global("GlobalLpPool", 2, "Lp norm over all spatial positions.").attr("p", 2L).build());
        r.registerReference("GlobalAveragePool", ctx -> globalPool(ctx, Kind.AVG));
        r.registerReference("GlobalMaxPool", ctx -> globalPool(ctx, Kind.MAX));
        r.registerReference("GlobalLpPool", ctx -> globalPool(ctx, Kind.LP));

        for (int v : new int[] {9, 11}) {
            r.register(OpSchema.onnx("MaxUnpool", v).doc("Partial inverse of MaxPool: scatters X to the flat output positions given by I, zeros elsewhere.")
                    .input("X", "T1").input("I", "T2").optionalInput("output_shape", "T2").output("output", "T1")
                    .types("T1", NnTypes.F).types("T2", NnTypes.I64)
                    .requiredAttr("kernel_shape", AttrType.INTS).optionalAttr("pads", AttrType.INTS).optionalAttr("strides", AttrType.INTS)
                    .traits(Trait.PURE).inference(PoolOps::inferMaxUnpool).build());
        }
        r.registerReference("MaxUnpool", PoolOps::maxUnpool);

        r.register(OpSchema.onnx("MaxRoiPool", 1).doc("Max pooling of regions of interest (rois rows: batch index, x1, y1, x2, y2) to a fixed pooled_shape.")
                .input("X", "T").input("rois", "T").output("Y", "T").types("T", NnTypes.F)
                .requiredAttr("pooled_shape", AttrType.INTS).attr("spatial_scale", 1.0f)
                .traits(Trait.PURE).inference(PoolOps::inferMaxRoiPool).build());
        r.registerReference("MaxRoiPool", PoolOps::maxRoiPool);
    }

    /** Type sets local to pooling. */
    private static final class DataTypes2 {
        static final Set<DataType> F_I8_U8 = org.ge4j.ops.DataTypes.union(NnTypes.F, Set.of(DataType.INT8, DataType.UINT8));
    }

    private static OpSchema.Builder window(OpSchema.Builder b, boolean ceilAndDilations, boolean max) {
        b.attr("auto_pad", "NOTSET").requiredAttr("kernel_shape", AttrType.INTS).optionalAttr("pads", AttrType.INTS).optionalAttr("strides", AttrType.INTS);
        if (ceilAndDilations) {
            b.attr("ceil_mode", 0L);
            if (max) b.optionalAttr("dilations", AttrType.INTS);
        }
        return b;
    }

    private static OpSchema.Builder global(String op, int v, String doc) {
        return OpSchema.onnx(op, v).doc(doc).input("X", "T").output("Y", "T").types("T", NnTypes.F).traits(Trait.PURE, Trait.REDUCTION).inference(PoolOps::inferGlobal);
    }

    // ------------------------------------------------------------------ inference

    static void inferPool(InferenceContext ctx) {
        DataType t = ctx.inputType(0);
        Shape x = ctx.inputShape(0);
        Infer.requireMinRank(ctx, 0, x, 3, "N x C x D1 x ... x Dn");
        long[] kernel = ctx.attrs().getInts("kernel_shape", null);
        Shape out;
        if (!x.hasRank()) out = kernel == null ? Shape.UNKNOWN_RANK : Shape.unknownDims(kernel.length + 2);
        else if (kernel == null) out = globalShape(x); // LpPool-1 without kernel_shape pools globally
        else {
            int r = x.rank() - 2;
            if (kernel.length != r)
                throw ctx.fail("attribute 'kernel_shape' " + Arrays.toString(kernel) + " must have " + r + " values for input 0 ('X') of shape " + x);
            Window w = Window.read(ctx.attrs(), kernel, ctx::fail);
            List<Dim> dims = Infer.dims(x, 0, 2);
            for (int i = 0; i < r; i++) dims.add(w.outDim(i, x.dim(2 + i), ctx::fail));
            out = Shape.of(dims);
        }
        ctx.setOutput(0, t, out);
        if (ctx.outputCount() > 1) ctx.setOutput(1, DataType.INT64, out);
    }

    private static Shape globalShape(Shape x) {
        List<Dim> dims = Infer.dims(x, 0, 2);
        for (int i = 2; i < x.rank(); i++) dims.add(Dim.of(1));
        return Shape.of(dims);
    }

    static void inferGlobal(InferenceContext ctx) {
        DataType t = ctx.inputType(0);
        Shape x = ctx.inputShape(0);
        Infer.requireMinRank(ctx, 0, x, 2, "N x C x D1 x ... x Dn");
        if (!x.hasRank()) {
            ctx.setOutput(0, t, Shape.UNKNOWN_RANK);
            return;
        }
        ctx.setOutput(0, t, globalShape(x));
    }

    // ------------------------------------------------------------------ kernels

    static void pool(KernelContext ctx, Kind kind) {
        Tensor tx = ctx.requireInput(0);
        long[] xs = tx.shape();
        if (xs.length < 3) throw ctx.fail("input 0 ('X') must have rank >= 3 (N x C x D1 ...), got shape " + Shape.toString(xs));
        int r = xs.length - 2;
        long[] kernel = ctx.attrs().getInts("kernel_shape", null);
        if (kernel == null) {
            if (kind != Kind.LP) throw ctx.fail("missing required attribute 'kernel_shape'");
            kernel = Arrays.copyOfRange(xs, 2, xs.length); // LpPool-1 without kernel_shape pools globally
        }
        if (kernel.length != r)
            throw ctx.fail("attribute 'kernel_shape' " + Arrays.toString(kernel) + " must have " + r + " values for input 0 ('X') of shape " + Shape.toString(xs));
        Window w = Window.read(ctx.attrs(), kernel, ctx::fail);
        long[] image = Arrays.copyOfRange(xs, 2, xs.length);
        long[] pads = new long[2 * r];
        long[] grid = w.outShape(image, pads, ctx::fail);
        long[] ys = new long[xs.length];
        ys[0] = xs[0];
        ys[1] = xs[1];
        System.arraycopy(grid, 0, ys, 2, r);

        int planes = (int) (xs[0] * xs[1]), q = Tensors.prod(image, 0, r), p = Tensors.prod(grid, 0, r), kk = Tensors.prod(kernel, 0, r);
        boolean countPad = kind == Kind.AVG && ctx.attrs().getInt("count_include_pad", 0) != 0;
        boolean wantIndices = kind == Kind.MAX && ctx.outputCount() > 1;
        boolean colMajor = wantIndices && ctx.attrs().getInt("storage_order", 0) != 0;
        double pNorm = kind == Kind.LP ? lpOrder(ctx) : 0;
        int[] rowStride = Im2Col.strides(image);
        int[] colStride = new int[r];
        for (int d = 0, acc = 1; d < r; d++) {
            colStride[d] = acc;
            acc *= (int) image[d];
        }
        double[] x = tx.toDoubleArray();
        double[] y = new double[planes * p];
        long[] idx = wantIndices ? new long[planes * p] : null;
        int[] oc = new int[r], kc = new int[r];
        for (int o = 0; o < p; o++) {
            // this window's kernel positions: flat in-plane offsets (row-major and column-major) and validity
            int[] offs = new int[kk], coffs = new int[kk];
            int valid = 0, inPadded = 0;
            Arrays.fill(kc, 0);
            for (int k = 0; k < kk; k++) {
                boolean in = true, inPad = true;
                int off = 0, coff = 0;
                for (int d = 0; d < r; d++) {
                    long h = oc[d] * w.strides[d] - pads[d] + kc[d] * w.dilations[d];
                    if (h < 0 || h >= image[d]) in = false;
                    if (h < -pads[d] || h >= image[d] + pads[r + d]) inPad = false;
                    off += (int) h * rowStride[d];
                    coff += (int) h * colStride[d];
                }
                if (inPad) inPadded++;
                if (in) {
                    offs[valid] = off;
                    coffs[valid] = coff;
                    valid++;
                }
                Im2Col.advance(kc, kernel, r);
            }
            for (int pl = 0; pl < planes; pl++) {
                int base = pl * q;
                double acc;
                switch (kind) {
                    case MAX -> {
                        acc = Double.NEGATIVE_INFINITY;
                        int best = -1;
                        for (int k = 0; k < valid; k++) {
                            double v = x[base + offs[k]];
                            if (v > acc || Double.isNaN(v) && !Double.isNaN(acc)) {
                                acc = v;
                                best = k;
                            }
                        }
                        if (wantIndices) idx[pl * p + o] = best < 0 ? -1 : (long) base + (colMajor ? coffs[best] : offs[best]);
                    }
                    case AVG -> {
                        double s = 0;
                        for (int k = 0; k < valid; k++) s += x[base + offs[k]];
                        int div = countPad ? inPadded : valid;
                        acc = div == 0 ? Double.NaN : s / div;
                    }
                    default -> {
                        double s = 0;
                        for (int k = 0; k < valid; k++) s += Math.pow(Math.abs(x[base + offs[k]]), pNorm);
                        acc = Math.pow(s, 1.0 / pNorm);
                    }
                }
                y[pl * p + o] = acc;
            }
            Im2Col.advance(oc, grid, r);
        }
        ctx.setOutput(0, Tensors.fromDoubles(tx.dtype(), ys, y));
        if (wantIndices) ctx.setOutput(1, Tensors.int64(ys, idx));
    }

    private static double lpOrder(KernelContext ctx) {
        org.ge4j.ir.Attr a = ctx.attrs().get("p");
        double p = a instanceof org.ge4j.ir.Attr.Float f ? f.value() : a instanceof org.ge4j.ir.Attr.Int i ? i.value() : 2;
        if (!(p > 0)) throw ctx.fail("attribute 'p' must be positive, got " + p);
        return p;
    }

    static void globalPool(KernelContext ctx, Kind kind) {
        Tensor tx = ctx.requireInput(0);
        long[] xs = tx.shape();
        if (xs.length < 2) throw ctx.fail("input 0 ('X') must have rank >= 2 (N x C x D1 ...), got shape " + Shape.toString(xs));
        int planes = (int) (xs[0] * xs[1]), q = Tensors.prod(xs, 2, xs.length);
        long[] ys = xs.clone();
        for (int i = 2; i < ys.length; i++) ys[i] = 1;
        double pNorm = kind == Kind.LP ? lpOrder(ctx) : 0;
        double[] x = tx.toDoubleArray(), y = new double[planes];
        for (int pl = 0; pl < planes; pl++) {
            int base = pl * q;
            double acc = kind == Kind.MAX ? Double.NEGATIVE_INFINITY : 0;
            for (int i = 0; i < q; i++) {
                double v = x[base + i];
                switch (kind) {
                    case MAX -> acc = v > acc || Double.isNaN(v) ? v : acc;
                    case AVG -> acc += v;
                    default -> acc += Math.pow(Math.abs(v), pNorm);
                }
            }
            y[pl] = kind == Kind.AVG ? acc / q : kind == Kind.LP ? Math.pow(acc, 1.0 / pNorm) : acc;
        }
        ctx.setOutput(0, Tensors.fromDoubles(tx.dtype(), ys, y));
    }

    // ------------------------------------------------------------------ MaxUnpool

    /** Default MaxUnpool output size along spatial axis i: (in - 1) * stride - pads + kernel. */
    private static long unpoolSize(java.util.function.Function<String, org.ge4j.ops.OpException> fail, Window w, int i, long in) {
        long out = (in - 1) * w.strides[i] - w.pads[i] - w.pads[w.rank + i] + w.kernel[i];
        if (out <= 0) throw fail.apply("spatial axis " + i + ": output size would be " + out + " (input " + in + ", stride " + w.strides[i] + ", kernel " + w.kernel[i] + ")");
        return out;
    }

    static void inferMaxUnpool(InferenceContext ctx) {
        DataType t = ctx.inputType(0);
        Shape x = ctx.inputShape(0);
        Infer.requireMinRank(ctx, 0, x, 3, "N x C x D1 x ... x Dn");
        Shape i = ctx.inputShape(1);
        if (x.hasRank() && i.hasRank() && x.rank() != i.rank())
            throw ctx.fail("input 1 ('I') shape " + i + " must match input 0 ('X') shape " + x);
        if (ctx.hasInput(2)) {
            Tensor os = ctx.constantInput(2);
            if (os != null) ctx.setOutput(0, t, Shape.of(os.toLongArray()));
            else {
                Shape s = ctx.inputShape(2);
                ctx.setOutput(0, t, s.hasRank() && s.rank() == 1 && s.dim(0).isStatic() ? Shape.unknownDims((int) s.dim(0).valueOr(0)) : Shape.UNKNOWN_RANK);
            }
            return;
        }
        if (!x.hasRank()) {
            ctx.setOutput(0, t, Shape.UNKNOWN_RANK);
            return;
        }
        long[] kernel = ctx.attrs().getInts("kernel_shape");
        int r = x.rank() - 2;
        if (kernel.length != r) throw ctx.fail("attribute 'kernel_shape' " + Arrays.toString(kernel) + " must have " + r + " values for input 0 ('X') of shape " + x);
        Window w = Window.read(ctx.attrs(), kernel, ctx::fail);
        List<Dim> dims = Infer.dims(x, 0, 2);
        for (int d = 0; d < r; d++) {
            long in = Infer.size(x, 2 + d);
            dims.add(in < 0 ? Dim.UNKNOWN : Dim.of(unpoolSize(ctx::fail, w, d, in)));
        }
        ctx.setOutput(0, t, Shape.of(dims));
    }

    /**
     * Scatters X to the flat positions I of the output (N x C x spatial, as MaxPool's Indices count them).
     * With output_shape the indices address that shape, as in PyTorch and ONNX Runtime; the ONNX node test
     * test_maxunpool_export_with_output_shape expects indices of the default-sized output instead (a known
     * inconsistency, onnx/onnx#2398, that ONNX Runtime also skips).
     */
    static void maxUnpool(KernelContext ctx) {
        Tensor tx = ctx.requireInput(0), ti = ctx.requireInput(1), tos = ctx.input(2);
        long[] xs = tx.shape();
        if (xs.length < 3) throw ctx.fail("input 0 ('X') must have rank >= 3, got shape " + Shape.toString(xs));
        if (!Arrays.equals(xs, ti.shape()))
            throw ctx.fail("input 1 ('I') shape " + Shape.toString(ti.shape()) + " must equal input 0 ('X') shape " + Shape.toString(xs));
        int r = xs.length - 2;
        long[] kernel = ctx.attrs().getInts("kernel_shape");
        if (kernel.length != r) throw ctx.fail("attribute 'kernel_shape' " + Arrays.toString(kernel) + " must have " + r + " values");
        Window w = Window.read(ctx.attrs(), kernel, ctx::fail);
        long[] ys;
        if (tos != null) {
            ys = tos.toLongArray();
            if (ys.length != xs.length) throw ctx.fail("input 2 ('output_shape') " + Arrays.toString(ys) + " must have " + xs.length + " values");
        } else {
            ys = xs.clone();
            for (int d = 0; d < r; d++) ys[2 + d] = unpoolSize(ctx::fail, w, d, xs[2 + d]);
        }
        double[] x = tx.toDoubleArray();
        long[] idx = ti.toLongArray();
        int n = Tensors.count(ys);
        double[] y = new double[n];
        for (int e = 0; e < x.length; e++) {
            long k = idx[e];
            if (k < 0 || k >= n) throw ctx.fail("input 1 ('I') holds index " + k + " outside the output of " + n + " elements (shape " + Shape.toString(ys) + ")");
            y[(int) k] = x[e];
        }
        ctx.setOutput(0, Tensors.fromDoubles(tx.dtype(), ys, y));
    }

    // ------------------------------------------------------------------ MaxRoiPool

    static void inferMaxRoiPool(InferenceContext ctx) {
        DataType t = ctx.inputType(0);
        Shape x = ctx.inputShape(0), rois = ctx.inputShape(1);
        long[] pooled = ctx.attrs().getInts("pooled_shape");
        if (pooled.length != 2) throw ctx.fail("attribute 'pooled_shape' must have 2 values (height, width), got " + Arrays.toString(pooled));
        if (x.hasRank() && x.rank() != 4) throw ctx.fail("input 0 ('X') must be 4-D (N x C x H x W), got shape " + x);
        if (rois.hasRank()) {
            if (rois.rank() != 2) throw ctx.fail("input 1 ('rois') must be 2-D (num_rois x 5), got shape " + rois);
            Infer.requireEqual(ctx, rois.dim(1), Dim.of(5), "input 1 ('rois') must have 5 columns (batch index, x1, y1, x2, y2), got shape " + rois);
        }
        List<Dim> dims = new ArrayList<>();
        dims.add(rois.hasRank() ? rois.dim(0) : Dim.UNKNOWN);
        dims.add(x.hasRank() ? x.dim(1) : Dim.UNKNOWN);
        dims.add(Dim.of(pooled[0]));
        dims.add(Dim.of(pooled[1]));
        ctx.setOutput(0, t, Shape.of(dims));
    }

    static void maxRoiPool(KernelContext ctx) {
        Tensor tx = ctx.requireInput(0), tr = ctx.requireInput(1);
        long[] xs = tx.shape(), rs = tr.shape();
        if (xs.length != 4) throw ctx.fail("input 0 ('X') must be 4-D, got shape " + Shape.toString(xs));
        if (rs.length != 2 || rs[1] != 5) throw ctx.fail("input 1 ('rois') must be num_rois x 5, got shape " + Shape.toString(rs));
        long[] pooled = ctx.attrs().getInts("pooled_shape");
        if (pooled.length != 2 || pooled[0] <= 0 || pooled[1] <= 0) throw ctx.fail("attribute 'pooled_shape' must be 2 positive values, got " + Arrays.toString(pooled));
        double scale = ctx.attrs().getFloat("spatial_scale");
        int n = (int) xs[0], c = (int) xs[1], h = (int) xs[2], wd = (int) xs[3], ph = (int) pooled[0], pw = (int) pooled[1], nr = (int) rs[0];
        double[] x = tx.toDoubleArray(), rois = tr.toDoubleArray();
        double[] y = new double[nr * c * ph * pw];
        for (int ri = 0; ri < nr; ri++) {
            int b = (int) rois[ri * 5];
            if (b < 0 || b >= n) throw ctx.fail("input 1 ('rois') row " + ri + " has batch index " + b + ", expected [0, " + n + ")");
            long x1 = roundHalfAway(rois[ri * 5 + 1] * scale), y1 = roundHalfAway(rois[ri * 5 + 2] * scale);
            long x2 = roundHalfAway(rois[ri * 5 + 3] * scale), y2 = roundHalfAway(rois[ri * 5 + 4] * scale);
            double binH = Math.max(y2 - y1 + 1, 1) / (double) ph, binW = Math.max(x2 - x1 + 1, 1) / (double) pw;
            for (int ch = 0; ch < c; ch++) {
                int plane = (b * c + ch) * h * wd;
                for (int i = 0; i < ph; i++) {
                    int hs = clamp(Math.floor(i * binH) + y1, h), he = clamp(Math.ceil((i + 1) * binH) + y1, h);
                    for (int j = 0; j < pw; j++) {
                        int ws = clamp(Math.floor(j * binW) + x1, wd), we = clamp(Math.ceil((j + 1) * binW) + x1, wd);
                        double m = Double.NEGATIVE_INFINITY;
                        for (int yy = hs; yy < he; yy++) for (int xx = ws; xx < we; xx++) m = Math.max(m, x[plane + yy * wd + xx]);
                        y[((ri * c + ch) * ph + i) * pw + j] = he <= hs || we <= ws ? 0 : m;
                    }
                }
            }
        }
        ctx.setOutput(0, Tensors.fromDoubles(tx.dtype(), new long[] {nr, c, ph, pw}, y));
    }

    /** C's round(): halves away from zero. */
    private static long roundHalfAway(double v) { return (long) (Math.signum(v) * Math.floor(Math.abs(v) + 0.5)); }

    private static int clamp(double v, int hi) { return (int) Math.min(Math.max(v, 0), hi); }
}
