package org.ge4j.ops.autofuse;

/**
 * The scalar functions of the fused-program instructions, in double precision. Both the reference
 * interpreter of {@code ge4j::FusedElementwise} and the generated kernels call these (the generated
 * bytecode invokes them statically), so the two agree bit for bit. The formulas follow the ONNX
 * reference kernels of the ops they stand for.
 */
public final class ScalarMath {
    private ScalarMath() {}

    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double SQRT_TWO_OVER_PI = Math.sqrt(2 / Math.PI);

    public static double relu(double x) { return Math.max(x, 0); }

    /** 1 / (1 + e^-x), without overflow for large |x|. */
    public static double sigmoid(double x) {
        if (x >= 0) return 1 / (1 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1 + e);
    }

    public static double reciprocal(double x) { return 1 / x; }

    /** ln(1 + e^x), without overflow. */
    public static double softplus(double x) { return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))); }

    public static double softsign(double x) { return x / (1 + Math.abs(x)); }

    public static double mish(double x) { return x * Math.tanh(softplus(x)); }

    public static double hardSwish(double x) { return x * Math.max(0, Math.min(1, x / 6 + 0.5)); }

    /**
     * The error function: for |x| &lt; 3 the series erf(x) = 2/sqrt(pi) e^(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1))
     * (positive terms, no cancellation); for 3 &lt;= |x| &lt; 6, 1 - erfc(x) with erfc from its continued fraction;
     * beyond, +-1 in double.
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        if (ax >= 6) return Math.copySign(1.0, x);
        if (ax < 3) {
            double x2 = ax * ax, term = ax, sum = ax;
            for (int n = 1; n < 200; n++) {
                term *= 2 * x2 / (2 * n + 1);
                sum += term;
                if (term < sum * 1e-17) break;
            }
            return Math.copySign(Math.min(1.0, TWO_OVER_SQRT_PI * Math.exp(-x2) * sum), x);
        }
        // erfc(x) = e^(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated from the tail
        double f = ax;
        for (int k = 60; k >= 1; k--) f = ax + (k / 2.0) / f;
        return Math.copySign(1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f, x);
    }

    /** x * Phi(x) = x/2 (1 + erf(x / sqrt 2)). */
    public static double gelu(double x) { return 0.5 * x * (1 + erf(x * SQRT_HALF)); }

    /** The tanh approximation of GELU: x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    public static double geluTanh(double x) { return 0.5 * x * (1 + Math.tanh(SQRT_TWO_OVER_PI * (x + 0.044715 * x * x * x))); }

    public static double leakyRelu(double x, double alpha) { return x >= 0 ? x : alpha * x; }

    /** PRelu: x if x &gt;= 0 else slope * x. */
    public static double prelu(double x, double slope) { return x < 0 ? slope * x : x; }

    public static double elu(double x, double alpha) { return x >= 0 ? x : alpha * Math.expm1(x); }

    public static double celu(double x, double alpha) { return Math.max(0, x) + Math.min(0, alpha * Math.expm1(x / alpha)); }

    public static double thresholdedRelu(double x, double alpha) { return x > alpha ? x : 0; }

    public static double hardSigmoid(double x, double alpha, double beta) { return Math.max(0, Math.min(1, alpha * x + beta)); }

    public static double selu(double x, double alpha, double gamma) { return x > 0 ? gamma * x : gamma * alpha * Math.expm1(x); }

    /** min(max(x, lo), hi): so lo &gt; hi gives hi, as ONNX Clip has it. */
    public static double clip(double x, double lo, double hi) { return Math.min(Math.max(x, lo), hi); }
}
