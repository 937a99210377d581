package org.ge4j.ops.onnx.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
import org.ge4j.ops.util.Broadcast;

/**
 * BatchNormalization (inference and training forms), InstanceNormalization, LayerNormalization,
 * GroupNormalization, LRN, MeanVarianceNormalization and LpNormalization.
 */
public final class NormalizationOps {
    private NormalizationOps() {}

    private static final float EPS = 1e-5f;

    public static void register(OpRegistry r) {
        registerBatchNorm(r);
        for (int v : new int[] {1, 6}) {
            OpSchema.Builder b = OpSchema.onnx("InstanceNormalization", v).doc("y = scale[c] * (x - mean) / sqrt(var + epsilon) + B[c], statistics over the spatial dims of each (n, c).")
                    .input("input", "T").input("scale", "T").input("B", "T").output("output", "T").types("T", NnTypes.F).attr("epsilon", EPS);
            if (v == 1) b.optionalAttr("consumed_inputs", AttrType.INTS);
            r.register(b.traits(Trait.PURE).inference(NormalizationOps::inferInstanceNorm).build());
        }
        r.registerReference("InstanceNormalization", NormalizationOps::instanceNorm);

        r.register(OpSchema.onnx("LayerNormalization", 17).doc("Normalises over the dims from axis on: Y = (X - Mean) * InvStdDev * Scale + B; optional Mean and InvStdDev outputs.")
                .input("X", "T").input("Scale", "T").optionalInput("B", "T").output("Y", "T").optionalOutput("Mean", "U").optionalOutput("InvStdDev", "U")
                .types("T", NnTypes.FB).types("U", DataType.FLOAT, DataType.BFLOAT16)
                .attr("axis", -1L).attr("epsilon", EPS).attr("stash_type", 1L).traits(Trait.PURE).inference(NormalizationOps::inferLayerNorm).build());
        r.registerReference("LayerNormalization", NormalizationOps::layerNorm);

        r.register(OpSchema.onnx("GroupNormalization", 18).doc("Normalises each group of C/num_groups channels (with the spatial dims) of each sample; scale and bias per group (or per channel).")
                .input("X", "T").input("scale", "T").input("bias", "T").output("Y", "T").types("T", NnTypes.FB)
                .attr("epsilon", EPS).requiredAttr("num_groups", AttrType.INT).traits(Trait.PURE).inference(NormalizationOps::inferGroupNorm).build());
        r.registerReference("GroupNormalization", NormalizationOps::groupNorm);

        for (int v : new int[] {1, 13}) {
            r.register(OpSchema.onnx("LRN", v).doc("Local response normalisation across channels: y = x / (bias + alpha / size * square_sum)^beta.")
                    .input("X", "T").output("Y", "T").types("T", v < 13 ? NnTypes.F : NnTypes.FB)
                    .attr("alpha", 1e-4f).attr("beta", 0.75f).attr("bias", 1.0f).requiredAttr("size", AttrType.INT)
                    .traits(Trait.PURE).inference(NormalizationOps::inferLrn).build());
            r.register(OpSchema.onnx("MeanVarianceNormalization", v == 1 ? 9 : 13).doc("(X - E[X]) / (sqrt(E[(X - E[X])^2]) + 1e-9) over the given axes.")
                    .input("X", "T").output("Y", "T").types("T", v == 1 ? NnTypes.F : NnTypes.FB)
                    .attr("axes", AttrType.INTS, org.ge4j.ir.Attr.of(0L, 2L, 3L)).traits(Trait.PURE).inference(NormalizationOps::inferMvn).build());
        }
        r.registerReference("LRN", NormalizationOps::lrn);
        r.registerReference("MeanVarianceNormalization", NormalizationOps::mvn);

        r.register(OpSchema.onnx("LpNormalization", 1).doc("x / ||x||_p along axis (p is 1 or 2).")
                .input("input", "T").output("output", "T").types("T", NnTypes.F).attr("axis", -1L).attr("p", 2L)
                .traits(Trait.PURE).inference(ctx -> {
                    Shape x = ctx.inputShape(0);
                    if (x.hasRank()) Infer.axis(ctx, "axis", ctx.attrs().getInt("axis"), x.rank());
                    long p = ctx.attrs().getInt("p");
                    if (p != 1 && p != 2) throw ctx.fail("attribute 'p' must be 1 or 2, got " + p);
                    Infer.sameAsInput(ctx);
                }).build());
        r.registerReference("LpNormalization", NormalizationOps::lpNorm);
    }

