package org.ge4j.ops.packed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.packed.PackedTesting.random;

import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.vector.Sgemm;
import org.junit.jupiter.api.Test;

class PackedLayoutTest {
    @Test
    void packsPanelsOfNrColumnsZeroPadded() {
        // B = [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]] (k=2, n=5) in panels of 4 columns
        Tensor b = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 2, 5);
        Tensor p = PackedLayout.pack(b, false, 4);
        assertThat(p.shape()).containsExactly(2, 2, 4);
        assertThat(p.toFloatArray()).containsExactly(1, 2, 3, 4, 6, 7, 8, 9, 5, 0, 0, 0, 10, 0, 0, 0);
        assertThat(PackedLayout.index(1, 4, 2, 4)).isEqualTo(12); // B[1, 4] = 10
    }

    @Test
    void packsATransposedMatrixAsItsTranspose() {
        // Bt = [[1, 6], [2, 7], [3, 8]] (n=3, k=2): B = [[1, 2, 3], [6, 7, 8]]
        Tensor bt = Tensor.of(new float[] {1, 6, 2, 7, 3, 8}, 3, 2);
        assertThat(PackedLayout.pack(bt, true, 2).toFloatArray()).containsExactly(1, 2, 6, 7, 3, 0, 8, 0);
    }

    @Test
    void writesExactlyWhatSgemmPackWritesAtTheMachinesWidth() {
        int nr = PackedLayout.nativeNr();
        assertThat(nr).isEqualTo(Sgemm.NR);
        int[][] shapes = {{1, 1}, {3, 5}, {7, nr}, {9, nr + 1}, {64, 3 * nr - 1}, {33, 100}};
        long seed = 1;
        for (int[] s : shapes) {
            int k = s[0], n = s[1];
            for (boolean t : new boolean[] {false, true}) {
                Tensor b = t ? random(seed++, n, k) : random(seed++, k, n);
                Tensor expected = Tensor.allocate(DataType.FLOAT, PackedLayout.shape(k, n, nr));
                Sgemm.pack(b.segment(), 0, t ? 4 : n * 4L, t ? k * 4L : 4, k, n, expected.segment(), 0);
                Tensor mine = PackedLayout.pack(b, t, nr);
                assertThat(mine.byteSize()).isEqualTo(Sgemm.packedBytes(k, n));
                assertThat(mine.toFloatArray()).as("k=%d n=%d transposed=%s", k, n, t).containsExactly(expected.toFloatArray());
                // and the generic (scalar) path agrees with it: repack from nr to nr is a copy
                Tensor copy = Tensor.allocate(DataType.FLOAT, mine.shape());
                PackedLayout.repack(mine.segment(), 0, nr, copy.segment(), 0, nr, k, n);
                assertThat(copy.toFloatArray()).containsExactly(expected.toFloatArray());
            }
        }
    }

    @Test
    void repacksBetweenPanelWidths() {
        Tensor b = random(7, 13, 37);
        Tensor p4 = PackedLayout.pack(b, false, 4), p16 = PackedLayout.pack(b, false, 16);
        Tensor re = Tensor.allocate(DataType.FLOAT, p16.shape());
        PackedLayout.repack(p4.segment(), 0, 4, re.segment(), 0, 16, 13, 37);
        assertThat(re.toFloatArray()).containsExactly(p16.toFloatArray());
    }

    @Test
    void refusesWhatIsNotAFloatMatrix() {
        assertThatThrownBy(() -> PackedLayout.pack(Tensor.of(new long[] {1, 2}, 1, 2), false, 4)).hasMessageContaining("2-D float");
        assertThatThrownBy(() -> PackedLayout.pack(random(1, 2, 2, 2), false, 4)).hasMessageContaining("2-D float");
    }
}
