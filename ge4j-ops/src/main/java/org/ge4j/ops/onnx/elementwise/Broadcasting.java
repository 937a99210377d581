package org.ge4j.ops.onnx.elementwise;

import java.util.Arrays;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpException;
import org.ge4j.ops.util.Axes;
import org.ge4j.ops.util.Broadcast;

/**
 * Broadcasting for elementwise ops, at compile time (symbolic shapes) and at run time (static shapes):
 * numpy-style multidirectional broadcasting, and the unidirectional legacy form of opsets 1-6 where
 * {@code broadcast=1} lets B stand for a contiguous run of A's dims starting at {@code axis}.
 */
final class Broadcasting {
    private Broadcasting() {}

    /** The broadcast of the present inputs among {@code ports}; fails naming the port and shapes that clash. */
    static Shape infer(InferenceContext ctx, int... ports) {
        Shape acc = null;
        int first = -1;
        for (int p : ports) {
            if (!ctx.hasInput(p)) continue;
            Shape s = ctx.inputShape(p);
            if (acc == null) {
                acc = s;
                first = p;
                continue;
            }
            Shape r = Broadcast.shape(acc, s);
            if (r == null) throw ctx.fail(clash(first, ctx.portName(first), p, ctx.portName(p), acc.toString(), s.toString()));
            acc = r;
        }
        return acc == null ? Shape.UNKNOWN_RANK : acc;
    }

    /** Static counterpart of {@link #infer(InferenceContext, int...)} over the node's present inputs. */
    static long[] shape(KernelContext ctx, int... ports) {
        Tensor[] ts = new Tensor[ports.length];
        for (int i = 0; i < ports.length; i++) ts[i] = ctx.input(ports[i]);
        return shape(ctx, ts, ports);
    }

    /** The broadcast of tensors {@code ts} (nulls skipped) standing for input {@code ports}; fails naming the clash. */
    static long[] shape(KernelContext ctx, Tensor[] ts, int[] ports) {
        long[] acc = null;
        int first = -1;
        for (int i = 0; i < ts.length; i++) {
            Tensor t = ts[i];
            if (t == null) continue;
            int p = ports[i];
            if (acc == null) {
                acc = t.shape();
                first = p;
                continue;
            }
            try {
                acc = Broadcast.shape(acc, t.shape());
            } catch (IllegalArgumentException e) {
                throw ctx.fail(clash(first, ctx.portName(first), p, ctx.portName(p), Shape.toString(acc), Shape.toString(t.shape())));
            }
        }
        return acc == null ? new long[0] : acc;
    }

    private static String clash(int a, String aName, int b, String bName, String aShape, String bShape) {
        String left = a == 0 && b == 1 ? "input 0" + aName + " of shape " + aShape
                : "the broadcast of inputs " + a + ".." + (b - 1) + ", shape " + aShape;
        return "shapes cannot be broadcast: " + left + " and input " + b + bName + " of shape " + bShape;
    }

    // ---------------------------------------------------------------- legacy (opset < 7) broadcasting

    /**
     * The shape of a legacy binary op's output (A's shape), checking that B fits: with {@code broadcast=0}
     * B must have A's shape; with {@code broadcast=1} B's dims must match A's from {@code axis} on
     * (default: A's trailing dims), each equal or 1.
     */
    static Shape inferLegacy(InferenceContext ctx) {
        Shape a = ctx.inputShape(0), b = ctx.inputShape(1);
        if (!a.hasRank() || !b.hasRank()) return a;
        boolean bcast = ctx.attrs().getInt("broadcast", 0) != 0;
        if (!bcast) {
            boolean differ = a.rank() != b.rank();
            for (int i = 0; !differ && i < a.rank(); i++) differ = a.dim(i).isStatic() && b.dim(i).isStatic() && !a.dim(i).equals(b.dim(i));
            if (differ) throw ctx.fail("input 1 ('" + ctx.schema().inputs().get(1).name() + "') of shape " + b + " must have input 0's shape " + a
                    + " when broadcast=0 (set broadcast=1 to broadcast)");
            return a;
        }
        int start = legacyStart(ctx.attrs(), a.rank(), b.rank(), a.toString(), b.toString(), ctx::fail);
        for (int i = 0; i < b.rank(); i++) {
            Dim da = a.dim(start + i), db = b.dim(i);
            if (da.isStatic() && db.isStatic() && !da.equals(db) && db.valueOr(-1) != 1)
                throw ctx.fail("input 1 of shape " + b + " cannot be broadcast to input 0's shape " + a + " at axis " + start
                        + " (dim " + i + ": " + db + " vs " + da + ")");
        }
        return a;
    }

