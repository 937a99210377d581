package org.ge4j.ops.onnx;

import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.PartedOpLibrary;
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
public final class NnOps extends PartedOpLibrary {
    @Override public String name() { return "onnx-nn"; }

    @Override public int parts() { return 11; }

    @Override public void register(OpRegistry r, int part) {
        switch (part) {
            case 0 -> MatMulOps.register(r);
            case 1 -> ConvOps.register(r);
            case 2 -> PoolOps.register(r);
            case 3 -> NormalizationOps.register(r);
            case 4 -> ReduceOps.register(r);
            case 5 -> SoftmaxOps.register(r);
            case 6 -> TopKOps.register(r);
            case 7 -> LinalgOps.register(r);
            case 8 -> DropoutOps.register(r);
            case 9 -> LossOps.register(r);
            case 10 -> ImageOps.register(r);
            default -> throw new IllegalArgumentException("part " + part + " of 11");
        }
    }
}
