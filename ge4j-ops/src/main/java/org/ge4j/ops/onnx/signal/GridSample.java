package org.ge4j.ops.onnx.signal;

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

/**
 * GridSample (opset 16, 4-D) with torch.nn.functional.grid_sample's semantics: bilinear, nearest (round half
 * to even) and bicubic (A = -0.75) sampling; zeros, border and reflection padding; align_corners. Also
 * AffineGrid (opset 20), which makes the sampling grid of an affine transform.
 *
 * <p>ONNX 1.12 declares GridSample's grid and output with swapped type variables; this schema follows the
 * corrected signature: X and Y of type T1, grid of a float type T2.
 */
public final class GridSample {
    private GridSample() {}

    public static void register(OpRegistry r) {
        r.register(OpSchema.onnx("GridSample", 16).doc("Samples X at the normalised locations of grid (ONNX GridSample-16).")
                .input("X", "T1").input("grid", "T2").output("Y", "T1")
                .types("T1", Support.ALL_V1).types("T2", Support.FLOAT3)
                .attr("align_corners", 0L).attr("mode", "bilinear").attr("padding_mode", "zeros")
                .traits(Trait.PURE).inference(GridSample::infer).build());
        r.registerReference("GridSample", GridSample::compute);
        r.register(OpSchema.onnx("AffineGrid", 20).doc("The sampling grid of a batch of affine transforms (ONNX AffineGrid-20).")
                .input("theta", "T1").input("size", "T2").output("grid", "T1")
                .types("T1", Support.FLOAT4).types("T2", DataType.INT64).attr("align_corners", 0L)
                .traits(Trait.PURE).inference(GridSample::inferAffine).build());
        r.registerReference("AffineGrid", GridSample::affine);
    }

    enum Mode { BILINEAR, NEAREST, BICUBIC }

    enum Padding { ZEROS, BORDER, REFLECTION }

    private record Settings(Mode mode, Padding padding, boolean alignCorners) {}

    private static Settings settings(Attrs a, java.util.function.Function<String, OpException> fail) {
        String m = a.getString("mode", "bilinear"), p = a.getString("padding_mode", "zeros");
        Mode mode = switch (m) {
            case "bilinear" -> Mode.BILINEAR;
            case "nearest" -> Mode.NEAREST;
            case "bicubic" -> Mode.BICUBIC;
            default -> throw fail.apply("attribute 'mode' must be bilinear, nearest or bicubic, got '" + m + "'");
        };
        Padding padding = switch (p) {
            case "zeros" -> Padding.ZEROS;
            case "border" -> Padding.BORDER;
            case "reflection" -> Padding.REFLECTION;
            default -> throw fail.apply("attribute 'padding_mode' must be zeros, border or reflection, got '" + p + "'");
        };
        return new Settings(mode, padding, a.getInt("align_corners", 0) != 0);
    }

    static void infer(InferenceContext ctx) {
        Settings s = settings(ctx.attrs(), ctx::fail);
        DataType t = ctx.inputType(0);
        if (s.mode() != Mode.NEAREST && (t == DataType.STRING || t == DataType.BOOL || t.isComplex()))
            throw ctx.fail("mode " + s.mode().name().toLowerCase() + " needs a numeric real X, got " + t.shortName());
        Shape x = ctx.inputShape(0), g = ctx.inputShape(1);
        Support.checkRank(ctx, 0, x, 4);
        Support.checkRank(ctx, 1, g, 4);
        Support.checkDim(ctx, 1, g, 3, 2, "(x, y) pairs");
        Support.checkDim(ctx, 1, g, 0, Support.value(Support.dim(x, 0)), "batch size N of X");
        ctx.setOutput(0, t, Support.shape(Support.unify(Support.dim(x, 0), Support.dim(g, 0)), Support.dim(x, 1), Support.dim(g, 1), Support.dim(g, 2)));
    }

    /** Maps a normalised coordinate in [-1, 1] to a pixel coordinate. */
    static double unnormalize(double c, int size, boolean alignCorners) {
        return alignCorners ? (c + 1) / 2 * (size - 1) : ((c + 1) * size - 1) / 2;
    }

    /** Reflects {@code x} into [low, high] (given doubled, as twiceLow / twiceHigh). */
    static double reflect(double x, double twiceLow, double twiceHigh) {
        if (twiceLow == twiceHigh) return 0;
        double min = twiceLow / 2, span = (twiceHigh - twiceLow) / 2;
        x = Math.abs(x - min);
        double extra = x % span;
        long flips = (long) Math.floor(x / span);
        return flips % 2 == 0 ? extra + min : span - extra + min;
    }

