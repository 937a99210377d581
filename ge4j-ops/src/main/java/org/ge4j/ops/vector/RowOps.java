package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.Sgemm.F;
import static org.ge4j.ops.vector.Sgemm.L;
import static org.ge4j.ops.vector.Sgemm.LE;
import static org.ge4j.ops.vector.Sgemm.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.NodeSpec;

/**
 * Ops that work row by row over the last axes: Softmax (over the last axis, or from {@code axis} on before
 * opset 13) and LayerNormalization (ONNX 17 with its optional Mean / InvStdDev outputs, and the ge4j form).
 * Rows are independent and run in ranges on the pool when there are many.
 */
final class RowOps {
    private RowOps() {}

    // ---------------------------------------------------------------- Softmax

    static CompiledKernel softmax(NodeSpec s, OpSchema schema) {
        if (!Specs.allFloatStatic(s)) return null;
        long[] xs = s.inputShape(0);
        int rank = xs.length;
        if (rank == 0 || !Specs.fitsInt(xs)) return null;
        boolean modern = schema.sinceVersion() >= 13;
        long axis = s.attrs().getInt("axis", modern ? -1 : 1);
        if (axis < 0) axis += rank;
        if (axis < 0 || axis >= rank) return null;
        if (modern && axis != rank - 1) return null; // a softmax over an inner axis: not covered
        long n = 1;
        for (int i = (int) axis; i < rank; i++) n *= xs[i];
        if (n == 0) return args -> {};
        long rows = Specs.count(xs) / n;
        return new Rows(rows, (int) n, WorkerPool.shared()) {
            @Override void rows(MemorySegment[] args, long r0, long r1) {
                for (long r = r0; r < r1; r++) softmaxRow(args[0], r * len * 4, args[1], r * len * 4, len);
            }
        };
    }

    /** y = exp(x - max x) / sum, over one row of n floats (x and y may be the same). */
    static void softmaxRow(MemorySegment x, long xo, MemorySegment y, long yo, int n) {
        float max = max(x, xo, n);
        float sum = expSum(x, xo, y, yo, n, max);
        scale(y, yo, n, 1f / sum);
    }

    // The passes are separate small methods, each an unmasked loop and a masked tail: one method holding all
    // of them is too big for C1 (see the package notes).

