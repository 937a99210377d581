package org.ge4j.ops.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.ops.vector.KernelHarness.fused;
import static org.ge4j.ops.vector.KernelHarness.op;
import static org.ge4j.ops.vector.KernelHarness.random;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ge4j.ops.exec.CompiledKernel;
import org.junit.jupiter.api.Test;

/**
 * Every vector kernel allocates nothing on the Java heap per run once warm: the bytes this thread
 * allocates over N runs must not grow with N (a small constant allows for the JIT's own bookkeeping).
 */
class AllocationFreeTest {
    private static Map<String, KernelHarness.Case> cases() {
        Map<String, KernelHarness.Case> m = new LinkedHashMap<>();
        m.put("MatMul const B", op("MatMul").in(random(1, 37, 64)).constIn(random(2, 64, 70)).build());
        m.put("MatMul runtime B batched", op("MatMul").in(random(1, 4, 33, 64)).in(random(2, 4, 64, 40)).build());
        m.put("MatMul parallel", op("MatMul").in(random(1, 128, 256)).constIn(random(2, 256, 256)).build());
        m.put("GEMV", op("MatMul").in(random(1, 1, 512)).constIn(random(2, 512, 1000)).build());
        m.put("Gemm", op("Gemm").opset(13).attr("transB", 1L).attr("alpha", 0.5f).in(random(1, 9, 40)).constIn(random(2, 30, 40)).constIn(random(3, 30)).build());
        m.put("FusedMatMul gelu", fused("FusedMatMul").opset(1).attr("activation", "Gelu").in(random(1, 2, 21, 40)).constIn(random(2, 40, 37)).constIn(random(3, 37)).build());
        m.put("Conv 3x3", op("Conv").opset(11).attr("pads", 1L, 1L, 1L, 1L).in(random(1, 1, 16, 20, 20)).constIn(random(2, 32, 16, 3, 3)).constIn(random(3, 32)).build());
        m.put("Conv 1x1", op("Conv").opset(11).in(random(1, 1, 64, 14, 14)).constIn(random(2, 64, 64, 1, 1)).build());
        m.put("Conv depthwise s2", op("Conv").opset(11).attr("group", 16L).attr("strides", 2L, 2L).attr("pads", 1L, 1L, 1L, 1L)
                .in(random(1, 1, 16, 20, 20)).constIn(random(2, 16, 1, 3, 3)).constIn(random(3, 16)).build());
        m.put("Conv depthwise s1 wide", op("Conv").opset(11).attr("group", 8L).attr("pads", 1L, 1L, 1L, 1L)
                .in(random(1, 1, 8, 40, 40)).constIn(random(2, 8, 1, 3, 3)).constIn(random(3, 8)).build());
        m.put("FusedConv depthwise 7x7 residual clip", fused("FusedConv").opset(1).attr("group", 24L).attr("pads", 1L, 1L, 1L, 1L).attr("activation", "Clip")
                .attrFloats("activation_params", 0f, 6f).attr("has_residual", 1L)
                .in(random(1, 1, 24, 7, 7)).constIn(random(2, 24, 1, 3, 3)).constIn(random(3, 24)).in(random(4, 1, 24, 7, 7)).build());
        m.put("MaxPool s2 ceil", op("MaxPool").opset(12).attr("kernel_shape", 3L, 3L).attr("strides", 2L, 2L).attr("ceil_mode", 1L).in(random(1, 1, 8, 27, 27)).build());
        m.put("MaxPool s1 7x7", op("MaxPool").opset(12).attr("kernel_shape", 3L, 3L).attr("pads", 1L, 1L, 1L, 1L).in(random(1, 1, 16, 7, 7)).build());
        m.put("FusedConv 1x1 clip", fused("FusedConv").opset(1).attr("activation", "Clip").attrFloats("activation_params", 0f, 6f)
                .in(random(1, 1, 24, 14, 14)).constIn(random(2, 44, 24, 1, 1)).constIn(random(3, 44)).build());
        m.put("FusedConv 1x1 residual clip (in place, partial panel, 21 rows)", fused("FusedConv").opset(1).attr("activation", "Clip").attrFloats("activation_params", 0f, 6f)
                .attr("has_residual", 1L).in(random(1, 1, 24, 9, 10)).constIn(random(2, 21, 24, 1, 1)).constIn(random(3, 21)).in(random(4, 1, 21, 9, 10)).build());
        m.put("FusedConv 1x1 14x14 residual relu (last panel 4 columns)", fused("FusedConv").opset(1).attr("activation", "Relu").attr("has_residual", 1L)
                .in(random(1, 1, 24, 14, 14)).constIn(random(2, 16, 24, 1, 1)).constIn(random(3, 16)).in(random(4, 1, 16, 14, 14)).build());
        m.put("FusedConv residual", fused("FusedConv").opset(1).attr("pads", 1L, 1L, 1L, 1L).attr("activation", "Relu").attr("has_residual", 1L)
                .in(random(1, 1, 8, 12, 12)).constIn(random(2, 8, 8, 3, 3)).constIn(random(3, 8)).in(random(4, 1, 8, 12, 12)).build());
        m.put("FusedConv 7x7 channel panels", fused("FusedConv").opset(1).attr("pads", 1L, 1L, 1L, 1L).attr("activation", "Relu").attr("has_residual", 1L)
                .in(random(1, 1, 16, 7, 7)).constIn(random(2, 64, 16, 3, 3)).constIn(random(3, 64)).in(random(4, 1, 64, 7, 7)).build());
        m.put("Conv 1x1 7x7 channel panels", op("Conv").opset(11).in(random(1, 1, 64, 7, 7)).constIn(random(2, 96, 64, 1, 1)).constIn(random(3, 96)).build());
        m.put("BlockedConv 3x3 residual relu", fused("BlockedConv").opset(1).attr("block", 16L).attr("pads", 1L, 1L, 1L, 1L).attr("activation", "Relu")
                .attr("has_residual", 1L).in(org.ge4j.ops.blocked.Blocking.block(random(1, 1, 24, 9, 9), 16)).constIn(random(2, 40, 24, 3, 3))
                .constIn(random(3, 40)).in(org.ge4j.ops.blocked.Blocking.block(random(4, 1, 40, 9, 9), 16)).build());
        m.put("BlockedConv 1x1 sigmoid (flat, padded lanes)", fused("BlockedConv").opset(1).attr("block", 16L).attr("activation", "Sigmoid")
                .in(org.ge4j.ops.blocked.Blocking.block(random(1, 1, 24, 14, 14), 16)).constIn(random(2, 20, 24, 1, 1)).constIn(random(3, 20)).build());
        String[][] pw = {{"16", "Relu", "13"}, {"32", "Clip", "12"}, {"48", "", "11"}, {"160", "Relu", "7"}, {"16", "", "3"}, {"24", "Relu", "6"}, {"64", "Clip", "5"}};
        for (String[] c : pw) { // 1x1 kernels of 1, 2, 3, 4 output blocks (clamping in the kernel or not); plane 9: shorter than a call
            int m2 = Integer.parseInt(c[0]), hw = Integer.parseInt(c[2]);
            var b = fused("BlockedConv").opset(1).attr("block", 16L).attr("activation", c[1]).attr("has_residual", m2 == 32 ? 1L : 0L)
                    .in(org.ge4j.ops.blocked.Blocking.block(random(1, 1, 24, hw, hw), 16)).constIn(random(2, m2, 24, 1, 1)).constIn(random(3, m2));
            if (m2 == 32) b.in(org.ge4j.ops.blocked.Blocking.block(random(4, 1, m2, hw, hw), 16));
            m.put("BlockedConv 1x1 " + c[0] + " channels " + c[1] + " @" + hw, b.build());
        }
        for (long s : new long[] {1, 2})
            m.put("BlockedPointwiseDepthwise s" + s, fused("BlockedPointwiseDepthwise").opset(1).attr("block", 16L).ints("pads", 1, 1, 1, 1).ints("strides", s, s)
                    .attr("pointwise_activation", "Clip").attrFloats("pointwise_activation_params", 0f, 6f).attr("activation", "Relu")
                    .in(org.ge4j.ops.blocked.Blocking.block(random(1, 1, 24, 30, 30), 16)).constIn(random(2, 40, 24, 1, 1)).constIn(random(3, 40, 1, 3, 3))
                    .constIn(random(4, 40)).constIn(random(5, 40)).build());
        m.put("BlockedConv 1x1 s2 (subsampled copy)", fused("BlockedConv").opset(1).attr("block", 16L).attr("strides", 2L, 2L).attr("activation", "Relu")
                .in(org.ge4j.ops.blocked.Blocking.block(random(1, 1, 32, 14, 14), 16)).constIn(random(2, 64, 32, 1, 1)).constIn(random(3, 64)).build());
        m.put("BlockedConv 3x3 s2 (parallel)", fused("BlockedConv").opset(1).attr("block", 16L).attr("pads", 1L, 1L, 1L, 1L).attr("strides", 2L, 2L)
                .in(org.ge4j.ops.blocked.Blocking.block(random(1, 1, 64, 28, 28), 16)).constIn(random(2, 64, 64, 3, 3)).constIn(random(3, 64)).build());
        m.put("BlockedConv 3x3 s1 Winograd residual sigmoid (edge tiles, padded lanes)", fused("BlockedConv").opset(1).attr("block", 16L)
                .attr("pads", 1L, 1L, 1L, 1L).attr("activation", "Sigmoid").attr("has_residual", 1L)
                .in(org.ge4j.ops.blocked.Blocking.block(random(1, 1, 24, 14, 13), 16)).constIn(random(2, 40, 24, 3, 3))
                .constIn(random(3, 40)).in(org.ge4j.ops.blocked.Blocking.block(random(4, 1, 40, 14, 13), 16)).build());
        m.put("BlockedConv 3x3 s1 Winograd (parallel)", fused("BlockedConv").opset(1).attr("block", 16L).attr("pads", 1L, 1L, 1L, 1L).attr("activation", "Relu")
                .in(org.ge4j.ops.blocked.Blocking.block(random(1, 1, 64, 28, 28), 16)).constIn(random(2, 64, 64, 3, 3)).constIn(random(3, 64)).build());
        m.put("BlockedConv 3x3 s1 Winograd (parallel, split by output blocks)", fused("BlockedConv").opset(1).attr("block", 16L).attr("pads", 1L, 1L, 1L, 1L)
                .attr("activation", "Relu").in(org.ge4j.ops.blocked.Blocking.block(random(1, 1, 128, 14, 14), 16)).constIn(random(2, 256, 128, 3, 3))
                .constIn(random(3, 256)).build());
        m.put("Add same shape (parallel)", op("Add").opset(14).in(random(1, 300000)).in(random(2, 300000)).build());
        m.put("Mul per-channel", op("Mul").opset(14).in(random(1, 1, 16, 9, 9)).constIn(random(2, 16, 1, 1)).build());
        m.put("Sub row reversed", op("Sub").opset(14).constIn(random(1, 37)).in(random(2, 5, 37)).build());
        m.put("Div scalar", op("Div").opset(14).in(random(1, 5, 37)).constIn(random(2, 1)).build());
        m.put("Gelu", op("Gelu").opset(20).in(random(1, 3, 1000)).build());
        m.put("Erf", op("Erf").opset(13).in(random(1, 3, 100)).build());
        m.put("Sigmoid parallel", op("Sigmoid").opset(13).in(random(1, 100000)).build());
        m.put("Clip runtime bounds", op("Clip").opset(13).in(random(1, 3, 100)).constIn(org.ge4j.ir.Tensor.scalar(0f)).constIn(org.ge4j.ir.Tensor.scalar(6f)).build());
        m.put("MaxPool s2", op("MaxPool").opset(12).attr("kernel_shape", 3L, 3L).attr("strides", 2L, 2L).attr("pads", 1L, 1L, 1L, 1L).in(random(1, 1, 8, 20, 20)).build());
        m.put("AveragePool", op("AveragePool").opset(11).attr("kernel_shape", 3L, 3L).attr("pads", 1L, 1L, 1L, 1L).in(random(1, 1, 8, 20, 20)).build());
        m.put("GlobalAveragePool", op("GlobalAveragePool").opset(1).in(random(1, 1, 64, 7, 7)).build());
        m.put("Softmax", op("Softmax").opset(13).in(random(1, 12, 33, 33)).build());
        m.put("LayerNormalization", op("LayerNormalization").opset(17).in(random(1, 64, 96)).constIn(random(2, 96)).constIn(random(3, 96)).build());
        m.put("Attention", fused("Attention").opset(1).attr("scale", 0.125f).in(random(1, 1, 4, 20, 16)).in(random(2, 1, 4, 20, 16))
                .in(random(3, 1, 4, 20, 16)).in(random(4, 1, 1, 1, 20)).build());
        m.put("Attention packed heads", fused("Attention").opset(1).attr("scale", 0.125f).attr("num_heads", 4L).ints("q_columns", 0, 64)
                .ints("k_columns", 64, 128).ints("v_columns", 128, 192).in(random(1, 1, 20, 192)).in(random(1, 1, 20, 192)).in(random(1, 1, 20, 192)).build());
        // the blocked layout (NCHWc)
        m.put("BlockedConv depthwise s1 clip residual", NchwcKernelsTest.conv(1, true, 1, 40, 9, 9, 40, 40, 3, 1, 1, true, "Clip", new long[] {1, 40, 9, 9}).build());
        m.put("BlockedConv depthwise s2 sigmoid", NchwcKernelsTest.conv(2, true, 1, 24, 14, 14, 24, 24, 3, 2, 1, true, "Sigmoid", null).build());
        m.put("BlockedConv plain input 7x7 s2", NchwcKernelsTest.conv(3, false, 1, 3, 30, 30, 64, 1, 7, 2, 3, true, "Relu", null).build());
        m.put("BlockedConv plain input 3x3 s2 relu (clamped as stored)", NchwcKernelsTest.conv(5, false, 1, 3, 30, 30, 32, 1, 3, 2, 1, true, "Relu", null).build());
        m.put("BlockedConv plain input 3x3 s2 residual sigmoid", NchwcKernelsTest.conv(4, false, 1, 3, 20, 20, 40, 1, 3, 2, 1, false, "Sigmoid", new long[] {1, 40, 10, 10}).build());
        m.put("BlockedMaxPool s2 ceil", KernelHarness.fused("BlockedMaxPool").opset(1).attr("block", (long) NchwcKernelsTest.B).ints("kernel_shape", 3L, 3L)
                .ints("strides", 2L, 2L).attr("ceil_mode", 1L).in(NchwcKernelsTest.blocked(1, 1, 40, 15, 15)).build());
        m.put("BlockedAveragePool", KernelHarness.fused("BlockedAveragePool").opset(1).attr("block", (long) NchwcKernelsTest.B).ints("kernel_shape", 3L, 3L)
                .ints("pads", 1L, 1L, 1L, 1L).in(NchwcKernelsTest.blocked(1, 1, 24, 9, 9)).build());
        m.put("BlockedGlobalAveragePool", KernelHarness.fused("BlockedGlobalAveragePool").opset(1).attr("block", (long) NchwcKernelsTest.B)
                .in(NchwcKernelsTest.blocked(1, 1, 512, 7, 7)).build());
        m.put("BlockedGlobalMaxPool", KernelHarness.fused("BlockedGlobalMaxPool").opset(1).attr("block", (long) NchwcKernelsTest.B)
                .in(NchwcKernelsTest.blocked(1, 1, 40, 5, 5)).build());
        m.put("ReorderToBlocked", KernelHarness.fused("ReorderToBlocked").opset(1).attr("block", (long) NchwcKernelsTest.B).in(random(1, 1, 40, 9, 9)).build());
        m.put("ReorderFromBlocked", KernelHarness.fused("ReorderFromBlocked").opset(1).attr("block", (long) NchwcKernelsTest.B).attr("channels", 40L)
                .in(NchwcKernelsTest.blocked(1, 1, 40, 9, 9)).build());
        return m;
    }

