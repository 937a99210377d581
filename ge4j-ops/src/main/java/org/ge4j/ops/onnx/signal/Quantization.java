package org.ge4j.ops.onnx.signal;

import org.ge4j.ir.DataType;
import org.ge4j.ir.Fp16;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * Linear quantisation: QuantizeLinear and DequantizeLinear (opsets 10 and 13 per-tensor or per-axis; 19 adds
 * float8 targets, non-float scales and {@code saturate}) and DynamicQuantizeLinear (11). Quantising rounds
 * half to even and saturates to the target range; the quotient x / scale of float inputs is taken in
 * float, as the ONNX reference does.
 */
public final class Quantization {
    private Quantization() {}

    static final java.util.Set<DataType> FLOAT8 = java.util.Set.of(DataType.FLOAT8E4M3FN, DataType.FLOAT8E4M3FNUZ, DataType.FLOAT8E5M2,
            DataType.FLOAT8E5M2FNUZ);

    public static void register(OpRegistry r) {
        for (int v : new int[] {10, 13, 19}) {
            OpSchema.Builder q = OpSchema.onnx("QuantizeLinear", v).doc("y = saturate(round(x / y_scale) + y_zero_point) (ONNX QuantizeLinear-" + v + ").");
            OpSchema.Builder d = OpSchema.onnx("DequantizeLinear", v).doc("y = (x - x_zero_point) * x_scale (ONNX DequantizeLinear-" + v + ").");
            if (v < 19) {
                q.input("x", "T1").input("y_scale", "tensor(float)").optionalInput("y_zero_point", "T2").output("y", "T2")
                        .types("T1", DataType.FLOAT, DataType.INT32).types("T2", Support.INT8S);
                d.input("x", "T").input("x_scale", "tensor(float)").optionalInput("x_zero_point", "T").output("y", "tensor(float)")
                        .types("T", DataType.INT8, DataType.UINT8, DataType.INT32);
            } else {
                q.input("x", "T1").input("y_scale", "T1").optionalInput("y_zero_point", "T2").output("y", "T2")
                        .types("T1", DataType.FLOAT, DataType.FLOAT16, DataType.BFLOAT16, DataType.INT32)
                        .types("T2", Support.union(Support.INT8S, FLOAT8)).attr("saturate", 1L);
                d.input("x", "T1").input("x_scale", "T2").optionalInput("x_zero_point", "T1").output("y", "T2")
                        .types("T1", Support.union(java.util.Set.of(DataType.INT8, DataType.UINT8, DataType.INT32), FLOAT8))
                        .types("T2", DataType.FLOAT, DataType.FLOAT16, DataType.BFLOAT16);
            }
            if (v >= 13) {
                q.attr("axis", 1L);
                d.attr("axis", 1L);
            }
            r.register(q.traits(Trait.PURE).inference(Quantization::inferQuantize).build());
            r.register(d.traits(Trait.PURE).inference(Quantization::inferDequantize).build());
        }
        r.register(OpSchema.onnx("DynamicQuantizeLinear", 11).doc("Quantises a float tensor to uint8 with a scale and zero point computed from its range.")
                .input("x", "T1").output("y", "T2").output("y_scale", "tensor(float)").output("y_zero_point", "T2")
                .types("T1", DataType.FLOAT).types("T2", DataType.UINT8)
                .traits(Trait.PURE).inference(Quantization::inferDynamic).build());
        r.registerReference("QuantizeLinear", Quantization::quantize);
        r.registerReference("DequantizeLinear", Quantization::dequantize);
        r.registerReference("DynamicQuantizeLinear", Quantization::dynamic);
    }

    // ------------------------------------------------------------------ inference

