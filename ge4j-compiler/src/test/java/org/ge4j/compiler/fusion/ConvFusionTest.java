package org.ge4j.compiler.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.compiler.PassTests.count;
import static org.ge4j.compiler.PassTests.only;
import static org.ge4j.compiler.PassTests.runPass;
import static org.ge4j.compiler.fusion.FusionTesting.fused;
import static org.ge4j.compiler.fusion.FusionTesting.positive;
import static org.ge4j.compiler.fusion.FusionTesting.random;
import static org.ge4j.compiler.fusion.FusionTesting.rewrites;

import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.api.GraphBuilder;
import org.junit.jupiter.api.Test;

class ConvFusionTest {
    private static OutDataAnchor batchNorm(GraphBuilder b, OutDataAnchor x, int c, long seed) {
        return b.op("BatchNormalization").in(x, b.constant(random(seed, c)), b.constant(random(seed + 1, c)),
                b.constant(random(seed + 2, c)), b.constant(positive(seed + 3, c))).attr("epsilon", 1e-3f).call1();
    }

    /** A ResNet basic block: relu(bn(conv(x)) + x), and a second conv+bn+clip. */
    static Graph block() {
        GraphBuilder b = GraphBuilder.create("block");
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of("N", 4, 6, 6));
        OutDataAnchor c1 = b.conv(x, b.constant(random(1, 4, 4, 3, 3)), b.constant(random(2, 4)), 1, 1, 1);
        OutDataAnchor y = b.relu(b.add(batchNorm(b, c1, 4, 10), x));
        OutDataAnchor c2 = b.conv(y, b.constant(random(3, 8, 4, 1, 1)), null, 2, 0, 1);
        OutDataAnchor z = b.op("Clip").in(batchNorm(b, c2, 8, 20), b.constant(Tensor.scalar(0f)), b.constant(Tensor.scalar(6f))).call1();
        return b.output("z", z).build();
    }

    @Test
    void foldsBatchNormsAndFusesResidualAndActivations() {
        Graph g = fused(ConvFusionTest::block);
        assertThat(count(g, "BatchNormalization")).isZero();
        assertThat(count(g, "Conv") + count(g, "Add") + count(g, "Relu") + count(g, "Clip")).isZero();
        assertThat(count(g, "ge4j::FusedConv")).isEqualTo(2);
        Node first = g.nodes().stream().filter(n -> n.type().equals("FusedConv") && n.attrInt("has_residual", 0) == 1).findFirst().orElseThrow();
        assertThat(first.attrString("activation", "")).isEqualTo("Relu");
        assertThat(first.inputValue(3)).isSameAs(g.input("x"));
        Node second = g.outputs().get(0).value().node();
        assertThat(second.attrString("activation", "")).isEqualTo("Clip");
        assertThat(second.attrFloats("activation_params", null)).containsExactly(0f, 6f);
        assertThat(second.attrInts("strides", null)).containsExactly(2, 2);
        assertThat(second.output(0).desc().shape()).isEqualTo(Shape.of("N", 8, 3, 3));
        assertThat(rewrites(ConvFusionTest::block)).containsEntry("conv-bn", 2).containsEntry("conv-activation", 2);
    }

    static Graph convBnOnly() {
        GraphBuilder b = GraphBuilder.create("convbn");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 3, 5, 5);
        OutDataAnchor c = b.conv(x, b.constant(random(5, 2, 3, 3, 3)), null, 1, 0, 1);
        return b.output("y", batchNorm(b, c, 2, 30)).build();
    }

    @Test
    void convWithoutActivationStaysAnOnnxConvWithFoldedWeights() {
        Graph g = fused(ConvFusionTest::convBnOnly);
        Node conv = only(g, "Conv");
        assertThat(conv.inputCount()).isEqualTo(3);
        assertThat(conv.inputValue(2).node().attrTensor("value").shape()).containsExactly(2);
        assertThat(count(g, "BatchNormalization")).isZero();
    }

    @Test
    void leavesConvAloneWhenItsOutputHasOtherUsesOrBnIsNotConstant() {
        GraphBuilder b = GraphBuilder.create("shared");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 3, 5, 5);
        OutDataAnchor c = b.conv(x, b.constant(random(5, 2, 3, 3, 3)), null, 1, 0, 1);
        OutDataAnchor mean = b.input("mean", DataType.FLOAT, 2);
        OutDataAnchor bn = b.op("BatchNormalization").in(c, b.constant(random(1, 2)), b.constant(random(2, 2)), mean, b.constant(positive(3, 2))).call1();
        Graph g = b.output("y", bn).output("c", c).build();
        assertThat(runPass(FusionTesting.fusion(), g)).isFalse();
        assertThat(count(g, "Conv")).isEqualTo(1);
    }
}
