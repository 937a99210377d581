package org.ge4j.ops.onnx.elementwise;

import static org.ge4j.ops.onnx.elementwise.Lanes.integer;
import static org.ge4j.ops.onnx.elementwise.Lanes.real;
import static org.ge4j.ops.onnx.elementwise.Types.*;
import static org.ge4j.ops.onnx.elementwise.Version.LEGACY_BROADCAST;
import static org.ge4j.ops.onnx.elementwise.Version.LEGACY_BROADCAST_CONSUMED;
import static org.ge4j.ops.onnx.elementwise.Version.v;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleBinaryOperator;
import java.util.function.IntPredicate;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.ShapeInference;
import org.ge4j.ops.Trait;
import org.ge4j.ops.util.Broadcast;

/**
 * The binary elementwise ops with numpy broadcasting: arithmetic, comparisons, logic, bitwise ops, BitShift,
 * Mod, Pow and PRelu. Opsets before 7 broadcast unidirectionally under the {@code broadcast}/{@code axis}
 * attributes.
 */
public final class BinaryOps {
    private BinaryOps() {}

    public static void register(OpRegistry r) {
        // arithmetic
        Version[] arith = {v(1, F3, LEGACY_BROADCAST_CONSUMED), v(6, WIDE, LEGACY_BROADCAST), v(7, WIDE), v(13, WIDE_BF), v(14, NUM_BF)};
        op("Add", "a + b").traits(Trait.COMMUTATIVE).math(real(Double::sum), integer(Long::sum)).versions(arith).register(r);
        op("Sub", "a - b").math(real((x, y) -> x - y), integer((x, y) -> x - y)).versions(arith).register(r);
        op("Mul", "a * b").traits(Trait.COMMUTATIVE).math(real((x, y) -> x * y), integer((x, y) -> x * y)).versions(arith).register(r);
        op("Div", "a / b (integers truncate toward zero)").math(real((x, y) -> x / y), integer((x, y) -> x / y, Long::divideUnsigned))
                .versions(arith).register(r);
        op("Mod", "a mod b: fmod=0 takes the divisor's sign (integers only), fmod=1 the dividend's (C fmod)")
                .math(ctx -> {
                    if (ctx.attrs().getInt("fmod") == 0) throw ctx.fail("attribute fmod=0 is only defined for integers; floating-point inputs need fmod=1");
                    return (x, y) -> x % y;
                }, (ctx, t) -> t == DataType.UINT64 ? Long::remainderUnsigned : ctx.attrs().getInt("fmod") != 0 ? (x, y) -> x % y : Math::floorMod)
                .check(ctx -> {
                    DataType t = ctx.inputType(0);
                    if (t.isFloatingPoint() && ctx.attrs().getInt("fmod") == 0)
                        throw ctx.fail("attribute fmod=0 is only defined for integers; input 0 ('A') is " + t.shortName() + ", which needs fmod=1");
                })
                .versions(v(10, NUM, b -> b.attr("fmod", 0L)), v(13, NUM_BF, b -> b.attr("fmod", 0L))).register(r);
        // comparisons
        compare("Equal", "a == b", (x, y) -> x == y, c -> c == 0, true, v(1, EQUAL7, LEGACY_BROADCAST), v(7, EQUAL7), v(11, EQUAL11), v(13, EQUAL13)).register(r);
        compare("Greater", "a > b", (x, y) -> x > y, c -> c > 0, false, v(1, F3, LEGACY_BROADCAST), v(7, F3), v(9, NUM), v(13, NUM_BF)).register(r);
        compare("Less", "a < b", (x, y) -> x < y, c -> c < 0, false, v(1, F3, LEGACY_BROADCAST), v(7, F3), v(9, NUM), v(13, NUM_BF)).register(r);
        compare("GreaterOrEqual", "a >= b", (x, y) -> x >= y, c -> c >= 0, false, v(12, NUM), v(16, NUM_BF)).register(r);
        compare("LessOrEqual", "a <= b", (x, y) -> x <= y, c -> c <= 0, false, v(12, NUM), v(16, NUM_BF)).register(r);
        // logic on bool
        Version[] logic = {v(1, BOOL_ONLY, LEGACY_BROADCAST), v(7, BOOL_ONLY)};
        op("And", "a and b").output(DataType.BOOL, true).traits(Trait.COMMUTATIVE, Trait.ASSOCIATIVE).math(null, integer((x, y) -> x & y)).versions(logic).register(r);
        op("Or", "a or b").output(DataType.BOOL, true).traits(Trait.COMMUTATIVE, Trait.ASSOCIATIVE).math(null, integer((x, y) -> x | y)).versions(logic).register(r);
        op("Xor", "a xor b").output(DataType.BOOL, true).traits(Trait.COMMUTATIVE, Trait.ASSOCIATIVE).math(null, integer((x, y) -> x ^ y)).versions(logic).register(r);
        // bitwise on integers
        op("BitwiseAnd", "a & b").traits(Trait.COMMUTATIVE, Trait.ASSOCIATIVE).math(null, integer((x, y) -> x & y)).versions(v(18, INTS)).register(r);
        op("BitwiseOr", "a | b").traits(Trait.COMMUTATIVE, Trait.ASSOCIATIVE).math(null, integer((x, y) -> x | y)).versions(v(18, INTS)).register(r);
        op("BitwiseXor", "a ^ b").traits(Trait.COMMUTATIVE, Trait.ASSOCIATIVE).math(null, integer((x, y) -> x ^ y)).versions(v(18, INTS)).register(r);
        op("BitShift", "x shifted by y bits in the given direction (shifts of the type's width or more give 0)")
                .names("X", "Y", "Z")
                .math(null, (ctx, t) -> {
                    int bits = t.bits();
                    String d = ctx.attrs().getString("direction");
                    if (badDirection(d) != null) throw ctx.fail(badDirection(d));
                    return d.equals("LEFT") ? (x, y) -> y < 0 || y >= bits ? 0 : x << y : (x, y) -> y < 0 || y >= bits ? 0 : x >>> y;
                })
                .check(ctx -> {
                    String bad = badDirection(ctx.attrs().getString("direction"));
                    if (bad != null) throw ctx.fail(bad);
                })
                .versions(v(11, UINTS, b -> b.requiredAttr("direction", AttrType.STRING))).register(r);
        PowOp.register(r);
        PReluOp.register(r);
    }

