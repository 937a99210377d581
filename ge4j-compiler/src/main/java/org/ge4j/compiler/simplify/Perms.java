package org.ge4j.compiler.simplify;

import org.ge4j.ir.Node;

/** Permutation helpers for Transpose patterns. */
final class Perms {
    private Perms() {}

    /** The permutation of a Transpose node ({@code perm}, or reversed dims when absent); null when unknowable. */
    static long[] of(Node transpose, int rank) {
        long[] p = transpose.attrInts("perm", null);
        if (p != null) {
            long[] q = p.clone();
            for (int i = 0; i < q.length; i++) if (q[i] < 0) q[i] += q.length;
            return q;
        }
        if (rank < 0) return null;
        long[] r = new long[rank];
        for (int i = 0; i < rank; i++) r[i] = rank - 1 - i;
        return r;
    }

    static boolean isIdentity(long[] p) {
        for (int i = 0; i < p.length; i++) if (p[i] != i) return false;
        return true;
    }

    /** The single permutation equal to applying {@code first} then {@code second}: out[i] = first[second[i]]. */
    static long[] compose(long[] first, long[] second) {
        if (first.length != second.length) return null;
        long[] r = new long[second.length];
        for (int i = 0; i < r.length; i++) {
            if (second[i] < 0 || second[i] >= first.length) return null;
            r[i] = first[(int) second[i]];
        }
        return r;
    }
}
