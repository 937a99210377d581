package org.ge4j.ops.onnx.signal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.OpException;

/**
 * A naive N-d integer convolution (groups, strides, dilations, explicit or automatic padding) for the
 * ConvInteger and QLinearConv reference kernels, and the output-shape rule they share.
 */
final class IntegerConv {
    private IntegerConv() {}

    /** The resolved geometry of one convolution: per spatial axis kernel, stride, dilation, pads and output size. */
    record Geometry(long[] kernel, long[] strides, long[] dilations, long[] padBegin, long[] padEnd, long[] out) {}

    /** The spatial attribute settings (before the input size is known). */
    record Settings(String autoPad, long[] kernelShape, long[] strides, long[] dilations, long[] pads, long group) {}

    static Settings settings(Attrs a, int spatial, Function<String, OpException> fail) {
        String autoPad = a.getString("auto_pad", "NOTSET");
        if (!List.of("NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER").contains(autoPad))
            throw fail.apply("attribute 'auto_pad' must be NOTSET, VALID, SAME_UPPER or SAME_LOWER, got '" + autoPad + "'");
        long[] strides = ones(a.getInts("strides", null), spatial, "strides", fail);
        long[] dilations = ones(a.getInts("dilations", null), spatial, "dilations", fail);
        long[] pads = a.getInts("pads", null);
        if (pads != null) {
            if (pads.length != 2 * spatial) throw fail.apply("attribute 'pads' must have " + 2 * spatial + " values (begins then ends), got " + pads.length);
            if (!autoPad.equals("NOTSET")) throw fail.apply("attributes 'pads' and 'auto_pad' = " + autoPad + " cannot be used together");
            for (long p : pads) if (p < 0) throw fail.apply("attribute 'pads' values must be non-negative, got " + java.util.Arrays.toString(pads));
        } else {
            pads = new long[2 * spatial];
        }
        long[] ks = a.getInts("kernel_shape", null);
        if (ks != null && ks.length != spatial) throw fail.apply("attribute 'kernel_shape' must have " + spatial + " values, got " + ks.length);
        long group = a.getInt("group", 1);
        if (group <= 0) throw fail.apply("attribute 'group' must be positive, got " + group);
        return new Settings(autoPad, ks, strides, dilations, pads, group);
    }

    private static long[] ones(long[] v, int n, String name, Function<String, OpException> fail) {
        if (v == null) {
            long[] r = new long[n];
            java.util.Arrays.fill(r, 1);
            return r;
        }
        if (v.length != n) throw fail.apply("attribute '" + name + "' must have " + n + " values (one per spatial axis), got " + v.length);
        for (long x : v) if (x <= 0) throw fail.apply("attribute '" + name + "' values must be positive, got " + java.util.Arrays.toString(v));
        return v;
    }

    /** Output size, pad begin and pad end of one spatial axis; size -1 when {@code in} is unknown (-1). */
    static long[] axis(Settings s, int i, long in, long k) {
        int spatial = s.strides().length;
        long stride = s.strides()[i], dil = s.dilations()[i];
        long span = (k - 1) * dil + 1;
        if (in < 0 || k < 0) return new long[] {-1, 0, 0};
        switch (s.autoPad()) {
            case "VALID" -> {
                return new long[] {Math.max(0, (in - span) / stride + 1), 0, 0};
            }
            case "SAME_UPPER", "SAME_LOWER" -> {
                long out = (in + stride - 1) / stride;
                long total = Math.max(0, (out - 1) * stride + span - in);
                long begin = s.autoPad().equals("SAME_UPPER") ? total / 2 : total - total / 2;
                return new long[] {out, begin, total - begin};
            }
            default -> {
                long pb = s.pads()[i], pe = s.pads()[spatial + i];
                long padded = in + pb + pe;
                return new long[] {padded < span ? 0 : (padded - span) / stride + 1, pb, pe};
            }
        }
    }

    /** The geometry for static x and w shapes ([N, C, d...] and [M, C/group, k...]). */
    static Geometry geometry(Settings s, long[] x, long[] w, Function<String, OpException> fail) {
        int spatial = x.length - 2;
        check(s, x.length, w.length, x[1], w[0], w[1], fail);
        long[] kernel = new long[spatial], out = new long[spatial], pb = new long[spatial], pe = new long[spatial];
        for (int i = 0; i < spatial; i++) {
            kernel[i] = w[2 + i];
            if (s.kernelShape() != null && s.kernelShape()[i] != kernel[i])
                throw fail.apply("attribute 'kernel_shape' " + java.util.Arrays.toString(s.kernelShape()) + " does not match w's spatial dims " + Shape.toString(w));
            long[] r = axis(s, i, x[2 + i], kernel[i]);
            out[i] = r[0];
            pb[i] = r[1];
            pe[i] = r[2];
        }
        return new Geometry(kernel, s.strides(), s.dilations(), pb, pe, out);
    }

