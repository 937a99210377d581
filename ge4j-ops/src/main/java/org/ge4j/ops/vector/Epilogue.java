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
        if (rb == null && cb == null && z == null && trivial()) return;
        int kind = act.kind();
        float p0 = act.p0(), p1 = act.p1();
        int full = cols - cols % L;
        VectorMask<Float> tail = full < cols ? S.indexInRange(full, cols) : null;
        for (int r = 0; r < rows; r++) {
            long cr = co + r * ldc;
            float rowTerm = rb == null ? 0f : beta * rb.get(F, rbo + r * rbs);
            long zr = z == null ? 0 : zo + r * ldz;
            for (int j = 0; j < full; j += L) {
                FloatVector v = FloatVector.fromMemorySegment(S, c, cr + j * 4L, LE);
                v = term(v, rowTerm, cb, cbo + j * 4L, z, zr + j * 4L);
                Act.apply(kind, p0, p1, v).intoMemorySegment(c, cr + j * 4L, LE);
            }
            if (tail != null) {
                FloatVector v = FloatVector.fromMemorySegment(S, c, cr + full * 4L, LE, tail);
                FloatVector t = FloatVector.zero(S);
                if (cb != null) t = FloatVector.fromMemorySegment(S, cb, cbo + full * 4L, LE, tail);
                if (z != null) t = t.add(FloatVector.fromMemorySegment(S, z, zr + full * 4L, LE, tail));
                v = v.mul(alpha).add(t.mul(beta).add(rowTerm));
                Act.apply(kind, p0, p1, v).intoMemorySegment(c, cr + full * 4L, LE, tail);
            }
        }
    }

    private FloatVector term(FloatVector v, float rowTerm, MemorySegment cb, long cbo, MemorySegment z, long zo) {
        if (alpha != 1f) v = v.mul(alpha);
        if (cb == null && z == null) return rowTerm == 0f ? v : v.add(rowTerm);
        FloatVector t = cb == null ? FloatVector.fromMemorySegment(S, z, zo, LE)
                : z == null ? FloatVector.fromMemorySegment(S, cb, cbo, LE)
                : FloatVector.fromMemorySegment(S, cb, cbo, LE).add(FloatVector.fromMemorySegment(S, z, zo, LE));
        if (beta != 1f) t = t.mul(beta);
        return v.add(t).add(rowTerm);
    }
}
