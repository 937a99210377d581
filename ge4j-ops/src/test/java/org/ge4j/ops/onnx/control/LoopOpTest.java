package org.ge4j.ops.onnx.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.control.TestOps.*;

import java.util.Arrays;
import java.util.HashMap;
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

class LoopOpTest {
    /**
     * y_out = y_in + step (step read from the outer graph), scan = y_out, cond_out = (y_out < limit) when
     * {@code withLimit}, else cond_in passed through. Inputs M and cond are graph inputs when present.
     */
    private static Graph accumulate(boolean withM, boolean withCond, boolean withLimit) {
        Graph g = graph("loop", 11);
        OutDataAnchor m = withM ? g.addInput("M", desc(DataType.INT64)) : null;
        OutDataAnchor c = withCond ? g.addInput("cond", desc(DataType.BOOL)) : null;
        OutDataAnchor y = g.addInput("y", desc(DataType.FLOAT, 1));
        OutDataAnchor step = g.addInput("step", desc(DataType.FLOAT, 1));
        OutDataAnchor limit = g.addInput("limit", desc(DataType.FLOAT, 1));
        Graph body = Graph.newSubgraph("body", g);
        body.addInput("iter", desc(DataType.INT64));
        OutDataAnchor condIn = body.addInput("cond_in", desc(DataType.BOOL));
        OutDataAnchor yIn = body.addInput("y_in", desc(DataType.FLOAT, 1));
        OutDataAnchor yOut = op(body, "Add", yIn, step);
        body.addOutput("cond_out", withLimit ? op(body, "Less", yOut, limit) : op(body, "Identity", condIn));
        body.addOutput("y_out", yOut);
        body.addOutput("scan", op(body, "Identity", yOut));
        Node n = g.addNode("Loop", "loop", Arrays.asList(m, c, y), 2);
        n.setAttr("body", Attr.of(body));
        g.addOutput("y_final", n.output(0));
        g.addOutput("scans", n.output(1));
        if (!withLimit) g.addOutput("unused_limit", op(g, "Identity", limit));
        return g;
    }

    private static Map<String, Value> feeds(Long m, Boolean cond, float y0, float step, float limit) {
        Map<String, Value> f = new HashMap<>();
        if (m != null) f.put("M", Tensor.scalar(m));
        if (cond != null) f.put("cond", bool(cond));
        f.put("y", Tensor.of(new float[] {y0}));
        f.put("step", Tensor.of(new float[] {step}));
        f.put("limit", Tensor.of(new float[] {limit}));
        return f;
    }

    @Test void tripCountLoopCarriesStateAndStacksScanOutputs() {
        Graph g = accumulate(true, true, false);
        Map<String, Value> f = feeds(4L, true, -2, 1.5f, 0);
        Map<String, Value> r = run(g, f);
        assertThat(((Tensor) r.get("y_final")).toFloatArray()).containsExactly(4f);
        Tensor scans = (Tensor) r.get("scans");
        assertThat(scans.shape()).containsExactly(4, 1);
        assertThat(scans.toFloatArray()).containsExactly(-0.5f, 1f, 2.5f, 4f);
        closeAll(r);
        closeAll(f);
        Node loop = g.findNode("loop");
        assertThat(loop.output(0).desc()).isEqualTo(desc(DataType.FLOAT, 1));
        assertThat(loop.output(1).desc().shape()).isEqualTo(Shape.of("?", 1L));
    }

    @Test void bodyConditionEndsTheLoopEarly() {
        Graph g = accumulate(true, true, true);
        Map<String, Value> f = feeds(10L, true, 0, 1, 3);
        Map<String, Value> r = run(g, f);
        // y = 1 (1 < 3), 2 (2 < 3), 3 (3 < 3 is false: stop after this iteration)
        assertThat(((Tensor) r.get("y_final")).toFloatArray()).containsExactly(3f);
        assertThat(((Tensor) r.get("scans")).toFloatArray()).containsExactly(1f, 2f, 3f);
        closeAll(r);
        closeAll(f);
    }

