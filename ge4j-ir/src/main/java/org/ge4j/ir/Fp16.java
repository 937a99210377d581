package org.ge4j.ir;

/**
 * Conversions between float/double and the narrow floating formats: IEEE half, bfloat16, the four ONNX FP8
 * formats and FP4 E2M1. Encoders round to nearest, ties to even, from the exact value (a double is not
 * rounded to float first). FP8 follows the ONNX Cast rules: with {@code saturate}, values beyond the largest
 * finite value (and infinities) become ±max; without it they become NaN (or ±Inf for E5M2). The FNUZ
 * formats have no negative zero (−0 and negative values rounding to zero encode as +0) and one NaN, 0x80.
 */
public final class Fp16 {
    private Fp16() {}

    // ---------------------------------------------------------------- IEEE half

    public static float halfToFloat(short h) { return Float.float16ToFloat(h); }

    /** Round to nearest even; NaN stays NaN (payload kept where it fits). */
    public static short floatToHalf(float f) { return Float.floatToFloat16(f); }

    /** Round to nearest even from the exact double (no intermediate rounding to float). */
    public static short doubleToHalf(double d) {
        float f = (float) d;
        if (f == d) return Float.floatToFloat16(f);
        if (Double.isNaN(d)) return (short) (signBit(d) >>> 48 | 0x7e00);
        return (short) (signBit(d) >>> 48 | encodeIeee(Math.abs(d), 5, 10));
    }

    // ---------------------------------------------------------------- bfloat16

    public static float bf16ToFloat(short b) { return Float.intBitsToFloat((b & 0xffff) << 16); }

