package org.ge4j.ops.onnx.nn;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.nn.NnTesting.*;

import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class ReduceOpsTest {
    /** [[[1,2],[3,4]],[[5,6],[7,8]],[[9,10],[11,12]]], shape [3,2,2]. */
    private static Tensor data() { return f(shape(3, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12); }

    @Test void reduceSumKeepdimsAndDefaultAxes() {
        assertFloat(run1("ReduceSum", 11, attrs("axes", new long[] {1}), data()), shape(3, 1, 2), 4, 6, 12, 14, 20, 22);
        assertFloat(run1("ReduceSum", 11, attrs("axes", new long[] {1}, "keepdims", 0), data()), shape(3, 2), 4, 6, 12, 14, 20, 22);
        assertFloat(run1("ReduceSum", 1, null, data()), shape(1, 1, 1), 78);
        assertFloat(run1("ReduceSum", 11, attrs("axes", new long[] {-1, 0}, "keepdims", 0), data()), shape(2), 33, 45);
    }

    @Test void reduceSumAxesInput() {
        assertFloat(run1("ReduceSum", 13, null, data(), i64(shape(1), -2)), shape(3, 1, 2), 4, 6, 12, 14, 20, 22);
        assertFloat(run1("ReduceSum", 13, attrs("keepdims", 0), data(), i64(shape(0))), shape(), 78);
        assertFloat(run1("ReduceSum", 13, attrs("keepdims", 0), data()), shape(), 78);
        Tensor noop = run1("ReduceSum", 13, attrs("noop_with_empty_axes", 1), data(), i64(shape(0)));
        assertFloat(noop, shape(3, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    }

    @Test void everyReductionAttributeAndInputForms() {
        double s10 = Math.sqrt(10), s20 = Math.sqrt(20);
        check("ReduceMean", 2, 3, 6, 7, 10, 11);
        check("ReduceMax", 3, 4, 7, 8, 11, 12);
        check("ReduceMin", 1, 2, 5, 6, 9, 10);
        check("ReduceProd", 3, 8, 35, 48, 99, 120);
        check("ReduceL1", 4, 6, 12, 14, 20, 22);
        check("ReduceL2", s10, s20, Math.sqrt(74), 10, Math.sqrt(202), Math.sqrt(244));
        check("ReduceSumSquare", 10, 20, 74, 100, 202, 244);
        check("ReduceLogSum", Math.log(4), Math.log(6), Math.log(12), Math.log(14), Math.log(20), Math.log(22));
        check("ReduceLogSumExp", lse(1, 3), lse(2, 4), lse(5, 7), lse(6, 8), lse(9, 11), lse(10, 12));
    }

    private static double lse(double a, double b) { return Math.log(Math.exp(a) + Math.exp(b)); }

    private static void check(String op, double... expected) {
        assertTensor(run1(op, 13, attrs("axes", new long[] {1}, "keepdims", 0), data()), DataType.FLOAT, shape(3, 2), 1e-4, expected);
        assertTensor(run1(op, 18, attrs("keepdims", 0), data(), i64(shape(1), 1)), DataType.FLOAT, shape(3, 2), 1e-4, expected);
    }

    @Test void l1UsesAbsoluteValuesAndLogSumExpIsStable() {
        assertFloat(run1("ReduceL1", 13, null, f(shape(3), -1, 2, -3)), shape(1), 6);
        assertTensor(run1("ReduceLogSumExp", 13, attrs("keepdims", 0), f(shape(2), 1000, 1000)), DataType.FLOAT, shape(), 1e-4, 1000 + Math.log(2));
    }

    @Test void integerReductions() {
        Tensor i = Tensor.of(new int[] {Integer.MAX_VALUE, 1, 3, 4}, 2, 2);
        assertLongs(run1("ReduceSum", 13, attrs("keepdims", 0), i, i64(shape(1), 1)), DataType.INT32, shape(2), Integer.MIN_VALUE, 7);
        assertLongs(run1("ReduceMean", 13, attrs("axes", new long[] {0}), Tensor.of(new int[] {1, 2, 2, 5}, 2, 2)), DataType.INT32, shape(1, 2), 1, 3);
        Tensor u64 = Tensor.fromLongs(DataType.UINT64, shape(2), new long[] {-1L, 5});
        assertLongs(run1("ReduceMax", 13, null, u64), DataType.UINT64, shape(1), -1L);
        assertLongs(run1("ReduceMin", 13, null, u64), DataType.UINT64, shape(1), 5);
        assertLongs(run1("ReduceProd", 13, null, i64(shape(3), 1L << 20, 1L << 20, 3)), DataType.INT64, shape(1), 3L << 40);
        Tensor u8 = Tensor.fromLongs(DataType.UINT8, shape(3), new long[] {7, 250, 3});
        assertLongs(run1("ReduceMax", 12, null, u8), DataType.UINT8, shape(1), 250);
        assertThatThrownBy(() -> run1("ReduceMax", 11, null, u8)).isInstanceOf(OpException.class);
    }

    @Test void emptyTensorReductions() {
        Tensor e = f(shape(2, 0));
        var a = attrs("axes", new long[] {1}, "keepdims", 0);
        assertFloat(run1("ReduceSum", 11, a, e), shape(2), 0, 0);
        assertFloat(run1("ReduceProd", 11, a, e), shape(2), 1, 1);
        assertFloat(run1("ReduceMax", 11, a, e), shape(2), Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY);
        assertFloat(run1("ReduceMin", 11, a, e), shape(2), Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
        assertFloat(run1("ReduceMean", 11, a, e), shape(2), Double.NaN, Double.NaN);
        assertFloat(run1("ReduceLogSumExp", 11, a, e), shape(2), Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY);
        assertFloat(run1("ReduceSumSquare", 11, attrs("axes", new long[] {0}, "keepdims", 1), e), shape(1, 0));
    }

    @Test void doubleAndHalf() {
        assertTensor(run1("ReduceMean", 13, null, t(DataType.DOUBLE, shape(4), 0.1, 0.2, 0.3, 0.4)), DataType.DOUBLE, shape(1), 1e-15, 0.25);
        assertTensor(run1("ReduceSum", 13, null, t(DataType.FLOAT16, shape(3), 0.5, 0.25, 2)), DataType.FLOAT16, shape(1), 1e-3, 2.75);
    }

    @Test void badAxesFail() {
        assertThatThrownBy(() -> run1("ReduceSum", 11, attrs("axes", new long[] {3}), data())).isInstanceOf(OpException.class)
                .hasMessageContaining("'axes'").hasMessageContaining("out of range");
        assertThatThrownBy(() -> run1("ReduceSum", 13, null, data(), i64(shape(1), -4))).isInstanceOf(OpException.class).hasMessageContaining("'axes'");
    }

    @Test void argMaxArgMin() {
        Tensor x = f(shape(2, 2), 2, 1, 3, 10);
        assertLongs(run1("ArgMax", 13, null, x), DataType.INT64, shape(1, 2), 1, 1);
        assertLongs(run1("ArgMax", 13, attrs("axis", 1, "keepdims", 0), x), DataType.INT64, shape(2), 0, 1);
        assertLongs(run1("ArgMin", 13, attrs("axis", -1), x), DataType.INT64, shape(2, 1), 1, 0);
        Tensor ties = f(shape(2, 2), 2, 2, 3, 3);
        assertLongs(run1("ArgMax", 13, attrs("axis", 1, "keepdims", 0), ties), DataType.INT64, shape(2), 0, 0);
        assertLongs(run1("ArgMax", 12, attrs("axis", 1, "keepdims", 0, "select_last_index", 1), ties), DataType.INT64, shape(2), 1, 1);
        assertLongs(run1("ArgMin", 12, attrs("axis", 1, "keepdims", 0, "select_last_index", 1), ties), DataType.INT64, shape(2), 1, 1);
        Tensor u64 = Tensor.fromLongs(DataType.UINT64, shape(3), new long[] {5, -1L, 7});
        assertLongs(run1("ArgMax", 13, attrs("keepdims", 0), u64), DataType.INT64, shape(), 1);
        Tensor i8 = Tensor.fromLongs(DataType.INT8, shape(3), new long[] {5, -1, 7});
        assertLongs(run1("ArgMin", 11, null, i8), DataType.INT64, shape(1), 1);
        assertThatThrownBy(() -> run1("ArgMax", 13, attrs("axis", 2), x)).isInstanceOf(OpException.class).hasMessageContaining("'axis'");
    }
}
