package org.ge4j.ops.onnx;

import org.ge4j.ops.OpLibrary;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.onnx.elementwise.BinaryOps;
import org.ge4j.ops.onnx.elementwise.CastOps;
import org.ge4j.ops.onnx.elementwise.ClipOp;
import org.ge4j.ops.onnx.elementwise.UnaryOps;
import org.ge4j.ops.onnx.elementwise.VariadicOps;
import org.ge4j.ops.onnx.elementwise.WhereOp;

/** ONNX default-domain ops: elementwise arithmetic, comparisons, logic, bitwise, activations, Cast, Clip, Where. */
public final class ElementwiseOps implements OpLibrary {
    @Override public String name() { return "onnx-elementwise"; }

    @Override public void register(OpRegistry r) {
        UnaryOps.register(r);
        BinaryOps.register(r);
        VariadicOps.register(r);
        ClipOp.register(r);
        WhereOp.register(r);
        CastOps.register(r);
    }
}
