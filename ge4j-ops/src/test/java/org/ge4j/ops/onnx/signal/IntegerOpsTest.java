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

class IntegerOpsTest {
    private static Tensor u8(long[] shape, long... v) { return Tensor.fromLongs(DataType.UINT8, shape, v); }

    private static Tensor i8(long[] shape, long... v) { return Tensor.fromLongs(DataType.INT8, shape, v); }

    private static Tensor scalarF(double v) { return f32(new long[0], v); }

    @Test void matMulIntegerSpecExample() {
        Tensor a = u8(shape(4, 3), 11, 7, 3, 10, 6, 2, 9, 5, 1, 8, 4, 0);
        Tensor b = u8(shape(3, 2), 1, 4, 2, 5, 3, 6);
        Tensor y = run1("MatMulInteger", 10, Map.of(), a, b, u8(shape(1), 12), u8(shape(1), 0));
        assertThat(y.dtype()).isEqualTo(DataType.INT32);
        assertThat(y.shape()).containsExactly(4, 2);
        assertLongs(y, -38, -83, -44, -98, -50, -113, -56, -128);
    }

    @Test void matMulIntegerPerRowColumnBatchedAndVectors() {
        Tensor a = i8(shape(2, 2), 1, 2, 3, 4);
        Tensor b = i8(shape(2, 2), 5, 6, 7, 8);
        // per-row a zero points [1, 3], per-column b zero points [5, 0]
        Tensor y = run1("MatMulInteger", 10, Map.of(), a, b, i8(shape(2), 1, 3), i8(shape(2), 5, 0));
        // (a - [[1],[3]]) = [[0,1],[0,1]]; (b - [5,0]) = [[0,6],[2,8]] -> [[2,8],[2,8]]
        assertLongs(y, 2, 8, 2, 8);
        Tensor batched = run1("MatMulInteger", 10, Map.of(), u8(shape(2, 1, 2), 1, 2, 3, 4), u8(shape(2, 1), 1, 1));
        assertThat(batched.shape()).containsExactly(2, 1, 1);
        assertLongs(batched, 3, 7);
        Tensor vec = run1("MatMulInteger", 10, Map.of(), u8(shape(2), 1, 2), u8(shape(2, 3), 1, 2, 3, 4, 5, 6));
        assertThat(vec.shape()).containsExactly(3);
        assertLongs(vec, 9, 12, 15);
    }

    @Test void qLinearMatMulSpecExample() {
        Tensor a = u8(shape(2, 4), 208, 236, 0, 238, 3, 214, 255, 29);
        Tensor b = u8(shape(4, 3), 152, 51, 244, 60, 26, 255, 0, 127, 246, 127, 254, 247);
        Tensor y = run1("QLinearMatMul", 10, Map.of(), a, f32(shape(1), 0.0066), u8(shape(1), 113), b, f32(shape(1), 0.00705), u8(shape(1), 114),
                f32(shape(1), 0.0107), u8(shape(1), 118));
        assertLongs(y, 168, 115, 255, 1, 66, 151);
        Tensor a3 = u8(shape(2, 2, 4), 208, 236, 0, 238, 3, 214, 255, 29, 208, 236, 0, 238, 3, 214, 255, 29);
        Tensor y3 = run1("QLinearMatMul", 10, Map.of(), a3, f32(shape(1), 0.0066), u8(shape(1), 113), b, f32(shape(1), 0.00705), u8(shape(1), 114),
                f32(shape(1), 0.0107), u8(shape(1), 118));
        assertThat(y3.shape()).containsExactly(2, 2, 3);
        assertLongs(y3, 168, 115, 255, 1, 66, 151, 168, 115, 255, 1, 66, 151);
    }

    @Test void qLinearMatMulSignedOutput() {
        Tensor y = run1("QLinearMatMul", 10, Map.of(), i8(shape(1, 2), 10, -10), scalarF(0.5), i8(new long[0], 0), i8(shape(2, 1), 4, 2),
                scalarF(0.25), i8(new long[0], 0), scalarF(1), i8(new long[0], -5));
        // (10*4 - 10*2) * 0.125 = 2.5 -> 2 (half to even) - 5 = -3
        assertThat(y.dtype()).isEqualTo(DataType.INT8);
        assertLongs(y, -3);
    }

    @Test void convIntegerSpecExamples() {
        Tensor x = u8(shape(1, 1, 3, 3), 2, 3, 4, 5, 6, 7, 8, 9, 10);
        Tensor w = u8(shape(1, 1, 2, 2), 1, 1, 1, 1);
        assertLongs(run1("ConvInteger", 10, Map.of(), x, w, u8(new long[0], 1)), 12, 16, 24, 28);
        Tensor padded = run1("ConvInteger", 10, attrs("pads", new long[] {1, 1, 1, 1}), x, w, u8(new long[0], 1));
        assertThat(padded.shape()).containsExactly(1, 1, 4, 4);
        assertLongs(padded, 1, 3, 5, 3, 5, 12, 16, 9, 11, 24, 28, 15, 7, 15, 17, 9);
    }

