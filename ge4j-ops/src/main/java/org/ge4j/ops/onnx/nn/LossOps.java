package org.ge4j.ops.onnx.nn;

import java.util.ArrayList;
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

/** NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (reduction none/sum/mean, ignore_index, class weights). */
public final class LossOps {
    private LossOps() {}

    public static void register(OpRegistry r) {
        for (int v : new int[] {12, 13}) {
            r.register(OpSchema.onnx("NegativeLogLikelihoodLoss", v).doc("loss[n, d] = -input[n, target[n, d], d] * weight[target[n, d]], then reduced.")
                    .input("input", "T").input("target", "Tind").optionalInput("weight", "T").output("loss", "T")
                    .types("T", NnTypes.F).types("Tind", NnTypes.INDEX).optionalAttr("ignore_index", AttrType.INT).attr("reduction", "mean")
                    .traits(Trait.PURE).inference(LossOps::infer).build());
            r.register(OpSchema.onnx("SoftmaxCrossEntropyLoss", v).doc("NegativeLogLikelihoodLoss of LogSoftmax(scores) along axis 1; optional log_prob output.")
                    .input("scores", "T").input("labels", "Tind").optionalInput("weights", "T").output("output", "T").optionalOutput("log_prob", "T")
                    .types("T", v == 12 ? NnTypes.F : NnTypes.FB).types("Tind", NnTypes.INDEX).optionalAttr("ignore_index", AttrType.INT).attr("reduction", "mean")
                    .traits(Trait.PURE).inference(LossOps::infer).build());
        }
        r.registerReference("NegativeLogLikelihoodLoss", ctx -> loss(ctx, false));
        r.registerReference("SoftmaxCrossEntropyLoss", ctx -> loss(ctx, true));
    }

    private static String reduction(org.ge4j.ops.Attrs a, java.util.function.Function<String, org.ge4j.ops.OpException> fail) {
        String red = a.getString("reduction");
        if (!red.equals("none") && !red.equals("sum") && !red.equals("mean"))
            throw fail.apply("attribute 'reduction' is '" + red + "', expected none, sum or mean");
        return red;
    }

    static void infer(InferenceContext ctx) {
        DataType t = ctx.inputType(0);
        Shape x = ctx.inputShape(0), target = ctx.inputShape(1);
        String red = reduction(ctx.attrs(), ctx::fail);
        Infer.requireMinRank(ctx, 0, x, 2, "N x C x D1 x ... x Dk");
        if (x.hasRank() && target.hasRank()) {
            if (target.rank() != x.rank() - 1)
                throw ctx.fail("input 1" + ctx.portName(1) + " shape " + target + " must be input 0's shape " + x + " without the class dim (rank " + (x.rank() - 1) + ")");
            Infer.requireEqual(ctx, target.dim(0), x.dim(0), "input 1" + ctx.portName(1) + " shape " + target + " disagrees with input 0 shape " + x + " in the batch dim");
            for (int i = 1; i < target.rank(); i++)
                Infer.requireEqual(ctx, target.dim(i), x.dim(i + 1), "input 1" + ctx.portName(1) + " shape " + target + " disagrees with input 0 shape " + x);
        }
        if (ctx.hasInput(2) && x.hasRank()) {
            Shape w = ctx.inputShape(2);
            if (w.hasRank() && w.rank() != 1) throw ctx.fail("input 2" + ctx.portName(2) + " must be 1-D with C values, got shape " + w);
            if (w.hasRank()) Infer.requireEqual(ctx, w.dim(0), x.dim(1), "input 2" + ctx.portName(2) + " has " + w.dim(0) + " values, expected C = " + x.dim(1));
        }
        if (red.equals("none")) {
            if (target.hasRank()) ctx.setOutput(0, t, target);
            else if (x.hasRank()) {
                List<Dim> d = new ArrayList<>();
                d.add(x.dim(0));
                d.addAll(Infer.dims(x, 2, x.rank()));
                ctx.setOutput(0, t, Shape.of(d));
            } else ctx.setOutput(0, t, Shape.UNKNOWN_RANK);
        } else ctx.setOutput(0, t, Shape.SCALAR);
        if (ctx.outputCount() > 1) ctx.setOutput(1, t, x);
    }

    static void loss(KernelContext ctx, boolean softmax) {
        Tensor tx = ctx.requireInput(0), tt = ctx.requireInput(1), tw = ctx.input(2);
        long[] xs = tx.shape(), ts = tt.shape();
        String red = reduction(ctx.attrs(), ctx::fail);
        if (xs.length < 2) throw ctx.fail("input 0" + ctx.portName(0) + " must have rank >= 2 (N x C x ...), got shape " + Shape.toString(xs));
        boolean shapeOk = ts.length == xs.length - 1 && ts[0] == xs[0];
        for (int i = 1; shapeOk && i < ts.length; i++) shapeOk = ts[i] == xs[i + 1];
        if (!shapeOk) throw ctx.fail("input 1" + ctx.portName(1) + " shape " + Shape.toString(ts) + " must be input 0's shape " + Shape.toString(xs) + " without the class dim");
        int n = (int) xs[0], c = (int) xs[1], d = Tensors.prod(xs, 2, xs.length);
        double[] w = null;
        if (tw != null) {
            if (tw.rank() != 1 || tw.dim(0) != c) throw ctx.fail("input 2" + ctx.portName(2) + " must be 1-D with C = " + c + " values, got shape " + Shape.toString(tw.shape()));
            w = tw.toDoubleArray();
        }
        boolean hasIgnore = ctx.attrs().isSet("ignore_index");
        long ignore = hasIgnore ? ctx.attrs().getInt("ignore_index") : 0;
        double[] x = tx.toDoubleArray();
        if (softmax) x = logSoftmaxAxis1(x, n, c, d);
        long[] target = tt.toLongArray();
        double[] loss = new double[n * d];
        double sum = 0, wsum = 0;
        for (int b = 0; b < n; b++) for (int j = 0; j < d; j++) {
            long tgt = target[b * d + j];
            if (hasIgnore && tgt == ignore) continue;
            if (tgt < 0 || tgt >= c)
                throw ctx.fail("input 1" + ctx.portName(1) + " holds class " + tgt + " outside [0, " + c + ")" + (hasIgnore ? " and not ignore_index " + ignore : ""));
            double wt = w == null ? 1 : w[(int) tgt];
            double l = -x[(b * c + (int) tgt) * d + j] * wt;
            loss[b * d + j] = l;
            sum += l;
            wsum += wt;
        }
        DataType t = tx.dtype();
        switch (red) {
            case "none" -> ctx.setOutput(0, Tensors.fromDoubles(t, ts, loss));
            case "sum" -> ctx.setOutput(0, Tensors.fromDoubles(t, new long[0], new double[] {sum}));
            default -> ctx.setOutput(0, Tensors.fromDoubles(t, new long[0], new double[] {sum / wsum}));
        }
        if (softmax && ctx.outputCount() > 1) ctx.setOutput(1, Tensors.fromDoubles(t, xs, x));
    }

    private static double[] logSoftmaxAxis1(double[] x, int n, int c, int d) {
        double[] y = new double[x.length];
        for (int b = 0; b < n; b++) for (int j = 0; j < d; j++) {
            int base = b * c * d + j;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) max = Math.max(max, x[base + k * d]);
            double s = 0;
            for (int k = 0; k < c; k++) s += Math.exp(x[base + k * d] - max);
            double lse = max + Math.log(s);
            for (int k = 0; k < c; k++) y[base + k * d] = x[base + k * d] - lse;
        }
        return y;
    }
}
