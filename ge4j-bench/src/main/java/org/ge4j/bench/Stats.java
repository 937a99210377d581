package org.ge4j.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Summary of a set of latency samples in nanoseconds. Quantiles interpolate linearly between the two
 * closest ranks (position {@code q * (n - 1)} in the sorted samples), so the median of an even count is
 * the mean of the two middle samples.
 */
public record Stats(int count, double median, double p90, double mean, double min, double max) {
    /** Summarises {@code samples} (nanoseconds); at least one sample. */
    public static Stats of(long[] samples) {
        if (samples.length == 0) throw new IllegalArgumentException("no samples to summarise");
        long[] s = samples.clone();
        Arrays.sort(s);
        double sum = 0;
        for (long v : s) sum += v;
        return new Stats(s.length, quantile(s, 0.5), quantile(s, 0.9), sum / s.length, s[0], s[s.length - 1]);
    }

    /** The {@code q}-quantile (0..1) of sorted samples, interpolating between the closest ranks. */
    static double quantile(long[] sorted, double q) {
        if (q < 0 || q > 1) throw new IllegalArgumentException("quantile must be in [0, 1], got " + q);
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double frac = pos - lo;
        return sorted[lo] + frac * (sorted[hi] - sorted[lo]);
    }

    /** A duration in nanoseconds with a unit that keeps three significant digits: 95.2 µs, 33.0 ms, 1.20 s. */
    public static String time(double nanos) {
        if (Double.isNaN(nanos)) return "-";
        double a = Math.abs(nanos);
        if (a < 1e3) return String.format(Locale.ROOT, "%.0f ns", nanos);
        if (a < 1e6) return sig(nanos / 1e3) + " µs";
        if (a < 1e9) return sig(nanos / 1e6) + " ms";
        return sig(nanos / 1e9) + " s";
    }

    private static String sig(double v) {
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
    }
}