    // ------------------------------------------------------------------ BatchNormalization

    private static void registerBatchNorm(OpRegistry r) {
        for (int v : new int[] {1, 6, 7, 9, 14, 15}) {
            OpSchema.Builder b = OpSchema.onnx("BatchNormalization", v)
                    .doc("Y = (X - mean) / sqrt(var + epsilon) * scale + B per channel; in training form the batch statistics are used and the running ones updated.");
            if (v < 14) {
                b.input("X", "T").input("scale", "T").input("B", "T").input("mean", "T").input("var", "T")
                        .output("Y", "T").optionalOutput("mean", "T").optionalOutput("var", "T").optionalOutput("saved_mean", "T").optionalOutput("saved_var", "T")
                        .types("T", NnTypes.F);
                if (v == 1) b.requiredAttr("consumed_inputs", AttrType.INTS);
                if (v < 7) b.attr("is_test", 0L);
                if (v < 9) b.attr("spatial", 1L);
                b.traits(Trait.PURE);
            } else {
                String s = v == 14 ? "T" : "T1", m = v == 14 ? "U" : "T2";
                b.input("X", "T").input("scale", s).input("B", s).input("input_mean", m).input("input_var", m)
                        .output("Y", "T").optionalOutput("running_mean", m).optionalOutput("running_var", m).types("T", NnTypes.FB).types(m, NnTypes.FB);
                if (v == 15) b.types("T1", NnTypes.FB);
                b.attr("training_mode", 0L).traits(Trait.PURE, Trait.TRAINING);
            }
            b.attr("epsilon", EPS).attr("momentum", 0.9f);
            r.register(b.inference(NormalizationOps::inferBatchNorm).build());
        }
        r.registerReference("BatchNormalization", NormalizationOps::batchNorm);
    }

    private static boolean spatial(int opset, org.ge4j.ops.Attrs a) { return opset >= 9 || a.getInt("spatial", 1) != 0; }

    static void inferBatchNorm(InferenceContext ctx) {
        Shape x = ctx.inputShape(0);
        Infer.requireMinRank(ctx, 0, x, 2, "N x C x D1 x ... x Dn");
        boolean sp = spatial(ctx.opset(), ctx.attrs());
        if (x.hasRank() && sp) {
            for (int i = 1; i <= 4; i++) {
                Shape p = ctx.inputShape(i);
                if (!p.hasRank()) continue;
                if (p.rank() != 1) throw ctx.fail("input " + i + ctx.portName(i) + " must be 1-D with C = " + x.dim(1) + " values, got shape " + p);
                Infer.requireEqual(ctx, p.dim(0), x.dim(1), "input " + i + ctx.portName(i) + " has " + p.dim(0) + " values, expected C = " + x.dim(1) + " (channels of X " + x + ")");
            }
        }
        Infer.sameAsInput(ctx);
        for (int o = 1; o < ctx.outputCount(); o++) {
            int src = o == 1 || o == 3 ? 3 : 4; // mean-like or var-like
            ctx.setOutput(o, ctx.inputType(ctx.opset() >= 14 ? src : 0), ctx.inputShape(src));
        }
    }

