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
import org.ge4j.ir.Tensor;
import org.ge4j.ops.api.GraphBuilder;
import org.junit.jupiter.api.Test;

class GeluFusionTest {
    private static OutDataAnchor c(GraphBuilder b, double v) { return b.constant(Tensor.scalar((float) v)); }

    /** Three erf-form GELUs multiplied in the three orders exporters use. */
    static Graph erfForms() {
        GraphBuilder b = GraphBuilder.create("gelu");
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of("N", 5));
        OutDataAnchor onePlus = b.add(b.op("Erf").in(b.div(x, c(b, 1.4142135))).call1(), c(b, 1));
        OutDataAnchor g1 = b.mul(b.mul(x, onePlus), c(b, 0.5));                              // (x * (1+erf)) * 0.5
        OutDataAnchor onePlus2 = b.add(c(b, 1), b.op("Erf").in(b.mul(x, c(b, 0.70710678))).call1());
        OutDataAnchor g2 = b.mul(b.mul(x, c(b, 0.5)), onePlus2);                             // (x * 0.5) * (1+erf)
        OutDataAnchor onePlus3 = b.add(b.op("Erf").in(b.div(x, c(b, Math.sqrt(2)))).call1(), c(b, 1));
        OutDataAnchor g3 = b.mul(x, b.mul(onePlus3, c(b, 0.5)));                             // x * ((1+erf) * 0.5)
        return b.output("g1", g1).output("g2", g2).output("g3", g3).build();
    }

    @Test
    void fusesTheErfFormInEveryMultiplicationOrder() {
        Graph g = fused(GeluFusionTest::erfForms);
        assertThat(count(g, "ge4j::Gelu")).isEqualTo(3);
        assertThat(count(g, "Erf") + count(g, "Mul") + count(g, "Div") + count(g, "Add")).isZero();
        for (Graph.Output o : g.outputs()) {
            Node n = o.value().node();
            assertThat(n.qualifiedType()).isEqualTo("ge4j::Gelu");
            assertThat(n.inputValue(0)).isSameAs(g.input("x"));
            assertThat(n.attrString("approximate", "none")).isEqualTo("none");
        }
    }

    /** The tanh form with x^3 as Pow, then with x^3 as x*x*x, after a MatMul+bias: the FFN of GPT-2. */
    static Graph tanhForms() {
        GraphBuilder b = GraphBuilder.create("gelutanh");
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of("N", 4));
        OutDataAnchor h = b.add(b.matMul(x, b.constant(random(3, 4, 6))), b.constant(random(4, 6)));
        OutDataAnchor cube = b.op("Pow").in(h, c(b, 3)).call1();
        OutDataAnchor inner = b.add(h, b.mul(c(b, 0.044715), cube));
        OutDataAnchor t = b.tanh(b.mul(inner, c(b, Math.sqrt(2 / Math.PI))));
        OutDataAnchor g1 = b.mul(c(b, 0.5), b.mul(h, b.add(t, c(b, 1))));
        OutDataAnchor cube2 = b.mul(x, b.mul(x, x));
        OutDataAnchor t2 = b.tanh(b.mul(c(b, 0.7978846), b.add(b.mul(cube2, c(b, 0.044715)), x)));
        OutDataAnchor g2 = b.mul(b.mul(b.add(c(b, 1), t2), x), c(b, 0.5));
        return b.output("g1", g1).output("g2", g2).build();
    }

    @Test
    void fusesTheTanhFormAndThenTheMatMulAroundIt() {
        Graph g = fused(GeluFusionTest::tanhForms);
        assertThat(count(g, "Tanh") + count(g, "Pow") + count(g, "Mul")).isZero();
        Node ffn = only(g, "ge4j::FusedMatMul");
        assertThat(ffn.attrString("activation", "")).isEqualTo("Gelu");
        assertThat(ffn.attrString("approximate", "")).isEqualTo("tanh");
        Node gelu = only(g, "ge4j::Gelu");
        assertThat(gelu.attrString("approximate", "")).isEqualTo("tanh");
        assertThat(FusionTesting.rewrites(GeluFusionTest::tanhForms)).containsEntry("gelu-tanh", 2).containsEntry("matmul-add", 1);
    }

    @Test
    void wrongConstantsAreNotGelu() {
        GraphBuilder b = GraphBuilder.create("notgelu");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 3);
        OutDataAnchor onePlus = b.add(b.op("Erf").in(b.div(x, c(b, 2))).call1(), c(b, 1));
        Graph g = b.output("y", b.mul(b.mul(x, onePlus), c(b, 0.5))).build();
        assertThat(runPass(FusionTesting.fusion(), g)).isFalse();
    }

    @Test
    void sharedIntermediatesBlockTheFusion() {
        GraphBuilder b = GraphBuilder.create("shared");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 3);
        OutDataAnchor erf = b.op("Erf").in(b.div(x, c(b, 1.4142135))).call1();
        OutDataAnchor onePlus = b.add(erf, c(b, 1));
        Graph g = b.output("y", b.mul(b.mul(x, onePlus), c(b, 0.5))).output("erf", erf).build();
        assertThat(runPass(FusionTesting.fusion(), g)).isFalse();
    }
}
