package org.ge4j.ops.fused;

import java.util.function.DoubleUnaryOperator;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.OpException;

/**
 * The activation a fused op applies last, named by its {@code activation} attribute: {@code ""} (none),
 * {@code Relu}, {@code LeakyRelu} ({@code activation_params} = [alpha]), {@code Clip} ([min, max]),
 * {@code Sigmoid}, {@code Tanh}, {@code Gelu} (attribute {@code approximate} = none | tanh).
 */
public final class Activation {
    private Activation() {}

    /** The activation names fused ops accept. */
    public static final java.util.Set<String> NAMES = java.util.Set.of("", "Relu", "LeakyRelu", "Clip", "Sigmoid", "Tanh", "Gelu");

    /** The function a node's activation attributes describe; fails naming the attribute when they are wrong. */
    static DoubleUnaryOperator of(Attrs a) {
        String name = a.getString("activation", "");
        float[] p = a.getFloats("activation_params", new float[0]);
        return switch (name) {
            case "" -> x -> x;
            case "Relu" -> x -> Math.max(x, 0);
            case "LeakyRelu" -> {
                double alpha = p.length > 0 ? p[0] : 0.01;
                yield x -> x >= 0 ? x : alpha * x;
            }
            case "Clip" -> {
                double lo = p.length > 0 ? p[0] : Double.NEGATIVE_INFINITY, hi = p.length > 1 ? p[1] : Double.POSITIVE_INFINITY;
                yield x -> Double.isNaN(x) ? x : Math.min(hi, Math.max(lo, x));
            }
            case "Sigmoid" -> x -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
            case "Tanh" -> Math::tanh;
            case "Gelu" -> {
                boolean tanh = approximateTanh(a);
                yield x -> FusedMath.gelu(x, tanh);
            }
            default -> throw new OpException(a.node(), "attribute 'activation' must be one of " + NAMES + ", got \"" + name + "\"");
        };
    }

    /** Reads the {@code approximate} attribute: true for "tanh", false for "none"; fails otherwise. */
    static boolean approximateTanh(Attrs a) {
        String s = a.getString("approximate", "none");
        if (s.equals("tanh")) return true;
        if (s.equals("none")) return false;
        throw new OpException(a.node(), "attribute 'approximate' must be \"none\" or \"tanh\", got \"" + s + "\"");
    }

    /** Checks the activation attributes at inference time. */
    static void check(Attrs a) { of(a); }
}
