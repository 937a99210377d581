package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.KernelHarness.assertMatchesReference;
import static org.ge4j.ops.vector.KernelHarness.fused;
import static org.ge4j.ops.vector.KernelHarness.random;
import static org.ge4j.ops.vector.KernelHarness.uniform;

import org.junit.jupiter.api.Test;

/** ge4j::Attention vector kernel against the reference kernel. */
class AttentionKernelTest {
    private static final double TOL = 1e-4;

    @Test
    void headsWithAndWithoutTransposedK() {
        assertMatchesReference(fused("Attention").opset(1).attr("scale", 0.125f).in(random(1, 2, 4, 9, 64)).in(random(2, 2, 4, 33, 64)).in(random(3, 2, 4, 33, 40)).build(), TOL);
        assertMatchesReference(fused("Attention").opset(1).attr("scale", 0.125f).attr("k_transposed", 1L)
                .in(random(4, 2, 4, 9, 64)).in(random(5, 2, 4, 64, 33)).in(random(6, 2, 4, 33, 40)).build(), TOL);
        assertMatchesReference(fused("Attention").opset(1).in(random(7, 5, 3)).in(random(8, 7, 3)).in(random(9, 7, 2)).build(), TOL);
    }

    @Test
    void masksOfEveryBroadcastForm() {
        long[][] masks = {{1, 1, 1, 33}, {2, 1, 1, 33}, {2, 1, 9, 33}, {9, 33}, {33}, {2, 4, 9, 33}, {9, 1}, {}};
        long seed = 10;
        for (long[] m : masks)
            assertMatchesReference(fused("Attention").opset(1).attr("scale", 0.3f).in(random(seed++, 2, 4, 9, 16)).in(random(seed++, 2, 4, 33, 16))
                    .in(random(seed++, 2, 4, 33, 8)).in(uniform(seed++, -5, 0, m)).build(), TOL);
    }

    @Test
    void bertSizedHeadsInParallelAndBroadcastBatch() {
        assertMatchesReference(fused("Attention").opset(1).attr("scale", 0.125f).attr("k_transposed", 1L)
                .in(random(1, 1, 12, 128, 64)).in(random(2, 1, 12, 64, 128)).in(random(3, 1, 12, 128, 64)).in(uniform(4, -1, 0, 1, 1, 1, 128)).build(), TOL);
        assertMatchesReference(fused("Attention").opset(1).in(random(5, 3, 6, 8)).in(random(6, 1, 10, 8)).in(random(7, 10, 5)).build(), TOL);
    }

    @Test
    void packedHeadsReadInPlaceFromOneProjection() {
        // vit/bert: one [1, L, 3E] projection, Q, K and V at columns 0, E and 2E, 12 heads of 64 (L = 197: tails)
        var qkv = random(20, 1, 197, 2304);
        assertMatchesReference(fused("Attention").opset(1).attr("scale", 0.125f).attr("num_heads", 12L).ints("q_columns", 0, 768)
                .ints("k_columns", 768, 1536).ints("v_columns", 1536, 2304).in(qkv).in(qkv).in(qkv).build(), TOL);
        // odd sizes: batch 2, Lq != Lk, a window in the middle of each row, Dk 5, Dv 3, a mask per batch and head
        assertMatchesReference(fused("Attention").opset(1).attr("scale", 0.5f).attr("num_heads", 3L).ints("q_columns", 2, 17)
                .ints("k_columns", 1, 16).ints("v_columns", 4, 13).in(random(21, 2, 9, 19)).in(random(22, 2, 37, 16)).in(random(23, 2, 37, 14))
                .in(uniform(24, -5, 0, 2, 3, 9, 37)).build(), TOL);
        // no windows: every column, heads of 20 (a 16-column block and 4 more) and 40 (V wider than one panel)
        assertMatchesReference(fused("Attention").opset(1).attr("num_heads", 2L).in(random(25, 1, 33, 40)).in(random(26, 1, 40, 40))
                .in(random(27, 1, 40, 80)).in(uniform(28, -5, 0, 33, 40)).build(), TOL);
    }

    @Test
    void packedHeadsEqualThePerHeadForm() {
        // the same numbers through the per-head form: Q/K/V split into [B, H, L, D] by hand, Y merged back
        int b = 2, h = 3, l = 7, d = 4;
        var x = random(30, b, l, 3 * h * d);
        float[] xs = x.toFloatArray();
        float[][] parts = new float[3][b * h * l * d];
        for (int p = 0; p < 3; p++)
            for (int bi = 0; bi < b; bi++) for (int hi = 0; hi < h; hi++) for (int li = 0; li < l; li++) for (int di = 0; di < d; di++)
                parts[p][((bi * h + hi) * l + li) * d + di] = xs[(bi * l + li) * 3 * h * d + p * h * d + hi * d + di];
        var perHead = KernelHarness.reference(fused("Attention").opset(1).attr("scale", 0.5f).in(org.ge4j.ir.Tensor.of(parts[0], b, h, l, d))
                .in(org.ge4j.ir.Tensor.of(parts[1], b, h, l, d)).in(org.ge4j.ir.Tensor.of(parts[2], b, h, l, d)).build(), 0).toFloatArray();
        var packed = KernelHarness.reference(fused("Attention").opset(1).attr("scale", 0.5f).attr("num_heads", (long) h).ints("q_columns", 0, h * d)
                .ints("k_columns", h * d, 2 * h * d).ints("v_columns", 2 * h * d, 3 * h * d).in(x).in(x).in(x).build(), 0).toFloatArray();
        for (int bi = 0; bi < b; bi++) for (int hi = 0; hi < h; hi++) for (int li = 0; li < l; li++) for (int di = 0; di < d; di++)
            org.assertj.core.api.Assertions.assertThat(packed[((bi * l + li) * h + hi) * d + di]).isEqualTo(perHead[((bi * h + hi) * l + li) * d + di]);
    }

    @Test
    void scoresOverTheWholeRangeOfExpAndInfiniteMasks() {
        // scores spread over hundreds (exp underflows to 0 for most of a row, the inlined exp's flush), a mask with
        // -inf and -10000 entries, rows of 37 (a 5-lane tail on AVX-512) and of 16 (one vector: every vector ends a row)
        for (int lk : new int[] {37, 16, 3}) {
            float[] m = new float[5 * lk];
            for (int i = 0; i < m.length; i++) m[i] = i % 7 == 3 ? Float.NEGATIVE_INFINITY : i % 5 == 1 ? -10000f : (i % 3) * -0.5f;
            for (int r = 0; r < 5; r++) m[r * lk] = 0f; // no row fully masked
            assertMatchesReference(fused("Attention").opset(1).attr("scale", 40f).in(random(40 + lk, 1, 5, 8)).in(random(41 + lk, 1, lk, 8))
                    .in(random(42 + lk, 1, lk, 6)).in(org.ge4j.ir.Tensor.of(m, 5, lk)).build(), TOL);
            assertMatchesReference(fused("Attention").opset(1).attr("scale", 3f).attr("num_heads", 2L).in(random(43 + lk, 1, 5, 16))
                    .in(random(44 + lk, 1, lk, 16)).in(random(45 + lk, 1, lk, 12)).in(org.ge4j.ir.Tensor.of(m, 5, lk)).build(), TOL);
        }
    }
}
