package org.ge4j.ops.onnx.nn;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.nn.NnTesting.*;

import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class TopKOpsTest {
    @Test void largestAlongLastAxis() {
        List<Value> out = run("TopK", 11, null, 2, f(shape(3, 4), iota(12)), i64(shape(1), 3));
        assertFloat(out.get(0), shape(3, 3), 3, 2, 1, 7, 6, 5, 11, 10, 9);
        assertLongs(out.get(1), DataType.INT64, shape(3, 3), 3, 2, 1, 3, 2, 1, 3, 2, 1);
    }

    @Test void smallestAlongAxis0AndNegativeAxis() {
        Tensor x = f(shape(3, 2), 5, 1, 3, 2, 4, 0);
        List<Value> out = run("TopK", 11, attrs("largest", 0, "axis", 0), 2, x, i64(shape(1), 2));
        assertFloat(out.get(0), shape(2, 2), 3, 0, 4, 1);
        assertLongs(out.get(1), DataType.INT64, shape(2, 2), 1, 2, 2, 0);
        List<Value> neg = run("TopK", 10, attrs("axis", -2), 2, x, i64(shape(1), 1));
        assertFloat(neg.get(0), shape(1, 2), 5, 2);
    }

    @Test void tiesKeepTheLowerIndexFirst() {
        List<Value> out = run("TopK", 11, null, 2, f(shape(4), 1, 3, 3, 2), i64(shape(1), 2));
        assertLongs(out.get(1), DataType.INT64, shape(2), 1, 2);
        List<Value> small = run("TopK", 11, attrs("largest", 0), 2, f(shape(3), 1, 1, 0), i64(shape(1), 2));
        assertFloat(small.get(0), shape(2), 0, 1);
        assertLongs(small.get(1), DataType.INT64, shape(2), 2, 0);
    }

    @Test void opset1AttributeAndIntegerTypes() {
        List<Value> out = run("TopK", 1, attrs("k", 1), 2, f(shape(2, 2), 1, 2, 4, 3));
        assertFloat(out.get(0), shape(2, 1), 2, 4);
        List<Value> ints = run("TopK", 11, null, 2, Tensor.of(new int[] {-5, 7, 0}, 3), i64(shape(1), 2));
        assertLongs(ints.get(0), DataType.INT32, shape(2), 7, 0);
        List<Value> u64 = run("TopK", 11, null, 2, Tensor.fromLongs(DataType.UINT64, shape(3), new long[] {1, -1L, 2}), i64(shape(1), 1));
        assertLongs(u64.get(1), DataType.INT64, shape(1), 1);
        List<Value> zero = run("TopK", 11, null, 2, f(shape(3), 1, 2, 3), i64(shape(1), 0));
        assertFloat(zero.get(0), shape(0));
    }

    @Test void kTooLarge() {
        assertThatThrownBy(() -> run("TopK", 11, null, 2, f(shape(3), 1, 2, 3), i64(shape(1), 4))).isInstanceOf(OpException.class).hasMessageContaining("k = 4");
    }
}
