package org.ge4j.parser.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.parser.onnx.OnnxModels.*;

import java.util.List;
import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.ReferenceInterpreter;
import org.ge4j.parser.onnx.proto.AttributeProto;
import org.ge4j.parser.onnx.proto.ModelProto;
import org.junit.jupiter.api.Test;

/** Parser plugins found by ServiceLoader rewrite {@code com.acme::MyOp} into the test op {@code acme.ge4j::ScaleAdd}. */
class OnnxOpMapperTest {
    private static ModelProto myOpModel(long opset, AttributeProto... attrs) {
        return model(graph("g", List.of(node("com.acme", "MyOp", "my", List.of("X"), List.of("Y"), attrs)),
                List.of(value("X", DataType.FLOAT, 3L)), List.of(value("Y", DataType.FLOAT, 3L))), opset("", 17), opset("com.acme", opset));
    }

    private static float[] run(Graph g, float... x) {
        try (Tensor in = Tensor.of(x)) {
            Map<String, Value> out = new ReferenceInterpreter(OpRegistry.global()).run(g, Map.of("X", in));
            try (Tensor y = (Tensor) out.get("Y")) {
                return y.toFloatArray();
            }
        }
    }

    @Test void mapperFoundByServiceLoaderRewritesTheNode() {
        Graph g = new OnnxParser().parse(myOpModel(1, attr("alpha", 2f)).toByteArray());
        assertThat(g.nodes()).extracting(Node::type).containsExactly("Data", "ScaleAdd");
        Node n = g.findNode("my");
        assertThat(n.domain()).isEqualTo("acme.ge4j");
        assertThat(n.attrFloat("factor", 0)).isEqualTo(3f);
        assertThat(g.outputs().get(0).value()).isSameAs(n.output(0));
        assertThat(n.output(0).name()).isEqualTo("Y");
        assertThat(OnnxParser.validate(g, OpRegistry.global())).isEmpty();
        assertThat(run(g, 1, -2, 0.5f)).containsExactly(3, -6, 1.5f); // 2x + x
    }

    @Test void theMapperIsChosenByOpsetRange() {
        Graph g = new OnnxParser().parse(myOpModel(5, attr("alpha", 2f), attr("beta", 10f)).toByteArray());
        assertThat(g.nodes()).extracting(Node::name).containsExactly("X", "my/scale", "my/shift");
        assertThat(run(g, 1, -2, 0.5f)).containsExactly(12, 6, 11); // 2x + 10
    }

    @Test void withoutMappersTheNodeIsKeptOneToOneAndReportedUnknown() {
        Graph g = OnnxParser.builder().optMappers(new OnnxOpMappers()).build().parse(myOpModel(1, attr("alpha", 2f)).toByteArray());
        Node n = g.findNode("my");
        assertThat(n.qualifiedType()).isEqualTo("com.acme::MyOp");
        assertThat(OnnxParser.validate(g, OpRegistry.global())).extracting(OnnxParser.UnknownOp::message)
                .containsExactly("node 'my': unknown op com.acme::MyOp (domain com.acme, opset 1)");
    }

    @Test void mapperAddedInCodeWinsWithAHigherSinceVersionAndItsErrorsNameTheNode() {
        OnnxOpMapper strict = new OnnxOpMapper() {
            @Override public String domain() { return "com.acme"; }
            @Override public String opType() { return "MyOp"; }
            @Override public int sinceVersion() { return 2; }
            @Override public List<OutDataAnchor> map(OnnxMapping m) { throw m.fail("alpha must be given"); }
        };
        OnnxParser p = OnnxParser.builder().optMapper(strict).build();
        assertThatThrownBy(() -> p.parse(myOpModel(2).toByteArray())).isInstanceOf(OnnxParseException.class)
                .hasMessage("<bytes>: node 'my' (com.acme::MyOp): alpha must be given");
        // opset 1 is outside its range: the ServiceLoader one applies
        assertThat(p.parse(myOpModel(1).toByteArray()).findNode("my").type()).isEqualTo("ScaleAdd");
    }

    @Test void mapperReturningTooFewValuesIsAnError() {
        OnnxOpMapper bad = new OnnxOpMapper() {
            @Override public String domain() { return ""; }
            @Override public String opType() { return "Relu"; }
            @Override public List<OutDataAnchor> map(OnnxMapping m) { return List.of(); }
        };
        ModelProto relu = model(graph("g", List.of(node("Relu", List.of("X"), List.of("Y"))),
                List.of(value("X", DataType.FLOAT)), List.of(value("Y", DataType.FLOAT))));
        assertThatThrownBy(() -> OnnxParser.builder().optMapper(bad).build().parse(relu.toByteArray())).isInstanceOf(OnnxParseException.class)
                .hasMessageContaining("returned 0 values for 1 outputs");
    }
}