    static void batchNorm(KernelContext ctx) {
        Tensor tx = ctx.requireInput(0);
        long[] xs = tx.shape();
        if (xs.length < 2) throw ctx.fail("input 0 ('X') must have rank >= 2 (N x C x ...), got shape " + Shape.toString(xs));
        int opset = ctx.opset();
        int n = (int) xs[0], c = (int) xs[1], inner = Tensors.prod(xs, 2, xs.length);
        // per-channel parameters, or per (c, spatial) element for spatial = 0
        boolean sp = spatial(opset, ctx.attrs()) || ctx.requireInput(1).size() == c;
        int pc = sp ? c : c * inner, pInner = sp ? inner : 1;
        double[][] p = new double[4][];
        for (int i = 1; i <= 4; i++) {
            Tensor t = ctx.requireInput(i);
            if (t.size() != pc)
                throw ctx.fail("input " + i + ctx.portName(i) + " has shape " + Shape.toString(t.shape()) + " but " + pc + " values are expected"
                        + (sp ? " (C = " + c + ")" : " (C x D1 x ... x Dn, spatial = 0)"));
            p[i - 1] = t.toDoubleArray();
        }
        double eps = ctx.attrs().getFloat("epsilon"), momentum = ctx.attrs().getFloat("momentum");
        boolean training = opset >= 14 ? ctx.attrs().getInt("training_mode") != 0 : ctx.outputCount() > 1;
        double[] x = tx.toDoubleArray();
        double[] mean = p[2], var = p[3];
        double[] bMean = null, bVar = null;
        if (training) {
            bMean = new double[pc];
            bVar = new double[pc];
            long count = (long) n * pInner;
            for (int b = 0; b < n; b++) for (int ch = 0; ch < pc; ch++) for (int j = 0; j < pInner; j++) bMean[ch] += x[(b * pc + ch) * pInner + j];
            for (int ch = 0; ch < pc; ch++) bMean[ch] /= count;
            for (int b = 0; b < n; b++) for (int ch = 0; ch < pc; ch++) for (int j = 0; j < pInner; j++) {
                double d = x[(b * pc + ch) * pInner + j] - bMean[ch];
                bVar[ch] += d * d;
            }
            for (int ch = 0; ch < pc; ch++) bVar[ch] /= count;
            mean = bMean;
            var = bVar;
        }
        double[] y = new double[x.length];
        for (int b = 0; b < n; b++) for (int ch = 0; ch < pc; ch++) {
            double k = p[0][ch] / Math.sqrt(var[ch] + eps), off = p[1][ch] - mean[ch] * k;
            int base = (b * pc + ch) * pInner;
            for (int j = 0; j < pInner; j++) y[base + j] = x[base + j] * k + off;
        }
        ctx.setOutput(0, Tensors.fromDoubles(tx.dtype(), xs, y));
        if (ctx.outputCount() > 1) {
            Tensor im = ctx.requireInput(3), iv = ctx.requireInput(4);
            double[] rm = p[2].clone(), rv = p[3].clone();
            if (training) for (int ch = 0; ch < pc; ch++) {
                rm[ch] = p[2][ch] * momentum + bMean[ch] * (1 - momentum);
                rv[ch] = p[3][ch] * momentum + bVar[ch] * (1 - momentum);
            }
            ctx.setOutput(1, Tensors.fromDoubles(im.dtype(), im.shape(), rm));
            if (ctx.outputCount() > 2) ctx.setOutput(2, Tensors.fromDoubles(iv.dtype(), iv.shape(), rv));
            if (ctx.outputCount() > 3) ctx.setOutput(3, Tensors.fromDoubles(im.dtype(), im.shape(), training ? bMean : p[2].clone()));
            if (ctx.outputCount() > 4) ctx.setOutput(4, Tensors.fromDoubles(iv.dtype(), iv.shape(), training ? bVar : p[3].clone()));
        }
    }

    // ------------------------------------------------------------------ InstanceNormalization

    static void inferInstanceNorm(InferenceContext ctx) {
        Shape x = ctx.inputShape(0);
        Infer.requireMinRank(ctx, 0, x, 2, "N x C x D1 x ... x Dn");
        if (x.hasRank()) for (int i = 1; i <= 2; i++) {
            Shape p = ctx.inputShape(i);
            if (p.hasRank() && p.rank() != 1) throw ctx.fail("input " + i + ctx.portName(i) + " must be 1-D with C values, got shape " + p);
            if (p.hasRank()) Infer.requireEqual(ctx, p.dim(0), x.dim(1), "input " + i + ctx.portName(i) + " has " + p.dim(0) + " values, expected C = " + x.dim(1));
        }
        Infer.sameAsInput(ctx);
    }

    static void instanceNorm(KernelContext ctx) {
        Tensor tx = ctx.requireInput(0);
        long[] xs = tx.shape();
        if (xs.length < 2) throw ctx.fail("input 0 ('input') must have rank >= 2, got shape " + Shape.toString(xs));
        int c = (int) xs[1];
        double[] scale = perChannel(ctx, 1, c), bias = perChannel(ctx, 2, c);
        int planes = (int) (xs[0] * c), inner = Tensors.prod(xs, 2, xs.length);
        double eps = ctx.attrs().getFloat("epsilon");
        double[] x = tx.toDoubleArray(), y = new double[x.length];
        for (int pl = 0; pl < planes; pl++) {
            int ch = pl % c;
            normalize(x, y, pl * inner, inner, eps, scale[ch], bias[ch]);
        }
        ctx.setOutput(0, Tensors.fromDoubles(tx.dtype(), xs, y));
    }

