package org.ge4j.ops.onnx.nn;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.nn.NnTesting.*;

import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class LinalgOpsTest {
    private static final Tensor A = f(shape(2, 3), 1, 2, 3, 4, 5, 6);

    private static Tensor einsum(String eq, Tensor... in) { return run1("Einsum", 12, attrs("equation", eq), in); }

    @Test void matmulTransposeAndSums() {
        assertFloat(einsum("ij,jk->ik", A, f(shape(3, 1), 1, 1, 1)), shape(2, 1), 6, 15);
        assertFloat(einsum("ij->ji", A), shape(3, 2), 1, 4, 2, 5, 3, 6);
        assertFloat(einsum("ij->i", A), shape(2), 6, 15);
        assertFloat(einsum("ij->", A), shape(), 21);
        assertFloat(einsum("i,i", f(shape(3), 1, 2, 3), f(shape(3), 4, 5, 6)), shape(), 32);
        assertFloat(einsum("i,j->ij", f(shape(2), 1, 2), f(shape(2), 3, 4)), shape(2, 2), 3, 4, 6, 8);
    }

    @Test void implicitOutputIsSortedSingleLabels() {
        assertFloat(einsum("ba", A), shape(3, 2), 1, 4, 2, 5, 3, 6);
        assertFloat(einsum("ij,jk", A, f(shape(3, 1), 1, 0, 0)), shape(2, 1), 1, 4);
    }

    @Test void diagonalsAndTrace() {
        Tensor m = f(shape(2, 2), 1, 2, 3, 4);
        assertFloat(einsum("ii->i", m), shape(2), 1, 4);
        assertFloat(einsum("ii", m), shape(), 5);
        Tensor b = f(shape(2, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8);
        assertFloat(einsum("...ii->...i", b), shape(2, 2), 1, 4, 5, 8);
    }

    @Test void batchedAndBroadcastEllipsis() {
        Tensor x = f(shape(2, 1, 2), 1, 2, 3, 4), y = f(shape(2, 2, 1), 1, 1, 2, 0);
        assertFloat(einsum("bij,bjk->bik", x, y), shape(2, 1, 1), 3, 6);
        Tensor one = f(shape(1, 2), 1, 10);
        assertFloat(einsum("...j,...j->...", f(shape(2, 2), 1, 2, 3, 4), one), shape(2), 21, 43);
    }

    @Test void integersAndDouble() {
        Tensor i = Tensor.of(new int[] {1, 2, 3, 4}, 2, 2);
        assertLongs(einsum("ij,jk->ik", i, i), DataType.INT32, shape(2, 2), 7, 10, 15, 22);
        assertTensor(einsum("i->", t(DataType.DOUBLE, shape(2), 0.1, 0.2)), DataType.DOUBLE, shape(), 1e-15, 0.30000000000000004);
    }

    @Test void badEquations() {
        assertThatThrownBy(() -> einsum("ij,jk->ik", A)).isInstanceOf(OpException.class).hasMessageContaining("equation");
        assertThatThrownBy(() -> einsum("ij,jk->ik", A, A)).isInstanceOf(OpException.class).hasMessageContaining("label 'j'");
        assertThatThrownBy(() -> einsum("ijk->i", A)).isInstanceOf(OpException.class).hasMessageContaining("rank 2");
        assertThatThrownBy(() -> einsum("ij->q", A)).isInstanceOf(OpException.class).hasMessageContaining("'q'");
    }

    @Test void det() {
        assertFloat(run1("Det", 11, null, f(shape(2, 2), 1, 2, 3, 4)), shape(), -2);
        assertFloat(run1("Det", 11, null, f(shape(2, 2, 2), 0, 1, 1, 0, 2, 0, 0, 3)), shape(2), -1, 6);
        assertTensor(run1("Det", 11, null, t(DataType.DOUBLE, shape(3, 3), 2, -3, 1, 2, 0, -1, 1, 4, 5)), DataType.DOUBLE, shape(), 1e-9, 49);
        assertFloat(run1("Det", 11, null, f(shape(2, 2), 1, 2, 2, 4)), shape(), 0);
        assertThatThrownBy(() -> run1("Det", 11, null, A)).isInstanceOf(OpException.class).hasMessageContaining("square");
    }
}
