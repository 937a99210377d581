package org.ge4j.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An operation in a {@link Graph}: an op type in a domain, typed attributes, input anchors (each connected
 * to one producer or absent), output anchors (each producing one value), and one control anchor pair.
 * Subgraphs (If/Loop bodies) are held as graph attributes and owned by the node.
 */
public final class Node {
    /** The op type of graph-input placeholder nodes (domain {@link #GE4J_DOMAIN}). */
    public static final String DATA = "Data";
    /** ge4j's own domain for internal ops (Data, fused ops). */
    public static final String GE4J_DOMAIN = "ge4j";
    /** The ONNX default domain. */
    public static final String ONNX_DOMAIN = "";

    private Graph graph;
    private String name;
    private final String domain;
    private final String type;
    private final Map<String, Attr> attrs = new LinkedHashMap<>();
    private final List<InDataAnchor> inputs = new ArrayList<>();
    private final List<OutDataAnchor> outputs = new ArrayList<>();
    private final ControlAnchor controlIn = new ControlAnchor(this, true);
    private final ControlAnchor controlOut = new ControlAnchor(this, false);
    final long id;

    Node(Graph graph, long id, String domain, String type, String name) {
        this.graph = graph;
        this.id = id;
        this.domain = domain == null || domain.equals("ai.onnx") ? ONNX_DOMAIN : domain;
        this.type = Objects.requireNonNull(type, "type");
        this.name = Objects.requireNonNull(name, "name");
    }

    public Graph graph() { return graph; }

    void detach() { graph = null; }

    public String name() { return name; }

    public void setName(String name) { this.name = Objects.requireNonNull(name); }

    public String domain() { return domain; }

    public String type() { return type; }

    /** {@code Conv} for the default domain, else {@code domain::Type}. */
    public String qualifiedType() { return domain.isEmpty() ? type : domain + "::" + type; }

    /** For messages: {@code node 'conv1' (Conv)}. */
    public String describe() { return "node '" + name + "' (" + qualifiedType() + ")"; }

    public boolean isData() { return type.equals(DATA) && domain.equals(GE4J_DOMAIN); }

    // ---------------------------------------------------------------- attributes

    public Map<String, Attr> attrs() { return Collections.unmodifiableMap(attrs); }

    public Attr attr(String name) { return attrs.get(name); }

    public boolean hasAttr(String name) { return attrs.containsKey(name); }

    public Node setAttr(String name, Attr value) {
        Objects.requireNonNull(value, "attribute value");
        attrs.put(name, value);
        if (value instanceof Attr.GraphValue g) g.value().setParent(this);
        if (value instanceof Attr.Graphs gs) gs.value().forEach(g -> g.setParent(this));
        return this;
    }

    public Node removeAttr(String name) {
        attrs.remove(name);
        return this;
    }

    public long attrInt(String name, long dflt) { return attrs.get(name) instanceof Attr.Int i ? i.value() : dflt; }

    public float attrFloat(String name, float dflt) { return attrs.get(name) instanceof Attr.Float f ? f.value() : dflt; }

    public String attrString(String name, String dflt) { return attrs.get(name) instanceof Attr.Str s ? s.value() : dflt; }

    public long[] attrInts(String name, long[] dflt) { return attrs.get(name) instanceof Attr.Ints i ? i.value().clone() : dflt; }

    public float[] attrFloats(String name, float[] dflt) { return attrs.get(name) instanceof Attr.Floats f ? f.value().clone() : dflt; }

    public Tensor attrTensor(String name) { return attrs.get(name) instanceof Attr.TensorValue t ? t.value() : null; }

    public Graph attrGraph(String name) { return attrs.get(name) instanceof Attr.GraphValue g ? g.value() : null; }

    /** Subgraphs held by this node's attributes, in attribute order. */
    public List<Graph> subgraphs() {
        List<Graph> l = new ArrayList<>();
        for (Attr a : attrs.values()) {
            if (a instanceof Attr.GraphValue g) l.add(g.value());
            else if (a instanceof Attr.Graphs gs) l.addAll(gs.value());
        }
        return l;
    }

    // ---------------------------------------------------------------- anchors

    public List<InDataAnchor> inputs() { return Collections.unmodifiableList(inputs); }

    public List<OutDataAnchor> outputs() { return Collections.unmodifiableList(outputs); }

    public InDataAnchor input(int i) {
        if (i < 0 || i >= inputs.size())
            throw new Ge4jException(describe() + " has no input " + i + " (it has " + inputs.size() + ")");
        return inputs.get(i);
    }