    /** max of n floats (NaN if any is NaN). */
    static float max(MemorySegment x, long xo, int n) {
        FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i + L <= n; i += L) mx = mx.max(FloatVector.fromMemorySegment(S, x, xo + i * 4L, LE));
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            mx = mx.max(FloatVector.fromMemorySegment(S, x, xo + i * 4L, LE, m).blend(Float.NEGATIVE_INFINITY, m.not()));
        }
        return mx.reduceLanes(VectorOperators.MAX);
    }

    /** y = exp(x - max); returns the sum of y. */
    static float expSum(MemorySegment x, long xo, MemorySegment y, long yo, int n, float max) {
        FloatVector sum = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector e = FloatVector.fromMemorySegment(S, x, xo + i * 4L, LE).sub(max).lanewise(VectorOperators.EXP);
            e.intoMemorySegment(y, yo + i * 4L, LE);
            sum = sum.add(e);
        }
        float total = sum.reduceLanes(VectorOperators.ADD);
        // the tail in scalar code: with a masked tail here, C2 left the loop's add to the Java fallback
        for (; i < n; i++) {
            float e = (float) Math.exp(x.get(F, xo + i * 4L) - max);
            y.set(F, yo + i * 4L, e);
            total += e;
        }
        return total;
    }

    /** y *= s. */
    static void scale(MemorySegment y, long yo, int n, float s) {
        int i = 0;
        for (; i + L <= n; i += L) FloatVector.fromMemorySegment(S, y, yo + i * 4L, LE).mul(s).intoMemorySegment(y, yo + i * 4L, LE);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromMemorySegment(S, y, yo + i * 4L, LE, m).mul(s).intoMemorySegment(y, yo + i * 4L, LE, m);
        }
    }

    // ---------------------------------------------------------------- LayerNormalization

    /** ONNX LayerNormalization (17): X, Scale, B?; outputs Y, Mean?, InvStdDev? (shape [..., 1, ..., 1]). */
    static CompiledKernel layerNorm(NodeSpec s, OpSchema schema) { return layerNorm(s, true); }

    /** ge4j LayerNormalization: X, Scale?, B?; output Y. */
    static CompiledKernel fusedLayerNorm(NodeSpec s, OpSchema schema) { return layerNorm(s, false); }

    private static CompiledKernel layerNorm(NodeSpec s, boolean onnx) {
        if (!Specs.allFloatStatic(s)) return null;
        long[] xs = s.inputShape(0);
        int rank = xs.length;
        if (rank == 0 || !Specs.fitsInt(xs)) return null;
        long axis = s.attrs().getInt("axis", -1);
        if (axis < 0) axis += rank;
        if (axis < 0 || axis >= rank) return null;
        long n = 1;
        for (int i = (int) axis; i < rank; i++) n *= xs[i];
        if (n == 0) return args -> {};
        for (int i = 1; i <= 2; i++) if (s.input(i) != null && Specs.count(s.inputShape(i)) != n) return null; // Scale/B over the normalized dims
        long rows = Specs.count(xs) / n;
        float eps = s.attrs().getFloat("epsilon", 1e-5f);
        int nIn = s.inputs().size();
        boolean hasScale = s.input(1) != null, hasBias = nIn > 2 && s.input(2) != null;
        int meanArg = onnx && s.outputs().size() > 1 ? nIn + 1 : -1, invArg = onnx && s.outputs().size() > 2 ? nIn + 2 : -1;
        int len = (int) n;
        return new Rows(rows, len, WorkerPool.shared()) {
            @Override void rows(MemorySegment[] args, long r0, long r1) {
                MemorySegment x = args[0], y = args[nIn];
                MemorySegment sc = hasScale ? args[1] : null, b = hasBias ? args[2] : null;
                MemorySegment mean = meanArg >= 0 ? nullable(args[meanArg]) : null, inv = invArg >= 0 ? nullable(args[invArg]) : null;
                for (long r = r0; r < r1; r++) layerNormRow(x, y, r * len * 4, len, eps, sc, b, mean, inv, r * 4);
            }
        };
    }

    /** One row: y = (x - mean) / sqrt(var + eps) [* scale] [+ b]; stores mean and 1/std when asked. */
    static void layerNormRow(MemorySegment x, MemorySegment y, long off, int n, float eps, MemorySegment scale, MemorySegment bias,
                             MemorySegment meanOut, MemorySegment invOut, long statOff) {
        float mean = sum(x, off, n) / n;
        float inv = (float) (1 / Math.sqrt(squaredDeviations(x, off, n, mean) / n + (double) eps));
        normalize(x, y, off, n, mean, inv, scale, bias);
        if (meanOut != null) meanOut.set(F, statOff, mean);
        if (invOut != null) invOut.set(F, statOff, inv);
    }

    static float sum(MemorySegment x, long off, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= n; i += L) acc = acc.add(FloatVector.fromMemorySegment(S, x, off + i * 4L, LE));
        if (i < n) acc = acc.add(FloatVector.fromMemorySegment(S, x, off + i * 4L, LE, S.indexInRange(i, n)));
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** sum of (x - mean)². */
    static float squaredDeviations(MemorySegment x, long off, int n, float mean) {
        FloatVector sq = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector d = FloatVector.fromMemorySegment(S, x, off + i * 4L, LE).sub(mean);
            sq = d.fma(d, sq);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector d = FloatVector.fromMemorySegment(S, x, off + i * 4L, LE, m).sub(mean);
            sq = sq.add(d.mul(d), m);
        }
        return sq.reduceLanes(VectorOperators.ADD);
    }

    /** y = (x - mean) * inv [* scale] [+ bias]. */
    static void normalize(MemorySegment x, MemorySegment y, long off, int n, float mean, float inv, MemorySegment scale, MemorySegment bias) {
        FloatVector zero = FloatVector.zero(S), one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, off + i * 4L, LE).sub(mean).mul(inv);
            FloatVector sv = scale == null ? one : FloatVector.fromMemorySegment(S, scale, i * 4L, LE);
            FloatVector bv = bias == null ? zero : FloatVector.fromMemorySegment(S, bias, i * 4L, LE);
            v.fma(sv, bv).intoMemorySegment(y, off + i * 4L, LE);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromMemorySegment(S, x, off + i * 4L, LE, m).sub(mean).mul(inv);
            FloatVector sv = scale == null ? one : FloatVector.fromMemorySegment(S, scale, i * 4L, LE, m);
            FloatVector bv = bias == null ? zero : FloatVector.fromMemorySegment(S, bias, i * 4L, LE, m);
            v.fma(sv, bv).intoMemorySegment(y, off + i * 4L, LE, m);
        }
    }

    private static MemorySegment nullable(MemorySegment s) { return s == null || s == MemorySegment.NULL ? null : s; }

    // ---------------------------------------------------------------- the row driver

    /**
     * Runs {@link #rows} over all rows, in ranges on the pool when there is enough work. (A subclass per op,
     * not a lambda: every call layer between the executor and the vector loop counts against C2's inlining
     * depth, and the Vector API's own calls need most of it.)
     */
    abstract static class Rows implements CompiledKernel, WorkerPool.Job {
        private final long rows;
        final int len;
        private final int chunks;
        private final WorkerPool pool;

        Rows(long rows, int len, WorkerPool pool) {
            this.rows = rows;
            this.len = len;
            this.pool = pool;
            chunks = rows * len >= Elementwise.PARALLEL_MIN / 4 && pool.threads() > 1 ? (int) Math.min(rows, 2L * pool.threads()) : 1;
        }

        /** Rows [r0, r1). */
        abstract void rows(MemorySegment[] args, long r0, long r1);

        @Override public void run(MemorySegment[] args) {
            if (chunks > 1) pool.run(this, args, chunks);
            else rows(args, 0, rows);
        }

        @Override public void run(Object ctx, int chunk, int n) {
            rows((MemorySegment[]) ctx, rows * chunk / n, rows * (chunk + 1) / n);
        }
    }
}
