package org.ge4j.ops.onnx.nn;

import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * Softmax, LogSoftmax and Hardmax. Before opset 13 the input is coerced to 2-D at {@code axis}
 * ([prod(d0..axis-1), prod(axis..)]) and normalised over the second dim; from 13 only along {@code axis}.
 */
public final class SoftmaxOps {
    private SoftmaxOps() {}

    private enum Kind { SOFTMAX, LOG_SOFTMAX, HARDMAX }

    public static void register(OpRegistry r) {
        String[] names = {"Softmax", "LogSoftmax", "Hardmax"};
        Kind[] kinds = {Kind.SOFTMAX, Kind.LOG_SOFTMAX, Kind.HARDMAX};
        for (int i = 0; i < names.length; i++) {
            for (int v : new int[] {1, 11, 13}) {
                r.register(OpSchema.onnx(names[i], v)
                        .doc(v < 13 ? names[i] + " over the 2-D coercion of the input at axis (all dims from axis on form one row)." : names[i] + " along axis.")
                        .input("input", "T").output("output", "T").types("T", v < 13 ? NnTypes.F : NnTypes.FB)
                        .attr("axis", v < 13 ? 1L : -1L).traits(Trait.PURE).inference(SoftmaxOps::infer).build());
            }
            Kind k = kinds[i];
            r.registerReference(names[i], ctx -> compute(ctx, k));
        }
    }

    static void infer(InferenceContext ctx) {
        Shape x = ctx.inputShape(0);
        if (x.hasRank()) Infer.axis(ctx, "axis", ctx.attrs().getInt("axis"), x.rank());
        Infer.sameAsInput(ctx);
    }

    static void compute(KernelContext ctx, Kind kind) {
        Tensor tx = ctx.requireInput(0);
        long[] xs = tx.shape();
        int rank = xs.length;
        long a = ctx.attrs().getInt("axis");
        if (a < -rank || a >= Math.max(rank, 1)) throw ctx.fail("attribute 'axis' = " + a + " is out of range for input rank " + rank);
        int axis = rank == 0 ? 0 : (int) (a < 0 ? a + rank : a);
        int outer = Tensors.prod(xs, 0, axis), n, inner;
        if (ctx.opset() < 13) {
            n = Tensors.prod(xs, axis, rank);
            inner = 1;
        } else {
            n = rank == 0 ? 1 : (int) xs[axis];
            inner = Tensors.prod(xs, Math.min(axis + 1, rank), rank);
        }
        double[] x = tx.toDoubleArray(), y = new double[x.length];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * n * inner + in;
                double max = Double.NEGATIVE_INFINITY;
                int arg = -1;
                for (int j = 0; j < n; j++) {
                    double v = x[base + j * inner];
                    if (v > max || arg < 0) {
                        max = v;
                        arg = j;
                    }
                }
                switch (kind) {
                    case HARDMAX -> { if (arg >= 0) y[base + arg * inner] = 1; }
                    case SOFTMAX -> {
                        double sum = 0;
                        for (int j = 0; j < n; j++) sum += y[base + j * inner] = Math.exp(x[base + j * inner] - max);
                        for (int j = 0; j < n; j++) y[base + j * inner] /= sum;
                    }
                    default -> {
                        double sum = 0;
                        for (int j = 0; j < n; j++) sum += Math.exp(x[base + j * inner] - max);
                        double lse = Math.log(sum);
                        for (int j = 0; j < n; j++) y[base + j * inner] = x[base + j * inner] - max - lse;
                    }
                }
            }
        }
        DataType t = tx.dtype();
        ctx.setOutput(0, Tensors.fromDoubles(t, xs, y));
    }
}
