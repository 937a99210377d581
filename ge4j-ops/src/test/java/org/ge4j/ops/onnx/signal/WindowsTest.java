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

class WindowsTest {
    private static Tensor size(int n) { return Tensor.of(new int[] {n}, new long[0]); }

    @Test void symmetricWindows() {
        assertValues(run1("HannWindow", 17, attrs("periodic", 0), size(5)), 1e-7, 0, 0.5, 1, 0.5, 0);
        assertValues(run1("HammingWindow", 17, attrs("periodic", 0), size(5)), 1e-7, 4.0 / 46, 25.0 / 46, 1, 25.0 / 46, 4.0 / 46);
        assertValues(run1("BlackmanWindow", 17, attrs("periodic", 0), size(5)), 1e-7, 0, 0.34, 1, 0.34, 0);
    }

    @Test void periodicWindowsAreTheFirstPointsOfALongerSymmetricOne() {
        Tensor p = run1("HannWindow", 17, Map.of(), size(4));
        assertThat(p.shape()).containsExactly(4);
        assertValues(p, 1e-7, 0, 0.5, 1, 0.5);
        double[] h = run1("HammingWindow", 17, Map.of(), Tensor.of(new long[] {10}, new long[0])).toDoubleArray();
        assertThat(h[5]).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-7));
        assertThat(h[0]).isCloseTo(4.0 / 46, org.assertj.core.api.Assertions.within(1e-7));
    }

    @Test void outputDatatype() {
        Tensor d = run1("BlackmanWindow", 17, attrs("output_datatype", 11), size(4));
        assertThat(d.dtype()).isEqualTo(DataType.DOUBLE);
        assertValues(d, 1e-15, 0.42 - 0.5 + 0.08, 0.42 - 0.08, 1.0, 0.42 - 0.08);
        Tensor h = run1("HammingWindow", 17, attrs("output_datatype", 10, "periodic", 0), size(3));
        assertThat(h.dtype()).isEqualTo(DataType.FLOAT16);
        assertValues(h, 1e-3, 4.0 / 46, 1, 4.0 / 46);
        Tensor i = run1("HannWindow", 17, attrs("output_datatype", 7), size(4));
        assertThat(i.dtype()).isEqualTo(DataType.INT64);
        assertLongs(i, 0, 0, 1, 0);
        assertThatThrownBy(() -> run1("HannWindow", 17, attrs("output_datatype", 8), size(4)))
                .isInstanceOf(OpException.class).hasMessageContaining("output_datatype");
    }

    @Test void melWeightMatrixMatchesTheSpecExample() {
        Tensor m = run1("MelWeightMatrix", 17, Map.of(), size(8), size(16), size(8192), f32(new long[0], 0), f32(new long[0], 4096));
        assertThat(m.shape()).containsExactly(9, 8);
        double[] want = new double[72];
        int[][] ones = {{0, 0}, {0, 1}, {1, 2}, {1, 3}, {2, 4}, {3, 5}, {4, 6}, {5, 7}};
        for (int[] rc : ones) want[rc[0] * 8 + rc[1]] = 1;
        assertValues(m, 0, want);
    }

    @Test void melWeightMatrixTriangles() {
        // 2 bands over [0, 8000] Hz at 16 kHz with a 64-point DFT: check a row sums into rising and falling edges
        Tensor m = run1("MelWeightMatrix", 17, attrs("output_datatype", 11), size(2), size(64), size(16000), f32(new long[0], 0), f32(new long[0], 8000));
        assertThat(m.shape()).containsExactly(33, 2);
        double[] v = m.toDoubleArray();
        double max0 = 0, max1 = 0;
        for (int r = 0; r < 33; r++) { max0 = Math.max(max0, v[r * 2]); max1 = Math.max(max1, v[r * 2 + 1]); }
        assertThat(max0).isEqualTo(1.0);
        assertThat(max1).isEqualTo(1.0);
        assertThat(v[0]).isEqualTo(0.0);
    }

    @Test void inferenceAndErrors() {
        TensorDesc[] out = infer("HannWindow", 17, attrs("output_datatype", 10), 1, new TensorDesc[] {TensorDesc.of(DataType.INT64)},
                Map.of(0, Tensor.of(new long[] {7}, new long[0])));
        assertThat(out[0]).isEqualTo(TensorDesc.of(DataType.FLOAT16, 7));
        out = infer("HannWindow", 17, Map.of(), 1, new TensorDesc[] {TensorDesc.of(DataType.INT64)}, null);
        assertThat(out[0].shape()).isEqualTo(Shape.of("?"));
        out = infer("MelWeightMatrix", 17, Map.of(), 1, new TensorDesc[] {TensorDesc.of(DataType.INT64), TensorDesc.of(DataType.INT64),
                TensorDesc.of(DataType.INT64), TensorDesc.of(DataType.FLOAT), TensorDesc.of(DataType.FLOAT)},
                Map.of(0, Tensor.of(new long[] {40}, new long[0]), 1, Tensor.of(new long[] {512}, new long[0])));
        assertThat(out[0]).isEqualTo(TensorDesc.of(DataType.FLOAT, 257, 40));
        assertThatThrownBy(() -> run1("MelWeightMatrix", 17, Map.of(), size(8), size(16), size(8192), f32(new long[0], 100), f32(new long[0], 50)))
                .isInstanceOf(OpException.class).hasMessageContaining("lower_edge_hertz");
        assertThatThrownBy(() -> run1("HannWindow", 17, Map.of(), Tensor.of(new int[] {-2}, new long[0])))
                .isInstanceOf(OpException.class).hasMessageContaining("non-negative");
    }
}
