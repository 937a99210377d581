package org.ge4j.ops.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Graph;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.ReferenceInterpreter;
import org.junit.jupiter.api.Test;

class GraphBuilderTest {
    private static final String D = TestCustomOps.DOMAIN;

    private static GraphBuilder builder() { return GraphBuilder.create("g").opset(D, 1); }

    @Test
    void customOpFromTestCodeIsDiscoveredAndRunsEndToEnd() {
        assertThat(OpRegistry.global().libraries()).contains("test-custom", "ge4j-core");
        GraphBuilder b = builder();
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of("N", 3));
        OutDataAnchor y = b.op(D, "ScaleShift").in(x).attr("scale", 2f).attr("shift", 1f).call1();
        OutDataAnchor z = b.op(D, "Blend").in(y, x).call1();
        Graph g = b.output("z", z).build();

        assertThat(y.desc().shape()).isEqualTo(Shape.of("N", 3));
        assertThat(z.desc().shape().dim(0)).isEqualTo(Dim.of("N"));
        assertThat(z.desc().dtype()).isEqualTo(DataType.FLOAT);

        try (Tensor in = Tensor.of(new float[] {1, 2, 3, -1, 0, 4}, 2, 3)) {
            Map<String, Value> out = new ReferenceInterpreter().run(g, Map.of("x", in));
            try (Tensor t = (Tensor) out.get("z")) {
                // z = 0.5 * (2x + 1) + 0.5 * x = 1.5x + 0.5
                assertThat(t.shape()).containsExactly(2, 3);
                assertThat(t.toFloatArray()).containsExactly(2f, 3.5f, 5f, -1f, 0.5f, 6.5f);
            }
        }
    }

    @Test
    void optionalInputChangesResult() {
        GraphBuilder b = builder();
        OutDataAnchor a = b.input("a", DataType.DOUBLE, 2);
        OutDataAnchor c = b.input("c", DataType.DOUBLE, 1);
        OutDataAnchor w = b.constant("w", Tensor.scalar(0.25f));
        Graph g = b.output("y", b.op(D, "Blend").in(a, c, w).call1()).build();
        try (Tensor ta = Tensor.of(new double[] {4, 8}); Tensor tc = Tensor.of(new double[] {0})) {
            Map<String, Value> out = new ReferenceInterpreter().run(g, Map.of("a", ta, "c", tc));
            try (Tensor t = (Tensor) out.get("y")) {
                assertThat(t.toDoubleArray()).containsExactly(1.0, 2.0);
            }
        }
    }

    @Test
    void wrongArityFailsAtTheCallNamingOpAndPorts() {
        GraphBuilder b = builder();
        OutDataAnchor x = b.input("x", DataType.FLOAT, 3);
        assertThatThrownBy(() -> b.op(D, "Blend").in(x).call1())
                .isInstanceOf(OpException.class)
                .hasMessageContaining("Blend")
                .hasMessageContaining("at least 2 inputs")
                .hasMessageContaining("A, B, W?");
        assertThatThrownBy(() -> b.op(D, "Blend").in(x, x, x, x).call1())
                .hasMessageContaining("at most 3 inputs");
        // the failed calls left nothing behind
        assertThat(b.graph().nodeCount()).isEqualTo(1);
    }

    @Test
    void wrongDtypeFailsNamingPortAndExpectation() {
        GraphBuilder b = builder();
        OutDataAnchor x = b.input("x", DataType.INT64, 3);
        assertThatThrownBy(() -> b.op(D, "ScaleShift").in(x).attr("scale", 1f).call1())
                .isInstanceOf(OpException.class)
                .hasMessageContaining("ScaleShift")
                .hasMessageContaining("input 0 ('X') has type i64")
                .hasMessageContaining("f32");
        OutDataAnchor f = b.input("f", DataType.FLOAT, 3);
        OutDataAnchor d = b.input("d", DataType.DOUBLE, 3);
        assertThatThrownBy(() -> b.op(D, "Blend").in(f, d).call1())
                .hasMessageContaining("input 1 ('B') has type f64 but input 0 has f32");
    }

    @Test
    void missingOrMistypedAttributeFails() {
        GraphBuilder b = builder();
        OutDataAnchor x = b.input("x", DataType.FLOAT, 3);
        assertThatThrownBy(() -> b.op(D, "ScaleShift").in(x).call1())
                .isInstanceOf(OpException.class)
                .hasMessageContaining("ScaleShift")
                .hasMessageContaining("missing required attribute 'scale' (float)");
        assertThatThrownBy(() -> b.op(D, "ScaleShift").in(x).attr("scale", 2L).call1())
                .hasMessageContaining("attribute 'scale' must be float, got int");
        assertThatThrownBy(() -> b.op(D, "ScaleShift").in(x).attr("scale", 2f).attr("bogus", 1L).call1())
                .hasMessageContaining("unknown attribute 'bogus'");
    }

    @Test
    void shapeInferenceErrorsNameTheShapes() {
        GraphBuilder b = builder();
        OutDataAnchor x = b.input("x", DataType.FLOAT, 3);
        OutDataAnchor y = b.input("y", DataType.FLOAT, 4);
        assertThatThrownBy(() -> b.op(D, "Blend").in(x, y).call1())
                .hasMessageContaining("inputs A [3] and B [4] cannot be broadcast");
    }

    @Test
    void unknownOpAndForeignValuesAreRejected() {
        GraphBuilder b = builder();
        OutDataAnchor x = b.input("x", DataType.FLOAT, 3);
        assertThatThrownBy(() -> b.op(D, "NoSuchOp").in(x).call1())
                .hasMessageContaining("unknown op com.example::NoSuchOp");
        GraphBuilder other = builder();
        OutDataAnchor o = other.input("o", DataType.FLOAT, 3);
        assertThatThrownBy(() -> b.op(D, "ScaleShift").in(o).attr("scale", 1f).call1())
                .hasMessageContaining("of another graph");
        assertThatThrownBy(() -> b.input("x", DataType.FLOAT, 3)).hasMessageContaining("already used");
    }

    @Test
    void buildRequiresOutputsAndIsFinal() {
        GraphBuilder b = builder();
        b.input("x", DataType.FLOAT, 3);
        assertThatThrownBy(b::build).hasMessageContaining("no outputs");
        b.output(b.graph().input("x"));
        b.build();
        assertThatThrownBy(() -> b.input("z", DataType.FLOAT, 1)).isInstanceOf(IllegalStateException.class);
    }
}
