package org.ge4j.ops.onnx.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.signal.Fixtures.*;

import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class FourierTest {
    private static final double[] X5 = {1, 2, 0, -1, 3};

    @Test void realDftAlongAxisOne() {
        Tensor y = run1("DFT", 17, Map.of(), f32(shape(1, 5, 1), X5));
        assertThat(y.shape()).containsExactly(1, 5, 2);
        assertValues(y, 1e-5, 5, 0, 3.354102, 0.3632713, -3.354102, 1.538842, -3.354102, -1.538842, 3.354102, -0.3632713);
    }

    @Test void onesidedPaddedAndTruncatedLengths() {
        Tensor y = run1("DFT", 17, attrs("onesided", 1), f32(shape(1, 5, 1), X5), Tensor.of(new long[] {8}, new long[0]));
        assertThat(y.shape()).containsExactly(1, 5, 2);
        assertValues(y, 1e-5, 5, 0, 0.1213203, -0.7071068, 4, -3, -4.12132, -0.7071068, 3, 0);
        Tensor t = run1("DFT", 17, Map.of(), f32(shape(1, 5, 1), X5), Tensor.of(new int[] {3}, new long[0]));
        assertValues(t, 1e-5, 3, 0, 0, -1.732051, 0, 1.732051);
    }

    @Test void inverseComplexInDouble() {
        Tensor z = Tensor.fromDoubles(DataType.DOUBLE, shape(1, 4, 2), new double[] {1, 1, 2, -1, 0, 0.5, -1, 0});
        Tensor y = run1("DFT", 17, attrs("inverse", 1), z);
        assertThat(y.dtype()).isEqualTo(DataType.DOUBLE);
        assertValues(y, 1e-12, 0.5, 0.125, 0.5, 0.875, 0, 0.625, 0, -0.625);
    }

    @Test void halfPrecisionTypesKeepTheirType() {
        for (DataType t : new DataType[] {DataType.FLOAT16, DataType.BFLOAT16}) {
            Tensor y = run1("DFT", 17, Map.of(), typed(t, shape(1, 5, 1), X5));
            assertThat(y.dtype()).isEqualTo(t);
            assertValues(y, 0.05, 5, 0, 3.354102, 0.3632713, -3.354102, 1.538842, -3.354102, -1.538842, 3.354102, -0.3632713);
        }
    }

    @Test void otherAxesAndBatches() {
        // shape [2, 1, 5, 1]: DFT along axis 2 (also written -2), two batch entries
        double[] x = new double[10];
        for (int i = 0; i < 5; i++) { x[i] = X5[i]; x[5 + i] = 2 * X5[i]; }
        Tensor in = f32(shape(2, 1, 5, 1), x);
        Tensor a = run1("DFT", 17, attrs("axis", 2), in);
        Tensor b = run1("DFT", 17, attrs("axis", -2), in);
        assertThat(a.shape()).containsExactly(2, 1, 5, 2);
        assertValues(b, 1e-6, a.toDoubleArray());
        double[] v = a.toDoubleArray();
        assertThat(v[10]).isCloseTo(10, org.assertj.core.api.Assertions.within(1e-5));
        assertThat(v[12]).isCloseTo(2 * 3.354102, org.assertj.core.api.Assertions.within(1e-5));
        // axis 1 has length 1: the transform of one sample is itself
        assertValues(run1("DFT", 17, attrs("axis", 1), in), 1e-6, 1, 0, 2, 0, 0, 0, -1, 0, 3, 0, 2, 0, 4, 0, 0, 0, -2, 0, 6, 0);
    }

    @Test void stftWithWindowAndFrameLength() {
        double[] sig = new double[10];
        for (int i = 0; i < 10; i++) sig[i] = i;
        Tensor s = f32(shape(1, 10, 1), sig);
        Tensor w = f32(shape(4), 0, 0.5, 1, 0.5);
        Tensor y = run1("STFT", 17, Map.of(), s, Tensor.of(new long[] {3}, new long[0]), w);
        assertThat(y.shape()).containsExactly(1, 3, 3, 2);
        assertValues(y, 1e-5, 4, 0, -2, 1, 0, 0, 10, 0, -5, 1, 0, 0, 16, 0, -8, 1, 0, 0);
        Tensor plain = run1("STFT", 17, attrs("onesided", 0), s, Tensor.of(new long[] {6}, new long[0]), null, Tensor.of(new long[] {4}, new long[0]));
        assertThat(plain.shape()).containsExactly(1, 2, 4, 2);
        assertValues(plain, 1e-5, 6, 0, -2, 2, -2, 0, -2, -2, 30, 0, -2, 2, -2, 0, -2, -2);
    }

    @Test void errors() {
        assertThatThrownBy(() -> run1("DFT", 17, attrs("axis", 2), f32(shape(1, 5, 1), X5)))
                .isInstanceOf(OpException.class).hasMessageContaining("'axis'");
        assertThatThrownBy(() -> run1("DFT", 17, Map.of(), f32(shape(1, 5, 3), new double[15])))
                .isInstanceOf(OpException.class).hasMessageContaining("1 (real) or 2 (complex)");
        Tensor s = f32(shape(1, 10, 1), new double[10]);
        assertThatThrownBy(() -> run1("STFT", 17, Map.of(), s, Tensor.of(new long[] {2}, new long[0])))
                .isInstanceOf(OpException.class).hasMessageContaining("'window' and 'frame_length'");
        assertThatThrownBy(() -> run1("STFT", 17, Map.of(), s, Tensor.of(new long[] {2}, new long[0]), f32(shape(3), 1, 1, 1), Tensor.of(new long[] {4}, new long[0])))
                .isInstanceOf(OpException.class).hasMessageContaining("differs");
    }

    @Test void inference() {
        TensorDesc[] out = infer("DFT", 17, attrs("onesided", 1, "axis", 1), 1,
                new TensorDesc[] {new TensorDesc(DataType.FLOAT, Shape.of("B", 16, "C", 1))}, null);
        assertThat(out[0].shape()).isEqualTo(Shape.of("B", 9, "C", 2));
        out = infer("DFT", 17, Map.of(), 1, new TensorDesc[] {new TensorDesc(DataType.FLOAT, Shape.of("B", 16, 2)), TensorDesc.of(DataType.INT64)},
                Map.of(1, Tensor.of(new long[] {20}, new long[0])));
        assertThat(out[0].shape()).isEqualTo(Shape.of("B", 20, 2));
        out = infer("STFT", 17, Map.of(), 1, new TensorDesc[] {new TensorDesc(DataType.FLOAT, Shape.of("B", 128, 1)), TensorDesc.of(DataType.INT64),
                TensorDesc.of(DataType.FLOAT, 16)}, Map.of(1, Tensor.of(new long[] {8}, new long[0])));
        assertThat(out[0].shape()).isEqualTo(Shape.of("B", 15, 9, 2));
    }
}
