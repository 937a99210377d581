package org.ge4j.ops.onnx.elementwise;

import static org.ge4j.ops.onnx.elementwise.Types.*;
import static org.ge4j.ops.onnx.elementwise.Version.CONSUMED;
import static org.ge4j.ops.onnx.elementwise.Version.v;

import java.util.function.DoubleUnaryOperator;
import java.util.function.LongUnaryOperator;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.Kernel;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * The unary elementwise ops: math functions, activations, predicates (IsNaN, IsInf), Not and BitwiseNot.
 * Each is a table entry: schema versions, a double function for float lanes and, where exactness matters,
 * a long function for integer and bool lanes (otherwise integers go through double and are truncated).
 */
public final class UnaryOps {
    private UnaryOps() {}

    /** The math of an op on double lanes, given the node's attributes. */
    @FunctionalInterface
    interface RealFn {
        DoubleUnaryOperator bind(Attrs attrs);
    }

    /** The math of an op on long lanes, given the node's attributes and the element type. */
    @FunctionalInterface
    interface IntFn {
        LongUnaryOperator bind(Attrs attrs, DataType type);
    }

    private static RealFn real(DoubleUnaryOperator f) { return a -> f; }

    private static IntFn integer(LongUnaryOperator f) { return (a, t) -> f; }

