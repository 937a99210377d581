package org.ge4j.ops.onnx.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.control.TestOps.*;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.OptionalValue;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.TensorSequence;
import org.ge4j.ir.Value;
import org.ge4j.ir.ValueKind;
import org.ge4j.ops.OpException;
import org.ge4j.ops.util.NodeRunner;
import org.junit.jupiter.api.Test;

class OptionalOpsTest {
    private final NodeRunner runner = new NodeRunner(TestOps.REGISTRY);

    private Value run(String op, int opset, Map<String, Attr> attrs, Value... inputs) {
        return runner.run(op, opset, attrs, Arrays.asList(inputs), 1).get(0);
    }

    @Test void wrapsAValueAndGetsItBack() {
        try (Tensor x = Tensor.of(new float[] {1, 2}); OptionalValue o = (OptionalValue) run("Optional", 15, Map.of(), x);
             Tensor has = (Tensor) run("OptionalHasElement", 15, Map.of(), o);
             Tensor back = (Tensor) run("OptionalGetElement", 15, Map.of(), o)) {
            assertThat(o.isPresent()).isTrue();
            assertThat(o.kind()).isEqualTo(ValueKind.OPTIONAL_TENSOR);
            assertThat(o.value()).isNotSameAs(x);
            assertThat(has.rank()).isZero();
            assertThat(has.toBooleanArray()).containsExactly(true);
            assertThat(back.toFloatArray()).containsExactly(1, 2);
        }
    }

    @Test void emptyOptionalOfTheTypeAttribute() {
        TensorDesc seqOfFloat = new TensorDesc(DataType.FLOAT, Shape.UNKNOWN_RANK).withKind(ValueKind.SEQUENCE);
        try (OptionalValue o = (OptionalValue) run("Optional", 15, Map.of("type", new Attr.TypeValue(seqOfFloat)));
             Tensor has = (Tensor) run("OptionalHasElement", 15, Map.of(), o)) {
            assertThat(o.isPresent()).isFalse();
            assertThat(o.kind()).isEqualTo(ValueKind.OPTIONAL_SEQUENCE);
            assertThat(has.toBooleanArray()).containsExactly(false);
            assertThatThrownBy(() -> run("OptionalGetElement", 15, Map.of(), o)).isInstanceOf(OpException.class)
                    .hasMessageContaining("empty optional");
        }
    }

    @Test void optionalWithoutInputNeedsAType() {
        assertThatThrownBy(() -> run("Optional", 15, Map.of())).isInstanceOf(OpException.class).hasMessageContaining("'type'");
    }

    @Test void wrapsASequence() {
        try (TensorSequence s = new TensorSequence(DataType.INT64, List.of(Tensor.of(new long[] {7})));
             OptionalValue o = (OptionalValue) run("Optional", 15, Map.of(), s);
             TensorSequence back = (TensorSequence) run("OptionalGetElement", 15, Map.of(), o)) {
            assertThat(o.kind()).isEqualTo(ValueKind.OPTIONAL_SEQUENCE);
            assertThat(back.get(0).toLongArray()).containsExactly(7);
        }
    }

    @Test void opset18AcceptsPlainTensorsAndAnAbsentInput() {
        try (Tensor x = Tensor.of(new int[] {3}); Tensor has = (Tensor) run("OptionalHasElement", 18, Map.of(), x);
             Tensor got = (Tensor) run("OptionalGetElement", 18, Map.of(), x);
             Tensor none = (Tensor) runner.run("OptionalHasElement", 18, Map.of(), Arrays.asList((Value) null), 1).get(0)) {
            assertThat(has.toBooleanArray()).containsExactly(true);
            assertThat(got.toIntArray()).containsExactly(3);
            assertThat(none.toBooleanArray()).containsExactly(false);
        }
    }

    @Test void opset15RejectsAPlainTensor() {
        try (Tensor x = Tensor.of(new int[] {3})) {
            assertThatThrownBy(() -> run("OptionalHasElement", 15, Map.of(), x)).isInstanceOf(OpException.class)
                    .hasMessageContaining("must be an optional");
        }
    }

    @Test void inferenceUnwrapsTheKind() {
        Graph g = graph("opt", 15);
        OutDataAnchor x = g.addInput("x", desc(DataType.FLOAT, 2, 3));
        OutDataAnchor o = op(g, "Optional", x);
        OutDataAnchor e = op(g, "OptionalGetElement", o);
        g.addOutput("e", e);
        try (Tensor xv = Tensor.of(new float[6], 2, 3)) {
            closeAll(TestOps.run(g, Map.of("x", xv)));
        }
        assertThat(o.desc().kind()).isEqualTo(ValueKind.OPTIONAL_TENSOR);
        assertThat(e.desc()).isEqualTo(desc(DataType.FLOAT, 2, 3));
    }
}
