package org.ge4j.ops.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.ops.vector.KernelHarness.assertMatchesReference;
import static org.ge4j.ops.vector.KernelHarness.fused;
import static org.ge4j.ops.vector.KernelHarness.random;
import static org.ge4j.ops.vector.KernelHarness.uniform;

import org.ge4j.ir.Tensor;
import org.ge4j.ops.blocked.Blocking;
import org.junit.jupiter.api.Test;

/** The blocked-layout (NCHWc) kernels other than the group-1 blocked convolution, against the reference kernels. */
class NchwcKernelsTest {
    private static final double TOL = 1e-4;
    static final int B = VMath.S.length();

    /** A random plain tensor in the blocked layout (padding lanes zero, as every producer writes them). */
    static Tensor blocked(long seed, long... plain) { return Blocking.block(random(seed, plain), B); }

    /** A blocked convolution builder; activation "" for none, Clip with [-0.2, 0.6] and LeakyRelu 0.1 parameters. */
    static KernelHarness.Builder conv(long seed, boolean blockedIn, long n, long c, long h, long w, long m, long group, long k, long stride, long pad,
                                      boolean bias, String act, long[] residual) {
        var b = fused("BlockedConv").opset(1).attr("block", (long) B).attr("input_blocked", blockedIn ? 1L : 0L).attr("group", group)
                .ints("kernel_shape", k, k).ints("strides", stride, stride).ints("pads", pad, pad, pad, pad)
                .in(blockedIn ? blocked(seed, n, c, h, w) : random(seed, n, c, h, w)).constIn(random(seed + 1, m, c / group, k, k));
        if (bias) b.constIn(random(seed + 2, m));
        else if (residual != null) b.absent();
        if (!act.isEmpty()) b.attr("activation", act);
        if (act.equals("Clip")) b.attrFloats("activation_params", -0.2f, 0.6f);
        if (act.equals("LeakyRelu")) b.attrFloats("activation_params", 0.1f);
        if (residual != null) b.attr("has_residual", 1L).in(blocked(seed + 3, residual));
        return b;
    }

    private static long out(long size, long k, long stride, long pad) { return (size + 2 * pad - k) / stride + 1; }

    @Test
    void depthwise() {
        boolean was = NchwcDepthwise.padded;
        try {
            for (boolean padded : new boolean[] {true, false}) {
                NchwcDepthwise.padded = padded;
                depthwiseCases();
            }
        } finally {
            NchwcDepthwise.padded = was;
        }
    }

    private void depthwiseCases() {
        long seed = 100;
        long[][] shapes = { // n, c, h, w, k, stride, pad
            {1, 24, 9, 11, 3, 1, 1}, {2, 40, 7, 7, 3, 2, 1}, {1, 3, 5, 6, 3, 1, 1}, {1, 32, 14, 14, 3, 2, 1}, {1, 16, 12, 13, 3, 1, 0},
            {1, 16, 112, 112, 3, 1, 1}, {1, 20, 113, 111, 3, 2, 1}, // row chunks on the pool
            {1, 20, 10, 9, 5, 2, 2}, {2, 17, 3, 3, 3, 1, 1}, {1, 48, 1, 1, 3, 1, 1}, {1, 24, 8, 8, 1, 1, 0}, {1, 24, 15, 13, 3, 2, 0}};
        String[] acts = {"", "Relu", "Clip", "Sigmoid", "LeakyRelu"};
        int i = 0;
        for (long[] t : shapes)
            for (String act : acts) {
                long oh = out(t[2], t[4], t[5], t[6]), ow = out(t[3], t[4], t[5], t[6]);
                boolean bias = i % 3 != 1, res = i % 2 == 0;
                i++;
                var c = conv(seed += 4, true, t[0], t[1], t[2], t[3], t[1], t[1], t[4], t[5], t[6], bias, act, res ? new long[] {t[0], t[1], oh, ow} : null);
                assertThat(assertMatchesReference(c.build(), TOL)).isInstanceOf(NchwcDepthwise.class);
            }
        // an infinite input in the first and last rows stays infinite (no zero-weight products of it at the edges)
        Tensor inf = random(5, 1, 16, 40, 40);
        for (int q = 0; q < 40; q++) {
            inf.setScalarDouble(q, Double.POSITIVE_INFINITY);
            inf.setScalarDouble(39 * 40 + q, Double.POSITIVE_INFINITY);
        }
        assertMatchesReference(fused("BlockedConv").opset(1).attr("block", (long) B).attr("group", 16L).ints("strides", 2L, 2L).ints("pads", 1L, 1L, 1L, 1L)
                .in(Blocking.block(inf, B)).constIn(uniform(6, 0.1, 1, 16, 1, 3, 3)).build(), TOL);
        // dilations and asymmetric pads
        assertMatchesReference(fused("BlockedConv").opset(1).attr("block", (long) B).attr("group", 24L).ints("dilations", 2L, 2L).ints("pads", 2L, 1L, 0L, 2L)
                .in(blocked(7, 1, 24, 11, 12)).constIn(random(8, 24, 1, 3, 3)).constIn(random(9, 24)).build(), TOL);
        assertMatchesReference(fused("BlockedConv").opset(1).attr("block", (long) B).attr("group", 24L).ints("dilations", 2L, 2L).ints("strides", 2L, 2L)
                .ints("pads", 2L, 1L, 0L, 2L).in(blocked(10, 1, 24, 11, 12)).constIn(random(11, 24, 1, 3, 3)).constIn(random(12, 24)).build(), TOL);
    }

