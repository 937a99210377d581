package org.ge4j.ops.onnx.tensor;

import org.ge4j.ir.Node;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/** Trilu (keep a triangle of the last two dims) and ReverseSequence (reverse each batch entry's prefix). */
final class MaskOps {
    private MaskOps() {}

    static void register(OpRegistry r) {
        r.register(OpSchema.onnx("Trilu", 14).doc("The upper (upper=1) or lower triangle of the last two dims, offset by diagonal k; zeros elsewhere.")
                .input("input", "T").optionalInput("k", "tensor(int64)").output("output", "T").types("T", TensorTypes.ALL_V13)
                .attr("upper", 1L).traits(Trait.PURE, Trait.IN_PLACE).inference(MaskOps::inferTrilu).build());
        r.registerReference("Trilu", MaskOps::triluKernel);

        r.register(OpSchema.onnx("ReverseSequence", 10).doc("For each batch entry b, the first sequence_lens[b] steps along 'time_axis' reversed.")
                .input("input", "T").input("sequence_lens", "tensor(int64)").output("Y", "T").types("T", TensorTypes.ALL_V1)
                .attr("batch_axis", 1L).attr("time_axis", 0L).traits(Trait.PURE).inference(MaskOps::inferReverse).build());
        r.registerReference("ReverseSequence", MaskOps::reverseKernel);
    }

    private static void inferTrilu(InferenceContext ctx) {
        Shape in = ctx.inputShape(0);
        if (in.hasRank() && in.rank() < 2) throw ctx.fail("input 0 ('input') must have rank >= 2, got shape " + in);
        ctx.setOutput(0, ctx.requireInput(0));
    }

    private static void triluKernel(KernelContext ctx) {
        Tensor in = ctx.requireInput(0);
        if (in.rank() < 2) throw ctx.fail("input 0 ('input') must have rank >= 2, got shape " + Shape.toString(in.shape()));
        long k = ctx.hasInput(1) ? Args.scalar(ctx.node(), "input 1 ('k')", ctx.input(1)) : 0;
        boolean upper = ctx.attrs().getInt("upper", 1) != 0;
        long rows = in.dim(in.rank() - 2), cols = in.dim(in.rank() - 1);
        long mats = rows * cols == 0 ? 0 : in.size() / (rows * cols);
        Tensor out = ctx.allocateOutput(0, in.dtype(), in.shape());
        Elements.Mover m = Elements.mover(in, out);
        for (long b = 0; b < mats; b++)
            for (long i = 0; i < rows; i++) {
                // keep columns j with j - i >= k (upper) or j - i <= k (lower)
                long from = upper ? Math.clamp(i + k, 0, cols) : 0;
                long to = upper ? cols : Math.clamp(i + k + 1, 0, cols);
                long row = (b * rows + i) * cols;
                if (to > from) m.run(row + from, row + from, to - from);
            }
    }

    private static int[] axes(Node node, org.ge4j.ops.Attrs attrs) {
        long b = attrs.getInt("batch_axis"), t = attrs.getInt("time_axis");
        if (!(b == 0 && t == 1 || b == 1 && t == 0))
            throw new OpException(node, "attributes 'batch_axis' = " + b + " and 'time_axis' = " + t + " must be 0 and 1 in some order");
        return new int[] {(int) b, (int) t};
    }

    private static void inferReverse(InferenceContext ctx) {
        axes(ctx.node(), ctx.attrs());
        Shape in = ctx.inputShape(0);
        if (in.hasRank() && in.rank() < 2) throw ctx.fail("input 0 ('input') must have rank >= 2, got shape " + in);
        ctx.setOutput(0, ctx.requireInput(0));
    }

    private static void reverseKernel(KernelContext ctx) {
        Node node = ctx.node();
        int[] ax = axes(node, ctx.attrs());
        Tensor in = ctx.requireInput(0), lens = ctx.requireInput(1);
        if (in.rank() < 2) throw ctx.fail("input 0 ('input') must have rank >= 2, got shape " + Shape.toString(in.shape()));
        long batch = in.dim(ax[0]), time = in.dim(ax[1]);
        long[] seq = Args.vector(node, "input 1 ('sequence_lens')", lens);
        if (seq.length != batch)
            throw ctx.fail("input 1 ('sequence_lens') has " + seq.length + " entries but the batch axis has size " + batch);
        long[] st = OffsetGather.strides(in.shape());
        long inner = st[1];
        Tensor out = in.copy();
        ctx.setOutput(0, out);
        Elements.Mover m = Elements.mover(in, out);
        for (int b = 0; b < batch; b++) {
            long len = seq[b];
            if (len < 0 || len > time)
                throw ctx.fail("input 1 ('sequence_lens') holds " + len + " for batch " + b + ", outside [0, " + time + "]");
            for (long t = 0; t < len; t++)
                m.run(b * st[ax[0]] + (len - 1 - t) * st[ax[1]], b * st[ax[0]] + t * st[ax[1]], inner);
        }
    }
}
