package org.ge4j.ops.fused;

import org.ge4j.ir.Node;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.DataTypes;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/** {@code ge4j::Gelu}: y = x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), or its tanh approximation when approximate = "tanh". */
final class GeluOp {
    private GeluOp() {}

    static final String TYPE = "Gelu";

    static void register(OpRegistry r) {
        r.register(OpSchema.builder(Node.GE4J_DOMAIN, TYPE, 1)
                .doc("y = x * Phi(x); approximate=\"tanh\": 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).")
                .input("X", "T").output("Y", "T").types("T", DataTypes.FLOATS).attr("approximate", "none")
                .traits(Trait.PURE, Trait.ELEMENTWISE, Trait.IN_PLACE)
                .inference(ctx -> {
                    Activation.approximateTanh(ctx.attrs());
                    ctx.setOutput(0, ctx.inputType(0), ctx.inputShape(0));
                }).build());
        r.registerKernel(OpRegistry.REFERENCE, Node.GE4J_DOMAIN, TYPE, GeluOp::compute);
    }

    static void compute(KernelContext ctx) {
        Tensor x = ctx.requireInput(0);
        boolean tanh = Activation.approximateTanh(ctx.attrs());
        double[] v = x.toDoubleArray();
        for (int i = 0; i < v.length; i++) v[i] = FusedMath.gelu(v[i], tanh);
        ctx.setOutput(0, Tensor.fromDoubles(x.dtype(), x.shape(), v));
    }
}
