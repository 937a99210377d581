package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.Sgemm.F;
import static org.ge4j.ops.vector.Sgemm.L;
import static org.ge4j.ops.vector.Sgemm.LE;
import static org.ge4j.ops.vector.Sgemm.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * What a GEMM applies to a finished block of C while it is still in cache:
 * {@code y[i,j] = act(alpha * acc[i,j] + beta * (rowBias[i] + colBias[j] + Z[i,j]))}, each term optional.
 * The row bias is read with a stride (0 for a scalar); the column bias is contiguous; Z is a matrix with its
 * own row stride. Immutable: the per-run buffers are passed to {@link #apply}.
 */
record Epilogue(float alpha, float beta, Act act) {
    static final Epilogue NONE = new Epilogue(1f, 1f, Act.IDENTITY);

    /** True when apply would leave C unchanged for absent bias terms. */
    boolean trivial() { return alpha == 1f && act.isIdentity(); }

    /**
     * Applies the epilogue to rows × cols of C at {@code co} (row stride ldc). Any of rb, cb, z may be null.
     * Row r's bias is at {@code rbo + r * rbs}; column j's at {@code cbo + 4 j}; Z[r, j] at {@code zo + r * ldz + 4 j}.
     */
    void apply(MemorySegment c, long co, long ldc, int rows, int cols, MemorySegment rb, long rbo, long rbs,
               MemorySegment cb, long cbo, MemorySegment z, long zo, long ldz) {
        // Relu and Clip ride along with the bias pass as a clamp to [lo, hi]; the other activations take a
        // pass of their own
        boolean clamp = act.kind() == Act.RELU || act.kind() == Act.CLIP;
        float lo = act.kind() == Act.RELU ? 0f : act.kind() == Act.CLIP ? act.p0() : Float.NEGATIVE_INFINITY;
        float hi = act.kind() == Act.CLIP ? act.p1() : Float.POSITIVE_INFINITY;
        if (rb != null || cb != null || z != null || alpha != 1f || clamp) {
            for (int r = 0; r < rows; r++) {
                float rowTerm = rb == null ? 0f : beta * rb.get(F, rbo + r * rbs);
                long cr = co + r * ldc;
                if (cb == null && z == null) scaleAdd(c, cr, cols, alpha, rowTerm, lo, hi);
                else if (z == null) scaleAddRow(c, cr, cols, alpha, rowTerm, beta, cb, cbo, lo, hi);
                else if (cb == null) scaleAddRow(c, cr, cols, alpha, rowTerm, beta, z, zo + r * ldz, lo, hi);
                else scaleAddRows(c, cr, cols, alpha, rowTerm, beta, cb, cbo, z, zo + r * ldz, lo, hi);
            }
        }
        if (!clamp) act.applyRows(c, co, ldc, rows, cols);
    }

    /** c = clamp(alpha c + t, lo, hi). */
    private static void scaleAdd(MemorySegment c, long co, int n, float alpha, float t, float lo, float hi) {
        int j = 0;
        for (; j + L <= n; j += L) FloatVector.fromMemorySegment(S, c, co + j * 4L, LE).fma(alpha, t).max(lo).min(hi).intoMemorySegment(c, co + j * 4L, LE);
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector.fromMemorySegment(S, c, co + j * 4L, LE, m).fma(alpha, t).max(lo).min(hi).intoMemorySegment(c, co + j * 4L, LE, m);
        }
    }

    /** c = clamp(alpha c + t + beta u, lo, hi). */
    private static void scaleAddRow(MemorySegment c, long co, int n, float alpha, float t, float beta, MemorySegment u, long uo, float lo, float hi) {
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector uv = FloatVector.fromMemorySegment(S, u, uo + j * 4L, LE);
            FloatVector.fromMemorySegment(S, c, co + j * 4L, LE).fma(alpha, t).add(uv.mul(beta)).max(lo).min(hi).intoMemorySegment(c, co + j * 4L, LE);
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector uv = FloatVector.fromMemorySegment(S, u, uo + j * 4L, LE, m);
            FloatVector.fromMemorySegment(S, c, co + j * 4L, LE, m).fma(alpha, t).add(uv.mul(beta)).max(lo).min(hi).intoMemorySegment(c, co + j * 4L, LE, m);
        }
    }

    /** c = clamp(alpha c + t + beta (u + v), lo, hi). */
    private static void scaleAddRows(MemorySegment c, long co, int n, float alpha, float t, float beta, MemorySegment u, long uo, MemorySegment v, long vo,
                                     float lo, float hi) {
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector w = FloatVector.fromMemorySegment(S, u, uo + j * 4L, LE).add(FloatVector.fromMemorySegment(S, v, vo + j * 4L, LE));
            FloatVector.fromMemorySegment(S, c, co + j * 4L, LE).fma(alpha, t).add(w.mul(beta)).max(lo).min(hi).intoMemorySegment(c, co + j * 4L, LE);
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector w = FloatVector.fromMemorySegment(S, u, uo + j * 4L, LE, m).add(FloatVector.fromMemorySegment(S, v, vo + j * 4L, LE, m));
            FloatVector.fromMemorySegment(S, c, co + j * 4L, LE, m).fma(alpha, t).add(w.mul(beta)).max(lo).min(hi).intoMemorySegment(c, co + j * 4L, LE, m);
        }
    }
}
