package org.ge4j.ops.onnx.tensor;

import org.ge4j.ir.Tensor;

/**
 * The one data-movement loop behind Transpose, Slice, Expand, Tile, Pad, Gather, Compress,
 * DepthToSpace and SpaceToDepth: output element {@code (i0, ..., ik)} (row-major, contiguous) is source
 * element {@code offsets[0][i0] + ... + offsets[k][ik]}; where that sum is negative (any term is
 * {@link #PAD}) it is the fill element instead. Runs that are contiguous in the source are copied as blocks.
 */
final class OffsetGather {
    private OffsetGather() {}

    /** An offset term marking "outside the source": the output element takes the fill value. */
    static final long PAD = -(1L << 52);

    /**
     * Fills {@code dst} (whose element count must be the product of the table lengths).
     * @param fill a tensor whose element 0 is used where an offset is {@link #PAD}; may be null when none is
     */
    static void gather(Tensor src, Tensor dst, long[][] offsets, Tensor fill) {
        int r = offsets.length;
        long total = 1;
        for (long[] o : offsets) total *= o.length;
        if (total != dst.size()) throw new IllegalStateException("offset tables cover " + total + " elements, output has " + dst.size());
        if (total == 0) return;
        Elements.Mover m = src.size() == 0 ? null : Elements.mover(src, dst);
        Elements.Mover f = fill == null ? null : Elements.mover(fill, dst);
        if (r == 0) {
            m.move(0, 0);
            return;
        }
        long[] last = offsets[r - 1];
        int n = last.length;
        boolean contiguous = last[0] >= 0;
        for (int k = 1; k < n && contiguous; k++) contiguous = last[k] == last[0] + k;
        int[] idx = new int[r - 1];
        long base = 0;
        for (int d = 0; d < r - 1; d++) base += offsets[d][0];
        long out = 0;
        while (true) {
            if (base < 0) {
                for (int k = 0; k < n; k++) f.move(0, out + k);
            } else if (contiguous) {
                m.run(base + last[0], out, n);
            } else {
                for (int k = 0; k < n; k++) {
                    long off = base + last[k];
                    if (off < 0) f.move(0, out + k);
                    else m.move(off, out + k);
                }
            }
            out += n;
            int d = r - 2;
            for (; d >= 0; d--) {
                long[] t = offsets[d];
                base -= t[idx[d]];
                if (++idx[d] < t.length) {
                    base += t[idx[d]];
                    break;
                }
                idx[d] = 0;
                base += t[0];
            }
            if (d < 0) return;
        }
    }

    /** Row-major strides (in elements) of a shape. */
    static long[] strides(long[] shape) {
        long[] st = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= shape[i];
        }
        return st;
    }

    /** The table {@code start*stride, (start+step)*stride, ...} of {@code n} entries. */
    static long[] arithmetic(long start, long step, long stride, int n) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) t[i] = (start + i * step) * stride;
        return t;
    }
}