    /** y = s * (x - mean) / sqrt(var + eps) + b over x[off, off+len). */
    private static void normalize(double[] x, double[] y, int off, int len, double eps, double s, double b) {
        double mean = 0;
        for (int j = 0; j < len; j++) mean += x[off + j];
        mean /= len;
        double var = 0;
        for (int j = 0; j < len; j++) {
            double d = x[off + j] - mean;
            var += d * d;
        }
        var /= len;
        double k = s / Math.sqrt(var + eps);
        for (int j = 0; j < len; j++) y[off + j] = (x[off + j] - mean) * k + b;
    }

    private static double[] perChannel(KernelContext ctx, int i, int c) {
        Tensor t = ctx.requireInput(i);
        if (t.size() != c || t.rank() != 1) throw ctx.fail("input " + i + ctx.portName(i) + " must be 1-D with C = " + c + " values, got shape " + Shape.toString(t.shape()));
        return t.toDoubleArray();
    }

    // ------------------------------------------------------------------ LayerNormalization

    static void inferLayerNorm(InferenceContext ctx) {
        DataType t = ctx.inputType(0);
        Shape x = ctx.inputShape(0);
        DataType u = stashType(ctx.attrs().getInt("stash_type"), ctx::fail);
        ctx.setOutput(0, t, x);
        if (!x.hasRank()) {
            for (int o = 1; o < ctx.outputCount(); o++) ctx.setOutput(o, u, Shape.UNKNOWN_RANK);
            return;
        }
        int axis = Infer.axis(ctx, "axis", ctx.attrs().getInt("axis"), x.rank());
        for (int i = 1; i <= 2 && i < ctx.inputCount(); i++) {
            if (!ctx.hasInput(i)) continue;
            Shape p = ctx.inputShape(i);
            if (!p.hasRank()) continue;
            Shape b = Broadcast.shape(p, x);
            if (b == null || b.hasRank() && b.rank() != x.rank())
                throw ctx.fail("input " + i + ctx.portName(i) + " shape " + p + " does not broadcast to input 0 ('X') shape " + x);
        }
        List<Dim> stat = new ArrayList<>(Infer.dims(x, 0, axis));
        for (int i = axis; i < x.rank(); i++) stat.add(Dim.of(1));
        for (int o = 1; o < ctx.outputCount(); o++) ctx.setOutput(o, u, Shape.of(stat));
    }

    private static DataType stashType(long code, java.util.function.Function<String, org.ge4j.ops.OpException> fail) {
        try {
            DataType t = DataType.fromOnnx((int) code);
            if (t.isFloatingPoint()) return t;
        } catch (IllegalArgumentException ignored) {
            // fall through to the error below
        }
        throw fail.apply("attribute 'stash_type' = " + code + " is not a floating-point ONNX type code (1 = float)");
    }

    static void layerNorm(KernelContext ctx) {
        Tensor tx = ctx.requireInput(0), ts = ctx.requireInput(1), tb = ctx.input(2);
        long[] xs = tx.shape();
        int rank = xs.length;
        long a = ctx.attrs().getInt("axis");
        if (a < -rank || a >= rank) throw ctx.fail("attribute 'axis' = " + a + " is out of range for input rank " + rank);
        int axis = (int) (a < 0 ? a + rank : a);
        int outer = Tensors.prod(xs, 0, axis), len = Tensors.prod(xs, axis, rank);
        int[] sMap = broadcastTo(ctx, 1, ts, xs), bMap = tb == null ? null : broadcastTo(ctx, 2, tb, xs);
        double[] x = tx.toDoubleArray(), s = ts.toDoubleArray(), b = tb == null ? null : tb.toDoubleArray();
        double eps = ctx.attrs().getFloat("epsilon");
        double[] y = new double[x.length], mean = new double[outer], inv = new double[outer];
        for (int o = 0; o < outer; o++) {
            int off = o * len;
            double m = 0;
            for (int j = 0; j < len; j++) m += x[off + j];
            m /= len;
            double v = 0;
            for (int j = 0; j < len; j++) {
                double d = x[off + j] - m;
                v += d * d;
            }
            v /= len;
            double k = 1 / Math.sqrt(v + eps);
            mean[o] = m;
            inv[o] = k;
            for (int j = 0; j < len; j++) {
                int i = off + j;
                y[i] = (x[i] - m) * k * s[sMap[i]] + (b == null ? 0 : b[bMap[i]]);
            }
        }
        ctx.setOutput(0, Tensors.fromDoubles(tx.dtype(), xs, y));
        if (ctx.outputCount() > 1) {
            DataType u = stashType(ctx.attrs().getInt("stash_type"), ctx::fail);
            long[] ss = xs.clone();
            for (int i = axis; i < rank; i++) ss[i] = 1;
            ctx.setOutput(1, Tensors.fromDoubles(u, ss, mean));
            if (ctx.outputCount() > 2) ctx.setOutput(2, Tensors.fromDoubles(u, ss, inv));
        }
    }

