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

class QuantizationTest {
    private static Tensor u8(long[] shape, long... v) { return Tensor.fromLongs(DataType.UINT8, shape, v); }

    private static Tensor i8(long[] shape, long... v) { return Tensor.fromLongs(DataType.INT8, shape, v); }

    private static final double[] AXIS_X = {-162, 10, -100, 232, -20, -50, -76, 0, 0, 252, 32, -44, 245, -485, -960, -270, -375, -470};
    private static final long[] AXIS_Q = {3, 89, 34, 200, 74, 59, 5, 24, 24, 87, 32, 13, 245, 99, 4, 142, 121, 102};

    @Test void quantizePerTensorRoundsHalfToEvenAndSaturates() {
        Tensor y = run1("QuantizeLinear", 13, Map.of(), f32(shape(6), 0, 2, 3, 1000, -254, -1000), f32(new long[0], 2), u8(new long[0], 128));
        assertThat(y.dtype()).isEqualTo(DataType.UINT8);
        assertLongs(y, 128, 129, 130, 255, 1, 0);
        Tensor s = run1("QuantizeLinear", 10, Map.of(), f32(shape(6), -1.5, -0.5, 0.5, 1.5, 2.5, 300), f32(new long[0], 1), i8(new long[0], 0));
        assertThat(s.dtype()).isEqualTo(DataType.INT8);
        assertLongs(s, -2, 0, 0, 2, 2, 127);
        // no zero point: uint8 with zero point 0
        Tensor d = run1("QuantizeLinear", 13, Map.of(), Tensor.of(new int[] {-5, 7, 9}, 3), f32(new long[0], 2));
        assertThat(d.dtype()).isEqualTo(DataType.UINT8);
        assertLongs(d, 0, 4, 4);
    }

    @Test void quantizeAndDequantizePerAxis() {
        Tensor y = run1("QuantizeLinear", 13, Map.of(), f32(shape(1, 3, 3, 2), AXIS_X), f32(shape(3), 2, 4, 5), u8(shape(3), 84, 24, 196));
        assertLongs(y, AXIS_Q);
        Tensor back = run1("DequantizeLinear", 13, Map.of(), u8(shape(1, 3, 3, 2), AXIS_Q), f32(shape(3), 2, 4, 5), u8(shape(3), 84, 24, 196));
        assertThat(back.dtype()).isEqualTo(DataType.FLOAT);
        assertValues(back, 0, AXIS_X);
        // negative axis: the last dim
        Tensor last = run1("QuantizeLinear", 13, attrs("axis", -1), f32(shape(2, 2), 1, 1, 1, 1), f32(shape(2), 1, 0.5), i8(shape(2), 0, -3));
        assertLongs(last, 1, -1, 1, -1);
    }

    @Test void dequantizeTypes() {
        assertValues(run1("DequantizeLinear", 10, Map.of(), u8(shape(4), 0, 3, 128, 255), f32(new long[0], 2), u8(new long[0], 128)), 0, -256, -250, 0, 254);
        assertValues(run1("DequantizeLinear", 13, Map.of(), i8(shape(2), -128, 127), f32(new long[0], 0.5), i8(new long[0], -1)), 0, -63.5, 64);
        assertValues(run1("DequantizeLinear", 13, Map.of(), Tensor.of(new int[] {-3, 5}, 2), f32(new long[0], 0.5)), 0, -1.5, 2.5);
    }

