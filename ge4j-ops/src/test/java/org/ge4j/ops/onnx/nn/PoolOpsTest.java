package org.ge4j.ops.onnx.nn;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.nn.NnTesting.*;

import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class PoolOpsTest {
    private static final Tensor X5 = f(shape(1, 1, 5, 5), plus1(iota(25)));
    private static final Tensor X4 = f(shape(1, 1, 4, 4), plus1(iota(16)));

    private static double[] plus1(double[] d) {
        for (int i = 0; i < d.length; i++) d[i] += 1;
        return d;
    }

    @Test void maxPoolPadsWithIndices() {
        List<Value> out = run("MaxPool", 12, attrs("kernel_shape", new long[] {5, 5}, "pads", new long[] {2, 2, 2, 2}), 2, X5);
        assertFloat(out.get(0), shape(1, 1, 5, 5), 13, 14, 15, 15, 15, 18, 19, 20, 20, 20, 23, 24, 25, 25, 25, 23, 24, 25, 25, 25, 23, 24, 25, 25, 25);
        assertLongs(out.get(1), DataType.INT64, shape(1, 1, 5, 5), 12, 13, 14, 14, 14, 17, 18, 19, 19, 19, 22, 23, 24, 24, 24, 22, 23, 24, 24, 24, 22, 23, 24, 24, 24);
    }

    @Test void maxPoolColumnMajorIndices() {
        List<Value> out = run("MaxPool", 8, attrs("kernel_shape", new long[] {2, 2}, "strides", new long[] {2, 2}, "storage_order", 1), 2, X5);
        assertFloat(out.get(0), shape(1, 1, 2, 2), 7, 9, 17, 19);
        assertLongs(out.get(1), DataType.INT64, shape(1, 1, 2, 2), 6, 16, 8, 18);
    }

    @Test void maxPoolIndicesCountBatchAndChannel() {
        Tensor x = f(shape(2, 1, 2), 1, 5, 7, 3);
        List<Value> out = run("MaxPool", 12, attrs("kernel_shape", new long[] {2}), 2, x);
        assertFloat(out.get(0), shape(2, 1, 1), 5, 7);
        assertLongs(out.get(1), DataType.INT64, shape(2, 1, 1), 1, 2);
    }

    @Test void maxPoolCeilModeAndDilations() {
        assertFloat(run1("MaxPool", 10, attrs("kernel_shape", new long[] {3, 3}, "strides", new long[] {2, 2}, "ceil_mode", 1), X4), shape(1, 1, 2, 2), 11, 12, 15, 16);
        assertFloat(run1("MaxPool", 10, attrs("kernel_shape", new long[] {3, 3}, "strides", new long[] {2, 2}), X4), shape(1, 1, 1, 1), 11);
        assertFloat(run1("MaxPool", 11, attrs("kernel_shape", new long[] {2, 2}, "dilations", new long[] {2, 2}), X4), shape(1, 1, 2, 2), 11, 12, 15, 16);
    }

    @Test void ceilModeDropsWindowStartingInTheEndPad() {
        // in 5, k 2, s 2, pads 0+1: ceil((5+1-2)/2)+1 = 3 windows; the third starts at 4 < 5: kept
        Tensor x = f(shape(1, 1, 5), 1, 2, 3, 4, 5);
        assertFloat(run1("MaxPool", 10, attrs("kernel_shape", new long[] {2}, "strides", new long[] {2}, "ceil_mode", 1), x), shape(1, 1, 3), 2, 4, 5);
        // in 4, k 2, s 2, pad end 1: ceil((4+1-2)/2)+1 = 3, but window 3 would start at 4 = in: dropped
        Tensor x4 = f(shape(1, 1, 4), 1, 2, 3, 4);
        assertFloat(run1("MaxPool", 10, attrs("kernel_shape", new long[] {2}, "strides", new long[] {2}, "pads", new long[] {0, 1}, "ceil_mode", 1), x4), shape(1, 1, 2), 2, 4);
    }

    @Test void maxPool1dAndUint8AndInt8() {
        assertFloat(run1("MaxPool", 12, attrs("kernel_shape", new long[] {2}), f(shape(1, 1, 4), 1, 3, 2, 5)), shape(1, 1, 3), 3, 3, 5);
        Tensor u8 = t(DataType.UINT8, shape(1, 1, 3), 200, 10, 255);
        assertLongs(run1("MaxPool", 12, attrs("kernel_shape", new long[] {2}), u8), DataType.UINT8, shape(1, 1, 2), 200, 255);
        Tensor i8 = t(DataType.INT8, shape(1, 1, 3), -5, -7, -1);
        assertLongs(run1("MaxPool", 12, attrs("kernel_shape", new long[] {2}), i8), DataType.INT8, shape(1, 1, 2), -5, -1);
        assertThatThrownBy(() -> run1("MaxPool", 11, attrs("kernel_shape", new long[] {2}), u8)).isInstanceOf(OpException.class);
    }

    @Test void maxPoolSameLowerAndUpper() {
        Tensor x = f(shape(1, 1, 4), 4, 1, 2, 3);
        // k 2, SAME: pad 1; upper pads the end, lower the beginning
        assertFloat(run1("MaxPool", 12, attrs("kernel_shape", new long[] {2}, "auto_pad", "SAME_UPPER"), x), shape(1, 1, 4), 4, 2, 3, 3);
        assertFloat(run1("MaxPool", 12, attrs("kernel_shape", new long[] {2}, "auto_pad", "SAME_LOWER"), x), shape(1, 1, 4), 4, 4, 2, 3);
    }

    @Test void averagePoolPadsWithAndWithoutCountIncludePad() {
        Tensor x = X5;
        var a = attrs("kernel_shape", new long[] {5, 5}, "pads", new long[] {2, 2, 2, 2});
        assertFloat(run1("AveragePool", 11, a, x), shape(1, 1, 5, 5),
                7, 7.5, 8, 8.5, 9, 9.5, 10, 10.5, 11, 11.5, 12, 12.5, 13, 13.5, 14, 14.5, 15, 15.5, 16, 16.5, 17, 17.5, 18, 18.5, 19);
        var b = attrs("kernel_shape", new long[] {5, 5}, "pads", new long[] {2, 2, 2, 2}, "count_include_pad", 1);
        assertFloat(run1("AveragePool", 11, b, x), shape(1, 1, 5, 5),
                2.52, 3.6, 4.8, 4.08, 3.24, 4.56, 6.4, 8.4, 7.04, 5.52, 7.2, 10, 13, 10.8, 8.4, 6.96, 9.6, 12.4, 10.24, 7.92, 6.12, 8.4, 10.8, 8.88, 6.84);
    }

    @Test void averagePoolCeilAndSameUpper() {
        assertFloat(run1("AveragePool", 10, attrs("kernel_shape", new long[] {3, 3}, "strides", new long[] {2, 2}, "ceil_mode", 1), X4), shape(1, 1, 2, 2), 6, 7.5, 12, 13.5);
        assertFloat(run1("AveragePool", 11, attrs("kernel_shape", new long[] {3, 3}, "strides", new long[] {2, 2}, "auto_pad", "SAME_UPPER"), X5), shape(1, 1, 3, 3),
                4, 5.5, 7, 11.5, 13, 14.5, 19, 20.5, 22);
    }

    @Test void averagePoolDoubleAnd3d() {
        Tensor x = t(DataType.DOUBLE, shape(1, 1, 2, 2, 2), iota(8));
        assertTensor(run1("AveragePool", 7, attrs("kernel_shape", new long[] {2, 2, 2}), x), DataType.DOUBLE, shape(1, 1, 1, 1, 1), 1e-12, 3.5);
    }

    @Test void lpPool() {
        Tensor x = f(shape(1, 1, 3), 3, 4, 0);
        assertFloat(run1("LpPool", 11, attrs("kernel_shape", new long[] {2}), x), shape(1, 1, 2), 5, 4);
        assertFloat(run1("LpPool", 2, attrs("kernel_shape", new long[] {2}, "p", 1), f(shape(1, 1, 3), -3, 4, 1)), shape(1, 1, 2), 7, 5);
        assertFloat(run1("LpPool", 1, attrs("p", 2.0), x), shape(1, 1, 1), 5);
        assertFloat(run1("LpPool", 18, attrs("kernel_shape", new long[] {2}, "strides", new long[] {2}, "ceil_mode", 1), x), shape(1, 1, 2), 5, 0);
    }

    @Test void globalPools() {
        Tensor x = f(shape(1, 2, 2, 2), 1, 2, 3, 4, -1, -2, -3, 4);
        assertFloat(run1("GlobalAveragePool", 1, null, x), shape(1, 2, 1, 1), 2.5, -0.5);
        assertFloat(run1("GlobalMaxPool", 1, null, x), shape(1, 2, 1, 1), 4, 4);
        assertFloat(run1("GlobalLpPool", 2, attrs("p", 1), x), shape(1, 2, 1, 1), 10, 10);
        assertFloat(run1("GlobalLpPool", 2, null, f(shape(1, 1, 2), 3, 4)), shape(1, 1, 1), 5);
    }

    @Test void maxUnpool() {
        Tensor x = f(shape(1, 1, 2, 2), 5, 6, 7, 8), i = i64(shape(1, 1, 2, 2), 5, 7, 13, 15);
        double[] e = new double[16];
        e[5] = 5;
        e[7] = 6;
        e[13] = 7;
        e[15] = 8;
        var a = attrs("kernel_shape", new long[] {2, 2}, "strides", new long[] {2, 2});
        assertFloat(run1("MaxUnpool", 11, a, x, i), shape(1, 1, 4, 4), e);
        double[] e5 = new double[25];
        e5[5] = 5;
        e5[7] = 6;
        e5[13] = 7;
        e5[15] = 8;
        assertFloat(run1("MaxUnpool", 11, a, x, i, i64(shape(4), 1, 1, 5, 5)), shape(1, 1, 5, 5), e5);
        assertThatThrownBy(() -> run1("MaxUnpool", 11, a, x, i64(shape(1, 1, 2, 2), 5, 7, 13, 16))).isInstanceOf(OpException.class).hasMessageContaining("'I'");
    }

    @Test void maxRoiPool() {
        Tensor x = f(shape(1, 1, 4, 4), iota(16));
        Tensor rois = f(shape(2, 5), 0, 0, 0, 3, 3, 0, 1, 1, 2, 2);
        assertFloat(run1("MaxRoiPool", 1, attrs("pooled_shape", new long[] {2, 2}), x, rois), shape(2, 1, 2, 2), 5, 7, 13, 15, 5, 6, 9, 10);
    }

    @Test void kernelRankMismatchFails() {
        assertThatThrownBy(() -> run1("MaxPool", 12, attrs("kernel_shape", new long[] {2}), X5)).isInstanceOf(OpException.class).hasMessageContaining("kernel_shape");
        assertThatThrownBy(() -> run1("AveragePool", 11, attrs("kernel_shape", new long[] {2, 2}, "strides", new long[] {0, 1}), X5)).isInstanceOf(OpException.class).hasMessageContaining("strides");
    }
}