    /** Index map of input {@code i} broadcast (unidirectionally) to {@code xs}. */
    private static int[] broadcastTo(KernelContext ctx, int i, Tensor t, long[] xs) {
        long[] ps = t.shape();
        boolean ok = ps.length <= xs.length;
        for (int d = 0; ok && d < ps.length; d++) {
            long pd = ps[d], xd = xs[xs.length - ps.length + d];
            ok = pd == 1 || pd == xd;
        }
        if (!ok) throw ctx.fail("input " + i + ctx.portName(i) + " shape " + Shape.toString(ps) + " does not broadcast to input 0 shape " + Shape.toString(xs));
        return Broadcast.indexMap(ps, xs);
    }

    // ------------------------------------------------------------------ GroupNormalization

    static void inferGroupNorm(InferenceContext ctx) {
        Shape x = ctx.inputShape(0);
        Infer.requireMinRank(ctx, 0, x, 2, "N x C x D1 x ... x Dn");
        long g = ctx.attrs().getInt("num_groups");
        if (g <= 0) throw ctx.fail("attribute 'num_groups' must be positive, got " + g);
        if (x.hasRank() && x.dim(1).isStatic() && x.dim(1).valueOr(0) % g != 0)
            throw ctx.fail("input 0 ('X') has " + x.dim(1) + " channels, which is not divisible by num_groups = " + g);
        Infer.sameAsInput(ctx);
    }

    static void groupNorm(KernelContext ctx) {
        Tensor tx = ctx.requireInput(0);
        long[] xs = tx.shape();
        if (xs.length < 2) throw ctx.fail("input 0 ('X') must have rank >= 2, got shape " + Shape.toString(xs));
        int g = (int) ctx.attrs().getInt("num_groups"), n = (int) xs[0], c = (int) xs[1], inner = Tensors.prod(xs, 2, xs.length);
        if (g <= 0 || c % g != 0) throw ctx.fail("input 0 ('X') has " + c + " channels, which is not divisible by num_groups = " + g);
        double[] scale = groupParam(ctx, 1, g, c), bias = groupParam(ctx, 2, g, c);
        boolean perChannel = scale.length == c && c != g;
        int cg = c / g, len = cg * inner;
        double eps = ctx.attrs().getFloat("epsilon");
        double[] x = tx.toDoubleArray(), y = new double[x.length];
        for (int b = 0; b < n; b++) for (int gi = 0; gi < g; gi++) {
            int off = (b * c + gi * cg) * inner;
            normalize(x, y, off, len, eps, 1, 0);
            for (int ci = 0; ci < cg; ci++) {
                int p = perChannel ? gi * cg + ci : gi;
                int base = off + ci * inner;
                for (int j = 0; j < inner; j++) y[base + j] = y[base + j] * scale[p] + bias[p];
            }
        }
        ctx.setOutput(0, Tensors.fromDoubles(tx.dtype(), xs, y));
    }

    private static double[] groupParam(KernelContext ctx, int i, int g, int c) {
        Tensor t = ctx.requireInput(i);
        if (t.rank() != 1 || t.size() != g && t.size() != c)
            throw ctx.fail("input " + i + ctx.portName(i) + " must be 1-D with num_groups = " + g + " (or C = " + c + ") values, got shape " + Shape.toString(t.shape()));
        return t.toDoubleArray();
    }

    // ------------------------------------------------------------------ LRN

    static void inferLrn(InferenceContext ctx) {
        Infer.requireMinRank(ctx, 0, ctx.inputShape(0), 2, "N x C x D1 x ... x Dn");
        if (ctx.attrs().getInt("size") <= 0) throw ctx.fail("attribute 'size' must be positive, got " + ctx.attrs().getInt("size"));
        Infer.sameAsInput(ctx);
    }

