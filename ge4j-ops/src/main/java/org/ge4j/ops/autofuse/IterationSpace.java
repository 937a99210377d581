package org.ge4j.ops.autofuse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ge4j.ir.Shape;

/**
 * How a generated kernel walks a program's iteration space for given input shapes. Each input is read
 * either at the flat index ({@link Access#FULL}: as many elements as the space), once before the loop
 * ({@link Access#SCALAR}), or through a broadcast ({@link Access#PARTIAL}). Partial inputs must share one
 * frame; the loop nest runs over that frame with its dims collapsed (dims of size 1 dropped, neighbours
 * merged when every partial input is broadcast along both or along neither), so a row bias over [N, C]
 * is two loops and a per-channel scale over [N, C, H, W] is three.
 *
 * @param sizes  the loop sizes, outermost first (one loop of the whole count when no input is partial)
 * @param strides per input, its element stride per loop (null unless the input is partial)
 */
record IterationSpace(long count, Access[] access, long[] sizes, long[][] strides) {
    enum Access { FULL, SCALAR, PARTIAL }

    /** The space for {@code p} with inputs of {@code shapes}, or null when the generator does not handle it. */
    static IterationSpace of(FusedProgram p, List<long[]> shapes) {
        long n = p.elementCount();
        if (n > Integer.MAX_VALUE / 8) return null;
        int k = shapes.size();
        Access[] access = new Access[k];
        long[] frame = null;
        List<Integer> partial = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            long c = Shape.elementCount(shapes.get(i));
            if (c == n) access[i] = Access.FULL;
            else if (c == 1) access[i] = Access.SCALAR;
            else {
                access[i] = Access.PARTIAL;
                long[] f = p.frame(i);
                if (frame == null) frame = f;
                else if (!Arrays.equals(frame, f)) return null;
                partial.add(i);
            }
        }
        long[][] strides = new long[k][];
        if (partial.isEmpty()) return new IterationSpace(n, access, new long[] {n}, strides);
        int rank = frame.length;
        // per frame dim: which partial inputs have the full extent there (a bit per partial input)
        List<Long> sizes = new ArrayList<>();
        List<long[]> masks = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            if (frame[d] == 1) continue;
            boolean[] full = new boolean[partial.size()];
            for (int j = 0; j < partial.size(); j++) {
                long[] s = shapes.get(partial.get(j));
                int e = d - (rank - s.length);
                full[j] = e >= 0 && s[e] == frame[d];
            }
            long[] mask = toMask(full);
            if (!masks.isEmpty() && Arrays.equals(masks.get(masks.size() - 1), mask)) sizes.set(sizes.size() - 1, sizes.get(sizes.size() - 1) * frame[d]);
            else {
                sizes.add(frame[d]);
                masks.add(mask);
            }
        }
        int r = sizes.size();
        long[] sz = new long[r];
        for (int d = 0; d < r; d++) sz[d] = sizes.get(d);
        for (int j = 0; j < partial.size(); j++) {
            long[] st = new long[r];
            long run = 1;
            for (int d = r - 1; d >= 0; d--) {
                if ((masks.get(d)[j >> 6] & (1L << (j & 63))) != 0) {
                    st[d] = run;
                    run *= sz[d];
                }
            }
            strides[partial.get(j)] = st;
        }
        return new IterationSpace(n, access, sz, strides);
    }

    private static long[] toMask(boolean[] b) {
        long[] m = new long[(b.length + 63) / 64];
        for (int i = 0; i < b.length; i++) if (b[i]) m[i >> 6] |= 1L << (i & 63);
        return m;
    }
}
