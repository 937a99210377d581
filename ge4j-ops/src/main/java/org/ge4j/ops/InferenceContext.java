package org.ge4j.ops;

import java.util.List;
import java.util.function.Function;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;

/** What shape inference sees of one node; results are collected with {@link #setOutput}. */
public final class InferenceContext {
    /** Infers a subgraph's output descriptions given its input descriptions. */
    public interface SubgraphInferrer {
        List<TensorDesc> infer(Graph subgraph, List<TensorDesc> inputs);
    }

    private final Node node;
    private final OpSchema schema;
    private final Attrs attrs;
    private final Function<OutDataAnchor, Tensor> constants;
    private final SubgraphInferrer subgraphs;
    private final TensorDesc[] results;

    public InferenceContext(Node node, OpSchema schema, Function<OutDataAnchor, Tensor> constants, SubgraphInferrer subgraphs) {
        this.node = node;
        this.schema = schema;
        this.attrs = new Attrs(node, schema);
        this.constants = constants;
        this.subgraphs = subgraphs;
        this.results = new TensorDesc[node.outputCount()];
    }

    public Node node() { return node; }

    public OpSchema schema() { return schema; }

    public Attrs attrs() { return attrs; }

    /** The opset version the node was resolved at. */
    public int opset() {
        int v = node.graph() == null ? -1 : node.graph().opset(node.domain());
        return v < 0 ? schema.sinceVersion() : v;
    }

    public int inputCount() { return node.inputCount(); }

    public int outputCount() { return node.outputCount(); }

    public boolean hasInput(int i) { return node.inputValue(i) != null; }

    /** The description of input {@code i}, or null when absent. */
    public TensorDesc input(int i) {
        OutDataAnchor a = node.inputValue(i);
        return a == null ? null : a.desc();
    }

    /** Input {@code i}'s description; fails naming the port if absent or of unknown type. */
    public TensorDesc requireInput(int i) {
        TensorDesc d = input(i);
        if (d == null) throw fail("input " + i + portName(i) + " is required but absent");
        return d;
    }

    public DataType inputType(int i) { return requireInput(i).dtype(); }

    public Shape inputShape(int i) { return requireInput(i).shape(); }

    /** The value of input {@code i} when it is known at compile time (a constant), else null. */
    public Tensor constantInput(int i) {
        OutDataAnchor a = node.inputValue(i);
        return a == null || constants == null ? null : constants.apply(a);
    }

    public void setOutput(int i, TensorDesc d) {
        if (i < results.length) results[i] = d;
    }

    public void setOutput(int i, DataType t, Shape s) { setOutput(i, new TensorDesc(t, s)); }

    /** The collected results (null entries: not inferred). */
    public TensorDesc[] results() { return results.clone(); }

    public List<TensorDesc> inferSubgraph(Graph g, List<TensorDesc> inputs) {
        if (subgraphs == null) throw fail("subgraph inference is not available here");
        return subgraphs.infer(g, inputs);
    }

    public String portName(int i) {
        OpSchema.Param p = schema == null ? null : schema.inputParam(i);
        return p == null ? "" : " ('" + p.name() + "')";
    }

    /** An error naming the node; throw it. */
    public OpException fail(String message) { return new OpException(node, message); }
}
