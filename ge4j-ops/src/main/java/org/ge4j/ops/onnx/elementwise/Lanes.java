package org.ge4j.ops.onnx.elementwise;

import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.KernelContext;

/**
 * The binary broadcasting driver: evaluates a two-operand function over the broadcast of two tensors,
 * in long lanes (integers exact with C-like wrap-around, bool as 0/1) or double lanes (floats, rounded to
 * the output type once at the end).
 */
final class Lanes {
    private Lanes() {}

    /** The math of a binary op on double lanes, bound to a node (its attributes). */
    @FunctionalInterface
    interface RealFn {
        DoubleBinaryOperator bind(KernelContext ctx);
    }

    /** The math of a binary op on long lanes, bound to a node and the element type (for uint64). */
    @FunctionalInterface
    interface IntFn {
        LongBinaryOperator bind(KernelContext ctx, DataType type);
    }

    static RealFn real(DoubleBinaryOperator f) { return ctx -> f; }

    static IntFn integer(LongBinaryOperator f) { return (ctx, t) -> f; }

    /** Integer math that differs for uint64 (whose values travel as their bits): {@code unsigned64} is used there. */
    static IntFn integer(LongBinaryOperator signed, LongBinaryOperator unsigned64) {
        return (ctx, t) -> t == DataType.UINT64 ? unsigned64 : signed;
    }

    /**
     * {@code f(a, b)} over the broadcast of {@code a} (input 0) and {@code b} (input 1) as a new tensor of type
     * {@code out}. Long lanes are used when both operands are integers or bool and {@code integer} is given.
     */
    static Tensor apply(KernelContext ctx, Tensor a, Tensor b, DataType out, RealFn real, IntFn integer) {
        long[] s = Broadcasting.shape(ctx, new Tensor[] {a, b}, new int[] {0, 1});
        try {
            if (integer != null && Broadcasting.isLongLane(a.dtype()) && Broadcasting.isLongLane(b.dtype())) {
                LongBinaryOperator f = integer.bind(ctx, a.dtype());
                long[] x = Broadcasting.longs(a, s), y = Broadcasting.longs(b, s);
                for (int i = 0; i < x.length; i++) x[i] = f.applyAsLong(x[i], y[i]);
                return Tensor.fromLongs(out, s, x);
            }
            if (real == null) throw ctx.fail("input 0 has type " + a.dtype().shortName() + ", which this op does not compute on");
            DoubleBinaryOperator f = real.bind(ctx);
            double[] x = Broadcasting.doubles(a, s), y = Broadcasting.doubles(b, s);
            for (int i = 0; i < x.length; i++) x[i] = f.applyAsDouble(x[i], y[i]);
            return Tensor.fromDoubles(out, s, x);
        } catch (ArithmeticException e) {
            throw ctx.fail("integer division by zero: input 1" + ctx.portName(1) + " holds a 0");
        }
    }
}
