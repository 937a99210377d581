package org.ge4j.ops.onnx.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.control.TestOps.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import org.ge4j.ir.Value;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class ScanOpTest {
    /**
     * The running-sum scan of the ONNX spec: state sum, scan input x; body sum_out = sum_in + next,
     * scan_out = sum_out. {@code elem} is the shape of one scan element.
     */
    private static Graph sum(int opset, TensorDesc init, TensorDesc x, long[] elem, boolean withLens, Map<String, Attr> attrs) {
        Graph g = graph("scan_sum", opset);
        OutDataAnchor lens = withLens ? g.addInput("lens", desc(DataType.INT64, init.shape().dim(0).valueOr(-1))) : null;
        OutDataAnchor s = g.addInput("init", init);
        OutDataAnchor xs = g.addInput("x", x);
        Graph body = Graph.newSubgraph("body", g);
        OutDataAnchor sumIn = body.addInput("sum_in", desc(DataType.FLOAT, elem));
        OutDataAnchor next = body.addInput("next", desc(DataType.FLOAT, elem));
        OutDataAnchor sumOut = op(body, "Add", sumIn, next);
        body.addOutput("sum_out", sumOut);
        body.addOutput("scan_out", op(body, "Identity", sumOut));
        List<OutDataAnchor> ins = new ArrayList<>();
        if (opset < 9) ins.add(lens);
        ins.add(s);
        ins.add(xs);
        Node n = g.addNode("Scan", "scan", ins, 2);
        n.setAttr("body", Attr.of(body)).setAttr("num_scan_inputs", Attr.of(1L));
        attrs.forEach(n::setAttr);
        g.addOutput("y", n.output(0));
        g.addOutput("z", n.output(1));
        return g;
    }

    private static Map<String, Value> run9(Map<String, Attr> attrs, float[] x, long... xShape) {
        Graph g = sum(16, desc(DataType.FLOAT, 2), desc(DataType.FLOAT, xShape), new long[] {2}, false, attrs);
        try (Tensor init = Tensor.of(new float[] {0, 0}); Tensor xv = Tensor.of(x, xShape)) {
            Map<String, Value> r = run(g, Map.of("init", init, "x", xv));
            Tensor z = (Tensor) r.get("z");
            Shape inferred = g.findNode("scan").output(1).desc().shape();
            assertThat(inferred.toArray()).containsExactly(z.shape());
            return r;
        }
    }

    private static final float[] X = {1, 2, 3, 4, 5, 6};

    @Test void runningSumOverAxis0() {
        Map<String, Value> r = run9(Map.of(), X, 3, 2);
        assertThat(((Tensor) r.get("y")).toFloatArray()).containsExactly(9, 12);
        Tensor z = (Tensor) r.get("z");
        assertThat(z.shape()).containsExactly(3, 2);
        assertThat(z.toFloatArray()).containsExactly(1, 2, 4, 6, 9, 12);
        closeAll(r);
    }

    @Test void reverseInputDirection() {
        Map<String, Value> r = run9(Map.of("scan_input_directions", Attr.of(new long[] {1})), X, 3, 2);
        assertThat(((Tensor) r.get("z")).toFloatArray()).containsExactly(5, 6, 8, 10, 9, 12);
        closeAll(r);
    }

    @Test void reverseOutputDirectionPrepends() {
        Map<String, Value> r = run9(Map.of("scan_output_directions", Attr.of(new long[] {1})), X, 3, 2);
        assertThat(((Tensor) r.get("z")).toFloatArray()).containsExactly(9, 12, 4, 6, 1, 2);
        closeAll(r);
    }

    @Test void scansAxis1AndStacksOnAxis1() {
        // x^T: [[1,3,5],[2,4,6]] scanned along axis 1 yields the same elements as above
        Map<String, Value> r = run9(Map.of("scan_input_axes", Attr.of(new long[] {-1}), "scan_output_axes", Attr.of(new long[] {1})),
                new float[] {1, 3, 5, 2, 4, 6}, 2, 3);
        assertThat(((Tensor) r.get("y")).toFloatArray()).containsExactly(9, 12);
        Tensor z = (Tensor) r.get("z");
        assertThat(z.shape()).containsExactly(2, 3);
        assertThat(z.toFloatArray()).containsExactly(1, 4, 9, 2, 6, 12);
        closeAll(r);
    }

    @Test void emptySequenceGivesInitialStateAndEmptyScan() {
        Map<String, Value> r = run9(Map.of(), new float[0], 0, 2);
        assertThat(((Tensor) r.get("y")).toFloatArray()).containsExactly(0, 0);
        assertThat(((Tensor) r.get("z")).shape()).containsExactly(0, 2);
        closeAll(r);
    }

    @Test void opset8ScansEachBatchEntry() {
        Graph g = sum(8, desc(DataType.FLOAT, 2, 2), desc(DataType.FLOAT, 2, 3, 2), new long[] {2}, false, Map.of());
        try (Tensor init = Tensor.of(new float[] {0, 0, 100, 100}, 2, 2);
             Tensor xv = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 1, 1, 1, 1, 1, 1}, 2, 3, 2)) {
            Map<String, Value> r = run(g, Map.of("init", init, "x", xv));
            assertThat(((Tensor) r.get("y")).toFloatArray()).containsExactly(9, 12, 103, 103);
            Tensor z = (Tensor) r.get("z");
            assertThat(z.shape()).containsExactly(2, 3, 2);
            assertThat(z.toFloatArray()).containsExactly(1, 2, 4, 6, 9, 12, 101, 101, 102, 102, 103, 103);
            closeAll(r);
        }
    }

    @Test void opset8SequenceLengthsPadWithZeros() {
        Graph g = sum(8, desc(DataType.FLOAT, 2, 2), desc(DataType.FLOAT, 2, 3, 2), new long[] {2}, true,
                Map.of("directions", Attr.of(new long[] {1})));
        Map<String, Value> feeds = new LinkedHashMap<>();
        feeds.put("lens", Tensor.of(new long[] {3, 2}));
        feeds.put("init", Tensor.of(new float[] {0, 0, 0, 0}, 2, 2));
        feeds.put("x", Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6}, 2, 3, 2));
        Map<String, Value> r = run(g, feeds);
        // batch 0 reversed over 3 steps: 5,6 / 8,10 / 9,12; batch 1 reversed over its first 2 steps: 3,4 / 4,6 / pad
        assertThat(((Tensor) r.get("y")).toFloatArray()).containsExactly(9, 12, 4, 6);
        assertThat(((Tensor) r.get("z")).toFloatArray()).containsExactly(5, 6, 8, 10, 9, 12, 3, 4, 4, 6, 0, 0);
        closeAll(r);
        feeds.values().forEach(Value::close);
    }

    @Test void mismatchedSequenceLengthsAreRejected() {
        Graph g = graph("scan_bad", 11);
        OutDataAnchor a = g.addInput("a", desc(DataType.FLOAT, 3));
        OutDataAnchor b = g.addInput("b", desc(DataType.FLOAT, 4));
        Graph body = Graph.newSubgraph("body", g);
        OutDataAnchor ea = body.addInput("ea", desc(DataType.FLOAT));
        OutDataAnchor eb = body.addInput("eb", desc(DataType.FLOAT));
        body.addOutput("s", op(body, "Add", ea, eb));
        Node n = g.addNode("Scan", "scan", List.of(a, b), 1);
        n.setAttr("body", Attr.of(body)).setAttr("num_scan_inputs", Attr.of(2L));
        g.addOutput("z", n.output(0));
        assertThatThrownBy(() -> run(g, Map.of())).isInstanceOf(OpException.class)
                .hasMessageContaining("scan input 1 has sequence length 4 but scan input 0 has 3");
    }

    @Test void numScanInputsMustFit() {
        Graph g = sum(11, desc(DataType.FLOAT, 2), desc(DataType.FLOAT, 3, 2), new long[] {2}, false, Map.of("num_scan_inputs", Attr.of(3L)));
        assertThatThrownBy(() -> run(g, Map.of())).isInstanceOf(OpException.class)
                .hasMessageContaining("'num_scan_inputs' is 3");
    }
}