    /** B reshaped (as a view) to A's rank for a legacy op, so that multidirectional broadcasting gives A's shape. */
    static Tensor alignLegacy(KernelContext ctx, Tensor a, Tensor b) {
        if (ctx.attrs().getInt("broadcast", 0) == 0) {
            if (!Arrays.equals(a.shape(), b.shape()))
                throw ctx.fail("input 1 of shape " + Shape.toString(b.shape()) + " must have input 0's shape " + Shape.toString(a.shape())
                        + " when broadcast=0");
            return b;
        }
        int start = legacyStart(ctx.attrs(), a.rank(), b.rank(), Shape.toString(a.shape()), Shape.toString(b.shape()), ctx::fail);
        long[] s = new long[a.rank()];
        Arrays.fill(s, 1);
        for (int i = 0; i < b.rank(); i++) {
            long db = b.dim(i);
            if (db != 1 && db != a.dim(start + i))
                throw ctx.fail("input 1 of shape " + Shape.toString(b.shape()) + " cannot be broadcast to input 0's shape "
                        + Shape.toString(a.shape()) + " at axis " + start);
            s[start + i] = db;
        }
        return b.reshape(s);
    }

    private static int legacyStart(Attrs attrs, int rankA, int rankB, String a, String b, java.util.function.Function<String, OpException> fail) {
        if (rankB > rankA) throw fail.apply("input 1 of shape " + b + " has a higher rank than input 0's shape " + a + " (legacy broadcasting is from B to A)");
        if (!attrs.isSet("axis")) return rankA - rankB;
        long axis = attrs.getInt("axis");
        int start;
        try {
            start = rankA == 0 ? 0 : Axes.normalize(axis, rankA);
        } catch (IllegalArgumentException e) {
            throw fail.apply("attribute 'axis' " + axis + " is out of range for input 0's shape " + a);
        }
        if (start + rankB > rankA)
            throw fail.apply("input 1 of shape " + b + " does not fit into input 0's shape " + a + " from axis " + axis);
        return start;
    }

    // ---------------------------------------------------------------- values broadcast to a shape

    /** {@code t}'s values as doubles, broadcast to {@code shape}. */
    static double[] doubles(Tensor t, long[] shape) {
        double[] v = t.toDoubleArray();
        if (Arrays.equals(t.shape(), shape)) return v;
        int[] map = Broadcast.indexMap(t.shape(), shape);
        double[] r = new double[map.length];
        for (int i = 0; i < r.length; i++) r[i] = v[map[i]];
        return r;
    }

    /** {@code t}'s values as longs (integers exact, uint64 as its bits, bool as 0/1), broadcast to {@code shape}. */
    static long[] longs(Tensor t, long[] shape) {
        long[] v = t.toLongArray();
        if (Arrays.equals(t.shape(), shape)) return v;
        int[] map = Broadcast.indexMap(t.shape(), shape);
        long[] r = new long[map.length];
        for (int i = 0; i < r.length; i++) r[i] = v[map[i]];
        return r;
    }

    /** Whether a type travels in long lanes (integers and bool) rather than double lanes. */
    static boolean isLongLane(org.ge4j.ir.DataType t) { return t.isInteger() || t == org.ge4j.ir.DataType.BOOL; }
}