    @Test void whileLoopWithoutTripCount() {
        Graph g = accumulate(false, true, true);
        Map<String, Value> f = feeds(null, true, 0, 2, 7);
        Map<String, Value> r = run(g, f);
        assertThat(((Tensor) r.get("scans")).toFloatArray()).containsExactly(2f, 4f, 6f, 8f);
        closeAll(r);
        closeAll(f);
    }

    @Test void falseInitialConditionRunsNoIteration() {
        Graph g = accumulate(true, true, false);
        Map<String, Value> f = feeds(5L, false, 7, 1, 0);
        Map<String, Value> r = run(g, f);
        assertThat(((Tensor) r.get("y_final")).toFloatArray()).containsExactly(7f);
        Tensor scans = (Tensor) r.get("scans");
        assertThat(scans.dtype()).isEqualTo(DataType.FLOAT);
        assertThat(scans.shape()).containsExactly(0, 1);
        closeAll(r);
        closeAll(f);
    }

    @Test void forLoopWithoutCondInput() {
        Graph g = accumulate(true, false, false);
        Map<String, Value> f = feeds(3L, null, 0, 1, 0);
        Map<String, Value> r = run(g, f);
        assertThat(((Tensor) r.get("y_final")).toFloatArray()).containsExactly(3f);
        closeAll(r);
        closeAll(f);
    }

    @Test void bodyReadsTheIterationNumber() {
        Graph g = graph("loop_iter", 13);
        OutDataAnchor m = g.addInput("M", desc(DataType.INT64));
        OutDataAnchor s0 = g.addInput("s", desc(DataType.INT64));
        Graph body = Graph.newSubgraph("body", g);
        OutDataAnchor iter = body.addInput("iter", desc(DataType.INT64));
        OutDataAnchor condIn = body.addInput("cond_in", desc(DataType.BOOL));
        OutDataAnchor sIn = body.addInput("s_in", TensorDesc.UNKNOWN);
        body.addOutput("cond_out", op(body, "Identity", condIn));
        body.addOutput("s_out", op(body, "Add", sIn, iter));
        Node n = g.addNode("Loop", "loop", Arrays.asList(m, null, s0), 1);
        n.setAttr("body", Attr.of(body));
        g.addOutput("sum", n.output(0));
        try (Tensor mv = Tensor.scalar(5L); Tensor sv = Tensor.scalar(100L)) {
            Map<String, Value> r = run(g, Map.of("M", mv, "s", sv));
            assertThat(((Tensor) r.get("sum")).toLongArray()).containsExactly(110); // 100 + 0+1+2+3+4
            closeAll(r);
        }
        assertThat(n.output(0).desc()).isEqualTo(desc(DataType.INT64));
    }

    @Test void carriesASequence() {
        Graph g = graph("loop_seq", 13);
        OutDataAnchor m = g.addInput("M", desc(DataType.INT64));
        OutDataAnchor x = g.addInput("x", desc(DataType.FLOAT, 2));
        OutDataAnchor empty = node(g, "SequenceEmpty", List.of(), Map.of());
        Graph body = Graph.newSubgraph("body", g);
        body.addInput("iter", desc(DataType.INT64));
        OutDataAnchor condIn = body.addInput("cond_in", desc(DataType.BOOL));
        OutDataAnchor seqIn = body.addInput("seq_in", TensorDesc.UNKNOWN);
        body.addOutput("cond_out", op(body, "Identity", condIn));
        body.addOutput("seq_out", op(body, "SequenceInsert", seqIn, x));
        Node n = g.addNode("Loop", "loop", Arrays.asList(m, null, empty), 1);
        n.setAttr("body", Attr.of(body));
        g.addOutput("seq", n.output(0));
        try (Tensor mv = Tensor.scalar(3L); Tensor xv = Tensor.of(new float[] {1, 2})) {
            Map<String, Value> r = run(g, Map.of("M", mv, "x", xv));
            TensorSequence s = (TensorSequence) r.get("seq");
            assertThat(s.size()).isEqualTo(3);
            assertThat(s.get(2).toFloatArray()).containsExactly(1, 2);
            closeAll(r);
        }
        assertThat(n.output(0).desc().kind()).isEqualTo(ValueKind.SEQUENCE);
    }