    /** Checks scale/zero-point shapes: scalar (or one element), or 1-D along the axis (opset 13+). */
    private static void checkScaleShapes(InferenceContext ctx, Shape x) {
        Shape s = ctx.inputShape(1);
        if (ctx.hasInput(2)) {
            Shape z = ctx.inputShape(2);
            if (s.isStatic() && z.isStatic() && s.elementCount() != z.elementCount())
                throw ctx.fail("input 2" + ctx.portName(2) + " must have the shape of input 1" + ctx.portName(1) + " " + s + ", got " + z);
        }
        if (!s.hasRank() || s.rank() == 0 || s.isStatic() && s.elementCount() == 1) return;
        if (ctx.opset() < 13 || s.rank() != 1) throw ctx.fail("input 1" + ctx.portName(1) + " must be a scalar" + (ctx.opset() >= 13 ? " or 1-D (per axis)" : "") + ", got " + s);
        if (!x.hasRank()) return;
        long ax = ctx.attrs().getInt("axis", 1);
        int rank = x.rank();
        if (ax < -rank || ax >= rank) throw ctx.fail("attribute 'axis' = " + ax + " is out of range for input rank " + rank);
        Support.checkDim(ctx, 1, s, 0, Support.value(x.dim((int) (ax < 0 ? ax + rank : ax))), "x's size along 'axis'");
    }

    static void inferQuantize(InferenceContext ctx) {
        Shape x = ctx.inputShape(0);
        checkScaleShapes(ctx, x);
        DataType out = ctx.hasInput(2) ? ctx.inputType(2) : DataType.UINT8;
        ctx.setOutput(0, out, x);
    }

    static void inferDequantize(InferenceContext ctx) {
        Shape x = ctx.inputShape(0);
        checkScaleShapes(ctx, x);
        DataType out = ctx.opset() >= 19 ? ctx.inputType(1) : DataType.FLOAT;
        ctx.setOutput(0, out, x);
    }

    static void inferDynamic(InferenceContext ctx) {
        ctx.setOutput(0, DataType.UINT8, ctx.inputShape(0));
        ctx.setOutput(1, DataType.FLOAT, Shape.SCALAR);
        ctx.setOutput(2, DataType.UINT8, Shape.SCALAR);
    }

    // ------------------------------------------------------------------ kernels

    /**
     * For each element of x, the index of its scale: 0 for per-tensor, else its coordinate along the axis.
     * Fails naming the port when the scale's size fits neither.
     */
    static int[] scaleIndex(KernelContext ctx, Tensor x, Tensor scale, Tensor zero) {
        int n = Math.toIntExact(x.size());
        int[] idx = new int[n];
        if (zero != null && zero.size() != scale.size())
            throw ctx.fail("input 2" + ctx.portName(2) + " must have the shape of input 1" + ctx.portName(1) + " " + Shape.toString(scale.shape())
                    + ", got " + Shape.toString(zero.shape()));
        if (scale.size() == 1 && scale.rank() <= 1) return idx;
        if (ctx.opset() < 13 || scale.rank() != 1)
            throw ctx.fail("input 1" + ctx.portName(1) + " must be a scalar" + (ctx.opset() >= 13 ? " or 1-D (per axis)" : "") + ", got shape " + Shape.toString(scale.shape()));
        long ax = ctx.attrs().getInt("axis", 1);
        int rank = x.rank();
        if (ax < -rank || ax >= rank) throw ctx.fail("attribute 'axis' = " + ax + " is out of range for input rank " + rank);
        int axis = (int) (ax < 0 ? ax + rank : ax);
        long dim = x.dim(axis);
        if (scale.size() != dim)
            throw ctx.fail("input 1" + ctx.portName(1) + " has " + scale.size() + " elements but x has " + dim + " along axis " + axis);
        long inner = 1;
        for (int i = axis + 1; i < rank; i++) inner *= x.dim(i);
        for (int f = 0; f < n; f++) idx[f] = (int) ((f / inner) % dim);
        return idx;
    }

