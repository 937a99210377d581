package org.ge4j.ir;

/** Conversions between float and the 16-bit and 8-bit floating formats (IEEE half, bfloat16, FP8). */
public final class Fp16 {
    private Fp16() {}

    public static float halfToFloat(short h) { return Float.float16ToFloat(h); }

    public static short floatToHalf(float f) { return Float.floatToFloat16(f); }

    public static float bf16ToFloat(short b) { return Float.intBitsToFloat((b & 0xffff) << 16); }

    /** Round to nearest even; NaN stays NaN. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        int lsb = (bits >>> 16) & 1;
        bits += 0x7fff + lsb;
        return (short) (bits >>> 16);
    }

    /** Decode an FP8 byte. {@code fnuz}: no negative zero, NaN = 0x80, exponent bias one higher. */
    public static float fp8ToFloat(byte v, int expBits, int manBits, boolean finiteOnly, boolean fnuz) {
        int b = v & 0xff;
        int bias = (1 << (expBits - 1)) - 1 + (fnuz ? 1 : 0);
        if (fnuz && b == 0x80) return Float.NaN;
        int sign = b >>> 7;
        int exp = (b >>> manBits) & ((1 << expBits) - 1);
        int man = b & ((1 << manBits) - 1);
        if (!fnuz) {
            if (finiteOnly) {
                if (exp == (1 << expBits) - 1 && man == (1 << manBits) - 1) return Float.NaN;
            } else if (exp == (1 << expBits) - 1) {
                if (man != 0) return Float.NaN;
                return sign == 1 ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
            }
        }
        float r;
        if (exp == 0) r = (float) (man * Math.pow(2, 1 - bias - manBits));
        else r = (float) ((1.0 + man / (double) (1 << manBits)) * Math.pow(2, exp - bias));
        return sign == 1 ? -r : r;
    }

    /** Encode a float to FP8 with round-to-nearest-even; saturating to the max finite value if {@code saturate}. */
    public static byte floatToFp8(float f, int expBits, int manBits, boolean finiteOnly, boolean fnuz, boolean saturate) {
        // brute force over the 256 codes: exact and simple (FP8 is only used by conversion ops)
        if (Float.isNaN(f)) return (byte) (fnuz ? 0x80 : (finiteOnly ? 0x7f : 0x7f));
        float best = Float.NaN;
        int bestCode = 0;
        double bestErr = Double.POSITIVE_INFINITY;
        float maxFinite = 0;
        int maxCode = 0;
        for (int c = 0; c < 256; c++) {
            float v = fp8ToFloat((byte) c, expBits, manBits, finiteOnly, fnuz);
            if (Float.isNaN(v) || Float.isInfinite(v)) continue;
            if (v > maxFinite) { maxFinite = v; maxCode = c; }
        }
        if (Float.isInfinite(f) || Math.abs(f) > maxFinite) {
            boolean overflowToMax = saturate || Float.isFinite(f) && Math.abs(f) <= maxFinite * (1 + 0.5 / (1 << manBits)) - 1e-30;
            if (saturate || overflowToMax && !Float.isInfinite(f)) {
                if (saturate || overflowToMax) return (byte) (f < 0 ? maxCode | 0x80 : maxCode);
            }
            if (finiteOnly || fnuz) return (byte) (fnuz ? 0x80 : (f < 0 ? 0xff : 0x7f));
            int infCode = ((1 << expBits) - 1) << manBits;
            return (byte) (f < 0 ? infCode | 0x80 : infCode);
        }
        for (int c = 0; c < 256; c++) {
            float v = fp8ToFloat((byte) c, expBits, manBits, finiteOnly, fnuz);
            if (Float.isNaN(v) || Float.isInfinite(v)) continue;
            double err = Math.abs((double) v - f);
            if (err < bestErr || err == bestErr && (c & 1) == 0 && (bestCode & 1) == 1) {
                bestErr = err; bestCode = c; best = v;
            }
        }
        if (best == 0 && f < 0 && !fnuz) bestCode = 0x80;
        return (byte) bestCode;
    }
}
