package org.ge4j.ops.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.ops.vector.KernelHarness.fused;
import static org.ge4j.ops.vector.KernelHarness.random;

import java.lang.foreign.MemorySegment;
import org.ge4j.ops.blocked.Blocking;
import org.ge4j.ops.exec.CompiledKernel;
import org.junit.jupiter.api.Test;

/** {@code ge4j::BlockedPointwiseDepthwise} through {@link NchwcPointwiseDepthwise} against the reference kernel (two FusedConvs). */
class NchwcPointwiseDepthwiseTest {
    private static final double TOL = 1e-4;
    private static final int B = 16;
    /** Pools of 1, 2 and 4 threads (daemon workers). */
    private static final WorkerPool ONE = new WorkerPool(1), TWO = new WorkerPool(2), FOUR = new WorkerPool(4);

    /**
     * X [n, c, h, w] blocked; W [m, c, 1, 1]; DW [m, 1, k, k] with pads, stride and dilation; the 1×1 conv's
     * activation pwAct (Clip as [0, 6]), the depthwise one's dwAct.
     */
    record Case(long n, long c, long h, long w, long m, long k, long pad, long stride, long dil, String pwAct, String dwAct, boolean bias, boolean dwBias) {
        KernelHarness.Case build(long seed) {
            var b = fused("BlockedPointwiseDepthwise").opset(1).attr("block", (long) B)
                    .ints("pads", pad, pad, pad, pad).ints("strides", stride, stride).ints("dilations", dil, dil)
                    .attr("pointwise_activation", pwAct).attr("activation", dwAct)
                    .in(Blocking.block(random(seed, n, c, h, w), B)).constIn(random(seed + 1, m, c, 1, 1)).constIn(random(seed + 2, m, 1, k, k));
            if (pwAct.equals("Clip")) b.attrFloats("pointwise_activation_params", 0f, 6f);
            if (dwAct.equals("Clip")) b.attrFloats("activation_params", 0f, 6f);
            if (bias) b.constIn(random(seed + 3, m));
            else if (dwBias) b.absent();
            if (dwBias) b.constIn(random(seed + 4, m));
            return b.build();
        }
    }

    static Case mobile(long n, long c, long hw, long m, long stride) {
        return new Case(n, c, hw, hw, m, 3, 1, stride, 1, "Clip", "Clip", true, true);
    }

    private static CompiledKernel check(Case cv, long seed, WorkerPool pool) {
        var c = cv.build(seed);
        CompiledKernel k = NchwcPointwiseDepthwise.of(c.spec(), pool);
        assertThat(k).as("%s", cv).isInstanceOf(NchwcPointwiseDepthwise.class);
        MemorySegment[] args = KernelHarness.args(c);
        KernelHarness.invoke(k, args);
        KernelHarness.invoke(k, args);
        KernelHarness.assertClose(KernelHarness.output(c, args, 0), KernelHarness.reference(c, 0), TOL, cv.toString());
        return k;
    }

    private static void checkAllPools(Case cv, long seed) {
        for (WorkerPool p : new WorkerPool[] {ONE, TWO, FOUR}) check(cv, seed, p);
    }

    @Test
    void mobilenetBlocks() {
        checkAllPools(mobile(1, 16, 28, 96, 2), 1);
        checkAllPools(mobile(1, 24, 20, 144, 1), 5);
        checkAllPools(mobile(2, 32, 14, 192, 1), 9); // batch 2
        checkAllPools(mobile(1, 24, 56, 144, 2), 13); // parallel on the pools of 2 and 4
        checkAllPools(mobile(1, 16, 56, 96, 1), 15);
    }

    /** Channel counts off the block, tails of the 1×1 kernel calls, rows shorter than one call, odd planes. */
    @Test
    void edgeShapes() {
        long seed = 100;
        long[][] shapes = {{1, 24, 13, 40}, {2, 8, 9, 20}, {1, 40, 7, 72}, {1, 16, 3, 50}, {1, 3, 5, 17}, {2, 48, 11, 33}, {1, 16, 1, 16}, {1, 20, 2, 24}};
        for (long[] t : shapes)
            for (int stride = 1; stride <= 2; stride++) {
                checkAllPools(new Case(t[0], t[1], t[2], t[2], t[3], 3, 1, stride, 1, "Clip", "Clip", true, true), seed += 5);
                checkAllPools(new Case(t[0], t[1], t[2], t[2] + 2, t[3], 3, 1, stride, 1, "Relu", "", false, true), seed += 5);
            }
    }

    /**
     * Every group width of the 1×1 part, its rows in one call ({@code NchwcKernels.pwGcr}: whole groups of positions
     * and a tail, whole groups only, one group) and per group of positions.
     */
    @Test
    void groupWidthsAndRowCalls() {
        int was = NchwcConv.pwGroup;
        boolean rows = NchwcConv.pwRows;
        long seed = 500;
        try {
            for (boolean r : new boolean[] {true, false})
                for (int gw = 1; gw <= NchwcConv.FB; gw++) {
                    NchwcConv.pwGroup = gw;
                    NchwcConv.pwRows = r;
                    for (long w : new long[] {41, 24, 16, 12})
                        check(new Case(1, 24, 6, w, 72, 3, 1, 1, 1, "Clip", "Clip", true, true), seed++, ONE);
                    check(new Case(1, 16, 7, 30, 40, 3, 1, 2, 1, "Relu", "", false, true), seed++, TWO);
                }
        } finally {
            NchwcConv.pwGroup = was;
            NchwcConv.pwRows = rows;
        }
    }

    @Test
    void windowsAndActivations() {
        long seed = 200;
        check(new Case(1, 24, 12, 12, 40, 3, 0, 1, 1, "Relu", "Relu", true, false), seed++, ONE); // no pads
        check(new Case(1, 24, 12, 12, 40, 5, 2, 1, 1, "Clip", "Clip", true, true), seed++, ONE); // 5x5
        check(new Case(1, 24, 12, 12, 40, 5, 2, 2, 1, "", "", false, false), seed++, TWO); // 5x5 stride 2
        check(new Case(1, 16, 12, 12, 32, 3, 2, 1, 2, "Clip", "Relu", true, true), seed++, ONE); // dilation 2
        check(new Case(1, 16, 15, 15, 32, 3, 1, 3, 1, "Clip", "Clip", true, true), seed++, TWO); // stride 3
        for (String act : new String[] {"", "Relu", "Clip", "Sigmoid", "LeakyRelu", "Tanh", "Gelu"})
            check(new Case(1, 24, 9, 9, 40, 3, 1, 1, 1, "Clip", act, true, true), seed++, ONE);
    }

    /** Activations of the 1×1 conv that are not a clamp keeping 0 are left to the reference kernel. */
    @Test
    void declinesOtherPointwiseActivations() {
        var c = new Case(1, 24, 9, 9, 40, 3, 1, 1, 1, "Sigmoid", "Clip", true, true).build(300);
        assertThat(NchwcPointwiseDepthwise.of(c.spec(), ONE)).isNull();
    }

    @Test
    void allocatesNothingOnceWarm() {
        for (WorkerPool p : new WorkerPool[] {ONE, TWO}) {
            var c = mobile(1, 16, 56, 96, 1).build(400);
            var k = NchwcPointwiseDepthwise.of(c.spec(), p);
            var args = KernelHarness.args(c);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline && KernelHarness.allocatedBytes(k, args, 50) > 0) Thread.onSpinWait();
            assertThat(KernelHarness.allocatedBytes(k, args, 200)).isLessThan(4096);
        }
    }
}