    static void quantize(KernelContext ctx) {
        Tensor x = ctx.requireInput(0), scale = ctx.requireInput(1), zero = ctx.input(2);
        int[] si = scaleIndex(ctx, x, scale, zero);
        DataType out = zero != null ? zero.dtype() : DataType.UINT8;
        boolean saturate = ctx.opset() < 19 || ctx.attrs().getInt("saturate", 1) != 0;
        double[] s = scale.toDoubleArray();
        for (double v : s) if (v == 0 || Double.isNaN(v)) throw ctx.fail("input 1" + ctx.portName(1) + " must be non-zero, got " + v);
        boolean floatQuotient = x.dtype() != DataType.INT32 && x.dtype() != DataType.DOUBLE;
        Tensor y = Tensor.allocate(out, x.shape());
        boolean fp8 = FLOAT8.contains(out);
        double[] zp = zero == null ? new double[1] : zero.toDoubleArray();
        for (int f = 0; f < si.length; f++) {
            double xv = x.getScalarDouble(f);
            double q = floatQuotient ? (float) ((float) xv / (float) s[si[f]]) : xv / s[si[f]];
            if (fp8) {
                float v = (float) (q + zp[si[f]]);
                y.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, f, toFp8(v, out, saturate));
            } else {
                y.setScalarLong(f, Support.saturateRound(Math.rint(q) + zp[si[f]], out));
            }
        }
        ctx.setOutput(0, y);
    }

    private static byte toFp8(float v, DataType t, boolean saturate) {
        return switch (t) {
            case FLOAT8E4M3FN -> Fp16.floatToFp8(v, 4, 3, true, false, saturate);
            case FLOAT8E4M3FNUZ -> Fp16.floatToFp8(v, 4, 3, true, true, saturate);
            case FLOAT8E5M2 -> Fp16.floatToFp8(v, 5, 2, false, false, saturate);
            default -> Fp16.floatToFp8(v, 5, 2, true, true, saturate);
        };
    }

    static void dequantize(KernelContext ctx) {
        Tensor x = ctx.requireInput(0), scale = ctx.requireInput(1), zero = ctx.input(2);
        int[] si = scaleIndex(ctx, x, scale, zero);
        if (zero != null && zero.dtype() != x.dtype())
            throw ctx.fail("input 2" + ctx.portName(2) + " must have x's type " + x.dtype().shortName() + ", got " + zero.dtype().shortName());
        double[] s = scale.toDoubleArray();
        double[] zp = zero == null ? new double[1] : zero.toDoubleArray();
        double[] y = new double[si.length];
        for (int f = 0; f < si.length; f++) y[f] = (x.getScalarDouble(f) - zp[si[f]]) * s[si[f]];
        DataType out = ctx.opset() >= 19 ? scale.dtype() : DataType.FLOAT;
        ctx.setOutput(0, Tensor.fromDoubles(out, x.shape(), y));
    }

    static void dynamic(KernelContext ctx) {
        Tensor x = ctx.requireInput(0);
        float[] v = x.toFloatArray();
        float min = 0, max = 0;
        for (float f : v) {
            if (Float.isNaN(f)) throw ctx.fail("input 0 ('x') contains NaN: the quantisation range is undefined");
            min = Math.min(min, f);
            max = Math.max(max, f);
        }
        float scale = (float) (((double) max - min) / 255);
        long zp = scale == 0 ? 0 : Support.saturateRound((float) (-min / scale), DataType.UINT8);
        Tensor y = Tensor.allocate(DataType.UINT8, x.shape());
        for (int i = 0; i < v.length; i++) y.setScalarLong(i, scale == 0 ? zp : Support.saturateRound(Math.rint((float) (v[i] / scale)) + zp, DataType.UINT8));
        ctx.setOutput(0, y);
        ctx.setOutput(1, Tensor.scalar(scale));
        ctx.setOutput(2, Tensor.fromLongs(DataType.UINT8, new long[0], new long[] {zp}));
    }
}