    @Test void opset19Float8AndFloat16Scales() {
        Tensor zp = Tensor.fromDoubles(DataType.FLOAT8E4M3FN, new long[0], new double[] {0});
        Tensor y = run1("QuantizeLinear", 19, Map.of(), f32(shape(3), 1, 1000, -3), f32(new long[0], 2), zp);
        assertThat(y.dtype()).isEqualTo(DataType.FLOAT8E4M3FN);
        assertValues(y, 0, 0.5, 448, -1.5); // 500 saturates to the largest finite e4m3fn value
        Tensor ns = run1("QuantizeLinear", 19, attrs("saturate", 0), f32(shape(1), 1000), f32(new long[0], 2), zp);
        assertThat(Double.isNaN(ns.getScalarDouble(0))).isTrue();
        Tensor h = run1("DequantizeLinear", 19, Map.of(), i8(shape(2), 4, -4), Tensor.fromDoubles(DataType.FLOAT16, new long[0], new double[] {0.25}));
        assertThat(h.dtype()).isEqualTo(DataType.FLOAT16);
        assertValues(h, 0, 1, -1);
    }

    @Test void dynamicQuantize() {
        List<Tensor> out = run("DynamicQuantizeLinear", 11, Map.of(), 3, f32(shape(6), 0, 2, -3, -2.5, 1.34, 0.5));
        assertLongs(out.get(0), 153, 255, 0, 26, 221, 179);
        assertValues(out.get(1), 1e-9, 0.019607844);
        assertLongs(out.get(2), 153);
        out = run("DynamicQuantizeLinear", 11, Map.of(), 3, f32(shape(6), -1.0, -2.1, -1.3, -2.5, -3.34, -4.0));
        assertLongs(out.get(0), 191, 121, 172, 96, 42, 0);
        assertLongs(out.get(2), 255);
        out = run("DynamicQuantizeLinear", 11, Map.of(), 3, f32(shape(3, 4), 1, 2.1, 1.3, 2.5, 3.34, 4, 1.5, 2.6, 3.9, 4, 3, 2.345));
        assertLongs(out.get(0), 64, 134, 83, 159, 213, 255, 96, 166, 249, 255, 191, 149);
        assertLongs(out.get(2), 0);
        out = run("DynamicQuantizeLinear", 11, Map.of(), 3, f32(shape(2), 0, 0));
        assertLongs(out.get(0), 0, 0);
        assertValues(out.get(1), 0, 0);
    }

    @Test void errorsAndInference() {
        assertThatThrownBy(() -> run1("QuantizeLinear", 13, Map.of(), f32(shape(1, 3), 1, 2, 3), f32(shape(2), 1, 1), u8(shape(2), 0, 0)))
                .isInstanceOf(OpException.class).hasMessageContaining("along 'axis'");
        assertThatThrownBy(() -> run1("QuantizeLinear", 10, Map.of(), f32(shape(1, 3), 1, 2, 3), f32(shape(3), 1, 1, 1)))
                .isInstanceOf(OpException.class).hasMessageContaining("must be a scalar");
        assertThatThrownBy(() -> run1("QuantizeLinear", 13, Map.of(), f32(shape(1, 3), 1, 2, 3), f32(shape(3), 1, 1, 1), u8(shape(2), 0, 0)))
                .isInstanceOf(OpException.class).hasMessageContaining("must have the shape of input 1");
        assertThatThrownBy(() -> run1("QuantizeLinear", 13, Map.of(), f32(shape(1), 1), f32(new long[0], 0)))
                .isInstanceOf(OpException.class).hasMessageContaining("non-zero");
        TensorDesc[] out = infer("QuantizeLinear", 13, Map.of(), 1, new TensorDesc[] {new TensorDesc(DataType.FLOAT, Shape.of("N", 3)),
                TensorDesc.of(DataType.FLOAT, 3), TensorDesc.of(DataType.INT8, 3)}, null);
        assertThat(out[0]).isEqualTo(new TensorDesc(DataType.INT8, Shape.of("N", 3)));
        assertThatThrownBy(() -> infer("DequantizeLinear", 13, attrs("axis", 0), 1, new TensorDesc[] {TensorDesc.of(DataType.UINT8, 2, 3),
                TensorDesc.of(DataType.FLOAT, 3)}, null)).isInstanceOf(OpException.class).hasMessageContaining("along 'axis'");
    }
}
