package org.ge4j.ops.onnx.signal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;
import org.ge4j.ops.onnx.signal.Interpolation.Axis;
import org.ge4j.ops.onnx.signal.Interpolation.Mode;
import org.ge4j.ops.onnx.signal.Interpolation.NearestMode;
import org.ge4j.ops.onnx.signal.Interpolation.Taps;

/**
 * Resize (opsets 10, 11, 13, 18) and its predecessor Upsample (opsets 1, 7, 9; deprecated at 10): schemas,
 * shape inference and one reference kernel. Nearest mode gathers elements and so works for every type
 * (strings and bools included); linear and cubic compute in double and convert at the end.
 */
public final class Resize {
    private Resize() {}

    public static void register(OpRegistry r) {
        for (int v : new int[] {10, 11, 13, 18}) r.register(resizeSchema(v));
        for (int v : new int[] {1, 7, 9, 10}) r.register(upsampleSchema(v));
        r.registerReference("Resize", Resize::compute);
        r.registerReference("Upsample", Resize::compute);
    }

    static OpSchema resizeSchema(int v) {
        OpSchema.Builder b = OpSchema.onnx("Resize", v).doc("Resizes a tensor by interpolation (ONNX Resize-" + v + ").");
        if (v == 10) {
            b.input("X", "T").input("scales", "tensor(float)").output("Y", "T").types("T", Support.ALL_V1);
        } else {
            b.input("X", "T1");
            if (v == 11) b.input("roi", "T2").input("scales", "tensor(float)");
            else b.optionalInput("roi", "T2").optionalInput("scales", "tensor(float)");
            b.optionalInput("sizes", "tensor(int64)").output("Y", "T1");
            b.types("T1", v >= 13 ? Support.ALL_V13 : Support.ALL_V1).types("T2", Support.FLOAT3);
            b.attr("coordinate_transformation_mode", "half_pixel").attr("cubic_coeff_a", -0.75f).attr("exclude_outside", 0L)
                    .attr("extrapolation_value", 0f).attr("nearest_mode", "round_prefer_floor");
            if (v >= 18) b.attr("antialias", 0L).optionalAttr("axes", AttrType.INTS).attr("keep_aspect_ratio_policy", "stretch");
        }
        b.attr("mode", "nearest");
        return b.traits(Trait.PURE).inference(Resize::infer).build();
    }

    static OpSchema upsampleSchema(int v) {
        OpSchema.Builder b = OpSchema.onnx("Upsample", v).input("X", "T");
        if (v >= 9) b.input("scales", "tensor(float)");
        b.output("Y", "T");
        if (v == 1) {
            b.types("T", DataType.BOOL, DataType.INT32, DataType.INT64, DataType.FLOAT16, DataType.FLOAT, DataType.DOUBLE);
            b.requiredAttr("height_scale", AttrType.FLOAT).requiredAttr("width_scale", AttrType.FLOAT);
        } else {
            b.types("T", Support.ALL_V1);
            if (v == 7) b.requiredAttr("scales", AttrType.FLOATS);
        }
        b.attr("mode", "nearest");
        b.doc(v >= 10 ? "Deprecated since opset 10: use Resize." : "Upsamples a tensor (ONNX Upsample-" + v + ").");
        return b.traits(Trait.PURE).inference(Resize::infer).build();
    }

    // ------------------------------------------------------------------ parameters

    /** The node's settings, read from attributes and opset. */
    record Settings(boolean upsample, Mode mode, String coordinateMode, NearestMode nearest, double cubicA, boolean excludeOutside,
                    double extrapolation, boolean antialias, long[] axes, String policy) {}

