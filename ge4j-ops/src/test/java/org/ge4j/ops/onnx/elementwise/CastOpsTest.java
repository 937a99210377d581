package org.ge4j.ops.onnx.elementwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.elementwise.Ops.*;

import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class CastOpsTest {
    private static Tensor cast(Tensor x, DataType to) { return run("Cast", 13, attrs("to", (long) to.onnxCode()), x); }

    @Test void floatsToIntegersTruncateAndWrap() {
        Tensor x = f32(new float[] {1.9f, -1.9f, 300f, Float.NaN}, 4);
        assertThat(cast(x, DataType.INT32).toLongArray()).containsExactly(1, -1, 300, 0);
        assertThat(cast(x, DataType.UINT8).toLongArray()).containsExactly(1, 255, 44, 0);
        assertThat(cast(x, DataType.BOOL).toBooleanArray()).containsExactly(true, true, true, true);
        assertThat(cast(f32(new float[] {0f, -0f}, 2), DataType.BOOL).toBooleanArray()).containsExactly(false, false);
    }

    @Test void integersAndBoolToFloats() {
        assertThat(cast(longs(DataType.UINT64, new long[] {-1}), DataType.DOUBLE).toDoubleArray()).containsExactly(18446744073709551615.0);
        assertThat(cast(longs(DataType.INT64, new long[] {-3}), DataType.FLOAT16).toDoubleArray()).containsExactly(-3);
        assertThat(cast(Tensor.of(new boolean[] {true, false}), DataType.FLOAT).toFloatArray()).containsExactly(1, 0);
        assertThat(cast(longs(DataType.INT32, new long[] {-1, 256}), DataType.UINT8).toLongArray()).containsExactly(255, 0);
        assertThat(cast(longs(DataType.INT8, new long[] {-1}), DataType.UINT64).toLongArray()).containsExactly(-1);
    }

    @Test void floatWidths() {
        Tensor d = cast(f32(new float[] {0.1f}, 1), DataType.DOUBLE);
        assertThat(d.toDoubleArray()).containsExactly((double) 0.1f);
        assertThat(cast(Tensor.of(new double[] {65520, 1e-8}), DataType.FLOAT16).toDoubleArray()).containsExactly(Double.POSITIVE_INFINITY, 0);
        // bfloat16 keeps 8 bits of mantissa: 1 + 2^-8 rounds to even (1.0), 1 + 3*2^-8 to 1 + 2^-6
        assertThat(cast(f32(new float[] {1 + 0x1p-8f, 1 + 3 * 0x1p-8f}, 2), DataType.BFLOAT16).toDoubleArray()).containsExactly(1, 1 + 0x1p-6);
    }

    @Test void numbersToStringsAsNumpyPrintsThem() {
        Tensor f = f32(new float[] {0.9767611f, 0.039187793f, 1f, 1e-5f, 1.5e16f, 123456f, -0f, Float.NaN, Float.NEGATIVE_INFINITY, 1e-4f}, 10);
        assertThat(cast(f, DataType.STRING).toStringArray())
                .containsExactly("0.9767611", "0.039187793", "1.0", "1e-05", "1.5e+16", "123456.0", "-0.0", "nan", "-inf", "1e-04");
        assertThat(cast(Tensor.of(new double[] {1.0 / 3, 1e15}), DataType.STRING).toStringArray()).containsExactly("0.3333333333333333", "1000000000000000.0");
        assertThat(cast(typed(DataType.FLOAT16, new double[] {1.0 / 3, 65504, 0.1, 1e-4}), DataType.STRING).toStringArray())
                .containsExactly("0.3333", "65500.0", "0.1", "0.0001");
        assertThat(cast(longs(DataType.UINT64, new long[] {-1}), DataType.STRING).toStringArray()).containsExactly("18446744073709551615");
        assertThat(cast(longs(DataType.INT8, new long[] {-7}), DataType.STRING).toStringArray()).containsExactly("-7");
        assertThat(cast(Tensor.of(new boolean[] {true, false}), DataType.STRING).toStringArray()).containsExactly("True", "False");
    }

    @Test void stringsToNumbers() {
        Tensor s = Tensor.of(new String[] {"0.47892547", "NaN", "INF", "+INF", "-INF", "-inf", "1e-5", " 2.5 ", "1E8"});
        float[] f = cast(s, DataType.FLOAT).toFloatArray();
        assertThat(f).containsExactly(0.47892547f, Float.NaN, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.NEGATIVE_INFINITY, 1e-5f, 2.5f, 1e8f);
        assertThat(cast(Tensor.of(new String[] {"12", "-3", "+4", "7.9"}), DataType.INT8).toLongArray()).containsExactly(12, -3, 4, 7);
        assertThat(cast(Tensor.of(new String[] {"18446744073709551615"}), DataType.UINT64).toLongArray()).containsExactly(-1);
        assertThat(cast(Tensor.of(new String[] {"True", "false", "0", "2"}), DataType.BOOL).toBooleanArray()).containsExactly(true, false, false, true);
        assertThat(cast(Tensor.of(new String[] {"a", "b"}), DataType.STRING).toStringArray()).containsExactly("a", "b");
        assertThatThrownBy(() -> cast(Tensor.of(new String[] {"1.0", "abc"}), DataType.FLOAT))
                .isInstanceOf(OpException.class).hasMessageContaining("element 1").hasMessageContaining("\"abc\"");
    }

    @Test void scalarStringRoundTripKeepsRank() {
        Tensor s = cast(Tensor.scalar(2.5f), DataType.STRING);
        assertThat(s.rank()).isZero();
        assertThat(s.toStringArray()).containsExactly("2.5");
    }

    @Test void oldOpsetsNameTheTargetType() {
        assertThat(run("Cast", 1, attrs("to", "INT32"), f32(new float[] {2.7f}, 1)).dtype()).isEqualTo(DataType.INT32);
        // strings arrive in opset 9
        assertThatThrownBy(() -> run("Cast", 6, attrs("to", (long) DataType.STRING.onnxCode()), f32(new float[] {1}, 1)))
                .isInstanceOf(OpException.class).hasMessageContaining("STRING");
        assertThatThrownBy(() -> run("Cast", 13, attrs("to", 99L), f32(new float[] {1}, 1)))
                .isInstanceOf(OpException.class).hasMessageContaining("'to'");
    }

    @Test void float8WithAndWithoutSaturation() {
        Tensor x = f32(new float[] {1000f, -1000f, 1.0f, Float.POSITIVE_INFINITY}, 4);
        // E4M3FN: max 448, no infinities; saturate clamps, otherwise NaN
        Tensor sat = run("Cast", 19, attrs("to", (long) DataType.FLOAT8E4M3FN.onnxCode()), x);
        assertThat(sat.toDoubleArray()).containsExactly(448, -448, 1, 448);
        Tensor raw = run("Cast", 19, attrs("to", (long) DataType.FLOAT8E4M3FN.onnxCode(), "saturate", 0L), x);
        double[] r = raw.toDoubleArray();
        assertThat(r[0]).isNaN();
        assertThat(r[2]).isEqualTo(1.0);
        // E5M2 (max 57344) rounds 1000 to 1024 and keeps infinities for overflow when not saturating
        assertThat(run("Cast", 19, attrs("to", (long) DataType.FLOAT8E5M2.onnxCode()), x).toDoubleArray()).containsExactly(1024, -1024, 1, 57344);
        Tensor big = f32(new float[] {1e5f, -1e5f, 1.0f, Float.POSITIVE_INFINITY}, 4);
        Tensor e5 = run("Cast", 19, attrs("to", (long) DataType.FLOAT8E5M2.onnxCode(), "saturate", 0L), big);
        assertThat(e5.toDoubleArray()).containsExactly(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1, Double.POSITIVE_INFINITY);
    }

    @Test void castLikeTakesTheTargetsType() {
        Tensor r = run("CastLike", 15, f32(new float[] {1.5f, -2.5f}, 2), longs(DataType.INT64, new long[] {0}));
        assertThat(r.dtype()).isEqualTo(DataType.INT64);
        assertThat(r.toLongArray()).containsExactly(1, -2);
        TensorDesc d = infer("CastLike", 15, null, new TensorDesc(DataType.FLOAT, Shape.of("N", 2)), TensorDesc.of(DataType.STRING, 1));
        assertThat(d).isEqualTo(new TensorDesc(DataType.STRING, Shape.of("N", 2)));
        TensorDesc c = infer("Cast", 13, attrs("to", (long) DataType.FLOAT16.onnxCode()), new TensorDesc(DataType.INT64, Shape.of("B")));
        assertThat(c).isEqualTo(new TensorDesc(DataType.FLOAT16, Shape.of("B")));
    }
}
