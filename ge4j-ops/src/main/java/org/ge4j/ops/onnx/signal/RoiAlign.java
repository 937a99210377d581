package org.ge4j.ops.onnx.signal;

import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * RoiAlign (opsets 10, 16): pools each region of interest into an output_height x output_width grid by
 * bilinear sampling. Opset 10 behaves as coordinate_transformation_mode 'output_half_pixel' (no half-pixel
 * shift, regions at least 1x1); opset 16 defaults to 'half_pixel'. Mode 'max' takes, over the samples of a
 * bin, the largest of the four weighted corner values (as ONNX Runtime and the ONNX reference do).
 */
public final class RoiAlign {
    private RoiAlign() {}

    public static void register(OpRegistry r) {
        for (int v : new int[] {10, 16}) {
            OpSchema.Builder b = OpSchema.onnx("RoiAlign", v).doc("Region-of-interest align pooling (ONNX RoiAlign-" + v + ").")
                    .input("X", "T1").input("rois", "T1").input("batch_indices", "T2").output("Y", "T1")
                    .types("T1", Support.FLOAT3).types("T2", DataType.INT64)
                    .attr("mode", "avg").attr("output_height", 1L).attr("output_width", 1L).attr("sampling_ratio", 0L).attr("spatial_scale", 1f);
            if (v >= 16) b.attr("coordinate_transformation_mode", "half_pixel");
            r.register(b.traits(Trait.PURE).inference(RoiAlign::infer).build());
        }
        r.registerReference("RoiAlign", RoiAlign::compute);
    }

    private record Settings(boolean max, boolean halfPixel, int height, int width, int samplingRatio, double spatialScale) {}

    private static Settings settings(Attrs a, int opset, java.util.function.Function<String, org.ge4j.ops.OpException> fail) {
        String mode = a.getString("mode", "avg");
        if (!mode.equals("avg") && !mode.equals("max")) throw fail.apply("attribute 'mode' must be avg or max, got '" + mode + "'");
        String ctm = opset >= 16 ? a.getString("coordinate_transformation_mode", "half_pixel") : "output_half_pixel";
        if (!ctm.equals("half_pixel") && !ctm.equals("output_half_pixel"))
            throw fail.apply("attribute 'coordinate_transformation_mode' must be half_pixel or output_half_pixel, got '" + ctm + "'");
        long h = a.getInt("output_height", 1), w = a.getInt("output_width", 1), s = a.getInt("sampling_ratio", 0);
        if (h <= 0 || w <= 0) throw fail.apply("attributes 'output_height' and 'output_width' must be positive, got " + h + " and " + w);
        if (s < 0) throw fail.apply("attribute 'sampling_ratio' must be non-negative, got " + s);
        return new Settings(mode.equals("max"), ctm.equals("half_pixel"), (int) h, (int) w, (int) s, a.getFloat("spatial_scale", 1f));
    }

    static void infer(InferenceContext ctx) {
        Settings s = settings(ctx.attrs(), ctx.opset(), ctx::fail);
        Shape x = ctx.inputShape(0), rois = ctx.inputShape(1), idx = ctx.inputShape(2);
        Support.checkRank(ctx, 0, x, 4);
        Support.checkRank(ctx, 1, rois, 2);
        Support.checkRank(ctx, 2, idx, 1);
        Support.checkDim(ctx, 1, rois, 1, 4, "x1, y1, x2, y2");
        Dim n = Support.unify(Support.dim(rois, 0), Support.dim(idx, 0));
        Support.checkDim(ctx, 2, idx, 0, Support.value(Support.dim(rois, 0)), "num_rois");
        ctx.setOutput(0, ctx.inputType(0), Support.shape(n, Support.dim(x, 1), Dim.of(s.height()), Dim.of(s.width())));
    }

