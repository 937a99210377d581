package org.ge4j.ops.util;

import java.util.ArrayList;
import java.util.List;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;

/** Numpy-style (multidirectional) broadcasting, for static shapes at run time and symbolic shapes at compile time. */
public final class Broadcast {
    private Broadcast() {}

    /** The broadcast of static shapes; throws IllegalArgumentException when incompatible. */
    public static long[] shape(long[]... shapes) {
        int rank = 0;
        for (long[] s : shapes) rank = Math.max(rank, s.length);
        long[] r = new long[rank];
        java.util.Arrays.fill(r, 1);
        for (long[] s : shapes) {
            for (int i = 0; i < s.length; i++) {
                int j = rank - s.length + i;
                long d = s[i];
                if (d == r[j] || d == 1) continue;
                if (r[j] == 1) r[j] = d;
                else throw new IllegalArgumentException("shapes " + describe(shapes) + " cannot be broadcast (dim " + j + ": " + r[j] + " vs " + d + ")");
            }
        }
        return r;
    }

    /** The broadcast of shapes that may be symbolic or of unknown rank; null if provably incompatible. */
    public static Shape shape(Shape... shapes) {
        int rank = 0;
        for (Shape s : shapes) {
            if (!s.hasRank()) return Shape.UNKNOWN_RANK;
            rank = Math.max(rank, s.rank());
        }
        List<Dim> out = new ArrayList<>();
        for (int j = 0; j < rank; j++) {
            Dim r = Dim.of(1);
            for (Shape s : shapes) {
                int i = j - (rank - s.rank());
                if (i < 0) continue;
                Dim d = s.dim(i);
                r = combine(r, d);
                if (r == null) return null;
            }
            out.add(r);
        }
        return Shape.of(out);
    }

    private static Dim combine(Dim a, Dim b) {
        if (a.equals(b)) return a;
        if (a instanceof Dim.Static sa && sa.value() == 1) return b;
        if (b instanceof Dim.Static sb && sb.value() == 1) return a;
        if (a instanceof Dim.Static && b instanceof Dim.Static) return null;
        if (a instanceof Dim.Static) return a; // the other must be equal to it, or 1
        if (b instanceof Dim.Static) return b;
        return Dim.UNKNOWN; // two different symbols, or unknowns: could be either (one may be 1)
    }

    /** Row-major strides of a static shape. */
    public static long[] strides(long[] shape) {
        long[] st = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= shape[i];
        }
        return st;
    }

    /**
     * For each flat index of {@code out}, the flat index into an input of shape {@code in} broadcast to it.
     * Fine for reference kernels (allocates one int per output element).
     */
    public static int[] indexMap(long[] in, long[] out) {
        int n = Math.toIntExact(org.ge4j.ir.Shape.elementCount(out));
        int[] map = new int[n];
        int rank = out.length;
        long[] inStrides = new long[rank];
        long[] st = strides(in);
        for (int i = 0; i < in.length; i++) {
            int j = rank - in.length + i;
            inStrides[j] = in[i] == 1 ? 0 : st[i];
        }
        long[] idx = new long[rank];
        long off = 0;
        for (int f = 0; f < n; f++) {
            map[f] = (int) off;
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                off += inStrides[d];
                if (idx[d] < out[d]) break;
                off -= inStrides[d] * idx[d];
                idx[d] = 0;
            }
        }
        return map;
    }

    private static String describe(long[][] shapes) {
        StringBuilder sb = new StringBuilder();
        for (long[] s : shapes) {
            if (sb.length() > 0) sb.append(" and ");
            sb.append(Shape.toString(s));
        }
        return sb.toString();
    }
}
