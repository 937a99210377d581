package org.ge4j.ops.autofuse;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.ge4j.ir.Node;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.autofuse.FusedProgram.Builder;
import org.ge4j.ops.autofuse.FusedProgram.Literal;
import org.ge4j.ops.autofuse.FusedProgram.Operand;
import org.ge4j.ops.autofuse.FusedProgram.Temp;

/**
 * How elementwise ops become {@link FusedProgram} instructions: the fuser's vocabulary. An op can be fused
 * when the registry marks it ELEMENTWISE and PURE and a rule here expresses it for the node's attributes
 * and opset. Each rule emits exactly the computation of the op's reference kernel, so a fused program
 * rounds where the unfused ops would. Rules are keyed by qualified op type; plugins may add their own.
 */
public final class Lowering {
    private Lowering() {}

    /** Emits one node's computation. {@code args} are the node's inputs as operands (null when absent). */
    @FunctionalInterface
    public interface Rule {
        Temp emit(List<Operand> args, Builder b);
    }

    /** Makes the rule for a node (its attributes read through {@link Attrs}), or null when it cannot be expressed. */
    @FunctionalInterface
    public interface RuleFactory extends BiFunction<Attrs, OpSchema, Rule> {}

    private static final Map<String, RuleFactory> RULES = new HashMap<>();

    static {
        binary("Add", Opcode.ADD);
        binary("Sub", Opcode.SUB);
        binary("Mul", Opcode.MUL);
        binary("Div", Opcode.DIV);
        binary("Pow", Opcode.POW);
        binary("PRelu", Opcode.PRELU);
        for (String t : new String[] {"Max", "Min", "Sum"}) {
            Opcode op = t.equals("Max") ? Opcode.MAX : t.equals("Min") ? Opcode.MIN : Opcode.ADD;
            // two inputs only: a longer Sum would round after every add where the reference rounds once
            register("", t, (a, s) -> a.node().inputCount() != 2 ? null : (args, b) -> b.op(op, args.get(0), args.get(1)));
        }
        unary("Neg", Opcode.NEG);
        unary("Abs", Opcode.ABS);
        unary("Relu", Opcode.RELU);
        unary("Sigmoid", Opcode.SIGMOID);
        unary("Tanh", Opcode.TANH);
        unary("Exp", Opcode.EXP);
        unary("Log", Opcode.LOG);
        unary("Sqrt", Opcode.SQRT);
        unary("Erf", Opcode.ERF);
        unary("Reciprocal", Opcode.RECIPROCAL);
        unary("Floor", Opcode.FLOOR);
        unary("Ceil", Opcode.CEIL);
        unary("Round", Opcode.ROUND);
        unary("Sin", Opcode.SIN);
        unary("Cos", Opcode.COS);
        unary("Softplus", Opcode.SOFTPLUS);
        unary("Softsign", Opcode.SOFTSIGN);
        unary("Mish", Opcode.MISH);
        unary("HardSwish", Opcode.HARD_SWISH);
        withAlpha("LeakyRelu", Opcode.LEAKY_RELU, 0.01f);
        withAlpha("Elu", Opcode.ELU, 1.0f);
        withAlpha("Celu", Opcode.CELU, 1.0f);
        withAlpha("ThresholdedRelu", Opcode.THRESHOLDED_RELU, 1.0f);
        register("", "HardSigmoid", (a, s) -> {
            double alpha = a.getFloat("alpha", 0.2f), beta = a.getFloat("beta", 0.5f);
            return (args, b) -> b.op(Opcode.HARD_SIGMOID, args.get(0), new Literal(alpha), new Literal(beta));
        });
        register("", "Selu", (a, s) -> {
            double alpha = a.getFloat("alpha", 1.67326319217681884765625f), gamma = a.getFloat("gamma", 1.05070102214813232421875f);
            return (args, b) -> b.op(Opcode.SELU, args.get(0), new Literal(alpha), new Literal(gamma));
        });
        register("", "Clip", Lowering::clip);
        RuleFactory gelu = (a, s) -> switch (a.getString("approximate", "none")) {
            case "none" -> (args, b) -> b.op(Opcode.GELU, args.get(0));
            case "tanh" -> (args, b) -> b.op(Opcode.GELU_TANH, args.get(0));
            default -> null;
        };
        register("", "Gelu", gelu);
        register(Node.GE4J_DOMAIN, "Gelu", gelu);
    }

    /** Adds (or replaces) the rule for {@code domain::type}. */
    public static synchronized void register(String domain, String type, RuleFactory f) { RULES.put(key(domain, type), f); }

    /** The rule for {@code attrs.node()} under {@code schema}, or null when the fuser cannot express it. */
    public static Rule rule(Attrs attrs, OpSchema schema) {
        Node n = attrs.node();
        RuleFactory f;
        synchronized (Lowering.class) {
            f = RULES.get(key(n.domain(), n.type()));
        }
        return f == null ? null : f.apply(attrs, schema);
    }

    private static String key(String domain, String type) { return (domain == null || domain.equals("ai.onnx") ? "" : domain) + "::" + type; }

    private static void unary(String type, Opcode op) { register("", type, (a, s) -> (args, b) -> b.op(op, args.get(0))); }

    /** Binary ops broadcast numpy-style from opset 7; older versions broadcast by attributes and are left alone. */
    private static void binary(String type, Opcode op) {
        register("", type, (a, s) -> s.sinceVersion() < 7 ? null : (args, b) -> b.op(op, args.get(0), args.get(1)));
    }

    private static void withAlpha(String type, Opcode op, float dflt) {
        register("", type, (a, s) -> {
            double alpha = a.getFloat("alpha", dflt);
            return (args, b) -> b.op(op, args.get(0), new Literal(alpha));
        });
    }

    /** Clip: bounds are attributes before opset 11 and optional inputs after; a missing bound does not clip. */
    private static Rule clip(Attrs a, OpSchema s) {
        if (s.sinceVersion() < 11) {
            double lo = a.get("min") == null ? Double.NEGATIVE_INFINITY : a.getFloat("min");
            double hi = a.get("max") == null ? Double.POSITIVE_INFINITY : a.getFloat("max");
            return (args, b) -> b.op(Opcode.CLIP, args.get(0), new Literal(lo), new Literal(hi));
        }
        return (args, b) -> {
            Operand lo = args.size() > 1 && args.get(1) != null ? args.get(1) : new Literal(Double.NEGATIVE_INFINITY);
            Operand hi = args.size() > 2 && args.get(2) != null ? args.get(2) : new Literal(Double.POSITIVE_INFINITY);
            return b.op(Opcode.CLIP, args.get(0), lo, hi);
        };
    }
}
