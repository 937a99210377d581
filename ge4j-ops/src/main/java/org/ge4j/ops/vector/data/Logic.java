package org.ge4j.ops.vector.data;

import static org.ge4j.ops.vector.data.StridedCopy.B;
import static org.ge4j.ops.vector.data.StridedCopy.I;
import static org.ge4j.ops.vector.data.StridedCopy.L;
import static org.ge4j.ops.vector.data.StridedCopy.S;

import java.lang.foreign.MemorySegment;
import org.ge4j.ir.DataType;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.KernelCompiler;
import org.ge4j.ops.exec.NodeSpec;

/**
 * Where, the comparisons (Equal, Less, Greater, LessOrEqual, GreaterOrEqual), And/Or/Xor and Not, with
 * numpy broadcasting ({@link BroadcastKernel}). Comparisons read floating types as doubles and integers as
 * longs, as the reference does. The legacy broadcast of opsets before 7 is declined.
 */
final class Logic {
    private Logic() {}

    static final int EQ = 0, LT = 1, GT = 2, LE = 3, GE = 4;
    static final int AND = 0, OR = 1, XOR = 2;

    // ---------------------------------------------------------------- Where

    static CompiledKernel where(NodeSpec s, OpSchema schema) {
        if (!DataSpecs.allStatic(s) || s.inputs().size() != 3 || s.input(0).dtype() != DataType.BOOL) return null;
        DataType t = s.output(0).dtype();
        int es = DataSpecs.elementSize(t);
        if (es < 0 || es > 8 || s.input(1).dtype() != t || s.input(2).dtype() != t) return null;
        BroadcastKernel.Plan p = BroadcastKernel.plan(s.outputShape(0), new long[][] {s.inputShape(0), s.inputShape(1), s.inputShape(2)}, new int[] {1, es, es}, es);
        if (p == null) return DataSpecs.count(s.outputShape(0)) == 0 ? args -> {} : null;
        return new Where(p, es);
    }

    static final class Where extends BroadcastKernel {
        private final int es;

        Where(Plan p, int es) {
            super(p, 0, 1, 2, 3);
            this.es = es;
        }

        @Override void inner(MemorySegment c, long co, long cs, MemorySegment x, long xo, long xs, MemorySegment z, long zo, long zs, MemorySegment y, long yo, long n) {
            switch (es) {
                case 4 -> { for (long k = 0; k < n; k++) y.set(I, yo + k * 4, c.get(B, co + k * cs) != 0 ? x.get(I, xo + k * xs) : z.get(I, zo + k * zs)); }
                case 8 -> { for (long k = 0; k < n; k++) y.set(L, yo + k * 8, c.get(B, co + k * cs) != 0 ? x.get(L, xo + k * xs) : z.get(L, zo + k * zs)); }
                case 2 -> { for (long k = 0; k < n; k++) y.set(S, yo + k * 2, c.get(B, co + k * cs) != 0 ? x.get(S, xo + k * xs) : z.get(S, zo + k * zs)); }
                default -> { for (long k = 0; k < n; k++) y.set(B, yo + k, c.get(B, co + k * cs) != 0 ? x.get(B, xo + k * xs) : z.get(B, zo + k * zs)); }
            }
        }
    }

    // ---------------------------------------------------------------- comparisons

    static KernelCompiler compare(int op) {
        return (s, schema) -> {
            if (schema.sinceVersion() < 7 || !DataSpecs.allStatic(s) || s.inputs().size() != 2 || s.output(0).dtype() != DataType.BOOL) return null;
            DataType t = s.input(0).dtype();
            int kind = Num.kind(t);
            if (kind < 0 || s.input(1).dtype() != t) return null;
            int es = Num.size(kind);
            BroadcastKernel.Plan p = BroadcastKernel.plan(s.outputShape(0), new long[][] {s.inputShape(0), s.inputShape(1)}, new int[] {es, es}, 1);
            if (p == null) return DataSpecs.count(s.outputShape(0)) == 0 ? args -> {} : null;
            return new Compare(p, op, kind);
        };
    }

    static final class Compare extends BroadcastKernel {
        private final int op, kind;

        Compare(Plan p, int op, int kind) {
            super(p, 0, 1, -1, 2);
            this.op = op;
            this.kind = kind;
        }

        @Override void inner(MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs, MemorySegment c, long co, long cs, MemorySegment y, long yo, long n) {
            int op = this.op, kind = this.kind;
            if (kind == Num.F32) {
                for (long k = 0; k < n; k++) y.set(B, yo + k, testD(op, a.get(Num.F, ao + k * as), b.get(Num.F, bo + k * bs)));
            } else if (Num.isFloat(kind)) {
                for (long k = 0; k < n; k++) y.set(B, yo + k, testD(op, Num.readD(kind, a, ao + k * as), Num.readD(kind, b, bo + k * bs)));
            } else {
                for (long k = 0; k < n; k++) y.set(B, yo + k, test(op, Num.readL(kind, a, ao + k * as), Num.readL(kind, b, bo + k * bs)));
            }
        }

        private static byte testD(int op, double x, double z) {
            boolean r = switch (op) {
                case EQ -> x == z;
                case LT -> x < z;
                case GT -> x > z;
                case LE -> x <= z;
                default -> x >= z;
            };
            return (byte) (r ? 1 : 0);
        }

        private static byte test(int op, long x, long z) {
            boolean r = switch (op) {
                case EQ -> x == z;
                case LT -> x < z;
                case GT -> x > z;
                case LE -> x <= z;
                default -> x >= z;
            };
            return (byte) (r ? 1 : 0);
        }
    }

    // ---------------------------------------------------------------- And, Or, Xor, Not

    static KernelCompiler logical(int op) {
        return (s, schema) -> {
            if (schema.sinceVersion() < 7 || !DataSpecs.allStatic(s) || s.inputs().size() != 2) return null;
            if (s.input(0).dtype() != DataType.BOOL || s.input(1).dtype() != DataType.BOOL || s.output(0).dtype() != DataType.BOOL) return null;
            BroadcastKernel.Plan p = BroadcastKernel.plan(s.outputShape(0), new long[][] {s.inputShape(0), s.inputShape(1)}, new int[] {1, 1}, 1);
            if (p == null) return DataSpecs.count(s.outputShape(0)) == 0 ? args -> {} : null;
            return new Logical(p, op);
        };
    }

    static final class Logical extends BroadcastKernel {
        private final int op;

        Logical(Plan p, int op) {
            super(p, 0, 1, -1, 2);
            this.op = op;
        }

        @Override void inner(MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs, MemorySegment c, long co, long cs, MemorySegment y, long yo, long n) {
            for (long k = 0; k < n; k++) {
                boolean x = a.get(B, ao + k * as) != 0, z = b.get(B, bo + k * bs) != 0;
                boolean r = switch (op) {
                    case AND -> x && z;
                    case OR -> x || z;
                    default -> x ^ z;
                };
                y.set(B, yo + k, (byte) (r ? 1 : 0));
            }
        }
    }

    static CompiledKernel not(NodeSpec s, OpSchema schema) {
        if (!DataSpecs.allStatic(s) || s.input(0).dtype() != DataType.BOOL || s.output(0).dtype() != DataType.BOOL) return null;
        long n = DataSpecs.count(s.outputShape(0));
        return args -> {
            MemorySegment x = args[0], y = args[1];
            for (long k = 0; k < n; k++) y.set(B, k, (byte) (x.get(B, k) != 0 ? 0 : 1));
        };
    }
}
