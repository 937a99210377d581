package org.ge4j.compiler.passes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.compiler.PassTests.assertSameFunction;
import static org.ge4j.compiler.PassTests.count;
import static org.ge4j.compiler.PassTests.runPass;

import java.util.List;
import org.ge4j.compiler.testops.TestOps;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.api.GraphBuilder;
import org.junit.jupiter.api.Test;

class DeadCodeEliminationTest {
    private static final DeadCodeElimination DCE = new DeadCodeElimination();

    /** y = relu(x); an unused chain neg(exp(x)) + c; an unused effectful Print; an unused input z. */
    static Graph withDeadCode() {
        GraphBuilder b = GraphBuilder.create("dead").opset(TestOps.DOMAIN, 1);
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of("N", 2));
        b.input("z", DataType.FLOAT, 1);
        b.add(b.op("Neg").in(b.exp(x)).call1(), b.constant("c", Tensor.of(new float[] {1, 1})));
        b.op(TestOps.DOMAIN, "Print").in(x).call1();
        return b.output("y", b.relu(x)).build();
    }

    @Test
    void removesUnusedPureNodesButKeepsEffectsAndInputs() {
        Graph g = withDeadCode();
        assertThat(runPass(DCE, g)).isTrue();
        assertThat(PassTestsOps.types(g)).containsExactlyInAnyOrder("ge4j::Data", "ge4j::Data", "Relu", TestOps.DOMAIN + "::Print");
        assertThat(g.inputs()).extracting(OutDataAnchor::name).containsExactly("x", "z");
        assertThat(runPass(DCE, g)).isFalse();
        assertSameFunction(DeadCodeEliminationTest::withDeadCode, x -> runPass(DCE, x), 4);
    }

    static Graph unusedOptionalOutput() {
        GraphBuilder b = GraphBuilder.create("split").opset(TestOps.DOMAIN, 1);
        OutDataAnchor x = b.input("x", DataType.FLOAT, 3);
        List<OutDataAnchor> yz = b.op(TestOps.DOMAIN, "Split2").name("split").in(x).outputs(2).call();
        return b.output("y", b.relu(yz.get(0))).build();
    }

    @Test
    void dropsUnusedTrailingOptionalOutputs() {
        Graph g = unusedOptionalOutput();
        String yName = g.findNode("split").output(0).name();
        assertThat(runPass(DCE, g)).isTrue();
        Node split = g.findNode("split");
        assertThat(split.outputCount()).isEqualTo(1);
        assertThat(split.output(0).name()).isEqualTo(yName);
        assertThat(split.output(0).peers()).hasSize(1);
        assertSameFunction(DeadCodeEliminationTest::unusedOptionalOutput, x -> runPass(DCE, x), 5);
    }

    @Test
    void keepsOutputsThatAreUsed() {
        GraphBuilder b = GraphBuilder.create("both").opset(TestOps.DOMAIN, 1);
        OutDataAnchor x = b.input("x", DataType.FLOAT, 3);
        List<OutDataAnchor> yz = b.op(TestOps.DOMAIN, "Split2").in(x).outputs(2).call();
        Graph g = b.output("z", yz.get(1)).build();
        assertThat(runPass(DCE, g)).isFalse();
        assertThat(count(g, TestOps.DOMAIN + "::Split2")).isEqualTo(1);
    }

    /** Helpers local to this test. */
    static final class PassTestsOps {
        static List<String> types(Graph g) { return g.nodes().stream().map(Node::qualifiedType).toList(); }
    }
}
