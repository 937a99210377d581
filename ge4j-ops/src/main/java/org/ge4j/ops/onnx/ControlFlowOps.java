package org.ge4j.ops.onnx;

import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.PartedOpLibrary;
import org.ge4j.ops.onnx.control.IfOp;
import org.ge4j.ops.onnx.control.LoopOp;
import org.ge4j.ops.onnx.control.OptionalOps;
import org.ge4j.ops.onnx.control.RandomOps;
import org.ge4j.ops.onnx.control.ScanOp;
import org.ge4j.ops.onnx.control.SequenceMapOp;
import org.ge4j.ops.onnx.control.SequenceOps;
import org.ge4j.ops.onnx.control.StringOps;
import org.ge4j.ops.onnx.control.TfIdfVectorizer;
import org.ge4j.ops.onnx.control.TrainingOps;

/** ONNX default-domain ops: control flow, sequences, optionals, strings, random and training ops. */
public final class ControlFlowOps extends PartedOpLibrary {
    @Override public String name() { return "onnx-controlflow"; }

    @Override public int parts() { return 10; }

    @Override public void register(OpRegistry r, int part) {
        switch (part) {
            case 0 -> IfOp.register(r);
            case 1 -> LoopOp.register(r);
            case 2 -> ScanOp.register(r);
            case 3 -> SequenceOps.register(r);
            case 4 -> SequenceMapOp.register(r);
            case 5 -> OptionalOps.register(r);
            case 6 -> StringOps.register(r);
            case 7 -> TfIdfVectorizer.register(r);
            case 8 -> RandomOps.register(r);
            case 9 -> TrainingOps.register(r);
            default -> throw new IllegalArgumentException("part " + part + " of 10");
        }
    }
}
