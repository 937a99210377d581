package org.ge4j.compiler.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.compiler.PassTests.count;
import static org.ge4j.compiler.PassTests.only;
import static org.ge4j.compiler.PassTests.runPass;
import static org.ge4j.compiler.fusion.FusionTesting.fused;
import static org.ge4j.compiler.fusion.FusionTesting.random;

import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ops.api.GraphBuilder;
import org.junit.jupiter.api.Test;

class MatMulFusionTest {
    /** relu(x @ W1 + b1) @ W2 + b2 on [B, L, 8]. */
    static Graph mlp() {
        GraphBuilder b = GraphBuilder.create("mlp");
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of("B", "L", 8));
        OutDataAnchor h = b.relu(b.add(b.matMul(x, b.constant(random(1, 8, 16))), b.constant(random(2, 16))));
        OutDataAnchor y = b.add(b.constant(random(4, 4)), b.matMul(h, b.constant(random(3, 16, 4))));
        return b.output("y", y).build();
    }

    @Test
    void fusesBiasAndActivationIntoFusedMatMul() {
        Graph g = fused(MatMulFusionTest::mlp);
        assertThat(count(g, "MatMul") + count(g, "Add") + count(g, "Relu")).isZero();
        assertThat(count(g, "ge4j::FusedMatMul")).isEqualTo(2);
        Node last = g.outputs().get(0).value().node();
        assertThat(last.attrString("activation", "")).isEmpty();
        assertThat(last.inputCount()).isEqualTo(3);
        assertThat(last.output(0).desc().shape()).isEqualTo(Shape.of("B", "L", 4));
        Node first = last.inputValue(0).node();
        assertThat(first.attrString("activation", "")).isEqualTo("Relu");
    }

    static Graph gemmRelu() {
        GraphBuilder b = GraphBuilder.create("gemm");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 3, 5);
        OutDataAnchor y = b.op("Gemm").in(x, b.constant(random(1, 4, 5)), b.constant(random(2, 4))).attr("transB", 1L).attr("alpha", 0.5f).call1();
        return b.output("y", b.relu(y)).build();
    }

    @Test
    void absorbsAnActivationAfterGemm() {
        Graph g = fused(MatMulFusionTest::gemmRelu);
        Node f = only(g, "ge4j::FusedMatMul");
        assertThat(f.attrInt("trans_b", 0)).isEqualTo(1);
        assertThat(f.attrFloat("alpha", 1)).isEqualTo(0.5f);
        assertThat(f.attrString("activation", "")).isEqualTo("Relu");
        assertThat(count(g, "Gemm")).isZero();
    }

    @Test
    void doesNotTakeANonVectorBiasThatIsNotConstant() {
        GraphBuilder b = GraphBuilder.create("mask");
        OutDataAnchor q = b.input("q", DataType.FLOAT, 2, 4, 8);
        OutDataAnchor m = b.input("m", DataType.FLOAT, 2, 1, 4);
        Graph g = b.output("y", b.add(b.matMul(q, b.constant(random(1, 8, 4))), m)).build();
        assertThat(runPass(FusionTesting.fusion(), g)).isFalse();
        assertThat(count(g, "MatMul")).isEqualTo(1);
    }

    @Test
    void integerMatMulsAreLeftAlone() {
        GraphBuilder b = GraphBuilder.create("int");
        OutDataAnchor x = b.input("x", DataType.INT32, 2, 3);
        Graph g = b.output("y", b.relu(b.matMul(x, b.input("w", DataType.INT32, 3, 2)))).build();
        assertThat(runPass(FusionTesting.fusion(), g)).isFalse();
    }
}
