package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.Sgemm.F;
import static org.ge4j.ops.vector.Sgemm.L;
import static org.ge4j.ops.vector.Sgemm.LE;
import static org.ge4j.ops.vector.Sgemm.S;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.KernelCompiler;
import org.ge4j.ops.exec.NodeSpec;

/**
 * Elementwise kernels: Add/Sub/Mul/Div with operands of the output's shape or broadcast in one of the forms
 * that cover real models — a scalar, a trailing row (a bias over the last dims) or a per-channel block
 * (one value per channel over a spatial block) — and the unary activations (Relu, LeakyRelu, Sigmoid, Tanh,
 * Erf, Exp, Gelu, Clip). Large tensors are cut into ranges run on the pool. Inputs and output may be the
 * same buffer (in-place ops): every element is read before it is written.
 */
final class Elementwise {
    private Elementwise() {}

    /** Elements below which an elementwise op stays on the calling thread. */
    static final long PARALLEL_MIN = 1 << 16;

    static final int ADD = 0, SUB = 1, MUL = 2, DIV = 3;

    // ---------------------------------------------------------------- compilers

    static KernelCompiler binary(int op) {
        return (s, schema) -> compileBinary(s, op);
    }

    private static CompiledKernel compileBinary(NodeSpec s, int op) {
        if (!Specs.allFloatStatic(s) || s.inputs().size() != 2) return null;
        long[] a = s.inputShape(0), b = s.inputShape(1), y = s.outputShape(0);
        if (!Specs.fitsInt(y)) return null;
        if (s.opset() < 7 && !Arrays.equals(a, b)) return null; // legacy broadcast (attribute + axis)
        long n = Specs.count(y);
        WorkerPool pool = WorkerPool.shared();
        if (Specs.count(a) == n && Specs.count(b) == n) return new Binary(op, 0, 1, false, 1, (int) n, 1, true, pool);
        boolean aBig = Specs.count(a) == n;
        if (!aBig && Specs.count(b) != n) return null; // both broadcast (an outer product): not covered
        long[] small = aBig ? b : a;
        int[] omi = blocks(small, y);
        if (omi == null) return null;
        return new Binary(op, aBig ? 0 : 1, aBig ? 1 : 0, !aBig, omi[0], omi[1], omi[2], false, pool);
    }

    /**
     * For a shape that broadcasts to y by varying only along one run of consecutive axes (equal to y's
     * there, 1 elsewhere): {outer, mid, inner} = the products of y's dims before, in and after that run.
     * Null for other broadcasts.
     */
    static int[] blocks(long[] small, long[] y) {
        if (small.length > y.length) return null;
        long[] s = new long[y.length];
        Arrays.fill(s, 1);
        System.arraycopy(small, 0, s, y.length - small.length, small.length);
        int k0 = -1, k1 = -1;
        for (int i = 0; i < y.length; i++) {
            if (s[i] == 1 && y[i] != 1) continue;
            if (s[i] != y[i]) return null;
            if (s[i] == 1) continue; // a dim of 1 in both: neutral
            if (k0 < 0) k0 = i;
            else if (k1 != i - 1) {
                // a gap of broadcast dims between varying dims: only neutral dims (y == 1) may lie between
                for (int j = k1 + 1; j < i; j++) if (y[j] != 1) return null;
            }
            k1 = i;
        }
        long outer = 1, mid = 1, inner = 1;
        for (int i = 0; i < y.length; i++) {
            if (k0 < 0 || i < k0) outer *= y[i];
            else if (i <= k1) mid *= y[i];
            else inner *= y[i];
        }
        if (k0 < 0) { // a scalar
            inner = outer;
            outer = 1;
        }
        return new int[] {(int) outer, (int) mid, (int) inner};
    }

    static KernelCompiler unary(Act act) {
        return (s, schema) -> Specs.allFloatStatic(s) && s.inputs().size() == 1 && Specs.fitsInt(s.outputShape(0))
                ? new Unary(act, Specs.count(s.outputShape(0)), WorkerPool.shared()) : null;
    }

    /** LeakyRelu (attribute alpha). */
    static CompiledKernel leakyRelu(NodeSpec s, OpSchema schema) {
        if (!Specs.allFloatStatic(s) || !Specs.fitsInt(s.outputShape(0))) return null;
        return new Unary(new Act(Act.LEAKY_RELU, s.attrs().getFloat("alpha", 0.01f), 0), Specs.count(s.outputShape(0)), WorkerPool.shared());
    }

