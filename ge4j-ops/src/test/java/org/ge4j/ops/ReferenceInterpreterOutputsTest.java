package org.ge4j.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.api.GraphBuilder;
import org.junit.jupiter.api.Test;

class ReferenceInterpreterOutputsTest {
    @Test
    void twoGraphOutputsMayShareOneValue() {
        GraphBuilder b = GraphBuilder.create("shared");
        var y = b.relu(b.input("x", DataType.FLOAT, 2));
        Graph g = b.output("a", y).output("b", y).build();
        try (Tensor x = Tensor.of(new float[] {-1, 2})) {
            Map<String, Value> out = new ReferenceInterpreter().run(g, Map.of("x", x));
            assertThat(((Tensor) out.get("a")).toFloatArray()).containsExactly(0f, 2f);
            assertThat(((Tensor) out.get("b")).toFloatArray()).containsExactly(0f, 2f);
            assertThat(out.get("a")).as("each output is owned separately").isNotSameAs(out.get("b"));
            out.values().forEach(Value::close);
        }
    }
}
