package org.ge4j.ir;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * A static dataflow graph: nodes connected by data and control edges, named inputs ({@code ge4j::Data}
 * nodes) and named outputs. A graph is either a model's root graph or a subgraph owned by a node
 * (its {@link #parentNode()}); nodes of a subgraph may read values of enclosing graphs.
 *
 * <p>The root graph also holds model-level facts: opset imports and metadata.
 */
public final class Graph {
    /** A named graph output. */
    public static final class Output {
        private final String name;
        private OutDataAnchor value;

        Output(String name, OutDataAnchor value) {
            this.name = name;
            this.value = value;
        }

        public String name() { return name; }

        public OutDataAnchor value() { return value; }

        @Override public String toString() { return name + " <- " + value; }
    }

    private String name;
    private Node parentNode;
    private Graph enclosing; // provisional outer graph of a subgraph not yet attached to its node
    private final Set<Node> nodes = new LinkedHashSet<>();
    private final List<Node> inputs = new ArrayList<>();
    private final List<Output> outputs = new ArrayList<>();
    private final Map<String, Integer> opsetImports = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Set<String> usedNames = new HashSet<>();
    private long nextNodeId;
    private long nameCounter;

    public Graph(String name) { this.name = Objects.requireNonNull(name, "name"); }

    /**
     * A subgraph under construction for a node of {@code enclosing}: it shares the model's name table and
     * opsets at once, and is attached by setting it as a graph attribute of its node.
     */
    public static Graph newSubgraph(String name, Graph enclosing) {
        Graph g = new Graph(name);
        g.enclosing = Objects.requireNonNull(enclosing, "enclosing");
        return g;
    }

    /** The graph enclosing this subgraph (its node's graph), or null for a root graph. */
    public Graph enclosingGraph() { return parentNode != null ? parentNode.graph() : enclosing; }

    public String name() { return name; }

    public void setName(String name) { this.name = Objects.requireNonNull(name); }

    /** The node owning this subgraph, or null for a root graph. */
    public Node parentNode() { return parentNode; }

    void setParent(Node n) {
        int depth = 0;
        for (Graph x = n.graph(); x != null && depth++ < MAX_NESTING; x = x.enclosingGraph())
            if (x == this) throw new Ge4jException("cannot attach graph '" + name + "' to " + n.describe() + ": the node is inside that graph");
        Graph oldRoot = root();
        this.parentNode = n;
        this.enclosing = null;
        Graph newRoot = root();
        if (newRoot != oldRoot) {
            // a graph built on its own and now attached: its names, opsets and ids join the model's
            newRoot.usedNames.addAll(oldRoot.usedNames);
            oldRoot.opsetImports.forEach(newRoot.opsetImports::putIfAbsent);
            newRoot.nextNodeId = Math.max(newRoot.nextNodeId, oldRoot.nextNodeId);
            newRoot.nameCounter = Math.max(newRoot.nameCounter, oldRoot.nameCounter);
        }
    }

    public boolean isRoot() { return enclosingGraph() == null; }

    /** The outermost graph (the one holding opsets and the value-name table). */
    public Graph root() {
        Graph g = this;
        int depth = 0;
        for (Graph e = g.enclosingGraph(); e != null; e = g.enclosingGraph()) {
            g = e;
            if (++depth > MAX_NESTING) throw new Ge4jException("graph '" + name + "' is nested in itself (a subgraph holds one of its enclosing graphs)");
        }
        return g;
    }

    /** Nesting depth beyond which the enclosing-graph chain is taken to be a cycle. */
    static final int MAX_NESTING = 10_000;

    // ---------------------------------------------------------------- model facts (root)

    /** Opset version imported for {@code domain} ("" = ONNX default), looked up at the root; -1 if none. */
    public int opset(String domain) {
        Integer v = root().opsetImports.get(domain == null || domain.equals("ai.onnx") ? "" : domain);
        return v == null ? -1 : v;
    }

    public Map<String, Integer> opsetImports() { return Collections.unmodifiableMap(root().opsetImports); }

    public Graph setOpset(String domain, int version) {
        root().opsetImports.put(domain == null || domain.equals("ai.onnx") ? "" : domain, version);
        return this;
    }

    public Map<String, String> metadata() { return metadata; }

    /** Reserves a value name unique across the model, deriving one from {@code wanted} if taken. */
    public String claimName(String wanted) {
        Graph r = root();
        if (r != this) return r.claimName(wanted);
        String n = wanted;
        while (!usedNames.add(n)) n = wanted + "_" + (++nameCounter);
        return n;
    }

    /** Records {@code name} as used in the model without changing it (for renames chosen by the caller). */
    void registerName(String name) { root().usedNames.add(name); }

    /** True when a value with this name has been claimed in the model. */
    public boolean isNameTaken(String name) { return root().usedNames.contains(name); }

    // ---------------------------------------------------------------- nodes

    /** Nodes in insertion order (not necessarily topological; see {@link #topologicalOrder()}). */
    public Collection<Node> nodes() { return Collections.unmodifiableSet(nodes); }

    public int nodeCount() { return nodes.size(); }

    /** Adds a node with {@code numInputs} unconnected inputs and no outputs. */
    public Node addNode(String domain, String type, String name, int numInputs) {
        Node n = new Node(this, root().nextNodeId++, domain, type, name == null || name.isEmpty() ? type + "_" + root().nextNodeId : name);
        for (int i = 0; i < numInputs; i++) n.addInput(null);
        nodes.add(n);
        return n;
    }

    /**
     * Adds a node of the default domain whose inputs connect to {@code inputs} (null entries = absent)
     * and with {@code numOutputs} outputs of unknown description.
     */
    public Node addNode(String type, String name, List<OutDataAnchor> inputs, int numOutputs) {
        Node n = addNode(Node.ONNX_DOMAIN, type, name, 0);
        for (OutDataAnchor in : inputs) n.addInput(in);
        for (int i = 0; i < numOutputs; i++) n.addOutput(null, null);
        return n;
    }

    /**
     * Removes a node, disconnecting all its edges. Its outputs must not be outputs of this graph or of a
     * subgraph; consumers of its outputs are left with absent inputs (use {@link #replaceAllUses} first to
     * rewire them). Subgraphs still owned by the node are discarded: their reads of outer values are
     * disconnected (move a subgraph to another node with {@link Node#setAttr} first to keep it).
     * Removing a graph input renumbers the remaining inputs.
     */
    public void removeNode(Node n) {
        if (n.graph() != this || !nodes.contains(n)) throw new Ge4jException(n.describe() + " is not in graph '" + name + "'");
        for (OutDataAnchor o : n.outputs()) {
            String user = outputUser(this, o);
            if (user != null) throw new Ge4jException("cannot remove " + n.describe() + ": its output %" + o.name() + " is " + user);
        }
        for (InDataAnchor a : n.inputs()) a.disconnect();
        for (OutDataAnchor o : n.outputs()) for (InDataAnchor a : new ArrayList<>(o.peers)) a.disconnect();
        for (ControlAnchor c : new ArrayList<>(n.controlIn().peers)) removeControlEdge(c.node(), n);
        for (ControlAnchor c : new ArrayList<>(n.controlOut().peers)) removeControlEdge(n, c.node());
        for (Graph s : n.subgraphs()) if (s.parentNode == n) s.disconnectOuterReads(n);
        nodes.remove(n);
        if (inputs.remove(n)) renumberInputs();
        n.detach();
    }

    private void disconnectOuterReads(Node owner) {
        for (Node m : nodes) {
            for (InDataAnchor a : m.inputs()) {
                OutDataAnchor p = a.peer();
                if (p != null && !owner.owns(p.node().graph())) a.disconnect();
            }
            for (Graph s : m.subgraphs()) if (s.parentNode == m) s.disconnectOuterReads(owner);
        }
    }

    private void renumberInputs() {
        for (int i = 0; i < inputs.size(); i++) inputs.get(i).setAttr("index", Attr.of((long) i));
    }

    /** Describes a graph output (of {@code g} or of a subgraph nested in it) bound to {@code v}, or null. */
    private static String outputUser(Graph g, OutDataAnchor v) {
        for (int i = 0; i < g.outputs.size(); i++)
            if (g.outputs.get(i).value == v) return "output " + i + " ('" + g.outputs.get(i).name + "') of graph '" + g.name + "'";
        for (Node m : g.nodes)
            for (Graph s : m.subgraphs()) {
                String u = outputUser(s, v);
                if (u != null) return u;
            }
        return null;
    }

    /** True when {@code v} is an output of this graph or of a subgraph nested in it. */
    boolean isOutputHereOrNested(OutDataAnchor v) { return outputUser(this, v) != null; }

    /** Moves every consumer of {@code from} (and graph outputs bound to it) to {@code to}. */
    public void replaceAllUses(OutDataAnchor from, OutDataAnchor to) {
        if (from == to) return;
        for (InDataAnchor a : new ArrayList<>(from.peers)) a.connect(to);
        for (Graph g = this; g != null; g = g.parentNode == null ? null : g.parentNode.graph())
            for (Output o : g.outputs) if (o.value == from) o.value = to;
        replaceInSubgraphOutputs(this, from, to);
    }

    private static void replaceInSubgraphOutputs(Graph g, OutDataAnchor from, OutDataAnchor to) {
        for (Node n : g.nodes)
            for (Graph s : n.subgraphs()) {
                for (Output o : s.outputs) if (o.value == from) o.value = to;
                replaceInSubgraphOutputs(s, from, to);
            }
    }

    public void addControlEdge(Node from, Node to) {
        from.controlOut().peers.add(to.controlIn());
        to.controlIn().peers.add(from.controlOut());
    }

    public void removeControlEdge(Node from, Node to) {
        from.controlOut().peers.remove(to.controlIn());
        to.controlIn().peers.remove(from.controlOut());
    }

    public Node findNode(String nodeName) {
        for (Node n : nodes) if (n.name().equals(nodeName)) return n;
        return null;
    }

    /** The producer of the value named {@code valueName} in this graph (not enclosing ones), or null. */
    public OutDataAnchor findValue(String valueName) {
        for (Node n : nodes) for (OutDataAnchor o : n.outputs()) if (o.name().equals(valueName)) return o;
        return null;
    }

    // ---------------------------------------------------------------- inputs and outputs

    /** Adds a graph input: a {@code ge4j::Data} node whose single output is the value {@code name}. */
    public OutDataAnchor addInput(String name, TensorDesc desc) {
        Node n = addNode(Node.GE4J_DOMAIN, Node.DATA, name, 0);
        n.setAttr("index", Attr.of((long) inputs.size()));
        inputs.add(n);
        return n.addOutput(name, desc);
    }

    /** The input placeholder nodes, in order. */
    public List<Node> inputNodes() { return Collections.unmodifiableList(inputs); }

    /** The input values, in order. */
    public List<OutDataAnchor> inputs() {
        List<OutDataAnchor> l = new ArrayList<>(inputs.size());
        for (Node n : inputs) l.add(n.output(0));
        return l;
    }

    public OutDataAnchor input(String name) {
        for (Node n : inputs) if (n.output(0).name().equals(name)) return n.output(0);
        return null;
    }

    public Graph addOutput(String name, OutDataAnchor value) {
        Objects.requireNonNull(value, "output value");
        outputs.add(new Output(name, value));
        return this;
    }

    public Graph addOutput(OutDataAnchor value) { return addOutput(value.name(), value); }

    public List<Output> outputs() { return Collections.unmodifiableList(outputs); }

    public void removeOutput(int i) { outputs.remove(i); }

    public void setOutput(int i, OutDataAnchor value) { outputs.get(i).value = Objects.requireNonNull(value); }

    public boolean isOutput(OutDataAnchor a) {
        for (Output o : outputs) if (o.value == a) return true;
        return false;
    }

    // ---------------------------------------------------------------- order

    /**
     * The nodes in a topological order (data, control and subgraph-capture edges within this graph), stable:
     * among ready nodes, the earliest inserted comes first. Throws naming the nodes on a cycle.
     */
    public List<Node> topologicalOrder() {
        Map<Node, Integer> indeg = new HashMap<>();
        Map<Node, List<Node>> succ = new HashMap<>();
        for (Node n : nodes) {
            Set<Node> preds = new LinkedHashSet<>();
            for (InDataAnchor a : n.inputs()) if (a.peer() != null && a.peer().node().graph() == this) preds.add(a.peer().node());
            for (ControlAnchor c : n.controlIn().peers) if (c.node().graph() == this) preds.add(c.node());
            for (OutDataAnchor cap : n.capturedValues()) if (cap.node().graph() == this) preds.add(cap.node());
            indeg.put(n, preds.size()); // a node reading its own output (directly or from a subgraph) never becomes ready
            for (Node p : preds) succ.computeIfAbsent(p, k -> new ArrayList<>()).add(n);
        }
        PriorityQueue<Node> ready = new PriorityQueue<>(Comparator.comparingLong(x -> x.id));
        for (Node n : nodes) if (indeg.get(n) == 0) ready.add(n);
        List<Node> order = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            Node n = ready.poll();
            order.add(n);
            for (Node s : succ.getOrDefault(n, List.of())) if (indeg.merge(s, -1, Integer::sum) == 0) ready.add(s);
        }
        if (order.size() != nodes.size()) throw new Ge4jException("graph '" + name + "' has a " + GraphVerifier.cycle(this));
        return order;
    }

    /** All nodes of this graph and, recursively, of its nodes' subgraphs. */
    public List<Node> allNodes() {
        List<Node> l = new ArrayList<>();
        ArrayDeque<Graph> q = new ArrayDeque<>();
        q.add(this);
        while (!q.isEmpty()) {
            Graph g = q.poll();
            for (Node n : g.nodes) {
                l.add(n);
                q.addAll(n.subgraphs());
            }
        }
        return l;
    }

    // ---------------------------------------------------------------- package-private access for tests

    /** The live node set (tests use it to break invariants on purpose). */
    Set<Node> rawNodes() { return nodes; }

    /** The live input-node list. */
    List<Node> rawInputNodes() { return inputs; }

    /** Sets graph output {@code i} without checks (tests). */
    void rawSetOutput(int i, OutDataAnchor value) { outputs.get(i).value = value; }

    @Override public String toString() {
        return "graph '" + name + "' (" + nodes.size() + " nodes, " + inputs.size() + " inputs, " + outputs.size() + " outputs)";
    }
}
