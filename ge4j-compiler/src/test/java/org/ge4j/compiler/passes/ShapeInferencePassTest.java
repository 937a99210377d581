package org.ge4j.compiler.passes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.compiler.PassTests.runPass;

import java.util.List;
import org.ge4j.ir.DataType;
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
}
