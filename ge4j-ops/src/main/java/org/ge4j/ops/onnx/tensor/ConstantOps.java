package org.ge4j.ops.onnx.tensor;

import java.util.List;
import org.ge4j.ir.Attr;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Node;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/** Constant and ConstantOfShape. */
final class ConstantOps {
    private ConstantOps() {}

    /** The attributes that can carry Constant's value, in the order they are looked for. */
    private static final List<String> VALUE_ATTRS = List.of("value", "sparse_value", "value_float", "value_floats",
            "value_int", "value_ints", "value_string", "value_strings");

    static void register(OpRegistry r) {
        r.register(constant(1).types("T", TensorTypes.FLOATS_V1).requiredAttr("value", AttrType.TENSOR).build());
        r.register(constant(9).types("T", TensorTypes.ALL_V1).requiredAttr("value", AttrType.TENSOR).build());
        r.register(constant(11).types("T", TensorTypes.ALL_V1).optionalAttr("value", AttrType.TENSOR)
                .optionalAttr("sparse_value", AttrType.TENSOR).build());
        for (int v : new int[] {12, 13})
            r.register(constant(v).types("T", TensorTypes.all(v)).optionalAttr("value", AttrType.TENSOR)
                    .optionalAttr("sparse_value", AttrType.TENSOR)
                    .optionalAttr("value_float", AttrType.FLOAT).optionalAttr("value_floats", AttrType.FLOATS)
                    .optionalAttr("value_int", AttrType.INT).optionalAttr("value_ints", AttrType.INTS)
                    .optionalAttr("value_string", AttrType.STRING).optionalAttr("value_strings", AttrType.STRINGS).build());
        r.registerReference("Constant", ConstantOps::constantKernel);

        r.register(OpSchema.onnx("ConstantOfShape", 9)
                .doc("A tensor of the given shape filled with the single element of attribute 'value' (default float 0).")
                .input("input", "tensor(int64)").output("output", "T2")
                .types("T2", TensorTypes.NUMERIC_BOOL_V1).optionalAttr("value", AttrType.TENSOR)
                .traits(Trait.PURE).inference(ConstantOps::inferConstantOfShape).build());
        r.registerReference("ConstantOfShape", ConstantOps::constantOfShapeKernel);
    }

    private static OpSchema.Builder constant(int since) {
        return OpSchema.onnx("Constant", since).doc("A constant tensor held in an attribute.")
                .output("output", "T").traits(Trait.PURE).inference(ConstantOps::inferConstant);
    }

    /** The one value attribute set on a Constant node; fails unless exactly one is. */
    private static String valueAttr(Node node) {
        String found = null;
        for (String a : VALUE_ATTRS) {
            if (!node.hasAttr(a)) continue;
            if (found != null) throw new OpException(node, "sets both attributes '" + found + "' and '" + a + "'; exactly one value attribute is allowed");
            found = a;
        }
        if (found == null) throw new OpException(node, "has no value attribute (expected one of " + String.join(", ", VALUE_ATTRS) + ")");
        return found;
    }

    private static void inferConstant(InferenceContext ctx) {
        Node n = ctx.node();
        String a = valueAttr(n);
        Attr v = n.attr(a);
        TensorDesc d = switch (v) {
            case Attr.TensorValue t -> t.value().desc();
            case Attr.Float f -> TensorDesc.of(DataType.FLOAT);
            case Attr.Floats f -> TensorDesc.of(DataType.FLOAT, f.value().length);
            case Attr.Int i -> TensorDesc.of(DataType.INT64);
            case Attr.Ints i -> TensorDesc.of(DataType.INT64, i.value().length);
            case Attr.Str s -> TensorDesc.of(DataType.STRING);
            case Attr.Strs s -> TensorDesc.of(DataType.STRING, s.value().size());
            default -> throw ctx.fail("attribute '" + a + "' has unsupported type " + v.type());
        };
        ctx.setOutput(0, d);
    }

    /** The value of a Constant node as a fresh tensor (for kernels and constant folding). */
    static Tensor constantValue(Node n) {
        String a = valueAttr(n);
        return switch (n.attr(a)) {
            case Attr.TensorValue t -> t.value().copy();
            case Attr.Float f -> Tensor.scalar(f.value());
            case Attr.Floats f -> Tensor.of(f.value(), f.value().length);
            case Attr.Int i -> Tensor.scalar(i.value());
            case Attr.Ints i -> Tensor.of(i.value(), i.value().length);
            case Attr.Str s -> {
                Tensor t = Tensor.allocate(DataType.STRING);
                t.setString(0, s.value());
                yield t;
            }
            case Attr.Strs s -> Tensor.of(s.value().toArray(new String[0]), s.value().size());
            default -> throw new OpException(n, "attribute '" + a + "' has unsupported type " + n.attr(a).type());
        };
    }

    private static void constantKernel(KernelContext ctx) {
        ctx.setOutput(0, constantValue(ctx.node()));
    }

    private static Tensor fillValue(Attrs attrs) {
        Tensor v = attrs.getTensor("value");
        if (v != null && v.size() != 1)
            throw new OpException(attrs.node(), "attribute 'value' must hold exactly one element, got " + Args.describe(v));
        return v;
    }

    private static void inferConstantOfShape(InferenceContext ctx) {
        Tensor v = fillValue(ctx.attrs());
        DataType t = v == null ? DataType.FLOAT : v.dtype();
        long[] known = Args.known(ctx, 0, "input 0 ('input')");
        if (known != null) {
            ctx.setOutput(0, t, Shape.of(checkDims(ctx.node(), known)));
            return;
        }
        ShapeValues.Value sv = ShapeValues.of(ctx.node().inputValue(0));
        if (sv != null && !sv.scalar() && !sv.dims().contains(null)) {
            ctx.setOutput(0, t, Shape.of(sv.dims()));
            return;
        }
        Shape in = ctx.inputShape(0);
        if (in.hasRank() && in.rank() == 1 && in.dim(0) instanceof Dim.Static s) ctx.setOutput(0, t, Shape.unknownDims((int) s.value()));
        else ctx.setOutput(0, t, Shape.UNKNOWN_RANK);
    }

    private static long[] shapeValues(Node node, Tensor shape) {
        return checkDims(node, Args.vector(node, "input 0 ('input')", shape));
    }

    private static long[] checkDims(Node node, long[] dims) {
        for (long d : dims)
            if (d < 0) throw new OpException(node, "input 0 ('input') holds a negative dimension " + d + " in " + java.util.Arrays.toString(dims));
        return dims;
    }

    private static void constantOfShapeKernel(KernelContext ctx) {
        Tensor v = fillValue(ctx.attrs());
        long[] dims = shapeValues(ctx.node(), ctx.requireInput(0));
        Tensor out = ctx.allocateOutput(0, v == null ? DataType.FLOAT : v.dtype(), dims);
        if (v != null) Elements.fill(v, 0, out, 0, out.size());
    }
}