    static Settings settings(Attrs a, String type, int opset, Function<String, OpException> fail) {
        boolean upsample = type.equals("Upsample");
        if (upsample && opset >= 10) throw fail.apply("Upsample is deprecated since opset 10 (this model imports opset " + opset + "); use Resize");
        String m = a.getString("mode", "nearest");
        Mode mode = switch (m) {
            case "nearest" -> Mode.NEAREST;
            case "linear", "bilinear" -> Mode.LINEAR;
            case "cubic" -> Mode.CUBIC;
            default -> null;
        };
        boolean legacy = upsample || opset < 11;
        if (mode == null || legacy && mode == Mode.CUBIC || m.equals("bilinear") && !(upsample && opset < 7))
            throw fail.apply("attribute 'mode' must be nearest, linear" + (legacy ? "" : " or cubic") + ", got '" + m + "'");
        if (legacy) return new Settings(upsample, mode, "asymmetric", NearestMode.SIMPLE, -0.75, false, 0, false, null, "stretch");
        String ctm = a.getString("coordinate_transformation_mode", "half_pixel");
        if (!Interpolation.isCoordinateMode(ctm))
            throw fail.apply("attribute 'coordinate_transformation_mode' has unknown value '" + ctm + "' (expected one of " + String.join(", ", Interpolation.COORDINATE_MODES) + ")");
        String nm = a.getString("nearest_mode", "round_prefer_floor");
        NearestMode nearest = Interpolation.nearestMode(nm);
        if (nearest == null) throw fail.apply("attribute 'nearest_mode' must be round_prefer_floor, round_prefer_ceil, floor or ceil, got '" + nm + "'");
        boolean antialias = opset >= 18 && a.getInt("antialias", 0) != 0;
        long[] axes = opset >= 18 ? a.getInts("axes", null) : null;
        String policy = opset >= 18 ? a.getString("keep_aspect_ratio_policy", "stretch") : "stretch";
        if (!policy.equals("stretch") && !policy.equals("not_larger") && !policy.equals("not_smaller"))
            throw fail.apply("attribute 'keep_aspect_ratio_policy' must be stretch, not_larger or not_smaller, got '" + policy + "'");
        return new Settings(false, mode, ctm, nearest, a.getFloat("cubic_coeff_a", -0.75f), a.getInt("exclude_outside", 0) != 0,
                a.getFloat("extrapolation_value", 0f), antialias, axes, policy);
    }

    /** Where the scales/sizes/roi inputs are for this op and opset (-1 = none). */
    private record Ports(int roi, int scales, int sizes) {}

    private static Ports ports(String type, int opset) {
        if (type.equals("Upsample")) return new Ports(-1, opset >= 9 ? 1 : -1, -1);
        if (opset < 11) return new Ports(-1, 1, -1);
        return new Ports(1, 2, 3);
    }

    /** The requested resize: per-axis scales (null) or sizes (null), and the roi, all over every axis of X. */
    record Request(double[] scales, long[] sizes, double[] roi) {}

    /**
     * Normalises the raw inputs (which may refer to a subset of axes) into a full-rank request; null values
     * mean "not given". Fails naming the input on bad lengths or values.
     */
    static Request request(Settings s, int rank, float[] upsampleAttrScales, double[] scales, long[] sizes, double[] roi,
                           Function<String, OpException> fail) {
        if (scales != null && scales.length == 0) scales = null;
        if (sizes != null && sizes.length == 0) sizes = null;
        if (roi != null && roi.length == 0) roi = null;
        if (upsampleAttrScales != null) {
            scales = new double[upsampleAttrScales.length];
            for (int i = 0; i < scales.length; i++) scales[i] = upsampleAttrScales[i];
        }
        if (scales != null && sizes != null) throw fail.apply("only one of 'scales' and 'sizes' may be given, got both");
        if (scales == null && sizes == null) throw fail.apply("one of 'scales' and 'sizes' must be given (non-empty)");
        int[] axes;
        if (s.axes() != null) {
            axes = new int[s.axes().length];
            boolean[] seen = new boolean[rank];
            for (int i = 0; i < axes.length; i++) {
                long ax = s.axes()[i];
                if (ax < -rank || ax >= rank) throw fail.apply("attribute 'axes' value " + ax + " is out of range for rank " + rank);
                axes[i] = (int) (ax < 0 ? ax + rank : ax);
                if (seen[axes[i]]) throw fail.apply("attribute 'axes' repeats axis " + axes[i]);
                seen[axes[i]] = true;
            }
        } else {
            axes = new int[rank];
            for (int i = 0; i < rank; i++) axes[i] = i;
        }
        int n = axes.length;
        if (scales != null && scales.length != n)
            throw fail.apply("'scales' must have " + n + " elements (" + (s.axes() != null ? "one per entry of 'axes'" : "the rank of X") + "), got " + scales.length);
        if (sizes != null && sizes.length != n)
            throw fail.apply("'sizes' must have " + n + " elements (" + (s.axes() != null ? "one per entry of 'axes'" : "the rank of X") + "), got " + sizes.length);
        if (roi != null && roi.length != 2 * n && s.coordinateMode().equals("tf_crop_and_resize"))
            throw fail.apply("'roi' must have " + 2 * n + " elements (starts then ends), got " + roi.length);
        double[] fullScales = null;
        long[] fullSizes = null;
        double[] fullRoi = new double[2 * rank];
        for (int i = 0; i < rank; i++) fullRoi[rank + i] = 1;
        if (scales != null) {
            fullScales = new double[rank];
            java.util.Arrays.fill(fullScales, 1);
            for (int i = 0; i < n; i++) {
                if (!(scales[i] > 0)) throw fail.apply("'scales' values must be positive, got " + scales[i] + " at index " + i);
                if (s.upsample() && scales[i] < 1) throw fail.apply("Upsample scales must be >= 1, got " + scales[i] + " at index " + i);
                fullScales[axes[i]] = scales[i];
            }
        }
        if (sizes != null) {
            fullSizes = new long[rank];
            java.util.Arrays.fill(fullSizes, -1);
            for (int i = 0; i < n; i++) {
                if (sizes[i] < 0) throw fail.apply("'sizes' values must be non-negative, got " + sizes[i] + " at index " + i);
                fullSizes[axes[i]] = sizes[i];
            }
        }
        if (roi != null && roi.length == 2 * n) {
            for (int i = 0; i < n; i++) {
                fullRoi[axes[i]] = roi[i];
                fullRoi[rank + axes[i]] = roi[n + i];
            }
        }
        return new Request(fullScales, fullSizes, fullRoi);
    }

