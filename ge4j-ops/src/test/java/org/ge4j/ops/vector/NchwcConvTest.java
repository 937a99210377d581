package org.ge4j.ops.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.ops.vector.KernelHarness.assertMatchesReference;
import static org.ge4j.ops.vector.KernelHarness.fused;
import static org.ge4j.ops.vector.KernelHarness.random;

import org.ge4j.ops.blocked.Blocking;
import java.util.List;
import org.ge4j.ops.exec.KernelPaths;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code ge4j::BlockedConv} (group 1, blocked input) through {@link NchwcConv} against the reference kernel. */
class NchwcConvTest {
    private static final double TOL = 1e-4;
    private static final int B = 16;

    /** The 3×3 stride-1 cases test the direct conv, not {@link NchwcWinograd} (NchwcWinogradTest). */
    private boolean winograd;

    @BeforeEach
    void directOnly() {
        winograd = NchwcWinograd.enabled;
        NchwcWinograd.enabled = false;
    }

    @AfterEach
    void restore() { NchwcWinograd.enabled = winograd; }

    /** A conv case: X [n, c, h, w] blocked, W [m, c, kh, kw]; pads top, left, bottom, right; strides and dilations (h, w). */
    record Conv(long n, long c, long h, long w, long m, long kh, long kw, long[] pads, long[] strides, long[] dil) {
        long oh() { return (h + pads[0] + pads[2] - ((kh - 1) * dil[0] + 1)) / strides[0] + 1; }

        long ow() { return (w + pads[1] + pads[3] - ((kw - 1) * dil[1] + 1)) / strides[1] + 1; }

        KernelHarness.Builder builder(long seed, String act, boolean bias, boolean residual) {
            var b = fused("BlockedConv").opset(1).attr("block", (long) B).attr("activation", act).attr("has_residual", residual ? 1L : 0L)
                    .ints("pads", pads).ints("strides", strides).ints("dilations", dil)
                    .in(Blocking.block(random(seed, n, c, h, w), B)).constIn(random(seed + 1, m, c, kh, kw));
            if (bias) b.constIn(random(seed + 2, m));
            else if (residual) b.absent();
            if (residual) b.in(Blocking.block(random(seed + 3, n, m, oh(), ow()), B));
            return b;
        }
    }

    static Conv conv(long n, long c, long hw, long m, long k, long pad, long stride) {
        return new Conv(n, c, hw, hw, m, k, k, new long[] {pad, pad, pad, pad}, new long[] {stride, stride}, new long[] {1, 1});
    }

    private static void check(Conv cv, long seed, String act, boolean bias, boolean residual) {
        var k = assertMatchesReference(cv.builder(seed, act, bias, residual).build(), TOL);
        assertThat(k).isInstanceOf(NchwcConv.class);
    }

    @Test
    void pointwise() {
        check(conv(1, 24, 9, 40, 1, 0, 1), 1, "", true, false);
        check(conv(2, 40, 7, 24, 1, 0, 1), 5, "Relu", true, true);
        check(conv(1, 64, 14, 64, 1, 0, 1), 9, "Relu", false, false);
        check(conv(1, 16, 20, 33, 1, 0, 1), 13, "", true, true); // plane of 400: several segments
        check(conv(1, 24, 13, 40, 1, 0, 2), 17, "Relu", true, false); // stride 2
        check(conv(2, 64, 14, 32, 1, 0, 2), 21, "", false, true);
        check(new Conv(2, 16, 9, 10, 24, 1, 1, new long[] {0, 0, 0, 0}, new long[] {2, 1}, new long[] {1, 1}), 25, "Relu", true, true); // strides 2x1
        check(conv(1, 32, 30, 48, 1, 0, 3), 29, "Sigmoid", true, false); // stride 3
    }

    /** 1×1 convs whose output blocks make groups of 1, 2, 3 or 4 (chosen per conv, then forced), planes shorter than a kernel call and not a multiple of it. */
    @Test
    void pointwiseGroupWidths() {
        long seed = 100;
        String[] acts = {"", "Relu", "Clip", "Sigmoid", "LeakyRelu"};
        long[][] shapes = { // n, c, hw, m
            {1, 32, 13, 16}, {2, 16, 9, 20}, {1, 24, 10, 32}, {1, 40, 7, 40}, {2, 16, 11, 48}, {1, 48, 12, 70}, {1, 16, 3, 96}, {1, 96, 7, 160},
            {1, 8, 1, 24}, {1, 16, 56, 96}}; // the last: parallel
        int i = 0;
        for (long[] t : shapes)
            for (String act : acts) {
                boolean bias = i % 3 != 2, residual = i % 2 == 1;
                i++;
                check(conv(t[0], t[1], t[2], t[3], 1, 0, 1), seed += 4, act, bias, residual);
            }
        int was = NchwcConv.pwGroup;
        try {
            for (int gw = 1; gw <= NchwcConv.FB; gw++) {
                NchwcConv.pwGroup = gw;
                check(conv(1, 24, 13, 40, 1, 0, 1), seed += 4, "Relu", true, false); // clamped in the kernel
                check(conv(1, 40, 9, 40, 1, 0, 1), seed += 4, "Clip", true, false); // 3 input blocks: clamped after each call
                check(conv(2, 40, 7, 72, 1, 0, 1), seed += 4, "Clip", false, true);
                check(conv(1, 16, 2, 50, 1, 0, 1), seed += 4, "Sigmoid", true, true);
                check(conv(1, 24, 13, 40, 1, 0, 2), seed += 4, "", true, false); // stride 2
            }
        } finally {
            NchwcConv.pwGroup = was;
        }
    }

