package org.ge4j.ir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Fp16Test {
    private static final DataType[] FP8 = {DataType.FLOAT8E4M3FN, DataType.FLOAT8E4M3FNUZ, DataType.FLOAT8E5M2, DataType.FLOAT8E5M2FNUZ};

    private static int f8(DataType t, double v, boolean saturate) { return Fp16.toFp8(t, v, saturate) & 0xff; }

    // ---------------------------------------------------------------- FP8: hand-computed points

    @Test
    void e4m3fnPoints() {
        DataType t = DataType.FLOAT8E4M3FN;
        assertThat(f8(t, 1.0, true)).isEqualTo(0x38);
        assertThat(f8(t, -2.0, true)).isEqualTo(0xc0);
        assertThat(f8(t, 448, true)).isEqualTo(0x7e);
        assertThat(f8(t, 464, false)).as("tie between 448 and 480 goes to the even 448").isEqualTo(0x7e);
        assertThat(f8(t, 465, true)).isEqualTo(0x7e);
        assertThat(f8(t, 465, false)).as("rounds to 480, beyond max: NaN").isEqualTo(0x7f);
        assertThat(f8(t, -1e9, true)).isEqualTo(0xfe);
        assertThat(f8(t, -1e9, false)).isEqualTo(0xff);
        assertThat(f8(t, Double.POSITIVE_INFINITY, true)).isEqualTo(0x7e);
        assertThat(f8(t, Double.NEGATIVE_INFINITY, true)).isEqualTo(0xfe);
        assertThat(f8(t, Double.POSITIVE_INFINITY, false)).isEqualTo(0x7f);
        assertThat(f8(t, Double.NaN, true)).isEqualTo(0x7f);
        assertThat(f8(t, Double.longBitsToDouble(0xfff8000000000000L), false)).as("NaN keeps its sign").isEqualTo(0xff);
        assertThat(f8(t, -0.0, true)).isEqualTo(0x80);
        assertThat(f8(t, 0x1p-9, true)).as("smallest subnormal").isEqualTo(0x01);
        assertThat(f8(t, 0x1p-10, true)).as("half the smallest subnormal ties to 0").isEqualTo(0x00);
        assertThat(f8(t, 0x1.0000001p-10, true)).isEqualTo(0x01);
        assertThat(f8(t, 1.5 * 0x1p-9, true)).as("tie 1 vs 2 quanta goes to 2").isEqualTo(0x02);
        assertThat(f8(t, 2.5 * 0x1p-9, true)).as("tie 2 vs 3 quanta goes to 2").isEqualTo(0x02);
        assertThat(f8(t, 7 * 0x1p-9, true)).as("largest subnormal").isEqualTo(0x07);
        assertThat(f8(t, 0x1p-6, true)).as("smallest normal").isEqualTo(0x08);
        assertThat(f8(t, 1.0625, true)).as("tie 1.0 vs 1.125 goes to 1.0").isEqualTo(0x38);
        assertThat(f8(t, 1.1875, true)).as("tie 1.125 vs 1.25 goes to 1.25").isEqualTo(0x3a);
        assertThat(Fp16.fp8ToFloat(t, (byte) 0x7e)).isEqualTo(448f);
        assertThat(Fp16.fp8ToFloat(t, (byte) 0x7f)).isNaN();
        assertThat(Fp16.fp8ToFloat(t, (byte) 0xff)).isNaN();
        assertThat(Fp16.fp8ToFloat(t, (byte) 0x78)).as("S.1111.000 is a number in E4M3FN").isEqualTo(256f);
        assertThat(Fp16.fp8ToFloat(t, (byte) 0x01)).isEqualTo(0x1p-9f);
        assertThat(Float.floatToRawIntBits(Fp16.fp8ToFloat(t, (byte) 0x80))).isEqualTo(0x80000000);
    }

    @Test
    void e4m3fnuzPoints() {
        DataType t = DataType.FLOAT8E4M3FNUZ;
        assertThat(f8(t, 1.0, true)).isEqualTo(0x40);
        assertThat(f8(t, 240, true)).isEqualTo(0x7f);
        assertThat(f8(t, 248, true)).isEqualTo(0x7f);
        assertThat(f8(t, 248, false)).as("tie between 240 (odd) and 256 goes up, beyond max: NaN").isEqualTo(0x80);
        assertThat(f8(t, 247, false)).isEqualTo(0x7f);
        assertThat(f8(t, Double.NaN, true)).isEqualTo(0x80);
        assertThat(f8(t, Double.POSITIVE_INFINITY, true)).isEqualTo(0x7f);
        assertThat(f8(t, Double.NEGATIVE_INFINITY, true)).isEqualTo(0xff);
        assertThat(f8(t, Double.NEGATIVE_INFINITY, false)).isEqualTo(0x80);
        assertThat(f8(t, -0.0, true)).as("no negative zero").isEqualTo(0x00);
        assertThat(f8(t, -0x1p-12, true)).as("a negative value rounding to zero is +0").isEqualTo(0x00);
        assertThat(f8(t, 0x1p-10, true)).isEqualTo(0x01);
        assertThat(Fp16.fp8ToFloat(t, (byte) 0x80)).isNaN();
        assertThat(Fp16.fp8ToFloat(t, (byte) 0xff)).isEqualTo(-240f);
        assertThat(Fp16.fp8ToFloat(t, (byte) 0x01)).isEqualTo(0x1p-10f);
    }

    @Test
    void e5m2Points() {
        DataType t = DataType.FLOAT8E5M2;
        assertThat(f8(t, 1.0, true)).isEqualTo(0x3c);
        assertThat(f8(t, 57344, true)).isEqualTo(0x7b);
        assertThat(f8(t, 60000, false)).isEqualTo(0x7b);
        assertThat(f8(t, 61440, false)).as("tie between 57344 (odd) and 65536 goes up: Inf").isEqualTo(0x7c);
        assertThat(f8(t, 61440, true)).isEqualTo(0x7b);
        assertThat(f8(t, -1e6, false)).isEqualTo(0xfc);
        assertThat(f8(t, Double.POSITIVE_INFINITY, false)).isEqualTo(0x7c);
        assertThat(f8(t, Double.NEGATIVE_INFINITY, false)).isEqualTo(0xfc);
        assertThat(f8(t, Double.NEGATIVE_INFINITY, true)).isEqualTo(0xfb);
        assertThat(f8(t, Double.NaN, true)).isEqualTo(0x7f);
        assertThat(f8(t, -0.0, true)).isEqualTo(0x80);
        assertThat(f8(t, 0x1p-16, true)).isEqualTo(0x01);
        assertThat(Fp16.fp8ToFloat(t, (byte) 0x7c)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Fp16.fp8ToFloat(t, (byte) 0xfc)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(Fp16.fp8ToFloat(t, (byte) 0x7d)).isNaN();
        assertThat(Fp16.fp8ToFloat(t, (byte) 0x7b)).isEqualTo(57344f);
    }

    @Test
    void e5m2fnuzPoints() {
        DataType t = DataType.FLOAT8E5M2FNUZ;
        assertThat(f8(t, 1.0, true)).isEqualTo(0x40);
        assertThat(f8(t, 57344, false)).isEqualTo(0x7f);
        assertThat(f8(t, 1e6, true)).isEqualTo(0x7f);
        assertThat(f8(t, -1e6, true)).isEqualTo(0xff);
        assertThat(f8(t, 1e6, false)).isEqualTo(0x80);
        assertThat(f8(t, Double.POSITIVE_INFINITY, false)).isEqualTo(0x80);
        assertThat(f8(t, Double.NaN, false)).isEqualTo(0x80);
        assertThat(f8(t, -0.0, false)).isEqualTo(0x00);
        assertThat(f8(t, 0x1p-17, true)).isEqualTo(0x01);
        assertThat(Fp16.fp8ToFloat(t, (byte) 0x7f)).isEqualTo(57344f);
        assertThat(Fp16.fp8ToFloat(t, (byte) 0x80)).isNaN();
    }

    @Test
    void theLegacyParameterisedApiAgrees() {
        assertThat(Fp16.floatToFp8(465f, 4, 3, true, false, false)).isEqualTo((byte) 0x7f);
        assertThat(Fp16.floatToFp8(1f, 5, 2, true, true, true)).isEqualTo((byte) 0x40);
        assertThat(Fp16.fp8ToFloat((byte) 0x7c, 5, 2, false, false)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Fp16.fp8ToFloat((byte) 0x38, 4, 3, true, false)).isEqualTo(1f);
        assertThat(Fp16.isFp8(DataType.FLOAT8E5M2)).isTrue();
        assertThat(Fp16.isFp8(DataType.FLOAT16)).isFalse();
    }

    // ---------------------------------------------------------------- FP8: against a brute-force oracle

    /** The finite values of a type by code, and the first value beyond max ("virtual" code maxCode+1). */
    private record Grid(List<Integer> codes, List<Double> values, int maxCode, double beyond) {}

    private static Grid grid(DataType t) {
        List<Integer> codes = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        int maxCode = 0;
        for (int c = 0; c < 0x80; c++) {
            float v = Fp16.fp8ToFloat(t, (byte) c);
            if (Float.isNaN(v) || Float.isInfinite(v)) continue;
            codes.add(c);
            values.add((double) v);
            maxCode = c;
        }
        double max = values.get(values.size() - 1);
        double ulp = max - values.get(values.size() - 2);
        return new Grid(codes, values, maxCode, max + ulp);
    }

    /** Nearest code to |x| among the finite codes and the virtual one beyond max, ties to the even code; -1 = overflow. */
    private static int oracle(Grid g, double ax) {
        int best = -1;
        double bestErr = Double.POSITIVE_INFINITY;
        for (int i = 0; i <= g.codes().size(); i++) {
            int code = i < g.codes().size() ? g.codes().get(i) : g.maxCode() + 1;
            double v = i < g.codes().size() ? g.values().get(i) : g.beyond();
            double err = Math.abs(v - ax);
            if (err < bestErr || err == bestErr && (code & 1) == 0) {
                best = code;
                bestErr = err;
            }
        }
        return best == g.maxCode() + 1 ? -1 : best;
    }

    private static int expected(DataType t, Grid g, double x, boolean saturate) {
        boolean fnuz = t == DataType.FLOAT8E4M3FNUZ || t == DataType.FLOAT8E5M2FNUZ;
        int sign = x < 0 || x == 0 && 1 / x < 0 ? 0x80 : 0;
        int code = oracle(g, Math.abs(x));
        if (code < 0) {
            if (saturate) return sign | g.maxCode();
            if (t == DataType.FLOAT8E5M2) return sign | 0x7c;
            return fnuz ? 0x80 : sign | 0x7f;
        }
        if (fnuz && code == 0) return 0;
        return sign | code;
    }

    @Test
    void everyCodeRoundTripsAndMidpointsTieToEven() {
        for (DataType t : FP8) {
            Grid g = grid(t);
            for (int c = 0; c < 256; c++) {
                float v = Fp16.fp8ToFloat(t, (byte) c);
                if (Float.isNaN(v)) continue;
                assertThat(f8(t, v, false)).as("%s code 0x%02x (%s)", t, c, v).isEqualTo(c);
            }
            List<Double> vs = new ArrayList<>(g.values());
            vs.add(g.beyond());
            for (int i = 0; i + 1 < vs.size(); i++) {
                double mid = (vs.get(i) + vs.get(i + 1)) / 2;
                for (double x : new double[] {mid, Math.nextDown(mid), Math.nextUp(mid), -mid, -Math.nextUp(mid)})
                    for (boolean sat : new boolean[] {true, false})
                        assertThat(f8(t, x, sat)).as("%s %s saturate=%s", t, x, sat).isEqualTo(expected(t, g, x, sat));
            }
        }
    }

    @Test
    void randomValuesMatchTheOracle() {
        Random r = new Random(12345);
        for (DataType t : FP8) {
            Grid g = grid(t);
            for (int i = 0; i < 20_000; i++) {
                double x = r.nextGaussian() * Math.scalb(1.0, r.nextInt(44) - 24);
                boolean sat = r.nextBoolean();
                assertThat(f8(t, x, sat)).as("%s %s saturate=%s", t, x, sat).isEqualTo(expected(t, g, x, sat));
            }
        }
    }

    // ---------------------------------------------------------------- FP4 E2M1

    @Test
    void fp4E2m1() {
        float[] table = {0f, 0.5f, 1f, 1.5f, 2f, 3f, 4f, 6f};
        for (int c = 0; c < 8; c++) {
            assertThat(Fp16.fp4ToFloat(c)).isEqualTo(table[c]);
            assertThat(Fp16.fp4ToFloat(c | 8)).isEqualTo(-table[c]);
            assertThat(Fp16.toFp4(table[c])).isEqualTo(c);
        }
        assertThat(Fp16.toFp4(0.25)).as("tie 0 vs 0.5 goes to 0").isEqualTo(0);
        assertThat(Fp16.toFp4(0.26)).isEqualTo(1);
        assertThat(Fp16.toFp4(0.75)).as("tie 0.5 vs 1 goes to 1").isEqualTo(2);
        assertThat(Fp16.toFp4(1.25)).isEqualTo(2);
        assertThat(Fp16.toFp4(1.75)).isEqualTo(4);
        assertThat(Fp16.toFp4(2.5)).isEqualTo(4);
        assertThat(Fp16.toFp4(3.5)).isEqualTo(6);
        assertThat(Fp16.toFp4(5.0)).as("tie 4 vs 6 goes to 4").isEqualTo(6);
        assertThat(Fp16.toFp4(5.01)).isEqualTo(7);
        assertThat(Fp16.toFp4(100)).as("saturates").isEqualTo(7);
        assertThat(Fp16.toFp4(-100)).isEqualTo(0xf);
        assertThat(Fp16.toFp4(Double.NEGATIVE_INFINITY)).isEqualTo(0xf);
        assertThat(Fp16.toFp4(Double.NaN)).isEqualTo(7);
        assertThat(Fp16.toFp4(-0.0)).isEqualTo(8);
        assertThat(Fp16.toFp4(-0.1)).isEqualTo(8);
    }

    // ---------------------------------------------------------------- half and bfloat16

    @Test
    void halfFromFloatAndDouble() {
        assertThat(Fp16.floatToHalf(1f)).isEqualTo((short) 0x3c00);
        assertThat(Fp16.floatToHalf(65504f)).isEqualTo((short) 0x7bff);
        assertThat(Fp16.doubleToHalf(65519.99)).isEqualTo((short) 0x7bff);
        assertThat(Fp16.doubleToHalf(65520)).as("rounds up to Inf").isEqualTo((short) 0x7c00);
        assertThat(Fp16.doubleToHalf(-1e10)).isEqualTo((short) 0xfc00);
        assertThat(Fp16.doubleToHalf(0x1p-24)).as("smallest subnormal").isEqualTo((short) 0x0001);
        assertThat(Fp16.doubleToHalf(0x1p-25)).as("tie with zero").isEqualTo((short) 0x0000);
        assertThat(Fp16.doubleToHalf(0x1.00000000001p-25)).isEqualTo((short) 0x0001);
        assertThat(Fp16.doubleToHalf(3 * 0x1p-25)).as("tie 1 vs 2 quanta").isEqualTo((short) 0x0002);
        assertThat(Fp16.doubleToHalf(-0.0)).isEqualTo((short) 0x8000);
        assertThat(Fp16.doubleToHalf(Double.NaN)).isEqualTo((short) 0x7e00);
        assertThat(Fp16.doubleToHalf(Double.NEGATIVE_INFINITY)).isEqualTo((short) 0xfc00);
        assertThat(Fp16.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(Fp16.halfToFloat((short) 0x7e00)).isNaN();
        // 1 + 2^-11 + 2^-40 lies just above the midpoint of 1 and 1 + 2^-10; rounding to float first loses that
        double d = 1 + 0x1p-11 + 0x1p-40;
        assertThat(Fp16.floatToHalf((float) d)).isEqualTo((short) 0x3c00);
        assertThat(Fp16.doubleToHalf(d)).isEqualTo((short) 0x3c01);
        Random r = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (!Float.isNaN(f)) assertThat(Fp16.doubleToHalf(f)).as("%s", f).isEqualTo(Fp16.floatToHalf(f));
        }
    }

    @Test
    void bfloat16FromFloatAndDouble() {
        assertThat(Fp16.floatToBf16(1f)).isEqualTo((short) 0x3f80);
        assertThat(Fp16.floatToBf16(1 + 0x1p-8f)).as("tie goes to even").isEqualTo((short) 0x3f80);
        assertThat(Fp16.floatToBf16(1 + 3 * 0x1p-8f)).isEqualTo((short) 0x3f82);
        assertThat(Fp16.floatToBf16(Float.MAX_VALUE)).isEqualTo((short) 0x7f80);
        assertThat(Fp16.floatToBf16(Float.NaN)).isEqualTo((short) 0x7fc0);
        assertThat(Fp16.floatToBf16(Float.intBitsToFloat(0xff800001))).as("signalling NaN stays NaN, sign kept").isEqualTo((short) 0xffc0);
        assertThat(Fp16.bf16ToFloat((short) 0xc040)).isEqualTo(-3f);
        double d = 1 + 0x1p-8 + 0x1p-40;
        assertThat(Fp16.floatToBf16((float) d)).isEqualTo((short) 0x3f80);
        assertThat(Fp16.doubleToBf16(d)).isEqualTo((short) 0x3f81);
        assertThat(Fp16.doubleToBf16(-1e300)).isEqualTo((short) 0xff80);
        assertThat(Fp16.doubleToBf16(Double.NaN)).isEqualTo((short) 0x7fc0);
        assertThat(Fp16.doubleToBf16(0x1p-133)).as("smallest bf16 subnormal").isEqualTo((short) 0x0001);
        Random r = new Random(4);
        for (int i = 0; i < 20_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (!Float.isNaN(f)) assertThat(Fp16.doubleToBf16(f)).as("%s", f).isEqualTo(Fp16.floatToBf16(f));
        }
    }
}
