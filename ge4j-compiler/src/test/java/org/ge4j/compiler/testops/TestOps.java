package org.ge4j.compiler.testops;

import org.ge4j.ir.Tensor;
import org.ge4j.ops.DataTypes;
import org.ge4j.ops.OpLibrary;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * Ops for compiler tests only (domain {@value #DOMAIN}), found through ServiceLoader: an op with effects
 * ({@code Print}, not pure) and a pure op with an optional second output ({@code Split2}).
 */
public final class TestOps implements OpLibrary {
    public static final String DOMAIN = "com.example.test";

    @Override public String name() { return "compiler-test-ops"; }

    @Override public void register(OpRegistry r) {
        r.register(OpSchema.builder(DOMAIN, "Print", 1).input("X", "T").output("Y", "T").types("T", DataTypes.ALL)
                .inference(ctx -> ctx.setOutput(0, ctx.requireInput(0))).build());
        r.registerKernel(OpRegistry.REFERENCE, DOMAIN, "Print", ctx -> ctx.setOutput(0, ctx.requireInput(0).copy()));
        // Y = X, Z = -X (optional)
        r.register(OpSchema.builder(DOMAIN, "Split2", 1).input("X", "T").output("Y", "T").optionalOutput("Z", "T")
                .types("T", DataTypes.FLOATS).traits(Trait.PURE)
                .inference(ctx -> {
                    ctx.setOutput(0, ctx.requireInput(0));
                    ctx.setOutput(1, ctx.requireInput(0));
                }).build());
        r.registerKernel(OpRegistry.REFERENCE, DOMAIN, "Split2", ctx -> {
            Tensor x = ctx.requireInput(0);
            ctx.setOutput(0, x.copy());
            if (ctx.wantsOutput(1)) {
                double[] v = x.toDoubleArray();
                for (int i = 0; i < v.length; i++) v[i] = -v[i];
                ctx.setOutput(1, Tensor.fromDoubles(x.dtype(), x.shape(), v));
            }
        });
    }
}
