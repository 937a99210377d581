package org.ge4j.ops.autofuse;

import static org.assertj.core.api.Assertions.assertThat;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * The vector erf and GELU against the double-precision scalar ones. Few calls on purpose: a C2 compilation
 * of erf on its own (thousands of calls from here) would make C2 refuse to inline it into the kernels the
 * later tests of the same JVM check for zero allocation ("already compiled into a big method").
 */
class VectorMathTest {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Test
    void erfIsWithinHalfAMillionthEverywhere() {
        float[] x = new float[S.length()], y = new float[S.length()];
        double worst = 0;
        for (int i = -12_000; i <= 12_000; i += S.length()) {
            for (int l = 0; l < x.length; l++) x[l] = (i + l) * 1e-3f;
            VectorMath.erf(FloatVector.fromArray(S, x, 0)).intoArray(y, 0);
            for (int l = 0; l < x.length; l++) {
                double e = ScalarMath.erf(x[l]);
                assertThat(Math.abs(y[l])).as("|erf(%s)| <= 1", x[l]).isLessThanOrEqualTo(1f);
                worst = Math.max(worst, Math.abs(y[l] - e));
                if (x[l] != 0 && Math.abs(x[l]) < 0.5) assertThat(Math.abs(y[l] / e - 1)).as("relative error of erf(%s)", x[l]).isLessThan(1e-6);
            }
        }
        assertThat(worst).as("worst absolute error of erf on [-12, 12]").isLessThan(5e-7);
    }

    @Test
    void erfSaturatesAndKeepsNaN() {
        float[] x = new float[S.length()], y = new float[S.length()];
        float[] probe = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1e30f, -1e30f, 1e-30f};
        for (int l = 0; l < x.length; l++) x[l] = probe[l % probe.length];
        VectorMath.erf(FloatVector.fromArray(S, x, 0)).intoArray(y, 0);
        for (int l = 0; l < x.length; l++) {
            float v = x[l];
            if (Float.isNaN(v)) assertThat(y[l]).isNaN();
            else if (Math.abs(v) > 10) assertThat(y[l]).isEqualTo(Math.signum(v));
            else assertThat((double) y[l]).isCloseTo(ScalarMath.erf(v), org.assertj.core.data.Offset.offset(1e-7));
        }
    }

    @Test
    void geluMatchesTheScalarOne() {
        float[] x = new float[S.length()], y = new float[S.length()];
        for (int i = -8_000; i <= 8_000; i += S.length()) {
            for (int l = 0; l < x.length; l++) x[l] = (i + l) * 1.25e-3f;
            VectorMath.gelu(FloatVector.fromArray(S, x, 0)).intoArray(y, 0);
            for (int l = 0; l < x.length; l++) {
                double e = ScalarMath.gelu(x[l]);
                assertThat(Math.abs(y[l] - e)).as("gelu(%s)", x[l]).isLessThanOrEqualTo(1e-6 * (1 + Math.abs(e)));
            }
        }
    }
}