    /** The complaint about a BitShift direction, or null when it is LEFT or RIGHT. */
    private static String badDirection(String d) {
        return d.equals("LEFT") || d.equals("RIGHT") ? null : "attribute 'direction' must be \"LEFT\" or \"RIGHT\", got \"" + d + "\"";
    }

    private static Builder compare(String name, String doc, DoubleComparison real, IntPredicate onCompare, boolean commutative, Version... versions) {
        Builder b = op(name, doc).output(DataType.BOOL, false).versions(versions);
        if (commutative) b.traits(Trait.COMMUTATIVE);
        return b.math(real(((DoubleBinaryOperator) (x, y) -> real.test(x, y) ? 1 : 0)),
                Lanes.integer((x, y) -> onCompare.test(Long.compare(x, y)) ? 1 : 0, (x, y) -> onCompare.test(Long.compareUnsigned(x, y)) ? 1 : 0));
    }

    /** A comparison of doubles (false whenever NaN is involved, as IEEE has it). */
    @FunctionalInterface
    private interface DoubleComparison {
        boolean test(double x, double y);
    }

    private static Builder op(String name, String doc) { return new Builder(name, doc); }

    /** Collects one binary op's facts and registers its schemas and kernel. */
    private static final class Builder {
        private final String name;
        private final String doc;
        private String a = "A", b = "B", c = "C";
        private DataType out;
        private boolean outMayAliasInput = true;
        private final Set<Trait> traits = EnumSet.of(Trait.ELEMENTWISE, Trait.PURE);
        private Lanes.RealFn real;
        private Lanes.IntFn integer;
        private final List<ShapeInference> checks = new ArrayList<>();
        private Version[] versions;

        Builder(String name, String doc) {
            this.name = name;
            this.doc = doc;
        }

        Builder names(String in0, String in1, String output) {
            a = in0;
            b = in1;
            c = output;
            return this;
        }

        /** A fixed output type; {@code inPlace} when it is also the input type (logic ops on bool). */
        Builder output(DataType t, boolean inPlace) {
            out = t;
            outMayAliasInput = inPlace;
            return this;
        }

        Builder traits(Trait... ts) {
            traits.addAll(List.of(ts));
            return this;
        }

        Builder math(Lanes.RealFn r, Lanes.IntFn i) {
            real = r;
            integer = i;
            return this;
        }

        Builder check(ShapeInference c) {
            checks.add(c);
            return this;
        }

        Builder versions(Version... vs) {
            versions = vs;
            return this;
        }

        void register(OpRegistry r) {
            if (outMayAliasInput) traits.add(Trait.IN_PLACE);
            ShapeInference base = Infer.broadcast(out);
            ShapeInference inference = ctx -> {
                for (ShapeInference chk : checks) chk.infer(ctx);
                base.infer(ctx);
            };
            for (Version v : versions) {
                OpSchema.Builder s = OpSchema.onnx(name, v.since()).doc(name + ": " + doc + ", elementwise with numpy broadcasting.")
                        .input(a, "T").input(b, "T").output(c, out == null ? "T" : "T1").types("T", v.types())
                        .traits(traits.toArray(Trait[]::new)).inference(inference);
                if (out != null) s.types("T1", out);
                r.register(v.extra().apply(s).build());
            }
            DataType fixed = out;
            Lanes.RealFn re = real;
            Lanes.IntFn in = integer;
            r.registerReference(name, ctx -> {
                Tensor x = ctx.requireInput(0), y = ctx.requireInput(1);
                if (Version.isLegacyBroadcast(ctx.schema())) y = Broadcasting.alignLegacy(ctx, x, y);
                ctx.setOutput(0, Lanes.apply(ctx, x, y, fixed != null ? fixed : x.dtype(), re, in));
            });
        }
    }

