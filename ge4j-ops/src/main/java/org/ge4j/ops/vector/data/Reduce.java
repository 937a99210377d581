package org.ge4j.ops.vector.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.ge4j.ir.DataType;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.KernelCompiler;
import org.ge4j.ops.exec.NodeSpec;

/**
 * ReduceSum, ReduceMean, ReduceMax and ReduceMin over float tensors when the reduced axes form one block
 * (ignoring dims of 1): the input is then [outer, mid, inner] and the output [outer, inner] — the last axis
 * (inner = 1: a vector reduction per row), all axes (one row), or a middle block (vector accumulation across
 * rows). Axes come from the attribute or from a constant input; sums accumulate in float lanes.
 */
final class Reduce implements CompiledKernel {
    static final int SUM = 0, MEAN = 1, MAX = 2, MIN = 3;

    private static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;
    private static final int LN = SP.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    private final int op, y;
    private final long outer;
    private final int mid, inner;

    private Reduce(int op, long outer, int mid, int inner, int y) {
        this.op = op;
        this.outer = outer;
        this.mid = mid;
        this.inner = inner;
        this.y = y;
    }

    static KernelCompiler compiler(int op) { return (s, schema) -> compile(s, schema, op); }

    private static CompiledKernel compile(NodeSpec s, OpSchema schema, int op) {
        if (!DataSpecs.allStatic(s) || s.input(0).dtype() != DataType.FLOAT || s.output(0).dtype() != DataType.FLOAT) return null;
        long[] x = s.inputShape(0);
        int r = x.length;
        boolean axesInput = schema.inputs().size() > 1;
        long[] axes;
        if (axesInput) {
            if (s.input(1) == null) axes = new long[0];
            else if ((axes = DataSpecs.longs(s.constant(1))) == null) return null;
        } else axes = s.attrs().getInts("axes", new long[0]);
        int y = s.inputs().size();
        if (axes.length == 0 && axesInput && s.attrs().getInt("noop_with_empty_axes", 0) != 0)
            return new Movement.Copy(DataSpecs.count(x) * 4, y);
        boolean[] red = new boolean[r];
        for (long a : axes) {
            int k = DataSpecs.axis(a, r);
            if (k < 0) return null;
            red[k] = true;
        }
        if (axes.length == 0) java.util.Arrays.fill(red, true);
        // the reduced dims (> 1) must be one block among the dims > 1
        int first = -1, last = -1;
        for (int i = 0; i < r; i++) {
            if (x[i] == 1 || !red[i]) continue;
            if (first < 0) first = i;
            last = i;
        }
        long outer = 1, mid = 1, inner = 1;
        for (int i = 0; i < r; i++) {
            if (x[i] == 1) continue;
            if (first >= 0 && i >= first && i <= last) {
                if (!red[i]) return null;
                mid *= x[i];
            } else if (first < 0 || i < first) outer *= x[i];
            else inner *= x[i];
        }
        if (mid == 0 || outer * inner == 0 || mid * inner > Integer.MAX_VALUE / 4) return mid == 0 ? null : args -> {};
        if (DataSpecs.count(s.outputShape(0)) != outer * inner) return null;
        return new Reduce(op, outer, (int) mid, (int) inner, y);
    }

    @Override public void run(MemorySegment[] args) {
        MemorySegment x = args[0], z = args[y];
        long rowIn = (long) mid * inner * 4, rowOut = (long) inner * 4;
        for (long o = 0; o < outer; o++) {
            if (inner == 1) z.set(F, o * 4, finish(row(x, o * rowIn)));
            else columns(x, o * rowIn, z, o * rowOut);
        }
    }

    private float finish(float v) { return op == MEAN ? v / mid : v; }

    /** The reduction of the {@code mid} consecutive floats at {@code off}. */
    private float row(MemorySegment x, long off) {
        int n = mid, j = 0;
        if (op == SUM || op == MEAN) {
            FloatVector a0 = FloatVector.zero(SP), a1 = FloatVector.zero(SP);
            for (; j + 2 * LN <= n; j += 2 * LN) {
                a0 = a0.add(FloatVector.fromMemorySegment(SP, x, off + j * 4L, LE));
                a1 = a1.add(FloatVector.fromMemorySegment(SP, x, off + (j + LN) * 4L, LE));
            }
            if (j < n) {
                VectorMask<Float> m = SP.indexInRange(j, n);
                a0 = a0.add(FloatVector.fromMemorySegment(SP, x, off + j * 4L, LE, m));
                if (j + LN < n) a1 = a1.add(FloatVector.fromMemorySegment(SP, x, off + (j + LN) * 4L, LE, SP.indexInRange(j + LN, n)));
            }
            return a0.add(a1).reduceLanes(VectorOperators.ADD);
        }
        boolean max = op == MAX;
        VectorOperators.Associative how = max ? VectorOperators.MAX : VectorOperators.MIN;
        FloatVector acc = FloatVector.broadcast(SP, max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY);
        for (; j + LN <= n; j += LN) acc = acc.lanewise(how, FloatVector.fromMemorySegment(SP, x, off + j * 4L, LE));
        float v = acc.reduceLanes(how);
        for (; j < n; j++) v = max ? Math.max(v, x.get(F, off + j * 4L)) : Math.min(v, x.get(F, off + j * 4L));
        return v;
    }

    /** z[c] = reduction over m of x[m, c] for the [mid, inner] block at {@code off}. */
    private void columns(MemorySegment x, long off, MemorySegment z, long zo) {
        int n = inner;
        long stride = (long) n * 4;
        VectorOperators.Binary how = op == MAX ? VectorOperators.MAX : op == MIN ? VectorOperators.MIN : VectorOperators.ADD;
        for (int c = 0; c < n; c += LN) {
            VectorMask<Float> m = SP.indexInRange(c, n);
            FloatVector acc = FloatVector.fromMemorySegment(SP, x, off + c * 4L, LE, m);
            for (int k = 1; k < mid; k++) acc = acc.lanewise(how, FloatVector.fromMemorySegment(SP, x, off + k * stride + c * 4L, LE, m));
            if (op == MEAN) acc = acc.div((float) mid);
            acc.intoMemorySegment(z, zo + c * 4L, LE, m);
        }
    }
}
