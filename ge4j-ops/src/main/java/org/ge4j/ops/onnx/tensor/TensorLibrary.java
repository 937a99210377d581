package org.ge4j.ops.onnx.tensor;

import org.ge4j.ops.OpRegistry;

/** Registers the schemas and reference kernels of the ONNX shape and data-movement ops. */
public final class TensorLibrary {
    private TensorLibrary() {}

    /** How many parts {@link #register(OpRegistry, int)} registers one at a time. */
    public static final int PARTS = 13;

    public static void register(OpRegistry r) {
        for (int p = 0; p < PARTS; p++) register(r, p);
    }

    /** Registers part {@code part} (0 ≤ part &lt; {@link #PARTS}): one class's ops. */
    public static void register(OpRegistry r, int part) {
        switch (part) {
            case 0 -> ConstantOps.register(r);
            case 1 -> ShapeOps.register(r);
            case 2 -> ReshapeOps.register(r);
            case 3 -> TransposeOps.register(r);
            case 4 -> ConcatSplitOps.register(r);
            case 5 -> SliceOp.register(r);
            case 6 -> ExpandTileOps.register(r);
            case 7 -> PadOp.register(r);
            case 8 -> GatherOps.register(r);
            case 9 -> ScatterOps.register(r);
            case 10 -> SelectOps.register(r);
            case 11 -> GeneratorOps.register(r);
            case 12 -> MaskOps.register(r);
            default -> throw new IllegalArgumentException("part " + part + " of " + PARTS);
        }
    }
}
