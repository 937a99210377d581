package org.ge4j.ops.vector.data;

import java.lang.foreign.MemorySegment;
import org.ge4j.ir.DataType;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.NodeSpec;
import org.ge4j.ops.vector.WorkerPool;

/**
 * Concat and Split as block copies: around the axis the tensors are [outer, dim·inner], so each part is
 * {@code outer} contiguous runs of {@code dim_i·inner} elements, at a column offset in the whole. The split
 * sizes are read off the static output shapes (whatever attribute or input gave them). Large copies are cut
 * into byte ranges of the whole run on the {@link WorkerPool}.
 */
final class ConcatSplit {
    private ConcatSplit() {}

    static CompiledKernel concat(NodeSpec s, OpSchema schema) {
        if (!DataSpecs.allStatic(s) || s.outputs().size() != 1) return null;
        int n = s.inputs().size();
        long[] out = s.outputShape(0);
        DataType t = s.output(0).dtype();
        int es = DataSpecs.elementSize(t);
        int axis = DataSpecs.axis(s.attrs().getInt("axis", schema.sinceVersion() < 4 ? 1 : 0), out.length);
        if (es < 0 || axis < 0 || n == 0) return null;
        long[] parts = new long[n];
        if (!partsMatch(s.inputs(), n, out, axis, t, parts)) return null;
        return new Blocks(true, n, blocks(out, axis, parts, es), WorkerPool.shared());
    }

    static CompiledKernel split(NodeSpec s, OpSchema schema) {
        if (!DataSpecs.allStatic(s) || s.input(0) == null) return null;
        int n = s.outputs().size();
        long[] in = s.inputShape(0);
        DataType t = s.input(0).dtype();
        int es = DataSpecs.elementSize(t);
        int axis = DataSpecs.axis(s.attrs().getInt("axis", 0), in.length);
        if (es < 0 || axis < 0) return null;
        long[] parts = new long[n];
        if (!partsMatch(s.outputs(), n, in, axis, t, parts)) return null;
        return new Blocks(false, s.inputs().size(), blocks(in, axis, parts, es), WorkerPool.shared());
    }

    /** Whether the parts have the whole's dtype and dims except along the axis, where they add up; their sizes there into {@code parts}. */
    private static boolean partsMatch(java.util.List<TensorDesc> descs, int n, long[] whole, int axis, DataType t, long[] parts) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            TensorDesc d = descs.get(i);
            if (d == null || d.dtype() != t) return false;
            long[] p = d.shape().toArray();
            if (p.length != whole.length) return false;
            for (int k = 0; k < p.length; k++) if (k != axis && p[k] != whole[k]) return false;
            parts[i] = p[axis];
            sum += p[axis];
        }
        return sum == whole[axis];
    }

    /** {outer, row bytes of the whole, then per part: run bytes and column byte offset}. */
    private static long[] blocks(long[] whole, int axis, long[] parts, int es) {
        long outer = 1, inner = es;
        for (int k = 0; k < axis; k++) outer *= whole[k];
        for (int k = axis + 1; k < whole.length; k++) inner *= whole[k];
        long[] b = new long[2 + 2 * parts.length];
        b[0] = outer;
        b[1] = whole[axis] * inner;
        long col = 0;
        for (int i = 0; i < parts.length; i++) {
            b[2 + 2 * i] = parts[i] * inner;
            b[3 + 2 * i] = col;
            col += parts[i] * inner;
        }
        return b;
    }

    /**
     * Concat ({@code gather}: parts are the inputs, args[0..n), the whole is args[n]) or Split (the whole is
     * args[0], the parts are args[first..]).
     */
    static final class Blocks implements CompiledKernel, WorkerPool.Job {
        /** Copies of at least this many bytes in all run on the pool (the parts were mostly written by its threads). */
        static final long PARALLEL_MIN_BYTES = 64 << 10;
        private final boolean gather;
        private final int first, parts, chunks;
        private final long outer, row;
        private final long[] runs, cols;
        private final WorkerPool pool;

        Blocks(boolean gather, int first, long[] b, WorkerPool pool) {
            this.gather = gather;
            this.first = first;
            this.pool = pool;
            outer = b[0];
            row = b[1];
            parts = (b.length - 2) / 2;
            runs = new long[parts];
            cols = new long[parts];
            for (int i = 0; i < parts; i++) {
                runs[i] = b[2 + 2 * i];
                cols[i] = b[3 + 2 * i];
            }
            long bytes = outer * row;
            chunks = pool != null && pool.threads() > 1 && bytes >= PARALLEL_MIN_BYTES ? 2 * pool.threads() : 1;
        }

        @Override public void run(MemorySegment[] args) {
            if (chunks > 1) pool.run(this, args, chunks);
            else copy(args, 0, outer * row);
        }

        @Override public void run(Object ctx, int chunk, int n) {
            long total = outer * row;
            // 64-byte aligned range boundaries in the whole's run order (outer-major, then part by part)
            long a = total * chunk / n & ~63L, b = chunk == n - 1 ? total : total * (chunk + 1) / n & ~63L;
            copy((MemorySegment[]) ctx, a, b);
        }

        /** Copies bytes [from, to) of the runs, in the order outer index, then part. */
        private void copy(MemorySegment[] args, long from, long to) {
            if (from >= to) return;
            MemorySegment whole = gather ? args[first] : args[0];
            long o = from / row, at = o * row; // run-order position of outer index o's first run
            for (; o < outer && at < to; o++) {
                for (int i = 0; i < parts && at < to; i++) {
                    long run = runs[i], s = Math.max(from, at) - at, e = Math.min(to, at + run) - at;
                    if (e > s) {
                        MemorySegment part = gather ? args[i] : args[first + i];
                        if (gather) MemorySegment.copy(part, o * run + s, whole, o * row + cols[i] + s, e - s);
                        else MemorySegment.copy(whole, o * row + cols[i] + s, part, o * run + s, e - s);
                    }
                    at += run;
                }
            }
        }
    }
}
