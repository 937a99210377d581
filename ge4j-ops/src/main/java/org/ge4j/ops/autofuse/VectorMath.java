package org.ge4j.ops.autofuse;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The instructions of a fused program on float vectors, for the generated kernels' vector loop: one small
 * static method per {@link Opcode} (named like the opcode's scalar function, arithmetic by its text), which
 * C2 inlines into the kernel. They compute in float with the Vector API's transcendental functions (within
 * a few ulp of the double reference), erf with a polynomial approximation of about 1e-7 absolute error.
 * Opcodes without a method here (floor, ceil, round) make the generator use its scalar loop.
 */
public final class VectorMath {
    private VectorMath() {}

    /** The species the generated vector loops use (the widest the machine has). */
    public static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private static final FloatVector ZERO = FloatVector.zero(SPECIES);
    private static final FloatVector ONE = FloatVector.broadcast(SPECIES, 1f);
    private static final FloatVector HALF = FloatVector.broadcast(SPECIES, 0.5f);

    /** The number of lanes of {@link #SPECIES}. */
    public static int lanes() { return SPECIES.length(); }

    /** {@code v} in every lane. */
    public static FloatVector broadcast(float v) { return FloatVector.broadcast(SPECIES, v); }

    public static FloatVector add(FloatVector a, FloatVector b) { return a.add(b); }

    public static FloatVector sub(FloatVector a, FloatVector b) { return a.sub(b); }

    public static FloatVector mul(FloatVector a, FloatVector b) { return a.mul(b); }

    public static FloatVector div(FloatVector a, FloatVector b) { return a.div(b); }

    public static FloatVector neg(FloatVector a) { return a.neg(); }

    public static FloatVector max(FloatVector a, FloatVector b) { return a.max(b); }

    public static FloatVector min(FloatVector a, FloatVector b) { return a.min(b); }

    public static FloatVector pow(FloatVector a, FloatVector b) { return a.lanewise(VectorOperators.POW, b); }

    public static FloatVector abs(FloatVector a) { return a.abs(); }

    public static FloatVector exp(FloatVector a) { return a.lanewise(VectorOperators.EXP); }

    public static FloatVector log(FloatVector a) { return a.lanewise(VectorOperators.LOG); }

    public static FloatVector sqrt(FloatVector a) { return a.sqrt(); }

    public static FloatVector tanh(FloatVector a) { return a.lanewise(VectorOperators.TANH); }

    public static FloatVector sin(FloatVector a) { return a.lanewise(VectorOperators.SIN); }

    public static FloatVector cos(FloatVector a) { return a.lanewise(VectorOperators.COS); }

    public static FloatVector relu(FloatVector a) { return a.max(ZERO); }

    /** 1 / (1 + e^-x): e^-x overflows to infinity for very negative x, giving 0 as it should. */
    public static FloatVector sigmoid(FloatVector a) { return ONE.div(ONE.add(a.neg().lanewise(VectorOperators.EXP))); }

    public static FloatVector reciprocal(FloatVector a) { return ONE.div(a); }

    public static FloatVector softplus(FloatVector a) { return a.max(ZERO).add(a.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P)); }

    public static FloatVector softsign(FloatVector a) { return a.div(ONE.add(a.abs())); }

    public static FloatVector mish(FloatVector a) { return a.mul(softplus(a).lanewise(VectorOperators.TANH)); }

    public static FloatVector hardSwish(FloatVector a) { return a.mul(a.fma(SIXTH, HALF).max(ZERO).min(ONE)); }

    private static final FloatVector SQRT_HALF = broadcast((float) Math.sqrt(0.5));
    private static final FloatVector SQRT_TWO_OVER_PI = broadcast((float) Math.sqrt(2 / Math.PI));
    private static final FloatVector GELU_CUBIC = broadcast(0.044715f);
    private static final FloatVector SIXTH = broadcast(1f / 6);
    private static final FloatVector ERF_CLAMP = broadcast(4f), ERF_CLAMP_NEG = broadcast(-4f), MINUS_ONE = broadcast(-1f);
    private static final FloatVector EP0 = broadcast(1.128379f), EP1 = broadcast(0.19230819f), EP2 = broadcast(0.052981764f),
            EP3 = broadcast(0.0038447063f), EP4 = broadcast(0.000286188f), EP5 = broadcast(2.0272867e-06f);
    private static final FloatVector EQ1 = broadcast(0.5037606f), EQ2 = broadcast(0.11487953f), EQ3 = broadcast(0.015124429f),
            EQ4 = broadcast(0.0011810574f), EQ5 = broadcast(3.7928556e-05f);

    /**
     * erf as one rational function, {@code x P(x^2) / Q(x^2)} with P and Q of degree 5 in x^2, on x clamped
     * to [-4, 4] (erf(4) rounds to 1 in float), the result clamped to [-1, 1]: absolute error under 5e-7,
     * relative under 4e-7 near 0. The coefficients were fitted here (weighted least squares on [0, 4]); no
     * exp and no branch, so it costs about a dozen FMAs and a division. NaN stays NaN.
     */
    public static FloatVector erf(FloatVector x) {
        FloatVector xc = x.max(ERF_CLAMP_NEG).min(ERF_CLAMP), t = xc.mul(xc);
        FloatVector p = EP5.fma(t, EP4).fma(t, EP3).fma(t, EP2).fma(t, EP1).fma(t, EP0);
        FloatVector q = EQ5.fma(t, EQ4).fma(t, EQ3).fma(t, EQ2).fma(t, EQ1).fma(t, ONE);
        return xc.mul(p).div(q).max(MINUS_ONE).min(ONE);
    }

    public static FloatVector gelu(FloatVector x) { return HALF.mul(x).mul(ONE.add(erf(x.mul(SQRT_HALF)))); }

    public static FloatVector geluTanh(FloatVector x) {
        FloatVector inner = x.mul(x).mul(x).fma(GELU_CUBIC, x).mul(SQRT_TWO_OVER_PI);
        return HALF.mul(x).mul(ONE.add(inner.lanewise(VectorOperators.TANH)));
    }

    /** x if x &gt;= 0 else alpha x (NaN stays NaN: alpha * NaN). */
    public static FloatVector leakyRelu(FloatVector x, FloatVector alpha) { return x.mul(alpha).blend(x, x.compare(VectorOperators.GE, ZERO)); }

    public static FloatVector prelu(FloatVector x, FloatVector slope) { return x.blend(x.mul(slope), x.compare(VectorOperators.LT, ZERO)); }

    public static FloatVector elu(FloatVector x, FloatVector alpha) {
        return x.lanewise(VectorOperators.EXPM1).mul(alpha).blend(x, x.compare(VectorOperators.GE, ZERO));
    }

    public static FloatVector celu(FloatVector x, FloatVector alpha) {
        return x.max(ZERO).add(x.div(alpha).lanewise(VectorOperators.EXPM1).mul(alpha).min(ZERO));
    }

    public static FloatVector thresholdedRelu(FloatVector x, FloatVector alpha) { return ZERO.blend(x, x.compare(VectorOperators.GT, alpha)); }

    public static FloatVector hardSigmoid(FloatVector x, FloatVector alpha, FloatVector beta) { return x.fma(alpha, beta).min(ONE).max(ZERO); }

    public static FloatVector selu(FloatVector x, FloatVector alpha, FloatVector gamma) {
        return x.lanewise(VectorOperators.EXPM1).mul(alpha).blend(x, x.compare(VectorOperators.GT, ZERO)).mul(gamma);
    }

    public static FloatVector clip(FloatVector x, FloatVector lo, FloatVector hi) { return x.max(lo).min(hi); }
}
