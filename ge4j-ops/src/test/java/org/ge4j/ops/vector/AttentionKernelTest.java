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
}
