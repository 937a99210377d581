package org.ge4j.ops.onnx.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.signal.Fixtures.*;

import java.util.List;
import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class RecurrentTest {
    private static double[] fill(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    private static double[] ramp(int n, java.util.function.IntToDoubleFunction f) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = f.applyAsDouble(i);
        return a;
    }

    @Test void lstmDefaultsMatchesSpecExample() {
        Tensor x = f32(shape(1, 3, 2), 1, 2, 3, 4, 5, 6);
        Tensor w = f32(shape(1, 12, 2), fill(24, 0.1));
        Tensor r = f32(shape(1, 12, 3), fill(36, 0.1));
        List<Tensor> out = run("LSTM", 7, attrs("hidden_size", 3), 2, x, w, r);
        assertThat(out.get(1).shape()).containsExactly(1, 3, 3);
        assertValues(out.get(1), 1e-6, 0.09524119, 0.09524119, 0.09524119, 0.2560644, 0.2560644, 0.2560644, 0.4032377, 0.4032377, 0.4032377);
        assertThat(out.get(0).shape()).containsExactly(1, 1, 3, 3);
        assertValues(out.get(0), 1e-6, out.get(1).toDoubleArray());
    }

    @Test void lstmBidirectionalWithPeepholesLengthsStatesAndClip() {
        Tensor x = f32(shape(2, 3, 2), ramp(12, i -> i * 0.1 - 0.3));
        Tensor w = f32(shape(2, 8, 2), ramp(32, i -> (i % 5 - 2) * 0.15));
        Tensor r = f32(shape(2, 8, 2), ramp(32, i -> (i % 3 - 1) * 0.2));
        Tensor b = f32(shape(2, 16), ramp(32, i -> (i % 4 - 1.5) * 0.1));
        Tensor lens = Tensor.of(new int[] {2, 1, 0}, 3);
        Tensor h0 = f32(shape(2, 3, 2), ramp(12, i -> i * 0.05));
        Tensor c0 = f32(shape(2, 3, 2), ramp(12, i -> -i * 0.04));
        Tensor p = f32(shape(2, 6), 0.1, -0.2, 0.3, 0.05, 0.1, -0.1, 0.2, 0.1, -0.3, 0.1, 0.0, 0.2);
        List<Tensor> out = run("LSTM", 14, attrs("hidden_size", 2, "direction", "bidirectional", "clip", 0.9f), 3, x, w, r, b, lens, h0, c0, p);
        assertValues(out.get(0), 1e-6, 0.0166092, 0.05755211, 0.0003204347, 0.03584095, 0, 0, 0.005428432, 0.07696735, -0.02783646, -0.0336525, 0, 0,
                0.03953142, 0.09331108, 0, 0, 0, 0, 0.01867336, -0.04876546, 0, 0, 0, 0);
        assertValues(out.get(1), 1e-6, 0.03953142, 0.09331108, 0.0003204347, 0.03584095, 0.2, 0.25, 0.005428432, 0.07696735, -0.02783646, -0.0336525, 0.5, 0.55);
        assertValues(out.get(2), 1e-6, 0.07529658, 0.166787, 0.000610323, 0.06252372, -0.16, -0.2, 0.009739371, 0.1363335, -0.05218899, -0.05662699, -0.4, -0.44);
    }

    @Test void lstmReverseWithCoupledInputForgetInDouble() {
        double[] xs = ramp(12, i -> i * 0.1 - 0.3);
        // X[:, :1] of the bidirectional case: batch entry 0 of each step
        Tensor x = Tensor.fromDoubles(DataType.DOUBLE, shape(2, 1, 2), new double[] {xs[0], xs[1], xs[6], xs[7]});
        Tensor w = Tensor.fromDoubles(DataType.DOUBLE, shape(1, 8, 2), ramp(16, i -> (i % 5 - 2) * 0.15));
        Tensor r = Tensor.fromDoubles(DataType.DOUBLE, shape(1, 8, 2), ramp(16, i -> (i % 3 - 1) * 0.2));
        Tensor b = Tensor.fromDoubles(DataType.DOUBLE, shape(1, 16), ramp(16, i -> (i % 4 - 1.5) * 0.1));
        List<Tensor> out = run("LSTM", 7, attrs("direction", "reverse", "input_forget", 1), 3, x, w, r, b);
        assertThat(out.get(0).dtype()).isEqualTo(DataType.DOUBLE);
        assertValues(out.get(0), 1e-7, 0.03256245, 0.1086329, 0.03192572, 0.0723768);
        assertValues(out.get(2), 1e-7, 0.06256868, 0.1882546);
    }

    @Test void lstmBatchwiseLayoutTransposesEverything() {
        Tensor x = f32(shape(3, 1, 2), 1, 2, 3, 4, 5, 6); // [batch, seq, input]
        Tensor w = f32(shape(1, 12, 2), fill(24, 0.1));
        Tensor r = f32(shape(1, 12, 3), fill(36, 0.1));
        List<Tensor> out = run("LSTM", 14, attrs("hidden_size", 3, "layout", 1), 2, x, w, r);
        assertThat(out.get(0).shape()).containsExactly(3, 1, 1, 3);
        assertThat(out.get(1).shape()).containsExactly(3, 1, 3);
        assertValues(out.get(1), 1e-6, 0.09524119, 0.09524119, 0.09524119, 0.2560644, 0.2560644, 0.2560644, 0.4032377, 0.4032377, 0.4032377);
    }

    @Test void gruDefaultAndLinearBeforeReset() {
        Tensor x = f32(shape(3, 1, 2), 1, 2, 3, 4, -1, 0.5);
        Tensor w = f32(shape(1, 6, 2), ramp(12, i -> (i % 5 - 2) * 0.2));
        Tensor r = f32(shape(1, 6, 2), ramp(12, i -> (i % 3 - 1) * 0.3));
        Tensor b = f32(shape(1, 12), ramp(12, i -> (i % 4 - 1.5) * 0.1));
        assertValues(run("GRU", 14, attrs("hidden_size", 2), 2, x, w, r, b).get(0), 1e-6,
                0.5092516, -0.2281734, 0.9304308, -0.4076019, 0.4712255, -0.1479306);
        assertValues(run("GRU", 7, attrs("hidden_size", 2, "linear_before_reset", 1), 2, x, w, r, b).get(0), 1e-6,
                0.4982356, -0.2461516, 0.9278421, -0.4227204, 0.4397892, -0.183057);
        assertValues(run("GRU", 7, attrs("direction", "reverse", "clip", 0.5f), 2, x, w, r, b).get(0), 1e-6,
                0.3898532, -0.2167968, 0.27071, -0.06800251, -0.04486714, 0.1710401);
    }

    @Test void gruInFloat16() {
        Tensor x = typed(DataType.FLOAT16, shape(3, 1, 2), 1, 2, 3, 4, -1, 0.5);
        Tensor w = typed(DataType.FLOAT16, shape(1, 6, 2), ramp(12, i -> (i % 5 - 2) * 0.2));
        Tensor r = typed(DataType.FLOAT16, shape(1, 6, 2), ramp(12, i -> (i % 3 - 1) * 0.3));
        Tensor b = typed(DataType.FLOAT16, shape(1, 12), ramp(12, i -> (i % 4 - 1.5) * 0.1));
        Tensor y = run("GRU", 14, attrs("hidden_size", 2), 2, x, w, r, b).get(0);
        assertThat(y.dtype()).isEqualTo(DataType.FLOAT16);
        assertValues(y, 2e-3, 0.5092516, -0.2281734, 0.9304308, -0.4076019, 0.4712255, -0.1479306);
    }

    @Test void rnnBidirectionalAndRelu() {
        Tensor x = f32(shape(2, 1, 2), 1, 2, 3, 4);
        Tensor w = f32(shape(2, 2, 2), 0.1, 0.2, 0.3, -0.4, 0.5, 0.1, -0.2, 0.3);
        Tensor r = f32(shape(2, 2, 2), 0.1, 0, 0, 0.1, 0.2, 0.1, 0.1, 0.2);
        Tensor b = f32(shape(2, 4), 0.1, 0.2, 0, 0, 0, 0, -0.1, 0.1);
        List<Tensor> out = run("RNN", 14, attrs("hidden_size", 2, "direction", "bidirectional"), 2, x, w, r, b);
        assertValues(out.get(0), 1e-6, 0.5370496, -0.2913126, 0.6909639, 0.6141479, 0.8493193, -0.4847167, 0.946806, 0.6043678);
        assertValues(out.get(1), 1e-6, 0.8493193, -0.4847167, 0.6909639, 0.6141479);
        Tensor w1 = f32(shape(1, 2, 2), 0.1, 0.2, 0.3, -0.4), r1 = f32(shape(1, 2, 2), 0.1, 0, 0, 0.1), b1 = f32(shape(1, 4), 0.1, 0.2, 0, 0);
        assertValues(run("RNN", 7, attrs("hidden_size", 2, "activations", List.of("Relu")), 2, x, w1, r1, b1).get(0), 1e-6, 0.6, 0, 1.26, 0);
    }

    @Test void activationsTakeAlphaAndBetaInOrder() {
        // one step, W = identity, R = 0: Y = f(x). ScaledTanh(alpha=2, beta=0.5), then LeakyRelu takes the next alpha.
        Tensor x = f32(shape(1, 1, 2), 1, -2);
        Tensor w = f32(shape(1, 2, 2), 1, 0, 0, 1);
        Tensor r = f32(shape(1, 2, 2), 0, 0, 0, 0);
        Tensor y = run("RNN", 14, attrs("activations", List.of("ScaledTanh"), "activation_alpha", new float[] {2f}, "activation_beta", new float[] {0.5f}), 1, x, w, r).get(0);
        assertValues(y, 1e-6, 2 * Math.tanh(0.5), 2 * Math.tanh(-1));
        y = run("RNN", 14, attrs("activations", List.of("leakyrelu"), "activation_alpha", new float[] {0.25f}), 1, x, w, r).get(0);
        assertValues(y, 1e-6, 1, -0.5);
        y = run("RNN", 14, attrs("activations", List.of("HardSigmoid")), 1, x, w, r).get(0);
        assertValues(y, 1e-6, 0.7, 0.1);
    }

    @Test void inferenceKeepsSymbolicDimsAndLayout() {
        TensorDesc x = new TensorDesc(DataType.FLOAT, Shape.of("seq", "batch", 4));
        TensorDesc w = TensorDesc.of(DataType.FLOAT, 2, 20, 4), r = TensorDesc.of(DataType.FLOAT, 2, 20, 5);
        TensorDesc[] out = infer("LSTM", 14, attrs("direction", "bidirectional"), 3, new TensorDesc[] {x, w, r}, null);
        assertThat(out[0].shape()).isEqualTo(Shape.of("seq", 2, "batch", 5));
        assertThat(out[1].shape()).isEqualTo(Shape.of(2, "batch", 5));
        assertThat(out[2].shape()).isEqualTo(Shape.of(2, "batch", 5));
        TensorDesc xb = new TensorDesc(DataType.FLOAT, Shape.of("batch", "seq", 4));
        out = infer("GRU", 14, attrs("hidden_size", 5, "layout", 1), 2, new TensorDesc[] {xb, TensorDesc.of(DataType.FLOAT, 1, 15, 4), TensorDesc.of(DataType.FLOAT, 1, 15, 5)}, null);
        assertThat(out[0].shape()).isEqualTo(Shape.of("batch", "seq", 1, 5));
        assertThat(out[1].shape()).isEqualTo(Shape.of("batch", 1, 5));
    }

    @Test void inferenceRejectsContradictions() {
        TensorDesc x = TensorDesc.of(DataType.FLOAT, 3, 1, 4);
        assertThatThrownBy(() -> infer("LSTM", 14, attrs("hidden_size", 5), 2,
                new TensorDesc[] {x, TensorDesc.of(DataType.FLOAT, 1, 16, 4), TensorDesc.of(DataType.FLOAT, 1, 20, 5)}, null))
                .isInstanceOf(OpException.class).hasMessageContaining("input 1 ('W')").hasMessageContaining("must be 20");
        assertThatThrownBy(() -> infer("RNN", 14, attrs("direction", "bidirectional"), 2,
                new TensorDesc[] {x, TensorDesc.of(DataType.FLOAT, 1, 5, 4), TensorDesc.of(DataType.FLOAT, 1, 5, 5)}, null))
                .isInstanceOf(OpException.class).hasMessageContaining("num_directions");
        assertThatThrownBy(() -> infer("GRU", 14, attrs("direction", "sideways"), 2,
                new TensorDesc[] {x, TensorDesc.of(DataType.FLOAT, 1, 15, 4), TensorDesc.of(DataType.FLOAT, 1, 15, 5)}, null))
                .isInstanceOf(OpException.class).hasMessageContaining("direction");
    }

    @Test void kernelRejectsBadInputs() {
        Tensor x = f32(shape(1, 1, 2), 1, 2);
        Tensor w = f32(shape(1, 2, 2), 1, 0, 0, 1);
        Tensor r = f32(shape(1, 2, 2), 0, 0, 0, 0);
        Tensor badLens = Tensor.of(new int[] {5}, 1);
        assertThatThrownBy(() -> run("RNN", 14, Map.of(), 1, x, w, r, null, badLens))
                .isInstanceOf(OpException.class).hasMessageContaining("sequence_lens");
        assertThatThrownBy(() -> run("RNN", 14, attrs("activations", List.of("Swish")), 1, x, w, r))
                .isInstanceOf(OpException.class).hasMessageContaining("Swish");
        Tensor badR = f32(shape(1, 2, 3), 0, 0, 0, 0, 0, 0);
        assertThatThrownBy(() -> run("RNN", 14, attrs("hidden_size", 2), 1, x, w, badR))
                .isInstanceOf(OpException.class).hasMessageContaining("'R'");
    }

    @Test void versionsAreRegistered() {
        var reg = org.ge4j.ops.OpRegistry.global();
        assertThat(reg.versions("", "LSTM")).extracting(s -> s.sinceVersion()).containsExactly(1, 7, 14);
        assertThat(reg.versions("", "GRU")).extracting(s -> s.sinceVersion()).containsExactly(1, 3, 7, 14);
        assertThat(reg.versions("", "RNN")).extracting(s -> s.sinceVersion()).containsExactly(1, 7, 14);
        assertThat(reg.schema("", "GRU", 3).attrs()).containsKey("linear_before_reset").doesNotContainKey("layout");
        assertThat(reg.schema("", "LSTM", 14).attrs()).containsKey("layout");
    }
}
