package org.ge4j.ops.vector.data;

import java.lang.foreign.MemorySegment;
import org.ge4j.ir.DataType;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.NodeSpec;

/**
 * Concat and Split as block copies: around the axis the tensors are [outer, dim·inner], so each part is
 * {@code outer} contiguous runs of {@code dim_i·inner} elements, at a column offset in the whole. The split
 * sizes are read off the static output shapes (whatever attribute or input gave them).
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
        return new Blocks(true, n, blocks(out, axis, parts, es));
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
        return new Blocks(false, s.inputs().size(), blocks(in, axis, parts, es));
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
    static final class Blocks implements CompiledKernel {
        private final boolean gather;
        private final int first, parts;
        private final long outer, row;
        private final long[] runs, cols;

        Blocks(boolean gather, int first, long[] b) {
            this.gather = gather;
            this.first = first;
            outer = b[0];
            row = b[1];
            parts = (b.length - 2) / 2;
            runs = new long[parts];
            cols = new long[parts];
            for (int i = 0; i < parts; i++) {
                runs[i] = b[2 + 2 * i];
                cols[i] = b[3 + 2 * i];
            }
        }

        @Override public void run(MemorySegment[] args) {
            MemorySegment whole = gather ? args[first] : args[0];
            for (int i = 0; i < parts; i++) {
                long run = runs[i], col = cols[i];
                if (run == 0) continue;
                MemorySegment part = gather ? args[i] : args[first + i];
                if (gather) for (long o = 0; o < outer; o++) MemorySegment.copy(part, o * run, whole, o * row + col, run);
                else for (long o = 0; o < outer; o++) MemorySegment.copy(whole, o * row + col, part, o * run, run);
            }
        }
    }
}