    @Test void bodyWithTheWrongNumberOfInputsIsRejected() {
        Graph g = graph("loop_bad", 11);
        OutDataAnchor m = g.addInput("M", desc(DataType.INT64));
        OutDataAnchor y = g.addInput("y", desc(DataType.FLOAT, 1));
        Graph body = Graph.newSubgraph("body", g);
        OutDataAnchor condIn = body.addInput("cond_in", desc(DataType.BOOL));
        body.addOutput("cond_out", op(body, "Identity", condIn));
        Node n = g.addNode("Loop", "loop", Arrays.asList(m, null, y), 1);
        n.setAttr("body", Attr.of(body));
        g.addOutput("out", n.output(0));
        assertThatThrownBy(() -> run(g, Map.of())).isInstanceOf(OpException.class)
                .hasMessageContaining("body has 1 inputs, expected 3");
    }

    @Test void scanOutputChangingShapeIsAnError() {
        // scan output = the carried value, which grows by one element per iteration (a sequence would be needed)
        Graph g = graph("loop_grow", 13);
        OutDataAnchor m = g.addInput("M", desc(DataType.INT64));
        OutDataAnchor x = g.addInput("x", desc(DataType.FLOAT, 1));
        Graph body = Graph.newSubgraph("body", g);
        body.addInput("iter", desc(DataType.INT64));
        OutDataAnchor condIn = body.addInput("cond_in", desc(DataType.BOOL));
        OutDataAnchor seqIn = body.addInput("seq_in", TensorDesc.UNKNOWN);
        OutDataAnchor seqOut = op(body, "SequenceInsert", seqIn, x);
        body.addOutput("cond_out", op(body, "Identity", condIn));
        body.addOutput("seq_out", seqOut);
        body.addOutput("scan", node(body, "ConcatFromSequence", List.of(seqOut), Map.of("axis", Attr.of(0L))));
        Node n = g.addNode("Loop", "loop", Arrays.asList(m, null, node(g, "SequenceEmpty", List.of(), Map.of())), 2);
        n.setAttr("body", Attr.of(body));
        g.addOutput("seq", n.output(0));
        g.addOutput("scan", n.output(1));
        try (Tensor mv = Tensor.scalar(2L); Tensor xv = Tensor.of(new float[] {1})) {
            assertThatThrownBy(() -> run(g, Map.of("M", mv, "x", xv))).isInstanceOf(OpException.class)
                    .hasMessageContaining("scan output 0 changes across iterations");
        }
    }

    @Test void carriedShapesAreNotAssumedToStayFixed() {
        // body input declared without a shape: the loop may change it, so inference keeps only the rank
        Graph g = graph("loop_relax", 13);
        OutDataAnchor m = g.addInput("M", desc(DataType.INT64));
        OutDataAnchor y = g.addInput("y", desc(DataType.FLOAT, 2));
        Graph body = Graph.newSubgraph("body", g);
        body.addInput("iter", desc(DataType.INT64));
        OutDataAnchor condIn = body.addInput("cond_in", desc(DataType.BOOL));
        OutDataAnchor yIn = body.addInput("y_in", TensorDesc.UNKNOWN);
        OutDataAnchor yOut = op(body, "Identity", yIn);
        body.addOutput("cond_out", op(body, "Identity", condIn));
        body.addOutput("y_out", yOut);
        Node n = g.addNode("Loop", "loop", Arrays.asList(m, null, y), 1);
        n.setAttr("body", Attr.of(body));
        g.addOutput("y_final", n.output(0));
        try (Tensor mv = Tensor.scalar(2L); Tensor yv = Tensor.of(new float[] {1, 2})) {
            closeAll(run(g, Map.of("M", mv, "y", yv)));
        }
        assertThat(yIn.desc().shape()).isEqualTo(Shape.of("?"));
        assertThat(yOut.desc().shape()).isEqualTo(Shape.of("?"));
        assertThat(n.output(0).desc()).isEqualTo(new TensorDesc(DataType.FLOAT, Shape.of("?")));
    }
}