    /** The axes Resize changes (all for a full request; a subset with 'axes'). */
    private static boolean[] resizedAxes(Settings s, int rank) {
        boolean[] r = new boolean[rank];
        if (s.axes() == null) java.util.Arrays.fill(r, true);
        else for (long a : s.axes()) r[(int) (a < 0 ? a + rank : a)] = true;
        return r;
    }

    /** Output shape and per-axis sampling parameters for a static input shape. */
    static Axis[] plan(Settings s, long[] in, Request q, Function<String, OpException> fail) {
        int rank = in.length;
        Axis[] axes = new Axis[rank];
        boolean crop = s.coordinateMode().equals("tf_crop_and_resize");
        if (q.sizes() != null) {
            boolean[] resized = resizedAxes(s, rank);
            double common = Double.NaN;
            if (!s.policy().equals("stretch")) {
                for (int i = 0; i < rank; i++) {
                    if (!resized[i]) continue;
                    double f = (double) q.sizes()[i] / in[i];
                    common = Double.isNaN(common) ? f : s.policy().equals("not_larger") ? Math.min(common, f) : Math.max(common, f);
                }
            }
            for (int i = 0; i < rank; i++) {
                long size = q.sizes()[i] < 0 ? in[i] : q.sizes()[i];
                double scale;
                double len;
                if (!Double.isNaN(common) && resized[i]) {
                    scale = common;
                    size = (long) (common * in[i] + 0.5);
                    len = scale * in[i];
                } else {
                    scale = (double) size / in[i];
                    len = size;
                }
                if (in[i] == 0 && size > 0) throw fail.apply("cannot resize an empty axis " + i + " of X to size " + size);
                axes[i] = new Axis((int) in[i], Math.toIntExact(size), scale, len, q.roi()[i], q.roi()[rank + i]);
            }
        } else {
            for (int i = 0; i < rank; i++) {
                double scale = q.scales()[i];
                double range = crop ? q.roi()[rank + i] - q.roi()[i] : 1;
                long size = (long) Math.floor(in[i] * range * scale);
                if (size < 0) throw fail.apply("'roi' gives a negative output size on axis " + i);
                axes[i] = new Axis((int) in[i], Math.toIntExact(size), scale, scale * in[i], q.roi()[i], q.roi()[rank + i]);
            }
        }
        return axes;
    }

    // ------------------------------------------------------------------ inference

