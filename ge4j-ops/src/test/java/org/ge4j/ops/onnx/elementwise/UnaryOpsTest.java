package org.ge4j.ops.onnx.elementwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.ge4j.ops.onnx.elementwise.Ops.*;

import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.Trait;
import org.junit.jupiter.api.Test;

class UnaryOpsTest {
    private static final float NAN = Float.NaN, INF = Float.POSITIVE_INFINITY;

    @Test void absOnFloatsSignedAndUnsignedInts() {
        assertThat(run("Abs", 13, f32(new float[] {-1.5f, 0f, 2f}, 3)).toFloatArray()).containsExactly(1.5f, 0f, 2f);
        // int8 -128 has no positive counterpart: wraps to -128 as in C
        assertThat(run("Abs", 13, longs(DataType.INT8, new long[] {-3, -128, 5})).toLongArray()).containsExactly(3, -128, 5);
        // uint64 values above 2^63 travel as negative longs and must stay as they are
        assertThat(run("Abs", 13, longs(DataType.UINT64, new long[] {-1, 7})).toLongArray()).containsExactly(-1, 7);
    }

    @Test void negWrapsIntegers() {
        assertThat(run("Neg", 13, longs(DataType.INT8, new long[] {-128, 5})).toLongArray()).containsExactly(-128, -5);
        assertThat(run("Neg", 6, Tensor.of(new double[] {2.5})).toDoubleArray()).containsExactly(-2.5);
    }

    @Test void signOfEveryKind() {
        assertThat(run("Sign", 13, f32(new float[] {-2f, 0f, 3f, NAN}, 4)).toFloatArray()).containsExactly(-1f, 0f, 1f, NAN);
        assertThat(run("Sign", 13, longs(DataType.INT32, new long[] {-9, 0, 4})).toLongArray()).containsExactly(-1, 0, 1);
        assertThat(run("Sign", 13, longs(DataType.UINT64, new long[] {-1, 0})).toLongArray()).containsExactly(1, 0);
    }

