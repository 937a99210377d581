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
import org.ge4j.ops.exec.NodeSpec;

/**
 * Sqrt and Pow with a scalar exponent over float tensors (when the elementwise kernels of the vector
 * provider do not cover them): Sqrt and Pow(x, 2) in vector lanes (both exact as the reference's double
 * computation rounded to float), other exponents through {@link Math#pow} per element. An exponent that is
 * not constant is read at run time.
 */
final class FloatMath {
    private FloatMath() {}

    private static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;
    private static final int LN = SP.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    static CompiledKernel sqrt(NodeSpec s, OpSchema schema) {
        if (!DataSpecs.allStatic(s) || s.input(0).dtype() != DataType.FLOAT || s.output(0).dtype() != DataType.FLOAT) return null;
        long n = DataSpecs.count(s.outputShape(0));
        if (n != DataSpecs.count(s.inputShape(0))) return null;
        return args -> lanes(args[0], args[1], n, true);
    }

    static CompiledKernel pow(NodeSpec s, OpSchema schema) {
        if (schema.sinceVersion() < 7 || !DataSpecs.allStatic(s) || s.inputs().size() != 2) return null;
        if (s.input(0).dtype() != DataType.FLOAT || s.output(0).dtype() != DataType.FLOAT) return null;
        long n = DataSpecs.count(s.outputShape(0));
        if (n != DataSpecs.count(s.inputShape(0)) || DataSpecs.count(s.inputShape(1)) != 1) return null;
        int kind = Num.kind(s.input(1).dtype());
        if (kind < 0 || kind == Num.BOOL) return null;
        if (s.constant(1) != null) {
            double e = s.constant(1).getScalarDouble(0);
            if (e == 2) return args -> lanes(args[0], args[2], n, false);
            return args -> scalar(args[0], args[2], n, e);
        }
        return args -> {
            double e = Num.isFloat(kind) ? Num.readD(kind, args[1], 0) : Num.readL(kind, args[1], 0);
            if (e == 2) lanes(args[0], args[2], n, false);
            else scalar(args[0], args[2], n, e);
        };
    }

    /** y = sqrt(x) or x·x over n floats (x and y may be the same buffer). */
    private static void lanes(MemorySegment x, MemorySegment y, long n, boolean sqrt) {
        long i = 0;
        for (; i + LN <= n; i += LN) {
            FloatVector v = FloatVector.fromMemorySegment(SP, x, i * 4, LE);
            (sqrt ? v.lanewise(VectorOperators.SQRT) : v.mul(v)).intoMemorySegment(y, i * 4, LE);
        }
        if (i < n) {
            VectorMask<Float> m = SP.indexInRange(i, n);
            FloatVector v = FloatVector.fromMemorySegment(SP, x, i * 4, LE, m);
            (sqrt ? v.lanewise(VectorOperators.SQRT) : v.mul(v)).intoMemorySegment(y, i * 4, LE, m);
        }
    }

    private static void scalar(MemorySegment x, MemorySegment y, long n, double e) {
        for (long i = 0; i < n; i++) y.set(F, i * 4, (float) Math.pow(x.get(F, i * 4), e));
    }
}
