package org.ge4j.ops.onnx.tensor;

import org.ge4j.ops.OpRegistry;

/** Registers the schemas and reference kernels of the ONNX shape and data-movement ops. */
public final class TensorLibrary {
    private TensorLibrary() {}

    public static void register(OpRegistry r) {
        ConstantOps.register(r);
        ShapeOps.register(r);
        ReshapeOps.register(r);
        TransposeOps.register(r);
        ConcatSplitOps.register(r);
        SliceOp.register(r);
        ExpandTileOps.register(r);
        PadOp.register(r);
        GatherOps.register(r);
        ScatterOps.register(r);
        SelectOps.register(r);
        GeneratorOps.register(r);
        MaskOps.register(r);
    }
}
