package org.ge4j.ops.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.ops.vector.KernelHarness.assertMatchesReference;
import static org.ge4j.ops.vector.KernelHarness.fused;
import static org.ge4j.ops.vector.KernelHarness.op;
import static org.ge4j.ops.vector.KernelHarness.random;

import org.junit.jupiter.api.Test;

/** Conv and FusedConv vector kernels (GEMM, pointwise, depthwise) against the reference kernels. */
class ConvCompilersTest {
    private static final double TOL = 1e-4;

    private static KernelHarness.Builder conv(long seed, long n, long c, long h, long w, long m, long g, long kh, long kw, boolean bias) {
        var b = op("Conv").opset(11).attr("group", g).in(random(seed, n, c, h, w)).constIn(random(seed + 1, m, c / g, kh, kw));
        if (bias) b.constIn(random(seed + 2, m));
        return b;
    }

    @Test
    void pointwiseConvs() {
        assertMatchesReference(conv(1, 1, 16, 7, 9, 24, 1, 1, 1, true).build(), TOL);
        assertMatchesReference(conv(4, 2, 3, 5, 5, 5, 1, 1, 1, false).build(), TOL);
        assertMatchesReference(conv(7, 1, 64, 14, 14, 40, 1, 1, 1, true).build(), TOL);
        assertMatchesReference(conv(10, 1, 8, 4, 4, 8, 2, 1, 1, true).build(), TOL); // grouped
        assertThat(assertMatchesReference(conv(13, 1, 8, 4, 4, 8, 1, 1, 1, true).build(), TOL)).isInstanceOf(GemmConv.class);
    }

    @Test
    void threeByThreeWithPadsStridesDilations() {
        assertMatchesReference(conv(1, 1, 8, 10, 11, 16, 1, 3, 3, true).attr("pads", 1L, 1L, 1L, 1L).build(), TOL);
        assertMatchesReference(conv(4, 2, 5, 9, 7, 9, 1, 3, 3, true).attr("pads", 0L, 2L, 1L, 0L).build(), TOL);
        assertMatchesReference(conv(7, 1, 6, 13, 12, 10, 1, 3, 3, true).attr("pads", 1L, 1L, 1L, 1L).attr("strides", 2L, 2L).build(), TOL);
        assertMatchesReference(conv(10, 1, 4, 12, 12, 6, 1, 3, 3, false).attr("dilations", 2L, 2L).attr("pads", 2L, 2L, 2L, 2L).build(), TOL);
        assertMatchesReference(conv(13, 1, 3, 30, 30, 8, 1, 7, 7, true).attr("pads", 3L, 3L, 3L, 3L).attr("strides", 2L, 2L).build(), TOL);
        assertMatchesReference(conv(16, 1, 4, 9, 9, 6, 1, 3, 3, true).attr("auto_pad", "SAME_UPPER").build(), TOL);
        assertMatchesReference(conv(19, 1, 4, 9, 9, 6, 1, 2, 2, true).attr("auto_pad", "SAME_LOWER").attr("strides", 2L, 2L).build(), TOL);
        assertMatchesReference(conv(22, 1, 4, 8, 40, 6, 1, 1, 5, true).attr("auto_pad", "VALID").build(), TOL); // wide rows span panels
        assertMatchesReference(conv(25, 1, 2, 3, 3, 3, 1, 3, 3, true).build(), TOL); // a single output position
    }

    @Test
    void implicitGemmOverPaddedAndShiftedInputs() {
        assertThat(assertMatchesReference(conv(1, 1, 8, 30, 40, 16, 1, 3, 3, true).attr("pads", 1L, 1L, 1L, 1L).build(), TOL)).isInstanceOf(ShiftedConv.class);
        assertThat(assertMatchesReference(conv(14, 1, 8, 30, 40, 16, 1, 3, 3, true).attr("pads", 1L, 1L, 1L, 1L).attr("strides", 2L, 1L).build(), TOL))
                .isInstanceOf(ImplicitConv.class);
        assertThat(assertMatchesReference(conv(15, 2, 8, 7, 7, 16, 1, 3, 3, true).attr("pads", 1L, 1L, 1L, 1L).build(), TOL)).isInstanceOf(ShiftedConv.class);
        assertMatchesReference(conv(2, 2, 5, 9, 70, 9, 1, 3, 3, true).attr("pads", 0L, 2L, 1L, 0L).build(), TOL);
        assertMatchesReference(conv(3, 1, 6, 13, 33, 10, 1, 3, 3, true).attr("pads", 1L, 1L, 1L, 1L).attr("strides", 2L, 1L).build(), TOL);
        assertMatchesReference(conv(4, 1, 4, 12, 40, 6, 1, 3, 3, false).attr("dilations", 2L, 2L).attr("pads", 2L, 2L, 2L, 2L).build(), TOL);
        assertMatchesReference(conv(5, 1, 8, 20, 24, 12, 2, 5, 5, true).attr("pads", 2L, 2L, 2L, 2L).build(), TOL); // grouped
        assertMatchesReference(conv(6, 1, 3, 8, 64, 5, 1, 1, 7, true).attr("pads", 0L, 3L, 0L, 3L).build(), TOL);
        assertMatchesReference(op("Conv").opset(11).attr("pads", 1L, 1L).in(random(7, 2, 6, 50)).constIn(random(8, 5, 6, 3)).constIn(random(9, 5)).build(), TOL); // 1-D
        for (String act : new String[] {"Relu", "Sigmoid"})
            assertMatchesReference(fused("FusedConv").opset(1).attr("pads", 1L, 1L, 1L, 1L).attr("activation", act).attr("has_residual", 1L)
                    .in(random(10, 1, 6, 9, 33)).constIn(random(11, 7, 6, 3, 3)).constIn(random(12, 7)).in(random(13, 1, 7, 9, 33)).build(), TOL);
    }

