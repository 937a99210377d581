package org.ge4j.compiler.passes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.compiler.PassTests.assertSameFunction;
import static org.ge4j.compiler.PassTests.count;
import static org.ge4j.compiler.PassTests.runPass;

import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.api.GraphBuilder;
import org.junit.jupiter.api.Test;

class CommonSubexpressionEliminationTest {
    private static final CommonSubexpressionElimination CSE = new CommonSubexpressionElimination();

    /** Two copies of add(relu(x), [1,2]) plus a third add with a different constant. */
    static Graph duplicated() {
        GraphBuilder b = GraphBuilder.create("dup");
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of("N", 2));
        OutDataAnchor a1 = b.add(b.relu(x), b.constant("c1", Tensor.of(new float[] {1, 2})));
        OutDataAnchor a2 = b.add(b.relu(x), b.constant("c2", Tensor.of(new float[] {1, 2})));
        OutDataAnchor a3 = b.add(b.relu(x), b.constant("c3", Tensor.of(new float[] {1, 3})));
        return b.output("y1", a1).output("y2", a2).output("y3", a3).build();
    }

    @Test
    void mergesEqualNodesAndEqualConstantsInOneRun() {
        Graph g = duplicated();
        assertThat(runPass(CSE, g)).isTrue();
        assertThat(count(g, "Relu")).isEqualTo(1);
        assertThat(count(g, "Constant")).as("[1,2] twice merges, [1,3] stays").isEqualTo(2);
        assertThat(count(g, "Add")).isEqualTo(2);
        assertThat(g.outputs().get(0).value()).isSameAs(g.outputs().get(1).value());
        assertThat(g.outputs().get(2).value()).isNotSameAs(g.outputs().get(0).value());
        assertThat(runPass(CSE, g)).isFalse();
        assertSameFunction(CommonSubexpressionEliminationTest::duplicated, x -> runPass(CSE, x), 3);
    }

    @Test
    void attributesMustBeEqual() {
        GraphBuilder b = GraphBuilder.create("perm");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 2, 3, 4);
        Graph g = b.output("a", b.transpose(x, 0, 2, 1)).output("b", b.transpose(x, 2, 1, 0)).output("c", b.transpose(x, 0, 2, 1)).build();
        assertThat(runPass(CSE, g)).isTrue();
        assertThat(count(g, "Transpose")).isEqualTo(2);
    }

    @Test
    void randomOpsAreNeverMerged() {
        GraphBuilder b = GraphBuilder.create("rnd");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 2);
        Graph g = b.output("a", b.op("RandomNormalLike").in(x).call1()).output("b", b.op("RandomNormalLike").in(x).call1()).build();
        assertThat(runPass(CSE, g)).isFalse();
        assertThat(count(g, "RandomNormalLike")).isEqualTo(2);
    }

    @Test
    void constantsOfDifferentTypesOrShapesStayApart() {
        GraphBuilder b = GraphBuilder.create("types");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 2);
        OutDataAnchor i1 = b.constant("i1", Tensor.of(new long[] {2, 1}, 2));
        OutDataAnchor i2 = b.constant("i2", Tensor.of(new long[] {2, 1}, 2, 1));
        OutDataAnchor i3 = b.constant("i3", Tensor.of(new int[] {2, 1}, 2));
        Graph g = b.output("a", b.reshape(x, 2, 1)).output("p", i1).output("q", i2).output("r", i3).build();
        runPass(CSE, g);
        // the reshape's own [2,1] shape constant equals i1 and merges with it; the others differ in shape or type
        assertThat(count(g, "Constant")).isEqualTo(3);
    }
}
