package org.ge4j.ops.onnx.nn;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.nn.NnTesting.*;

import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class MatMulOpsTest {
    @Test void matmul2d() {
        assertFloat(run1("MatMul", 13, null, f(shape(2, 2), 1, 2, 3, 4), f(shape(2, 2), 5, 6, 7, 8)), shape(2, 2), 19, 22, 43, 50);
    }

    @Test void matmulVectorsGiveScalar() {
        assertFloat(run1("MatMul", 13, null, f(shape(3), 1, 2, 3), f(shape(3), 4, 5, 6)), shape(), 32);
    }

    @Test void matmulVectorTimesBatchedMatrix() {
        // [2] x [3,2,2] -> [3,2]: row vector times each matrix
        Tensor b = f(shape(3, 2, 2), 1, 0, 0, 1, 2, 0, 0, 2, 1, 1, 1, 1);
        assertFloat(run1("MatMul", 13, null, f(shape(2), 3, 4), b), shape(3, 2), 3, 4, 6, 8, 7, 7);
        // [3,2,2] x [2] -> [3,2]
        assertFloat(run1("MatMul", 13, null, b, f(shape(2), 3, 4)), shape(3, 2), 3, 4, 6, 8, 7, 7);
    }

    @Test void matmulBroadcastsBatchDims() {
        // A [2,1,1,2] x B [3,2,1] -> [2,3,1,1]
        Tensor a = f(shape(2, 1, 1, 2), 1, 2, 3, 4);
        Tensor b = f(shape(3, 2, 1), 1, 1, 1, 0, 0, 1);
        assertFloat(run1("MatMul", 13, null, a, b), shape(2, 3, 1, 1), 3, 1, 2, 7, 3, 4);
    }

    @Test void matmulIntegersWrapLikeC() {
        Tensor a = Tensor.of(new int[] {65536, 2}, 1, 2), b = Tensor.of(new int[] {65536, 3}, 2, 1);
        assertLongs(run1("MatMul", 13, null, a, b), DataType.INT32, shape(1, 1), 6);
        Tensor a64 = i64(shape(1, 2), 1L << 40, 1), b64 = i64(shape(2, 1), 1L << 20, 5);
        assertLongs(run1("MatMul", 13, null, a64, b64), DataType.INT64, shape(1, 1), (1L << 60) + 5);
    }

    @Test void matmulDoubleAndHalf() {
        assertTensor(run1("MatMul", 13, null, t(DataType.DOUBLE, shape(1, 2), 0.1, 0.2), t(DataType.DOUBLE, shape(2, 1), 10, 100)),
                DataType.DOUBLE, shape(1, 1), 1e-12, 21);
        assertTensor(run1("MatMul", 1, null, t(DataType.FLOAT16, shape(1, 2), 1.5, 2), t(DataType.FLOAT16, shape(2, 1), 2, 0.25)),
                DataType.FLOAT16, shape(1, 1), 1e-3, 3.5);
    }

    @Test void matmulInnerMismatchNamesBoth() {
        assertThatThrownBy(() -> run1("MatMul", 13, null, f(shape(2, 3), iota(6)), f(shape(2, 2), iota(4))))
                .isInstanceOf(OpException.class).hasMessageContaining("inner dimensions").hasMessageContaining("'B'");
    }

    @Test void matmulIntNotAllowedAtOpset1() {
        Tensor a = Tensor.of(new int[] {1}, 1, 1);
        assertThatThrownBy(() -> run1("MatMul", 1, null, a, a)).isInstanceOf(OpException.class).hasMessageContaining("i32");
    }

    @Test void gemmAllAttributes() {
        // A' = A^T (A is [3,2] -> A' [2,3]), B' = B^T (B is [2,3] -> B' [3,2]); Y = 0.5 A'B' + 2 C, C [2] broadcast over rows
        Tensor a = f(shape(3, 2), 1, 4, 2, 5, 3, 6);   // A' = [[1,2,3],[4,5,6]]
        Tensor b = f(shape(2, 3), 1, 0, 1, 0, 1, 1);   // B' = [[1,0],[0,1],[1,1]]
        Tensor c = f(shape(2), 1, -1);
        // A'B' = [[4,5],[10,11]]
        assertFloat(run1("Gemm", 13, attrs("transA", 1, "transB", 1, "alpha", 0.5, "beta", 2.0), a, b, c), shape(2, 2), 4, 0.5, 7, 3.5);
    }

    @Test void gemmWithoutCAndScalarC() {
        Tensor a = f(shape(1, 2), 1, 2), b = f(shape(2, 2), 1, 2, 3, 4);
        assertFloat(run1("Gemm", 13, null, a, b), shape(1, 2), 7, 10);
        assertFloat(run1("Gemm", 7, null, a, b, f(shape(), 10)), shape(1, 2), 17, 20);
        assertFloat(run1("Gemm", 11, null, a, b, f(shape(2, 1), 10, 20).reshape(1, 2)), shape(1, 2), 17, 30);
    }

    @Test void gemmIntegers() {
        Tensor a = Tensor.of(new int[] {1, 2, 3, 4}, 2, 2), b = Tensor.of(new int[] {1, 0, 0, 1}, 2, 2), c = Tensor.of(new int[] {1, 1}, 2);
        assertLongs(run1("Gemm", 13, attrs("alpha", 2.0, "beta", 3.0), a, b, c), DataType.INT32, shape(2, 2), 5, 7, 9, 11);
    }

    @Test void gemmOldBroadcastAttribute() {
        Tensor a = f(shape(1, 2), 1, 2), b = f(shape(2, 2), 1, 2, 3, 4);
        assertFloat(run1("Gemm", 6, attrs("broadcast", 1), a, b, f(shape(2), 1, 2)), shape(1, 2), 8, 12);
        assertThatThrownBy(() -> run1("Gemm", 6, null, a, b, f(shape(2), 1, 2))).isInstanceOf(OpException.class).hasMessageContaining("broadcast");
    }

    @Test void gemmBadC() {
        Tensor a = f(shape(2, 2), iota(4)), b = f(shape(2, 2), iota(4));
        assertThatThrownBy(() -> run1("Gemm", 13, null, a, b, f(shape(3), 1, 2, 3))).isInstanceOf(OpException.class).hasMessageContaining("'C'");
        assertThatThrownBy(() -> run1("Gemm", 13, null, f(shape(2, 2, 1), iota(4)), b)).isInstanceOf(OpException.class).hasMessageContaining("2-D");
    }
}
