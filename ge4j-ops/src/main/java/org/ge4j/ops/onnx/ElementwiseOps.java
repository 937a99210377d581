package org.ge4j.ops.onnx;

import org.ge4j.ops.OpLibrary;
import org.ge4j.ops.OpRegistry;

/** ONNX default-domain ops: elementwise arithmetic, comparisons, logic, bitwise, activations, Cast, Clip, Where. */
public final class ElementwiseOps implements OpLibrary {
    @Override public String name() { return "onnx-elementwise"; }

    @Override public void register(OpRegistry r) {
    }
}
