package org.ge4j.ops.vector;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vector SGEMM against a naive triple loop, over shapes that hit every micro-kernel and edge. */
class SgemmTest {
    static MemorySegment random(Arena arena, int n, long seed) {
        MemorySegment s = arena.allocate(n * 4L, 64);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (r.nextDouble() * 2 - 1));
        return s;
    }

    static float[] naive(MemorySegment a, MemorySegment b, int m, int n, int k) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int kk = 0; kk < k; kk++) s += (double) a.getAtIndex(ValueLayout.JAVA_FLOAT, (long) i * k + kk) * b.getAtIndex(ValueLayout.JAVA_FLOAT, (long) kk * n + j);
                c[i * n + j] = (float) s;
            }
        return c;
    }

    @Test
    void packedAndRowMajorMatchNaive() {
        int[][] shapes = {{1, 1, 1}, {8, 32, 5}, {13, 47, 9}, {3, 100, 17}, {64, 64, 64}, {17, 33, 1}, {9, 31, 40}, {4, 16, 3}};
        for (int[] sh : shapes) {
            int m = sh[0], n = sh[1], k = sh[2];
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment a = random(arena, m * k, 1), b = random(arena, k * n, 2);
                float[] expect = naive(a, b, m, n, k);
                MemorySegment packed = arena.allocate(Sgemm.packedBytes(k, n), 64);
                Sgemm.pack(b, 0, n * 4L, k, n, packed, 0);
                MemorySegment c1 = arena.allocate((long) m * n * 4, 64), c2 = arena.allocate((long) m * n * 4, 64);
                Sgemm.gemmPacked(a, 0, k * 4L, packed, 0, c1, 0, n * 4L, 0, m, n, k);
                Sgemm.gemmRowMajor(a, 0, k * 4L, b, 0, n * 4L, c2, 0, n * 4L, 0, m, 0, n, k);
                for (int i = 0; i < m * n; i++) {
                    assertThat(c1.getAtIndex(ValueLayout.JAVA_FLOAT, i)).as("packed %dx%dx%d [%d]", m, n, k, i).isCloseTo(expect[i], org.assertj.core.data.Offset.offset(1e-4f));
                    assertThat(c2.getAtIndex(ValueLayout.JAVA_FLOAT, i)).as("row-major %dx%dx%d [%d]", m, n, k, i).isCloseTo(expect[i], org.assertj.core.data.Offset.offset(1e-4f));
                }
            }
        }
    }
}
