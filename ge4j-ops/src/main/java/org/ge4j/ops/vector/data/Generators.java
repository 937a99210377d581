package org.ge4j.ops.vector.data;

import java.lang.foreign.MemorySegment;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.NodeSpec;

/**
 * The ops whose output does not depend on their input's data: Shape and Size (constants once shapes are
 * static: the values are written at compile time and copied out), ConstantOfShape (a fill of one value)
 * and Range (start + i·delta, read from the inputs at run time).
 */
final class Generators {
    private Generators() {}

    /** A kernel that copies fixed bytes into its output (args[y]). */
    private static CompiledKernel constant(MemorySegment bytes, long n, int y) {
        return args -> MemorySegment.copy(bytes, 0, args[y], 0, n);
    }

    static CompiledKernel shape(NodeSpec s, OpSchema schema) {
        long[] in = DataSpecs.shape(s.input(0)), out = DataSpecs.shape(s.output(0));
        if (in == null || out == null || s.output(0).dtype() != DataType.INT64 || out.length != 1) return null;
        int rank = in.length;
        long b = s.attrs().getInt("start", 0), e = s.attrs().getInt("end", rank);
        b = Math.clamp(b < 0 ? b + rank : b, 0, rank);
        e = Math.max(b, Math.clamp(e < 0 ? e + rank : e, 0, rank));
        if (out[0] != e - b) return null;
        MemorySegment v = DataSpecs.allocate((e - b) * 8);
        for (long i = b; i < e; i++) v.set(StridedCopy.L, (i - b) * 8, in[(int) i]);
        return constant(v, (e - b) * 8, s.inputs().size());
    }

    static CompiledKernel size(NodeSpec s, OpSchema schema) {
        long[] in = DataSpecs.shape(s.input(0));
        if (in == null || s.output(0).dtype() != DataType.INT64) return null;
        MemorySegment v = DataSpecs.allocate(8);
        v.set(StridedCopy.L, 0, DataSpecs.count(in));
        return constant(v, 8, s.inputs().size());
    }

    static CompiledKernel constantOfShape(NodeSpec s, OpSchema schema) {
        long[] out = DataSpecs.shape(s.output(0));
        if (out == null) return null;
        Tensor value = s.attrs().getTensor("value");
        DataType t = s.output(0).dtype();
        int es = DataSpecs.elementSize(t);
        if (es < 0 || value != null && (value.dtype() != t || value.size() != 1)) return null;
        MemorySegment v = DataSpecs.allocate(es);
        if (value != null) MemorySegment.copy(value.segment(), 0, v, 0, es);
        long bytes = DataSpecs.count(out) * es;
        boolean zero = true;
        for (int i = 0; i < es; i++) zero &= v.get(StridedCopy.B, i) == 0;
        int y = s.inputs().size();
        if (bytes == 0) return args -> {};
        if (zero) return args -> args[y].fill((byte) 0);
        return args -> {
            MemorySegment d = args[y];
            MemorySegment.copy(v, 0, d, 0, es);
            for (long done = es; done < bytes; done *= 2) MemorySegment.copy(d, 0, d, done, Math.min(done, bytes - done));
        };
    }

    static CompiledKernel range(NodeSpec s, OpSchema schema) {
        if (!DataSpecs.allStatic(s) || s.inputs().size() != 3) return null;
        DataType t = s.output(0).dtype();
        int kind = Num.kind(t);
        if (kind < 0 || kind == Num.BOOL || kind == Num.F16 || kind == Num.BF16) return null;
        for (int i = 0; i < 3; i++) if (s.input(i).dtype() != t || DataSpecs.count(s.inputShape(i)) != 1) return null;
        long[] out = s.outputShape(0);
        if (out.length != 1) return null;
        long n = out[0];
        int es = Num.size(kind);
        if (Num.isFloat(kind)) return args -> {
            double s0 = Num.readD(kind, args[0], 0), d0 = Num.readD(kind, args[2], 0);
            for (long i = 0; i < n; i++) Num.writeD(kind, args[3], i * es, s0 + i * d0);
        };
        return args -> {
            long s0 = Num.readL(kind, args[0], 0), d0 = Num.readL(kind, args[2], 0);
            for (long i = 0; i < n; i++) Num.writeL(kind, args[3], i * es, s0 + i * d0);
        };
    }
}