    static void infer(InferenceContext ctx) {
        String type = ctx.node().type();
        Settings s = settings(ctx.attrs(), type, ctx.opset(), ctx::fail);
        DataType t = ctx.inputType(0);
        Shape x = ctx.inputShape(0);
        if (!x.hasRank()) {
            ctx.setOutput(0, t, Shape.UNKNOWN_RANK);
            return;
        }
        int rank = x.rank();
        if (type.equals("Upsample") && ctx.opset() < 7 && rank != 4) throw ctx.fail("input 0 ('X') must be 4-D (N, C, H, W) for Upsample-1, got " + x);
        if (s.mode() != Mode.NEAREST && (t == DataType.STRING || t == DataType.BOOL || t.isComplex()))
            throw ctx.fail("mode '" + ctx.attrs().getString("mode", "") + "' needs a numeric real input, got " + t.shortName() + " (only nearest handles it)");
        Ports p = ports(type, ctx.opset());
        float[] attrScales = upsampleAttrScales(ctx.attrs(), type, ctx.opset());
        double[] scales = p.scales() >= 0 ? Support.constantDoubles(ctx, p.scales()) : null;
        long[] sizes = p.sizes() >= 0 ? Support.constantLongs(ctx, p.sizes()) : null;
        double[] roi = p.roi() >= 0 ? Support.constantDoubles(ctx, p.roi()) : null;
        boolean scalesKnown = attrScales != null || p.scales() < 0 || !ctx.hasInput(p.scales()) || scales != null;
        boolean sizesKnown = p.sizes() < 0 || !ctx.hasInput(p.sizes()) || sizes != null;
        boolean roiKnown = p.roi() < 0 || !ctx.hasInput(p.roi()) || roi != null || !s.coordinateMode().equals("tf_crop_and_resize");
        if (!(scalesKnown && sizesKnown && roiKnown)) {
            // sizes or scales are computed at run time: the rank is all we know
            List<Dim> dims = new ArrayList<>();
            for (int i = 0; i < rank; i++) dims.add(Dim.UNKNOWN);
            ctx.setOutput(0, t, Shape.of(dims));
            return;
        }
        Request q = request(s, rank, attrScales, scales, sizes, roi, ctx::fail);
        List<Dim> dims = new ArrayList<>();
        boolean[] resized = resizedAxes(s, rank);
        boolean crop = s.coordinateMode().equals("tf_crop_and_resize");
        boolean aspect = q.sizes() != null && !s.policy().equals("stretch");
        if (aspect) {
            for (int i = 0; i < rank; i++) if (resized[i] && !x.dim(i).isStatic()) aspect = false;
            if (!aspect) {
                for (int i = 0; i < rank; i++) dims.add(resized[i] ? Dim.UNKNOWN : x.dim(i));
                ctx.setOutput(0, t, Shape.of(dims));
                return;
            }
            long[] in = new long[rank];
            for (int i = 0; i < rank; i++) in[i] = x.dim(i).valueOr(1);
            Axis[] axes = plan(s, in, q, ctx::fail);
            for (int i = 0; i < rank; i++) dims.add(resized[i] ? Dim.of(axes[i].outLen()) : x.dim(i));
            ctx.setOutput(0, t, Shape.of(dims));
            return;
        }
        for (int i = 0; i < rank; i++) {
            Dim d = x.dim(i);
            if (q.sizes() != null) {
                dims.add(q.sizes()[i] < 0 ? d : Dim.of(q.sizes()[i]));
            } else {
                double range = crop ? q.roi()[rank + i] - q.roi()[i] : 1;
                if (q.scales()[i] == 1 && range == 1) dims.add(d);
                else if (d.isStatic()) dims.add(Dim.of((long) Math.floor(d.valueOr(0) * range * q.scales()[i])));
                else dims.add(Dim.UNKNOWN);
            }
        }
        ctx.setOutput(0, t, Shape.of(dims));
    }

    private static float[] upsampleAttrScales(Attrs a, String type, int opset) {
        if (!type.equals("Upsample")) return null;
        if (opset < 7) return new float[] {1, 1, a.getFloat("height_scale"), a.getFloat("width_scale")};
        if (opset < 9) return a.getFloats("scales", null);
        return null;
    }

    // ------------------------------------------------------------------ kernel