    @Test void roundHalvesToEven() {
        float[] x = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.4f, -2.6f};
        assertThat(run("Round", 11, f32(x, 7)).toFloatArray()).containsExactly(0f, 2f, 2f, -0f, -2f, 2f, -3f);
    }

    @Test void ceilFloorReciprocalSqrtOnFloat16() {
        Tensor h = typed(DataType.FLOAT16, new double[] {1.25, -1.25, 4});
        assertThat(run("Ceil", 13, h).toDoubleArray()).containsExactly(2, -1, 4);
        assertThat(run("Floor", 13, h).toDoubleArray()).containsExactly(1, -2, 4);
        assertThat(run("Reciprocal", 13, h).toDoubleArray()).containsExactly(0.7998046875, -0.7998046875, 0.25); // 0.8 in half
        Tensor out = run("Sqrt", 13, h);
        assertThat(out.dtype()).isEqualTo(DataType.FLOAT16);
        assertThat(out.toDoubleArray()[2]).isEqualTo(2.0);
        assertThat(out.toDoubleArray()[1]).isNaN();
    }

    @Test void erfMatchesKnownValues() {
        // erf(0.5) = 0.520499877813047, erf(1) = 0.842700792949715, erf(2) = 0.995322265018953, erf(-3) = -0.999977909503001
        double[] r = run("Erf", 13, Tensor.of(new double[] {0, 0.5, 1, 2, -3, 7})).toDoubleArray();
        assertThat(r[0]).isEqualTo(0.0);
        assertThat(r[1]).isCloseTo(0.520499877813047, within(1e-14));
        assertThat(r[2]).isCloseTo(0.842700792949715, within(1e-14));
        assertThat(r[3]).isCloseTo(0.995322265018953, within(1e-14));
        assertThat(r[4]).isCloseTo(-0.999977909503001, within(1e-14));
        assertThat(r[5]).isEqualTo(1.0);
        // integers go through double and truncate: erf(1) = 0.84 -> 0, erf(9) = 1
        assertThat(run("Erf", 13, longs(DataType.INT32, new long[] {1, 9})).toLongArray()).containsExactly(0, 1);
    }

    @Test void inverseHyperbolics() {
        double[] as = run("Asinh", 9, Tensor.of(new double[] {-1, 0, 2})).toDoubleArray();
        assertThat(as[0]).isCloseTo(-0.881373587019543, within(1e-14));
        assertThat(as[2]).isCloseTo(1.443635475178810, within(1e-14));
        double[] ac = run("Acosh", 9, Tensor.of(new double[] {1, 2, 0.5})).toDoubleArray();
        assertThat(ac[0]).isEqualTo(0.0);
        assertThat(ac[1]).isCloseTo(1.316957896924816, within(1e-14));
        assertThat(ac[2]).isNaN();
        double[] at = run("Atanh", 9, Tensor.of(new double[] {0.5, -0.5, 1})).toDoubleArray();
        assertThat(at[0]).isCloseTo(0.549306144334055, within(1e-14));
        assertThat(at[1]).isCloseTo(-0.549306144334055, within(1e-14));
        assertThat(at[2]).isInfinite();
    }

    @Test void trigAndExp() {
        double[] r = run("Tan", 7, Tensor.of(new double[] {Math.PI / 4})).toDoubleArray();
        assertThat(r[0]).isCloseTo(1.0, within(1e-15));
        assertThat(run("Exp", 13, f32(new float[] {0f, 1f}, 2)).toFloatArray()).containsExactly(1f, 2.7182817f);
        assertThat(run("Log", 13, f32(new float[] {1f, 0f, -1f}, 3)).toFloatArray()).containsExactly(0f, Float.NEGATIVE_INFINITY, NAN);
    }

    @Test void reluOnFloatsAndInts() {
        assertThat(run("Relu", 14, f32(new float[] {-1f, 0f, 3f, NAN}, 4)).toFloatArray()).containsExactly(0f, 0f, 3f, NAN);
        assertThat(run("Relu", 14, longs(DataType.INT64, new long[] {-5, 6})).toLongArray()).containsExactly(0, 6);
    }

    @Test void activationsWithAttributes() {
        Tensor x = Tensor.of(new double[] {-2, -0.25, 0, 0.25, 2});
        // Elu alpha=2: x<0 -> 2*(e^x - 1)
        double[] elu = run("Elu", 6, attrs("alpha", 2.0f), x).toDoubleArray();
        assertThat(elu[0]).isCloseTo(2 * (Math.exp(-2) - 1), within(1e-15));
        assertThat(elu[4]).isEqualTo(2.0);
        // LeakyRelu default alpha 0.01 (as float)
        assertThat(run("LeakyRelu", 16, x).toDoubleArray()[0]).isCloseTo(-0.02, within(1e-9));
        // HardSigmoid defaults 0.2x+0.5 clipped: -2 -> 0.1, 2 -> 0.9
        double[] hs = run("HardSigmoid", 6, x).toDoubleArray();
        assertThat(hs[0]).isCloseTo(0.1, within(1e-7));
        assertThat(hs[4]).isCloseTo(0.9, within(1e-7));
        assertThat(run("HardSigmoid", 6, attrs("alpha", 1.0f, "beta", 0.0f), x).toDoubleArray()).containsExactly(0, 0, 0, 0.25, 1);
        // ThresholdedRelu alpha=0.1: keeps x > 0.1
        assertThat(run("ThresholdedRelu", 10, attrs("alpha", 0.1f), x).toDoubleArray()).containsExactly(0, 0, 0, 0.25, 2);
        // Shrink lambd=0.5 bias=1: -2 -> -1, 2 -> 1, small -> 0
        assertThat(run("Shrink", 9, attrs("lambd", 0.5f, "bias", 1.0f), x).toDoubleArray()).containsExactly(-1, 0, 0, 0, 1);
        // Selu opset 6 defaults
        double[] selu = run("Selu", 6, x).toDoubleArray();
        assertThat(selu[4]).isCloseTo(2 * 1.0507010221481323, within(1e-12));
        assertThat(selu[0]).isCloseTo(1.0507010221481323 * 1.6732631921768188 * (Math.exp(-2) - 1), within(1e-12));
        // Celu alpha=2: x<0 -> 2*(e^(x/2) - 1)
        double[] celu = run("Celu", 12, attrs("alpha", 2.0f), f32(new float[] {-2f, 3f}, 2)).toDoubleArray();
        assertThat(celu[0]).isCloseTo(2 * (Math.exp(-1) - 1), within(1e-6));
        assertThat(celu[1]).isEqualTo(3.0);
    }

    @Test void shrinkOnIntegers() {
        assertThat(run("Shrink", 9, attrs("lambd", 1.5f, "bias", 1.5f), longs(DataType.INT8, new long[] {-3, -1, 0, 2, 5})).toLongArray())
                .containsExactly(-1, 0, 0, 0, 3);
    }

    @Test void smoothActivations() {
        double[] sp = run("Softplus", 1, Tensor.of(new double[] {0, 1000, -1000})).toDoubleArray();
        assertThat(sp[0]).isCloseTo(Math.log(2), within(1e-15));
        assertThat(sp[1]).isEqualTo(1000.0); // no overflow
        assertThat(sp[2]).isEqualTo(0.0);
        assertThat(run("Softsign", 1, Tensor.of(new double[] {-3, 1})).toDoubleArray()).containsExactly(-0.75, 0.5);
        double[] sg = run("Sigmoid", 13, Tensor.of(new double[] {0, -800, 800})).toDoubleArray();
        assertThat(sg).containsExactly(0.5, 0.0, 1.0);
        assertThat(run("HardSwish", 14, Tensor.of(new double[] {-4, 0, 1.5, 4})).toDoubleArray()).containsExactly(-0.0, 0, 1.5 * 0.75, 4);
        double[] mish = run("Mish", 18, Tensor.of(new double[] {1})).toDoubleArray();
        assertThat(mish[0]).isCloseTo(Math.tanh(Math.log1p(Math.E)), within(1e-15));
        double[] gelu = run("Gelu", 20, Tensor.of(new double[] {1})).toDoubleArray();
        assertThat(gelu[0]).isCloseTo(0.841344746068543, within(1e-14)); // 1 * Phi(1)
        double[] geluTanh = run("Gelu", 20, attrs("approximate", "tanh"), Tensor.of(new double[] {1})).toDoubleArray();
        assertThat(geluTanh[0]).isCloseTo(0.841191990607477, within(1e-12));
    }

    @Test void predicates() {
        Tensor x = f32(new float[] {-INF, INF, NAN, 1f}, 4);
        assertThat(run("IsNaN", 13, x).toBooleanArray()).containsExactly(false, false, true, false);
        assertThat(run("IsInf", 10, x).toBooleanArray()).containsExactly(true, true, false, false);
        assertThat(run("IsInf", 10, attrs("detect_negative", 0L), x).toBooleanArray()).containsExactly(false, true, false, false);
        assertThat(run("IsInf", 10, attrs("detect_positive", 0L), x).toBooleanArray()).containsExactly(true, false, false, false);
        assertThat(run("IsInf", 10, x).dtype()).isEqualTo(DataType.BOOL);
    }

    @Test void notAndBitwiseNot() {
        assertThat(run("Not", 1, Tensor.of(new boolean[] {true, false})).toBooleanArray()).containsExactly(false, true);
        assertThat(run("BitwiseNot", 18, longs(DataType.UINT8, new long[] {0, 5, 255})).toLongArray()).containsExactly(255, 250, 0);
        assertThat(run("BitwiseNot", 18, longs(DataType.INT32, new long[] {0, -1, 7})).toLongArray()).containsExactly(-1, 0, -8);
    }

    @Test void inferencePreservesSymbolicShape() {
        TensorDesc d = infer("Tanh", 13, null, new TensorDesc(DataType.FLOAT, Shape.of("N", 3)));
        assertThat(d).isEqualTo(new TensorDesc(DataType.FLOAT, Shape.of("N", 3)));
        TensorDesc b = infer("IsNaN", 13, null, new TensorDesc(DataType.DOUBLE, Shape.of("N", "?")));
        assertThat(b).isEqualTo(new TensorDesc(DataType.BOOL, Shape.of("N", "?")));
    }

    @Test void rejectsTypesOutsideTheVersion() {
        // Abs-1 accepts floats only; bfloat16 appears in opset 13
        assertThatThrownBy(() -> run("Abs", 1, longs(DataType.INT32, new long[] {1})))
                .isInstanceOf(OpException.class).hasMessageContaining("input 0 ('X') has type i32");
        assertThatThrownBy(() -> run("Gelu", 20, attrs("approximate", "fast"), Tensor.of(new double[] {1})))
                .isInstanceOf(OpException.class).hasMessageContaining("'approximate'");
    }

    @Test void versionsAndTraits() {
        OpRegistry r = OpRegistry.global();
        assertThat(r.versions("", "Relu")).extracting(s -> s.sinceVersion()).containsExactly(1, 6, 13, 14);
        assertThat(r.versions("", "Abs")).extracting(s -> s.sinceVersion()).containsExactly(1, 6, 13);
        assertThat(r.schema("", "Selu", 1).attrs()).containsKey("consumed_inputs");
        assertThat(r.schema("", "Relu", 14).traits()).contains(Trait.ELEMENTWISE, Trait.PURE, Trait.IN_PLACE);
        assertThat(r.schema("", "IsNaN", 13).traits()).doesNotContain(Trait.IN_PLACE);
    }
}
