package org.ge4j.compiler.passes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.compiler.PassTests.runPass;

import java.util.List;
import org.ge4j.compiler.PassTests;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.api.GraphBuilder;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.TensorDesc;
import org.junit.jupiter.api.Test;

class ShapeInferencePassTest {
    @Test
    void infersStaticAndSymbolicShapesAndReportsChangeOnce() {
        Graph g = new Graph("g");
        g.setOpset("", 17);
        OutDataAnchor x = g.addInput("x", TensorDesc.of(DataType.FLOAT, Shape.of("N", 4)));
        OutDataAnchor w = g.addInput("w", TensorDesc.of(DataType.FLOAT, 4, 5));
        Node mm = g.addNode("MatMul", "mm", List.of(x, w), 1);
        Node relu = g.addNode("Relu", "relu", List.of(mm.output(0)), 1);
        g.addOutput("y", relu.output(0));
        assertThat(relu.output(0).desc().isKnown()).isFalse();

        assertThat(runPass(new ShapeInferencePass(), g)).isTrue();
        assertThat(relu.output(0).desc()).isEqualTo(TensorDesc.of(DataType.FLOAT, Shape.of("N", 5)));
        assertThat(runPass(new ShapeInferencePass(), g)).as("already inferred").isFalse();
    }

    /** x[N,L,8] reshaped to Concat(Shape(x)[0], Shape(x)[1], [2, -1]) as exporters write multi-head splits. */
    static Graph heads() {
        GraphBuilder b = GraphBuilder.create("heads");
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of("N", "L", 8));
        OutDataAnchor s = b.op("Shape").in(x).call1();
        OutDataAnchor n = b.op("Gather").in(s, b.constant(Tensor.of(new long[] {0}, 1))).attr("axis", 0L).call1();
        OutDataAnchor l = b.op("Unsqueeze").in(b.op("Gather").in(s, b.constant(Tensor.scalar(1L))).attr("axis", 0L).call1(), b.constant(Tensor.of(new long[] {0}, 1))).call1();
        OutDataAnchor shape = b.concat(0, n, l, b.constant(Tensor.of(new long[] {2, -1}, 2)));
        OutDataAnchor r = b.op("Reshape").in(x, shape).call1();
        OutDataAnchor e = b.op("Expand").in(b.constant(Tensor.of(new float[] {1f}, 1)), b.op("Shape").in(r).call1()).call1();
        return b.output("r", r).output("e", e).build();
    }

    @Test
    void symbolicShapeTensorsGiveReshapeAndExpandTheirDims() {
        Graph g = heads();
        runPass(new ShapeInferencePass(), g);
        assertThat(g.outputs().get(0).value().desc().shape()).isEqualTo(Shape.of("N", "L", 2, 4));
        assertThat(g.outputs().get(1).value().desc().shape()).isEqualTo(Shape.of("N", "L", 2, 4));
        PassTests.assertSameFunction(ShapeInferencePassTest::heads, x -> runPass(new ShapeInferencePass(), x), 9);
    }
}
