package org.ge4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.api.GraphBuilder;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.KernelCompiler;
import org.ge4j.ops.exec.KernelPaths;
import org.ge4j.ops.exec.NodeSpec;
import org.ge4j.ops.vector.VectorOps;
import org.junit.jupiter.api.Test;

class MiniatureTest {
    private static final OpRegistry R = OpRegistry.global();

    /** The spec the executor would give a kernel compiler for the node producing {@code y}. */
    private static NodeSpec spec(OutDataAnchor y) {
        Node n = y.node();
        List<TensorDesc> in = new ArrayList<>();
        List<Tensor> consts = new ArrayList<>();
        for (int i = 0; i < n.inputCount(); i++) {
            OutDataAnchor v = n.inputValue(i);
            in.add(v == null ? null : v.desc());
            consts.add(v == null ? null : GraphInference.constantValue(v));
        }
        List<TensorDesc> out = new ArrayList<>();
        for (OutDataAnchor o : n.outputs()) out.add(o.desc());
        OpSchema s = R.schemaFor(n);
        return new NodeSpec(n, new Attrs(n, s), in, out, consts, n.graph().opset(n.domain()));
    }

    /** The miniature the warm-up makes: with the choices the vector kernel for the original reports. */
    private static NodeSpec mini(OutDataAnchor y) {
        NodeSpec s = spec(y);
        OpSchema schema = R.schemaFor(y.node());
        KernelCompiler c = R.compiler(OpRegistry.VECTOR, y.node().domain(), y.node().type());
        return Miniature.of(s, schema, R, c == null ? KernelPaths.NONE : c.paths(s, schema));
    }

    /** The vector kernel of a miniature (or of any spec). */
    private static CompiledKernel kernel(NodeSpec m) {
        return R.compiler(OpRegistry.VECTOR, m.node().domain(), m.node().type()).compile(m, R.schemaFor(m.node()));
    }

    private static Tensor zeros(long... shape) { return Tensor.allocate(DataType.FLOAT, shape); }

