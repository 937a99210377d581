package org.ge4j.compiler.fusion;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ge4j.compiler.pattern.Matchers;
import org.ge4j.compiler.pattern.OpFacts;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;

/** Matching helpers shared by the fusion patterns. */
final class FusionSupport {
    private FusionSupport() {}

    /** The sole consumer of {@code a} when it is the ONNX op {@code type}, else null. */
    static Node consumer(OutDataAnchor a, String type) {
        Node c = Matchers.soleConsumer(a);
        return Matchers.is(c, type) ? c : null;
    }

    /** True for the floating-point types the fused ops accept. */
    static boolean isFloat(OutDataAnchor a) {
        DataType t = a.desc().dtype();
        return t == DataType.FLOAT || t == DataType.DOUBLE || t == DataType.FLOAT16 || t == DataType.BFLOAT16;
    }

    /** The attributes of {@code n} among {@code names} that it sets. */
    static Map<String, Attr> copy(Node n, String... names) {
        Map<String, Attr> m = new LinkedHashMap<>();
        for (String k : names) if (n.hasAttr(k)) m.put(k, n.attr(k));
        return m;
    }

    /** An activation a fused op can absorb: its name and parameters for the fused op's attributes. */
    record Act(String name, float[] params, String approximate) {
        void into(Map<String, Attr> attrs) {
            attrs.put("activation", new Attr.Str(name));
            if (params.length > 0) attrs.put("activation_params", new Attr.Floats(params));
            if (approximate != null) attrs.put("approximate", new Attr.Str(approximate));
        }
    }

    /** The activation {@code n} computes (Relu, LeakyRelu, Clip with constant bounds, Sigmoid, Tanh, ge4j::Gelu), or null. */
    static Act activation(Node n) {
        if (n == null || n.inputCount() == 0) return null;
        if (Matchers.isGe4j(n, "Gelu")) return new Act("Gelu", new float[0], n.attrString("approximate", "none"));
        if (!n.domain().isEmpty()) return null;
        return switch (n.type()) {
            case "Relu" -> new Act("Relu", new float[0], null);
            case "Sigmoid" -> new Act("Sigmoid", new float[0], null);
            case "Tanh" -> new Act("Tanh", new float[0], null);
            case "LeakyRelu" -> new Act("LeakyRelu", new float[] {n.attrFloat("alpha", 0.01f)}, null);
            case "Clip" -> clip(n);
            default -> null;
        };
    }

    private static Act clip(Node n) {
        if (n.inputCount() == 1) { // before opset 11: attributes
            return new Act("Clip", new float[] {n.attrFloat("min", -Float.MAX_VALUE), n.attrFloat("max", Float.MAX_VALUE)}, null);
        }
        float lo = Float.NEGATIVE_INFINITY, hi = Float.POSITIVE_INFINITY;
        if (n.inputCount() > 1 && n.inputValue(1) != null) {
            Double v = Matchers.scalar(n.inputValue(1));
            if (v == null) return null;
            lo = v.floatValue();
        }
        if (n.inputCount() > 2 && n.inputValue(2) != null) {
            Double v = Matchers.scalar(n.inputValue(2));
            if (v == null) return null;
            hi = v.floatValue();
        }
        return new Act("Clip", new float[] {lo, hi}, null);
    }

    /** The operand of a two-input node that is a one-element constant near {@code value}, with the other operand; null if none. */
    static OutDataAnchor otherThanScalar(Node binary, double value, double tol) {
        if (binary == null || binary.inputCount() != 2) return null;
        if (Matchers.isScalar(binary.inputValue(1), value, tol)) return binary.inputValue(0);
        if (Matchers.isScalar(binary.inputValue(0), value, tol)) return binary.inputValue(1);
        return null;
    }

    /** A constant's values as doubles, or null when not a numeric constant. */
    static double[] values(OutDataAnchor a) {
        Tensor t = OpFacts.constant(a);
        return t == null || !(t.dtype().isFloatingPoint() || t.dtype().isInteger()) ? null : t.toDoubleArray();
    }
}
