package org.ge4j.ops.onnx.signal;

import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * The generator ops of opset 17: HannWindow, HammingWindow, BlackmanWindow (generalised cosine windows,
 * periodic or symmetric) and MelWeightMatrix (triangular mel filter banks). Output type from the
 * {@code output_datatype} attribute.
 */
public final class Windows {
    private Windows() {}

    /** A cosine-sum window a0 - a1 cos(2 pi k / D) + a2 cos(4 pi k / D). */
    enum Window {
        HANN("HannWindow", 0.5, 0.5, 0),
        HAMMING("HammingWindow", 25.0 / 46, 21.0 / 46, 0),
        BLACKMAN("BlackmanWindow", 0.42, 0.5, 0.08);

        final String op;
        final double a0;
        final double a1;
        final double a2;

        Window(String op, double a0, double a1, double a2) {
            this.op = op;
            this.a0 = a0;
            this.a1 = a1;
            this.a2 = a2;
        }

        double value(long k, double denominator) {
            double angle = denominator == 0 ? 0 : 2 * Math.PI * k / denominator;
            return a0 - a1 * Math.cos(angle) + a2 * Math.cos(2 * angle);
        }
    }

    public static void register(OpRegistry r) {
        for (Window w : Window.values()) {
            r.register(OpSchema.onnx(w.op, 17).doc("Generates a " + w.op + " of the given size (ONNX " + w.op + "-17).")
                    .input("size", "T1").output("output", "T2")
                    .types("T1", DataType.INT32, DataType.INT64).types("T2", Support.WINDOW_TYPES)
                    .attr("output_datatype", 1L).attr("periodic", 1L)
                    .traits(Trait.PURE).inference(Windows::inferWindow).build());
            r.registerReference(w.op, ctx -> window(w, ctx));
        }
        r.register(OpSchema.onnx("MelWeightMatrix", 17).doc("Generates a mel filter-bank weight matrix (ONNX MelWeightMatrix-17).")
                .input("num_mel_bins", "T1").input("dft_length", "T1").input("sample_rate", "T1")
                .input("lower_edge_hertz", "T2").input("upper_edge_hertz", "T2").output("output", "T3")
                .types("T1", DataType.INT32, DataType.INT64).types("T2", Support.FLOAT4).types("T3", Support.WINDOW_TYPES)
                .attr("output_datatype", 1L)
                .traits(Trait.PURE).inference(Windows::inferMel).build());
        r.registerReference("MelWeightMatrix", Windows::mel);
    }

    static DataType outputType(Attrs a, java.util.function.Function<String, OpException> fail) {
        long code = a.getInt("output_datatype", 1);
        DataType t;
        try {
            t = DataType.fromOnnx((int) code);
        } catch (IllegalArgumentException e) {
            t = null;
        }
        if (t == null || !Support.WINDOW_TYPES.contains(t))
            throw fail.apply("attribute 'output_datatype' = " + code + " is not an allowed numeric type code (e.g. 1 = float, 11 = double)");
        return t;
    }

    static void inferWindow(InferenceContext ctx) {
        DataType t = outputType(ctx.attrs(), ctx::fail);
        Shape s = ctx.inputShape(0);
        if (s.hasRank() && s.elementCount() > 1) throw ctx.fail("input 0 ('size') must be a scalar, got " + s);
        long[] size = Support.constantLongs(ctx, 0);
        if (size != null && size.length == 1 && size[0] < 0) throw ctx.fail("input 0 ('size') must be non-negative, got " + size[0]);
        ctx.setOutput(0, t, Support.shape(size == null || size.length != 1 ? Dim.UNKNOWN : Dim.of(size[0])));
    }

    static void window(Window w, KernelContext ctx) {
        DataType t = outputType(ctx.attrs(), ctx::fail);
        long size = Support.scalarLong(ctx, 0, 0);
        if (size < 0) throw ctx.fail("input 0 ('size') must be non-negative, got " + size);
        int n = Support.toInt(ctx, size, "size");
        boolean periodic = ctx.attrs().getInt("periodic", 1) != 0;
        double denominator = periodic ? n : n - 1;
        double[] v = new double[n];
        for (int k = 0; k < n; k++) v[k] = w.value(k, denominator);
        ctx.setOutput(0, Support.toTensor(t, new long[] {n}, v));
    }

    static void inferMel(InferenceContext ctx) {
        DataType t = outputType(ctx.attrs(), ctx::fail);
        for (int i = 0; i < 5; i++) {
            Shape s = ctx.inputShape(i);
            if (s.hasRank() && s.elementCount() > 1) throw ctx.fail("input " + i + ctx.portName(i) + " must be a scalar, got " + s);
        }
        long[] bins = Support.constantLongs(ctx, 0), dft = Support.constantLongs(ctx, 1);
        Dim rows = dft == null || dft.length != 1 ? Dim.UNKNOWN : Dim.of(dft[0] / 2 + 1);
        Dim cols = bins == null || bins.length != 1 ? Dim.UNKNOWN : Dim.of(bins[0]);
        ctx.setOutput(0, t, Support.shape(rows, cols));
    }

    private static double hzToMel(double hz) { return 2595 * Math.log10(1 + hz / 700); }

    private static double melToHz(double mel) { return 700 * (Math.pow(10, mel / 2595) - 1); }

    static void mel(KernelContext ctx) {
        DataType t = outputType(ctx.attrs(), ctx::fail);
        long melBins = Support.scalarLong(ctx, 0, 0), dftLength = Support.scalarLong(ctx, 1, 0), sampleRate = Support.scalarLong(ctx, 2, 0);
        double lower = Support.scalarDouble(ctx, 3, 0), upper = Support.scalarDouble(ctx, 4, 0);
        if (melBins <= 0) throw ctx.fail("input 0 ('num_mel_bins') must be positive, got " + melBins);
        if (dftLength <= 0) throw ctx.fail("input 1 ('dft_length') must be positive, got " + dftLength);
        if (sampleRate <= 0) throw ctx.fail("input 2 ('sample_rate') must be positive, got " + sampleRate);
        if (lower < 0 || upper <= lower) throw ctx.fail("need 0 <= lower_edge_hertz < upper_edge_hertz, got " + lower + " and " + upper);
        int nBins = Support.toInt(ctx, melBins, "num_mel_bins");
        int rows = Support.toInt(ctx, dftLength / 2 + 1, "dft_length / 2 + 1");
        // num_mel_bins + 2 points equally spaced on the mel scale, mapped to spectrogram bin indices
        long[] points = new long[nBins + 2];
        double lowMel = hzToMel(lower), highMel = hzToMel(upper);
        double step = (highMel - lowMel) / points.length;
        for (int i = 0; i < points.length; i++) points[i] = (long) Math.floor((dftLength + 1) * melToHz(lowMel + i * step) / sampleRate);
        double[] out = new double[rows * nBins];
        for (int m = 0; m < nBins; m++) {
            long left = points[m], centre = points[m + 1], right = points[m + 2];
            if (centre == left) {
                set(out, rows, nBins, centre, m, 1);
            } else {
                for (long j = left; j <= centre; j++) set(out, rows, nBins, j, m, (double) (j - left) / (centre - left));
            }
            if (right > centre) {
                for (long j = centre; j < right; j++) set(out, rows, nBins, j, m, (double) (right - j) / (right - centre));
            }
        }
        ctx.setOutput(0, Support.toTensor(t, new long[] {rows, nBins}, out));
    }

    private static void set(double[] out, int rows, int cols, long row, int col, double v) {
        if (row >= 0 && row < rows) out[(int) row * cols + col] = v;
    }
}
