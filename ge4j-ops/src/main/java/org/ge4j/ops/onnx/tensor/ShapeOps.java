package org.ge4j.ops.onnx.tensor;

import org.ge4j.ir.DataType;
import org.ge4j.ir.OptionalValue;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorSequence;
import org.ge4j.ir.Value;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/** Identity, Shape and Size. */
final class ShapeOps {
    private ShapeOps() {}

    static void register(OpRegistry r) {
        for (int v : new int[] {1, 13, 14, 16}) {
            String tv = v >= 14 ? "V" : "T";
            r.register(OpSchema.onnx("Identity", v)
                    .doc(v >= 16 ? "The input (tensor, sequence or optional) unchanged." : v >= 14 ? "The input (tensor or sequence) unchanged." : "The input unchanged.")
                    .input("input", tv).output("output", tv).types(tv, TensorTypes.all(v))
                    .traits(Trait.PURE, Trait.VIEW).inference(ctx -> ctx.setOutput(0, ctx.requireInput(0))).build());
        }
        r.registerReference("Identity", ctx -> ctx.setOutput(0, deepCopy(ctx.value(0))));

        for (int v : new int[] {1, 13, 15}) {
            OpSchema.Builder b = OpSchema.onnx("Shape", v).doc("The shape of the input as a 1-D int64 tensor" + (v >= 15 ? ", optionally sliced [start, end)." : "."))
                    .input("data", "T").output("shape", "tensor(int64)").types("T", TensorTypes.all(v))
                    .traits(Trait.PURE, Trait.SHAPE_ONLY).inference(ShapeOps::inferShape);
            if (v >= 15) b.optionalAttr("end", org.ge4j.ir.AttrType.INT).attr("start", 0L);
            r.register(b.build());
        }
        r.registerReference("Shape", ShapeOps::shapeKernel);

        for (int v : new int[] {1, 13})
            r.register(OpSchema.onnx("Size", v).doc("The number of elements of the input as an int64 scalar.")
                    .input("data", "T").output("size", "tensor(int64)").types("T", TensorTypes.all(v))
                    .traits(Trait.PURE, Trait.SHAPE_ONLY)
                    .inference(ctx -> { ctx.requireInput(0); ctx.setOutput(0, DataType.INT64, Shape.SCALAR); }).build());
        r.registerReference("Size", ctx -> {
            Tensor out = ctx.allocateOutput(0, DataType.INT64);
            out.setScalarLong(0, ctx.requireInput(0).size());
        });
    }

    /** A copy owning fresh memory of any value kind. */
    static Value deepCopy(Value v) {
        return switch (v) {
            case Tensor t -> t.copy();
            case TensorSequence s -> new TensorSequence(s.elementType(), s.tensors().stream().map(Tensor::copy).toList());
            case OptionalValue o -> new OptionalValue(o.elementType(), o.value() == null ? null : deepCopy(o.value()));
        };
    }

    /** The [start, end) range of dims Shape-15 returns, clamped into [0, rank]. */
    private static int[] bounds(org.ge4j.ops.Attrs attrs, int rank) {
        long s = attrs.getInt("start", 0);
        long e = attrs.getInt("end", rank);
        s = Math.clamp(s < 0 ? s + rank : s, 0, rank);
        e = Math.clamp(e < 0 ? e + rank : e, 0, rank);
        return new int[] {(int) s, (int) Math.max(s, e)};
    }

    private static void inferShape(InferenceContext ctx) {
        Shape in = ctx.inputShape(0);
        if (!in.hasRank()) {
            ctx.setOutput(0, DataType.INT64, Shape.unknownDims(1));
            return;
        }
        int[] b = bounds(ctx.attrs(), in.rank());
        ctx.setOutput(0, DataType.INT64, Shape.of(new long[] {b[1] - b[0]}));
    }

    private static void shapeKernel(KernelContext ctx) {
        Tensor in = ctx.requireInput(0);
        int[] b = bounds(ctx.attrs(), in.rank());
        Tensor out = ctx.allocateOutput(0, DataType.INT64, b[1] - b[0]);
        for (int i = b[0]; i < b[1]; i++) out.setScalarLong(i - b[0], in.dim(i));
    }
}
