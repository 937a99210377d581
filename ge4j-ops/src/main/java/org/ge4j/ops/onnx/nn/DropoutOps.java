package org.ge4j.ops.onnx.nn;

import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Node;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * Dropout. In inference it is the identity with an all-true mask. Training happens with {@code is_test = 0}
 * (versions 1 and 6) or a true {@code training_mode} input (12, 13): elements are zeroed with probability
 * {@code ratio} and the rest scaled by 1 / (1 - ratio); the mask comes from MT19937 seeded with {@code seed}
 * (0 when absent), drawn like numpy's {@code uniform(0, 1, shape) >= ratio}, so runs are reproducible. Versions 7 and 10 never train
 * and are marked {@link Trait#VIEW}; the others are {@link Trait#TRAINING} and {@link Trait#RANDOM}:
 * use {@link #isIdentity(Node)} to learn whether a given node is a plain identity.
 */
public final class DropoutOps {
    private DropoutOps() {}

    public static void register(OpRegistry r) {
        for (int v : new int[] {1, 6, 7, 10, 12, 13}) {
            OpSchema.Builder b = OpSchema.onnx("Dropout", v).doc("Identity in inference (mask all true); random dropout scaled by 1 / (1 - ratio) in training.")
                    .input("data", "T").output("output", "T");
            if (v >= 12) {
                b.optionalInput("ratio", "T1").optionalInput("training_mode", "T2").optionalOutput("mask", "T2")
                        .types("T", v == 13 ? NnTypes.FB : NnTypes.F).types("T1", NnTypes.F).types("T2", NnTypes.BOOL).optionalAttr("seed", AttrType.INT);
            } else {
                b.optionalOutput("mask", v == 10 ? "T1" : "T").types("T", NnTypes.F).attr("ratio", 0.5f);
                if (v == 10) b.types("T1", NnTypes.BOOL);
                if (v < 7) b.attr("is_test", 0L);
                if (v == 1) b.optionalAttr("consumed_inputs", AttrType.INTS);
            }
            if (v == 7 || v == 10) b.traits(Trait.PURE, Trait.VIEW);
            else b.traits(Trait.TRAINING, Trait.RANDOM);
            r.register(b.inference(DropoutOps::infer).build());
        }
        r.registerReference("Dropout", DropoutOps::dropout);
    }

    /**
     * True when this Dropout node is certainly the identity: a version that never trains, {@code is_test} set,
     * or no {@code training_mode} input / a constant false one.
     */
    public static boolean isIdentity(Node n) {
        int opset = n.graph() == null ? 13 : n.graph().opset(n.domain());
        if (opset >= 12) {
            if (n.inputValue(2) == null) return true;
            Tensor t = GraphInference.constantValue(n.inputValue(2));
            return t != null && t.size() == 1 && t.getScalarLong(0) == 0;
        }
        if (opset >= 7) return true;
        return n.attrInt("is_test", 0) != 0;
    }

    static void infer(InferenceContext ctx) {
        Infer.sameAsInput(ctx);
        if (ctx.outputCount() > 1) ctx.setOutput(1, ctx.opset() >= 10 ? DataType.BOOL : ctx.inputType(0), ctx.inputShape(0));
    }

    static void dropout(KernelContext ctx) {
        Tensor tx = ctx.requireInput(0);
        int opset = ctx.opset();
        double ratio;
        boolean training;
        if (opset >= 12) {
            Tensor tr = ctx.input(1), tm = ctx.input(2);
            ratio = tr == null ? 0.5 : scalar(ctx, tr, 1);
            training = tm != null && scalar(ctx, tm, 2) != 0;
        } else {
            ratio = ctx.attrs().getFloat("ratio");
            training = opset < 7 && ctx.attrs().getInt("is_test", 0) == 0;
        }
        if (training && (ratio < 0 || ratio > 1 || Double.isNaN(ratio))) throw ctx.fail("ratio = " + ratio + " must be in [0, 1]");
        long[] xs = tx.shape();
        DataType maskType = opset >= 10 ? DataType.BOOL : tx.dtype();
        if (!training || ratio == 0) {
            ctx.setOutput(0, tx.copy());
            if (ctx.outputCount() > 1) {
                double[] ones = new double[Tensors.count(xs)];
                java.util.Arrays.fill(ones, 1);
                ctx.setOutput(1, Tensor.fromDoubles(maskType, xs, ones));
            }
            return;
        }
        // seeded: numpy-compatible and reproducible; unseeded: a fresh mask on every run, as the spec asks
        Mt19937 rnd = new Mt19937(ctx.attrs().isSet("seed") ? ctx.attrs().getInt("seed") : java.util.concurrent.ThreadLocalRandom.current().nextInt());
        double[] x = tx.toDoubleArray(), y = new double[x.length], mask = new double[x.length];
        double scale = ratio >= 1 ? 0 : 1 / (1 - ratio);
        for (int i = 0; i < x.length; i++) {
            boolean keep = rnd.nextDouble() >= ratio;
            mask[i] = keep ? 1 : 0;
            y[i] = keep ? x[i] * scale : 0;
        }
        ctx.setOutput(0, Tensors.fromDoubles(tx.dtype(), xs, y));
        if (ctx.outputCount() > 1) ctx.setOutput(1, Tensor.fromDoubles(maskType, xs, mask));
    }

    private static double scalar(KernelContext ctx, Tensor t, int i) {
        if (t.size() != 1) throw ctx.fail("input " + i + ctx.portName(i) + " must be a scalar, got shape " + Shape.toString(t.shape()));
        return t.getScalarDouble(0);
    }
}
