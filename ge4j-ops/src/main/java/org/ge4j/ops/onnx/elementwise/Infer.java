package org.ge4j.ops.onnx.elementwise;

import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.ShapeInference;

/** Shape/type inference functions shared by the elementwise ops. */
final class Infer {
    private Infer() {}

    /** Output 0 has input 0's type and shape. */
    static ShapeInference sameAsInput() {
        return ctx -> {
            TensorDesc d = ctx.requireInput(0);
            ctx.setOutput(0, d.dtype(), d.shape());
        };
    }

    /** Output 0 has input 0's shape and type {@code out}. */
    static ShapeInference shapeOfInput(DataType out) {
        return ctx -> ctx.setOutput(0, out, ctx.inputShape(0));
    }

    /**
     * Output 0 is the broadcast of every input, of type {@code out} (null: input 0's type). Schemas with the
     * legacy {@code broadcast} attribute broadcast B to A unidirectionally instead.
     */
    static ShapeInference broadcast(DataType out) {
        return ctx -> {
            DataType t = out != null ? out : ctx.inputType(0);
            Shape s;
            if (Version.isLegacyBroadcast(ctx.schema())) s = Broadcasting.inferLegacy(ctx);
            else {
                int[] ports = new int[ctx.inputCount()];
                for (int i = 0; i < ports.length; i++) ports[i] = i;
                s = Broadcasting.infer(ctx, ports);
            }
            ctx.setOutput(0, t, s);
        };
    }
}
