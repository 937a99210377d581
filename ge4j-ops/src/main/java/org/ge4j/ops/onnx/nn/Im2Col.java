package org.ge4j.ops.onnx.nn;

/**
 * The N-d gather/scatter between an image and its column matrix, shared by Conv (im2col) and
 * ConvTranspose (col2im). A "grid" position g maps through kernel offset k to image position
 * {@code h = g * stride - padBegin + k * dilation}; positions outside the image read zero / are dropped.
 * Loops run the last axis innermost over the valid range only.
 */
final class Im2Col {
    private Im2Col() {}

    /**
     * Fills {@code col} (rows = channels x prod(kernel), cols = prod(grid)) from {@code channels} image
     * planes of {@code x} starting at {@code xOff}.
     */
    static void im2col(double[] x, int xOff, int channels, long[] image, long[] grid, Window w, long[] pads, double[] col) {
        int r = image.length, last = r - 1;
        int planeSize = Tensors.prod(image, 0, r), gridSize = Tensors.prod(grid, 0, r), kSize = Tensors.prod(w.kernel, 0, r);
        int gl = (int) grid[last], hl = (int) image[last];
        int sl = (int) w.strides[last], dl = (int) w.dilations[last], pl = (int) pads[last];
        int[] hStride = strides(image);
        int outer = gridSize / Math.max(gl, 1);
        int[] kc = new int[r], gc = new int[r];
        int row = 0;
        for (int c = 0; c < channels; c++) {
            int plane = xOff + c * planeSize;
            java.util.Arrays.fill(kc, 0);
            for (int k = 0; k < kSize; k++, row++) {
                int rowOff = row * gridSize;
                int shift = kc[last] * dl - pl;                 // h = g*sl + shift on the last axis
                int lo = shift >= 0 ? 0 : Math.min(gl, ceilDiv(-shift, sl));
                int hi = hl - 1 - shift < 0 ? 0 : Math.min(gl, (hl - 1 - shift) / sl + 1);
                if (hi < lo) hi = lo;
                java.util.Arrays.fill(gc, 0);
                for (int o = 0; o < outer; o++) {
                    int dst = rowOff + o * gl;
                    int base = outerBase(gc, kc, w, pads, image, hStride, last);
                    if (base < 0) {
                        java.util.Arrays.fill(col, dst, dst + gl, 0.0);
                    } else {
                        int src = plane + base + shift;
                        java.util.Arrays.fill(col, dst, dst + lo, 0.0);
                        for (int g = lo; g < hi; g++) col[dst + g] = x[src + g * sl];
                        java.util.Arrays.fill(col, dst + hi, dst + gl, 0.0);
                    }
                    advance(gc, grid, last);
                }
                advance(kc, w.kernel, r);
            }
        }
    }

    /**
     * Adds {@code col} (rows = channels x prod(kernel), cols = prod(grid)) into {@code channels} image
     * planes of {@code y} starting at {@code yOff}.
     */
    static void col2im(double[] col, int channels, long[] grid, long[] image, Window w, long[] pads, double[] y, int yOff) {
        int r = image.length, last = r - 1;
        int planeSize = Tensors.prod(image, 0, r), gridSize = Tensors.prod(grid, 0, r), kSize = Tensors.prod(w.kernel, 0, r);
        int gl = (int) grid[last], hl = (int) image[last];
        int sl = (int) w.strides[last], dl = (int) w.dilations[last], pl = (int) pads[last];
        int[] hStride = strides(image);
        int outer = gridSize / Math.max(gl, 1);
        int[] kc = new int[r], gc = new int[r];
        int row = 0;
        for (int c = 0; c < channels; c++) {
            int plane = yOff + c * planeSize;
            java.util.Arrays.fill(kc, 0);
            for (int k = 0; k < kSize; k++, row++) {
                int rowOff = row * gridSize;
                int shift = kc[last] * dl - pl;
                int lo = shift >= 0 ? 0 : Math.min(gl, ceilDiv(-shift, sl));
                int hi = hl - 1 - shift < 0 ? 0 : Math.min(gl, (hl - 1 - shift) / sl + 1);
                java.util.Arrays.fill(gc, 0);
                for (int o = 0; o < outer; o++) {
                    int base = outerBase(gc, kc, w, pads, image, hStride, last);
                    if (base >= 0) {
                        int dst = plane + base + shift, src = rowOff + o * gl;
                        for (int g = lo; g < hi; g++) y[dst + g * sl] += col[src + g];
                    }
                    advance(gc, grid, last);
                }
                advance(kc, w.kernel, r);
            }
        }
    }

    /** Flat image offset of the axes before the last for grid position gc and kernel offset kc, or -1 if outside. */
    private static int outerBase(int[] gc, int[] kc, Window w, long[] pads, long[] image, int[] hStride, int last) {
        int base = 0;
        for (int d = 0; d < last; d++) {
            long h = gc[d] * w.strides[d] - pads[d] + kc[d] * w.dilations[d];
            if (h < 0 || h >= image[d]) return -1;
            base += (int) h * hStride[d];
        }
        return base;
    }

    /** Row-major odometer step over the first {@code n} axes of {@code dims}. */
    static void advance(int[] idx, long[] dims, int n) {
        for (int d = n - 1; d >= 0; d--) {
            if (++idx[d] < dims[d]) return;
            idx[d] = 0;
        }
    }

    static int[] strides(long[] dims) {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= (int) dims[i];
        }
        return s;
    }

    private static int ceilDiv(int a, int b) { return Math.ceilDiv(a, b); }
}
