package org.ge4j.ops.fused;

import java.util.function.DoubleUnaryOperator;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.Node;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.DataTypes;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * {@code ge4j::FusedMatMul}: Y = act(alpha * op(A) @ op(B) + Bias), with numpy matmul semantics (batch dims
 * broadcast, 1-D operands promoted), op = transpose of the last two dims when {@code trans_a}/{@code trans_b}
 * is set, Bias broadcast to Y's shape (it must not grow it), and the activation of {@link Activation}.
 * Made from MatMul+Add(+Relu/Gelu) and Gemm+activation.
 */
final class FusedMatMulOp {
    private FusedMatMulOp() {}

    static final String TYPE = "FusedMatMul";

    static void register(OpRegistry r) {
        r.register(OpSchema.builder(Node.GE4J_DOMAIN, TYPE, 1)
                .doc("Y = act(alpha * op(A) @ op(B) + Bias); numpy matmul batching; op transposes the last two dims when trans_a/trans_b.")
                .input("A", "T").input("B", "T").optionalInput("Bias", "T").output("Y", "T").types("T", DataTypes.FLOATS)
                .attr("trans_a", 0L).attr("trans_b", 0L).attr("alpha", 1.0f)
                .attr("activation", "").optionalAttr("activation_params", AttrType.FLOATS).attr("approximate", "none")
                .traits(Trait.PURE).inference(FusedMatMulOp::infer).build());
        r.registerKernel(OpRegistry.REFERENCE, Node.GE4J_DOMAIN, TYPE, FusedMatMulOp::compute);
    }

    static void infer(InferenceContext ctx) {
        Activation.check(ctx.attrs());
        Shape a = ctx.inputShape(0), b = ctx.inputShape(1);
        boolean ta = ctx.attrs().getInt("trans_a") != 0, tb = ctx.attrs().getInt("trans_b") != 0;
        if (a.hasRank() && a.rank() == 0) throw ctx.fail("input 0 ('A') must have rank >= 1, got a scalar");
        if (b.hasRank() && b.rank() == 0) throw ctx.fail("input 1 ('B') must have rank >= 1, got a scalar");
        Shape y = FusedMath.matmulShape(a, b, ta, tb);
        if (y == null) throw ctx.fail("inputs A " + a + " and B " + b + " cannot be multiplied (inner dims differ or batch dims do not broadcast)");
        if (ctx.hasInput(2) && !FusedMath.mayBroadcastTo(ctx.inputShape(2), y))
            throw ctx.fail("input 2 ('Bias') " + ctx.inputShape(2) + " must broadcast to the product's shape " + y + " without growing it");
        ctx.setOutput(0, ctx.inputType(0), y);
    }

    static void compute(KernelContext ctx) {
        Tensor a = ctx.requireInput(0), b = ctx.requireInput(1), bias = ctx.input(2);
        boolean ta = ctx.attrs().getInt("trans_a") != 0, tb = ctx.attrs().getInt("trans_b") != 0;
        double alpha = ctx.attrs().getFloat("alpha");
        DoubleUnaryOperator act = Activation.of(ctx.attrs());
        long[] ys;
        double[] y;
        try {
            ys = FusedMath.matmulShape(a.shape(), b.shape(), ta, tb);
            y = FusedMath.matmul(a.toDoubleArray(), a.shape(), b.toDoubleArray(), b.shape(), ta, tb);
        } catch (IllegalArgumentException e) {
            throw ctx.fail("inputs A and B: " + e.getMessage());
        }
        double[] bv = null;
        if (bias != null) {
            if (!FusedMath.broadcastsTo(bias.shape(), ys))
                throw ctx.fail("input 2 ('Bias') " + Shape.toString(bias.shape()) + " does not broadcast to the product's shape " + Shape.toString(ys));
            bv = FusedMath.broadcastTo(bias.toDoubleArray(), bias.shape(), ys);
        }
        for (int i = 0; i < y.length; i++) y[i] = act.applyAsDouble(alpha * y[i] + (bv == null ? 0 : bv[i]));
        ctx.setOutput(0, Tensor.fromDoubles(a.dtype(), ys, y));
    }
}
