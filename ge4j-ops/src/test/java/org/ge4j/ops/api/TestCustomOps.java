package org.ge4j.ops.api;

import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.DataTypes;
import org.ge4j.ops.OpLibrary;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;
import org.ge4j.ops.util.Broadcast;

/**
 * A custom op library defined only in test code and found through ServiceLoader
 * (src/test/resources/META-INF/services): proves users can add ops without touching ge4j.
 */
public final class TestCustomOps implements OpLibrary {
    public static final String DOMAIN = "com.example";

    @Override public String name() { return "test-custom"; }

    @Override public void register(OpRegistry r) {
        // y = scale * x + shift
        r.register(OpSchema.builder(DOMAIN, "ScaleShift", 1)
                .input("X", "T").output("Y", "T").types("T", DataTypes.FLOATS)
                .requiredAttr("scale", AttrType.FLOAT).attr("shift", 0f)
                .traits(Trait.ELEMENTWISE, Trait.PURE)
                .inference(ctx -> ctx.setOutput(0, ctx.requireInput(0)))
                .build());
        r.registerKernel(OpRegistry.REFERENCE, DOMAIN, "ScaleShift", ctx -> {
            Tensor x = ctx.requireInput(0);
            double scale = ctx.attrs().getFloat("scale");
            double shift = ctx.attrs().getFloat("shift", 0f);
            double[] v = x.toDoubleArray();
            for (int i = 0; i < v.length; i++) v[i] = scale * v[i] + shift;
            ctx.setOutput(0, Tensor.fromDoubles(x.dtype(), x.shape(), v));
        });
        // y = a * w + b * (1 - w), w an optional scalar weight (default 0.5); broadcasting a and b
        r.register(OpSchema.builder(DOMAIN, "Blend", 1)
                .input("A", "T").input("B", "T").optionalInput("W", "tensor(float)").output("Y", "T")
                .types("T", DataType.FLOAT, DataType.DOUBLE)
                .traits(Trait.ELEMENTWISE, Trait.PURE)
                .inference(ctx -> {
                    var s = Broadcast.shape(ctx.inputShape(0), ctx.inputShape(1));
                    if (s == null) throw ctx.fail("inputs A " + ctx.inputShape(0) + " and B " + ctx.inputShape(1) + " cannot be broadcast");
                    ctx.setOutput(0, ctx.inputType(0), s);
                })
                .build());
        r.registerKernel(OpRegistry.REFERENCE, DOMAIN, "Blend", ctx -> {
            Tensor a = ctx.requireInput(0), b = ctx.requireInput(1);
            double w = ctx.hasInput(2) ? ctx.input(2).getScalarDouble(0) : 0.5;
            long[] shape = Broadcast.shape(a.shape(), b.shape());
            int[] ia = Broadcast.indexMap(a.shape(), shape), ib = Broadcast.indexMap(b.shape(), shape);
            double[] va = a.toDoubleArray(), vb = b.toDoubleArray(), out = new double[ia.length];
            for (int i = 0; i < out.length; i++) out[i] = va[ia[i]] * w + vb[ib[i]] * (1 - w);
            ctx.setOutput(0, Tensor.fromDoubles(a.dtype(), shape, out));
        });
    }
}
