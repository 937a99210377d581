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
import org.ge4j.ir.TensorSequence;
import org.ge4j.ir.Value;
import org.ge4j.ir.ValueKind;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class IfOpTest {
    /** out = cond ? x + y : x - y, both branches reading the outer x and y. */
    private static Graph addOrSub() {
        Graph g = graph("if_capture", 13);
        OutDataAnchor cond = g.addInput("cond", desc(DataType.BOOL));
        OutDataAnchor x = g.addInput("x", desc(DataType.FLOAT, 3));
        OutDataAnchor y = g.addInput("y", desc(DataType.FLOAT, 3));
        Graph then = Graph.newSubgraph("then", g);
        then.addOutput("sum", op(then, "Add", x, y));
        Graph els = Graph.newSubgraph("else", g);
        els.addOutput("diff", op(els, "Sub", x, y));
        Node n = g.addNode("If", "if", List.of(cond), 1);
        n.setAttr("then_branch", Attr.of(then)).setAttr("else_branch", Attr.of(els));
        g.addOutput("out", n.output(0));
        return g;
    }

    @Test void runsTheBranchChosenByCondReadingOuterValues() {
        Graph g = addOrSub();
        try (Tensor x = Tensor.of(new float[] {1, 2, 3}); Tensor y = Tensor.of(new float[] {10, 20, 30});
             Tensor t = bool(true); Tensor f = bool(false)) {
            Map<String, Value> a = run(g, Map.of("cond", t, "x", x, "y", y));
            assertThat(((Tensor) a.get("out")).toFloatArray()).containsExactly(11, 22, 33);
            closeAll(a);
            Map<String, Value> b = run(g, Map.of("cond", f, "x", x, "y", y));
            assertThat(((Tensor) b.get("out")).toFloatArray()).containsExactly(-9, -18, -27);
            closeAll(b);
        }
        assertThat(g.findNode("if").output(0).desc().dtype()).isEqualTo(DataType.FLOAT);
        assertThat(g.findNode("if").output(0).desc().shape()).isEqualTo(shape(3));
    }

    @Test void branchesOfDifferentShapesGiveAnUnknownDim() {
        Graph g = graph("if_shapes", 11);
        OutDataAnchor cond = g.addInput("cond", desc(DataType.BOOL));
        Graph then = Graph.newSubgraph("then", g);
        then.addOutput("a", constant(then, Tensor.of(new float[] {1, 2})));
        Graph els = Graph.newSubgraph("else", g);
        els.addOutput("b", constant(els, Tensor.of(new float[] {1, 2, 3})));
        Node n = g.addNode("If", "if", List.of(cond), 1);
        n.setAttr("then_branch", Attr.of(then)).setAttr("else_branch", Attr.of(els));
        g.addOutput("out", n.output(0));
        try (Tensor f = bool(false)) {
            Map<String, Value> r = run(g, Map.of("cond", f));
            assertThat(((Tensor) r.get("out")).toFloatArray()).containsExactly(1, 2, 3);
            closeAll(r);
        }
        assertThat(n.output(0).desc().shape()).isEqualTo(Shape.of("?"));
    }

    @Test void branchesOfDifferentTypesAreRejected() {
        Graph g = graph("if_types", 11);
        OutDataAnchor cond = g.addInput("cond", desc(DataType.BOOL));
        Graph then = Graph.newSubgraph("then", g);
        then.addOutput("a", constant(then, Tensor.of(new float[] {1})));
        Graph els = Graph.newSubgraph("else", g);
        els.addOutput("b", constant(els, Tensor.of(new long[] {1})));
        Node n = g.addNode("If", "if", List.of(cond), 1);
        n.setAttr("then_branch", Attr.of(then)).setAttr("else_branch", Attr.of(els));
        g.addOutput("out", n.output(0));
        assertThatThrownBy(() -> run(g, Map.of())).isInstanceOf(OpException.class)
                .hasMessageContaining("element types must agree");
    }

    @Test void branchOutputCountsMustAgree() {
        Graph g = graph("if_counts", 11);
        OutDataAnchor cond = g.addInput("cond", desc(DataType.BOOL));
        Graph then = Graph.newSubgraph("then", g);
        then.addOutput("a", constant(then, Tensor.of(new float[] {1})));
        then.addOutput("a2", constant(then, Tensor.of(new float[] {2})));
        Graph els = Graph.newSubgraph("else", g);
        els.addOutput("b", constant(els, Tensor.of(new float[] {1})));
        Node n = g.addNode("If", "if", List.of(cond), 1);
        n.setAttr("then_branch", Attr.of(then)).setAttr("else_branch", Attr.of(els));
        g.addOutput("out", n.output(0));
        assertThatThrownBy(() -> run(g, Map.of())).isInstanceOf(OpException.class)
                .hasMessageContaining("then_branch has 2 outputs but else_branch has 1");
    }

    @Test void condMustHoldOneValue() {
        Graph g = addOrSub();
        g.inputNodes().get(0).output(0).setDesc(desc(DataType.BOOL, 2));
        assertThatThrownBy(() -> run(g, Map.of())).isInstanceOf(OpException.class)
                .hasMessageContaining("'cond'").hasMessageContaining("single boolean");
    }

    @Test void branchesMayReturnSequences() {
        Graph g = graph("if_seq", 13);
        OutDataAnchor cond = g.addInput("cond", desc(DataType.BOOL));
        OutDataAnchor x = g.addInput("x", desc(DataType.FLOAT, 2));
        Graph then = Graph.newSubgraph("then", g);
        then.addOutput("s", op(then, "SequenceConstruct", x, x));
        Graph els = Graph.newSubgraph("else", g);
        els.addOutput("e", node(els, "SequenceEmpty", List.of(), Map.of()));
        Node n = g.addNode("If", "if", List.of(cond), 1);
        n.setAttr("then_branch", Attr.of(then)).setAttr("else_branch", Attr.of(els));
        g.addOutput("out", n.output(0));
        try (Tensor xv = Tensor.of(new float[] {4, 5}); Tensor t = bool(true); Tensor f = bool(false)) {
            Map<String, Value> a = run(g, Map.of("cond", t, "x", xv));
            TensorSequence s = (TensorSequence) a.get("out");
            assertThat(s.size()).isEqualTo(2);
            assertThat(s.get(1).toFloatArray()).containsExactly(4, 5);
            closeAll(a);
            Map<String, Value> b = run(g, Map.of("cond", f, "x", xv));
            assertThat(((TensorSequence) b.get("out")).size()).isZero();
            closeAll(b);
        }
        assertThat(n.output(0).desc().kind()).isEqualTo(ValueKind.SEQUENCE);
        assertThat(n.output(0).desc().dtype()).isEqualTo(DataType.FLOAT);
    }
}
