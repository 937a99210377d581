package org.ge4j.ops.onnx.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.junit.jupiter.api.Test;

class TensorBlocksTest {
    // [[0,1,2],[3,4,5]]
    private static Tensor grid() { return Tensor.of(new long[] {0, 1, 2, 3, 4, 5}, 2, 3); }

    @Test void takeDropsTheAxis() {
        try (Tensor g = grid(); Tensor row = TensorBlocks.take(g, 0, 1); Tensor col = TensorBlocks.take(g, 1, 2)) {
            assertThat(row.shape()).containsExactly(3);
            assertThat(row.toLongArray()).containsExactly(3, 4, 5);
            assertThat(col.shape()).containsExactly(2);
            assertThat(col.toLongArray()).containsExactly(2, 5);
        }
    }

    @Test void sliceKeepsTheAxis() {
        try (Tensor g = grid(); Tensor s = TensorBlocks.slice(g, 1, 1, 2); Tensor e = TensorBlocks.slice(g, 1, 3, 0)) {
            assertThat(s.shape()).containsExactly(2, 2);
            assertThat(s.toLongArray()).containsExactly(1, 2, 4, 5);
            assertThat(e.shape()).containsExactly(2, 0);
        }
    }

    @Test void stackAndConcatAlongInnerAxes() {
        try (Tensor a = Tensor.of(new long[] {1, 2}); Tensor b = Tensor.of(new long[] {3, 4});
             Tensor s0 = TensorBlocks.stack(List.of(a, b), 0); Tensor s1 = TensorBlocks.stack(List.of(a, b), 1);
             Tensor g = grid(); Tensor c = TensorBlocks.concat(List.of(g, g), 1)) {
            assertThat(s0.shape()).containsExactly(2, 2);
            assertThat(s0.toLongArray()).containsExactly(1, 2, 3, 4);
            assertThat(s1.toLongArray()).containsExactly(1, 3, 2, 4);
            assertThat(c.shape()).containsExactly(2, 6);
            assertThat(c.toLongArray()).containsExactly(0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5);
        }
    }

    @Test void stringsAndPackedTypes() {
        try (Tensor s = Tensor.of(new String[] {"a", "b", "c", "d"}, 2, 2); Tensor col = TensorBlocks.take(s, 1, 1);
             Tensor i4 = Tensor.fromLongs(DataType.INT4, new long[] {2, 3}, new long[] {-8, 1, 7, -1, 0, 3});
             Tensor row = TensorBlocks.take(i4, 0, 1); Tensor both = TensorBlocks.concat(List.of(i4, i4), 0)) {
            assertThat(col.toStringArray()).containsExactly("b", "d");
            assertThat(row.toLongArray()).containsExactly(-1, 0, 3);
            assertThat(both.toLongArray()).containsExactly(-8, 1, 7, -1, 0, 3, -8, 1, 7, -1, 0, 3);
        }
    }

    @Test void mismatchedPartsAreRejectedWithTheirShapes() {
        try (Tensor a = Tensor.of(new long[] {1, 2}); Tensor b = Tensor.of(new long[] {3})) {
            assertThatThrownBy(() -> TensorBlocks.stack(List.of(a, b), 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[1]").hasMessageContaining("[2]");
            try (Tensor c = TensorBlocks.concat(List.of(a, b), 0)) {
                assertThat(c.toLongArray()).containsExactly(1, 2, 3);
            }
        }
        try (Tensor a = Tensor.of(new long[] {1, 2}, 1, 2); Tensor b = Tensor.of(new long[] {3}, 1, 1)) {
            assertThatThrownBy(() -> TensorBlocks.concat(List.of(a, b), 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("except on axis 0");
        }
    }
}