    public OutDataAnchor output(int i) {
        if (i < 0 || i >= outputs.size())
            throw new Ge4jException(describe() + " has no output " + i + " (it has " + outputs.size() + ")");
        return outputs.get(i);
    }

    public int inputCount() { return inputs.size(); }

    public int outputCount() { return outputs.size(); }

    /** The producer of input {@code i}, or null if it is absent or out of range. */
    public OutDataAnchor inputValue(int i) { return i < inputs.size() ? inputs.get(i).peer() : null; }

    /** Appends an input anchor, connected to {@code src} (null = absent optional input). */
    public InDataAnchor addInput(OutDataAnchor src) {
        InDataAnchor a = new InDataAnchor(this, inputs.size());
        inputs.add(a);
        if (src != null) a.connect(src);
        return a;
    }

    /** Removes trailing input anchors beyond {@code count}, disconnecting them. */
    public void truncateInputs(int count) {
        while (inputs.size() > count) inputs.remove(inputs.size() - 1).disconnect();
    }

    /** Appends an output anchor producing a value named {@code valueName} (made unique if taken). */
    public OutDataAnchor addOutput(String valueName, TensorDesc desc) {
        String n = graph != null ? graph.root().claimName(valueName == null || valueName.isEmpty() ? name + "_out" + outputs.size() : valueName) : valueName;
        OutDataAnchor a = new OutDataAnchor(this, outputs.size(), n);
        if (desc != null) a.setDesc(desc);
        outputs.add(a);
        return a;
    }

    public ControlAnchor controlIn() { return controlIn; }

    public ControlAnchor controlOut() { return controlOut; }

    /** Nodes feeding this one through data or control edges (within any graph). */
    public List<Node> predecessors() {
        List<Node> l = new ArrayList<>();
        for (InDataAnchor a : inputs) if (a.peer() != null && !l.contains(a.peer().node())) l.add(a.peer().node());
        for (ControlAnchor c : controlIn.peers) if (!l.contains(c.node())) l.add(c.node());
        return l;
    }

    /** Nodes consuming this one's outputs or depending on it by control edges. */
    public List<Node> successors() {
        List<Node> l = new ArrayList<>();
        for (OutDataAnchor o : outputs) for (InDataAnchor a : o.peers) if (!l.contains(a.node())) l.add(a.node());
        for (ControlAnchor c : controlOut.peers) if (!l.contains(c.node())) l.add(c.node());
        return l;
    }

    /**
     * Values from enclosing graphs that this node's subgraphs read (ONNX outer-scope references),
     * including those read by nested subgraphs.
     */
    public List<OutDataAnchor> capturedValues() {
        List<OutDataAnchor> l = new ArrayList<>();
        for (Graph g : subgraphs()) collectCaptures(g, l);
        return l;
    }

    private void collectCaptures(Graph g, List<OutDataAnchor> out) {
        for (Node n : g.nodes()) {
            for (InDataAnchor a : n.inputs) {
                OutDataAnchor p = a.peer();
                if (p != null && p.node().graph() != g && !isInside(p.node().graph()) && !out.contains(p)) out.add(p);
            }
            for (Graph sub : n.subgraphs()) collectCaptures(sub, out);
        }
        for (Graph.Output o : g.outputs()) {
            OutDataAnchor p = o.value();
            if (p.node().graph() != g && !isInside(p.node().graph()) && !out.contains(p)) out.add(p);
        }
    }

    /** True when {@code g} is one of this node's subgraphs or nested inside one. */
    private boolean isInside(Graph g) { return owns(g); }

    /** True when {@code g} is one of this node's subgraphs or nested inside one. */
    boolean owns(Graph g) {
        int depth = 0;
        for (Graph x = g; x != null && depth++ < 10_000; x = x.parentNode() == null ? null : x.parentNode().graph())
            if (x.parentNode() == this) return true;
        return false;
    }

    // ---------------------------------------------------------------- package-private access for tests

    /** Puts an attribute without attaching subgraphs (tests use it to break invariants on purpose). */
    void rawPutAttr(String name, Attr value) { attrs.put(name, value); }

    /** The live input anchor list (tests use it to break invariants on purpose). */
    List<InDataAnchor> rawInputs() { return inputs; }

    /** The live output anchor list. */
    List<OutDataAnchor> rawOutputs() { return outputs; }

    @Override public String toString() { return describe(); }
}
