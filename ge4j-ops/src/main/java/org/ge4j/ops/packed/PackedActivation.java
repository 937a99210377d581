package org.ge4j.ops.packed;

import java.util.Set;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.OpException;
import org.ge4j.ops.autofuse.ScalarMath;

/**
 * The activation {@code ge4j::PackedMatMul} applies last, named as on the fused ops: attribute
 * {@code activation} ({@code ""}, Relu, LeakyRelu [alpha], Clip [min, max], Sigmoid, Tanh, Gelu), its
 * {@code activation_params}, and {@code approximate} (none | tanh) for Gelu.
 *
 * @param kind one of the constants below
 * @param p0   the first parameter (LeakyRelu's alpha, Clip's min)
 * @param p1   the second parameter (Clip's max)
 */
record PackedActivation(int kind, float p0, float p1) {
    static final int NONE = 0, RELU = 1, LEAKY_RELU = 2, CLIP = 3, SIGMOID = 4, TANH = 5, GELU = 6, GELU_TANH = 7;

    static final Set<String> NAMES = Set.of("", "Relu", "LeakyRelu", "Clip", "Sigmoid", "Tanh", "Gelu");

    /** The activation a node's attributes name; fails naming the attribute when they are wrong. */
    static PackedActivation of(Attrs a) {
        String name = a.getString("activation", "");
        float[] p = a.getFloats("activation_params", new float[0]);
        return switch (name) {
            case "" -> new PackedActivation(NONE, 0, 0);
            case "Relu" -> new PackedActivation(RELU, 0, 0);
            case "LeakyRelu" -> new PackedActivation(LEAKY_RELU, p.length > 0 ? p[0] : 0.01f, 0);
            case "Clip" -> new PackedActivation(CLIP, p.length > 0 ? p[0] : Float.NEGATIVE_INFINITY, p.length > 1 ? p[1] : Float.POSITIVE_INFINITY);
            case "Sigmoid" -> new PackedActivation(SIGMOID, 0, 0);
            case "Tanh" -> new PackedActivation(TANH, 0, 0);
            case "Gelu" -> switch (a.getString("approximate", "none")) {
                case "none" -> new PackedActivation(GELU, 0, 0);
                case "tanh" -> new PackedActivation(GELU_TANH, 0, 0);
                default -> throw new OpException(a.node(), "attribute 'approximate' must be \"none\" or \"tanh\", got \"" + a.getString("approximate") + "\"");
            };
            default -> throw new OpException(a.node(), "attribute 'activation' must be one of " + NAMES + ", got \"" + name + "\"");
        };
    }

    /** The activation in double precision (the reference kernel's). */
    double apply(double x) {
        return switch (kind) {
            case NONE -> x;
            case RELU -> Math.max(x, 0);
            case LEAKY_RELU -> x >= 0 ? x : p0 * x;
            case CLIP -> Double.isNaN(x) ? x : Math.min(p1, Math.max(p0, x));
            case SIGMOID -> ScalarMath.sigmoid(x);
            case TANH -> Math.tanh(x);
            case GELU -> 0.5 * x * (1 + ScalarMath.erf(x * Math.sqrt(0.5)));
            case GELU_TANH -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            default -> throw new IllegalStateException("activation kind " + kind);
        };
    }
}