    /** Checks ranks and channel counts (-1 = unknown, skipped). */
    static void check(Settings s, int xRank, int wRank, long c, long m, long cPerGroup, Function<String, OpException> fail) {
        if (xRank < 3) throw fail.apply("input x must have rank >= 3 ([N, C, spatial...]), got rank " + xRank);
        if (wRank != xRank) throw fail.apply("input w must have the rank of x (" + xRank + "), got rank " + wRank);
        if (c >= 0 && cPerGroup >= 0 && c != cPerGroup * s.group())
            throw fail.apply("x has " + c + " channels but w expects " + cPerGroup + " per group x " + s.group() + " groups");
        if (m >= 0 && m % s.group() != 0) throw fail.apply("w's " + m + " output channels do not divide into " + s.group() + " groups");
    }

    /** The output shape [N, M, out...] from possibly symbolic x and w shapes. */
    static Shape inferShape(Settings s, Shape x, Shape w, Function<String, OpException> fail) {
        if (!x.hasRank()) return w.hasRank() ? Shape.unknownDims(w.rank()) : Shape.UNKNOWN_RANK;
        int rank = x.rank();
        if (w.hasRank()) check(s, rank, w.rank(), x.dim(1).valueOr(-1), w.dim(0).valueOr(-1), w.dim(1).valueOr(-1), fail);
        else if (rank < 3) throw fail.apply("input x must have rank >= 3 ([N, C, spatial...]), got rank " + rank);
        List<Dim> dims = new ArrayList<>();
        dims.add(x.dim(0));
        dims.add(Support.dim(w, 0));
        for (int i = 0; i < rank - 2; i++) {
            long k = s.kernelShape() != null ? s.kernelShape()[i] : Support.value(Support.dim(w, 2 + i));
            long o = axis(s, i, x.dim(2 + i).valueOr(-1), k)[0];
            dims.add(o < 0 ? Dim.UNKNOWN : Dim.of(o));
        }
        return Shape.of(dims);
    }

    /**
     * The accumulators of y[n, m, o...] = sum over c, k of x[n, g*C/G + c, o*s - pb + k*d] * w[m, c, k] with x
     * and w already shifted by their zero points (padding contributes 0).
     */
    static long[] convolve(long[] x, long[] xs, long[] w, long[] ws, long group, Geometry g) {
        int spatial = xs.length - 2;
        int n = (int) xs[0], m = (int) ws[0], cg = (int) ws[1], mg = (int) (m / group);
        long[] xStr = Support.strides(xs), wStr = Support.strides(ws);
        long outPlane = Shape.elementCount(g.out()), kPlane = Shape.elementCount(g.kernel());
        long[] outStr = Support.strides(g.out()), kStr = Support.strides(g.kernel());
        long[] y = new long[Math.toIntExact((long) n * m * outPlane)];
        long[] o = new long[spatial], k = new long[spatial];
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < m; oc++) {
                int gi = oc / mg;
                for (long op = 0; op < outPlane; op++) {
                    for (int d = 0; d < spatial; d++) o[d] = (op / outStr[d]) % g.out()[d];
                    long acc = 0;
                    for (int ci = 0; ci < cg; ci++) {
                        int ic = gi * cg + ci;
                        long xBase = b * xStr[0] + ic * xStr[1];
                        long wBase = oc * wStr[0] + ci * wStr[1];
                        for (long kp = 0; kp < kPlane; kp++) {
                            long xOff = xBase, wOff = wBase;
                            boolean inside = true;
                            for (int d = 0; d < spatial; d++) {
                                k[d] = (kp / kStr[d]) % g.kernel()[d];
                                long pos = o[d] * g.strides()[d] - g.padBegin()[d] + k[d] * g.dilations()[d];
                                if (pos < 0 || pos >= xs[2 + d]) { inside = false; break; }
                                xOff += pos * xStr[2 + d];
                                wOff += k[d] * wStr[2 + d];
                            }
                            if (inside) acc += x[(int) xOff] * w[(int) wOff];
                        }
                    }
                    y[(int) ((b * (long) m + oc) * outPlane + op)] = acc;
                }
            }
        }
        return y;
    }
}
