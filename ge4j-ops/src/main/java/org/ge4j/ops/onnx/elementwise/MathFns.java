package org.ge4j.ops.onnx.elementwise;

/** Scalar functions java.lang.Math lacks, in double precision. */
final class MathFns {
    private MathFns() {}

    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    /**
     * The error function. For |x| &lt; 6 it sums erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)),
     * whose terms are all positive (no cancellation, about 1e-15 relative error); beyond, erf is ±1 in double.
     */
    static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        if (ax >= 6) return Math.copySign(1.0, x);
        double x2 = ax * ax, term = ax, sum = ax;
        for (int n = 1; n < 200; n++) {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-17) break;
        }
        return Math.copySign(Math.min(1.0, TWO_OVER_SQRT_PI * Math.exp(-x2) * sum), x);
    }

    static double asinh(double x) {
        double ax = Math.abs(x);
        if (ax > 1e150) return Math.copySign(Math.log(ax) + Math.log(2), x);
        return Math.copySign(Math.log1p(ax + ax * ax / (1 + Math.sqrt(1 + ax * ax))), x);
    }

    static double acosh(double x) {
        if (x < 1) return Double.NaN;
        if (x > 1e150) return Math.log(x) + Math.log(2);
        double t = x - 1;
        return Math.log1p(t + Math.sqrt(2 * t + t * t));
    }

    static double atanh(double x) {
        if (Math.abs(x) > 1) return Double.NaN;
        return 0.5 * Math.log1p(2 * x / (1 - x));
    }

    /** log(1 + e^x) without overflow. */
    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** 1 / (1 + e^-x) without overflow. */
    static double sigmoid(double x) {
        if (x >= 0) return 1 / (1 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /** Integer power with C-like wrap-around; negative exponents give 1/b^-e truncated (0 unless |b| = 1). */
    static long ipow(long b, long e) {
        if (e < 0) return b == 1 ? 1 : b == -1 ? ((e & 1) == 0 ? 1 : -1) : 0;
        long r = 1;
        while (e > 0) {
            if ((e & 1) != 0) r *= b;
            b *= b;
            e >>= 1;
        }
        return r;
    }
}
