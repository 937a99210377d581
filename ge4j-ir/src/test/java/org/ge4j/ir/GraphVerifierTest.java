package org.ge4j.ir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphVerifierTest {
    private static final TensorDesc F23 = TensorDesc.of(DataType.FLOAT, 2, 3);

    /** main: x -> relu1 -> neg1 -> y, plus a two-input add1(x, relu) consumed by nobody. */
    private static final class Fixture {
        final Graph g = new Graph("main");
        final OutDataAnchor x;
        final Node relu;
        final Node neg;
        final Node add;

        Fixture() {
            g.setOpset("", 17);
            x = g.addInput("x", F23);
            relu = g.addNode("Relu", "relu1", List.of(x), 1);
            relu.output(0).setDesc(F23);
            neg = g.addNode("Neg", "neg1", List.of(relu.output(0)), 1);
            add = g.addNode("Add", "add1", List.of(x, relu.output(0)), 1);
            g.addOutput("y", neg.output(0));
        }
    }

    /** Asserts one reported problem contains every fragment. */
    private static void assertProblem(Graph g, String... fragments) {
        List<String> problems = GraphVerifier.check(g);
        assertThat(problems).as("problems of %s", g).anySatisfy(p -> {
            for (String f : fragments) assertThat(p).contains(f);
        });
    }

    /** A well-formed If whose then branch reads %x from the enclosing graph. */
    private static Node addIf(Graph g, OutDataAnchor cond, OutDataAnchor captured, String name) {
        Node iff = g.addNode("If", name, List.of(cond), 1);
        Graph then = Graph.newSubgraph("then", g);
        Node id = then.addNode("Identity", name + "_t", List.of(captured), 1);
        then.addOutput("t", id.output(0));
        Graph els = Graph.newSubgraph("else", g);
        Node c = els.addNode("Neg", name + "_e", List.of(captured), 1);
        els.addOutput("e", c.output(0));
        iff.setAttr("then_branch", Attr.of(then));
        iff.setAttr("else_branch", Attr.of(els));
        return iff;
    }

    @Test
    void wellFormedGraphsHaveNoProblems() {
        Fixture f = new Fixture();
        OutDataAnchor cond = f.g.addInput("cond", TensorDesc.of(DataType.BOOL));
        Node iff = addIf(f.g, cond, f.relu.output(0), "if1");
        f.g.addOutput("z", iff.output(0));
        f.g.addControlEdge(f.neg, f.add);
        assertThat(GraphVerifier.check(f.g)).isEmpty();
        GraphVerifier.verify(f.g);
    }

    @Test
    void dataCycleNamesNodesAndPorts() {
        Fixture f = new Fixture();
        f.relu.input(0).connect(f.neg.output(0));
        assertProblem(f.g, "graph 'main'", "cycle", "node 'relu1' (Relu) -[output 0 -> input 0]-> node 'neg1' (Neg)",
                "node 'neg1' (Neg) -[output 0 -> input 0]-> node 'relu1' (Relu)");
    }

    @Test
    void selfLoopIsACycle() {
        Fixture f = new Fixture();
        f.add.input(1).connect(f.add.output(0));
        assertProblem(f.g, "graph 'main'", "cycle", "node 'add1' (Add) -[output 0 -> input 1]-> node 'add1' (Add)");
    }

    @Test
    void controlCycleIsReported() {
        Fixture f = new Fixture();
        f.g.addControlEdge(f.neg, f.relu);
        assertProblem(f.g, "graph 'main'", "cycle", "node 'neg1' (Neg) -[control edge]-> node 'relu1' (Relu)");
    }

    @Test
    void captureCycleIsReported() {
        Fixture f = new Fixture();
        OutDataAnchor cond = f.g.addInput("cond", TensorDesc.of(DataType.BOOL));
        Node iff = addIf(f.g, cond, f.x, "if1");
        // the then branch reads neg1, which itself consumes the If's output
        f.neg.input(0).connect(iff.output(0));
        Graph then = iff.attrGraph("then_branch");
        then.nodes().iterator().next().input(0).connect(f.neg.output(0));
        assertProblem(f.g, "graph 'main'", "cycle", "node 'neg1' (Neg) -[output 0 read in subgraph 'then']-> node 'if1' (If)");
    }

    @Test
    void producerMissingTheConsumerIsReported() {
        Fixture f = new Fixture();
        f.relu.output(0).peers.remove(f.neg.input(0));
        assertProblem(f.g, "graph 'main'", "node 'neg1' (Neg) input 0", "%relu1_out0", "does not list it among its consumers");
    }

    @Test
    void consumerReadingSomethingElseIsReported() {
        Fixture f = new Fixture();
        f.relu.output(0).peers.add(f.add.input(0)); // add1 input 0 reads %x
        assertProblem(f.g, "graph 'main'", "node 'relu1' (Relu) output 0", "lists consumer node 'add1' (Add) input 0", "reads %x");
    }

    @Test
    void consumerListedTwiceIsReported() {
        Fixture f = new Fixture();
        f.relu.output(0).peers.add(f.neg.input(0));
        assertProblem(f.g, "node 'relu1' (Relu) output 0", "lists consumer node 'neg1' (Neg) input 0 twice");
    }

    @Test
    void anchorWithWrongIndexIsReported() {
        Fixture f = new Fixture();
        Collections.swap(f.add.rawInputs(), 0, 1);
        assertProblem(f.g, "graph 'main'", "node 'add1' (Add) input 0", "claims to be node 'add1' (Add) input 1");
    }

    @Test
    void outputAnchorOfAnotherNodeIsReported() {
        Fixture f = new Fixture();
        f.add.rawOutputs().add(f.relu.output(0));
        assertProblem(f.g, "graph 'main'", "node 'add1' (Add) output 1", "claims to be node 'relu1' (Relu) output 0");
    }

    @Test
    void oneSidedControlEdgeIsReported() {
        Fixture f = new Fixture();
        f.relu.controlOut().peers.add(f.add.controlIn());
        assertProblem(f.g, "graph 'main'", "node 'relu1' (Relu) control-out", "lists node 'add1' (Add) as successor", "does not list this node");
        Fixture h = new Fixture();
        h.add.controlIn().peers.add(h.relu.controlOut());
        assertProblem(h.g, "graph 'main'", "node 'add1' (Add) control-in", "lists node 'relu1' (Relu) as predecessor");
    }

    @Test
    void controlEdgeToAnInAnchorIsReported() {
        Fixture f = new Fixture();
        f.add.controlIn().peers.add(f.relu.controlIn());
        assertProblem(f.g, "node 'add1' (Add) control-in", "is connected to node 'relu1' (Relu) control-in, another in-anchor");
    }

    @Test
    void controlEdgeAcrossGraphsIsReported() {
        Fixture f = new Fixture();
        OutDataAnchor cond = f.g.addInput("cond", TensorDesc.of(DataType.BOOL));
        Node iff = addIf(f.g, cond, f.x, "if1");
        Node inner = iff.attrGraph("then_branch").findNode("if1_t");
        f.g.addControlEdge(f.relu, inner);
        assertProblem(f.g, "graph 'then' (attribute 'then_branch' of node 'if1' (If))", "node 'if1_t' (Identity) control-in",
                "comes from node 'relu1' (Relu) in graph 'main'", "must stay within one graph");
    }

    @Test
    void controlEdgeFromRemovedNodeIsReported() {
        Fixture f = new Fixture();
        f.g.addControlEdge(f.add, f.neg);
        f.g.rawNodes().remove(f.add);
        assertProblem(f.g, "node 'neg1' (Neg) control-in", "comes from node 'add1' (Add), a node that was removed");
    }

    @Test
    void inputFromRemovedNodeIsReported() {
        Fixture f = new Fixture();
        f.g.removeNode(f.add);
        Node late = f.g.addNode("Abs", "abs1", List.of(f.add.output(0)), 1);
        assertThat(late.inputValue(0)).isSameAs(f.add.output(0));
        assertProblem(f.g, "graph 'main'", "node 'abs1' (Abs) input 0", "%add1_out0", "removed from its graph");
    }

    @Test
    void consumerRemovedWithoutDisconnectingIsReported() {
        Fixture f = new Fixture();
        f.g.rawNodes().remove(f.add);
        assertProblem(f.g, "graph 'main'", "node 'relu1' (Relu) output 0", "is read by node 'add1' (Add) input 1", "removed from its graph");
    }

    @Test
    void inputFromUnrelatedGraphIsReported() {
        Fixture f = new Fixture();
        Graph other = new Graph("other");
        OutDataAnchor v = other.addInput("v", F23);
        f.add.input(1).connect(v);
        assertProblem(f.g, "graph 'main'", "node 'add1' (Add) input 1", "%v", "lives in graph 'other'", "same graph or an enclosing one");
    }

    @Test
    void outerGraphReadingASubgraphValueIsReported() {
        Fixture f = new Fixture();
        OutDataAnchor cond = f.g.addInput("cond", TensorDesc.of(DataType.BOOL));
        Node iff = addIf(f.g, cond, f.x, "if1");
        OutDataAnchor inner = iff.attrGraph("then_branch").findNode("if1_t").output(0);
        f.add.input(1).connect(inner);
        assertProblem(f.g, "graph 'main'", "node 'add1' (Add) input 1", "lives in graph 'then'");
        assertProblem(f.g, "node 'if1_t' (Identity) output 0", "is read by node 'add1' (Add) input 1 in graph 'main'", "not nested in this graph");
    }

    @Test
    void nodeBelongingToAnotherGraphIsReported() {
        Fixture f = new Fixture();
        Graph other = new Graph("other");
        Node stranger = other.addNode("Relu", "stranger", List.of(), 0);
        f.g.rawNodes().add(stranger);
        assertProblem(f.g, "graph 'main'", "node 'stranger' (Relu) is listed in the graph but belongs to graph 'other'");
    }

    @Test
    void graphOutputFromUnrelatedGraphIsReported() {
        Fixture f = new Fixture();
        Graph other = new Graph("other");
        f.g.addOutput("z", other.addInput("v", F23));
        assertProblem(f.g, "graph 'main'", "output 1 ('z')", "%v (node 'v' (ge4j::Data) output 0)", "lives in graph 'other'");
    }

    @Test
    void graphOutputFromRemovedNodeIsReported() {
        Fixture f = new Fixture();
        f.g.removeNode(f.add);
        f.g.addOutput("gone", f.add.output(0));
        assertProblem(f.g, "graph 'main'", "output 1 ('gone')", "node 'add1' (Add) output 0", "removed from its graph");
    }

    @Test
    void graphOutputBoundToNothingOrRepeatedIsReported() {
        Fixture f = new Fixture();
        f.g.addOutput("y", f.relu.output(0));
        f.g.rawSetOutput(0, null);
        assertProblem(f.g, "graph 'main'", "output 0 ('y') is bound to no value");
        assertProblem(f.g, "graph 'main'", "output 1 ('y') repeats the name");
    }

    @Test
    void subgraphOutputMayComeFromEnclosingGraph() {
        Fixture f = new Fixture();
        OutDataAnchor cond = f.g.addInput("cond", TensorDesc.of(DataType.BOOL));
        Node iff = f.g.addNode("If", "if1", List.of(cond), 1);
        Graph then = Graph.newSubgraph("then", f.g);
        then.addOutput("t", f.relu.output(0));
        Graph els = Graph.newSubgraph("else", f.g);
        els.addOutput("e", f.x);
        iff.setAttr("then_branch", Attr.of(then)).setAttr("else_branch", Attr.of(els));
        assertThat(GraphVerifier.check(f.g)).isEmpty();
    }

    @Test
    void duplicateValueNamesAreReported() {
        Fixture f = new Fixture();
        f.relu.output(0).setName("x");
        assertProblem(f.g, "graph 'main'", "node 'relu1' (Relu) output 0", "value name %x is also produced by node 'x' (ge4j::Data) output 0");
    }

    @Test
    void duplicateValueNamesAcrossSubgraphsAreReported() {
        Fixture f = new Fixture();
        OutDataAnchor cond = f.g.addInput("cond", TensorDesc.of(DataType.BOOL));
        Node iff = addIf(f.g, cond, f.x, "if1");
        iff.attrGraph("else_branch").findNode("if1_e").output(0).setName("relu1_out0");
        assertProblem(f.g, "graph 'else' (attribute 'else_branch' of node 'if1' (If))", "node 'if1_e' (Neg) output 0",
                "%relu1_out0 is also produced by node 'relu1' (Relu) output 0");
    }

    @Test
    void unrecordedValueNameIsReported() {
        Fixture f = new Fixture();
        f.add.rawOutputs().add(new OutDataAnchor(f.add, 1, "ghost"));
        assertProblem(f.g, "graph 'main'", "node 'add1' (Add) output 1", "%ghost is not recorded in the model's name table");
    }

    @Test
    void emptyValueNameIsReported() {
        Fixture f = new Fixture();
        f.add.rawOutputs().add(new OutDataAnchor(f.add, 1, ""));
        assertProblem(f.g, "node 'add1' (Add) output 1 has an empty value name");
    }

    @Test
    void dataNodeWithInputsIsReported() {
        Fixture f = new Fixture();
        Node data = f.g.inputNodes().get(0);
        data.addInput(f.neg.output(0));
        assertProblem(f.g, "graph 'main'", "graph input 0 (node 'x' (ge4j::Data))", "has 1 data inputs");
    }

    @Test
    void dataNodeWithTwoOutputsIsReported() {
        Fixture f = new Fixture();
        f.g.inputNodes().get(0).addOutput("x2", F23);
        assertProblem(f.g, "graph input 0 (node 'x' (ge4j::Data))", "has 2 outputs; a Data node has exactly one");
    }

    @Test
    void dataNodeWithWrongIndexIsReported() {
        Fixture f = new Fixture();
        f.g.inputNodes().get(0).setAttr("index", Attr.of(3L));
        assertProblem(f.g, "graph 'main'", "graph input 0 (node 'x' (ge4j::Data))", "attribute 'index' = 3, expected 0");
    }

    @Test
    void strayDataNodeIsReported() {
        Fixture f = new Fixture();
        Node stray = f.g.addNode(Node.GE4J_DOMAIN, Node.DATA, "stray", 0);
        stray.addOutput("stray", F23);
        assertProblem(f.g, "graph 'main'", "node 'stray' (ge4j::Data) is a Data node but not one of the graph's inputs");
    }

    @Test
    void nonDataGraphInputIsReported() {
        Fixture f = new Fixture();
        f.g.rawInputNodes().add(f.relu);
        assertProblem(f.g, "graph 'main'", "graph input 1 (node 'relu1' (Relu)) is not a ge4j::Data node");
    }

    @Test
    void graphInputNotInNodeListIsReported() {
        Fixture f = new Fixture();
        Node data = f.g.inputNodes().get(0);
        f.g.rawNodes().remove(data);
        assertProblem(f.g, "graph input 0 (node 'x' (ge4j::Data)) is not a node of the graph");
    }

    @Test
    void subgraphWithWrongParentIsReported() {
        Fixture f = new Fixture();
        OutDataAnchor cond = f.g.addInput("cond", TensorDesc.of(DataType.BOOL));
        Node if1 = addIf(f.g, cond, f.x, "if1");
        Node if2 = f.g.addNode("If", "if2", List.of(cond), 1);
        if2.setAttr("then_branch", Attr.of(if1.attrGraph("then_branch"))); // now owned by if2 too
        assertProblem(f.g, "graph 'main'", "node 'if1' (If) attribute 'then_branch'", "subgraph 'then' names node 'if2' (If) as its parent, expected this node");
        assertProblem(f.g, "node 'if2' (If) attribute 'then_branch'", "subgraph 'then' is attached more than once");
    }

    @Test
    void graphNestedInItselfIsReported() {
        Fixture f = new Fixture();
        Graph loopy = Graph.newSubgraph("loopy", f.g);
        Node inner = loopy.addNode("Loop", "inner", List.of(), 0);
        Node outer = f.g.addNode("Loop", "outer", List.of(), 0);
        outer.setAttr("body", Attr.of(loopy));
        assertThatThrownBy(() -> inner.setAttr("body", Attr.of(loopy)))
                .isInstanceOf(Ge4jException.class)
                .hasMessage("cannot attach graph 'loopy' to node 'inner' (Loop): the node is inside that graph");
        inner.rawPutAttr("body", Attr.of(loopy));
        List<String> problems = GraphVerifier.check(f.g);
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("node 'inner' (Loop) attribute 'body'", "is one of its own enclosing graphs"));
    }

    @Test
    void layoutOnWrongRankIsReported() {
        Fixture f = new Fixture();
        f.relu.output(0).setDesc(new TensorDesc(DataType.FLOAT, Shape.of(2, 3), Format.NCHW, ValueKind.TENSOR));
        assertProblem(f.g, "graph 'main'", "node 'relu1' (Relu) output 0", "format NCHW but rank 2, expected rank 4");
    }

    @Test
    void blockedLayoutWithWrongBlockIsReported() {
        Fixture f = new Fixture();
        f.relu.output(0).setDesc(new TensorDesc(DataType.FLOAT, Shape.of(1, 2, 4, 4, 4), Format.NCHWc8, ValueKind.TENSOR));
        assertProblem(f.g, "node 'relu1' (Relu) output 0", "last (block) dimension is 4, expected 8");
    }

    @Test
    void layoutOnSequenceOrStringIsReported() {
        Fixture f = new Fixture();
        f.relu.output(0).setDesc(new TensorDesc(DataType.FLOAT, Shape.of(1, 2, 4, 4), Format.NHWC, ValueKind.SEQUENCE));
        f.neg.output(0).setDesc(new TensorDesc(DataType.STRING, Shape.of(1, 2, 4, 4), Format.NHWC, ValueKind.TENSOR));
        assertProblem(f.g, "node 'relu1' (Relu) output 0", "only tensors have a layout (this is a SEQUENCE)");
        assertProblem(f.g, "node 'neg1' (Neg) output 0", "string tensors have no layout");
    }

    @Test
    void mapFromANonMlOpIsReported() {
        Fixture f = new Fixture();
        f.relu.output(0).setDesc(TensorDesc.of(DataType.INT64, Shape.UNKNOWN_RANK).withKind(ValueKind.MAP));
        assertProblem(f.g, "node 'relu1' (Relu) output 0", "is a map");
        // sequences, optionals and unknown descriptions are fine anywhere
        Fixture h = new Fixture();
        h.relu.output(0).setDesc(TensorDesc.of(DataType.FLOAT, Shape.UNKNOWN_RANK).withKind(ValueKind.SEQUENCE));
        h.neg.output(0).setDesc(TensorDesc.UNKNOWN);
        assertThat(GraphVerifier.check(h.g)).isEmpty();
    }

    @Test
    void nodeCheckerProblemsArePrefixedWithGraphAndNode() {
        Fixture f = new Fixture();
        f.add.input(1).disconnect();
        NodeChecker checker = (node, problems) -> {
            if (node.type().equals("Add"))
                for (int i = 0; i < node.inputCount(); i++)
                    if (!node.input(i).isConnected()) problems.accept("input " + i + " ('B') is required but not connected");
        };
        assertThat(GraphVerifier.check(f.g)).isEmpty();
        List<String> problems = GraphVerifier.check(f.g, checker);
        assertThat(problems).containsExactly("graph 'main': node 'add1' (Add): input 1 ('B') is required but not connected");
    }

    @Test
    void nodeCheckerExceptionsBecomeProblems() {
        Fixture f = new Fixture();
        NodeChecker checker = (node, problems) -> {
            if (node.type().equals("Neg")) throw new Ge4jException(node.describe() + ": input 0 has type f32, expected one of [i32]");
        };
        assertThat(GraphVerifier.check(f.g, checker)).containsExactly("graph 'main': node 'neg1' (Neg): input 0 has type f32, expected one of [i32]");
    }

    @Test
    void verifyThrowsListingEveryProblem() {
        Fixture f = new Fixture();
        f.relu.output(0).setName("x");
        f.g.inputNodes().get(0).setAttr("index", Attr.of(7L));
        assertThatThrownBy(() -> GraphVerifier.verify(f.g))
                .isInstanceOf(VerificationException.class)
                .isInstanceOf(Ge4jException.class)
                .hasMessageStartingWith("graph 'main' failed verification (2 problems)")
                .hasMessageContaining("value name %x")
                .hasMessageContaining("attribute 'index' = 7")
                .satisfies(e -> assertThat(((VerificationException) e).problems()).hasSize(2));
    }
}
