package org.ge4j.ir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphTest {
    private static final TensorDesc F2 = TensorDesc.of(DataType.FLOAT, 2);

    private static void assertValid(Graph g) { assertThat(GraphVerifier.check(g)).isEmpty(); }

    // ---------------------------------------------------------------- adding nodes

    @Test
    void addNodeConnectsInputsAndNamesOutputs() {
        Graph g = new Graph("main");
        OutDataAnchor x = g.addInput("x", F2);
        Node add = g.addNode("Add", "add", List.of(x, x), 2);
        assertThat(add.graph()).isSameAs(g);
        assertThat(add.domain()).isEmpty();
        assertThat(add.inputCount()).isEqualTo(2);
        assertThat(add.inputValue(0)).isSameAs(x);
        assertThat(x.peers()).extracting(InDataAnchor::index).containsExactly(0, 1);
        assertThat(add.outputs()).extracting(OutDataAnchor::name).containsExactly("add_out0", "add_out1");
        assertThat(add.output(1).desc()).isEqualTo(TensorDesc.UNKNOWN);
        assertThat(add.output(1).index()).isEqualTo(1);
        assertValid(g);
    }

    @Test
    void addNodeWithoutNameGetsAFreshOneAndAiOnnxIsTheDefaultDomain() {
        Graph g = new Graph("main");
        Node a = g.addNode("ai.onnx", "Relu", (String) null, 0);
        Node b = g.addNode("", "Relu", "", 0);
        assertThat(a.domain()).isEmpty();
        assertThat(a.name()).startsWith("Relu_");
        assertThat(b.name()).startsWith("Relu_").isNotEqualTo(a.name());
        assertThat(a.qualifiedType()).isEqualTo("Relu");
        Node c = g.addNode("com.acme", "Split2", "s", 0);
        assertThat(c.qualifiedType()).isEqualTo("com.acme::Split2");
        assertThat(c.describe()).isEqualTo("node 's' (com.acme::Split2)");
    }

    @Test
    void inputsAreDataNodesWithIndices() {
        Graph g = new Graph("main");
        OutDataAnchor a = g.addInput("a", F2);
        OutDataAnchor b = g.addInput("b", F2);
        assertThat(g.inputs()).containsExactly(a, b);
        assertThat(g.input("b")).isSameAs(b);
        assertThat(g.input("zzz")).isNull();
        assertThat(b.node().isData()).isTrue();
        assertThat(b.node().attrInt("index", -1)).isEqualTo(1);
        assertThat(b.desc()).isEqualTo(F2);
    }

    @Test
    void outOfRangePortsAreReportedByName() {
        Graph g = new Graph("main");
        Node n = g.addNode("Relu", "r", List.of(), 1);
        assertThatThrownBy(() -> n.input(0)).isInstanceOf(Ge4jException.class).hasMessage("node 'r' (Relu) has no input 0 (it has 0)");
        assertThatThrownBy(() -> n.output(3)).isInstanceOf(Ge4jException.class).hasMessage("node 'r' (Relu) has no output 3 (it has 1)");
        assertThat(n.inputValue(5)).isNull();
    }

    // ---------------------------------------------------------------- connecting

    @Test
    void connectReplacesTheProducerOnBothEnds() {
        Graph g = new Graph("main");
        OutDataAnchor x = g.addInput("x", F2);
        OutDataAnchor y = g.addInput("y", F2);
        Node n = g.addNode("Relu", "r", List.of(x), 1);
        n.input(0).connect(y);
        assertThat(n.inputValue(0)).isSameAs(y);
        assertThat(x.peers()).isEmpty();
        assertThat(y.peers()).containsExactly(n.input(0));
        n.input(0).disconnect();
        assertThat(n.input(0).isConnected()).isFalse();
        assertThat(y.peers()).isEmpty();
        n.input(0).disconnect(); // idempotent
        n.input(0).connect(null);
        assertThat(n.input(0).peer()).isNull();
        assertValid(g);
    }

    @Test
    void addInputAndTruncateInputs() {
        Graph g = new Graph("main");
        OutDataAnchor x = g.addInput("x", F2);
        Node n = g.addNode("Clip", "clip", List.of(x), 1);
        n.addInput(null);
        n.addInput(x);
        assertThat(n.inputCount()).isEqualTo(3);
        assertThat(n.input(1).isConnected()).isFalse();
        assertThat(x.peers()).hasSize(2);
        n.truncateInputs(1);
        assertThat(n.inputCount()).isEqualTo(1);
        assertThat(x.peers()).containsExactly(n.input(0));
        assertValid(g);
    }

    @Test
    void predecessorsAndSuccessors() {
        Graph g = new Graph("main");
        OutDataAnchor x = g.addInput("x", F2);
        Node a = g.addNode("Relu", "a", List.of(x), 1);
        Node b = g.addNode("Add", "b", List.of(a.output(0), a.output(0)), 1);
        Node c = g.addNode("Neg", "c", List.of(x), 1);
        g.addControlEdge(c, b);
        assertThat(b.predecessors()).containsExactly(a, c);
        assertThat(a.successors()).containsExactly(b);
        assertThat(c.successors()).containsExactly(b);
    }

    // ---------------------------------------------------------------- removing

    @Test
    void removeNodeDisconnectsEverything() {
        Graph g = new Graph("main");
        OutDataAnchor x = g.addInput("x", F2);
        Node a = g.addNode("Relu", "a", List.of(x), 1);
        Node b = g.addNode("Neg", "b", List.of(a.output(0)), 1);
        Node c = g.addNode("Abs", "c", List.of(x), 1);
        g.addControlEdge(c, a);
        g.addControlEdge(a, b);
        g.addOutput(b.output(0));
        g.removeNode(a);
        assertThat(a.graph()).isNull();
        assertThat(g.nodes()).containsExactly(x.node(), b, c);
        assertThat(x.peers()).containsExactly(c.input(0));
        assertThat(b.input(0).isConnected()).isFalse();
        assertThat(c.controlOut().peers()).isEmpty();
        assertThat(b.controlIn().peers()).isEmpty();
        assertValid(g);
        assertThatThrownBy(() -> g.removeNode(a)).isInstanceOf(Ge4jException.class).hasMessage("node 'a' (Relu) is not in graph 'main'");
    }

    @Test
    void removeNodeRefusesGraphAndSubgraphOutputs() {
        Graph g = new Graph("main");
        OutDataAnchor x = g.addInput("x", F2);
        Node a = g.addNode("Relu", "a", List.of(x), 1);
        g.addOutput("y", a.output(0));
        assertThatThrownBy(() -> g.removeNode(a)).isInstanceOf(Ge4jException.class)
                .hasMessage("cannot remove node 'a' (Relu): its output %a_out0 is output 0 ('y') of graph 'main'");
        Node b = g.addNode("Neg", "b", List.of(x), 1);
        OutDataAnchor cond = g.addInput("cond", TensorDesc.of(DataType.BOOL));
        Node iff = g.addNode("If", "if", List.of(cond), 1);
        Graph then = Graph.newSubgraph("then", g);
        then.addOutput("t", b.output(0));
        iff.setAttr("then_branch", Attr.of(then));
        assertThatThrownBy(() -> g.removeNode(b)).isInstanceOf(Ge4jException.class)
                .hasMessage("cannot remove node 'b' (Neg): its output %b_out0 is output 0 ('t') of graph 'then'");
        assertThat(b.output(0).isUsed()).isTrue();
    }

    @Test
    void removeNodeWithSubgraphDropsItsOuterReads() {
        Graph g = new Graph("main");
        OutDataAnchor x = g.addInput("x", F2);
        OutDataAnchor cond = g.addInput("cond", TensorDesc.of(DataType.BOOL));
        Node iff = g.addNode("If", "if", List.of(cond), 1);
        Graph then = Graph.newSubgraph("then", g);
        Node inner = then.addNode("Relu", "inner", List.of(x), 1);
        then.addOutput(inner.output(0));
        iff.setAttr("then_branch", Attr.of(then));
        assertThat(x.peers()).containsExactly(inner.input(0));
        g.removeNode(iff);
        assertThat(x.peers()).isEmpty();
        assertValid(g);
    }

    @Test
    void removeInputRenumbersTheOthers() {
        Graph g = new Graph("main");
        OutDataAnchor a = g.addInput("a", F2);
        g.addInput("b", F2);
        g.addInput("c", F2);
        g.removeNode(a.node());
        assertThat(g.inputNodes()).extracting(n -> n.attrInt("index", -1)).containsExactly(0L, 1L);
        assertValid(g);
    }

    // ---------------------------------------------------------------- replaceAllUses

    @Test
    void replaceAllUsesMovesConsumersGraphOutputsAndSubgraphOutputs() {
        Graph g = new Graph("main");
        OutDataAnchor x = g.addInput("x", F2);
        Node old = g.addNode("Relu", "old", List.of(x), 1);
        Node neu = g.addNode("Abs", "new", List.of(x), 1);
        Node user = g.addNode("Neg", "user", List.of(old.output(0)), 1);
        OutDataAnchor cond = g.addInput("cond", TensorDesc.of(DataType.BOOL));
        Node iff = g.addNode("If", "if", List.of(cond), 1);
        Graph then = Graph.newSubgraph("then", g);
        Node inner = then.addNode("Sqrt", "inner", List.of(old.output(0)), 1);
        then.addOutput("t", inner.output(0));
        Graph els = Graph.newSubgraph("else", g);
        Node nested = els.addNode("If", "nested", List.of(cond), 1);
        Graph deep = Graph.newSubgraph("deep", els);
        deep.addOutput("d", old.output(0));
        nested.setAttr("then_branch", Attr.of(deep));
        els.addOutput("e", old.output(0));
        iff.setAttr("then_branch", Attr.of(then)).setAttr("else_branch", Attr.of(els));
        g.addOutput("y", old.output(0));
        g.addOutput("z", user.output(0));

        g.replaceAllUses(old.output(0), neu.output(0));

        assertThat(old.output(0).peers()).isEmpty();
        assertThat(old.output(0).isUsed()).isFalse();
        assertThat(user.inputValue(0)).isSameAs(neu.output(0));
        assertThat(inner.inputValue(0)).isSameAs(neu.output(0));
        assertThat(g.outputs().get(0).value()).isSameAs(neu.output(0));
        assertThat(g.outputs().get(0).name()).isEqualTo("y");
        assertThat(els.outputs().get(0).value()).isSameAs(neu.output(0));
        assertThat(deep.outputs().get(0).value()).isSameAs(neu.output(0));
        assertValid(g);
        g.removeNode(old);
        assertValid(g);
    }

    @Test
    void replaceAllUsesWithItselfChangesNothing() {
        Graph g = new Graph("main");
        OutDataAnchor x = g.addInput("x", F2);
        Node a = g.addNode("Relu", "a", List.of(x), 1);
        g.replaceAllUses(x, x);
        assertThat(a.inputValue(0)).isSameAs(x);
    }

    // ---------------------------------------------------------------- control edges

    @Test
    void controlEdgesAreSymmetricAndIdempotent() {
        Graph g = new Graph("main");
        Node a = g.addNode("Print", "a", List.of(), 0);
        Node b = g.addNode("Print", "b", List.of(), 0);
        g.addControlEdge(a, b);
        g.addControlEdge(a, b);
        assertThat(a.controlOut().peers()).containsExactly(b.controlIn());
        assertThat(b.controlIn().peers()).containsExactly(a.controlOut());
        assertThat(a.controlOut().isIn()).isFalse();
        assertValid(g);
        g.removeControlEdge(a, b);
        assertThat(a.controlOut().peers()).isEmpty();
        assertThat(b.controlIn().peers()).isEmpty();
        assertValid(g);
    }

    // ---------------------------------------------------------------- order

    @Test
    void topologicalOrderIsStableAndRespectsAllEdgeKinds() {
        Graph g = new Graph("main");
        OutDataAnchor x = g.addInput("x", F2);
        Node d = g.addNode("Neg", "d", Arrays.asList((OutDataAnchor) null), 1); // wired later to c
        Node a = g.addNode("Relu", "a", List.of(x), 1);
        Node b = g.addNode("Relu", "b", List.of(x), 1);
        Node c = g.addNode("Add", "c", List.of(a.output(0), b.output(0)), 1);
        d.input(0).connect(c.output(0));
        Node e = g.addNode("Print", "e", List.of(), 0);
        g.addControlEdge(b, e); // e waits for b though inserted later than nothing else
        OutDataAnchor cond = g.addInput("cond", TensorDesc.of(DataType.BOOL));
        Node iff = g.addNode("If", "if", List.of(cond), 1);
        Node f = g.addNode("Relu", "f", List.of(x), 1); // inserted after the If that captures it
        Graph then = Graph.newSubgraph("then", g);
        Node in = then.addNode("Identity", "in", List.of(f.output(0)), 1);
        then.addOutput(in.output(0));
        iff.setAttr("then_branch", Attr.of(then));
        assertThat(g.topologicalOrder()).extracting(Node::name).containsExactly("x", "a", "b", "c", "d", "e", "cond", "f", "if");
        // the same graph asked twice gives the same order
        assertThat(g.topologicalOrder()).isEqualTo(g.topologicalOrder());
    }

    @Test
    void topologicalOrderNamesTheNodesOfACycle() {
        Graph g = new Graph("main");
        OutDataAnchor x = g.addInput("x", F2);
        Node a = g.addNode("Add", "a", Arrays.asList(x, null), 1);
        Node b = g.addNode("Relu", "b", List.of(a.output(0)), 1);
        a.input(1).connect(b.output(0));
        assertThatThrownBy(g::topologicalOrder).isInstanceOf(Ge4jException.class)
                .hasMessage("graph 'main' has a cycle: node 'a' (Add) -[output 0 -> input 0]-> node 'b' (Relu) -[output 0 -> input 1]-> node 'a' (Add)");
    }

    @Test
    void selfLoopsAreCycles() {
        Graph g = new Graph("main");
        Node a = g.addNode("Add", "a", Arrays.asList((OutDataAnchor) null), 1);
        a.input(0).connect(a.output(0));
        assertThatThrownBy(g::topologicalOrder).isInstanceOf(Ge4jException.class)
                .hasMessage("graph 'main' has a cycle: node 'a' (Add) -[output 0 -> input 0]-> node 'a' (Add)");
        Graph h = new Graph("h");
        OutDataAnchor cond = h.addInput("cond", TensorDesc.of(DataType.BOOL));
        Node iff = h.addNode("If", "if", List.of(cond), 1);
        Graph then = Graph.newSubgraph("then", h);
        then.addOutput("t", iff.output(0)); // the branch returns the If's own result
        iff.setAttr("then_branch", Attr.of(then));
        assertThatThrownBy(h::topologicalOrder).isInstanceOf(Ge4jException.class)
                .hasMessageContaining("node 'if' (If) -[output 0 read in subgraph 'then']-> node 'if' (If)");
    }

    @Test
    void controlCycleIsReportedByTopologicalOrder() {
        Graph g = new Graph("main");
        Node a = g.addNode("Print", "a", List.of(), 0);
        Node b = g.addNode("Print", "b", List.of(), 0);
        g.addControlEdge(a, b);
        g.addControlEdge(b, a);
        assertThatThrownBy(g::topologicalOrder).hasMessageContaining("node 'a' (Print) -[control edge]-> node 'b' (Print) -[control edge]-> node 'a' (Print)");
    }

    @Test
    void allNodesIncludesSubgraphs() {
        Graph g = new Graph("main");
        OutDataAnchor cond = g.addInput("cond", TensorDesc.of(DataType.BOOL));
        Node iff = g.addNode("If", "if", List.of(cond), 1);
        Graph then = Graph.newSubgraph("then", g);
        Node in = then.addNode("Constant", "k", List.of(), 1);
        then.addOutput(in.output(0));
        iff.setAttr("then_branch", Attr.of(then));
        assertThat(g.allNodes()).extracting(Node::name).containsExactly("cond", "if", "k");
        assertThat(then.parentNode()).isSameAs(iff);
        assertThat(then.enclosingGraph()).isSameAs(g);
        assertThat(then.root()).isSameAs(g);
        assertThat(then.isRoot()).isFalse();
        assertThat(iff.subgraphs()).containsExactly(then);
    }

    // ---------------------------------------------------------------- names

    @Test
    void claimNameIsUniqueAcrossTheModel() {
        Graph g = new Graph("main");
        assertThat(g.claimName("v")).isEqualTo("v");
        assertThat(g.claimName("v")).isEqualTo("v_1");
        assertThat(g.claimName("v")).isEqualTo("v_2");
        Graph sub = Graph.newSubgraph("sub", g);
        assertThat(sub.claimName("v")).isEqualTo("v_3");
        assertThat(g.isNameTaken("v_3")).isTrue();
        assertThat(sub.isNameTaken("w")).isFalse();
        Node n = g.addNode("Relu", "n", List.of(), 0);
        assertThat(n.addOutput("v", null).name()).isEqualTo("v_4");
        assertThat(n.addOutput(null, null).name()).isEqualTo("n_out1");
    }

    @Test
    void setNameRecordsTheNewName() {
        Graph g = new Graph("main");
        Node n = g.addNode("Relu", "n", List.of(), 1);
        n.output(0).setName("chosen");
        assertThat(g.isNameTaken("chosen")).isTrue();
        assertThat(g.claimName("chosen")).isEqualTo("chosen_1");
    }

    @Test
    void attachingAStandaloneGraphMergesItsNamesOpsetsAndIds() {
        Graph g = new Graph("main");
        g.setOpset("", 17);
        OutDataAnchor cond = g.addInput("cond", TensorDesc.of(DataType.BOOL));
        Graph body = new Graph("body"); // built on its own, as a parser might
        body.setOpset("com.acme", 2);
        Node k = body.addNode("Constant", "k", List.of(), 1);
        body.addOutput(k.output(0));
        Node iff = g.addNode("If", "if", List.of(cond), 1);
        iff.setAttr("then_branch", Attr.of(body));
        assertThat(g.isNameTaken("k_out0")).isTrue();
        assertThat(g.claimName("k_out0")).isNotEqualTo("k_out0");
        assertThat(g.opset("com.acme")).isEqualTo(2);
        assertThat(body.opset("")).isEqualTo(17);
        Node later = body.addNode("Relu", "later", List.of(k.output(0)), 1);
        assertThat(body.topologicalOrder()).containsExactly(k, later);
        assertValid(g);
    }

    @Test
    void opsetsLiveAtTheRoot() {
        Graph g = new Graph("main");
        Graph sub = Graph.newSubgraph("sub", g);
        sub.setOpset("ai.onnx", 13);
        assertThat(g.opset("")).isEqualTo(13);
        assertThat(g.opset("ai.onnx")).isEqualTo(13);
        assertThat(g.opset("com.none")).isEqualTo(-1);
        assertThat(sub.opsetImports()).containsEntry("", 13);
    }

    // ---------------------------------------------------------------- captures

    @Test
    void capturedValuesIncludeNestedReadsAndSubgraphOutputs() {
        Graph g = new Graph("main");
        OutDataAnchor x = g.addInput("x", F2);
        OutDataAnchor y = g.addInput("y", F2);
        OutDataAnchor z = g.addInput("z", F2);
        OutDataAnchor cond = g.addInput("cond", TensorDesc.of(DataType.BOOL));
        Node loop = g.addNode("Loop", "loop", List.of(), 1);
        Graph body = Graph.newSubgraph("body", g);
        OutDataAnchor i = body.addInput("i", TensorDesc.of(DataType.INT64));
        Node local = body.addNode("Relu", "local", List.of(x), 1); // direct read of %x
        Node iff = body.addNode("If", "if", List.of(cond), 1);
        Graph then = Graph.newSubgraph("then", body);
        Node deep = then.addNode("Add", "deep", List.of(y, local.output(0)), 1); // %y from the root, %local from the body
        then.addOutput(deep.output(0));
        Graph els = Graph.newSubgraph("else", body);
        els.addOutput("e", z); // output straight from the root
        iff.setAttr("then_branch", Attr.of(then)).setAttr("else_branch", Attr.of(els));
        body.addOutput(iff.output(0));
        body.addOutput(i);
        loop.setAttr("body", Attr.of(body));
        assertThat(loop.capturedValues()).containsExactly(x, cond, y, z);
        assertThat(iff.capturedValues()).containsExactly(y, local.output(0), z);
        assertThat(local.capturedValues()).isEmpty();
        assertValid(g);
    }
}
