package org.ge4j.ops.vector.data;

import java.lang.foreign.MemorySegment;

/**
 * An elementwise kernel over up to three operands broadcast (numpy-style) to a contiguous output. At compile
 * time dims of 1 are dropped and dims contiguous for every operand merged, so the common cases — same
 * shapes, a scalar, a trailing row — become one flat loop. Subclasses write the innermost run:
 * {@code n} elements with each operand's byte stride (0 where it is broadcast).
 */
abstract class BroadcastKernel implements org.ge4j.ops.exec.CompiledKernel {
    private final int rank;
    private final long[] dims, sa, sb, sc, sy; // byte strides per dim: operands a, b, c and the output
    private final int ia, ib, ic, iy;

    /**
     * @param plan the broadcast of the operands to the output ({@link #plan})
     * @param ia the argument index of operand a; {@code ib}, {@code ic} those of b and c (-1 for none); {@code iy} the output's
     */
    BroadcastKernel(Plan plan, int ia, int ib, int ic, int iy) {
        this.rank = plan.dims.length;
        this.dims = plan.dims;
        this.sa = plan.strides[0];
        this.sb = plan.strides.length > 1 ? plan.strides[1] : new long[rank];
        this.sc = plan.strides.length > 2 ? plan.strides[2] : new long[rank];
        this.sy = plan.out;
        this.ia = ia;
        this.ib = ib;
        this.ic = ic;
        this.iy = iy;
    }

    /** Output dims and per-operand byte strides, simplified; {@code out} holds the output's byte strides. */
    record Plan(long[] dims, long[][] strides, long[] out) {}

    /**
     * The broadcast of operands of {@code shapes} (element sizes {@code es}) to the output shape {@code y}
     * (element size {@code esY}); null when some operand does not broadcast to it, or when the output is empty.
     */
    static Plan plan(long[] y, long[][] shapes, int[] es, int esY) {
        int r = y.length, k = shapes.length;
        if (DataSpecs.count(y) == 0) return null;
        long[][] st = new long[k][r]; // element strides, 0 on broadcast dims
        for (int o = 0; o < k; o++) {
            long[] s = shapes[o];
            if (s.length > r) return null;
            long[] rs = DataSpecs.strides(s);
            for (int i = 0; i < r; i++) {
                int j = i - (r - s.length);
                if (j < 0 || s[j] == 1) st[o][i] = 0;
                else if (s[j] == y[i]) st[o][i] = rs[j];
                else return null;
            }
        }
        // from the innermost dim outwards: drop 1s, merge a dim into the one inside when every operand allows
        long[] md = new long[r + 1];
        long[][] ms = new long[k][r + 1];
        int n = 0;
        for (int i = r - 1; i >= 0; i--) {
            if (y[i] == 1) continue;
            boolean merge = n > 0;
            for (int o = 0; o < k && merge; o++) merge = st[o][i] == ms[o][n - 1] * md[n - 1];
            if (merge) md[n - 1] *= y[i];
            else {
                md[n] = y[i];
                for (int o = 0; o < k; o++) ms[o][n] = st[o][i];
                n++;
            }
        }
        if (n == 0) {
            md[0] = 1;
            n = 1;
        }
        long[] dims = new long[n], out = new long[n];
        long[][] strides = new long[k][n];
        long step = esY;
        for (int i = 0; i < n; i++) {
            dims[i] = md[n - 1 - i];
            for (int o = 0; o < k; o++) strides[o][i] = ms[o][n - 1 - i] * es[o];
        }
        for (int i = n - 1; i >= 0; i--) {
            out[i] = step;
            step *= dims[i];
        }
        return new Plan(dims, strides, out);
    }

    @Override public final void run(MemorySegment[] args) {
        MemorySegment a = args[ia], b = ib < 0 ? null : args[ib], c = ic < 0 ? null : args[ic];
        level(0, a, 0, b, 0, c, 0, args[iy], 0);
    }

    private void level(int d, MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment c, long co, MemorySegment y, long yo) {
        if (d == rank - 1) {
            inner(a, ao, sa[d], b, bo, sb[d], c, co, sc[d], y, yo, dims[d]);
            return;
        }
        long xa = sa[d], xb = sb[d], xc = sc[d], xy = sy[d];
        for (long k = 0, n = dims[d]; k < n; k++)
            level(d + 1, a, ao + k * xa, b, bo + k * xb, c, co + k * xc, y, yo + k * xy);
    }

    /** One innermost run of {@code n} output elements written contiguously from {@code yo}. */
    abstract void inner(MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs, MemorySegment c, long co, long cs,
                        MemorySegment y, long yo, long n);
}