    /** Gelu of ONNX (opset 20) and of the ge4j domain: attribute approximate = none | tanh. */
    static CompiledKernel gelu(NodeSpec s, OpSchema schema) {
        if (!Specs.allFloatStatic(s) || !Specs.fitsInt(s.outputShape(0))) return null;
        int kind = switch (s.attrs().getString("approximate", "none")) {
            case "none" -> Act.GELU;
            case "tanh" -> Act.GELU_TANH;
            default -> -1;
        };
        return kind < 0 ? null : new Unary(new Act(kind, 0, 0), Specs.count(s.outputShape(0)), WorkerPool.shared());
    }

    /** Clip: bounds from attributes (before opset 11) or from optional scalar inputs read at run time. */
    static CompiledKernel clip(NodeSpec s, OpSchema schema) {
        if (!Specs.allFloatStatic(s) || !Specs.fitsInt(s.outputShape(0))) return null;
        long n = Specs.count(s.outputShape(0));
        if (schema.sinceVersion() < 11) {
            float lo = s.attrs().getFloat("min", Float.NEGATIVE_INFINITY), hi = s.attrs().getFloat("max", Float.POSITIVE_INFINITY);
            return new Unary(new Act(Act.CLIP, lo, hi), n, WorkerPool.shared());
        }
        for (int i = 1; i < s.inputs().size(); i++) if (s.input(i) != null && Specs.count(s.inputShape(i)) != 1) return null;
        return new RuntimeClip(s.inputs().size(), n);
    }

    // ---------------------------------------------------------------- kernels

    /** y = big op small (or small op big when reversed), small indexed by the mid coordinate of [outer, mid, inner]. */
    static final class Binary implements CompiledKernel, WorkerPool.Job {
        private final int op, bigArg, smallArg;
        private final boolean reversed;
        private final int outer, mid, inner;
        private final int mode; // SAME, SCALAR (one small value), ROW (inner == 1), BLOCK
        private final long n;
        private final int units, chunks;
        private final WorkerPool pool;
        private static final int SAME = 0, SCALAR = 1, ROW = 2, BLOCK = 3;

        Binary(int op, int bigArg, int smallArg, boolean reversed, int outer, int mid, int inner, boolean same, WorkerPool pool) {
            this.op = op;
            this.bigArg = bigArg;
            this.smallArg = smallArg;
            this.reversed = reversed;
            this.outer = outer;
            this.mid = mid;
            this.inner = inner;
            this.pool = pool;
            n = (long) outer * mid * inner;
            mode = same ? SAME : mid == 1 ? SCALAR : inner == 1 ? ROW : BLOCK;
            // units: vector blocks (SAME, SCALAR), rows (ROW) or (outer, mid) blocks (BLOCK)
            units = mode <= SCALAR ? (int) ((n + L - 1) / L) : mode == ROW ? outer : outer * mid;
            chunks = n >= PARALLEL_MIN && pool.threads() > 1 ? Math.min(units, 2 * pool.threads()) : 1;
        }

        @Override public void run(MemorySegment[] args) {
            if (chunks > 1) pool.run(this, args, chunks);
            else range(args, 0, units);
        }

        @Override public void run(Object ctx, int chunk, int k) {
            long from = (long) units * chunk / k, to = (long) units * (chunk + 1) / k;
            range((MemorySegment[]) ctx, (int) from, (int) to);
        }

        private void range(MemorySegment[] args, int from, int to) {
            MemorySegment y = args[2];
            switch (mode) {
                case SAME -> sameShape(op, args[0], args[1], y, (long) from * L, Math.min(n, (long) to * L));
                case SCALAR -> {
                    long a = (long) from * L, b = Math.min(n, (long) to * L);
                    // a scalar op over a flat range: the block form with one block
                    if (b > a) scalar(op, reversed, args[bigArg], args[smallArg].get(F, 0), y, a * 4, (int) (b - a));
                }
                case ROW -> { for (int o = from; o < to; o++) row(op, reversed, args[bigArg], args[smallArg], y, (long) o * mid * 4, mid); }
                default -> {
                    for (int u = from; u < to; u++)
                        scalar(op, reversed, args[bigArg], args[smallArg].get(F, (u % mid) * 4L), y, (long) u * inner * 4, inner);
                }
            }
        }

