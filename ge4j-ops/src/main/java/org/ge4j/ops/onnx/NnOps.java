package org.ge4j.ops.onnx;

import org.ge4j.ops.OpLibrary;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.onnx.nn.ConvOps;
import org.ge4j.ops.onnx.nn.DropoutOps;
import org.ge4j.ops.onnx.nn.ImageOps;
import org.ge4j.ops.onnx.nn.LinalgOps;
import org.ge4j.ops.onnx.nn.LossOps;
import org.ge4j.ops.onnx.nn.MatMulOps;
import org.ge4j.ops.onnx.nn.NormalizationOps;
import org.ge4j.ops.onnx.nn.PoolOps;
import org.ge4j.ops.onnx.nn.ReduceOps;
import org.ge4j.ops.onnx.nn.SoftmaxOps;
import org.ge4j.ops.onnx.nn.TopKOps;

/** ONNX default-domain ops: neural-network ops: MatMul, Gemm, Conv, pooling, normalisation, Softmax, reductions, TopK, Einsum, Det,
 * Dropout, losses, Col2Im, CenterCropPad (implemented in {@link org.ge4j.ops.onnx.nn}). */
public final class NnOps implements OpLibrary {
    @Override public String name() { return "onnx-nn"; }

    @Override public void register(OpRegistry r) {
        MatMulOps.register(r);
        ConvOps.register(r);
        PoolOps.register(r);
        NormalizationOps.register(r);
        ReduceOps.register(r);
        SoftmaxOps.register(r);
        TopKOps.register(r);
        LinalgOps.register(r);
        DropoutOps.register(r);
        LossOps.register(r);
        ImageOps.register(r);
    }
}
