package org.ge4j.parser.onnx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.parser.onnx.proto.NodeProto;

/**
 * One ONNX node as a {@link OnnxOpMapper} sees it: its inputs already resolved to IR values (null for
 * absent optional inputs), its attributes converted to {@link Attr}s (subgraphs already built), its output
 * names, and the graph to add IR nodes to.
 */
public final class OnnxMapping {
    private final Graph graph;
    private final NodeProto proto;
    private final String domain;
    private final int opset;
    private final List<OutDataAnchor> inputs;
    private final Map<String, Attr> attrs;
    private final String source;

    OnnxMapping(Graph graph, NodeProto proto, String domain, int opset, List<OutDataAnchor> inputs, Map<String, Attr> attrs, String source) {
        this.graph = graph;
        this.proto = proto;
        this.domain = domain;
        this.opset = opset;
        this.inputs = Collections.unmodifiableList(new ArrayList<>(inputs));
        this.attrs = Collections.unmodifiableMap(attrs);
        this.source = source;
    }

    /** The graph (root or subgraph) the node belongs to. */
    public Graph graph() { return graph; }

    /** The ONNX node as read from the model. */
    public NodeProto proto() { return proto; }

    /** The node's name (may be empty in ONNX). */
    public String name() { return proto.getName(); }

    /** The node's domain, "" for the ONNX default domain. */
    public String domain() { return domain; }

    public String opType() { return proto.getOpType(); }

    /** The opset version imported for the node's domain. */
    public int opset() { return opset; }

    /** The input values, null entries for absent optional inputs. */
    public List<OutDataAnchor> inputs() { return inputs; }

    /** Input {@code i}, or null when absent or beyond the node's inputs. */
    public OutDataAnchor input(int i) { return i < inputs.size() ? inputs.get(i) : null; }

    public Map<String, Attr> attrs() { return attrs; }

    public Attr attr(String name) { return attrs.get(name); }

    public int outputCount() { return proto.getOutputCount(); }

    /** The ONNX name of output {@code i} ("" for an unused optional output). */
    public String outputName(int i) { return proto.getOutput(i); }

    /** Adds an empty IR node to the graph (connect inputs with {@link Node#addInput}, outputs with {@link Node#addOutput}). */
    public Node addNode(String domain, String type, String name) { return graph.addNode(domain, type, name, 0); }

    /**
     * Adds the node as the parser would without a mapper (same domain, type, attributes, inputs; outputs
     * named as in ONNX) and returns its outputs: for mappers that only rewrite some nodes.
     */
    public List<OutDataAnchor> mapDefault() { return mapAs(domain, proto.getOpType(), attrs); }

    /** Adds one node of another (domain, type) with the given attributes, the same inputs and outputs. */
    public List<OutDataAnchor> mapAs(String newDomain, String newType, Map<String, Attr> newAttrs) {
        Node n = graph.addNode(newDomain, newType, proto.getName(), 0);
        for (OutDataAnchor in : inputs) n.addInput(in);
        for (Map.Entry<String, Attr> e : newAttrs.entrySet()) n.setAttr(e.getKey(), e.getValue());
        List<OutDataAnchor> outs = new ArrayList<>();
        for (String o : proto.getOutputList()) outs.add(n.addOutput(o.isEmpty() ? null : o, null));
        return outs;
    }

    /** An error naming the model and this node; throw it. */
    public OnnxParseException fail(String message) {
        return new OnnxParseException(source, describe() + ": " + message);
    }

    /** For messages: {@code node 'n1' (com.acme::MyOp)}. */
    public String describe() {
        return "node '" + proto.getName() + "' (" + (domain.isEmpty() ? "" : domain + "::") + proto.getOpType() + ")";
    }
}
