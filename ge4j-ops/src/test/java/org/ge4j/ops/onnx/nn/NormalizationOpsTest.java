package org.ge4j.ops.onnx.nn;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.nn.NnTesting.*;

import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class NormalizationOpsTest {
    private static final double R5 = Math.sqrt(5);

    @Test void batchNormInference() {
        Tensor x = f(shape(1, 2, 1, 2), 1, 2, 3, 4);
        Tensor[] p = {f(shape(2), 1, 2), f(shape(2), 0, 1), f(shape(2), 1.5, 3.5), f(shape(2), 0.25, 0.25)};
        for (int opset : new int[] {7, 9, 14, 15})
            assertFloat(run1("BatchNormalization", opset, attrs("epsilon", 0.0), x, p[0], p[1], p[2], p[3]), shape(1, 2, 1, 2), -1, 1, -1, 3);
        assertTensor(run1("BatchNormalization", 6, null, t(DataType.DOUBLE, shape(1, 1, 2), 0, 2), t(DataType.DOUBLE, shape(1), 1), t(DataType.DOUBLE, shape(1), 0),
                t(DataType.DOUBLE, shape(1), 1), t(DataType.DOUBLE, shape(1), 1)), DataType.DOUBLE, shape(1, 1, 2), 1e-5, -1, 1);
    }

    @Test void batchNormTrainingMode() {
        Tensor x = f(shape(2, 1, 2), 1, 3, 5, 7);
        Tensor s = f(shape(1), 1), b = f(shape(1), 0), m = f(shape(1), 0), v = f(shape(1), 1);
        List<Value> out = run("BatchNormalization", 15, attrs("training_mode", 1, "epsilon", 0.0), 3, x, s, b, m, v);
        assertFloat(out.get(0), shape(2, 1, 2), -3 / R5, -1 / R5, 1 / R5, 3 / R5);
        assertFloat(out.get(1), shape(1), 0.4);
        assertFloat(out.get(2), shape(1), 1.4);
        // opset 9: training when the extra outputs are present; saved_mean/saved_var are the batch statistics
        List<Value> old = run("BatchNormalization", 9, attrs("epsilon", 0.0, "momentum", 0.5), 5, x, s, b, m, v);
        assertFloat(old.get(0), shape(2, 1, 2), -3 / R5, -1 / R5, 1 / R5, 3 / R5);
        assertFloat(old.get(1), shape(1), 2);
        assertFloat(old.get(2), shape(1), 3);
        assertFloat(old.get(3), shape(1), 4);
        assertFloat(old.get(4), shape(1), 5);
    }

    @Test void batchNormNonSpatial() {
        Tensor x = f(shape(1, 2, 2), 1, 2, 3, 4);
        Tensor ones = f(shape(2, 2), 1, 1, 1, 1), zeros = f(shape(2, 2), 0, 0, 0, 0), mean = f(shape(2, 2), 0, 1, 2, 3);
        assertFloat(run1("BatchNormalization", 7, attrs("spatial", 0, "epsilon", 0.0), x, ones, zeros, mean, ones), shape(1, 2, 2), 1, 1, 1, 1);
    }

    @Test void batchNormChannelMismatch() {
        Tensor x = f(shape(1, 2, 2), 1, 2, 3, 4), p = f(shape(3), 1, 1, 1);
        assertThatThrownBy(() -> run1("BatchNormalization", 15, null, x, p, p, p, p)).isInstanceOf(OpException.class)
                .hasMessageContaining("'scale'").hasMessageContaining("C = 2");
    }

    @Test void instanceNorm() {
        Tensor x = f(shape(1, 2, 2), 1, 3, 2, 2);
        assertTensor(run1("InstanceNormalization", 6, null, x, f(shape(2), 1, 2), f(shape(2), 0, 5)), DataType.FLOAT, shape(1, 2, 2), 1e-4, -1, 1, 5, 5);
    }

    @Test void layerNormWithStatistics() {
        Tensor x = f(shape(2, 2), 1, 3, 2, 6);
        List<Value> out = run("LayerNormalization", 17, attrs("epsilon", 0.0), 3, x, f(shape(2), 1, 1), f(shape(2), 0, 1));
        assertFloat(out.get(0), shape(2, 2), -1, 2, -1, 2);
        assertFloat(out.get(1), shape(2, 1), 2, 4);
        assertFloat(out.get(2), shape(2, 1), 1, 0.5);
        double k = 1 / Math.sqrt(3.5);
        List<Value> all = run("LayerNormalization", 17, attrs("axis", 0, "epsilon", 0.0), 2, x, f(shape(2, 2), 2, 2, 2, 2));
        assertFloat(all.get(0), shape(2, 2), -4 * k, 0, -2 * k, 6 * k);
        assertFloat(all.get(1), shape(1, 1), 3);
    }

    @Test void layerNormHalf() {
        Tensor x = t(DataType.FLOAT16, shape(1, 2), 1, 3);
        List<Value> out = run("LayerNormalization", 17, attrs("epsilon", 0.0), 2, x, t(DataType.FLOAT16, shape(2), 1, 1));
        assertTensor(out.get(0), DataType.FLOAT16, shape(1, 2), 1e-3, -1, 1);
        assertTensor(out.get(1), DataType.FLOAT, shape(1, 1), 1e-6, 2);
    }

    @Test void groupNorm() {
        Tensor x = f(shape(1, 4, 1), 1, 3, 10, 20);
        assertTensor(run1("GroupNormalization", 18, attrs("num_groups", 2), x, f(shape(2), 1, 2), f(shape(2), 0, 1)), DataType.FLOAT, shape(1, 4, 1), 1e-4, -1, 1, -1, 3);
        assertTensor(run1("GroupNormalization", 18, attrs("num_groups", 2), x, f(shape(4), 1, 1, 1, 2), f(shape(4), 0, 0, 0, 0)), DataType.FLOAT, shape(1, 4, 1), 1e-4, -1, 1, -1, 2);
        assertThatThrownBy(() -> run1("GroupNormalization", 18, attrs("num_groups", 3), x, f(shape(3), 1, 1, 1), f(shape(3), 0, 0, 0)))
                .isInstanceOf(OpException.class).hasMessageContaining("num_groups");
    }

    @Test void lrn() {
        Tensor x = f(shape(1, 3, 1), 1, 2, 3);
        assertFloat(run1("LRN", 13, attrs("size", 3, "alpha", 3.0, "beta", 1.0, "bias", 1.0), x), shape(1, 3, 1), 1 / 6.0, 2 / 15.0, 3 / 14.0);
        assertFloat(run1("LRN", 1, attrs("size", 2, "alpha", 2.0, "beta", 1.0, "bias", 1.0), x), shape(1, 3, 1), 1 / 6.0, 2 / 14.0, 3 / 10.0);
    }

    @Test void meanVarianceNormalization() {
        Tensor x = f(shape(1, 2, 1, 2), 1, 3, 5, 5);
        assertFloat(run1("MeanVarianceNormalization", 13, null, x), shape(1, 2, 1, 2), -1, 1, 0, 0);
        assertFloat(run1("MeanVarianceNormalization", 9, attrs("axes", new long[] {-1}), f(shape(2, 2), 0, 4, 1, 1)), shape(2, 2), -1, 1, 0, 0);
    }

    @Test void lpNormalization() {
        assertFloat(run1("LpNormalization", 1, null, f(shape(2, 2), 3, 4, 0, 0)), shape(2, 2), 0.6, 0.8, 0, 0);
        assertFloat(run1("LpNormalization", 1, attrs("axis", 0, "p", 1), f(shape(2, 2), 3, 4, -1, 0)), shape(2, 2), 0.75, 1, -0.25, 0);
        assertThatThrownBy(() -> run1("LpNormalization", 1, attrs("p", 3), f(shape(2), 1, 1))).isInstanceOf(OpException.class).hasMessageContaining("'p'");
    }
}
