package org.ge4j.ops.vector;

import jdk.incubator.vector.FloatVector;
import org.ge4j.ops.Attrs;

/**
 * An activation applied lane-wise as the last step of a fused kernel (the fused ops' {@code activation}
 * attribute, or a standalone unary op): its kind and up to two parameters.
 */
record Act(int kind, float p0, float p1) {
    static final int NONE = 0, RELU = 1, LEAKY_RELU = 2, CLIP = 3, SIGMOID = 4, TANH = 5, GELU = 6, GELU_TANH = 7, ERF = 8;

    static final Act IDENTITY = new Act(NONE, 0, 0);

    /**
     * The activation named by a fused op's attributes ({@code activation}, {@code activation_params},
     * {@code approximate}); null for a name this library does not know (the caller declines).
     */
    static Act ofFusedAttrs(Attrs a) {
        String name = a.getString("activation", "");
        float[] p = a.getFloats("activation_params", new float[0]);
        return switch (name) {
            case "" -> IDENTITY;
            case "Relu" -> new Act(RELU, 0, 0);
            case "LeakyRelu" -> new Act(LEAKY_RELU, p.length > 0 ? p[0] : 0.01f, 0);
            case "Clip" -> new Act(CLIP, p.length > 0 ? p[0] : Float.NEGATIVE_INFINITY, p.length > 1 ? p[1] : Float.POSITIVE_INFINITY);
            case "Sigmoid" -> new Act(SIGMOID, 0, 0);
            case "Tanh" -> new Act(TANH, 0, 0);
            case "Gelu" -> switch (a.getString("approximate", "none")) {
                case "none" -> new Act(GELU, 0, 0);
                case "tanh" -> new Act(GELU_TANH, 0, 0);
                default -> null;
            };
            default -> null;
        };
    }

    boolean isIdentity() { return kind == NONE; }

    FloatVector apply(FloatVector v) { return apply(kind, p0, p1, v); }

    static FloatVector apply(int kind, float p0, float p1, FloatVector v) {
        return switch (kind) {
            case NONE -> v;
            case RELU -> v.max(0f);
            case LEAKY_RELU -> v.blend(v.mul(p0), v.lt(0f));
            case CLIP -> v.max(p0).min(p1);
            case SIGMOID -> VMath.sigmoid(v);
            case TANH -> VMath.tanh(v);
            case GELU -> VMath.gelu(v);
            case GELU_TANH -> VMath.geluTanh(v);
            case ERF -> VMath.erf(v);
            default -> throw new IllegalStateException("activation kind " + kind);
        };
    }

    /** The scalar form (for tails and tests). */
    static float apply(int kind, float p0, float p1, float x) {
        return switch (kind) {
            case NONE -> x;
            case RELU -> Math.max(x, 0f);
            case LEAKY_RELU -> x < 0 ? x * p0 : x;
            case CLIP -> Math.min(Math.max(x, p0), p1);
            default -> apply(kind, p0, p1, FloatVector.broadcast(VMath.S, x)).lane(0);
        };
    }
}