    @Test void convIntegerGroupsStridesDilationsAutoPad() {
        // 1-D, two groups of one channel, per-channel weight zero points
        Tensor x = i8(shape(1, 2, 5), 1, 2, 3, 4, 5, 10, 20, 30, 40, 50);
        Tensor w = i8(shape(2, 1, 2), 2, 1, 1, 2);
        Tensor y = run1("ConvInteger", 10, attrs("group", 2, "strides", new long[] {2}, "dilations", new long[] {2}), x, w, null, i8(shape(2), 1, 0));
        // channel 0: w-1 = [1,0], positions 0,2 / 2,4 -> x[0], x[2] = 1, 3; channel 1: w = [1,2]: 10+60=70, 30+100=130
        assertThat(y.shape()).containsExactly(1, 2, 2);
        assertLongs(y, 1, 3, 70, 130);
        Tensor same = run1("ConvInteger", 10, attrs("auto_pad", "SAME_UPPER"), u8(shape(1, 1, 3), 1, 2, 3), u8(shape(1, 1, 2), 1, 1));
        assertLongs(same, 3, 5, 3);
        Tensor lower = run1("ConvInteger", 10, attrs("auto_pad", "SAME_LOWER"), u8(shape(1, 1, 3), 1, 2, 3), u8(shape(1, 1, 2), 1, 1));
        assertLongs(lower, 1, 3, 5);
        Tensor valid = run1("ConvInteger", 10, attrs("auto_pad", "VALID", "strides", new long[] {2}), u8(shape(1, 1, 4), 1, 2, 3, 4), u8(shape(1, 1, 2), 1, 1));
        assertLongs(valid, 3, 7);
    }

    @Test void qLinearConvSpecExample() {
        long[] xv = {255, 174, 162, 25, 203, 168, 58, 15, 59, 237, 95, 129, 0, 64, 56, 242, 153, 221, 168, 12, 166, 232, 178, 186, 195, 237, 162, 237,
                188, 39, 124, 77, 80, 102, 43, 127, 230, 21, 83, 41, 40, 134, 255, 154, 92, 141, 42, 148, 247};
        Tensor y = run1("QLinearConv", 10, Map.of(), u8(shape(1, 1, 7, 7), xv), scalarF(0.00369204697), u8(new long[0], 132),
                u8(shape(1, 1, 1, 1), 0), f32(shape(1), 0.00172794575), u8(shape(1), 255), scalarF(0.00162681262), u8(new long[0], 123));
        assertLongs(y, 0, 81, 93, 230, 52, 87, 197, 240, 196, 18, 160, 126, 255, 191, 199, 13, 102, 34, 87, 243, 89, 23, 77, 69, 60, 18, 93, 18,
                67, 216, 131, 178, 175, 153, 212, 128, 25, 234, 172, 214, 215, 121, 0, 101, 163, 114, 213, 107, 8);
    }

    @Test void qLinearConvBiasAndPerChannelScales() {
        Tensor x = u8(shape(1, 1, 1, 2), 10, 20);
        Tensor w = i8(shape(2, 1, 1, 1), 1, -1);
        Tensor y = run1("QLinearConv", 10, Map.of(), x, scalarF(0.5), u8(new long[0], 0), w, f32(shape(2), 1, 2), i8(shape(2), 0, 0),
                scalarF(1), i8(new long[0], 0), Tensor.of(new int[] {4, -6}, 2));
        // ch0: (10+4)*0.5 = 7, (20+4)*0.5 = 12; ch1: (-10-6)*1 = -16, (-20-6)*1 = -26
        assertLongs(y, 7, 12, -16, -26);
    }

    @Test void errorsAndInference() {
        assertThatThrownBy(() -> run1("MatMulInteger", 10, Map.of(), u8(shape(2, 3), new long[6]), u8(shape(2, 2), new long[4])))
                .isInstanceOf(OpException.class).hasMessageContaining("inner dimensions");
        assertThatThrownBy(() -> run1("ConvInteger", 10, attrs("group", 2), u8(shape(1, 3, 4), new long[12]), u8(shape(2, 1, 2), new long[4])))
                .isInstanceOf(OpException.class).hasMessageContaining("channels");
        assertThatThrownBy(() -> run1("ConvInteger", 10, attrs("pads", new long[] {1}), u8(shape(1, 1, 4), new long[4]), u8(shape(1, 1, 2), new long[2])))
                .isInstanceOf(OpException.class).hasMessageContaining("'pads'");
        assertThatThrownBy(() -> run1("ConvInteger", 10, Map.of(), u8(shape(1, 1, 4), new long[4]), u8(shape(2, 1, 2), new long[4]), null, u8(shape(3), 0, 0, 0)))
                .isInstanceOf(OpException.class).hasMessageContaining("one value per output channel");
        TensorDesc[] out = infer("ConvInteger", 10, attrs("strides", new long[] {2, 2}, "pads", new long[] {1, 1, 1, 1}), 1,
                new TensorDesc[] {new TensorDesc(DataType.UINT8, Shape.of("N", 3, 32, "W")), TensorDesc.of(DataType.UINT8, 8, 3, 3, 3)}, null);
        assertThat(out[0]).isEqualTo(new TensorDesc(DataType.INT32, Shape.of("N", 8, 16, "?")));
        out = infer("QLinearMatMul", 10, Map.of(), 1, new TensorDesc[] {new TensorDesc(DataType.INT8, Shape.of("B", 4, 8)), TensorDesc.of(DataType.FLOAT),
                TensorDesc.of(DataType.INT8), TensorDesc.of(DataType.INT8, 8, 5), TensorDesc.of(DataType.FLOAT), TensorDesc.of(DataType.INT8),
                TensorDesc.of(DataType.FLOAT), TensorDesc.of(DataType.UINT8)}, null);
        assertThat(out[0]).isEqualTo(new TensorDesc(DataType.UINT8, Shape.of("B", 4, 5)));
    }
}
