package org.ge4j.ops.onnx.control;

import org.ge4j.ir.Attr;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.OptionalValue;
import org.ge4j.ir.Shape;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.Value;
import org.ge4j.ir.ValueKind;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * The optional-type ops: {@code Optional} (wrap a value, or make an empty optional of attribute
 * {@code type}), {@code OptionalHasElement} and {@code OptionalGetElement}. From opset 18 the latter two also
 * accept plain tensors and sequences (which always "have" their element), and OptionalHasElement's input
 * may be absent (false).
 */
public final class OptionalOps {
    private OptionalOps() {}

    public static void register(OpRegistry r) {
        var t = ControlTypes.TENSOR;
        r.register(OpSchema.onnx("Optional", 15).doc("An optional holding the input, or an empty optional of attribute 'type'.")
                .optionalInput("input", "V").output("output", "O").types("V", t).types("O", t)
                .optionalAttr("type", AttrType.TYPE)
                .traits(Trait.PURE).inference(OptionalOps::inferOptional).build());
        for (int v : new int[] {15, 18}) {
            OpSchema.Builder has = OpSchema.onnx("OptionalHasElement", v)
                    .doc("True when the input optional holds an element" + (v >= 18 ? " (tensors and sequences always do; an absent input does not)." : "."));
            if (v >= 18) has.optionalInput("input", "O");
            else has.input("input", "O");
            r.register(has.output("output", "B").types("O", t).types("B", DataType.BOOL)
                    .traits(Trait.PURE).inference(OptionalOps::inferHas).build());
            r.register(OpSchema.onnx("OptionalGetElement", v)
                    .doc("The element of the input optional" + (v >= 18 ? " (a tensor or sequence input is returned as is)." : "."))
                    .input("input", "O").output("output", "V").types("O", t).types("V", t)
                    .traits(Trait.PURE).inference(OptionalOps::inferGet).build());
        }
        r.registerReference("Optional", OptionalOps::optional);
        r.registerReference("OptionalHasElement", OptionalOps::has);
        r.registerReference("OptionalGetElement", OptionalOps::get);
    }

    private static ValueKind optionalKind(TensorDesc element) {
        return element.kind() == ValueKind.SEQUENCE || element.kind() == ValueKind.OPTIONAL_SEQUENCE
                ? ValueKind.OPTIONAL_SEQUENCE : ValueKind.OPTIONAL_TENSOR;
    }

    private static TensorDesc typeAttr(Attr a, java.util.function.Function<String, RuntimeException> fail) {
        if (!(a instanceof Attr.TypeValue tv)) throw fail.apply("without an input, attribute 'type' (the element type) is required");
        TensorDesc d = tv.value();
        if (d.kind() != ValueKind.TENSOR && d.kind() != ValueKind.SEQUENCE)
            throw fail.apply("attribute 'type' must be a tensor or sequence type, got " + d);
        return d;
    }

    static void inferOptional(InferenceContext ctx) {
        if (ctx.hasInput(0)) {
            TensorDesc d = ctx.requireInput(0);
            if (Descs.isOptional(d)) throw ctx.fail("input 0 ('input') must be a tensor or sequence, got " + d);
            if (ctx.attrs().get("type") instanceof Attr.TypeValue tv && d.isKnown() && tv.value().dtype() != d.dtype())
                throw ctx.fail("input 0 ('input') is " + d + " but attribute 'type' says " + tv.value());
            ctx.setOutput(0, d.withKind(optionalKind(d)));
        } else {
            TensorDesc d = typeAttr(ctx.attrs().get("type"), ctx::fail);
            ctx.setOutput(0, d.withKind(optionalKind(d)));
        }
    }

    static void inferHas(InferenceContext ctx) {
        if (ctx.hasInput(0)) {
            TensorDesc d = ctx.requireInput(0);
            if (ctx.opset() < 18 && d.isKnown() && !Descs.isOptional(d))
                throw ctx.fail("input 0 ('input') must be an optional before opset 18, got " + d);
        } else if (ctx.opset() < 18) {
            throw ctx.fail("input 0 ('input') is required before opset 18");
        }
        ctx.setOutput(0, DataType.BOOL, Shape.SCALAR);
    }

    static void inferGet(InferenceContext ctx) {
        TensorDesc d = ctx.requireInput(0);
        if (ctx.opset() < 18 && d.isKnown() && !Descs.isOptional(d))
            throw ctx.fail("input 0 ('input') must be an optional before opset 18, got " + d);
        ValueKind k = switch (d.kind()) {
            case OPTIONAL_TENSOR -> ValueKind.TENSOR;
            case OPTIONAL_SEQUENCE -> ValueKind.SEQUENCE;
            default -> d.kind();
        };
        ctx.setOutput(0, d.withKind(k));
    }

    static void optional(KernelContext ctx) {
        Value v = ctx.value(0);
        if (v == null) {
            ctx.setOutput(0, OptionalValue.empty(typeAttr(ctx.attrs().get("type"), ctx::fail)));
            return;
        }
        if (v instanceof OptionalValue) throw ctx.fail("input 0 ('input') must be a tensor or sequence, got an optional");
        ctx.setOutput(0, new OptionalValue(Values.elementDesc(v), Values.copy(v)));
    }

    static void has(KernelContext ctx) {
        Value v = ctx.value(0);
        boolean present = switch (v) {
            case null -> false;
            case OptionalValue o -> o.isPresent();
            default -> true;
        };
        ctx.setOutput(0, Values.boolScalar(present));
    }

    static void get(KernelContext ctx) {
        Value v = ctx.value(0);
        if (v == null) throw ctx.fail("input 0 ('input') is required but absent");
        if (v instanceof OptionalValue o) {
            if (!o.isPresent()) throw ctx.fail("input 0 ('input') is an empty optional: it has no element to get");
            ctx.setOutput(0, Values.copy(o.value()));
        } else {
            ctx.setOutput(0, Values.copy(v));
        }
    }
}
