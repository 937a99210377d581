package org.ge4j.ops.onnx;

import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.PartedOpLibrary;
import org.ge4j.ops.onnx.elementwise.BinaryOps;
import org.ge4j.ops.onnx.elementwise.CastOps;
import org.ge4j.ops.onnx.elementwise.ClipOp;
import org.ge4j.ops.onnx.elementwise.UnaryOps;
import org.ge4j.ops.onnx.elementwise.VariadicOps;
import org.ge4j.ops.onnx.elementwise.WhereOp;

/** ONNX default-domain ops: elementwise arithmetic, comparisons, logic, bitwise, activations, Cast, Clip, Where. */
public final class ElementwiseOps extends PartedOpLibrary {
    @Override public String name() { return "onnx-elementwise"; }

    @Override public int parts() { return 6; }

    @Override public void register(OpRegistry r, int part) {
        switch (part) {
            case 0 -> UnaryOps.register(r);
            case 1 -> BinaryOps.register(r);
            case 2 -> VariadicOps.register(r);
            case 3 -> ClipOp.register(r);
            case 4 -> WhereOp.register(r);
            case 5 -> CastOps.register(r);
            default -> throw new IllegalArgumentException("part " + part + " of 6");
        }
    }
}