    /** Applies border or reflection padding to a pixel coordinate (zeros: unchanged). */
    static double pad(double x, int size, Settings s) {
        return switch (s.padding()) {
            case ZEROS -> x;
            case BORDER -> Math.min(Math.max(x, 0), size - 1);
            case REFLECTION -> {
                double r = s.alignCorners() ? reflect(x, 0, 2.0 * (size - 1)) : reflect(x, -1, 2.0 * size - 1);
                yield Math.min(Math.max(r, 0), size - 1);
            }
        };
    }

    static void compute(KernelContext ctx) {
        Settings s = settings(ctx.attrs(), ctx::fail);
        Tensor xt = Support.requireRank(ctx, 0, 4), gt = Support.requireRank(ctx, 1, 4);
        int n = (int) xt.dim(0), c = (int) xt.dim(1), h = (int) xt.dim(2), w = (int) xt.dim(3);
        int ho = (int) gt.dim(1), wo = (int) gt.dim(2);
        if (gt.dim(0) != n || gt.dim(3) != 2)
            throw ctx.fail("input 1 ('grid') must have shape [" + n + ", H_out, W_out, 2], got " + Shape.toString(gt.shape()));
        double[] grid = gt.toDoubleArray();
        long[] shape = {n, c, ho, wo};
        DataType t = xt.dtype();
        boolean numeric = t != DataType.STRING && t != DataType.BOOL && !t.isComplex();
        if (!numeric && s.mode() != Mode.NEAREST)
            throw ctx.fail("mode " + s.mode().name().toLowerCase() + " needs a numeric real X, got " + t.shortName());
        if (s.mode() == Mode.NEAREST) {
            Tensor y = Tensor.allocate(t, shape);
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < ho * wo; i++) {
                    int go = (b * ho * wo + i) * 2;
                    double px = pad(unnormalize(grid[go], w, s.alignCorners()), w, s);
                    double py = pad(unnormalize(grid[go + 1], h, s.alignCorners()), h, s);
                    long ix = (long) Math.rint(px), iy = (long) Math.rint(py);
                    boolean inside = ix >= 0 && ix < w && iy >= 0 && iy < h;
                    for (int ch = 0; ch < c; ch++) {
                        long dst = ((long) (b * c + ch) * ho * wo) + i;
                        if (inside) Resize.copyElement(xt, ((long) (b * c + ch) * h + iy) * w + ix, y, dst);
                    }
                }
            }
            ctx.setOutput(0, y);
            return;
        }
        double[] x = xt.toDoubleArray();
        double[] y = new double[n * c * ho * wo];
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < ho * wo; i++) {
                int go = (b * ho * wo + i) * 2;
                double ux = unnormalize(grid[go], w, s.alignCorners()), uy = unnormalize(grid[go + 1], h, s.alignCorners());
                for (int ch = 0; ch < c; ch++) {
                    int plane = (b * c + ch) * h * w;
                    y[(b * c + ch) * ho * wo + i] = s.mode() == Mode.BILINEAR ? bilinear(x, plane, h, w, pad(ux, w, s), pad(uy, h, s))
                            : bicubic(x, plane, h, w, ux, uy, s);
                }
            }
        }
        ctx.setOutput(0, Support.toTensor(t, shape, y));
    }

    private static double at(double[] x, int plane, int h, int w, long iy, long ix) {
        return ix >= 0 && ix < w && iy >= 0 && iy < h ? x[plane + (int) (iy * w + ix)] : 0;
    }

    private static double bilinear(double[] x, int plane, int h, int w, double px, double py) {
        long x0 = (long) Math.floor(px), y0 = (long) Math.floor(py);
        double fx = px - x0, fy = py - y0;
        return at(x, plane, h, w, y0, x0) * (1 - fx) * (1 - fy) + at(x, plane, h, w, y0, x0 + 1) * fx * (1 - fy)
                + at(x, plane, h, w, y0 + 1, x0) * (1 - fx) * fy + at(x, plane, h, w, y0 + 1, x0 + 1) * fx * fy;
    }

    /** Bicubic over the 4x4 neighbourhood of the unpadded coordinate; each tap is padded on its own. */
    private static double bicubic(double[] x, int plane, int h, int w, double px, double py, Settings s) {
        double x0 = Math.floor(px), y0 = Math.floor(py);
        double tx = px - x0, ty = py - y0;
        double[] cx = cubicWeights(tx), cy = cubicWeights(ty);
        double sum = 0;
        for (int j = 0; j < 4; j++) {
            for (int i = 0; i < 4; i++) {
                double sx = pad(x0 - 1 + i, w, s), sy = pad(y0 - 1 + j, h, s);
                sum += cy[j] * cx[i] * at(x, plane, h, w, (long) sy, (long) sx);
            }
        }
        return sum;
    }

    private static double[] cubicWeights(double t) {
        double a = -0.75;
        return new double[] {Interpolation.cubic(1 + t, a), Interpolation.cubic(t, a), Interpolation.cubic(1 - t, a), Interpolation.cubic(2 - t, a)};
    }

    // ------------------------------------------------------------------ AffineGrid

    static void inferAffine(InferenceContext ctx) {
        Shape theta = ctx.inputShape(0);
        Support.checkRank(ctx, 0, theta, 3);
        long[] size = Support.constantLongs(ctx, 1);
        Shape ss = ctx.inputShape(1);
        Support.checkRank(ctx, 1, ss, 1);
        long len = size != null ? size.length : Support.value(Support.dim(ss, 0));
        if (len >= 0 && len != 4 && len != 5) throw ctx.fail("input 1 ('size') must hold 4 (N, C, H, W) or 5 (N, C, D, H, W) values, got " + len);
        if (len < 0) {
            ctx.setOutput(0, ctx.inputType(0), Shape.UNKNOWN_RANK);
            return;
        }
        java.util.List<Dim> dims = new java.util.ArrayList<>();
        for (int i = 0; i < len; i++) if (i != 1) dims.add(size == null ? (i == 0 ? Support.dim(theta, 0) : Dim.UNKNOWN) : Dim.of(size[i]));
        dims.add(Dim.of(len - 2));
        ctx.setOutput(0, ctx.inputType(0), Shape.of(dims));
    }

    static void affine(KernelContext ctx) {
        Tensor theta = Support.requireRank(ctx, 0, 3);
        long[] size = ctx.requireInput(1).toLongArray();
        if (size.length != 4 && size.length != 5) throw ctx.fail("input 1 ('size') must hold 4 (N, C, H, W) or 5 (N, C, D, H, W) values, got " + size.length);
        int dims = size.length - 2;
        int n = (int) size[0];
        if (theta.dim(0) != n || theta.dim(1) != dims || theta.dim(2) != dims + 1)
            throw ctx.fail("input 0 ('theta') must have shape [" + n + ", " + dims + ", " + (dims + 1) + "], got " + Shape.toString(theta.shape()));
        boolean ac = ctx.attrs().getInt("align_corners", 0) != 0;
        int[] sp = new int[dims];
        for (int i = 0; i < dims; i++) sp[i] = Support.toInt(ctx, size[2 + i], "size");
        int points = 1;
        for (int v : sp) points *= v;
        double[] th = theta.toDoubleArray();
        double[] out = new double[n * points * dims];
        int[] idx = new int[dims];
        double[] base = new double[dims + 1];
        for (int b = 0; b < n; b++) {
            java.util.Arrays.fill(idx, 0);
            for (int p = 0; p < points; p++) {
                // base coordinates in (x, y[, z]) order: the last spatial axis is x
                for (int d = 0; d < dims; d++) {
                    int axis = dims - 1 - d, len = sp[axis];
                    base[d] = len == 1 ? 0 : ac ? -1 + 2.0 * idx[axis] / (len - 1) : (-1 + (2.0 * idx[axis] + 1) / len);
                }
                base[dims] = 1;
                for (int r = 0; r < dims; r++) {
                    double v = 0;
                    for (int k = 0; k <= dims; k++) v += th[(b * dims + r) * (dims + 1) + k] * base[k];
                    out[(b * points + p) * dims + r] = v;
                }
                for (int d = dims - 1; d >= 0; d--) {
                    if (++idx[d] < sp[d]) break;
                    idx[d] = 0;
                }
            }
        }
        long[] shape = new long[dims + 2];
        shape[0] = n;
        for (int i = 0; i < dims; i++) shape[1 + i] = sp[i];
        shape[dims + 1] = dims;
        ctx.setOutput(0, Tensor.fromDoubles(theta.dtype(), shape, out));
    }
}