    /** Pow: base T, exponent T1 (from opset 12 the two may differ); integer powers are exact. */
    private static final class PowOp {
        static void register(OpRegistry r) {
            Object[][] versions = {{1, F3, F3}, {7, F3, F3}, {12, POW_BASE, NUM}, {13, POW_BASE_BF, NUM}, {15, POW_BASE_BF, NUM_BF}};
            for (Object[] v : versions) {
                int since = (Integer) v[0];
                @SuppressWarnings("unchecked") Set<DataType> base = (Set<DataType>) v[1];
                @SuppressWarnings("unchecked") Set<DataType> exp = (Set<DataType>) v[2];
                String expVar = since >= 12 ? "T1" : "T";
                OpSchema.Builder s = OpSchema.onnx("Pow", since).doc("Pow: z = x^y, elementwise with numpy broadcasting.")
                        .input("X", "T").input("Y", expVar).output("Z", "T").types("T", base)
                        .traits(Trait.ELEMENTWISE, Trait.PURE, Trait.IN_PLACE).inference(Infer.broadcast(null));
                if (since >= 12) s.types("T1", exp);
                if (since == 1) LEGACY_BROADCAST.apply(s);
                r.register(s.build());
            }
            r.registerReference("Pow", ctx -> {
                Tensor x = ctx.requireInput(0), y = ctx.requireInput(1);
                if (Version.isLegacyBroadcast(ctx.schema())) y = Broadcasting.alignLegacy(ctx, x, y);
                ctx.setOutput(0, Lanes.apply(ctx, x, y, x.dtype(), real(Math::pow), integer(MathFns::ipow)));
            });
        }
    }

    /** PRelu: y = x if x >= 0 else slope*x; slope broadcasts to X (unidirectionally; per channel before opset 7). */
    private static final class PReluOp {
        static void register(OpRegistry r) {
            Object[][] versions = {{1, F3}, {6, F3}, {7, F3}, {9, PRELU9}, {16, PRELU16}};
            for (Object[] v : versions) {
                int since = (Integer) v[0];
                @SuppressWarnings("unchecked") Set<DataType> types = (Set<DataType>) v[1];
                OpSchema.Builder s = OpSchema.onnx("PRelu", since).doc("PRelu: y = x if x >= 0 else slope*x, elementwise; slope broadcasts to X.")
                        .input("X", "T").input("slope", "T").output("Y", "T").types("T", types)
                        .traits(Trait.ELEMENTWISE, Trait.PURE, Trait.IN_PLACE).inference(PReluOp::infer);
                if (since == 1) Version.CONSUMED.apply(s);
                r.register(s.build());
            }
            r.registerReference("PRelu", ctx -> {
                Tensor x = ctx.requireInput(0), slope = slopeFor(ctx, x, ctx.requireInput(1));
                long[] s = Broadcasting.shape(ctx, new Tensor[] {x, slope}, new int[] {0, 1});
                if (!Arrays.equals(s, x.shape()))
                    throw ctx.fail("input 1 ('slope') of shape " + Shape.toString(slope.shape()) + " does not broadcast to input 0 ('X') of shape "
                            + Shape.toString(x.shape()) + " (the output must keep X's shape)");
                ctx.setOutput(0, Lanes.apply(ctx, x, slope, x.dtype(), real((a, k) -> a < 0 ? k * a : a),
                        Lanes.integer((a, k) -> a < 0 ? k * a : a, (a, k) -> a)));
            });
        }

        /** Before opset 7 a 1-D slope of X's channel count applies along axis 1. */
        private static Tensor slopeFor(KernelContext ctx, Tensor x, Tensor slope) {
            if (ctx.schema().sinceVersion() >= 7 || slope.rank() != 1 || x.rank() < 2 || slope.dim(0) == 1 || slope.dim(0) != x.dim(1)) return slope;
            long[] s = new long[x.rank() - 1];
            Arrays.fill(s, 1);
            s[0] = slope.dim(0);
            return slope.reshape(s);
        }

        private static void infer(InferenceContext ctx) {
            TensorDesc x = ctx.requireInput(0);
            Shape slope = ctx.inputShape(1);
            if (ctx.schema().sinceVersion() >= 7 && x.shape().hasRank() && slope.hasRank()) {
                Shape r = Broadcast.shape(x.shape(), slope);
                boolean fits = r != null && r.rank() == x.shape().rank();
                for (int i = 0; fits && i < r.rank(); i++)
                    fits = !(r.dim(i).isStatic() && x.shape().dim(i).isStatic()) || r.dim(i).equals(x.shape().dim(i));
                if (!fits) throw ctx.fail("input 1 ('slope') of shape " + slope + " does not broadcast to input 0 ('X') of shape " + x.shape()
                        + " (the output must keep X's shape)");
            }
            ctx.setOutput(0, x.dtype(), x.shape());
        }
    }
}