    public static void register(OpRegistry r) {
        // arithmetic and rounding
        define(r, "Abs", "X", "Y", "|x|", null, real(Math::abs),
                (a, t) -> t.isUnsignedInteger() ? x -> x : Math::abs, v(1, F3, CONSUMED), v(6, NUM), v(13, NUM_BF));
        define(r, "Neg", "X", "Y", "-x", null, real(x -> -x), integer(x -> -x), v(1, F3, CONSUMED), v(6, SIGNED), v(13, SIGNED_BF));
        define(r, "Sign", "input", "output", "-1, 0 or 1 by the sign of x (NaN stays NaN)", null, real(Math::signum),
                (a, t) -> t == DataType.UINT64 ? x -> x == 0 ? 0 : 1 : Long::signum, v(9, NUM), v(13, NUM_BF));
        define(r, "Reciprocal", "X", "Y", "1/x", null, real(x -> 1 / x), null, v(1, F3, CONSUMED), v(6, F3), v(13, F4));
        define(r, "Sqrt", "X", "Y", "sqrt(x)", null, real(Math::sqrt), null, v(1, F3, CONSUMED), v(6, F3), v(13, F4));
        define(r, "Ceil", "X", "Y", "the smallest integer >= x", null, real(Math::ceil), null, v(1, F3, CONSUMED), v(6, F3), v(13, F4));
        define(r, "Floor", "X", "Y", "the largest integer <= x", null, real(Math::floor), null, v(1, F3, CONSUMED), v(6, F3), v(13, F4));
        define(r, "Round", "X", "Y", "x rounded to the nearest integer, halves to even", null, real(Math::rint), null, v(11, F3));
        // exponentials and logarithms
        define(r, "Exp", "input", "output", "e^x", null, real(Math::exp), null, v(1, F3, CONSUMED), v(6, F3), v(13, F4));
        define(r, "Log", "input", "output", "ln(x)", null, real(Math::log), null, v(1, F3, CONSUMED), v(6, F3), v(13, F4));
        define(r, "Erf", "input", "output", "the error function", null, real(MathFns::erf), null, v(9, NUM), v(13, NUM_BF));
        // trigonometric and hyperbolic
        define(r, "Sin", "input", "output", "sin(x)", null, real(Math::sin), null, v(7, F3));
        define(r, "Cos", "input", "output", "cos(x)", null, real(Math::cos), null, v(7, F3));
        define(r, "Tan", "input", "output", "tan(x)", null, real(Math::tan), null, v(7, F3));
        define(r, "Asin", "input", "output", "arcsin(x)", null, real(Math::asin), null, v(7, F3));
        define(r, "Acos", "input", "output", "arccos(x)", null, real(Math::acos), null, v(7, F3));
        define(r, "Atan", "input", "output", "arctan(x)", null, real(Math::atan), null, v(7, F3));
        define(r, "Sinh", "input", "output", "sinh(x)", null, real(Math::sinh), null, v(9, F3));
        define(r, "Cosh", "input", "output", "cosh(x)", null, real(Math::cosh), null, v(9, F3));
        define(r, "Asinh", "input", "output", "arsinh(x)", null, real(MathFns::asinh), null, v(9, F3));
        define(r, "Acosh", "input", "output", "arcosh(x)", null, real(MathFns::acosh), null, v(9, F3));
        define(r, "Atanh", "input", "output", "artanh(x)", null, real(MathFns::atanh), null, v(9, F3));
        define(r, "Tanh", "input", "output", "tanh(x)", null, real(Math::tanh), null, v(1, F3, CONSUMED), v(6, F3), v(13, F4));
        // activations
        define(r, "Relu", "X", "Y", "max(x, 0)", null, real(x -> Math.max(x, 0)), integer(x -> Math.max(x, 0)),
                v(1, F3, CONSUMED), v(6, F3), v(13, F4), v(14, SIGNED_BF));
        define(r, "Sigmoid", "X", "Y", "1 / (1 + e^-x)", null, real(MathFns::sigmoid), null, v(1, F3, CONSUMED), v(6, F3), v(13, F4));
        define(r, "Softplus", "X", "Y", "ln(1 + e^x)", null, real(MathFns::softplus), null, v(1, F3));
        define(r, "Softsign", "input", "output", "x / (1 + |x|)", null, real(x -> x / (1 + Math.abs(x))), null, v(1, F3));
        define(r, "Mish", "X", "Y", "x * tanh(softplus(x))", null, real(x -> x * Math.tanh(MathFns.softplus(x))), null, v(18, F3));
        define(r, "HardSwish", "X", "Y", "x * max(0, min(1, x/6 + 1/2))", null,
                real(x -> x * Math.max(0, Math.min(1, x / 6 + 0.5))), null, v(14, F3));
        RealFn hardSigmoid = a -> {
            double alpha = a.getFloat("alpha"), beta = a.getFloat("beta");
            return x -> Math.max(0, Math.min(1, alpha * x + beta));
        };
        define(r, "HardSigmoid", "X", "Y", "max(0, min(1, alpha*x + beta))", null, hardSigmoid, null,
                v(1, F3, b -> CONSUMED.apply(b.attr("alpha", 0.2f).attr("beta", 0.5f))), v(6, F3, b -> b.attr("alpha", 0.2f).attr("beta", 0.5f)));
        RealFn elu = a -> {
            double alpha = a.getFloat("alpha");
            return x -> x >= 0 ? x : alpha * Math.expm1(x);
        };
        define(r, "Elu", "X", "Y", "x if x >= 0 else alpha*(e^x - 1)", null, elu, null,
                v(1, F3, b -> CONSUMED.apply(b.attr("alpha", 1.0f))), v(6, F3, b -> b.attr("alpha", 1.0f)));
        RealFn celu = a -> {
            double alpha = a.getFloat("alpha");
            return x -> Math.max(0, x) + Math.min(0, alpha * Math.expm1(x / alpha));
        };
        define(r, "Celu", "X", "Y", "max(0, x) + min(0, alpha*(e^(x/alpha) - 1))", null, celu, null,
                v(12, java.util.Set.of(DataType.FLOAT), b -> b.attr("alpha", 1.0f)));
        RealFn leaky = a -> {
            double alpha = a.getFloat("alpha");
            return x -> x >= 0 ? x : alpha * x;
        };
        define(r, "LeakyRelu", "X", "Y", "x if x >= 0 else alpha*x", null, leaky, null,
                v(1, F3, b -> CONSUMED.apply(b.attr("alpha", 0.01f))), v(6, F3, b -> b.attr("alpha", 0.01f)), v(16, F4, b -> b.attr("alpha", 0.01f)));
        RealFn selu = a -> {
            double alpha = a.getFloat("alpha"), gamma = a.getFloat("gamma");
            return x -> x > 0 ? gamma * x : gamma * alpha * Math.expm1(x);
        };
        define(r, "Selu", "X", "Y", "gamma*x if x > 0 else gamma*alpha*(e^x - 1)", null, selu, null,
                v(1, F3, b -> CONSUMED.apply(b.attr("alpha", 1.6732f).attr("gamma", 1.0507f))),
                v(6, F3, b -> b.attr("alpha", 1.67326319217681884765625f).attr("gamma", 1.05070102214813232421875f)));
        RealFn thresholded = a -> {
            double alpha = a.getFloat("alpha");
            return x -> x > alpha ? x : 0;
        };
        define(r, "ThresholdedRelu", "X", "Y", "x if x > alpha else 0", null, thresholded, null, v(10, F3, b -> b.attr("alpha", 1.0f)));
        RealFn shrink = a -> {
            double bias = a.getFloat("bias"), lambd = a.getFloat("lambd");
            return x -> x < -lambd ? x + bias : x > lambd ? x - bias : 0;
        };
        define(r, "Shrink", "input", "output", "x + bias if x < -lambd, x - bias if x > lambd, else 0", null, shrink, null,
                v(9, NUM, b -> b.attr("bias", 0.0f).attr("lambd", 0.5f)));
        RealFn gelu = a -> {
            String approx = a.getString("approximate");
            if (approx.equals("tanh")) {
                double k = Math.sqrt(2 / Math.PI);
                return x -> 0.5 * x * (1 + Math.tanh(k * (x + 0.044715 * x * x * x)));
            }
            if (!approx.equals("none")) throw new OpException(a.node(), "attribute 'approximate' must be \"none\" or \"tanh\", got \"" + approx + "\"");
            double r2 = Math.sqrt(0.5);
            return x -> 0.5 * x * (1 + MathFns.erf(x * r2));
        };
        define(r, "Gelu", "X", "Y", "x * Phi(x) (approximate=\"tanh\": the tanh form)", null, gelu, null,
                v(20, F4, b -> b.attr("approximate", "none")));
        // predicates and logic
        RealFn isInf = a -> {
            boolean neg = a.getInt("detect_negative") != 0, pos = a.getInt("detect_positive") != 0;
            return x -> x == Double.POSITIVE_INFINITY && pos || x == Double.NEGATIVE_INFINITY && neg ? 1 : 0;
        };
        define(r, "IsInf", "X", "Y", "whether x is infinite (of the signs selected)", DataType.BOOL, isInf, null,
                v(10, FLOAT_DOUBLE, b -> b.attr("detect_negative", 1L).attr("detect_positive", 1L)));
        define(r, "IsNaN", "X", "Y", "whether x is NaN", DataType.BOOL, real(x -> Double.isNaN(x) ? 1 : 0), null, v(9, F3), v(13, F4));
        define(r, "Not", "X", "Y", "logical not", null, null, integer(x -> x ^ 1), v(1, BOOL_ONLY));
        define(r, "BitwiseNot", "X", "Y", "bitwise not", null, null, integer(x -> ~x), v(18, INTS));
    }

