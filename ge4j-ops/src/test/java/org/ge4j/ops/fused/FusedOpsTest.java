package org.ge4j.ops.fused;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Node;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.util.NodeRunner;
import org.junit.jupiter.api.Test;

class FusedOpsTest {
    private static final NodeRunner RUN = new NodeRunner(OpRegistry.global());

    private static Tensor fused(String type, Map<String, Attr> attrs, Tensor... inputs) {
        List<Value> out = RUN.run(Node.GE4J_DOMAIN, type, 1, attrs, Arrays.asList(inputs), 1);
        return (Tensor) out.get(0);
    }

    private static Tensor onnx(String type, int opset, Map<String, Attr> attrs, Tensor... inputs) {
        return (Tensor) RUN.run(type, opset, attrs, Arrays.asList(inputs), 1).get(0);
    }

    private static Map<String, Attr> attrs(Object... kv) {
        Map<String, Attr> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            m.put((String) kv[i], switch (v) {
                case Long l -> new Attr.Int(l);
                case Integer n -> new Attr.Int(n);
                case Float f -> new Attr.Float(f);
                case String s -> new Attr.Str(s);
                case long[] a -> new Attr.Ints(a);
                case float[] a -> new Attr.Floats(a);
                default -> throw new IllegalArgumentException(String.valueOf(v));
            });
        }
        return m;
    }

    private static Tensor random(Random r, long... shape) {
        float[] v = new float[(int) org.ge4j.ir.Shape.elementCount(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return Tensor.of(v, shape);
    }

    // ---------------------------------------------------------------- Gelu

    @Test
    void erfMatchesKnownValues() {
        assertThat(FusedMath.erf(0.5)).isCloseTo(0.5204998778130465, within(1e-15));
        assertThat(FusedMath.erf(2.9)).isCloseTo(0.9999589021219005, within(1e-15));
        assertThat(FusedMath.erf(3.5)).isCloseTo(0.9999992569016276, within(1e-15));
        assertThat(FusedMath.erf(-4)).isCloseTo(-0.9999999845827421, within(1e-15));
        assertThat(FusedMath.erf(1e-3)).isCloseTo(0.0011283787909692365, within(1e-18));
        assertThat(FusedMath.erf(Double.NaN)).isNaN();
    }

    @Test
    void geluErfAndTanhForms() {
        Tensor x = Tensor.of(new double[] {-1, 0, 1, 2});
        assertThat(fused("Gelu", attrs(), x).toDoubleArray())
                .containsExactly(new double[] {-0.15865525393145707, 0.0, 0.8413447460685429, 1.9544997361036416}, within(1e-14));
        assertThat(fused("Gelu", attrs("approximate", "tanh"), x).toDoubleArray())
                .containsExactly(new double[] {-0.15880800939172324, 0.0, 0.8411919906082768, 1.954597694087775}, within(1e-14));
        Tensor f = fused("Gelu", attrs(), Tensor.of(new float[] {1f}, 1));
        assertThat(f.dtype()).isEqualTo(DataType.FLOAT);
        assertThat(f.toFloatArray()[0]).isEqualTo(0.8413447460685429f);
    }

    @Test
    void geluRejectsUnknownApproximation() {
        assertThatThrownBy(() -> fused("Gelu", attrs("approximate", "fast"), Tensor.of(new float[] {1f}, 1)))
                .isInstanceOf(OpException.class).hasMessageContaining("'approximate'").hasMessageContaining("fast");
    }

    // ---------------------------------------------------------------- FusedMatMul

    @Test
    void fusedMatMulAddsBiasThenActivation() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, -1, -2, -3}, 2, 3);
        Tensor b = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
        Tensor bias = Tensor.of(new float[] {0.5f, -10});
        // A@B = [[4, 5], [-4, -5]]; + bias = [[4.5, -5], [-3.5, -15]]
        assertThat(fused("FusedMatMul", attrs(), a, b, bias).toFloatArray()).containsExactly(4.5f, -5f, -3.5f, -15f);
        assertThat(fused("FusedMatMul", attrs("activation", "Relu"), a, b, bias).toFloatArray()).containsExactly(4.5f, 0f, 0f, 0f);
        assertThat(fused("FusedMatMul", attrs("alpha", 2f), a, b).toFloatArray()).containsExactly(8f, 10f, -8f, -10f);
        Tensor leaky = fused("FusedMatMul", attrs("activation", "LeakyRelu", "activation_params", new float[] {0.1f}), a, b, bias);
        assertThat(leaky.toFloatArray()).containsExactly(new float[] {4.5f, -0.5f, -0.35f, -1.5f}, within(1e-6f));
    }

    @Test
    void fusedMatMulTransposesAndBroadcastsBatches() {
        // A [2,1,3] (two batches), B^T given as [2,3] with trans_b: result [2,1,2]
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 1, 3);
        Tensor bt = Tensor.of(new float[] {1, 1, 1, 0, 0, 1}, 2, 3);
        Tensor y = fused("FusedMatMul", attrs("trans_b", 1L), a, bt);
        assertThat(y.shape()).containsExactly(2, 1, 2);
        assertThat(y.toFloatArray()).containsExactly(6f, 3f, 15f, 6f);
        // 1-D B: [3] -> result [2,1]
        Tensor v = fused("FusedMatMul", attrs(), a, Tensor.of(new float[] {1, 0, -1}));
        assertThat(v.shape()).containsExactly(2, 1);
        assertThat(v.toFloatArray()).containsExactly(-2f, -2f);
    }

    @Test
    void fusedMatMulEqualsOnnxMatMulOnRandomBatches() {
        Random r = new Random(7);
        Tensor a = random(r, 3, 1, 4, 5), b = random(r, 2, 5, 6);
        Tensor ref = onnx("MatMul", 13, Map.of(), a, b);
        Tensor got = fused("FusedMatMul", attrs(), a, b);
        assertThat(got.shape()).containsExactly(ref.shape());
        assertThat(got.toFloatArray()).containsExactly(ref.toFloatArray(), within(1e-5f));
    }

    @Test
    void fusedMatMulRejectsMismatchedShapes() {
        assertThatThrownBy(() -> fused("FusedMatMul", attrs(), Tensor.of(new float[6], 2, 3), Tensor.of(new float[8], 4, 2)))
                .isInstanceOf(OpException.class).hasMessageContaining("cannot be multiplied");
        assertThatThrownBy(() -> fused("FusedMatMul", attrs(), Tensor.of(new float[6], 2, 3), Tensor.of(new float[6], 3, 2), Tensor.of(new float[3], 3)))
                .isInstanceOf(OpException.class).hasMessageContaining("'Bias'");
        assertThatThrownBy(() -> fused("FusedMatMul", attrs("activation", "Swish"), Tensor.of(new float[6], 2, 3), Tensor.of(new float[6], 3, 2)))
                .isInstanceOf(OpException.class).hasMessageContaining("'activation'");
    }

    // ---------------------------------------------------------------- FusedConv

    private static Tensor image() { return Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3); }

    @Test
    void fusedConvBiasResidualAndActivation() {
        Tensor w = Tensor.of(new float[] {1, 1, 1, 1}, 1, 1, 2, 2);
        // window sums 12, 16, 24, 28, plus bias 1
        assertThat(fused("FusedConv", attrs(), image(), w, Tensor.of(new float[] {1}, 1)).toFloatArray()).containsExactly(13f, 17f, 25f, 29f);
        Tensor z = Tensor.of(new float[] {-20, 0, -30, 1}, 1, 1, 2, 2);
        Tensor y = fused("FusedConv", attrs("has_residual", 1L, "activation", "Relu"), image(), w, Tensor.of(new float[] {1}, 1), z);
        assertThat(y.toFloatArray()).containsExactly(0f, 17f, 0f, 30f);
        Tensor clip = fused("FusedConv", attrs("activation", "Clip", "activation_params", new float[] {0f, 6f}), image(), w);
        assertThat(clip.toFloatArray()).containsExactly(6f, 6f, 6f, 6f);
    }

    @Test
    void fusedConvPadsStridesAutoPadAndGroups() {
        Tensor w = Tensor.of(new float[] {1, 1, 1, 1}, 1, 1, 2, 2);
        Tensor y = fused("FusedConv", attrs("pads", new long[] {1, 1, 1, 1}, "strides", new long[] {2, 2}), image(), w);
        assertThat(y.shape()).containsExactly(1, 1, 2, 2);
        assertThat(y.toFloatArray()).containsExactly(1f, 5f, 11f, 28f);
        Tensor same = fused("FusedConv", attrs("auto_pad", "SAME_UPPER"), image(), w);
        assertThat(same.shape()).containsExactly(1, 1, 3, 3);
        assertThat(same.toFloatArray()).containsExactly(12f, 16f, 9f, 24f, 28f, 15f, 15f, 17f, 9f);
        // depthwise: 2 channels, group 2, 1x1 kernels scaling by 2 and -1
        Tensor x2 = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 2, 2, 2);
        Tensor dw = Tensor.of(new float[] {2, -1}, 2, 1, 1, 1);
        assertThat(fused("FusedConv", attrs("group", 2L), x2, dw).toFloatArray()).containsExactly(2f, 4f, 6f, 8f, -5f, -6f, -7f, -8f);
    }

    @Test
    void fusedConvEqualsOnnxConvOnRandomInputs() {
        Random r = new Random(11);
        Tensor x = random(r, 2, 4, 7, 6), w = random(r, 6, 2, 3, 3), b = random(r, 6);
        Map<String, Attr> conv = attrs("group", 2L, "pads", new long[] {1, 0, 2, 1}, "strides", new long[] {2, 1}, "dilations", new long[] {1, 2});
        Tensor ref = onnx("Conv", 11, conv, x, w, b);
        Tensor got = fused("FusedConv", conv, x, w, b);
        assertThat(got.shape()).containsExactly(ref.shape());
        assertThat(got.toFloatArray()).containsExactly(ref.toFloatArray(), within(1e-4f));
    }

    @Test
    void fusedConvChecksResidualFlagAndChannels() {
        Tensor w = Tensor.of(new float[] {1, 1, 1, 1}, 1, 1, 2, 2);
        assertThatThrownBy(() -> fused("FusedConv", attrs("has_residual", 1L), image(), w))
                .isInstanceOf(OpException.class).hasMessageContaining("'has_residual'");
        assertThatThrownBy(() -> fused("FusedConv", attrs(), image(), Tensor.of(new float[8], 1, 2, 2, 2)))
                .isInstanceOf(OpException.class).hasMessageContaining("channels");
    }

    // ---------------------------------------------------------------- LayerNormalization

    @Test
    void layerNormOverLastAxisWithScaleAndBias() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 0, 0, 4, 4}, 2, 4);
        double s = Math.sqrt(1.25);
        Tensor y = fused("LayerNormalization", attrs("epsilon", 0f), x);
        assertThat(y.toDoubleArray()).containsExactly(new double[] {-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s, -1, -1, 1, 1}, within(1e-12));
        Tensor scaled = fused("LayerNormalization", attrs("epsilon", 0f), x, Tensor.of(new double[] {1, 2, 1, 2}), Tensor.of(new double[] {1}));
        assertThat(scaled.toDoubleArray()).containsExactly(new double[] {1 - 1.5 / s, 1 - 1.0 / s, 1 + 0.5 / s, 1 + 3.0 / s, 0, -1, 2, 3}, within(1e-12));
    }

    @Test
    void layerNormOverTrailingDimsAndEpsilon() {
        // axis 1 of [1,2,2]: normalise all four values together
        Tensor x = Tensor.of(new double[] {0, 0, 0, 4}, 1, 2, 2);
        Tensor y = fused("LayerNormalization", attrs("axis", 1L, "epsilon", 1f), x);
        // mean 1, var 3, sqrt(3 + 1) = 2
        assertThat(y.toDoubleArray()).containsExactly(new double[] {-0.5, -0.5, -0.5, 1.5}, within(1e-12));
        assertThatThrownBy(() -> fused("LayerNormalization", attrs("axis", 3L), x)).isInstanceOf(OpException.class).hasMessageContaining("'axis'");
    }

    // ---------------------------------------------------------------- Attention

    @Test
    void attentionSoftmaxOfScaledScoresTimesValues() {
        double e = Math.E;
        Tensor q = Tensor.of(new double[] {1, 0}, 1, 1, 2);
        Tensor k = Tensor.of(new double[] {1, 0, 2, 1}, 1, 2, 2);      // keys [1,0] and [2,1]: scores 1 and 2
        Tensor v = Tensor.of(new double[] {1, 2, 3, 4}, 1, 2, 2);
        double p0 = 1 / (1 + e), p1 = e / (1 + e);
        Tensor y = fused("Attention", attrs(), q, k, v);
        assertThat(y.shape()).containsExactly(1, 1, 2);
        assertThat(y.toDoubleArray()).containsExactly(new double[] {p0 + 3 * p1, 2 * p0 + 4 * p1}, within(1e-12));
        Tensor kt = Tensor.of(new double[] {1, 2, 0, 1}, 1, 2, 2);     // the same keys, given transposed
        assertThat(fused("Attention", attrs("k_transposed", 1L), q, kt, v).toDoubleArray()).containsExactly(new double[] {p0 + 3 * p1, 2 * p0 + 4 * p1}, within(1e-12));
        // scale 0 gives the mean of the values; a -inf mask selects the first key only
        assertThat(fused("Attention", attrs("scale", 0f), q, k, v).toDoubleArray()).containsExactly(new double[] {2, 3}, within(1e-12));
        Tensor mask = Tensor.of(new double[] {0, Double.NEGATIVE_INFINITY}, 1, 1, 2);
        assertThat(fused("Attention", attrs(), q, k, v, mask).toDoubleArray()).containsExactly(new double[] {1, 2}, within(1e-12));
    }

    @Test
    void attentionRejectsMismatchedHeads() {
        assertThatThrownBy(() -> fused("Attention", attrs(), Tensor.of(new float[6], 2, 3), Tensor.of(new float[4], 2, 2), Tensor.of(new float[4], 2, 2)))
                .isInstanceOf(OpException.class).hasMessageContaining("do not match");
    }

}