    @Test
    void threeByThree() {
        check(conv(1, 24, 9, 40, 3, 1, 1), 1, "Relu", true, false);
        check(conv(2, 16, 7, 32, 3, 1, 1), 5, "", true, true);
        check(conv(1, 40, 14, 24, 3, 1, 2), 9, "Relu", true, true);
        check(conv(1, 32, 15, 48, 3, 1, 2), 13, "", false, false);
        check(conv(1, 16, 5, 16, 3, 0, 1), 17, "Relu", true, false); // no pads: direct reads
        check(conv(1, 8, 20, 20, 3, 1, 1), 21, "Relu", true, false); // rows longer than the kernel's 7 positions, tails
        check(conv(1, 3, 3, 5, 3, 1, 1), 25, "", true, false); // rows shorter than 7
    }

    @Test
    void otherWindows() {
        check(conv(1, 8, 23, 24, 7, 3, 2), 1, "Relu", true, false); // 7x7 s2 pad 3
        check(new Conv(1, 24, 9, 11, 40, 3, 3, new long[] {0, 2, 1, 0}, new long[] {1, 1}, new long[] {1, 1}), 5, "", true, true); // asymmetric pads
        check(new Conv(1, 16, 12, 12, 16, 3, 3, new long[] {2, 2, 2, 2}, new long[] {1, 1}, new long[] {2, 2}), 9, "Relu", true, false); // dilation 2
        check(new Conv(1, 16, 13, 16, 24, 3, 1, new long[] {1, 0, 1, 0}, new long[] {2, 1}, new long[] {1, 1}), 13, "", true, false); // 3x1, strides 2x1
        check(new Conv(2, 20, 6, 30, 18, 1, 5, new long[] {0, 2, 0, 2}, new long[] {1, 1}, new long[] {1, 1}), 17, "Relu", false, true); // 1x5
        check(conv(1, 4, 3, 4, 3, 0, 1), 21, "", true, false); // a single output position
        check(conv(1, 8, 4, 8, 5, 3, 3), 23, "", true, false); // kernel taller than the input: rows without taps
    }

    @Test
    void inputBlocksSplitIntoParts() {
        long was = NchwcConv.kSplitBytes;
        NchwcConv.kSplitBytes = 20_000; // a few input blocks per part
        try {
            check(conv(1, 80, 7, 40, 3, 1, 1), 51, "Relu", true, true);
            check(conv(2, 64, 9, 72, 3, 1, 2), 53, "Sigmoid", true, false);
            check(conv(1, 100, 10, 40, 1, 0, 1), 55, "Clip", false, true);
            check(conv(1, 64, 12, 24, 1, 0, 2), 57, "", true, false);
            check(conv(1, 100, 10, 16, 1, 0, 1), 59, "Relu", true, false); // groups of 1, 2 and 3 blocks
            check(conv(2, 100, 9, 32, 1, 0, 1), 61, "", true, true);
            check(conv(1, 100, 5, 48, 1, 0, 1), 63, "Tanh", false, false);
        } finally {
            NchwcConv.kSplitBytes = was;
        }
    }

