package org.ge4j.ops.fused;

import org.ge4j.ir.Node;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.DataTypes;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;
import org.ge4j.ops.util.Axes;

/**
 * {@code ge4j::LayerNormalization}: over the dims from {@code axis} to the last, y = (x - mean) /
 * sqrt(var + epsilon) * Scale + B (population variance), Scale and B optional and broadcast to X's shape.
 * ONNX's LayerNormalization exists from opset 17 only; this one serves models of every opset, made from
 * the decomposed ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div(/Mul/Add) form.
 */
final class LayerNormOp {
    private LayerNormOp() {}

    static final String TYPE = "LayerNormalization";

    static void register(OpRegistry r) {
        r.register(OpSchema.builder(Node.GE4J_DOMAIN, TYPE, 1)
                .doc("y = (x - mean) / sqrt(var + epsilon) * Scale + B over the dims axis..rank-1.")
                .input("X", "T").optionalInput("Scale", "T").optionalInput("B", "T").output("Y", "T").types("T", DataTypes.FLOATS)
                .attr("axis", -1L).attr("epsilon", 1e-5f)
                .traits(Trait.PURE).inference(LayerNormOp::infer).build());
        r.registerKernel(OpRegistry.REFERENCE, Node.GE4J_DOMAIN, TYPE, LayerNormOp::compute);
    }

    static void infer(InferenceContext ctx) {
        Shape x = ctx.inputShape(0);
        if (x.hasRank()) {
            try {
                Axes.normalize(ctx.attrs().getInt("axis"), x.rank());
            } catch (IllegalArgumentException e) {
                throw ctx.fail("attribute 'axis': " + e.getMessage());
            }
            for (int i = 1; i <= 2; i++)
                if (ctx.hasInput(i) && !FusedMath.mayBroadcastTo(ctx.inputShape(i), x))
                    throw ctx.fail("input " + i + ctx.portName(i) + " " + ctx.inputShape(i) + " must broadcast to X's shape " + x);
        }
        ctx.setOutput(0, ctx.inputType(0), x);
    }

    static void compute(KernelContext ctx) {
        Tensor xt = ctx.requireInput(0);
        long[] xs = xt.shape();
        int axis;
        try {
            axis = Axes.normalize(ctx.attrs().getInt("axis"), xs.length);
        } catch (IllegalArgumentException e) {
            throw ctx.fail("attribute 'axis': " + e.getMessage());
        }
        double eps = ctx.attrs().getFloat("epsilon");
        double[] x = xt.toDoubleArray();
        double[] scale = operand(ctx, 1, xs), bias = operand(ctx, 2, xs);
        long inner = 1;
        for (int i = axis; i < xs.length; i++) inner *= xs[i];
        double[] y = new double[x.length];
        for (int r = 0; r + inner <= x.length && inner > 0; r += (int) inner) {
            double mean = 0;
            for (int i = 0; i < inner; i++) mean += x[r + i];
            mean /= inner;
            double var = 0;
            for (int i = 0; i < inner; i++) var += (x[r + i] - mean) * (x[r + i] - mean);
            var /= inner;
            double inv = 1 / Math.sqrt(var + eps);
            for (int i = 0; i < inner; i++) {
                int j = r + i;
                y[j] = (x[j] - mean) * inv * (scale == null ? 1 : scale[j]) + (bias == null ? 0 : bias[j]);
            }
        }
        ctx.setOutput(0, Tensor.fromDoubles(xt.dtype(), xs, y));
    }

    private static double[] operand(KernelContext ctx, int i, long[] xs) {
        Tensor t = ctx.input(i);
        if (t == null) return null;
        if (!FusedMath.broadcastsTo(t.shape(), xs))
            throw ctx.fail("input " + i + ctx.portName(i) + " " + Shape.toString(t.shape()) + " does not broadcast to X's shape " + Shape.toString(xs));
        return FusedMath.broadcastTo(t.toDoubleArray(), t.shape(), xs);
    }
}
