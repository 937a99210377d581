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
 * sizes are read off the static output shapes (whatever attribute or input gave them). Large copies run on the
 * {@link WorkerPool}, each chunk a byte range of every part.
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
            if (outer == 1 && allInPlace(args)) return;
            if (chunks > 1) pool.run(this, args, chunks);
            else for (int i = 0; i < parts; i++) copy(args, i, 0, outer * runs[i]);
        }

        @Override public void run(Object ctx, int chunk, int n) {
            // chunk c copies the c-th n-th of every part (64-byte aligned bounds): the pool runs the front chunks
            // on the caller and the back ones on a worker, as it ran the front and back parts of the layers that
            // wrote the parts, so each thread mostly copies what its own core wrote
            MemorySegment[] args = (MemorySegment[]) ctx;
            for (int i = 0; i < parts; i++) {
                long total = outer * runs[i];
                long a = total * chunk / n & ~63L, b = chunk == n - 1 ? total : total * (chunk + 1) / n & ~63L;
                copy(args, i, a, b);
            }
        }

        /** Whether every part already lies at its place in the whole (nothing to copy, no pool job). */
        private boolean allInPlace(MemorySegment[] args) {
            MemorySegment whole = gather ? args[first] : args[0];
            for (int i = 0; i < parts; i++)
                if (runs[i] != 0 && !inPlace(gather ? args[i] : args[first + i], whole, cols[i])) return false;
            return true;
        }

        /**
         * Whether the part already lies at its place in the whole (the memory planner put a Concat's part inside
         * its output, or a Split's output inside its input): then the copy would copy it onto itself.
         */
        private static boolean inPlace(MemorySegment part, MemorySegment whole, long col) {
            return part.isNative() && whole.isNative() && part.address() == whole.address() + col;
        }

        /** Copies bytes [from, to) of part i (its own order: outer index, then the run). */
        private void copy(MemorySegment[] args, int i, long from, long to) {
            long run = runs[i], col = cols[i];
            if (run == 0 || from >= to) return;
            MemorySegment whole = gather ? args[first] : args[0], part = gather ? args[i] : args[first + i];
            if (outer == 1 && inPlace(part, whole, col)) return;
            for (long o = from / run; o < outer && o * run < to; o++) {
                long s = Math.max(from, o * run) - o * run, e = Math.min(to, (o + 1) * run) - o * run;
                if (gather) MemorySegment.copy(part, o * run + s, whole, o * row + col + s, e - s);
                else MemorySegment.copy(whole, o * row + col + s, part, o * run + s, e - s);
            }
        }
    }
}
