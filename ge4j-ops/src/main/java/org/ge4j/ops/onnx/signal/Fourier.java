package org.ge4j.ops.onnx.signal;

import java.util.ArrayList;
import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * DFT and STFT (opset 17): complex values are a trailing dimension of 2 (real, imaginary); real signals may
 * use a trailing dimension of 1. The reference kernels compute the plain O(n²) transform in double with
 * exactly reduced twiddle angles.
 *
 * <p>Where the spec is silent: {@code onesided} on a complex input returns the first floor(n/2)+1 bins of
 * the full transform, and {@code inverse} with {@code onesided} the first floor(n/2)+1 outputs of the
 * inverse; a window and frame_length given together must agree.
 */
public final class Fourier {
    private Fourier() {}

    public static void register(OpRegistry r) {
        r.register(OpSchema.onnx("DFT", 17).doc("Discrete Fourier transform along one axis (ONNX DFT-17).")
                .input("input", "T1").optionalInput("dft_length", "T2").output("output", "T1")
                .types("T1", Support.FLOAT4).types("T2", DataType.INT32, DataType.INT64)
                .attr("axis", 1L).attr("inverse", 0L).attr("onesided", 0L)
                .traits(Trait.PURE).inference(Fourier::inferDft).build());
        r.register(OpSchema.onnx("STFT", 17).doc("Short-time Fourier transform (ONNX STFT-17).")
                .input("signal", "T1").input("frame_step", "T2").optionalInput("window", "T1").optionalInput("frame_length", "T2")
                .output("output", "T1")
                .types("T1", Support.FLOAT4).types("T2", DataType.INT32, DataType.INT64)
                .attr("onesided", 1L)
                .traits(Trait.PURE).inference(Fourier::inferStft).build());
        r.registerReference("DFT", Fourier::dft);
        r.registerReference("STFT", Fourier::stft);
    }

    // ------------------------------------------------------------------ DFT

