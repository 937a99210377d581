package org.ge4j.ops.vector.data;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Node;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.NodeSpec;

/**
 * Gather along any axis with int32 or int64 indices (negative ones count from the end): around the axis the
 * data is [outer, dim, inner], and each index selects a block of {@code inner} elements per outer position —
 * for an embedding lookup (axis 0 of a weight matrix) one row memcpy per index. Constant indices are checked
 * and normalised at compile time; run-time indices are checked as they are read.
 */
final class Gather implements CompiledKernel {
    private final Node node;
    private final long outer, dim, m, block; // block: bytes per selected block
    private final int es, y;
    private final boolean int64;
    private final long[] fixed; // normalised constant indices, or null

    private Gather(Node node, long outer, long dim, long m, long block, int es, int y, boolean int64, long[] fixed) {
        this.node = node;
        this.outer = outer;
        this.dim = dim;
        this.m = m;
        this.block = block;
        this.es = es;
        this.y = y;
        this.int64 = int64;
        this.fixed = fixed;
    }

    static CompiledKernel compile(NodeSpec s, OpSchema schema) {
        if (!DataSpecs.allStatic(s) || s.inputs().size() != 2) return null;
        DataType t = s.input(0).dtype(), it = s.input(1).dtype();
        int es = DataSpecs.elementSize(t);
        if (es < 0 || t != s.output(0).dtype() || it != DataType.INT64 && it != DataType.INT32) return null;
        long[] data = s.inputShape(0), ind = s.inputShape(1), out = s.outputShape(0);
        if (data.length == 0) return null;
        int axis = DataSpecs.axis(s.attrs().getInt("axis", 0), data.length);
        if (axis < 0) return null;
        long[] expect = new long[data.length - 1 + ind.length];
        int j = 0;
        for (int d = 0; d < axis; d++) expect[j++] = data[d];
        for (long d : ind) expect[j++] = d;
        for (int d = axis + 1; d < data.length; d++) expect[j++] = data[d];
        if (!Arrays.equals(expect, out)) return null;
        long outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= data[d];
        for (int d = axis + 1; d < data.length; d++) inner *= data[d];
        long dim = data[axis], m = DataSpecs.count(ind);
        long[] fixed = null;
        if (s.constant(1) != null) {
            fixed = s.constant(1).toLongArray();
            for (int k = 0; k < fixed.length; k++) {
                long v = fixed[k] < 0 ? fixed[k] + dim : fixed[k];
                if (v < 0 || v >= dim) return null; // the reference reports it
                fixed[k] = v;
            }
        }
        if (DataSpecs.count(out) == 0) return args -> {};
        return new Gather(s.node(), outer, dim, m, inner * es, es, s.inputs().size(), it == DataType.INT64, fixed);
    }

    @Override public void run(MemorySegment[] args) {
        MemorySegment data = args[0], ind = args[1], out = args[y];
        long[] fixed = this.fixed;
        long rowIn = dim * block, rowOut = m * block;
        for (long j = 0; j < m; j++) {
            long ix;
            if (fixed != null) ix = fixed[(int) j];
            else {
                long v = int64 ? ind.get(StridedCopy.L, j * 8) : ind.get(StridedCopy.I, j * 4);
                ix = v < 0 ? v + dim : v;
                if (ix < 0 || ix >= dim) throw outOfRange(v, j);
            }
            long from = ix * block, to = j * block;
            if (block == es) {
                for (long o = 0; o < outer; o++) move(data, o * rowIn + from, out, o * rowOut + to);
            } else {
                for (long o = 0; o < outer; o++) MemorySegment.copy(data, o * rowIn + from, out, o * rowOut + to, block);
            }
        }
    }

    private void move(MemorySegment src, long so, MemorySegment dst, long dO) {
        switch (es) {
            case 4 -> dst.set(StridedCopy.I, dO, src.get(StridedCopy.I, so));
            case 8 -> dst.set(StridedCopy.L, dO, src.get(StridedCopy.L, so));
            case 2 -> dst.set(StridedCopy.S, dO, src.get(StridedCopy.S, so));
            default -> dst.set(StridedCopy.B, dO, src.get(StridedCopy.B, so));
        }
    }

    private OpException outOfRange(long v, long j) {
        return new OpException(node, "input 1 ('indices') holds " + v + " at flat position " + j + ", out of range for a dim of size " + dim
                + " (expected [" + (-dim) + ", " + (dim - 1) + "])");
    }
}