    @Test
    void groupedAndOneDimensional() {
        assertMatchesReference(conv(1, 1, 8, 9, 9, 12, 4, 3, 3, true).attr("pads", 1L, 1L, 1L, 1L).build(), TOL);
        assertMatchesReference(conv(4, 1, 4, 6, 6, 8, 4, 3, 3, true).attr("pads", 1L, 1L, 1L, 1L).build(), TOL); // channel multiplier 2
        assertMatchesReference(op("Conv").opset(11).attr("pads", 1L, 1L).in(random(7, 2, 6, 50)).constIn(random(8, 5, 6, 3)).constIn(random(9, 5)).build(), TOL);
    }

    @Test
    void depthwiseStrideOneAndTwo() {
        assertThat(assertMatchesReference(conv(1, 1, 8, 10, 10, 8, 8, 3, 3, true).attr("pads", 1L, 1L, 1L, 1L).build(), TOL)).isInstanceOf(DepthwiseConv.class);
        assertMatchesReference(conv(4, 2, 5, 17, 19, 5, 5, 3, 3, true).attr("pads", 1L, 1L, 1L, 1L).attr("strides", 2L, 2L).build(), TOL);
        assertMatchesReference(conv(7, 1, 3, 40, 37, 3, 3, 5, 5, false).attr("pads", 2L, 2L, 2L, 2L).build(), TOL);
        assertMatchesReference(conv(10, 1, 4, 12, 12, 4, 4, 3, 3, true).attr("dilations", 2L, 2L).build(), TOL);
        assertMatchesReference(conv(13, 1, 6, 16, 16, 6, 6, 3, 3, true).attr("pads", 0L, 0L, 1L, 1L).attr("strides", 2L, 2L).build(), TOL);
    }

    @Test
    void fusedConvWithResidualAndActivations() {
        for (String act : new String[] {"", "Relu", "Clip", "LeakyRelu", "Sigmoid"}) {
            for (long group : new long[] {1, 6}) {
                var b = fused("FusedConv").opset(1).attr("group", group).attr("pads", 1L, 1L, 1L, 1L).attr("activation", act).attr("has_residual", 1L)
                        .in(random(1, 1, 6, 9, 9)).constIn(random(2, 6, 6 / group, 3, 3)).constIn(random(3, 6)).in(random(4, 1, 6, 9, 9));
                if (act.equals("Clip")) b.attrFloats("activation_params", 0f, 0.6f);
                if (act.equals("LeakyRelu")) b.attrFloats("activation_params", 0.1f);
                assertMatchesReference(b.build(), TOL);
            }
        }
        assertMatchesReference(fused("FusedConv").opset(1).attr("activation", "Relu").in(random(5, 1, 16, 5, 5)).constIn(random(6, 8, 16, 1, 1)).constIn(random(7, 8)).build(), TOL);
    }

    @Test
    void largerShapesRunInParallel() {
        assertMatchesReference(conv(1, 1, 32, 28, 28, 64, 1, 3, 3, true).attr("pads", 1L, 1L, 1L, 1L).build(), TOL);
        assertMatchesReference(conv(4, 1, 64, 28, 28, 64, 64, 3, 3, true).attr("pads", 1L, 1L, 1L, 1L).build(), TOL);
    }

    @Test
    void declinesThreeDimensionalConv() {
        assertThat(KernelHarness.compile(op("Conv").opset(11).in(random(1, 1, 2, 4, 4, 4)).constIn(random(2, 3, 2, 2, 2, 2)).build())).isNull();
    }
}