    /**
     * Registers every version of a unary op and its reference kernel.
     *
     * @param out the fixed output type (IsNaN, IsInf: bool), or null for the input's type
     * @param integer long-lane math for integers and bool, or null to compute integers in double
     */
    static void define(OpRegistry r, String op, String in, String outName, String doc, DataType out, RealFn real, IntFn integer, Version... versions) {
        for (Version v : versions) {
            OpSchema.Builder b = OpSchema.onnx(op, v.since()).doc(op + ": y = " + doc + ", elementwise.");
            if (out == null) b.input(in, "T").output(outName, "T").types("T", v.types()).traits(Trait.ELEMENTWISE, Trait.PURE, Trait.IN_PLACE);
            else b.input(in, "T1").output(outName, "T2").types("T1", v.types()).types("T2", out).traits(Trait.ELEMENTWISE, Trait.PURE);
            r.register(v.extra().apply(b).inference(out == null ? Infer.sameAsInput() : Infer.shapeOfInput(out)).build());
        }
        r.registerReference(op, kernel(out, real, integer));
    }

    private static Kernel kernel(DataType fixedOut, RealFn real, IntFn integer) {
        return ctx -> {
            Tensor x = ctx.requireInput(0);
            DataType out = fixedOut != null ? fixedOut : x.dtype();
            long[] shape = x.shape();
            if (integer != null && Broadcasting.isLongLane(x.dtype())) {
                LongUnaryOperator f = integer.bind(ctx.attrs(), x.dtype());
                long[] v = x.toLongArray();
                for (int i = 0; i < v.length; i++) v[i] = f.applyAsLong(v[i]);
                ctx.setOutput(0, Tensor.fromLongs(out, shape, v));
            } else {
                if (real == null) throw ctx.fail("input 0 has type " + x.dtype().shortName() + ", which this op does not compute on");
                DoubleUnaryOperator f = real.bind(ctx.attrs());
                double[] v = x.toDoubleArray();
                for (int i = 0; i < v.length; i++) v[i] = f.applyAsDouble(v[i]);
                ctx.setOutput(0, Tensor.fromDoubles(out, shape, v));
            }
        };
    }
}
