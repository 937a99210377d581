package org.ge4j.ops.vector;

import org.ge4j.ops.Attrs;

/**
 * The sliding-window geometry of a 1-D or 2-D NCHW conv or pool, resolved for static shapes: input
 * [n, c, h, w], output spatial [oh, ow], kernel, strides, dilations and the begin pads actually used
 * (auto_pad resolved). 1-D windows are 2-D ones with h = oh = kh = 1.
 */
record Window2d(int n, int c, int h, int w, int oh, int ow, int kh, int kw, int sh, int sw, int dh, int dw, int pt, int pl) {

    /**
     * The geometry for input shape {@code x} and output shape {@code y} (rank 3 or 4) with the given kernel,
     * reading strides, dilations, pads and auto_pad from the attributes; null when unsupported (other ranks,
     * inconsistent sizes) so the caller declines.
     */
    static Window2d of(Attrs a, long[] x, long[] y, long[] kernel) {
        int r = x.length;
        if (r != 3 && r != 4 || y.length != r || kernel == null || kernel.length != r - 2) return null;
        int sp = r - 2;
        long[] s = ints(a, "strides", sp), d = ints(a, "dilations", sp);
        long[] pads = a.getInts("pads", new long[2 * sp]);
        if (s == null || d == null || pads.length != 2 * sp) return null;
        String auto = a.getString("auto_pad", "NOTSET");
        long[] in = new long[2], out = new long[2], k = new long[2], st = new long[2], dl = new long[2], pb = new long[2];
        for (int i = 0; i < 2; i++) {
            int j = i - (2 - sp); // axis in the attribute arrays (-1 for the missing H of a 1-D window)
            in[i] = j < 0 ? 1 : x[2 + j];
            out[i] = j < 0 ? 1 : y[2 + j];
            k[i] = j < 0 ? 1 : kernel[j];
            st[i] = j < 0 ? 1 : s[j];
            dl[i] = j < 0 ? 1 : d[j];
            long ext = (k[i] - 1) * dl[i] + 1;
            switch (auto) {
                case "SAME_UPPER", "SAME_LOWER" -> {
                    long total = Math.max(0, (out[i] - 1) * st[i] + ext - in[i]);
                    pb[i] = auto.equals("SAME_UPPER") ? total / 2 : total - total / 2;
                }
                case "VALID" -> pb[i] = 0;
                case "NOTSET", "" -> pb[i] = j < 0 ? 0 : pads[j];
                default -> { return null; }
            }
            if (k[i] < 1 || st[i] < 1 || dl[i] < 1 || pb[i] < 0) return null;
        }
        return new Window2d((int) x[0], (int) x[1], (int) in[0], (int) in[1], (int) out[0], (int) out[1], (int) k[0], (int) k[1],
                (int) st[0], (int) st[1], (int) dl[0], (int) dl[1], (int) pb[0], (int) pb[1]);
    }

    private static long[] ints(Attrs a, String name, int sp) {
        long[] v = a.getInts(name, null);
        if (v == null || v.length == 0) {
            v = new long[sp];
            java.util.Arrays.fill(v, 1);
        }
        return v.length == sp ? v : null;
    }

    int plane() { return h * w; }

    int outPlane() { return oh * ow; }

    /** True for the 1×1, stride-1, unpadded window (the conv is then a plain GEMM over the image). */
    boolean pointwise() { return kh == 1 && kw == 1 && sh == 1 && sw == 1 && pt == 0 && pl == 0 && oh == h && ow == w; }
}
