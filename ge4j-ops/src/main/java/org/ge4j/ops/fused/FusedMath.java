package org.ge4j.ops.fused;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ops.util.Broadcast;

/** Naive numeric helpers of the fused reference kernels (double precision, row-major arrays). */
final class FusedMath {
    private FusedMath() {}

    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    /**
     * The error function. |x| &lt; 3: erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)), a series
     * of positive terms (no cancellation); |x| &gt;= 3: 1 - erfc(x) with erfc from its continued fraction,
     * which converges fast there; |x| &gt; 6: +-1 in double.
     */
    static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        if (ax < 3) {
            double x2 = ax * ax, term = ax, sum = ax;
            for (int n = 1; n < 200; n++) {
                term *= 2 * x2 / (2 * n + 1);
                sum += term;
                if (term < 1e-17 * sum) break;
            }
            return Math.copySign(Math.min(1, TWO_OVER_SQRT_PI * Math.exp(-x2) * sum), x);
        }
        if (ax > 6) return Math.copySign(1.0, x);
        // erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), evaluated bottom-up
        double f = ax;
        for (int k = 60; k >= 1; k--) f = ax + (k / 2.0) / f;
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        return Math.copySign(1 - erfc, x);
    }

    /** x * Phi(x), exactly (erf form) or with the tanh approximation. */
    static double gelu(double x, boolean tanh) {
        if (tanh) {
            double k = Math.sqrt(2 / Math.PI);
            return 0.5 * x * (1 + Math.tanh(k * (x + 0.044715 * x * x * x)));
        }
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    /** Row-major strides. */
    static long[] strides(long[] shape) { return Broadcast.strides(shape); }

    static long count(long[] shape) { return Shape.elementCount(shape); }

    // ---------------------------------------------------------------- batched matmul (numpy semantics)

    /** The shape of op(A) @ op(B) with numpy matmul rules; op = transpose of the last two dims when asked (rank >= 2). */
    static long[] matmulShape(long[] a, long[] b, boolean ta, boolean tb) {
        Mat m = Mat.of(a, b, ta, tb);
        return m.outShape;
    }

    /** op(A) @ op(B). */
    static double[] matmul(double[] a, long[] as, double[] b, long[] bs, boolean ta, boolean tb) {
        Mat m = Mat.of(as, bs, ta, tb);
        int batches = (int) count(m.batch);
        double[] out = new double[(int) (batches * m.m * m.n)];
        int[] ia = Broadcast.indexMap(m.batchA, m.batch), ib = Broadcast.indexMap(m.batchB, m.batch);
        long aMat = m.m * m.k, bMat = m.k * m.n;
        for (int t = 0; t < batches; t++) {
            long ao = ia[t] * aMat, bo = ib[t] * bMat, oo = (long) t * m.m * m.n;
            for (long i = 0; i < m.m; i++)
                for (long j = 0; j < m.n; j++) {
                    double s = 0;
                    for (long p = 0; p < m.k; p++) {
                        double x = a[(int) (ao + (m.ta ? p * m.m + i : i * m.k + p))];
                        double y = b[(int) (bo + (m.tb ? j * m.k + p : p * m.n + j))];
                        s += x * y;
                    }
                    out[(int) (oo + i * m.n + j)] = s;
                }
        }
        return out;
    }

    /** The geometry of one batched matmul. */
    private record Mat(long[] batchA, long[] batchB, long[] batch, long m, long k, long n, boolean ta, boolean tb, long[] outShape) {
        static Mat of(long[] a, long[] b, boolean ta, boolean tb) {
            if (a.length == 0 || b.length == 0) throw new IllegalArgumentException("matmul operands must have rank >= 1, got " + Shape.toString(a) + " and " + Shape.toString(b));
            boolean a1 = a.length == 1, b1 = b.length == 1;
            long[] a2 = a1 ? new long[] {1, a[0]} : a, b2 = b1 ? new long[] {b[0], 1} : b;
            boolean tA = ta && !a1, tB = tb && !b1;
            long m = tA ? a2[a2.length - 1] : a2[a2.length - 2], ka = tA ? a2[a2.length - 2] : a2[a2.length - 1];
            long kb = tB ? b2[b2.length - 1] : b2[b2.length - 2], n = tB ? b2[b2.length - 2] : b2[b2.length - 1];
            if (ka != kb) throw new IllegalArgumentException("inner dimensions differ: " + Shape.toString(a) + " and " + Shape.toString(b) + (ta || tb ? " (after transposes)" : ""));
            long[] batchA = Arrays.copyOf(a2, a2.length - 2), batchB = Arrays.copyOf(b2, b2.length - 2);
            long[] batch = Broadcast.shape(batchA, batchB);
            List<Long> out = new ArrayList<>();
            for (long d : batch) out.add(d);
            if (!a1) out.add(m);
            if (!b1) out.add(n);
            return new Mat(batchA, batchB, batch, m, ka, n, tA, tB, out.stream().mapToLong(Long::longValue).toArray());
        }
    }

    /** The symbolic shape of op(A) @ op(B), or null when the inner dims provably differ. */
    static Shape matmulShape(Shape a, Shape b, boolean ta, boolean tb) {
        if (!a.hasRank() || !b.hasRank()) return Shape.UNKNOWN_RANK;
        if (a.rank() == 0 || b.rank() == 0) return null;
        boolean a1 = a.rank() == 1, b1 = b.rank() == 1;
        List<Dim> ad = a1 ? List.of(Dim.of(1), a.dim(0)) : a.dims(), bd = b1 ? List.of(b.dim(0), Dim.of(1)) : b.dims();
        boolean tA = ta && !a1, tB = tb && !b1;
        int ra = ad.size(), rb = bd.size();
        Dim m = ad.get(tA ? ra - 1 : ra - 2), ka = ad.get(tA ? ra - 2 : ra - 1);
        Dim kb = bd.get(tB ? rb - 1 : rb - 2), n = bd.get(tB ? rb - 2 : rb - 1);
        if (ka.isStatic() && kb.isStatic() && !ka.equals(kb)) return null;
        Shape batch = Broadcast.shape(Shape.of(ad.subList(0, ra - 2)), Shape.of(bd.subList(0, rb - 2)));
        if (batch == null) return null;
        List<Dim> out = new ArrayList<>(batch.dims());
        if (!a1) out.add(m);
        if (!b1) out.add(n);
        return Shape.of(out);
    }

    /** {@code values} of shape {@code from} broadcast to {@code to} (numpy rules, unidirectional). */
    static double[] broadcastTo(double[] values, long[] from, long[] to) {
        int[] map = Broadcast.indexMap(from, to);
        double[] out = new double[map.length];
        for (int i = 0; i < map.length; i++) out[i] = values[map[i]];
        return out;
    }

    /** True when {@code from} broadcasts to exactly {@code to} (it does not grow {@code to}). */
    static boolean broadcastsTo(long[] from, long[] to) {
        if (from.length > to.length) return false;
        for (int i = 0; i < from.length; i++) {
            long f = from[from.length - 1 - i], t = to[to.length - 1 - i];
            if (f != t && f != 1) return false;
        }
        return true;
    }

    /** Symbolic check: false only when {@code from} provably does not broadcast to {@code to} unchanged. */
    static boolean mayBroadcastTo(Shape from, Shape to) {
        if (!from.hasRank() || !to.hasRank()) return true;
        if (from.rank() > to.rank()) return false;
        for (int i = 0; i < from.rank(); i++) {
            Dim f = from.dim(from.rank() - 1 - i), t = to.dim(to.rank() - 1 - i);
            if (f.isStatic() && t.isStatic() && f.valueOr(-1) != t.valueOr(-1) && f.valueOr(-1) != 1) return false;
        }
        return true;
    }

    /** Softmax over the last axis of rows of length {@code n}, in place. */
    static void softmaxRows(double[] v, int n) {
        for (int r = 0; r + n <= v.length && n > 0; r += n) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) max = Math.max(max, v[r + i]);
            double sum = 0;
            for (int i = 0; i < n; i++) {
                v[r + i] = Math.exp(v[r + i] - max);
                sum += v[r + i];
            }
            for (int i = 0; i < n; i++) v[r + i] /= sum;
        }
    }
}
