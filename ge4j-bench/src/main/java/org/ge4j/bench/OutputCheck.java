package org.ge4j.bench;

import java.util.Locale;
import java.util.Map;

/**
 * Compares two engines' outputs: every output present in both, same element count, and each element
 * within {@code atol + rtol * |expected|} (NaN only where the expected value is NaN).
 */
public final class OutputCheck {
    private OutputCheck() {}

    /** The verdict: whether the outputs agree, the worst errors seen, and a one-line explanation. */
    public record Result(boolean agree, int values, double maxAbs, double maxRel, String detail) {}

    public static Result compare(Map<String, double[]> actual, Map<String, double[]> expected, double rtol, double atol) {
        if (!actual.keySet().equals(expected.keySet()))
            return new Result(false, 0, Double.NaN, Double.NaN, "output names differ: " + actual.keySet() + " vs " + expected.keySet());
        int values = 0;
        double maxAbs = 0, maxRel = 0;
        for (Map.Entry<String, double[]> e : expected.entrySet()) {
            double[] x = actual.get(e.getKey()), y = e.getValue();
            if (x.length != y.length)
                return new Result(false, values, maxAbs, maxRel, "output '" + e.getKey() + "' has " + x.length + " values vs " + y.length);
            for (int i = 0; i < y.length; i++) {
                values++;
                if (Double.isNaN(y[i]) || Double.isNaN(x[i])) {
                    if (Double.isNaN(y[i]) != Double.isNaN(x[i]))
                        return new Result(false, values, maxAbs, maxRel, "output '" + e.getKey() + "'[" + i + "]: " + x[i] + " vs " + y[i]);
                    continue;
                }
                if (x[i] == y[i]) continue; // also equal infinities
                double d = Math.abs(x[i] - y[i]);
                maxAbs = Math.max(maxAbs, d);
                if (y[i] != 0) maxRel = Math.max(maxRel, d / Math.abs(y[i]));
                if (!(d <= atol + rtol * Math.abs(y[i])))
                    return new Result(false, values, maxAbs, maxRel, String.format(Locale.ROOT,
                            "output '%s'[%d]: %s vs %s (|diff| %.3g > atol %.1g + rtol %.1g * |expected|)", e.getKey(), i, x[i], y[i], d, atol, rtol));
            }
        }
        return new Result(true, values, maxAbs, maxRel, String.format(Locale.ROOT,
                "agree: %d values, max |diff| %.3g, max rel %.3g (rtol %.1g, atol %.1g)", values, maxAbs, maxRel, rtol, atol));
    }
}
