package org.ge4j.ops.onnx;

import org.ge4j.ops.OpLibrary;
import org.ge4j.ops.OpRegistry;
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
public final class ControlFlowOps implements OpLibrary {
    @Override public String name() { return "onnx-controlflow"; }

    @Override public void register(OpRegistry r) {
        IfOp.register(r);
        LoopOp.register(r);
        ScanOp.register(r);
        SequenceOps.register(r);
        SequenceMapOp.register(r);
        OptionalOps.register(r);
        StringOps.register(r);
        TfIdfVectorizer.register(r);
        RandomOps.register(r);
        TrainingOps.register(r);
    }
}