    /**
     * Choices forced on a node ({@link KernelPaths}, as the warm-up sets them on a miniature) on convs that would not
     * make them: parts of the input blocks, a short last segment, the group width, segment-outer units and the
     * in-kernel clamp; taken, reported by the kernel as by its compiler without compiling, and correct.
     */
    @Test
    void forcedChoicesAreTakenReportedAndCorrect() {
        String parts = NchwcConv.PARTS, last = NchwcConv.LAST_SEGMENT, group = NchwcConv.GROUP, outer = NchwcConv.SEG_OUTER,
                clamp = NchwcConv.CLAMP_IN_KERNEL;
        Object[][] cases = {
                {conv(1, 32, 7, 64, 3, 1, 1), KernelPaths.of(parts, 2)},
                {conv(1, 48, 9, 40, 3, 1, 2), KernelPaths.of(parts, 3)},
                {conv(1, 32, 12, 16, 1, 0, 1), KernelPaths.of(last, 4)}, // 144 positions: 140 and 4
                {conv(1, 48, 10, 24, 1, 0, 1), KernelPaths.of(parts, 2).with(last, 7)},
                {conv(1, 40, 12, 24, 1, 0, 2), KernelPaths.of(parts, 2).with(last, 3)}, // strided 1x1: 36 positions, 33 and 3
                {conv(1, 64, 8, 100, 1, 0, 1), KernelPaths.of(group, 3).with(outer, 0)}, // 7 blocks in groups of 3, 3 and 1
                {conv(1, 64, 8, 100, 1, 0, 1), KernelPaths.of(group, 1).with(outer, 1)},
                {conv(2, 20, 9, 72, 1, 0, 1), KernelPaths.of(group, 4).with(last, 1)}, // 81 positions: 80 and 1
                {conv(1, 20, 10, 72, 1, 0, 1), KernelPaths.of(group, 4).with(last, 0)}, // 100 positions in whole calls of 5
                {conv(1, 36, 7, 40, 1, 0, 1), KernelPaths.of(group, 2).with(last, 13)}, // 49 positions: 40 and 9 (more than a call of 8)
                {conv(1, 20, 9, 40, 1, 0, 1), KernelPaths.of(clamp, 0)}, // Relu on 2 input blocks: a pass after each call
                {conv(1, 36, 7, 40, 1, 0, 1), KernelPaths.of(group, 3)},
                {conv(1, 64, 8, 40, 1, 0, 1), KernelPaths.of(clamp, 1)}}; // Relu on 4 input blocks: in the kernel
        var compiler = KernelHarness.R.compiler(org.ge4j.ops.OpRegistry.VECTOR, org.ge4j.ir.Node.GE4J_DOMAIN, "BlockedConv");
        int i = 0;
        for (Object[] t : cases) {
            var c = ((Conv) t[0]).builder(71 + i, i % 2 == 0 ? "Relu" : "", true, i == 1).build();
            var expected = KernelHarness.reference(c, 0);
            KernelPaths forced = (KernelPaths) t[1];
            forced.forceOn(c.spec().node());
            var k = KernelHarness.compile(c);
            assertThat(k).isInstanceOf(NchwcConv.class);
            for (var e : forced.choices().entrySet()) {
                long got = k.paths().get(e.getKey(), -1), want = e.getValue();
                if (!e.getKey().equals(last)) assertThat(got).as("case " + i).isEqualTo(want);
                else { // a last segment as long in calls: a whole number, less than one, more with a remainder
                    int calls = NchwcKernels.PW_POSITIONS[(int) k.paths().get(group, 1) - 1];
                    assertThat(got).as("case " + i).isNotNegative();
                    assertThat(List.of(got % calls == 0, got < calls)).as("case " + i).isEqualTo(List.of(want % calls == 0, want < calls));
                }
            }
            assertThat(compiler.paths(c.spec(), KernelHarness.R.schemaFor(c.spec().node()))).isEqualTo(k.paths());
            var args = KernelHarness.args(c);
            k.run(args);
            KernelHarness.assertClose(KernelHarness.output(c, args, 0), expected, TOL, "case " + i++);
        }
        // unforced: resnet50's 512 -> 512 3x3s split into 3 parts (1.2 MB of weights per group of four blocks), small convs not
        var big = conv(1, 512, 7, 512, 3, 1, 1).builder(1, "", false, false).build();
        assertThat(compiler.paths(big.spec(), KernelHarness.R.schemaFor(big.spec().node()))).isEqualTo(KernelPaths.of(parts, 3));
        var small = conv(1, 32, 7, 64, 3, 1, 1).builder(1, "", false, false).build();
        assertThat(KernelHarness.compile(small).paths()).isEqualTo(KernelPaths.NONE);
    }

    @Test
    void activations() {
        for (String act : new String[] {"", "Relu", "LeakyRelu", "Clip", "Sigmoid", "Tanh", "Gelu"})
            for (boolean residual : new boolean[] {false, true}) {
                check(conv(1, 24, 8, 40, 3, 1, 1), 31, act, true, residual);
                check(conv(1, 24, 8, 20, 1, 0, 1), 37, act, !residual, residual);
            }
        // a clip whose range excludes 0 must still leave the padded lanes zero
        var clip = new Conv(1, 16, 7, 7, 20, 3, 3, new long[] {1, 1, 1, 1}, new long[] {1, 1}, new long[] {1, 1})
                .builder(41, "Clip", true, true).attrFloats("activation_params", 0.25f, 0.5f).build();
        assertThat(assertMatchesReference(clip, TOL)).isInstanceOf(NchwcConv.class);
    }
}