    /** Round to nearest even; NaN stays NaN (quiet bit set). */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        int lsb = (bits >>> 16) & 1;
        bits += 0x7fff + lsb;
        return (short) (bits >>> 16);
    }

    /** Round to nearest even from the exact double (no intermediate rounding to float). */
    public static short doubleToBf16(double d) {
        float f = (float) d;
        if (f == d) return floatToBf16(f);
        if (Double.isNaN(d)) return (short) (signBit(d) >>> 48 | 0x7fc0);
        return (short) (signBit(d) >>> 48 | encodeIeee(Math.abs(d), 8, 7));
    }

    // ---------------------------------------------------------------- FP8

    private static final float[] E4M3FN = table(4, 3, true, false);
    private static final float[] E4M3FNUZ = table(4, 3, true, true);
    private static final float[] E5M2 = table(5, 2, false, false);
    private static final float[] E5M2FNUZ = table(5, 2, true, true);

    private static float[] table(int expBits, int manBits, boolean finiteOnly, boolean fnuz) {
        float[] t = new float[256];
        for (int c = 0; c < 256; c++) t[c] = decode8(c, expBits, manBits, finiteOnly, fnuz);
        return t;
    }

    /** True for the four FP8 types. */
    public static boolean isFp8(DataType t) {
        return t == DataType.FLOAT8E4M3FN || t == DataType.FLOAT8E4M3FNUZ || t == DataType.FLOAT8E5M2 || t == DataType.FLOAT8E5M2FNUZ;
    }

    /** Decodes an FP8 byte of type {@code t}. */
    public static float fp8ToFloat(DataType t, byte v) {
        return switch (t) {
            case FLOAT8E4M3FN -> E4M3FN[v & 0xff];
            case FLOAT8E4M3FNUZ -> E4M3FNUZ[v & 0xff];
            case FLOAT8E5M2 -> E5M2[v & 0xff];
            case FLOAT8E5M2FNUZ -> E5M2FNUZ[v & 0xff];
            default -> throw new IllegalArgumentException(t + " is not an FP8 type");
        };
    }

    /** Encodes {@code v} as an FP8 byte of type {@code t}, rounding to nearest even (see the class comment for overflow). */
    public static byte toFp8(DataType t, double v, boolean saturate) {
        return switch (t) {
            case FLOAT8E4M3FN -> doubleToFp8(v, 4, 3, true, false, saturate);
            case FLOAT8E4M3FNUZ -> doubleToFp8(v, 4, 3, true, true, saturate);
            case FLOAT8E5M2 -> doubleToFp8(v, 5, 2, false, false, saturate);
            case FLOAT8E5M2FNUZ -> doubleToFp8(v, 5, 2, true, true, saturate);
            default -> throw new IllegalArgumentException(t + " is not an FP8 type");
        };
    }

    /**
     * Decodes an FP8 byte. {@code finiteOnly}: no infinities (E4M3FN: NaN is S.1111.111); {@code fnuz}: no
     * negative zero, NaN = 0x80, exponent bias one higher.
     */
    public static float fp8ToFloat(byte v, int expBits, int manBits, boolean finiteOnly, boolean fnuz) {
        if (manBits == 3 && expBits == 4 && finiteOnly) return (fnuz ? E4M3FNUZ : E4M3FN)[v & 0xff];
        if (manBits == 2 && expBits == 5 && finiteOnly == fnuz) return (fnuz ? E5M2FNUZ : E5M2)[v & 0xff];
        return decode8(v & 0xff, expBits, manBits, finiteOnly, fnuz);
    }

    private static float decode8(int b, int expBits, int manBits, boolean finiteOnly, boolean fnuz) {
        int bias = (1 << (expBits - 1)) - 1 + (fnuz ? 1 : 0);
        if (fnuz && b == 0x80) return Float.NaN;
        int sign = b >>> 7;
        int exp = (b >>> manBits) & ((1 << expBits) - 1);
        int man = b & ((1 << manBits) - 1);
        int expMax = (1 << expBits) - 1;
        if (!fnuz) {
            if (finiteOnly) {
                if (exp == expMax && man == (1 << manBits) - 1) return Float.NaN;
            } else if (exp == expMax) {
                if (man != 0) return Float.NaN;
                return sign == 1 ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
            }
        }
        double r = exp == 0 ? Math.scalb((double) man, 1 - bias - manBits) : Math.scalb((double) ((1 << manBits) | man), exp - bias - manBits);
        return (float) (sign == 1 ? -r : r);
    }

    /** Encodes a float to FP8 (see {@link #doubleToFp8}). */
    public static byte floatToFp8(float f, int expBits, int manBits, boolean finiteOnly, boolean fnuz, boolean saturate) {
        return doubleToFp8(f, expBits, manBits, finiteOnly, fnuz, saturate);
    }

    /**
     * Encodes to FP8 with round-to-nearest-even. NaN gives NaN (S.1111.111 with the input's sign, or 0x80 for
     * FNUZ). Infinities and values rounding beyond the largest finite value give ±max when {@code saturate},
     * else NaN (±Inf for E5M2, the one format with infinities).
     */
    public static byte doubleToFp8(double v, int expBits, int manBits, boolean finiteOnly, boolean fnuz, boolean saturate) {
        int sign = (int) (signBit(v) >>> 56);
        int expMax = (1 << expBits) - 1;
        int nan = fnuz ? 0x80 : sign | expMax << manBits | ((1 << manBits) - 1);
        if (Double.isNaN(v)) return (byte) nan;
        int maxCode = fnuz ? 0x7f : finiteOnly ? (expMax << manBits) + (1 << manBits) - 2 : (expMax << manBits) - 1;
        int overflow = saturate ? sign | maxCode : finiteOnly || fnuz ? nan : sign | expMax << manBits;
        if (Double.isInfinite(v)) return (byte) overflow;
        long code = encodeMagnitude(Math.abs(v), manBits, (1 << (expBits - 1)) - 1 + (fnuz ? 1 : 0));
        if (code > maxCode) return (byte) overflow;
        if (code == 0 && fnuz) return 0;
        return (byte) (sign | code);
    }

    // ---------------------------------------------------------------- FP4 E2M1

    private static final float[] E2M1 = {0f, 0.5f, 1f, 1.5f, 2f, 3f, 4f, 6f, -0f, -0.5f, -1f, -1.5f, -2f, -3f, -4f, -6f};

    /** Decodes the low 4 bits of {@code nibble} as FP4 E2M1 (no infinities, no NaN). */
    public static float fp4ToFloat(int nibble) { return E2M1[nibble & 0xf]; }

    /** Encodes to FP4 E2M1 (4 bits), rounding to nearest even and saturating to ±6; NaN gives +6 (0x7), as in ONNX. */
    public static int toFp4(double v) {
        if (Double.isNaN(v)) return 0x7;
        int sign = (int) (signBit(v) >>> 60);
        if (Double.isInfinite(v)) return sign | 0x7;
        long code = encodeMagnitude(Math.abs(v), 1, 1);
        return sign | (int) Math.min(code, 0x7);
    }

    // ---------------------------------------------------------------- shared

    private static long signBit(double d) { return Double.doubleToRawLongBits(d) & Long.MIN_VALUE; }

    /**
     * The code (exponent field and mantissa, no sign) nearest to {@code a >= 0} in a binary format with
     * {@code manBits} stored mantissa bits, exponent bias {@code bias} and subnormals, rounding ties to even.
     * Codes beyond the format's largest value are returned as they are; the caller decides about overflow.
     */
    static long encodeMagnitude(double a, int manBits, int bias) {
        long bits = Double.doubleToRawLongBits(a);
        int exp = (int) (bits >>> 52);
        if (exp == 0) return 0; // zero, or a double subnormal: far below half the smallest narrow subnormal
        int e = exp - 1023;
        long sig = (bits & 0xfffffffffffffL) | 1L << 52; // a = sig * 2^(e - 52)
        int emin = 1 - bias;
        int et = Math.max(e, emin); // the target exponent (subnormals share emin)
        int shift = 52 - manBits + (et - e); // bits of sig below the target's last mantissa bit, >= 42 here
        if (shift >= 64) return 0;
        long q = sig >>> shift;
        long rem = sig & ((1L << shift) - 1);
        long half = 1L << (shift - 1);
        if (rem > half || rem == half && (q & 1) == 1) q++;
        return ((long) (et - emin) << manBits) + q;
    }

    /** An IEEE format with infinities: overflow gives the infinity code. */
    private static int encodeIeee(double a, int expBits, int manBits) {
        int inf = ((1 << expBits) - 1) << manBits;
        long code = encodeMagnitude(a, manBits, (1 << (expBits - 1)) - 1);
        return (int) Math.min(code, inf);
    }
}