    /**
     * Runs the kernel until a batch of runs allocates nothing (scratch grown, C2 code installed: on a busy
     * machine C2 may take seconds, and until then the Vector API's interpreted form boxes every vector).
     */
    private static void warmUp(CompiledKernel k, MemorySegment[] args) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline && KernelHarness.allocatedBytes(k, args, 200) > 0) Thread.onSpinWait();
    }

    /** Compiles a case, with the opt-in transposed conv form switched on so that its cases exercise it. */
    static CompiledKernel compile(KernelHarness.Case c) {
        boolean was = ChannelPanels.enabled;
        ChannelPanels.enabled = true;
        try {
            return KernelHarness.compile(c);
        } finally {
            ChannelPanels.enabled = was;
        }
    }

    @Test
    void kernelsAllocateNothingPerRunOnceWarm() {
        StringBuilder report = new StringBuilder();
        for (var e : cases().entrySet()) {
            CompiledKernel k = compile(e.getValue());
            assertThat(k).as(e.getKey()).isNotNull();
            MemorySegment[] args = KernelHarness.args(e.getValue());
            warmUp(k, args);
            long few = KernelHarness.allocatedBytes(k, args, 20);
            long many = KernelHarness.allocatedBytes(k, args, 2000);
            // under load C2 may deoptimise and recompile mid-measurement (the interpreted Vector API boxes):
            // re-warm and measure again; a kernel that really allocates per run allocates in every attempt
            for (int attempt = 0; attempt < 4 && many >= 4096; attempt++) {
                warmUp(k, args);
                many = Math.min(many, KernelHarness.allocatedBytes(k, args, 2000));
            }
            report.append(e.getKey()).append(": ").append(few).append(" / ").append(many).append(" bytes; ");
            assertThat(many).as("%s allocates per run (%d bytes over 20 runs, %d over 2000)", e.getKey(), few, many).isLessThan(4096);
        }
        System.out.println(report);
    }
}
