package org.ge4j.ops.fused;

import java.util.List;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.Dim;
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
 * Made from MatMul(Q, K')[/ or * scale][+ Mask]-Softmax-MatMul(V). With {@code num_heads} &ge; 1 the inputs and the
 * output are in the packed-heads form of {@link AttentionHeads} (Q, K, V [B, L, C] with the heads side by side in
 * column windows, Y [B, Lq, H*Dv]): the per-head form's batch dims are then [B, H].
 */
final class AttentionOp {
    private AttentionOp() {}

    static final String TYPE = "Attention";

    static void register(OpRegistry r) {
        r.register(OpSchema.builder(Node.GE4J_DOMAIN, TYPE, 1)
                .doc("Y = softmax(scale * Q @ K' + Mask, axis=-1) @ V; K' = K^T unless k_transposed=1.")
                .input("Q", "T").input("K", "T").input("V", "T").optionalInput("Mask", "T").output("Y", "T").types("T", DataTypes.FLOATS)
                .attr("scale", 1.0f).attr("k_transposed", 0L).attr(AttentionHeads.NUM_HEADS, 0L)
                .optionalAttr(AttentionHeads.Q_COLUMNS, AttrType.INTS).optionalAttr(AttentionHeads.K_COLUMNS, AttrType.INTS)
                .optionalAttr(AttentionHeads.V_COLUMNS, AttrType.INTS)
                .traits(Trait.PURE).inference(AttentionOp::infer).build());
        r.registerKernel(OpRegistry.REFERENCE, Node.GE4J_DOMAIN, TYPE, AttentionOp::compute);
    }

    static void infer(InferenceContext ctx) {
        if (AttentionHeads.isPacked(ctx.attrs())) {
            inferPacked(ctx);
            return;
        }
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

    /** Packed heads: Q [B, Lq, Cq], K [B, Lk, Ck], V [B, Lk, Cv] (column windows of H heads) give Y [B, Lq, H*Dv]. */
    private static void inferPacked(InferenceContext ctx) {
        Shape q = ctx.inputShape(0), k = ctx.inputShape(1), v = ctx.inputShape(2);
        for (int i = 0; i < 3; i++)
            if (ctx.inputShape(i).hasRank() && ctx.inputShape(i).rank() != 3)
                throw ctx.fail("input " + i + ctx.portName(i) + " must be [B, L, C] (packed heads), got " + ctx.inputShape(i));
        if (!q.hasRank() || !k.hasRank() || !v.hasRank()) {
            ctx.setOutput(0, ctx.inputType(0), Shape.unknownDims(3));
            return;
        }
        AttentionHeads h;
        try {
            h = AttentionHeads.of(ctx.attrs(), q.dim(2).valueOr(-1), k.dim(2).valueOr(-1), v.dim(2).valueOr(-1));
        } catch (IllegalArgumentException e) {
            throw ctx.fail(e.getMessage());
        }
        for (int i = 1; i < 3; i++) {
            Shape s = ctx.inputShape(i);
            if (clash(q.dim(0), s.dim(0))) throw ctx.fail("input " + i + ctx.portName(i) + " " + s + " has another batch than Q " + q);
        }
        if (clash(k.dim(1), v.dim(1))) throw ctx.fail("inputs K " + k + " and V " + v + " have different lengths");
        if (ctx.hasInput(3)) {
            Shape scores = Shape.of(List.of(q.dim(0), Dim.of(h.heads()), q.dim(1), k.dim(1)));
            if (!FusedMath.mayBroadcastTo(ctx.inputShape(3), scores))
                throw ctx.fail("input 3 ('Mask') " + ctx.inputShape(3) + " must broadcast to the scores' shape " + scores);
        }
        ctx.setOutput(0, ctx.inputType(0), Shape.of(List.of(q.dim(0), q.dim(1), h.dv() < 0 ? Dim.UNKNOWN : Dim.of(h.heads() * h.dv()))));
    }

    private static boolean clash(Dim a, Dim b) { return a.isStatic() && b.isStatic() && !a.equals(b); }

    static void compute(KernelContext ctx) {
        Tensor q = ctx.requireInput(0), k = ctx.requireInput(1), v = ctx.requireInput(2), mask = ctx.input(3);
        boolean kt = ctx.attrs().getInt("k_transposed") != 0;
        double scale = ctx.attrs().getFloat("scale");
        for (Tensor t : List.of(q, k, v)) if (t.rank() < 2) throw ctx.fail("Q, K and V must have rank >= 2, got " + Shape.toString(t.shape()));
        AttentionHeads heads = null;
        long[] qs = q.shape(), ks = k.shape(), vs = v.shape();
        double[] qd = q.toDoubleArray(), kd = k.toDoubleArray(), vd = v.toDoubleArray();
        if (AttentionHeads.isPacked(ctx.attrs())) {
            for (Tensor t : List.of(q, k, v)) if (t.rank() != 3) throw ctx.fail("Q, K and V must be [B, L, C] (packed heads), got " + Shape.toString(t.shape()));
            if (k.shape()[0] != q.shape()[0] || v.shape()[0] != q.shape()[0] || v.shape()[1] != k.shape()[1])
                throw ctx.fail("Q " + Shape.toString(qs) + ", K " + Shape.toString(ks) + " and V " + Shape.toString(vs) + " must be [B, Lq, Cq], [B, Lk, Ck], [B, Lk, Cv]");
            try {
                heads = AttentionHeads.of(ctx.attrs(), qs[2], ks[2], vs[2]);
            } catch (IllegalArgumentException e) {
                throw ctx.fail(e.getMessage());
            }
            qd = splitHeads(qd, qs, heads.qStart(), heads.heads(), heads.dk());
            kd = splitHeads(kd, ks, heads.kStart(), heads.heads(), heads.dk());
            vd = splitHeads(vd, vs, heads.vStart(), heads.heads(), heads.dv());
            qs = new long[] {qs[0], heads.heads(), qs[1], heads.dk()};
            ks = new long[] {ks[0], heads.heads(), ks[1], heads.dk()};
            vs = new long[] {vs[0], heads.heads(), vs[1], heads.dv()};
        }
        long[] ss;
        double[] s;
        try {
            ss = FusedMath.matmulShape(qs, ks, false, !kt);
            s = FusedMath.matmul(qd, qs, kd, ks, false, !kt);
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
            ys = FusedMath.matmulShape(ss, vs, false, false);
            y = FusedMath.matmul(s, ss, vd, vs, false, false);
        } catch (IllegalArgumentException e) {
            throw ctx.fail("input V: " + e.getMessage());
        }
        if (heads != null) {
            y = mergeHeads(y, ys);
            ys = new long[] {ys[0], ys[2], ys[1] * ys[3]};
        }
        ctx.setOutput(0, Tensor.fromDoubles(q.dtype(), ys, y));
    }

    /** [B, L, C] with H heads of d columns from column start → [B, H, L, d]. */
    private static double[] splitHeads(double[] x, long[] shape, long start, int h, long d) {
        int b = (int) shape[0], l = (int) shape[1], c = (int) shape[2];
        double[] out = new double[(int) ((long) b * h * l * d)];
        int o = 0;
        for (int bi = 0; bi < b; bi++)
            for (int hi = 0; hi < h; hi++)
                for (int li = 0; li < l; li++)
                    for (int di = 0; di < d; di++) out[o++] = x[(int) (((long) bi * l + li) * c + start + hi * d + di)];
        return out;
    }

    /** [B, H, L, d] → [B, L, H*d]. */
    private static double[] mergeHeads(double[] y, long[] shape) {
        int b = (int) shape[0], h = (int) shape[1], l = (int) shape[2], d = (int) shape[3];
        double[] out = new double[y.length];
        int i = 0;
        for (int bi = 0; bi < b; bi++)
            for (int hi = 0; hi < h; hi++)
                for (int li = 0; li < l; li++)
                    for (int di = 0; di < d; di++) out[((bi * l + li) * h + hi) * d + di] = y[i++];
        return out;
    }

}
