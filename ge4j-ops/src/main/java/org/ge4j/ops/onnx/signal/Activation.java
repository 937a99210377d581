package org.ge4j.ops.onnx.signal;

import java.util.List;
import java.util.Locale;

/**
 * An activation function of the recurrent ops (RNN, GRU, LSTM) with its alpha and beta, named as in the
 * ONNX spec (matched case-insensitively).
 */
record Activation(Kind kind, double alpha, double beta) {
    /** The functions the ONNX recurrent ops may name, with which of alpha/beta they take and their defaults. */
    enum Kind {
        RELU(false, false, 0, 0),
        TANH(false, false, 0, 0),
        SIGMOID(false, false, 0, 0),
        AFFINE(true, true, 1, 0),
        LEAKYRELU(true, false, 0.01, 0),
        THRESHOLDEDRELU(true, false, 1, 0),
        SCALEDTANH(true, true, 1, 1),
        HARDSIGMOID(true, true, 0.2, 0.5),
        ELU(true, false, 1, 0),
        SOFTSIGN(false, false, 0, 0),
        SOFTPLUS(false, false, 0, 0);

        final boolean usesAlpha;
        final boolean usesBeta;
        final double defaultAlpha;
        final double defaultBeta;

        Kind(boolean usesAlpha, boolean usesBeta, double defaultAlpha, double defaultBeta) {
            this.usesAlpha = usesAlpha;
            this.usesBeta = usesBeta;
            this.defaultAlpha = defaultAlpha;
            this.defaultBeta = defaultBeta;
        }

        static Kind parse(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    static final Activation SIGMOID = new Activation(Kind.SIGMOID, 0, 0);
    static final Activation TANH = new Activation(Kind.TANH, 0, 0);

    double apply(double x) {
        return switch (kind) {
            case RELU -> Math.max(0, x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case AFFINE -> alpha * x + beta;
            case LEAKYRELU -> x >= 0 ? x : alpha * x;
            case THRESHOLDEDRELU -> x >= alpha ? x : 0;
            case SCALEDTANH -> alpha * Math.tanh(beta * x);
            case HARDSIGMOID -> Math.min(Math.max(alpha * x + beta, 0), 1);
            case ELU -> x >= 0 ? x : alpha * (Math.exp(x) - 1);
            case SOFTSIGN -> x / (1 + Math.abs(x));
            case SOFTPLUS -> x > 30 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
        };
    }

    /**
     * Resolves a list of names with the alpha/beta lists, which are consumed in order by the functions
     * that take them (a function that takes alpha uses the next alpha, or its default when the list is
     * exhausted). Returns null and reports the first unknown name through {@code unknown[0]}.
     */
    static Activation[] resolve(List<String> names, float[] alphas, float[] betas, String[] unknown) {
        Activation[] r = new Activation[names.size()];
        int ai = 0, bi = 0;
        for (int i = 0; i < r.length; i++) {
            Kind k = Kind.parse(names.get(i));
            if (k == null) {
                unknown[0] = names.get(i);
                return null;
            }
            double a = k.defaultAlpha, b = k.defaultBeta;
            if (k.usesAlpha && alphas != null && ai < alphas.length) a = alphas[ai++];
            if (k.usesBeta && betas != null && bi < betas.length) b = betas[bi++];
            r[i] = new Activation(k, a, b);
        }
        return r;
    }
}
