package org.ge4j.ops.onnx;

import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.PartedOpLibrary;
import org.ge4j.ops.onnx.tensor.TensorLibrary;

/** ONNX default-domain ops: shape and data movement: Constant, Shape, Reshape, Transpose, Concat, Split, Slice, Gather, Scatter, Pad, Expand, .... */
public final class TensorOps extends PartedOpLibrary {
    @Override public String name() { return "onnx-tensor"; }

    @Override public int parts() { return TensorLibrary.PARTS; }

    @Override public void register(OpRegistry r, int part) { TensorLibrary.register(r, part); }
}
