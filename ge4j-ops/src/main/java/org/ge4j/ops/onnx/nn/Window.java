package org.ge4j.ops.onnx.nn;

import java.util.Arrays;
import java.util.function.Function;
import org.ge4j.ir.Dim;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.OpException;

/**
 * Sliding-window geometry shared by Conv, ConvTranspose and the pooling ops: kernel, strides,
 * dilations, explicit pads, {@code auto_pad} and {@code ceil_mode}, over {@code rank} spatial axes.
 */
final class Window {
    final int rank;
    final long[] kernel;
    final long[] strides;
    final long[] dilations;
    /** Explicit pads as the attribute gives them: begins then ends. */
    final long[] pads;
    final String autoPad;
    final boolean ceilMode;

    private Window(int rank, long[] kernel, long[] strides, long[] dilations, long[] pads, String autoPad, boolean ceilMode) {
        this.rank = rank;
        this.kernel = kernel;
        this.strides = strides;
        this.dilations = dilations;
        this.pads = pads;
        this.autoPad = autoPad;
        this.ceilMode = ceilMode;
    }

    /**
     * Reads strides, dilations, pads, auto_pad and ceil_mode (absent attributes take their neutral value)
     * around an already known kernel.
     */
    static Window read(Attrs a, long[] kernel, Function<String, OpException> fail) {
        int rank = kernel.length;
        for (int i = 0; i < rank; i++)
            if (kernel[i] <= 0) throw fail.apply("kernel_shape " + Arrays.toString(kernel) + " must be positive");
        long[] strides = ints(a, "strides", rank, 1, fail);
        long[] dilations = ints(a, "dilations", rank, 1, fail);
        for (int i = 0; i < rank; i++) {
            if (strides[i] <= 0) throw fail.apply("attribute 'strides' " + Arrays.toString(strides) + " must be positive");
            if (dilations[i] <= 0) throw fail.apply("attribute 'dilations' " + Arrays.toString(dilations) + " must be positive");
        }
        long[] pads = a.getInts("pads", null);
        if (pads == null) pads = new long[2 * rank];
        else if (pads.length != 2 * rank)
            throw fail.apply("attribute 'pads' " + Arrays.toString(pads) + " must have 2 x " + rank + " = " + 2 * rank + " values (begins then ends) for " + rank + " spatial axes");
        String autoPad = a.getString("auto_pad", "NOTSET");
        if (autoPad.isEmpty()) autoPad = "NOTSET";
        if (!autoPad.equals("NOTSET") && !autoPad.equals("SAME_UPPER") && !autoPad.equals("SAME_LOWER") && !autoPad.equals("VALID"))
            throw fail.apply("attribute 'auto_pad' is '" + autoPad + "', expected NOTSET, SAME_UPPER, SAME_LOWER or VALID");
        boolean ceil = a.get("ceil_mode") != null && a.getInt("ceil_mode", 0) != 0;
        return new Window(rank, kernel, strides, dilations, pads, autoPad, ceil);
    }

    private static long[] ints(Attrs a, String name, int rank, long dflt, Function<String, OpException> fail) {
        long[] v = a.get(name) == null ? null : a.getInts(name, null);
        if (v == null || v.length == 0) {
            v = new long[rank];
            Arrays.fill(v, dflt);
        } else if (v.length != rank) {
            throw fail.apply("attribute '" + name + "' " + Arrays.toString(v) + " must have " + rank + " values, one per spatial axis");
        }
        return v;
    }

    /** The dilated kernel extent along axis i. */
    long extent(int i) { return (kernel[i] - 1) * dilations[i] + 1; }

    boolean isSame() { return autoPad.startsWith("SAME"); }

    /**
     * Output size along axis i for input size {@code in}; stores the pads actually used into
     * {@code padsOut[i]} (begin) and {@code padsOut[rank + i]} (end). Fails when the window does not fit.
     */
    long outSize(int i, long in, long[] padsOut, Function<String, OpException> fail) {
        long s = strides[i], ek = extent(i);
        long out, pb, pe;
        switch (autoPad) {
            case "SAME_UPPER", "SAME_LOWER" -> {
                out = Math.ceilDiv(in, s);
                long total = Math.max(0, (out - 1) * s + ek - in);
                pb = autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
                pe = total - pb;
            }
            case "VALID" -> {
                pb = pe = 0;
                out = in - ek < 0 ? 0 : (in - ek) / s + 1;
            }
            default -> {
                pb = pads[i];
                pe = pads[rank + i];
                long num = in + pb + pe - ek;
                if (num < 0) out = 0;
                else if (ceilMode) {
                    out = Math.ceilDiv(num, s) + 1;
                    if ((out - 1) * s >= in + pb) out--; // the last window must start inside the input or the begin pad
                } else out = num / s + 1;
            }
        }
        if (out <= 0)
            throw fail.apply("spatial axis " + i + ": window of extent " + ek + " (kernel " + kernel[i] + ", dilation " + dilations[i] + ") does not fit input size "
                    + in + " with pads " + pb + "+" + pe + " (output size would be " + out + ")");
        if (padsOut != null) {
            padsOut[i] = pb;
            padsOut[rank + i] = pe;
        }
        return out;
    }

    /** Output spatial sizes for static input spatial sizes; {@code padsOut} (length 2*rank) receives the pads used. */
    long[] outShape(long[] in, long[] padsOut, Function<String, OpException> fail) {
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) out[i] = outSize(i, in[i], padsOut, fail);
        return out;
    }

    /** Output dim for a possibly symbolic input dim: computed when static; kept when SAME with stride 1; else unknown. */
    Dim outDim(int i, Dim in, Function<String, OpException> fail) {
        if (in.isStatic()) return Dim.of(outSize(i, in.valueOr(0), null, fail));
        if (isSame() && strides[i] == 1) return in;
        return Dim.UNKNOWN;
    }
}
