package org.ge4j.ops.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane-wise float math of the vector kernels. exp and tanh are the Vector API's (SVML-backed on x86);
 * erf is our own fit: for u = |x| &lt; 0.5, erf(u) = u P(u²) (degree 4 in u²); above, erfc(u) =
 * exp(-u²) t Q(t) with t = 1 / (1 + u/2) (degree 9 in t), both least-squares fits on the relative error
 * (max ≈ 3e-7 relative in float). GELU uses erfc directly for negative x so that its tail keeps its
 * relative accuracy. Every method is small so C2 inlines it and keeps the vectors in registers.
 */
final class VMath {
    private VMath() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    // erf(u) / u as a polynomial in u² on [0, 0.5]
    private static final float E0 = 1.1283791065216064f, E1 = -0.37612614035606384f, E2 = 0.1128297820687294f,
            E3 = -0.026768367737531662f, E4 = 0.004742718301713467f;
    // erfc(u) exp(u²) / t as a polynomial in t = 1 / (1 + u / 2), u >= 0
    private static final float C0 = 0.28207921981811523f, C1 = 0.28252193331718445f, C2 = 0.24186824262142181f,
            C3 = 0.20832964777946472f, C4 = -0.04199257120490074f, C5 = 0.3038443624973297f, C6 = -0.5135915279388428f,
            C7 = 0.3001415431499481f, C8 = -0.06361177563667297f, C9 = 0.00041072958265431225f;
    private static final float SQRT_HALF = (float) Math.sqrt(0.5);
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

    static FloatVector exp(FloatVector v) { return v.lanewise(VectorOperators.EXP); }

    static FloatVector tanh(FloatVector v) { return v.lanewise(VectorOperators.TANH); }

    static FloatVector sigmoid(FloatVector v) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        return one.div(one.add(v.neg().lanewise(VectorOperators.EXP)));
    }

    /** erfc(u) for u >= 0 (0 beyond float range). */
    static FloatVector erfcPos(FloatVector u) {
        FloatVector t = FloatVector.broadcast(S, 1f).div(u.mul(0.5f).add(1f));
        FloatVector p = FloatVector.broadcast(S, C9);
        p = p.fma(t, FloatVector.broadcast(S, C8));
        p = p.fma(t, FloatVector.broadcast(S, C7));
        p = p.fma(t, FloatVector.broadcast(S, C6));
        p = p.fma(t, FloatVector.broadcast(S, C5));
        p = p.fma(t, FloatVector.broadcast(S, C4));
        p = p.fma(t, FloatVector.broadcast(S, C3));
        p = p.fma(t, FloatVector.broadcast(S, C2));
        p = p.fma(t, FloatVector.broadcast(S, C1));
        p = p.fma(t, FloatVector.broadcast(S, C0));
        return u.mul(u).neg().lanewise(VectorOperators.EXP).mul(t).mul(p);
    }

    /** erf(u) for u >= 0 below 0.5 (the small-argument polynomial). */
    static FloatVector erfSmall(FloatVector u) {
        FloatVector s = u.mul(u);
        FloatVector p = FloatVector.broadcast(S, E4);
        p = p.fma(s, FloatVector.broadcast(S, E3));
        p = p.fma(s, FloatVector.broadcast(S, E2));
        p = p.fma(s, FloatVector.broadcast(S, E1));
        p = p.fma(s, FloatVector.broadcast(S, E0));
        return u.mul(p);
    }

    static FloatVector erf(FloatVector x) {
        FloatVector u = x.abs();
        VectorMask<Float> small = u.lt(0.5f);
        FloatVector r = FloatVector.broadcast(S, 1f).sub(erfcPos(u)).blend(erfSmall(u), small);
        // copy the sign of x (erf(-0) = -0, NaN stays NaN through the blend below)
        r = r.blend(r.neg(), x.lt(0f));
        return r.blend(x, x.test(jdk.incubator.vector.VectorOperators.IS_NAN));
    }

    /** x Φ(x) = x/2 (1 + erf(x/√2)), with erfc for x &lt; 0 (no cancellation in the tail). */
    static FloatVector gelu(FloatVector x) {
        FloatVector u = x.abs().mul(SQRT_HALF);
        FloatVector erfc = erfcPos(u).blend(FloatVector.broadcast(S, 1f).sub(erfSmall(u)), u.lt(0.5f));
        FloatVector onePlusErf = FloatVector.broadcast(S, 2f).sub(erfc).blend(erfc, x.lt(0f));
        return x.mul(0.5f).mul(onePlusErf);
    }

    /** x/2 (1 + tanh(√(2/π) (x + 0.044715 x³))). */
    static FloatVector geluTanh(FloatVector x) {
        FloatVector inner = x.mul(x).mul(0.044715f).add(1f).mul(x).mul(SQRT_2_OVER_PI);
        return x.mul(0.5f).mul(inner.lanewise(VectorOperators.TANH).add(1f));
    }
}