        /** y[i] = a[i] op b[i], i in [from, to). */
        private static void sameShape(int op, MemorySegment a, MemorySegment b, MemorySegment y, long from, long to) {
            long i = from;
            for (; i + L <= to; i += L) {
                FloatVector l = FloatVector.fromMemorySegment(S, a, i * 4, LE), r = FloatVector.fromMemorySegment(S, b, i * 4, LE);
                FloatVector v = switch (op) { case ADD -> l.add(r); case SUB -> l.sub(r); case MUL -> l.mul(r); default -> l.div(r); };
                v.intoMemorySegment(y, i * 4, LE);
            }
            if (i < to) {
                VectorMask<Float> m = S.indexInRange(i, to);
                FloatVector l = FloatVector.fromMemorySegment(S, a, i * 4, LE, m), r = FloatVector.fromMemorySegment(S, b, i * 4, LE, m);
                FloatVector v = switch (op) { case ADD -> l.add(r); case SUB -> l.sub(r); case MUL -> l.mul(r); default -> l.div(r); };
                v.intoMemorySegment(y, i * 4, LE, m);
            }
        }

        /** y[off + j] = big[off + j] op small[j] for j in [0, n) (operands swapped when reversed). */
        private static void row(int op, boolean rev, MemorySegment big, MemorySegment small, MemorySegment y, long off, int n) {
            for (int j = 0; j < n; j += L) {
                VectorMask<Float> m = S.indexInRange(j, n);
                FloatVector p = FloatVector.fromMemorySegment(S, big, off + j * 4L, LE, m), q = FloatVector.fromMemorySegment(S, small, j * 4L, LE, m);
                FloatVector l = rev ? q : p, r = rev ? p : q;
                FloatVector v = switch (op) { case ADD -> l.add(r); case SUB -> l.sub(r); case MUL -> l.mul(r); default -> l.div(r); };
                v.intoMemorySegment(y, off + j * 4L, LE, m);
            }
        }

        /** y[off + j] = big[off + j] op s for j in [0, n) (s op big when reversed). */
        private static void scalar(int op, boolean rev, MemorySegment big, float s, MemorySegment y, long off, int n) {
            FloatVector q = FloatVector.broadcast(S, s);
            int j = 0;
            for (; j + L <= n; j += L) {
                FloatVector p = FloatVector.fromMemorySegment(S, big, off + j * 4L, LE);
                FloatVector l = rev ? q : p, r = rev ? p : q;
                FloatVector v = switch (op) { case ADD -> l.add(r); case SUB -> l.sub(r); case MUL -> l.mul(r); default -> l.div(r); };
                v.intoMemorySegment(y, off + j * 4L, LE);
            }
            if (j < n) {
                VectorMask<Float> m = S.indexInRange(j, n);
                FloatVector p = FloatVector.fromMemorySegment(S, big, off + j * 4L, LE, m);
                FloatVector l = rev ? q : p, r = rev ? p : q;
                FloatVector v = switch (op) { case ADD -> l.add(r); case SUB -> l.sub(r); case MUL -> l.mul(r); default -> l.div(r); };
                v.intoMemorySegment(y, off + j * 4L, LE, m);
            }
        }
    }

    /** y = act(x) over n elements, in ranges on the pool when large. */
    static final class Unary implements CompiledKernel, WorkerPool.Job {
        private final Act act;
        private final long n;
        private final int chunks;
        private final WorkerPool pool;

        Unary(Act act, long n, WorkerPool pool) {
            this.act = act;
            this.n = n;
            this.pool = pool;
            // transcendental activations cost ~10x an add: split them sooner
            long min = act.kind() <= Act.CLIP ? PARALLEL_MIN : PARALLEL_MIN / 8;
            chunks = n >= min && pool.threads() > 1 ? (int) Math.min(2L * pool.threads(), (n + L - 1) / L) : 1;
        }

        @Override public void run(MemorySegment[] args) {
            if (chunks > 1) pool.run(this, args, chunks);
            else act.apply(args[0], 0, args[1], 0, n);
        }

        @Override public void run(Object ctx, int chunk, int k) {
            MemorySegment[] args = (MemorySegment[]) ctx;
            long blocks = (n + L - 1) / L;
            long from = blocks * chunk / k * L, to = Math.min(n, blocks * (chunk + 1) / k * L);
            if (to > from) act.apply(args[0], from * 4, args[1], from * 4, to - from);
        }
    }

    /** Clip (opset 11+) with its bounds read from the optional inputs at run time. */
    static final class RuntimeClip implements CompiledKernel {
        private final int yArg;
        private final long n;

        RuntimeClip(int inputs, long n) {
            this.yArg = inputs;
            this.n = n;
        }

        @Override public void run(MemorySegment[] args) {
            float lo = bound(args, 1, Float.NEGATIVE_INFINITY), hi = bound(args, 2, Float.POSITIVE_INFINITY);
            Act.clip(args[0], 0, args[yArg], 0, n, lo, hi);
        }

        private float bound(MemorySegment[] args, int i, float dflt) {
            if (i >= yArg || args[i] == null || args[i] == MemorySegment.NULL) return dflt;
            return args[i].get(F, 0);
        }
    }
}
