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
    void strideTwoThroughPhaseCopies() {
        assertThat(assertMatchesReference(conv(1, 1, 8, 15, 17, 12, 1, 3, 3, true).attr("pads", 1L, 1L, 1L, 1L).attr("strides", 2L, 2L).build(), TOL))
                .isInstanceOf(ShiftedConv.class);
        assertMatchesReference(conv(2, 2, 16, 14, 14, 24, 1, 1, 1, true).attr("strides", 2L, 2L).build(), TOL); // downsample 1x1
        assertMatchesReference(conv(3, 1, 4, 19, 21, 6, 1, 3, 3, true).attr("dilations", 2L, 2L).attr("pads", 2L, 1L, 0L, 2L).attr("strides", 2L, 2L).build(), TOL);
        assertMatchesReference(conv(4, 1, 3, 23, 22, 8, 1, 5, 5, false).attr("pads", 2L, 1L, 2L, 3L).attr("strides", 2L, 2L).build(), TOL);
        assertMatchesReference(conv(5, 1, 6, 12, 12, 6, 3, 3, 3, true).attr("pads", 1L, 1L, 1L, 1L).attr("strides", 2L, 2L).build(), TOL); // grouped
        assertMatchesReference(fused("FusedConv").opset(1).attr("strides", 2L, 2L).attr("pads", 1L, 1L, 1L, 1L).attr("activation", "Relu").attr("has_residual", 1L)
                .in(random(6, 1, 5, 16, 16)).constIn(random(7, 9, 5, 3, 3)).constIn(random(8, 9)).in(random(9, 1, 9, 8, 8)).build(), TOL);
    }

    @Test
    void shiftedPanelsWithTheEpilogueOnEachTile() {
        // full and partial panels, 8 + 8 + 4 + 1 output channels, bias with Relu/Clip/none, no bias, stride 1 and 2, 1x1 stride 2
        for (String act : new String[] {"Relu", "Clip", "LeakyRelu"}) {
            var b = fused("FusedConv").opset(1).attr("activation", act).attr("pads", 1L, 1L, 1L, 1L).in(random(31, 1, 7, 11, 13))
                    .constIn(random(32, 21, 7, 3, 3)).constIn(random(33, 21));
            if (act.equals("Clip")) b.attrFloats("activation_params", -0.2f, 0.6f);
            if (act.equals("LeakyRelu")) b.attrFloats("activation_params", 0.1f);
            assertThat(assertMatchesReference(b.build(), TOL)).isInstanceOf(ShiftedConv.class);
            var s2 = fused("FusedConv").opset(1).attr("activation", act).attr("strides", 2L, 2L).in(random(34, 2, 9, 22, 19))
                    .constIn(random(35, 13, 9, 1, 1)).constIn(random(36, 13));
            if (act.equals("Clip")) s2.attrFloats("activation_params", -0.2f, 0.6f);
            if (act.equals("LeakyRelu")) s2.attrFloats("activation_params", 0.1f);
            assertThat(assertMatchesReference(s2.build(), TOL)).isInstanceOf(ShiftedConv.class);
        }
        assertMatchesReference(conv(37, 1, 5, 17, 23, 17, 1, 3, 3, false).attr("pads", 1L, 1L, 1L, 1L).attr("strides", 2L, 2L).build(), TOL);
        assertMatchesReference(conv(38, 1, 12, 29, 29, 9, 1, 1, 1, true).attr("strides", 2L, 2L).build(), TOL);
    }

    @Test
    void weightsGivenAtRunTimeAndLongKernelRows() {
        // runtime weights are read in place; so are constant ones with rows longer than 1152
        assertMatchesReference(op("Conv").opset(11).attr("pads", 1L, 1L, 1L, 1L).in(random(1, 1, 8, 9, 11)).in(random(2, 12, 8, 3, 3)).in(random(3, 12)).build(), TOL);
        assertMatchesReference(op("Conv").opset(11).attr("pads", 1L, 1L, 1L, 1L).attr("strides", 2L, 2L).in(random(4, 1, 8, 9, 11)).in(random(5, 12, 8, 3, 3)).build(), TOL);
        assertMatchesReference(conv(6, 1, 130, 6, 6, 20, 1, 3, 3, true).attr("pads", 1L, 1L, 1L, 1L).build(), 2e-4);
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

    /** The flat (copied plane, s × s phases) and row paths at the shapes where they differ. */
    @Test
    void depthwiseEdgeShapes() {
        long[][] shapes = { // h, w, kernel, stride, pads t l b r, dilation
            {7, 7, 3, 1, 1, 1, 1, 1, 1}, {14, 14, 3, 2, 1, 1, 1, 1, 1}, {7, 7, 3, 2, 1, 1, 1, 1, 1}, {13, 13, 3, 2, 1, 1, 1, 1, 1},
            {112, 112, 3, 2, 1, 1, 1, 1, 1}, {33, 35, 3, 1, 1, 1, 1, 1, 1}, {9, 11, 3, 2, 0, 0, 0, 0, 1}, {12, 15, 3, 2, 1, 0, 0, 1, 1},
            {10, 21, 5, 2, 2, 2, 2, 2, 1}, {11, 9, 3, 1, 2, 2, 2, 2, 2}, {9, 10, 3, 2, 2, 2, 2, 2, 2}, {1, 40, 3, 1, 1, 1, 1, 1, 1},
            {6, 6, 2, 2, 0, 0, 0, 0, 1}, {3, 3, 3, 1, 1, 1, 1, 1, 1}, {20, 17, 3, 1, 0, 0, 0, 0, 1}, {8, 8, 1, 2, 0, 0, 0, 0, 1},
            {28, 28, 3, 2, 1, 1, 1, 1, 1}, {56, 56, 3, 2, 1, 1, 1, 1, 1}};
        long seed = 100;
        for (long[] t : shapes) {
            for (long c : new long[] {1, 5}) {
                var b = conv(seed, 2, c, t[0], t[1], c, c, t[2], t[2], seed % 2 == 0).attr("strides", t[3], t[3]).attr("pads", t[4], t[5], t[6], t[7])
                        .attr("dilations", t[8], t[8]);
                assertThat(assertMatchesReference(b.build(), TOL)).as(java.util.Arrays.toString(t)).isInstanceOf(DepthwiseConv.class);
                seed += 3;
            }
        }
        for (String act : new String[] {"Relu", "Clip", "Sigmoid"}) { // residual and activations on the flat and row paths
            for (long s : new long[] {1, 2}) {
                long o = s == 1 ? 7 : 4;
                var b = fused("FusedConv").opset(1).attr("group", 16L).attr("pads", 1L, 1L, 1L, 1L).attr("strides", s, s).attr("activation", act).attr("has_residual", 1L)
                        .in(random(seed, 1, 16, 7, 7)).constIn(random(seed + 1, 16, 1, 3, 3)).constIn(random(seed + 2, 16)).in(random(seed + 3, 1, 16, o, o));
                if (act.equals("Clip")) b.attrFloats("activation_params", 0f, 0.6f);
                assertMatchesReference(b.build(), TOL);
                seed += 4;
            }
        }
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
        // pointwise with bias and a clamp fused into the micro-kernel stores (21 rows: 8 + 8 + 5; 90 positions: 2 full panels read in place and a narrow one)
        for (String act : new String[] {"", "Relu", "Clip"}) {
            var b = fused("FusedConv").opset(1).attr("activation", act).in(random(8, 1, 24, 9, 10)).constIn(random(9, 21, 24, 1, 1)).constIn(random(10, 21));
            if (act.equals("Clip")) b.attrFloats("activation_params", 0f, 0.6f);
            assertMatchesReference(b.build(), TOL);
            // 14x14 and 28x28: the last panel is at most one vector wide (4 and 16 columns); 7x7: it overlaps the first
            for (int size : new int[] {7, 14, 28}) {
                var n = fused("FusedConv").opset(1).attr("activation", act).in(random(21, 1, 24, size, size)).constIn(random(22, 21, 24, 1, 1)).constIn(random(23, 21));
                var r = fused("FusedConv").opset(1).attr("activation", act).attr("has_residual", 1L).in(random(24, 1, 24, size, size))
                        .constIn(random(25, 21, 24, 1, 1)).constIn(random(26, 21)).in(random(27, 1, 21, size, size));
                if (act.equals("Clip")) {
                    n.attrFloats("activation_params", 0f, 0.6f);
                    r.attrFloats("activation_params", 0f, 0.6f);
                }
                assertMatchesReference(n.build(), TOL);
                assertMatchesReference(r.build(), TOL);
            }
        }
        assertMatchesReference(fused("FusedConv").opset(1).attr("activation", "Relu").in(random(11, 1, 24, 9, 10)).in(random(12, 21, 24, 1, 1)).build(), TOL);
        // ... and with a residual (pointwise: on the tile too, when switched on; full and narrow panels)
        boolean fuseResidual = GemmConv.fuseResidual;
        for (boolean onTile : new boolean[] {false, true})
        for (String act : new String[] {"", "Relu", "Clip"}) {
            GemmConv.fuseResidual = onTile;
            var pw = fused("FusedConv").opset(1).attr("activation", act).attr("has_residual", 1L).in(random(13, 1, 24, 9, 10))
                    .constIn(random(14, 21, 24, 1, 1)).constIn(random(15, 21)).in(random(16, 1, 21, 9, 10));
            var sh = fused("FusedConv").opset(1).attr("activation", act).attr("has_residual", 1L).attr("pads", 1L, 1L, 1L, 1L).in(random(17, 1, 8, 9, 10))
                    .constIn(random(18, 21, 8, 3, 3)).constIn(random(19, 21)).in(random(20, 1, 21, 9, 10));
            if (act.equals("Clip")) {
                pw.attrFloats("activation_params", 0f, 0.6f);
                sh.attrFloats("activation_params", 0f, 0.6f);
            }
            try {
                assertThat(assertMatchesReference(pw.build(), TOL)).isInstanceOf(GemmConv.class);
            } finally {
                GemmConv.fuseResidual = fuseResidual;
            }
            assertThat(assertMatchesReference(sh.build(), TOL)).isInstanceOf(ShiftedConv.class);
        }
    }

    @Test
    void pointwiseTilesStartingAtTheBias() {
        boolean was = GemmConv.biasTiles;
        GemmConv.biasTiles = true; // the opt-in BiasTiles form
        try {
            pointwiseConvs();
            fusedConvWithResidualAndActivations();
        } finally {
            GemmConv.biasTiles = was;
        }
    }

    @Test
    void transposedFormForPlanesThatPanelsFitBadly() {
        boolean was = ChannelPanels.enabled;
        ChannelPanels.enabled = true;
        boolean store = ChannelPanels.vectorStore;
        try {
            transposedForms();
            ChannelPanels.vectorStore = !store; // the other transposing store
            transposedForms();
        } finally {
            ChannelPanels.enabled = was;
            ChannelPanels.vectorStore = store;
        }
    }

    private static void transposedForms() {
        // 7x7 outputs, 80 channels (two panels of 32 and a partial one): pointwise, 3x3, stride 2, batch 2, groups
        var pw = assertMatchesReference(conv(1, 2, 24, 7, 7, 80, 1, 1, 1, true).build(), TOL);
        assertThat(((GemmConv) pw).channelPanels()).isTrue();
        var sh = assertMatchesReference(conv(2, 1, 20, 7, 7, 80, 1, 3, 3, false).attr("pads", 1L, 1L, 1L, 1L).build(), TOL);
        assertThat(((ShiftedConv) sh).channelPanels()).isTrue();
        assertMatchesReference(conv(3, 1, 16, 14, 14, 80, 1, 3, 3, true).attr("pads", 1L, 1L, 1L, 1L).attr("strides", 2L, 2L).build(), TOL);
        assertMatchesReference(conv(4, 1, 16, 7, 7, 160, 2, 3, 3, true).attr("pads", 1L, 1L, 1L, 1L).build(), TOL);
        assertMatchesReference(conv(5, 1, 40, 5, 5, 64, 1, 3, 3, true).attr("dilations", 2L, 2L).attr("pads", 2L, 2L, 2L, 2L).build(), TOL);
        assertMatchesReference(conv(6, 1, 301, 1, 1, 32, 1, 1, 1, true).build(), 2e-4); // one position, long odd k
        var tiles = assertMatchesReference(conv(7, 1, 64, 10, 7, 256, 1, 1, 1, true).build(), TOL); // 70 positions: tiles of 64 + 6
        assertThat(((GemmConv) tiles).channelPanels()).isTrue();
        var wide = assertMatchesReference(conv(8, 1, 64, 16, 16, 256, 1, 1, 1, true).build(), TOL); // 256 positions: NR-wide panels pay
        assertThat(((GemmConv) wide).channelPanels()).isFalse();
        var planes196 = assertMatchesReference(conv(9, 1, 24, 14, 14, 64, 1, 3, 3, true).attr("pads", 1L, 1L, 1L, 1L).build(), TOL); // 3 tiles of 64 + 4
        assertThat(((ShiftedConv) planes196).channelPanels()).isTrue();
        assertMatchesReference(conv(10, 1, 24, 12, 12, 40, 1, 1, 1, true).attr("strides", 2L, 2L).build(), TOL); // 36 positions: 4 blocks of 8 + 4
        assertMatchesReference(conv(11, 2, 9, 5, 5, 33, 1, 3, 3, false).attr("pads", 1L, 1L, 1L, 1L).build(), TOL); // 25 positions, no bias
        // 88 channels (a last panel of 24: one 16x16 register block and 8 channels one float at a time), bias, Clip, residual
        var clip = fused("FusedConv").opset(1).attr("activation", "Clip").attrFloats("activation_params", -0.3f, 0.5f).attr("has_residual", 1L)
                .in(random(12, 1, 40, 7, 7)).constIn(random(13, 88, 40, 1, 1)).constIn(random(14, 88)).in(random(15, 1, 88, 7, 7));
        assertThat(((GemmConv) assertMatchesReference(clip.build(), TOL)).channelPanels()).isTrue();
        for (String act : new String[] {"", "Relu", "Clip", "Sigmoid"}) {
            for (boolean residual : new boolean[] {false, true}) {
                var b = fused("FusedConv").opset(1).attr("pads", 1L, 1L, 1L, 1L).attr("activation", act).attr("has_residual", residual ? 1L : 0L)
                        .in(random(8, 1, 12, 7, 7)).constIn(random(9, 80, 12, 3, 3)).constIn(random(10, 80));
                if (act.equals("Clip")) b.attrFloats("activation_params", 0f, 0.6f);
                if (residual) b.in(random(11, 1, 80, 7, 7));
                var k = assertMatchesReference(b.build(), TOL);
                assertThat(((ShiftedConv) k).channelPanels()).isTrue();
            }
        }
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
