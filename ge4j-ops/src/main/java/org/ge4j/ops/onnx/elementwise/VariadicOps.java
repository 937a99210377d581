package org.ge4j.ops.onnx.elementwise;

import static org.ge4j.ops.onnx.elementwise.Types.*;
import static org.ge4j.ops.onnx.elementwise.Version.CONSUMED;
import static org.ge4j.ops.onnx.elementwise.Version.v;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * Max, Min, Sum and Mean over one or more inputs, folded left to right, with numpy broadcasting from opset 8
 * (before it, all inputs must have one shape).
 */
public final class VariadicOps {
    private VariadicOps() {}

    public static void register(OpRegistry r) {
        Version[] maxMin = {v(1, F3, CONSUMED), v(6, F3), v(8, F3), v(12, NUM), v(13, NUM_BF)};
        Version[] sumMean = {v(1, F3, CONSUMED), v(6, F3), v(8, F3), v(13, F4)};
        define(r, "Max", "max", "the elementwise maximum (NaN wins)", Math::max, Math::max, (x, y) -> Long.compareUnsigned(x, y) >= 0 ? x : y, false, maxMin);
        define(r, "Min", "min", "the elementwise minimum (NaN wins)", Math::min, Math::min, (x, y) -> Long.compareUnsigned(x, y) <= 0 ? x : y, false, maxMin);
        define(r, "Sum", "sum", "the elementwise sum", Double::sum, Long::sum, Long::sum, false, sumMean);
        define(r, "Mean", "mean", "the elementwise mean", Double::sum, Long::sum, Long::sum, true, sumMean);
    }

    /** Before opset 8 the inputs do not broadcast: all must have one shape. */
    private static void inferSameShapes(InferenceContext ctx) {
        Shape first = ctx.inputShape(0);
        for (int i = 1; i < ctx.inputCount(); i++) {
            Shape s = ctx.inputShape(i);
            if (!first.hasRank() || !s.hasRank()) continue;
            boolean differ = s.rank() != first.rank();
            for (int k = 0; !differ && k < s.rank(); k++) differ = s.dim(k).isStatic() && first.dim(k).isStatic() && !s.dim(k).equals(first.dim(k));
            if (differ) throw ctx.fail(sameShapeMessage(i, s.toString(), first.toString()));
        }
        ctx.setOutput(0, ctx.inputType(0), first);
    }

    private static String sameShapeMessage(int i, String shape, String first) {
        return "input " + i + " has shape " + shape + " but input 0 has " + first + "; before opset 8 the inputs must have one shape (no broadcasting)";
    }

    private static void define(OpRegistry r, String op, String out, String doc, DoubleBinaryOperator real, LongBinaryOperator signed,
                               LongBinaryOperator unsigned64, boolean mean, Version... versions) {
        boolean exactlyAssociative = !mean && !op.equals("Sum"); // float sums depend on the order
        for (Version v : versions) {
            OpSchema.Builder b = OpSchema.onnx(op, v.since()).doc(op + ": " + doc + " of its inputs, with numpy broadcasting.")
                    .variadicInput("data_0", "T", 1).output(out, "T").types("T", v.types())
                    .traits(Trait.ELEMENTWISE, Trait.PURE, Trait.COMMUTATIVE, Trait.IN_PLACE).inference(v.since() < 8 ? VariadicOps::inferSameShapes : Infer.broadcast(null));
            if (exactlyAssociative) b.traits(Trait.ASSOCIATIVE);
            r.register(v.extra().apply(b).build());
        }
        r.registerReference(op, ctx -> {
            int n = ctx.inputCount();
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ports[i] = i;
                ctx.requireInput(i);
            }
            long[] s = Broadcasting.shape(ctx, ports);
            if (ctx.schema().sinceVersion() < 8)
                for (int i = 1; i < n; i++)
                    if (!Arrays.equals(ctx.input(i).shape(), ctx.input(0).shape()))
                        throw ctx.fail(sameShapeMessage(i, Shape.toString(ctx.input(i).shape()), Shape.toString(ctx.input(0).shape())));
            DataType t = ctx.input(0).dtype();
            if (Broadcasting.isLongLane(t)) {
                LongBinaryOperator f = t == DataType.UINT64 ? unsigned64 : signed;
                long[] acc = Broadcasting.longs(ctx.input(0), s);
                for (int k = 1; k < n; k++) {
                    long[] y = Broadcasting.longs(ctx.input(k), s);
                    for (int i = 0; i < acc.length; i++) acc[i] = f.applyAsLong(acc[i], y[i]);
                }
                if (mean) for (int i = 0; i < acc.length; i++) acc[i] /= n;
                ctx.setOutput(0, Tensor.fromLongs(t, s, acc));
            } else {
                double[] acc = Broadcasting.doubles(ctx.input(0), s);
                for (int k = 1; k < n; k++) {
                    double[] y = Broadcasting.doubles(ctx.input(k), s);
                    for (int i = 0; i < acc.length; i++) acc[i] = real.applyAsDouble(acc[i], y[i]);
                }
                if (mean) for (int i = 0; i < acc.length; i++) acc[i] /= n;
                ctx.setOutput(0, Tensor.fromDoubles(t, s, acc));
            }
        });
    }
}