    static void compute(KernelContext ctx) {
        Settings s = settings(ctx.attrs(), ctx.opset(), ctx::fail);
        Tensor xt = Support.requireRank(ctx, 0, 4), rt = Support.requireRank(ctx, 1, 2), it = Support.requireRank(ctx, 2, 1);
        int batches = (int) xt.dim(0), channels = (int) xt.dim(1), height = (int) xt.dim(2), width = (int) xt.dim(3);
        int n = (int) rt.dim(0);
        if (rt.dim(1) != 4) throw ctx.fail("input 1 ('rois') must have shape [num_rois, 4], got " + Shape.toString(rt.shape()));
        if (it.dim(0) != n) throw ctx.fail("input 2 ('batch_indices') must have " + n + " entries (one per roi), got " + it.dim(0));
        double[] x = xt.toDoubleArray(), rois = rt.toDoubleArray();
        long[] bi = it.toLongArray();
        int oh = s.height(), ow = s.width();
        double[] y = new double[n * channels * oh * ow];
        double offset = s.halfPixel() ? 0.5 : 0;
        for (int r = 0; r < n; r++) {
            if (bi[r] < 0 || bi[r] >= batches) throw ctx.fail("input 2 ('batch_indices') value " + bi[r] + " for roi " + r + " is outside [0, " + batches + ")");
            double x1 = rois[r * 4] * s.spatialScale() - offset, y1 = rois[r * 4 + 1] * s.spatialScale() - offset;
            double x2 = rois[r * 4 + 2] * s.spatialScale() - offset, y2 = rois[r * 4 + 3] * s.spatialScale() - offset;
            double rw = x2 - x1, rh = y2 - y1;
            if (!s.halfPixel()) {
                rw = Math.max(rw, 1);
                rh = Math.max(rh, 1);
            }
            double binH = rh / oh, binW = rw / ow;
            int gridH = s.samplingRatio() > 0 ? s.samplingRatio() : (int) Math.ceil(rh / oh);
            int gridW = s.samplingRatio() > 0 ? s.samplingRatio() : (int) Math.ceil(rw / ow);
            double count = Math.max(gridH * gridW, 1);
            for (int c = 0; c < channels; c++) {
                int plane = (int) ((bi[r] * channels + c) * (long) height * width);
                for (int ph = 0; ph < oh; ph++) {
                    for (int pw = 0; pw < ow; pw++) {
                        double acc = 0;
                        boolean first = true;
                        for (int iy = 0; iy < gridH; iy++) {
                            double yy = y1 + ph * binH + (iy + 0.5) * binH / gridH;
                            for (int ix = 0; ix < gridW; ix++) {
                                double xx = x1 + pw * binW + (ix + 0.5) * binW / gridW;
                                double v = sample(x, plane, height, width, yy, xx, s.max());
                                if (s.max()) {
                                    acc = first ? v : Math.max(acc, v);
                                    first = false;
                                } else {
                                    acc += v;
                                }
                            }
                        }
                        y[((r * channels + c) * oh + ph) * ow + pw] = s.max() ? acc : acc / count;
                    }
                }
            }
        }
        ctx.setOutput(0, Tensor.fromDoubles(xt.dtype(), new long[] {n, channels, oh, ow}, y));
    }

    /**
     * Bilinear sample at (y, x) of one plane: 0 outside [-1, size]; coordinates clamp to the border. In max
     * mode, the largest of the four weighted corner terms instead of their sum.
     */
    private static double sample(double[] x, int plane, int height, int width, double y, double xx, boolean max) {
        if (y < -1 || y > height || xx < -1 || xx > width) return 0;
        y = Math.max(y, 0);
        xx = Math.max(xx, 0);
        int y0 = (int) y, x0 = (int) xx, y1, x1;
        if (y0 >= height - 1) {
            y0 = y1 = height - 1;
            y = y0;
        } else {
            y1 = y0 + 1;
        }
        if (x0 >= width - 1) {
            x0 = x1 = width - 1;
            xx = x0;
        } else {
            x1 = x0 + 1;
        }
        double ly = y - y0, lx = xx - x0, hy = 1 - ly, hx = 1 - lx;
        double a = hy * hx * x[plane + y0 * width + x0], b = hy * lx * x[plane + y0 * width + x1];
        double c = ly * hx * x[plane + y1 * width + x0], d = ly * lx * x[plane + y1 * width + x1];
        return max ? Math.max(Math.max(a, b), Math.max(c, d)) : a + b + c + d;
    }
}
