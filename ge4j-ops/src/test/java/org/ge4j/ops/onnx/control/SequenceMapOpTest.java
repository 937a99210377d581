package org.ge4j.ops.onnx.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.control.TestOps.*;

import java.util.List;
import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.TensorSequence;
import org.ge4j.ir.Value;
import org.ge4j.ir.ValueKind;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class SequenceMapOpTest {
    private static final TensorDesc SEQ_F32 = new TensorDesc(DataType.FLOAT, Shape.of("N")).withKind(ValueKind.SEQUENCE);

    /** (a, b) -> (a + b, a): a is a sequence, b a sequence or a tensor. */
    private static Graph addMap(TensorDesc b) {
        Graph g = graph("seqmap", 17);
        OutDataAnchor xs = g.addInput("xs", SEQ_F32);
        OutDataAnchor ys = g.addInput("ys", b);
        Graph body = Graph.newSubgraph("body", g);
        OutDataAnchor a = body.addInput("a", TensorDesc.UNKNOWN);
        OutDataAnchor bb = body.addInput("b", TensorDesc.UNKNOWN);
        body.addOutput("sum", op(body, "Add", a, bb));
        body.addOutput("same", op(body, "Identity", a));
        Node n = g.addNode("SequenceMap", "map", List.of(xs, ys), 2);
        n.setAttr("body", Attr.of(body));
        g.addOutput("sums", n.output(0));
        g.addOutput("copies", n.output(1));
        return g;
    }

    private static TensorSequence seq(float[]... rows) {
        return new TensorSequence(DataType.FLOAT, java.util.Arrays.stream(rows).map(r -> Tensor.of(r)).toList());
    }

    @Test void mapsElementWisePairsOfTwoSequences() {
        Graph g = addMap(SEQ_F32);
        try (TensorSequence xs = seq(new float[] {1, 2}, new float[] {3}); TensorSequence ys = seq(new float[] {10, 20}, new float[] {30})) {
            Map<String, Value> r = run(g, Map.of("xs", xs, "ys", ys));
            TensorSequence sums = (TensorSequence) r.get("sums");
            assertThat(sums.size()).isEqualTo(2);
            assertThat(sums.get(0).toFloatArray()).containsExactly(11, 22);
            assertThat(sums.get(1).toFloatArray()).containsExactly(33);
            assertThat(((TensorSequence) r.get("copies")).get(1).toFloatArray()).containsExactly(3);
            closeAll(r);
        }
        assertThat(g.findNode("map").output(0).desc().kind()).isEqualTo(ValueKind.SEQUENCE);
        assertThat(g.findNode("map").output(0).desc().dtype()).isEqualTo(DataType.FLOAT);
    }

    @Test void passesATensorInputWholeToEveryElement() {
        Graph g = addMap(desc(DataType.FLOAT, 1));
        try (TensorSequence xs = seq(new float[] {1, 2}, new float[] {3}); Tensor y = Tensor.of(new float[] {100})) {
            Map<String, Value> r = run(g, Map.of("xs", xs, "ys", y));
            TensorSequence sums = (TensorSequence) r.get("sums");
            assertThat(sums.get(0).toFloatArray()).containsExactly(101, 102);
            assertThat(sums.get(1).toFloatArray()).containsExactly(103);
            closeAll(r);
        }
    }

    @Test void emptySequenceGivesEmptyOutputs() {
        Graph g = addMap(desc(DataType.FLOAT, 1));
        try (TensorSequence xs = new TensorSequence(DataType.FLOAT, List.of()); Tensor y = Tensor.of(new float[] {100})) {
            Map<String, Value> r = run(g, Map.of("xs", xs, "ys", y));
            assertThat(((TensorSequence) r.get("sums")).size()).isZero();
            assertThat(((TensorSequence) r.get("sums")).elementType()).isEqualTo(DataType.FLOAT);
            closeAll(r);
        }
    }

    @Test void sequencesOfDifferentLengthsAreRejected() {
        Graph g = addMap(SEQ_F32);
        try (TensorSequence xs = seq(new float[] {1}, new float[] {3}); TensorSequence ys = seq(new float[] {10})) {
            assertThatThrownBy(() -> run(g, Map.of("xs", xs, "ys", ys))).isInstanceOf(OpException.class)
                    .hasMessageContaining("sequence of 1 tensors but input 0 has 2");
        }
    }
}
