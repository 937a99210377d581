package org.ge4j.ops.fused;

import java.util.List;
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
 * {@code ge4j::Attention}: Y = softmax(scale * Q @ K' + Mask) @ V, softmax over the last axis, where
 * Q is [..., Lq, Dk], V is [..., Lk, Dv], K' = K^T for K given as [..., Lk, Dk] ({@code k_transposed} = 0)
 * or K' = K for K given already transposed as [..., Dk, Lk] ({@code k_transposed} = 1). Batch dims broadcast
 * like numpy matmul; the optional Mask is added to the scaled scores and must broadcast to [..., Lq, Lk].
 * Made from MatMul(Q, K')[/ or * scale][+ Mask]-Softmax-MatMul(V).
 */
final class AttentionOp {
    private AttentionOp() {}

    static final String TYPE = "Attention";

    static void register(OpRegistry r) {
        r.register(OpSchema.builder(Node.GE4J_DOMAIN, TYPE, 1)
                .doc("Y = softmax(scale * Q @ K' + Mask, axis=-1) @ V; K' = K^T unless k_transposed=1.")
                .input("Q", "T").input("K", "T").input("V", "T").optionalInput("Mask", "T").output("Y", "T").types("T", DataTypes.FLOATS)
                .attr("scale", 1.0f).attr("k_transposed", 0L)
                .traits(Trait.PURE).inference(AttentionOp::infer).build());
        r.registerKernel(OpRegistry.REFERENCE, Node.GE4J_DOMAIN, TYPE, AttentionOp::compute);
    }

    static void infer(InferenceContext ctx) {
        boolean kt = ctx.attrs().getInt("k_transposed") != 0;
        Shape q = ctx.inputShape(0), k = ctx.inputShape(1), v = ctx.inputShape(2);
        for (int i = 0; i < 3; i++) {
            Shape s = ctx.inputShape(i);
            if (s.hasRank() && s.rank() < 2) throw ctx.fail("input " + i + ctx.portName(i) + " must have rank >= 2, got " + s);
        }
        Shape scores = FusedMath.matmulShape(q, k, false, !kt);
        if (scores == null) throw ctx.fail("inputs Q " + q + " and K " + k + (kt ? " (given transposed)" : "") + " do not match (head dims or batch dims)");
        if (ctx.hasInput(3) && !FusedMath.mayBroadcastTo(ctx.inputShape(3), scores))
            throw ctx.fail("input 3 ('Mask') " + ctx.inputShape(3) + " must broadcast to the scores' shape " + scores);
        Shape y = FusedMath.matmulShape(scores, v, false, false);
        if (y == null) throw ctx.fail("input 2 ('V') " + v + " does not match the scores' shape " + scores + " (Lk or batch dims)");
        ctx.setOutput(0, ctx.inputType(0), y);
    }

    static void compute(KernelContext ctx) {
        Tensor q = ctx.requireInput(0), k = ctx.requireInput(1), v = ctx.requireInput(2), mask = ctx.input(3);
        boolean kt = ctx.attrs().getInt("k_transposed") != 0;
        double scale = ctx.attrs().getFloat("scale");
        for (Tensor t : List.of(q, k, v)) if (t.rank() < 2) throw ctx.fail("Q, K and V must have rank >= 2, got " + Shape.toString(t.shape()));
        long[] ss;
        double[] s;
        try {
            ss = FusedMath.matmulShape(q.shape(), k.shape(), false, !kt);
            s = FusedMath.matmul(q.toDoubleArray(), q.shape(), k.toDoubleArray(), k.shape(), false, !kt);
        } catch (IllegalArgumentException e) {
            throw ctx.fail("inputs Q and K: " + e.getMessage());
        }
        double[] m = null;
        if (mask != null) {
            if (!FusedMath.broadcastsTo(mask.shape(), ss)) throw ctx.fail("input 3 ('Mask') " + Shape.toString(mask.shape()) + " does not broadcast to the scores' shape " + Shape.toString(ss));
            m = FusedMath.broadcastTo(mask.toDoubleArray(), mask.shape(), ss);
        }
        for (int i = 0; i < s.length; i++) s[i] = scale * s[i] + (m == null ? 0 : m[i]);
        FusedMath.softmaxRows(s, (int) ss[ss.length - 1]);
        long[] ys;
        double[] y;
        try {
            ys = FusedMath.matmulShape(ss, v.shape(), false, false);
            y = FusedMath.matmul(s, ss, v.toDoubleArray(), v.shape(), false, false);
        } catch (IllegalArgumentException e) {
            throw ctx.fail("input V: " + e.getMessage());
        }
        ctx.setOutput(0, Tensor.fromDoubles(q.dtype(), ys, y));
    }

}
