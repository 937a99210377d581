package org.ge4j.ops.vector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.exec.NodeSpec;
import org.ge4j.ops.util.HugePages;

/** What the vector compilers check before they accept a node: float tensors with static shapes. */
final class Specs {
    private Specs() {}

    /** The static shape of a float tensor description, or null (absent, another dtype, or dynamic). */
    static long[] floatShape(TensorDesc d) {
        if (d == null || d.dtype() != DataType.FLOAT || !d.shape().hasRank() || !d.shape().isStatic()) return null;
        return d.shape().toArray();
    }

    /** True when every present input and every output is a float tensor with a static shape. */
    static boolean allFloatStatic(NodeSpec s) {
        for (TensorDesc d : s.inputs()) if (d != null && floatShape(d) == null) return false;
        for (TensorDesc d : s.outputs()) if (floatShape(d) == null) return false;
        return !s.outputs().isEmpty();
    }

    static long count(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /** A copy of a constant float tensor in memory owned by the compiled kernel (freed with it). */
    static MemorySegment copyOf(Tensor t) {
        MemorySegment m = allocate(t.byteSize());
        MemorySegment.copy(t.segment(), 0, m, 0, t.byteSize());
        return m;
    }

    /** An owned zeroed buffer of {@code bytes} bytes, 64-byte aligned; in huge pages from 2 MB up ({@link HugePages}). */
    static MemorySegment allocate(long bytes) { return HugePages.allocate(Arena.ofAuto(), Math.max(bytes, 4)); }

    /** Whether {@code shape} fits int-indexed loops (every kernel here counts elements in int where it must). */
    static boolean fitsInt(long[] shape) { return count(shape) < Integer.MAX_VALUE / 4; }
}
