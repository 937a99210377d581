package org.ge4j.ops.vector.data;

import static org.ge4j.ops.vector.data.StridedCopy.B;
import static org.ge4j.ops.vector.data.StridedCopy.I;
import static org.ge4j.ops.vector.data.StridedCopy.L;
import static org.ge4j.ops.vector.data.StridedCopy.S;

import java.lang.foreign.MemorySegment;
import org.ge4j.ir.DataType;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.NodeSpec;

/**
 * Cast between float, double, float16, bfloat16, the 8/16/32/64-bit integers (but uint64) and bool, with the
 * reference's rules ({@link Num}): floating sources convert through double, integer sources through long.
 * The common pairs have their own loops; the others go through {@link Num}'s per-element switch.
 */
final class Cast implements CompiledKernel {
    private final int from, to, y;
    private final long n;

    private Cast(int from, int to, long n, int y) {
        this.from = from;
        this.to = to;
        this.n = n;
        this.y = y;
    }

    static CompiledKernel compile(NodeSpec s, OpSchema schema) {
        if (!DataSpecs.allStatic(s) || s.input(0) == null) return null;
        DataType a = s.input(0).dtype(), b = s.output(0).dtype();
        int from = Num.kind(a), to = Num.kind(b);
        if (from < 0 || to < 0) return null;
        long n = DataSpecs.count(s.outputShape(0));
        int y = s.inputs().size();
        if (from == to) return new Movement.Copy(n * Num.size(from), y);
        return new Cast(from, to, n, y);
    }

    @Override public void run(MemorySegment[] args) {
        MemorySegment x = args[0], z = args[y];
        long n = this.n;
        int from = this.from, to = this.to;
        if (from == Num.F32 && to == Num.I64) {
            for (long i = 0; i < n; i++) z.set(L, i * 8, (long) x.get(Num.F, i * 4));
        } else if (from == Num.I64 && to == Num.F32) {
            for (long i = 0; i < n; i++) z.set(Num.F, i * 4, (float) x.get(L, i * 8));
        } else if (from == Num.I32 && to == Num.I64) {
            for (long i = 0; i < n; i++) z.set(L, i * 8, x.get(I, i * 4));
        } else if (from == Num.I64 && to == Num.I32) {
            for (long i = 0; i < n; i++) z.set(I, i * 4, (int) x.get(L, i * 8));
        } else if (from == Num.I32 && to == Num.F32) {
            for (long i = 0; i < n; i++) z.set(Num.F, i * 4, (float) x.get(I, i * 4));
        } else if (from == Num.F32 && to == Num.I32) {
            for (long i = 0; i < n; i++) z.set(I, i * 4, (int) (long) x.get(Num.F, i * 4)); // through long: wraps like C
        } else if (from == Num.BOOL && to == Num.F32) {
            for (long i = 0; i < n; i++) z.set(Num.F, i * 4, x.get(B, i) & 0xff);
        } else if (from == Num.F32 && to == Num.F16) {
            for (long i = 0; i < n; i++) z.set(S, i * 2, Float.floatToFloat16(x.get(Num.F, i * 4)));
        } else if (from == Num.F16 && to == Num.F32) {
            for (long i = 0; i < n; i++) z.set(Num.F, i * 4, Float.float16ToFloat(x.get(S, i * 2)));
        } else if (from == Num.F32 && to == Num.F64) {
            for (long i = 0; i < n; i++) z.set(Num.D, i * 8, x.get(Num.F, i * 4));
        } else if (from == Num.F64 && to == Num.F32) {
            for (long i = 0; i < n; i++) z.set(Num.F, i * 4, (float) x.get(Num.D, i * 8));
        } else if (Num.isFloat(from)) {
            int si = Num.size(from), so = Num.size(to);
            for (long i = 0; i < n; i++) Num.writeD(to, z, i * so, Num.readD(from, x, i * si));
        } else {
            int si = Num.size(from), so = Num.size(to);
            for (long i = 0; i < n; i++) Num.writeL(to, z, i * so, Num.readL(from, x, i * si));
        }
    }
}