    @Test
    void aPaddedConvKeepsItsGeometryOnATinyPlane() {
        GraphBuilder b = GraphBuilder.create("c").opset(17);
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 64, 56, 56);
        OutDataAnchor y = b.conv(x, b.constant("w", zeros(130, 64, 3, 3)), b.constant("b", zeros(130)), 1, 1, 1);
        NodeSpec m = mini(y);
        // output rows 130 -> 8 + 130 % 8 = 10, channels 64 -> 4, output plane 2 x 56 (a row of 56 = 32 + 24 kept): input 2 x 56 with pad 1
        assertThat(m.inputShape(0)).containsExactly(1, 4, 2, 56);
        assertThat(m.inputShape(1)).containsExactly(10, 4, 3, 3);
        assertThat(m.inputShape(2)).containsExactly(10);
        assertThat(m.outputShape(0)).containsExactly(1, 10, 2, 56);
        assertThat(m.attrs().getInts("pads", null)).containsExactly(1, 1, 1, 1);
        // the weights are a view of the original's first bytes (the same kind of memory)
        Tensor w = m.constant(1);
        assertThat(w.segment().address()).isEqualTo(spec(y).constant(1).segment().address());
        assertThat(m.constant(0)).isNull();
    }

    @Test
    void aStridedConvGetsAnInputThatGivesTheSmallPlaneExactly() {
        GraphBuilder b = GraphBuilder.create("c").opset(17);
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 3, 224, 224);
        OutDataAnchor y = b.op("Conv").in(x, b.constant("w", zeros(64, 3, 7, 7))).attr("strides", 2L, 2L).attr("pads", 3L, 3L, 3L, 3L).call1();
        NodeSpec m = mini(y);
        // 2 output rows: (2-1)*2 + 7 - 6 = 3 input rows; rows of 112 -> 32 + 112 % 32 = 48 columns: 47*2 + 1 = 95
        assertThat(m.inputShape(0)).containsExactly(1, 3, 3, 95);
        assertThat(m.outputShape(0)).containsExactly(1, 8, 2, 48);
    }

    @Test
    void aDepthwiseConvStaysDepthwise() {
        GraphBuilder b = GraphBuilder.create("c").opset(17);
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 32, 112, 112);
        OutDataAnchor y = b.conv(x, b.constant("w", zeros(32, 1, 3, 3)), null, 2, 1, 32);
        NodeSpec m = mini(y);
        assertThat(m.attrs().getInt("group")).isEqualTo(4);
        assertThat(m.inputShape(1)).containsExactly(4, 1, 3, 3);
        assertThat(m.outputShape(0)).containsExactly(1, 4, 2, 56);
    }

    @Test
    void blockedConvsKeepWholeBlocksAndTheirGeometry() {
        GraphBuilder b = GraphBuilder.create("c").opset(17).opset(Node.GE4J_DOMAIN, 1);
        // a plain group-1 conv on blocked [1, 256 / 16, 56, 56, 16]: C 256 -> two blocks (32: the last block a separate case, as in the original), M 130 -> 64 + 130 % 64 = 66;
        // 3x3 stride 1: 10 output rows (the Winograd kernel's minimum)
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 16, 56, 56, 16);
        OutDataAnchor y = b.op(Node.GE4J_DOMAIN, "BlockedConv").in(x, b.constant("w", zeros(130, 256, 3, 3)), b.constant("b", zeros(130)))
                .attr("block", 16L).attr("pads", 1L, 1L, 1L, 1L).call1();
        NodeSpec m = mini(y);
        assertThat(m.inputShape(0)).containsExactly(1, 2, 10, 56, 16);
        assertThat(m.inputShape(1)).containsExactly(66, 32, 3, 3);
        // a 1x1 conv 64 -> 384 (24 output blocks, in groups of four): 32 input channels (two blocks), 12 output blocks
        // (24 mod 12 = 0, at least 5: the last group as the original's for every group width), the original's group width
        OutDataAnchor x1 = b.input("x1", DataType.FLOAT, 1, 4, 14, 14, 16);
        OutDataAnchor y1 = b.op(Node.GE4J_DOMAIN, "BlockedConv").in(x1, b.constant("w1", zeros(384, 64, 1, 1)), b.constant("b1", zeros(384)))
                .attr("block", 16L).call1();
        NodeSpec m1 = mini(y1);
        assertThat(m1.inputShape(1)).containsExactly(192, 32, 1, 1);
        assertThat(m1.attrs().getInt(GROUP, 0)).isEqualTo(4);
        // 160 output channels (10 blocks: groups of four, the last of two) keep all ten blocks; 1280 (80) take 8 (80 mod 12)
        OutDataAnchor y1b = b.op(Node.GE4J_DOMAIN, "BlockedConv").in(x1, b.constant("w1b", zeros(160, 64, 1, 1))).attr("block", 16L).call1();
        assertThat(mini(y1b).inputShape(1)).containsExactly(160, 32, 1, 1);
        assertThat(Miniature.groupedOutputChannels(1280, 16)).isEqualTo(128);
        assertThat(Miniature.groupedOutputChannels(16 * 14 + 3, 16)).isEqualTo(16 * 14 + 3); // 15 blocks kept
        assertThat(Miniature.groupedOutputChannels(16 * 16 + 3, 16)).isEqualTo(16 * 4 + 3); // 17 blocks: 5, the last as partial
        assertThat(m.outputShape(0)).containsExactly(1, 5, 10, 56, 16);
        // depthwise on 24 channels (a partial block) stays depthwise with both blocks, 4 output rows (kernel height + 1)
        OutDataAnchor x2 = b.input("x2", DataType.FLOAT, 1, 2, 28, 28, 16);
        OutDataAnchor y2 = b.op(Node.GE4J_DOMAIN, "BlockedConv").in(x2, b.constant("w2", zeros(24, 1, 3, 3)))
                .attr("block", 16L).attr("group", 24L).attr("strides", 2L, 2L).attr("pads", 1L, 1L, 1L, 1L).call1();
        NodeSpec m2 = mini(y2);
        assertThat(m2.attrs().getInt("group")).isEqualTo(24);
        assertThat(m2.inputShape(0)).containsExactly(1, 2, 7, 27, 16);
        assertThat(m2.outputShape(0)).containsExactly(1, 2, 4, 14, 16);
        // the stem reads the plain input, keeps its 3 channels; a residual gets the output's blocked shape
        OutDataAnchor x3 = b.input("x3", DataType.FLOAT, 1, 3, 224, 224);
        OutDataAnchor y3 = b.op(Node.GE4J_DOMAIN, "BlockedConv").in(x3, b.constant("w3", zeros(64, 3, 7, 7)), b.constant("b3", zeros(64)))
                .attr("block", 16L).attr("input_blocked", 0L).attr("strides", 2L, 2L).attr("pads", 3L, 3L, 3L, 3L).call1();
        NodeSpec m3 = mini(y3);
        assertThat(m3.inputShape(0)).containsExactly(1, 3, 3, 95);
        assertThat(m3.outputShape(0)).containsExactly(1, 4, 2, 48, 16);
        // pools and reorders
        OutDataAnchor p = b.op(Node.GE4J_DOMAIN, "BlockedMaxPool").in(y3).attr("block", 16L).attr("kernel_shape", 3L, 3L)
                .attr("strides", 2L, 2L).attr("pads", 1L, 1L, 1L, 1L).call1();
        assertThat(mini(p).inputShape(0)).containsExactly(1, 1, 3, 111, 16);
        OutDataAnchor back = b.op(Node.GE4J_DOMAIN, "ReorderFromBlocked").in(y2).attr("block", 16L).attr("channels", 24L).call1();
        assertThat(mini(back).inputShape(0)).containsExactly(1, 2, 2, 14, 16);
        assertThat(mini(back).attrs().getInt("channels")).isEqualTo(24);
    }

    @Test
    void aPointwiseDepthwiseConvGetsTheBlockedConvsRules() {
        GraphBuilder b = GraphBuilder.create("c").opset(17).opset(Node.GE4J_DOMAIN, 1);
        // mobilenet_v2's 24 -> 144 1x1 (Relu) and 3x3 stride-2 depthwise on 56 x 56: 24 input channels kept (two
        // blocks, the last partial), output channels as a blocked 1x1 conv's miniature, kernel height + 1 = 4 output
        // rows of 28: input rows (4 - 1) * 2 + 3 - 2 = 7, columns 27 * 2 + 3 - 2 = 55
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 2, 56, 56, 16);
        OutDataAnchor y = b.op(Node.GE4J_DOMAIN, "BlockedPointwiseDepthwise")
                .in(x, b.constant("w", zeros(144, 24, 1, 1)), b.constant("dw", zeros(144, 1, 3, 3)), b.constant("b", zeros(144)), b.constant("db", zeros(144)))
                .attr("block", 16L).attr("pointwise_activation", "Relu").attr("activation", "Relu")
                .attr("strides", 2L, 2L).attr("pads", 1L, 1L, 1L, 1L).call1();
        NodeSpec m = mini(y);
        long mm = Miniature.groupedOutputChannels(144, 16);
        assertThat(mm).isEqualTo(144); // 9 blocks: all kept
        assertThat(m.inputShape(0)).containsExactly(1, 2, 7, 55, 16);
        assertThat(m.inputShape(1)).containsExactly(mm, 24, 1, 1);
        assertThat(m.inputShape(2)).containsExactly(mm, 1, 3, 3);
        assertThat(m.inputShape(3)).containsExactly(mm);
        assertThat(m.inputShape(4)).containsExactly(mm);
        assertThat(m.outputShape(0)).containsExactly(1, (mm + 15) / 16, 4, 28, 16);
        assertThat(m.attrs().getString("pointwise_activation", "")).isEqualTo("Relu");
        if (VectorOps.floatLanes() == 16) {
            CompiledKernel k = kernel(m);
            assertThat(k.getClass().getSimpleName()).isEqualTo("NchwcPointwiseDepthwise");
            assertThat(m.attrs().getInt(GROUP, 0)).isEqualTo(3); // 9 blocks in groups of three
            assertThat(k.paths().get(GROUP, 0)).isEqualTo(3);
        }
        assertThat(Miniature.work(m)).isLessThan(Miniature.work(spec(y)) / 6);
    }

    @Test
    void aConvWhoseWeightsSplitOrWhosePlaneEndsShortGetsAMiniatureThatDoesToo() {
        if (VectorOps.floatLanes() != 16) return; // (the kernels' choices for blocks of 16)
        GraphBuilder b = GraphBuilder.create("c").opset(17).opset(Node.GE4J_DOMAIN, 1);
        // resnet50's strided 512 -> 512 3x3: its input blocks split into 3 parts; the miniature's 32 -> 64 channels would not split
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 32, 14, 14, 16);
        OutDataAnchor y = b.op(Node.GE4J_DOMAIN, "BlockedConv").in(x, b.constant("w", zeros(512, 512, 3, 3)), b.constant("b", zeros(512)))
                .attr("block", 16L).attr("pads", 1L, 1L, 1L, 1L).attr("strides", 2L, 2L).attr("activation", "Relu").call1();
        NodeSpec m = mini(y);
        assertThat(m.inputShape(1)).containsExactly(64, 32, 3, 3);
        assertThat(m.attrs().getInt(PARTS, 0)).isEqualTo(3);
        assertThat(m.node().hasAttr(LAST_SEGMENT)).isFalse();
        assertThat(kernel(m).paths().get(PARTS, 0)).isEqualTo(2); // as many as its two input blocks allow
        // mobilenet_v2's 32 -> 16 1x1 on 112 x 112: 12544 positions in segments of 132, the last of 4 (less than one
        // 12-position call); the miniature's 2 x 48 positions get segments of 92 and a last one of 4
        OutDataAnchor x2 = b.input("x2", DataType.FLOAT, 1, 2, 112, 112, 16);
        OutDataAnchor y2 = b.op(Node.GE4J_DOMAIN, "BlockedConv").in(x2, b.constant("w2", zeros(16, 32, 1, 1)), b.constant("b2", zeros(16)))
                .attr("block", 16L).call1();
        NodeSpec m2 = mini(y2);
        assertThat(m2.outputShape(0)).containsExactly(1, 1, 2, 48, 16);
        assertThat(m2.attrs().getInt(LAST_SEGMENT, 0)).isEqualTo(4);
        assertThat(m2.node().hasAttr(PARTS)).isFalse();
        for (NodeSpec s : List.of(m, m2)) assertThat(kernel(s).getClass().getSimpleName()).isEqualTo("NchwcConv");
        assertThat(kernel(m2).paths().get(LAST_SEGMENT, 0)).isEqualTo(4);
        // a 1x1 on 56 x 56 (3136 positions for 24 -> 144 channels, in groups of 3: calls of 6, segments of 132, the last
        // of 100: 16 calls and 4): the miniature's 2 x 56 positions in segments of 102 and 10 (a call and 4)
        OutDataAnchor x3 = b.input("x3", DataType.FLOAT, 1, 2, 56, 56, 16);
        OutDataAnchor y3 = b.op(Node.GE4J_DOMAIN, "BlockedConv").in(x3, b.constant("w3", zeros(144, 24, 1, 1))).attr("block", 16L).call1();
        NodeSpec m3 = mini(y3);
        assertThat(m3.attrs().getInt(LAST_SEGMENT, 0)).isEqualTo(100);
        assertThat(kernel(m3).paths().get(LAST_SEGMENT, 0)).isEqualTo(10);
        // a 1x1 whose plane is one segment reports none
        OutDataAnchor x4 = b.input("x4", DataType.FLOAT, 1, 2, 7, 7, 16);
        OutDataAnchor y4 = b.op(Node.GE4J_DOMAIN, "BlockedConv").in(x4, b.constant("w4", zeros(144, 24, 1, 1))).attr("block", 16L).call1();
        assertThat(mini(y4).node().hasAttr(LAST_SEGMENT)).isFalse();
    }

    @Test
    void aConvThatRunsWinogradF2x2GetsAMiniatureThatRunsItToo() {
        if (VectorOps.floatLanes() != 16) return;
        GraphBuilder b = GraphBuilder.create("c").opset(17).opset(Node.GE4J_DOMAIN, 1);
        // 256 -> 256 3x3 on 14x14: F(4x4)'s transformed weights would be 9.4 MB, so the kernel runs F(2x2); the
        // miniature (32 -> 64 channels) would run F(4x4) by its size, so it carries the original's tile
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 16, 14, 14, 16);
        OutDataAnchor y = b.op(Node.GE4J_DOMAIN, "BlockedConv").in(x, b.constant("w", zeros(256, 256, 3, 3)), b.constant("b", zeros(256)))
                .attr("block", 16L).attr("pads", 1L, 1L, 1L, 1L).attr("activation", "Relu").call1();
        NodeSpec m = mini(y);
        assertThat(m.inputShape(1)).containsExactly(64, 32, 3, 3);
        assertThat(m.attrs().getInt(TILE, 0)).isEqualTo(2);
        assertThat(m.attrs().getInt(STRIP, 0)).isEqualTo(10); // 7 x 7 tiles in strips of 10
        CompiledKernel k = kernel(m);
        assertThat(k.getClass().getSimpleName()).isEqualTo("NchwcWinograd");
        assertThat(k.paths()).isEqualTo(kernel(spec(y)).paths());
        // 128 -> 128 runs F(4x4) like its miniature, but the original's strips: 7 x 7 tiles in strips of 9, where the
        // miniature's 3 x 7 tiles would make one strip
        OutDataAnchor x2 = b.input("x2", DataType.FLOAT, 1, 8, 28, 28, 16);
        OutDataAnchor y2 = b.op(Node.GE4J_DOMAIN, "BlockedConv").in(x2, b.constant("w2", zeros(128, 128, 3, 3)))
                .attr("block", 16L).attr("pads", 1L, 1L, 1L, 1L).call1();
        NodeSpec m2 = mini(y2);
        assertThat(m2.attrs().getInt(TILE, 0)).isEqualTo(4);
        assertThat(m2.attrs().getInt(STRIP, 0)).isEqualTo(9);
        assertThat(kernel(m2).paths()).isEqualTo(kernel(spec(y2)).paths());
        // a strided 3x3 (never Winograd) neither
        OutDataAnchor y3 = b.op(Node.GE4J_DOMAIN, "BlockedConv").in(x, b.constant("w3", zeros(256, 256, 3, 3)))
                .attr("block", 16L).attr("pads", 1L, 1L, 1L, 1L).attr("strides", 2L, 2L).call1();
        assertThat(mini(y3).node().hasAttr(TILE)).isFalse();
    }

    @Test
    void aReluOneByOneConvOverManyInputBlocksGetsAMiniatureThatClampsWhereItDoes() {
        if (VectorOps.floatLanes() != 16) return;
        GraphBuilder b = GraphBuilder.create("c").opset(17).opset(Node.GE4J_DOMAIN, 1);
        // 96 -> 576 1x1 with Relu: 6 input blocks clamp in the kernel or in a pass after each kernel call
        // (-Dge4j.nchwc.clampInKernelBlocks); the miniature keeps 2 input blocks, so it carries the original's choice
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 6, 14, 14, 16);
        OutDataAnchor y = b.op(Node.GE4J_DOMAIN, "BlockedConv").in(x, b.constant("w", zeros(576, 96, 1, 1)), b.constant("b", zeros(576)))
                .attr("block", 16L).attr("activation", "Relu").call1();
        NodeSpec m = mini(y);
        assertThat(m.inputShape(0)[1]).isEqualTo(2);
        long want = kernel(spec(y)).paths().get(CLAMP_IN_KERNEL, -1);
        assertThat(want).isIn(0L, 1L);
        assertThat(m.attrs().getInt(CLAMP_IN_KERNEL, -1)).isEqualTo(want);
        assertThat(kernel(m).paths().get(CLAMP_IN_KERNEL, -1)).isEqualTo(want);
        // 32 -> 192 (2 input blocks) clamps in the kernel, and so does its miniature
        OutDataAnchor x2 = b.input("x2", DataType.FLOAT, 1, 2, 28, 28, 16);
        OutDataAnchor y2 = b.op(Node.GE4J_DOMAIN, "BlockedConv").in(x2, b.constant("w2", zeros(192, 32, 1, 1)), b.constant("b2", zeros(192)))
                .attr("block", 16L).attr("activation", "Relu").call1();
        NodeSpec m2 = mini(y2);
        assertThat(m2.attrs().getInt(CLAMP_IN_KERNEL, -1)).isEqualTo(1);
        assertThat(kernel(m2).paths().get(CLAMP_IN_KERNEL, -1)).isEqualTo(1);
    }

    /** The vector kernels' choice names (private attributes). */
    private static final String GROUP = "_ge4j_nchwc_group", PARTS = "_ge4j_nchwc_parts", LAST_SEGMENT = "_ge4j_nchwc_last_segment",
            TILE = "_ge4j_winograd_tile", STRIP = "_ge4j_winograd_strip", CLAMP_IN_KERNEL = "_ge4j_nchwc_clamp_in_kernel";

    @Test
    void aGroupedConvIsSkipped() {
        GraphBuilder b = GraphBuilder.create("c").opset(17);
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 32, 16, 16);
        OutDataAnchor y = b.conv(x, b.constant("w", zeros(32, 8, 3, 3)), null, 1, 1, 4);
        assertThat(mini(y)).isNull();
    }

    @Test
    void aGemmKeepsTransposeBiasAndPanelRemainder() {
        GraphBuilder b = GraphBuilder.create("g").opset(17);
        OutDataAnchor a = b.input("a", DataType.FLOAT, 1, 2048);
        OutDataAnchor y = b.gemm(a, b.constant("w", zeros(1000, 2048)), b.constant("c", zeros(1000)), true);
        NodeSpec m = mini(y);
        // M 1 kept, K 2048 -> 16, N 1000 -> 32 + 1000 % 32 = 40 (one full panel and a partial one)
        assertThat(m.inputShape(0)).containsExactly(1, 16);
        assertThat(m.inputShape(1)).containsExactly(40, 16);
        assertThat(m.inputShape(2)).containsExactly(40);
        assertThat(m.outputShape(0)).containsExactly(1, 40);
        assertThat(m.attrs().getInt("transB")).isEqualTo(1);
    }

    @Test
    void aBatchedMatMulOfTwoActivationsShrinksBatchRowsAndColumns() {
        GraphBuilder b = GraphBuilder.create("m").opset(17);
        OutDataAnchor q = b.input("q", DataType.FLOAT, 1, 12, 128, 64);
        OutDataAnchor k = b.input("k", DataType.FLOAT, 1, 12, 64, 128);
        NodeSpec m = mini(b.matMul(q, k));
        assertThat(m.inputShape(0)).containsExactly(1, 2, 8, 16);
        assertThat(m.inputShape(1)).containsExactly(1, 2, 16, 32);
        assertThat(m.outputShape(0)).containsExactly(1, 2, 8, 32);
    }

    @Test
    void packedWeightsGetTheGeometryOfTheShrunkenMatrix() {
        GraphBuilder b = GraphBuilder.create("p").opset(17).opset(Node.GE4J_DOMAIN, 1);
        OutDataAnchor a = b.input("a", DataType.FLOAT, 128, 768);
        // B: k=768, n=3072 packed in panels of nr=32 -> [96, 768, 32]
        OutDataAnchor y = b.op(Node.GE4J_DOMAIN, "PackedMatMul").in(a, b.constant("b", zeros(96, 768, 32)), b.constant("bias", zeros(3072)))
                .attr("k", 768L).attr("n", 3072L).attr("nr", 32L).call1();
        NodeSpec m = mini(y);
        assertThat(m.inputShape(0)).containsExactly(8, 16);
        assertThat(m.inputShape(1)).containsExactly(1, 16, 32);
        assertThat(m.inputShape(2)).containsExactly(32);
        assertThat(m.outputShape(0)).containsExactly(8, 32);
        assertThat(m.attrs().getInt("k")).isEqualTo(16);
        assertThat(m.attrs().getInt("n")).isEqualTo(32);
    }

    @Test
    void elementwiseOpsKeepTheirBroadcastForm() {
        GraphBuilder b = GraphBuilder.create("e").opset(17);
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 128, 768);
        NodeSpec m = mini(b.add(x, b.constant("bias", zeros(768))));
        assertThat(m.inputShape(0)).containsExactly(1, 2, 32);
        assertThat(m.inputShape(1)).containsExactly(32);
        assertThat(m.outputShape(0)).containsExactly(1, 2, 32);
        OutDataAnchor c = b.input("c", DataType.FLOAT, 1, 64, 56, 56);
        NodeSpec pc = mini(b.mul(c, b.input("s", DataType.FLOAT, 1, 64, 1, 1)));
        assertThat(pc.inputShape(0)).containsExactly(1, 2, 2, 56 > 40 ? 32 + 56 % 16 : 56);
        assertThat(pc.inputShape(1)).containsExactly(1, 2, 1, 1);
    }

    @Test
    void attentionShrinksSequencesAndHeadDims() {
        GraphBuilder b = GraphBuilder.create("a").opset(17).opset(Node.GE4J_DOMAIN, 1);
        OutDataAnchor q = b.input("q", DataType.FLOAT, 1, 12, 128, 64), k = b.input("k", DataType.FLOAT, 1, 12, 128, 64);
        OutDataAnchor v = b.input("v", DataType.FLOAT, 1, 12, 128, 64), mask = b.input("m", DataType.FLOAT, 1, 1, 1, 128);
        NodeSpec m = mini(b.op(Node.GE4J_DOMAIN, "Attention").in(q, k, v, mask).attr("scale", 0.125f).call1());
        assertThat(m.inputShape(0)).containsExactly(1, 2, 8, 16);
        assertThat(m.inputShape(1)).containsExactly(1, 2, 32, 16);
        assertThat(m.inputShape(2)).containsExactly(1, 2, 32, 32);
        assertThat(m.inputShape(3)).containsExactly(1, 1, 1, 32);
        assertThat(m.outputShape(0)).containsExactly(1, 2, 8, 32);
    }

    @Test
    void packedHeadsAttentionKeepsOneProjectionLayoutWithFewerHeads() {
        GraphBuilder b = GraphBuilder.create("a").opset(17).opset(Node.GE4J_DOMAIN, 1);
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 197, 2304);
        NodeSpec m = mini(b.op(Node.GE4J_DOMAIN, "Attention").in(x, x, x).attr("scale", 0.125f).attr("num_heads", 12L)
                .attr("q_columns", new long[] {0, 768}).attr("k_columns", new long[] {768, 1536}).attr("v_columns", new long[] {1536, 2304}).call1());
        assertThat(m.inputShape(0)).containsExactly(1, 13, 128);
        assertThat(m.inputShape(1)).containsExactly(1, 37, 128);
        assertThat(m.node().attrInt("num_heads", 0)).isEqualTo(2);
        assertThat(m.node().attrInts("v_columns", null)).containsExactly(64, 128);
        assertThat(m.outputShape(0)).containsExactly(1, 13, 64);
    }

    @Test
    void aTransposeKeepsItsPermutationOnSmallerDims() {
        GraphBuilder b = GraphBuilder.create("t").opset(17);
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 128, 12, 64);
        NodeSpec m = mini(b.transpose(x, 0, 2, 1, 3));
        assertThat(m.inputShape(0)).containsExactly(1, 32, 12, 32);
        assertThat(m.outputShape(0)).containsExactly(1, 12, 32, 32);
    }

    @Test
    void opsWithoutARuleAreSkipped() {
        GraphBuilder b = GraphBuilder.create("t").opset(17);
        OutDataAnchor x = b.input("x", DataType.FLOAT, 2, 3);
        assertThat(mini(b.concat(0, x, x))).isNull();
        OutDataAnchor i = b.input("i", DataType.INT64, 2, 3);
        assertThat(mini(b.add(i, i))).as("not float").isNull();
    }
}