    @Test
    void plainInput() {
        long seed = 300;
        long[][] shapes = { // n, c, h, w, m, k, stride, pad
            {1, 3, 30, 31, 64, 7, 2, 3}, {1, 3, 20, 19, 32, 3, 2, 1}, {1, 3, 17, 17, 64, 3, 2, 0}, {2, 3, 9, 16, 24, 3, 1, 1}, {1, 4, 12, 40, 40, 3, 1, 1},
            {1, 3, 5, 5, 16, 5, 1, 2}, {1, 2, 4, 3, 3, 3, 1, 1}, {1, 1, 2, 2, 20, 3, 2, 1}};
        String[] acts = {"", "Relu", "Clip", "Sigmoid"};
        int i = 0;
        for (long[] t : shapes)
            for (String act : acts) {
                long oh = out(t[2], t[5], t[6], t[7]), ow = out(t[3], t[5], t[6], t[7]);
                boolean bias = i % 3 != 1, res = i % 2 == 0;
                i++;
                var c = conv(seed += 4, false, t[0], t[1], t[2], t[3], t[4], 1, t[5], t[6], t[7], bias, act, res ? new long[] {t[0], t[4], oh, ow} : null);
                assertThat(assertMatchesReference(c.build(), TOL)).isInstanceOf(NchwcPlainInputConv.class);
            }
        assertMatchesReference(fused("BlockedConv").opset(1).attr("block", (long) B).attr("input_blocked", 0L).ints("dilations", 2L, 2L).ints("pads", 2L, 1L, 0L, 2L)
                .ints("strides", 1L, 2L).in(random(7, 1, 3, 11, 30)).constIn(random(8, 36, 3, 3, 3)).constIn(random(9, 36)).build(), TOL);
    }

    private static KernelHarness.Builder blockedOp(String type) { return fused(type).opset(1).attr("block", (long) B); }

    @Test
    void pools() {
        long[][] shapes = { // c, h, w, kernel, stride, pad (all sides), ceil_mode, dilation
            {64, 17, 17, 3, 2, 1, 0, 1}, {24, 15, 15, 3, 2, 0, 1, 1}, {40, 7, 7, 3, 1, 1, 0, 1}, {3, 13, 12, 3, 2, 0, 1, 1}, {16, 14, 14, 3, 2, 0, 1, 1},
            {20, 9, 11, 3, 2, 1, 0, 1}, {17, 10, 13, 3, 2, 1, 1, 1}, {8, 8, 9, 2, 2, 0, 1, 1}, {16, 12, 12, 3, 2, 1, 1, 2}, {32, 5, 20, 5, 1, 2, 0, 1},
            {16, 1, 1, 3, 1, 1, 0, 1}};
        long seed = 500;
        for (long[] t : shapes) {
            for (long n = 1; n <= 2; n++) {
                var mp = blockedOp("BlockedMaxPool").ints("kernel_shape", t[3], t[3]).ints("strides", t[4], t[4]).ints("pads", t[5], t[5], t[5], t[5])
                        .attr("ceil_mode", t[6]).ints("dilations", t[7], t[7]).in(blocked(seed++, n, t[0], t[1], t[2]));
                assertThat(assertMatchesReference(mp.build(), 0)).isInstanceOf(NchwcPools.Windowed.class);
            }
            for (long cip = 0; cip < 2 && t[7] == 1; cip++)
                assertThat(assertMatchesReference(blockedOp("BlockedAveragePool").attr("count_include_pad", cip).ints("kernel_shape", t[3], t[3])
                        .ints("strides", t[4], t[4]).ints("pads", t[5], t[5], t[5], t[5]).attr("ceil_mode", t[6]).in(blocked(seed++, 2, t[0], t[1], t[2])).build(), 1e-5))
                        .isInstanceOf(NchwcPools.Windowed.class);
        }
        assertMatchesReference(blockedOp("BlockedAveragePool").ints("kernel_shape", 3L, 3L).attr("auto_pad", "SAME_UPPER").ints("strides", 2L, 1L)
                .in(blocked(1, 1, 24, 9, 8)).build(), 1e-5);
        for (long[] t : new long[][] {{1, 2048, 7, 7}, {2, 40, 5, 3}, {1, 3, 1, 1}, {2, 1000, 13, 13}}) {
            assertThat(assertMatchesReference(blockedOp("BlockedGlobalAveragePool").in(blocked(seed++, t)).build(), 1e-5)).isInstanceOf(NchwcPools.Global.class);
            assertThat(assertMatchesReference(blockedOp("BlockedGlobalMaxPool").in(blocked(seed++, t)).build(), 0)).isInstanceOf(NchwcPools.Global.class);
        }
    }

    @Test
    void reorders() {
        long seed = 700;
        for (long[] t : new long[][] {{1, 64, 56, 56}, {2, 24, 7, 9}, {1, 3, 224, 224}, {1, 40, 4, 4}, {2, 16, 1, 1}, {1, 2048, 7, 7}, {1, 17, 16, 2}}) {
            assertThat(assertMatchesReference(blockedOp("ReorderToBlocked").in(random(seed++, t)).build(), 0)).isInstanceOf(NchwcReorder.class);
            assertThat(assertMatchesReference(blockedOp("ReorderFromBlocked").attr("channels", t[1]).in(blocked(seed++, t)).build(), 0))
                    .isInstanceOf(NchwcReorder.class);
        }
        // 1-D and 3-D spatial shapes
        assertMatchesReference(blockedOp("ReorderToBlocked").in(random(seed++, 2, 33, 20)).build(), 0);
        assertMatchesReference(blockedOp("ReorderFromBlocked").attr("channels", 33L).in(blocked(seed++, 2, 33, 3, 4, 5)).build(), 0);
    }
}
