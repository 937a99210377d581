package org.ge4j.ops;

import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;

/** What a kernel sees while it runs one node: input values, attributes (with defaults) and output slots. */
public final class KernelContext {
    /** Runs a subgraph (If/Loop/Scan body) on inputs; the caller owns the returned values. */
    public interface SubgraphRunner {
        List<Value> run(Graph subgraph, List<? extends Value> inputs);
    }

    private final Node node;
    private final OpSchema schema;
    private final Attrs attrs;
    private final Value[] inputs;
    private final Value[] outputs;
    private final SubgraphRunner runner;
    private final int opset;

    public KernelContext(Node node, OpSchema schema, Value[] inputs, SubgraphRunner runner) {
        this.node = node;
        this.schema = schema;
        this.attrs = new Attrs(node, schema);
        this.inputs = inputs;
        this.outputs = new Value[node.outputCount()];
        this.runner = runner;
        int v = node.graph() == null ? -1 : node.graph().opset(node.domain());
        this.opset = v < 0 && schema != null ? schema.sinceVersion() : v;
    }

    public Node node() { return node; }

    public OpSchema schema() { return schema; }

    public Attrs attrs() { return attrs; }

    public int opset() { return opset; }

    public int inputCount() { return inputs.length; }

    public int outputCount() { return outputs.length; }

    public boolean hasInput(int i) { return i < inputs.length && inputs[i] != null; }

    /** Input {@code i}, or null when absent. */
    public Value value(int i) { return i < inputs.length ? inputs[i] : null; }

    /** Input {@code i} as a tensor, or null when absent; fails if it is not a tensor. */
    public Tensor input(int i) {
        Value v = value(i);
        if (v == null) return null;
        if (v instanceof Tensor t) return t;
        throw fail("input " + i + " must be a tensor, got a " + v.kind());
    }

    /** Input {@code i} as a tensor; fails naming the port if absent. */
    public Tensor requireInput(int i) {
        Tensor t = input(i);
        if (t == null) throw fail("input " + i + portName(i) + " is required but absent");
        return t;
    }

    /** True when output {@code i} is wanted (the node has that output anchor). */
    public boolean wantsOutput(int i) { return i < outputs.length; }

    /** Allocates output {@code i} (zero-filled) and returns it. */
    public Tensor allocateOutput(int i, DataType dtype, long... shape) {
        Tensor t = Tensor.allocate(dtype, shape);
        setOutput(i, t);
        return t;
    }

    /** Sets output {@code i}; ignored (and closed) when the node does not have that output. */
    public void setOutput(int i, Value v) {
        if (i >= outputs.length) {
            if (v != null) v.close();
            return;
        }
        if (outputs[i] != null && outputs[i] != v) outputs[i].close();
        outputs[i] = v;
    }

    public Value output(int i) { return outputs[i]; }

    /** The outputs as set (null entries: not produced). */
    public Value[] outputs() { return outputs; }

    public List<Value> runSubgraph(Graph g, List<? extends Value> subInputs) {
        if (runner == null) throw fail("cannot run subgraphs here");
        return runner.run(g, subInputs);
    }

    public String portName(int i) {
        OpSchema.Param p = schema == null ? null : schema.inputParam(i);
        return p == null ? "" : " ('" + p.name() + "')";
    }

    /** An error naming the node; throw it. */
    public OpException fail(String message) { return new OpException(node, message); }
}