    /** The signal axis for a given rank (last dim is the complex one), or -1 when out of range. */
    static int axis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        return a < 0 || a > rank - 2 ? -1 : (int) a;
    }

    static void inferDft(InferenceContext ctx) {
        DataType t = ctx.inputType(0);
        Shape x = ctx.inputShape(0);
        if (!x.hasRank()) {
            ctx.setOutput(0, t, Shape.UNKNOWN_RANK);
            return;
        }
        int rank = x.rank();
        if (rank < 2) throw ctx.fail("input 0 ('input') must have rank >= 2 ([batch, ..., 1 or 2]), got " + x);
        long last = x.dim(rank - 1).valueOr(-1);
        if (last >= 0 && last != 1 && last != 2)
            throw ctx.fail("input 0 ('input') last dim must be 1 (real) or 2 (complex), got " + x);
        long ax = ctx.attrs().getInt("axis", 1);
        int axis = axis(ax, rank);
        if (axis < 0) throw ctx.fail("attribute 'axis' = " + ax + " is out of range for input rank " + rank + " (the last dim holds real/imaginary)");
        Dim n = x.dim(axis);
        if (ctx.hasInput(1)) {
            long[] len = Support.constantLongs(ctx, 1);
            n = len == null ? Dim.UNKNOWN : Dim.of(len[0]);
            if (len != null && (len.length != 1 || len[0] <= 0)) throw ctx.fail("input 1 ('dft_length') must be one positive value, got " + java.util.Arrays.toString(len));
        }
        if (ctx.attrs().getInt("onesided", 0) != 0) n = n.isStatic() ? Dim.of(n.valueOr(0) / 2 + 1) : Dim.UNKNOWN;
        List<Dim> dims = new ArrayList<>(x.dims());
        dims.set(axis, n);
        dims.set(rank - 1, Dim.of(2));
        ctx.setOutput(0, t, Shape.of(dims));
    }

    static void dft(KernelContext ctx) {
        Tensor x = ctx.requireInput(0);
        int rank = x.rank();
        if (rank < 2 || x.dim(rank - 1) != 1 && x.dim(rank - 1) != 2)
            throw ctx.fail("input 0 ('input') must be [batch, ..., 1 or 2], got shape " + Shape.toString(x.shape()));
        long ax = ctx.attrs().getInt("axis", 1);
        int axis = axis(ax, rank);
        if (axis < 0) throw ctx.fail("attribute 'axis' = " + ax + " is out of range for input rank " + rank + " (the last dim holds real/imaginary)");
        int inLen = (int) x.dim(axis);
        int n = inLen;
        if (ctx.hasInput(1)) {
            long v = Support.scalarLong(ctx, 1, inLen);
            if (v <= 0) throw ctx.fail("input 1 ('dft_length') must be positive, got " + v);
            n = Support.toInt(ctx, v, "dft_length");
        }
        boolean inverse = ctx.attrs().getInt("inverse", 0) != 0;
        boolean onesided = ctx.attrs().getInt("onesided", 0) != 0;
        int outLen = onesided ? n / 2 + 1 : n;
        int comp = (int) x.dim(rank - 1);
        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= x.dim(i);
        for (int i = axis + 1; i < rank - 1; i++) inner *= x.dim(i);
        double[] in = x.toDoubleArray();
        long[] outShape = x.shape();
        outShape[axis] = outLen;
        outShape[rank - 1] = 2;
        double[] out = new double[Math.toIntExact(Shape.elementCount(outShape))];
        double[] re = new double[n], im = new double[n], ore = new double[n], oim = new double[n];
        Twiddles tw = new Twiddles(n);
        for (long o = 0; o < outer; o++) {
            for (long i = 0; i < inner; i++) {
                java.util.Arrays.fill(re, 0);
                java.util.Arrays.fill(im, 0);
                for (int k = 0; k < Math.min(n, inLen); k++) {
                    int src = (int) (((o * inLen + k) * inner + i) * comp);
                    re[k] = in[src];
                    im[k] = comp == 2 ? in[src + 1] : 0;
                }
                transform(re, im, ore, oim, tw, inverse);
                for (int k = 0; k < outLen; k++) {
                    int dst = (int) (((o * outLen + k) * inner + i) * 2);
                    out[dst] = ore[k];
                    out[dst + 1] = oim[k];
                }
            }
        }
        ctx.setOutput(0, Tensor.fromDoubles(x.dtype(), outShape, out));
    }

    /** cos and sin of 2*pi*m/n for m in [0, n). */
    static final class Twiddles {
        final double[] cos;
        final double[] sin;

        Twiddles(int n) {
            cos = new double[n];
            sin = new double[n];
            for (int m = 0; m < n; m++) {
                double a = 2 * Math.PI * m / n;
                cos[m] = Math.cos(a);
                sin[m] = Math.sin(a);
            }
        }
    }

    /** The DFT of (re, im) into (ore, oim); the inverse divides by n. */
    static void transform(double[] re, double[] im, double[] ore, double[] oim, Twiddles tw, boolean inverse) {
        int n = re.length;
        double sign = inverse ? 1 : -1;
        for (int k = 0; k < n; k++) {
            double sr = 0, si = 0;
            for (int j = 0; j < n; j++) {
                int m = (int) ((long) k * j % n);
                double c = tw.cos[m], s = sign * tw.sin[m];
                sr += re[j] * c - im[j] * s;
                si += re[j] * s + im[j] * c;
            }
            ore[k] = inverse ? sr / n : sr;
            oim[k] = inverse ? si / n : si;
        }
    }

    // ------------------------------------------------------------------ STFT

    static void inferStft(InferenceContext ctx) {
        DataType t = ctx.inputType(0);
        Shape x = ctx.inputShape(0);
        Support.checkRank(ctx, 0, x, 3);
        if (x.hasRank()) {
            long last = x.dim(2).valueOr(-1);
            if (last >= 0 && last != 1 && last != 2) throw ctx.fail("input 0 ('signal') last dim must be 1 (real) or 2 (complex), got " + x);
        }
        long step = -1, length = -1;
        long[] st = Support.constantLongs(ctx, 1);
        if (st != null) step = st[0];
        if (ctx.hasInput(2)) {
            Shape w = ctx.inputShape(2);
            Support.checkRank(ctx, 2, w, 1);
            length = Support.value(Support.dim(w, 0));
        }
        long[] fl = Support.constantLongs(ctx, 3);
        if (fl != null) {
            if (length >= 0 && fl[0] != length) throw ctx.fail("input 3 ('frame_length') = " + fl[0] + " differs from the window's length " + length);
            length = fl[0];
        }
        if (!ctx.hasInput(2) && !ctx.hasInput(3)) throw ctx.fail("one of 'window' and 'frame_length' must be given");
        long sigLen = Support.value(Support.dim(x, 1));
        Dim frames = step > 0 && length > 0 && sigLen >= length ? Dim.of((sigLen - length) / step + 1) : Dim.UNKNOWN;
        boolean onesided = ctx.attrs().getInt("onesided", 1) != 0;
        Dim bins = length > 0 ? Dim.of(onesided ? length / 2 + 1 : length) : Dim.UNKNOWN;
        ctx.setOutput(0, t, Support.shape(Support.dim(x, 0), frames, bins, Dim.of(2)));
    }

    static void stft(KernelContext ctx) {
        Tensor x = Support.requireRank(ctx, 0, 3);
        int comp = (int) x.dim(2);
        if (comp != 1 && comp != 2) throw ctx.fail("input 0 ('signal') must be [batch, length, 1 or 2], got shape " + Shape.toString(x.shape()));
        long step = Support.scalarLong(ctx, 1, 0);
        if (step <= 0) throw ctx.fail("input 1 ('frame_step') must be positive, got " + step);
        double[] window = null;
        long length = -1;
        if (ctx.hasInput(2)) {
            Tensor w = Support.requireRank(ctx, 2, 1);
            window = w.toDoubleArray();
            length = window.length;
        }
        if (ctx.hasInput(3)) {
            long fl = Support.scalarLong(ctx, 3, 0);
            if (length >= 0 && fl != length) throw ctx.fail("input 3 ('frame_length') = " + fl + " differs from the window's length " + length);
            length = fl;
        }
        if (length < 0) throw ctx.fail("one of 'window' and 'frame_length' must be given");
        if (length == 0) throw ctx.fail("the frame length must be positive");
        int batch = (int) x.dim(0), sigLen = (int) x.dim(1), n = (int) length;
        if (sigLen < n) throw ctx.fail("the signal (length " + sigLen + ") is shorter than one frame (" + n + ")");
        int frames = (int) ((sigLen - n) / step + 1);
        boolean onesided = ctx.attrs().getInt("onesided", 1) != 0;
        int bins = onesided ? n / 2 + 1 : n;
        double[] in = x.toDoubleArray();
        double[] out = new double[batch * frames * bins * 2];
        double[] re = new double[n], im = new double[n], ore = new double[n], oim = new double[n];
        Twiddles tw = new Twiddles(n);
        for (int b = 0; b < batch; b++) {
            for (int f = 0; f < frames; f++) {
                int start = (int) (f * step);
                for (int j = 0; j < n; j++) {
                    int src = ((b * sigLen) + start + j) * comp;
                    double w = window == null ? 1 : window[j];
                    re[j] = in[src] * w;
                    im[j] = comp == 2 ? in[src + 1] * w : 0;
                }
                transform(re, im, ore, oim, tw, false);
                for (int k = 0; k < bins; k++) {
                    int dst = ((b * frames + f) * bins + k) * 2;
                    out[dst] = ore[k];
                    out[dst + 1] = oim[k];
                }
            }
        }
        ctx.setOutput(0, Tensor.fromDoubles(x.dtype(), new long[] {batch, frames, bins, 2}, out));
    }
}
