package org.ge4j.ops.onnx.elementwise;

import static org.ge4j.ops.onnx.elementwise.Types.*;

import java.util.Set;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * Clip: y = min(max(x, lo), hi) (so lo &gt; hi gives hi). Before opset 11 the bounds are float attributes;
 * from 11 they are optional scalar inputs of x's type. A missing bound does not clip.
 */
public final class ClipOp {
    private ClipOp() {}

    public static void register(OpRegistry r) {
        String doc = "Clip: y = min(max(x, min), max), elementwise.";
        r.register(base(1, F3, doc).optionalAttr("min", AttrType.FLOAT).optionalAttr("max", AttrType.FLOAT)
                .optionalAttr("consumed_inputs", AttrType.INTS).build());
        r.register(base(6, F3, doc).attr("min", -Float.MAX_VALUE).attr("max", Float.MAX_VALUE).build());
        for (int since : new int[] {11, 12, 13}) {
            Set<DataType> types = since == 11 ? F3 : since == 12 ? NUM : NUM_BF;
            r.register(base(since, types, doc).optionalInput("min", "T").optionalInput("max", "T").build());
        }
        r.registerReference("Clip", ClipOp::compute);
    }

    private static OpSchema.Builder base(int since, Set<DataType> types, String doc) {
        return OpSchema.onnx("Clip", since).doc(doc).input("input", "T").output("output", "T").types("T", types)
                .traits(Trait.ELEMENTWISE, Trait.PURE, Trait.IN_PLACE).inference(ClipOp::infer);
    }

    private static void infer(InferenceContext ctx) {
        for (int i = 1; i <= 2; i++) {
            if (!ctx.hasInput(i)) continue;
            Shape s = ctx.inputShape(i);
            if (s.elementCount() > 1)
                throw ctx.fail("input " + i + ctx.portName(i) + " must be a scalar, got shape " + s);
        }
        ctx.setOutput(0, ctx.inputType(0), ctx.inputShape(0));
    }

    private static void compute(KernelContext ctx) {
        Tensor x = ctx.requireInput(0);
        DataType t = x.dtype();
        Tensor lo = bound(ctx, 1), hi = bound(ctx, 2);
        boolean legacy = ctx.schema().sinceVersion() < 11;
        if (Broadcasting.isLongLane(t)) {
            boolean u64 = t == DataType.UINT64;
            long[] v = x.toLongArray();
            for (int i = 0; i < v.length; i++) {
                if (lo != null && (u64 ? Long.compareUnsigned(v[i], lo.getScalarLong(0)) < 0 : v[i] < lo.getScalarLong(0))) v[i] = lo.getScalarLong(0);
                if (hi != null && (u64 ? Long.compareUnsigned(v[i], hi.getScalarLong(0)) > 0 : v[i] > hi.getScalarLong(0))) v[i] = hi.getScalarLong(0);
            }
            ctx.setOutput(0, Tensor.fromLongs(t, x.shape(), v));
            return;
        }
        double min = legacy ? legacyBound(ctx, "min", Double.NEGATIVE_INFINITY) : lo == null ? Double.NEGATIVE_INFINITY : lo.getScalarDouble(0);
        double max = legacy ? legacyBound(ctx, "max", Double.POSITIVE_INFINITY) : hi == null ? Double.POSITIVE_INFINITY : hi.getScalarDouble(0);
        double[] v = x.toDoubleArray();
        for (int i = 0; i < v.length; i++) v[i] = Math.min(Math.max(v[i], min), max);
        ctx.setOutput(0, Tensor.fromDoubles(t, x.shape(), v));
    }

    private static double legacyBound(KernelContext ctx, String name, double none) {
        return ctx.attrs().get(name) == null ? none : ctx.attrs().getFloat(name);
    }

    private static Tensor bound(KernelContext ctx, int i) {
        Tensor b = ctx.input(i);
        if (b != null && b.size() != 1) throw ctx.fail("input " + i + ctx.portName(i) + " must be a scalar, got shape " + Shape.toString(b.shape()));
        return b;
    }
}
