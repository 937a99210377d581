package org.ge4j.ops.onnx.nn;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.nn.NnTesting.*;

import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class SoftmaxOpsTest {
    @Test void softmaxLastAxis() {
        assertFloat(run1("Softmax", 13, null, f(shape(1, 3), 1, 2, 3)), shape(1, 3), 0.09003057, 0.24472847, 0.66524096);
        assertFloat(run1("Softmax", 13, null, f(shape(2), 1000, 1000)), shape(2), 0.5, 0.5);
    }

    @Test void softmaxSemanticsChangeAtOpset13() {
        Tensor x = f(shape(1, 2, 2), 1, 2, 3, 4);
        // opset 11, axis 1: one row of 4
        assertFloat(run1("Softmax", 11, attrs("axis", 1), x), shape(1, 2, 2), 0.0320586, 0.08714432, 0.23688282, 0.64391426);
        // opset 13, axis 1: pairs (1,3) and (2,4)
        assertFloat(run1("Softmax", 13, attrs("axis", 1), x), shape(1, 2, 2), 0.11920292, 0.11920292, 0.88079708, 0.88079708);
        // default axis: 1 before 13, -1 from 13
        assertFloat(run1("Softmax", 1, null, x), shape(1, 2, 2), 0.0320586, 0.08714432, 0.23688282, 0.64391426);
        assertFloat(run1("Softmax", 13, null, x), shape(1, 2, 2), 0.26894142, 0.73105858, 0.26894142, 0.73105858);
    }

    @Test void logSoftmax() {
        Tensor x = f(shape(1, 3), 1, 2, 3);
        assertFloat(run1("LogSoftmax", 13, null, x), shape(1, 3), Math.log(0.09003057), Math.log(0.24472847), Math.log(0.66524096));
        assertTensor(run1("LogSoftmax", 11, attrs("axis", 0), t(DataType.DOUBLE, shape(2, 1), 0, 0)), DataType.DOUBLE, shape(2, 1), 1e-12, -Math.log(2), -Math.log(2));
    }

    @Test void hardmaxPerVersion() {
        Tensor x = f(shape(1, 2, 2), 1, 4, 3, 2);
        assertFloat(run1("Hardmax", 11, attrs("axis", 1), x), shape(1, 2, 2), 0, 1, 0, 0);
        assertFloat(run1("Hardmax", 13, attrs("axis", 1), x), shape(1, 2, 2), 0, 1, 1, 0);
        assertFloat(run1("Hardmax", 13, null, f(shape(1, 3), 2, 2, 1)), shape(1, 3), 1, 0, 0);
    }

    @Test void halfPrecision() {
        assertTensor(run1("Softmax", 13, null, t(DataType.FLOAT16, shape(2), 0, 0)), DataType.FLOAT16, shape(2), 1e-3, 0.5, 0.5);
        assertTensor(run1("Softmax", 13, null, t(DataType.BFLOAT16, shape(2), 0, 0)), DataType.BFLOAT16, shape(2), 1e-2, 0.5, 0.5);
    }

    @Test void axisOutOfRange() {
        assertThatThrownBy(() -> run1("Softmax", 13, attrs("axis", 2), f(shape(1, 3), 1, 2, 3))).isInstanceOf(OpException.class).hasMessageContaining("'axis'");
    }
}
