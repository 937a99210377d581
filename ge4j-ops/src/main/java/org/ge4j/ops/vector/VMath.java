package org.ge4j.ops.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The constants of the vector kernels' float math. exp and tanh are the Vector API's (SVML-backed on x86);
 * erf is our own fit: for u = |x| &lt; 0.5, erf(u) = u P(u²) (degree 4 in u²); above, erfc(u) =
 * exp(-u²) t Q(t) with t = 1 / (1 + u/2) (degree 9 in t), both least-squares fits on the relative error
 * (max ≈ 3e-7 relative in float). GELU uses erfc directly for negative x so that its tail keeps its
 * relative accuracy.
 *
 * <p>There are deliberately no helper methods taking or returning vectors: unless C2 inlines such a call
 * the vector is boxed (one allocation per vector), and C2 refuses to inline a method it already compiled
 * on its own into big code. The loops in {@link Act} write the math out.
 */
final class VMath {
    private VMath() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    // erf(u) / u as a polynomial in u² on [0, 0.5]
    static final float E0 = 1.1283791065216064f, E1 = -0.37612614035606384f, E2 = 0.1128297820687294f,
            E3 = -0.026768367737531662f, E4 = 0.004742718301713467f;
    // erfc(u) exp(u²) / t as a polynomial in t = 1 / (1 + u / 2), u >= 0
    static final float C0 = 0.28207921981811523f, C1 = 0.28252193331718445f, C2 = 0.24186824262142181f,
            C3 = 0.20832964777946472f, C4 = -0.04199257120490074f, C5 = 0.3038443624973297f, C6 = -0.5135915279388428f,
            C7 = 0.3001415431499481f, C8 = -0.06361177563667297f, C9 = 0.00041072958265431225f;
    static final float SQRT_HALF = (float) Math.sqrt(0.5);
    static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);
}