    static void lrn(KernelContext ctx) {
        Tensor tx = ctx.requireInput(0);
        long[] xs = tx.shape();
        if (xs.length < 2) throw ctx.fail("input 0 ('X') must have rank >= 2, got shape " + Shape.toString(xs));
        int size = (int) ctx.attrs().getInt("size");
        if (size <= 0) throw ctx.fail("attribute 'size' must be positive, got " + size);
        double alpha = ctx.attrs().getFloat("alpha"), beta = ctx.attrs().getFloat("beta"), bias = ctx.attrs().getFloat("bias");
        int n = (int) xs[0], c = (int) xs[1], inner = Tensors.prod(xs, 2, xs.length);
        int before = (size - 1) / 2, after = size - 1 - before;
        double[] x = tx.toDoubleArray(), y = new double[x.length];
        for (int b = 0; b < n; b++) for (int ch = 0; ch < c; ch++) {
            int lo = Math.max(0, ch - before), hi = Math.min(c - 1, ch + after);
            for (int j = 0; j < inner; j++) {
                double sq = 0;
                for (int k = lo; k <= hi; k++) {
                    double v = x[(b * c + k) * inner + j];
                    sq += v * v;
                }
                int i = (b * c + ch) * inner + j;
                y[i] = x[i] / Math.pow(bias + alpha / size * sq, beta);
            }
        }
        ctx.setOutput(0, Tensors.fromDoubles(tx.dtype(), xs, y));
    }

    // ------------------------------------------------------------------ MeanVarianceNormalization

    static void inferMvn(InferenceContext ctx) {
        Shape x = ctx.inputShape(0);
        if (x.hasRank()) for (long a : ctx.attrs().getInts("axes", new long[0])) Infer.axis(ctx, "axes", a, x.rank());
        Infer.sameAsInput(ctx);
    }

    static void mvn(KernelContext ctx) {
        Tensor tx = ctx.requireInput(0);
        long[] xs = tx.shape();
        int rank = xs.length;
        long[] axes = ctx.attrs().getInts("axes", new long[0]);
        boolean[] red = new boolean[rank];
        for (long a : axes) {
            if (a < -rank || a >= rank) throw ctx.fail("attribute 'axes' " + Arrays.toString(axes) + " has axis " + a + " out of range for input rank " + rank);
            red[(int) (a < 0 ? a + rank : a)] = true;
        }
        long[] kept = xs.clone();
        for (int i = 0; i < rank; i++) if (red[i]) kept[i] = 1;
        int[] map = Broadcast.indexMap(kept, xs);
        int m = Tensors.count(kept);
        long count = Tensors.count(xs) / Math.max(m, 1);
        double[] x = tx.toDoubleArray(), mean = new double[m], var = new double[m], y = new double[x.length];
        for (int i = 0; i < x.length; i++) mean[map[i]] += x[i];
        for (int o = 0; o < m; o++) mean[o] /= count;
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - mean[map[i]];
            var[map[i]] += d * d;
        }
        for (int i = 0; i < x.length; i++) y[i] = (x[i] - mean[map[i]]) / (Math.sqrt(var[map[i]] / count) + 1e-9);
        ctx.setOutput(0, Tensors.fromDoubles(tx.dtype(), xs, y));
    }

    // ------------------------------------------------------------------ LpNormalization

    static void lpNorm(KernelContext ctx) {
        Tensor tx = ctx.requireInput(0);
        long[] xs = tx.shape();
        int rank = xs.length;
        long a = ctx.attrs().getInt("axis"), p = ctx.attrs().getInt("p");
        if (p != 1 && p != 2) throw ctx.fail("attribute 'p' must be 1 or 2, got " + p);
        if (a < -rank || a >= Math.max(rank, 1)) throw ctx.fail("attribute 'axis' = " + a + " is out of range for input rank " + rank);
        int axis = rank == 0 ? 0 : (int) (a < 0 ? a + rank : a);
        int outer = Tensors.prod(xs, 0, axis), n = rank == 0 ? 1 : (int) xs[axis], inner = Tensors.prod(xs, Math.min(axis + 1, rank), rank);
        double[] x = tx.toDoubleArray(), y = new double[x.length];
        for (int o = 0; o < outer; o++) for (int in = 0; in < inner; in++) {
            int base = o * n * inner + in;
            double norm = 0;
            for (int j = 0; j < n; j++) {
                double v = x[base + j * inner];
                norm += p == 1 ? Math.abs(v) : v * v;
            }
            if (p == 2) norm = Math.sqrt(norm);
            for (int j = 0; j < n; j++) y[base + j * inner] = norm == 0 ? 0 : x[base + j * inner] / norm;
        }
        ctx.setOutput(0, Tensors.fromDoubles(tx.dtype(), xs, y));
    }
}
