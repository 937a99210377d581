package org.ge4j.ops.onnx.elementwise;

import static org.ge4j.ops.onnx.elementwise.Types.*;

import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.Set;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Fp16;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * Cast (to the type named by attribute {@code to}) and CastLike (to the type of input 1). Numbers convert
 * as C does (floats to integers truncate, integers wrap), NaN to bool is true, strings follow
 * {@link StringConversions}; float8 targets round to nearest even and, with {@code saturate=1}
 * (opset 19's default), clamp overflow to the largest finite value instead of inf/NaN.
 */
public final class CastOps {
    private CastOps() {}

    public static void register(OpRegistry r) {
        int[] since = {1, 6, 9, 13, 19};
        for (int v : since) {
            Set<DataType> types = v < 9 ? CAST6 : v < 13 ? CAST9 : v < 19 ? CAST13 : CAST19;
            OpSchema.Builder b = OpSchema.onnx("Cast", v).doc("Cast: the input converted elementwise to the type given by attribute 'to'.")
                    .input("input", "T1").output("output", "T2").types("T1", types).types("T2", types)
                    .traits(Trait.ELEMENTWISE, Trait.PURE).inference(ctx -> ctx.setOutput(0, target(ctx.attrs(), ctx.schema()), ctx.inputShape(0)));
            b.requiredAttr("to", v == 1 ? AttrType.STRING : AttrType.INT);
            if (v >= 19) b.attr("saturate", 1L);
            r.register(b.build());
        }
        for (int v : new int[] {15, 19}) {
            Set<DataType> types = v < 19 ? CAST13 : CAST19;
            OpSchema.Builder b = OpSchema.onnx("CastLike", v).doc("CastLike: input 0 converted elementwise to the type of input 1 ('target_type').")
                    .input("input", "T1").input("target_type", "T2").output("output", "T2").types("T1", types).types("T2", types)
                    .traits(Trait.ELEMENTWISE, Trait.PURE).inference(ctx -> ctx.setOutput(0, ctx.inputType(1), ctx.inputShape(0)));
            if (v >= 19) b.attr("saturate", 1L);
            r.register(b.build());
        }
        r.registerReference("Cast", ctx -> ctx.setOutput(0, convert(ctx, ctx.requireInput(0), target(ctx.attrs(), ctx.schema()))));
        r.registerReference("CastLike", ctx -> ctx.setOutput(0, convert(ctx, ctx.requireInput(0), ctx.requireInput(1).dtype())));
    }

    /** The type attribute {@code to} names (a TensorProto code, or before opset 6 its name), checked against the schema. */
    static DataType target(Attrs attrs, OpSchema schema) {
        DataType t;
        try {
            t = attrs.get("to") != null && attrs.get("to").type() == AttrType.STRING
                    ? DataType.valueOf(attrs.getString("to").toUpperCase(Locale.ROOT))
                    : DataType.fromOnnx(Math.toIntExact(attrs.getInt("to")));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new OpException(attrs.node(), "attribute 'to' = " + attrs.get("to") + " is not an ONNX data type");
        }
        Set<DataType> allowed = schema.typeConstraints().get("T2");
        if (!allowed.contains(t))
            throw new OpException(attrs.node(), "attribute 'to' asks for " + t + ", which " + schema + " cannot produce");
        return t;
    }

    /** {@code x} converted to {@code to} as a new tensor. */
    static Tensor convert(KernelContext ctx, Tensor x, DataType to) {
        DataType from = x.dtype();
        long[] shape = x.shape();
        long n = x.size();
        Tensor out = Tensor.allocate(to, shape);
        StringConversions.Rounder rounder = new StringConversions.Rounder(from);
        try {
            if (from == DataType.STRING) {
                for (long i = 0; i < n; i++) {
                    String s = x.getString(i);
                    if (to == DataType.STRING) out.setString(i, s);
                    else try {
                        StringConversions.parseInto(s, out, i);
                    } catch (NumberFormatException e) {
                        throw ctx.fail("element " + i + " of input 0, \"" + s + "\", cannot be read as " + to.name().toLowerCase(Locale.ROOT));
                    }
                }
            } else if (to == DataType.STRING) {
                for (long i = 0; i < n; i++) out.setString(i, StringConversions.format(x, i, rounder));
            } else if (DataTypes8.isFloat8(to) && ctx.attrs().getInt("saturate", 1) == 0) {
                for (long i = 0; i < n; i++) out.segment().set(ValueLayout.JAVA_BYTE, i, DataTypes8.encode(to, (float) x.getScalarDouble(i), false));
            } else if (from.isFloatingPoint() || from == DataType.UINT64 && to.isFloatingPoint()) {
                for (long i = 0; i < n; i++) out.setScalarDouble(i, x.getScalarDouble(i));
            } else {
                for (long i = 0; i < n; i++) out.setScalarLong(i, x.getScalarLong(i));
            }
        } catch (RuntimeException e) {
            out.close();
            throw e;
        } finally {
            rounder.close();
        }
        return out;
    }

    /** The float8 formats' parameters. */
    private static final class DataTypes8 {
        static boolean isFloat8(DataType t) {
            return t == DataType.FLOAT8E4M3FN || t == DataType.FLOAT8E4M3FNUZ || t == DataType.FLOAT8E5M2 || t == DataType.FLOAT8E5M2FNUZ;
        }

        static byte encode(DataType t, float v, boolean saturate) {
            return switch (t) {
                case FLOAT8E4M3FN -> Fp16.floatToFp8(v, 4, 3, true, false, saturate);
                case FLOAT8E4M3FNUZ -> Fp16.floatToFp8(v, 4, 3, true, true, saturate);
                case FLOAT8E5M2 -> Fp16.floatToFp8(v, 5, 2, false, false, saturate);
                case FLOAT8E5M2FNUZ -> Fp16.floatToFp8(v, 5, 2, true, true, saturate);
                default -> throw new IllegalArgumentException(t + " is not a float8 type");
            };
        }
    }
}
