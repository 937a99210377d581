package org.ge4j.parser.onnx;

import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpLibrary;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * Custom ge4j ops defined only in test code: {@code acme.ge4j::ScaleAdd}, Y = X * factor + bias; and
 * {@code Hang} and {@code Boom}, whose kernels never finish or throw an Error.
 */
public final class AcmeTestOps implements OpLibrary {
    static final String DOMAIN = "acme.ge4j";

    @Override public String name() { return "acme-test"; }

    @Override public void register(OpRegistry r) {
        r.register(OpSchema.builder(DOMAIN, "ScaleAdd", 1)
                .input("X", "T").output("Y", "T").types("T", DataType.FLOAT, DataType.DOUBLE)
                .attr("factor", 1f).attr("bias", 0f).traits(Trait.ELEMENTWISE, Trait.PURE)
                .inference(ctx -> ctx.setOutput(0, ctx.requireInput(0)))
                .build());
        r.registerKernel(OpRegistry.REFERENCE, DOMAIN, "ScaleAdd", ctx -> {
            Tensor x = ctx.requireInput(0);
            double f = ctx.attrs().getFloat("factor"), b = ctx.attrs().getFloat("bias");
            double[] v = x.toDoubleArray();
            for (int i = 0; i < v.length; i++) v[i] = v[i] * f + b;
            ctx.setOutput(0, Tensor.fromDoubles(x.dtype(), x.shape(), v));
        });
        // for the conformance runner's tests: an op that hangs and one whose kernel dies with an Error
        r.register(OpSchema.builder(DOMAIN, "Hang", 1).input("X", "T").output("Y", "T").types("T", DataType.FLOAT).build());
        r.registerKernel(OpRegistry.REFERENCE, DOMAIN, "Hang", ctx -> {
            try {
                Thread.sleep(600_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw ctx.fail("interrupted");
        });
        r.register(OpSchema.builder(DOMAIN, "Boom", 1).input("X", "T").output("Y", "T").types("T", DataType.FLOAT).build());
        r.registerKernel(OpRegistry.REFERENCE, DOMAIN, "Boom", ctx -> { throw new OutOfMemoryError("simulated"); });
    }
}