    static void compute(KernelContext ctx) {
        String type = ctx.node().type();
        Settings s = settings(ctx.attrs(), type, ctx.opset(), ctx::fail);
        Tensor x = ctx.requireInput(0);
        int rank = x.rank();
        if (type.equals("Upsample") && ctx.opset() < 7 && rank != 4)
            throw ctx.fail("input 0 ('X') must be 4-D (N, C, H, W) for Upsample-1, got shape " + Shape.toString(x.shape()));
        Ports p = ports(type, ctx.opset());
        float[] attrScales = upsampleAttrScales(ctx.attrs(), type, ctx.opset());
        if (attrScales != null && attrScales.length != rank)
            throw ctx.fail("attribute 'scales' must have " + rank + " elements (the rank of X), got " + attrScales.length);
        double[] scales = p.scales() >= 0 && ctx.hasInput(p.scales()) ? ctx.input(p.scales()).toDoubleArray() : null;
        long[] sizes = p.sizes() >= 0 && ctx.hasInput(p.sizes()) ? ctx.input(p.sizes()).toLongArray() : null;
        double[] roi = p.roi() >= 0 && ctx.hasInput(p.roi()) ? ctx.input(p.roi()).toDoubleArray() : null;
        Request q = request(s, rank, attrScales, scales, sizes, roi, ctx::fail);
        Axis[] axes = plan(s, x.shape(), q, ctx::fail);
        long[] outShape = new long[rank];
        for (int i = 0; i < rank; i++) outShape[i] = axes[i].outLen();
        Taps[][] taps = new Taps[rank][];
        for (int i = 0; i < rank; i++) {
            taps[i] = new Taps[axes[i].outLen()];
            for (int o = 0; o < taps[i].length; o++)
                taps[i][o] = Interpolation.taps(s.mode(), s.coordinateMode(), s.nearest(), axes[i], o, s.cubicA(), s.excludeOutside(), s.antialias());
        }
        DataType t = x.dtype();
        if (s.mode() == Mode.NEAREST && !hasExtrapolation(taps)) {
            ctx.setOutput(0, gather(x, outShape, taps));
            return;
        }
        if (t == DataType.STRING || t == DataType.BOOL || t.isComplex())
            throw ctx.fail("mode '" + ctx.attrs().getString("mode", "") + "' needs a numeric real input, got " + t.shortName());
        ctx.setOutput(0, Support.toTensor(t, outShape, interpolate(x, outShape, taps, s.extrapolation())));
    }

    private static boolean hasExtrapolation(Taps[][] taps) {
        for (Taps[] axis : taps) for (Taps tp : axis) if (tp.extrapolate()) return true;
        return false;
    }

    /** Nearest mode: every output element copies one input element (any element type). */
    private static Tensor gather(Tensor x, long[] outShape, Taps[][] taps) {
        int rank = outShape.length;
        long[] inStrides = Support.strides(x.shape());
        long n = Shape.elementCount(outShape);
        Tensor out = Tensor.allocate(x.dtype(), outShape);
        long[] idx = new long[rank];
        for (long f = 0; f < n; f++) {
            long src = 0;
            for (int a = 0; a < rank; a++) src += taps[a][(int) idx[a]].index()[0] * inStrides[a];
            copyElement(x, src, out, f);
            for (int a = rank - 1; a >= 0; a--) {
                if (++idx[a] < outShape[a]) break;
                idx[a] = 0;
            }
        }
        return out;
    }

    /** Copies element {@code from} of {@code src} to element {@code to} of {@code dst} (same type). */
    static void copyElement(Tensor src, long from, Tensor dst, long to) {
        DataType t = src.dtype();
        if (t == DataType.STRING) {
            dst.setString(to, src.getString(from));
            return;
        }
        int bytes = t.bits() / 8;
        java.lang.foreign.MemorySegment.copy(src.segment(), from * bytes, dst.segment(), to * bytes, bytes);
    }

    /** Linear/cubic (and nearest with extrapolation): weighted sums over the product of per-axis taps. */
    private static double[] interpolate(Tensor x, long[] outShape, Taps[][] taps, double extrapolation) {
        int rank = outShape.length;
        double[] in = x.toDoubleArray();
        long[] inStrides = Support.strides(x.shape());
        int n = Math.toIntExact(Shape.elementCount(outShape));
        double[] out = new double[n];
        int[] idx = new int[rank];
        Taps[] cur = new Taps[rank];
        int[] k = new int[rank];
        for (int f = 0; f < n; f++) {
            boolean extrapolate = false;
            for (int a = 0; a < rank; a++) {
                cur[a] = taps[a][idx[a]];
                extrapolate |= cur[a].extrapolate();
            }
            if (extrapolate) {
                out[f] = extrapolation;
            } else {
                double sum = 0;
                java.util.Arrays.fill(k, 0);
                while (true) {
                    double w = 1;
                    long src = 0;
                    for (int a = 0; a < rank; a++) {
                        w *= cur[a].weight()[k[a]];
                        src += cur[a].index()[k[a]] * inStrides[a];
                    }
                    sum += w * in[(int) src];
                    int a = rank - 1;
                    for (; a >= 0; a--) {
                        if (++k[a] < cur[a].index().length) break;
                        k[a] = 0;
                    }
                    if (a < 0) break;
                }
                out[f] = sum;
            }
            for (int a = rank - 1; a >= 0; a--) {
                if (++idx[a] < outShape[a]) break;
                idx[a] = 0;
            }
        }
        return out;
    }
}
