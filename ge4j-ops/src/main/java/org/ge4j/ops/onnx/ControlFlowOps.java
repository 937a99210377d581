package org.ge4j.ops.onnx;

import org.ge4j.ops.OpLibrary;
import org.ge4j.ops.OpRegistry;

/** ONNX default-domain ops: control flow, sequences, optionals, strings, random and training ops. */
public final class ControlFlowOps implements OpLibrary {
    @Override public String name() { return "onnx-controlflow"; }

    @Override public void register(OpRegistry r) {
    }
}
