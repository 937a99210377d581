package org.ge4j.ops.onnx.signal;

/**
 * The 1-D sampling rules of Resize/Upsample: how an output coordinate maps to an input coordinate, and
 * which input positions (taps) with which weights make up the output value. Resize is separable: the
 * N-D weight of a tap is the product of its per-axis weights.
 */
final class Interpolation {
    private Interpolation() {}

    /** Interpolation mode. */
    enum Mode { NEAREST, LINEAR, CUBIC }

    /** How to round an input coordinate to a pixel in nearest mode ({@code SIMPLE}: Upsample / Resize-10 rule). */
    enum NearestMode { ROUND_PREFER_FLOOR, ROUND_PREFER_CEIL, FLOOR, CEIL, SIMPLE }

    /** The taps of one output position along one axis: input indices and weights, or "use the extrapolation value". */
    record Taps(int[] index, double[] weight, boolean extrapolate) {}

    static final String[] COORDINATE_MODES = {"half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners", "asymmetric",
            "tf_half_pixel_for_nn", "tf_crop_and_resize"};

    static boolean isCoordinateMode(String s) {
        for (String m : COORDINATE_MODES) if (m.equals(s)) return true;
        return false;
    }

    static NearestMode nearestMode(String s) {
        return switch (s) {
            case "round_prefer_floor" -> NearestMode.ROUND_PREFER_FLOOR;
            case "round_prefer_ceil" -> NearestMode.ROUND_PREFER_CEIL;
            case "floor" -> NearestMode.FLOOR;
            case "ceil" -> NearestMode.CEIL;
            default -> null;
        };
    }

    /** Everything about one axis that the 1-D rule needs. */
    record Axis(int inLen, int outLen, double scale, double lengthResized, double roiStart, double roiEnd) {}

    /**
     * The input coordinate of output position {@code x}; NaN means "outside the crop" (tf_crop_and_resize only).
     * {@code lengthResized} is scale * input length (it may be fractional when scales are given).
     */
    static double original(String mode, double x, Axis a) {
        double in = a.inLen(), scale = a.scale(), len = a.lengthResized();
        return switch (mode) {
            case "half_pixel" -> (x + 0.5) / scale - 0.5;
            case "half_pixel_symmetric" -> {
                double adjustment = a.outLen() / len;
                double offset = in / 2 * (1 - adjustment);
                yield offset + (x + 0.5) / scale - 0.5;
            }
            case "pytorch_half_pixel" -> len > 1 ? (x + 0.5) / scale - 0.5 : 0;
            case "align_corners" -> len == 1 ? 0 : x * (in - 1) / (len - 1);
            case "asymmetric" -> x / scale;
            case "tf_half_pixel_for_nn" -> (x + 0.5) / scale;
            case "tf_crop_and_resize" -> {
                double o = len > 1 ? a.roiStart() * (in - 1) + x * (a.roiEnd() - a.roiStart()) * (in - 1) / (len - 1)
                        : 0.5 * (a.roiStart() + a.roiEnd()) * (in - 1);
                yield o < 0 || o > in - 1 ? Double.NaN : o;
            }
            default -> throw new IllegalArgumentException("coordinate_transformation_mode " + mode);
        };
    }

    /** The input index nearest-mode picks for coordinate {@code x} (before clamping). */
    static long nearest(NearestMode m, double x, double scale) {
        return switch (m) {
            case ROUND_PREFER_FLOOR -> (long) Math.ceil(x - 0.5);
            case ROUND_PREFER_CEIL -> (long) Math.floor(x + 0.5);
            case FLOOR -> (long) Math.floor(x);
            case CEIL -> (long) Math.ceil(x);
            case SIMPLE -> scale < 1 ? (long) Math.ceil(x) : (long) Math.floor(x);
        };
    }

    /**
     * The weights of the taps around coordinate {@code x} = xInt + ratio with ratio in (0, 1]; tap j sits at
     * input position xInt + j - (n/2 - 1).
     */
    static double[] coefficients(Mode mode, double ratio, double scale, double a, boolean antialias) {
        if (mode == Mode.LINEAR) {
            if (!antialias || scale >= 1) return new double[] {1 - ratio, ratio};
            int start = (int) Math.floor(-1 / scale) + 1;
            int n = 2 - 2 * start;
            double[] c = new double[n];
            double sum = 0;
            for (int j = 0; j < n; j++) {
                c[j] = Math.max(0, Math.min(1, 1 - Math.abs((start + j - ratio) * scale)));
                sum += c[j];
            }
            for (int j = 0; j < n; j++) c[j] /= sum;
            return c;
        }
        if (!antialias || scale >= 1) {
            return new double[] {cubic(1 + ratio, a), cubic(ratio, a), cubic(1 - ratio, a), cubic(2 - ratio, a)};
        }
        int start = (int) Math.floor(-2 / scale) + 1;
        int n = 2 - 2 * start;
        double[] c = new double[n];
        double sum = 0;
        for (int j = 0; j < n; j++) {
            c[j] = cubic(scale * (start + j - ratio), a);
            sum += c[j];
        }
        for (int j = 0; j < n; j++) c[j] /= sum;
        return c;
    }

    /** Keys' cubic convolution kernel with coefficient {@code a} at distance {@code s}. */
    static double cubic(double s, double a) {
        double x = Math.abs(s);
        if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
        return 0;
    }

    /**
     * The taps of output position {@code o} along an axis.
     *
     * @param nearest the nearest rounding (used in NEAREST mode)
     */
    static Taps taps(Mode mode, String coordinateMode, NearestMode nearest, Axis axis, int o, double cubicA, boolean excludeOutside, boolean antialias) {
        double x = original(coordinateMode, o, axis);
        if (Double.isNaN(x)) return new Taps(new int[0], new double[0], true);
        int in = axis.inLen();
        if (mode == Mode.NEAREST) {
            long i = Math.max(0, Math.min(in - 1, nearest(nearest, x, axis.scale())));
            return new Taps(new int[] {(int) i}, new double[] {1}, false);
        }
        double xInt = Math.ceil(x) - 1;
        double ratio = x - xInt;
        double[] c = coefficients(mode, ratio, axis.scale(), cubicA, antialias);
        int n = c.length;
        int first = (int) xInt - (n / 2 - 1);
        int[] idx = new int[n];
        if (excludeOutside) {
            double sum = 0;
            for (int j = 0; j < n; j++) {
                int p = first + j;
                if (p < 0 || p >= in) c[j] = 0;
                sum += c[j];
            }
            if (sum != 0) for (int j = 0; j < n; j++) c[j] /= sum;
        }
        for (int j = 0; j < n; j++) idx[j] = Math.max(0, Math.min(in - 1, first + j));
        // drop zero weights (they contribute nothing) to keep the N-D product small
        int m = 0;
        for (int j = 0; j < n; j++) if (c[j] != 0) m++;
        if (m == 0) return new Taps(new int[] {Math.max(0, Math.min(in - 1, (int) xInt))}, new double[] {0}, false);
        int[] ri = new int[m];
        double[] rw = new double[m];
        for (int j = 0, k = 0; j < n; j++) {
            if (c[j] == 0) continue;
            ri[k] = idx[j];
            rw[k++] = c[j];
        }
        return new Taps(ri, rw, false);
    }
}
