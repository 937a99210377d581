package org.ge4j.ir;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the invariants of a graph and its subgraphs: acyclic (data, control and subgraph-capture edges),
 * anchors consistent at both ends, inputs only from the same or an enclosing graph, graph outputs bound to
 * live values of the graph or an enclosing one, value names unique in the model, well-formed {@code Data}
 * input nodes, subgraphs owned by the node holding them, and sane tensor descriptions. An optional
 * {@link NodeChecker} adds per-node schema checks. Every message names the graph, the node and the port.
 *
 * <p>Run it between passes and in tests: {@link #verify} throws a {@link VerificationException} listing every
 * problem; {@link #check} returns them.
 */
public final class GraphVerifier {
    private GraphVerifier() {}

    /** Throws a {@link VerificationException} listing every broken invariant. */
    public static void verify(Graph graph) { verify(graph, null); }

    /** As {@link #verify(Graph)}, also running {@code checker} on every node (null = no node checks). */
    public static void verify(Graph graph, NodeChecker checker) {
        List<String> problems = check(graph, checker);
        if (!problems.isEmpty()) throw new VerificationException(graph.name(), problems);
    }

    /** Every broken invariant, one message each; empty when the graph is well formed. */
    public static List<String> check(Graph graph) { return check(graph, null); }

    /** As {@link #check(Graph)}, also running {@code checker} on every node (null = no node checks). */
    public static List<String> check(Graph graph, NodeChecker checker) {
        Run r = new Run(graph, checker);
        r.graph(graph);
        return Collections.unmodifiableList(r.problems);
    }

    /** {@code graph 'main'}, or {@code graph 'then' (attribute 'then_branch' of node 'if1' (If))} for a subgraph. */
    static String label(Graph g) {
        Node p = g.parentNode();
        if (p == null) return "graph '" + g.name() + "'";
        for (Map.Entry<String, Attr> e : p.attrs().entrySet()) {
            if (e.getValue() instanceof Attr.GraphValue gv && gv.value() == g)
                return "graph '" + g.name() + "' (attribute '" + e.getKey() + "' of " + p.describe() + ")";
            if (e.getValue() instanceof Attr.Graphs gs && gs.value().contains(g))
                return "graph '" + g.name() + "' (attribute '" + e.getKey() + "' of " + p.describe() + ")";
        }
        return "graph '" + g.name() + "' (subgraph of " + p.describe() + ")";
    }

    /** True when {@code outer} is {@code g} or one of its enclosing graphs. */
    static boolean isSameOrEnclosing(Graph outer, Graph g) {
        int depth = 0;
        for (Graph x = g; x != null && depth++ < Graph.MAX_NESTING; x = x.enclosingGraph()) if (x == outer) return true;
        return false;
    }

    private static boolean isAlive(Node n) { return n.graph() != null && n.graph().nodes().contains(n); }

    /**
     * One cycle of {@code g} (data, control and subgraph-capture edges between its nodes), described as
     * {@code cycle: node 'a' (Add) -[output 0 -> input 1]-> node 'b' (Relu) -[control edge]-> node 'a' (Add)},
     * or null when the graph is acyclic.
     */
    static String cycle(Graph g) {
        Map<Node, Map<Node, String>> preds = new IdentityHashMap<>();
        for (Node n : g.nodes()) {
            Map<Node, String> pm = new LinkedHashMap<>();
            for (InDataAnchor a : n.inputs()) {
                OutDataAnchor p = a == null ? null : a.peer();
                if (p != null && p.node().graph() == g && g.nodes().contains(p.node()))
                    pm.putIfAbsent(p.node(), "output " + p.index() + " -> input " + a.index());
            }
            for (ControlAnchor c : n.controlIn().peers)
                if (c.node().graph() == g && g.nodes().contains(c.node())) pm.putIfAbsent(c.node(), "control edge");
            for (Map.Entry<OutDataAnchor, String> cap : captures(n).entrySet()) {
                OutDataAnchor p = cap.getKey();
                if (p.node().graph() == g && g.nodes().contains(p.node()))
                    pm.putIfAbsent(p.node(), "output " + p.index() + " read in subgraph '" + cap.getValue() + "'");
            }
            preds.put(n, pm);
        }
        Map<Node, Integer> indeg = new IdentityHashMap<>();
        Map<Node, List<Node>> succ = new IdentityHashMap<>();
        for (Node n : g.nodes()) {
            indeg.put(n, preds.get(n).size());
            for (Node p : preds.get(n).keySet()) succ.computeIfAbsent(p, k -> new ArrayList<>()).add(n);
        }
        ArrayDeque<Node> ready = new ArrayDeque<>();
        for (Node n : g.nodes()) if (indeg.get(n) == 0) ready.add(n);
        int done = 0;
        while (!ready.isEmpty()) {
            Node n = ready.poll();
            done++;
            for (Node s : succ.getOrDefault(n, List.of())) if (indeg.merge(s, -1, Integer::sum) == 0) ready.add(s);
        }
        if (done == g.nodes().size()) return null;
        // every node left over has a left-over predecessor: walk predecessors until one repeats
        Node start = null;
        for (Node n : g.nodes()) if (indeg.get(n) > 0) { start = n; break; }
        List<Node> path = new ArrayList<>();
        Map<Node, Integer> at = new IdentityHashMap<>();
        Node cur = start;
        while (!at.containsKey(cur)) {
            at.put(cur, path.size());
            path.add(cur);
            Node next = null;
            for (Node p : preds.get(cur).keySet()) if (indeg.get(p) > 0) { next = p; break; }
            cur = next;
        }
        List<Node> cycle = new ArrayList<>(path.subList(at.get(cur), path.size()));
        Collections.reverse(cycle); // predecessors were walked backwards
        Node first = null; // start the description at the earliest-inserted node of the cycle
        for (Node n : g.nodes()) if (cycle.contains(n)) { first = n; break; }
        Collections.rotate(cycle, -cycle.indexOf(first));
        StringBuilder sb = new StringBuilder("cycle: ").append(cycle.get(0).describe());
        for (int i = 0; i < cycle.size(); i++) {
            Node from = cycle.get(i);
            Node to = cycle.get((i + 1) % cycle.size());
            sb.append(" -[").append(preds.get(to).get(from)).append("]-> ").append(to.describe());
        }
        int stuck = g.nodes().size() - done;
        if (stuck > cycle.size()) sb.append(" (").append(stuck).append(" nodes cannot be ordered)");
        return sb.toString();
    }

    /** Values read inside {@code n}'s subgraphs (at any depth) from outside them, with the subgraph reading each. */
    static Map<OutDataAnchor, String> captures(Node n) {
        Map<OutDataAnchor, String> out = new LinkedHashMap<>();
        Set<Graph> inner = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Graph> q = new ArrayDeque<>(n.subgraphs());
        while (!q.isEmpty()) {
            Graph s = q.poll();
            if (s == null || !inner.add(s)) continue;
            for (Node m : s.nodes()) q.addAll(m.subgraphs());
        }
        for (Graph s : inner) {
            for (Node m : s.nodes())
                for (InDataAnchor a : m.inputs()) {
                    OutDataAnchor p = a == null ? null : a.peer();
                    if (p != null && !inner.contains(p.node().graph())) out.putIfAbsent(p, s.name());
                }
            for (Graph.Output o : s.outputs())
                if (o.value() != null && !inner.contains(o.value().node().graph())) out.putIfAbsent(o.value(), s.name());
        }
        return out;
    }

    private static final class Run {
        final Graph top;
        final NodeChecker checker;
        final List<String> problems = new ArrayList<>();
        final Map<String, OutDataAnchor> valueNames = new HashMap<>();
        final Set<Graph> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        final Deque<Graph> stack = new ArrayDeque<>();

        Run(Graph top, NodeChecker checker) {
            this.top = top;
            this.checker = checker;
        }

        void problem(String msg) { problems.add(msg); }

        void graph(Graph g) {
            seen.add(g);
            stack.push(g);
            String l = label(g);
            Set<Node> inputSet = inputs(g, l);
            for (Node n : g.nodes()) {
                try {
                    node(g, l, n, inputSet);
                } catch (RuntimeException e) {
                    problem(l + ": " + n.describe() + ": cannot be checked: " + e.getMessage());
                }
            }
            outputs(g, l);
            cycles(g, l);
            stack.pop();
        }

        Set<Node> inputs(Graph g, String l) {
            Set<Node> set = Collections.newSetFromMap(new IdentityHashMap<>());
            List<Node> ins = g.inputNodes();
            for (int i = 0; i < ins.size(); i++) {
                Node d = ins.get(i);
                String p = l + ": graph input " + i + " (" + d.describe() + ")";
                if (!set.add(d)) problem(p + " is listed more than once among the graph inputs");
                if (!g.nodes().contains(d)) problem(p + " is not a node of the graph");
                if (!d.isData()) problem(p + " is not a " + Node.GE4J_DOMAIN + "::" + Node.DATA + " node");
                if (d.inputCount() != 0) problem(p + " has " + d.inputCount() + " data inputs; a Data node has none");
                if (d.outputCount() != 1) problem(p + " has " + d.outputCount() + " outputs; a Data node has exactly one");
                Attr idx = d.attr("index");
                if (!(idx instanceof Attr.Int x) || x.value() != i)
                    problem(p + " has attribute 'index' = " + (idx instanceof Attr.Int x ? Long.toString(x.value()) : String.valueOf(idx)) + ", expected " + i);
            }
            return set;
        }

        void node(Graph g, String l, Node n, Set<Node> inputSet) {
            String nl = l + ": " + n.describe();
            if (n.graph() != g)
                problem(nl + " is listed in the graph but belongs to " + (n.graph() == null ? "no graph (it was removed)" : label(n.graph())));
            if (n.isData() && !inputSet.contains(n)) problem(nl + " is a Data node but not one of the graph's inputs");
            dataInputs(g, nl, n);
            dataOutputs(g, nl, n);
            control(g, nl, n);
            subgraphs(nl, n);
            if (checker != null) {
                try {
                    checker.check(n, m -> problem(checkerMessage(l, nl, n, m)));
                } catch (RuntimeException e) {
                    problem(checkerMessage(l, nl, n, String.valueOf(e.getMessage())));
                }
            }
        }

        static String checkerMessage(String l, String nl, Node n, String m) {
            return m.contains(n.describe()) ? l + ": " + m : nl + ": " + m;
        }

        void dataInputs(Graph g, String nl, Node n) {
            List<InDataAnchor> ins = n.inputs();
            for (int i = 0; i < ins.size(); i++) {
                InDataAnchor a = ins.get(i);
                String p = nl + " input " + i;
                if (a == null) {
                    problem(p + " is a null anchor");
                    continue;
                }
                if (a.node() != n || a.index() != i) problem(p + ": its anchor claims to be " + a.node().describe() + " input " + a.index());
                OutDataAnchor src = a.peer();
                if (src == null) continue;
                if (!src.peers.contains(a)) problem(p + " reads " + src + ", which does not list it among its consumers");
                String why = producerProblem(src, g);
                if (why != null) problem(p + " reads " + src + why);
            }
        }

        /** Why a value read or returned in {@code g} is not a legal source, or null. */
        static String producerProblem(OutDataAnchor v, Graph g) {
            Node pn = v.node();
            if (!isAlive(pn)) return ", produced by a node that was removed from its graph";
            if (pn.outputs().size() <= v.index() || pn.outputs().get(v.index()) != v) return ", an anchor no longer on its node";
            if (!isSameOrEnclosing(pn.graph(), g))
                return ", which lives in " + label(pn.graph()) + ": a value may only come from the same graph or an enclosing one";
            return null;
        }

        void dataOutputs(Graph g, String nl, Node n) {
            List<OutDataAnchor> outs = n.outputs();
            for (int j = 0; j < outs.size(); j++) {
                OutDataAnchor o = outs.get(j);
                String p = nl + " output " + j;
                if (o == null) {
                    problem(p + " is a null anchor");
                    continue;
                }
                if (o.node() != n || o.index() != j) problem(p + ": its anchor claims to be " + o.node().describe() + " output " + o.index());
                valueName(g, p, o);
                String d = descProblem(n, o.desc());
                if (d != null) problem(p + " (%" + o.name() + ": " + o.desc() + ") " + d);
                Set<InDataAnchor> consumers = Collections.newSetFromMap(new IdentityHashMap<>());
                for (InDataAnchor c : o.peers) {
                    if (!consumers.add(c)) problem(p + " lists consumer " + c + " twice");
                    if (c.peer != o) {
                        problem(p + " lists consumer " + c + ", which reads " + (c.peer == null ? "nothing" : c.peer.toString()) + " instead");
                        continue;
                    }
                    Node cn = c.node();
                    if (!isAlive(cn)) problem(p + " is read by " + c + ", a node that was removed from its graph");
                    else if (cn.inputs().size() <= c.index() || cn.inputs().get(c.index()) != c) problem(p + " is read by a stale anchor " + c + " no longer on its node");
                    else if (!isSameOrEnclosing(g, cn.graph()))
                        problem(p + " is read by " + c + " in " + label(cn.graph()) + ", which is not nested in this graph");
                }
            }
        }

        void valueName(Graph g, String p, OutDataAnchor o) {
            String name = o.name();
            if (name == null || name.isEmpty()) {
                problem(p + " has an empty value name");
                return;
            }
            OutDataAnchor prev = valueNames.putIfAbsent(name, o);
            if (prev != null && prev != o)
                problem(p + ": value name %" + name + " is also produced by " + prev.node().describe() + " output " + prev.index()
                        + " (value names must be unique in the model)");
            else if (!g.isNameTaken(name))
                problem(p + ": value name %" + name + " is not recorded in the model's name table (claimName could hand it out again)");
        }

        void control(Graph g, String nl, Node n) {
            for (ControlAnchor c : n.controlIn().peers) {
                String p = nl + " control-in";
                Node cn = c.node();
                if (c.isIn()) {
                    problem(p + " is connected to " + c + ", another in-anchor");
                    continue;
                }
                if (cn.controlOut() != c) problem(p + " is connected to a stale control anchor of " + cn.describe());
                else if (!c.peers.contains(n.controlIn())) problem(p + " lists " + cn.describe() + " as predecessor, but its control-out does not list this node");
                if (!isAlive(cn)) problem(p + " comes from " + cn.describe() + ", a node that was removed from its graph");
                else if (cn.graph() != g) problem(p + " comes from " + cn.describe() + " in " + label(cn.graph()) + "; control edges must stay within one graph");
            }
            for (ControlAnchor c : n.controlOut().peers) {
                String p = nl + " control-out";
                Node cn = c.node();
                if (!c.isIn()) {
                    problem(p + " is connected to " + c + ", another out-anchor");
                    continue;
                }
                if (cn.controlIn() != c) problem(p + " is connected to a stale control anchor of " + cn.describe());
                else if (!c.peers.contains(n.controlOut())) problem(p + " lists " + cn.describe() + " as successor, but its control-in does not list this node");
                if (!isAlive(cn)) problem(p + " goes to " + cn.describe() + ", a node that was removed from its graph");
                else if (cn.graph() != g && !isSameOrEnclosing(top, cn.graph()))
                    problem(p + " goes to " + cn.describe() + " in " + label(cn.graph()) + "; control edges must stay within one graph");
            }
        }

        void subgraphs(String nl, Node n) {
            for (Map.Entry<String, Attr> e : n.attrs().entrySet()) {
                List<Graph> gs = e.getValue() instanceof Attr.GraphValue gv ? Collections.singletonList(gv.value())
                        : e.getValue() instanceof Attr.Graphs many ? many.value() : List.of();
                for (Graph s : gs) {
                    String p = nl + " attribute '" + e.getKey() + "'";
                    if (s == null) {
                        problem(p + " holds a null graph");
                        continue;
                    }
                    if (s.parentNode() != n)
                        problem(p + ": subgraph '" + s.name() + "' names " + (s.parentNode() == null ? "no parent node" : s.parentNode().describe() + " as its parent") + ", expected this node");
                    if (stack.contains(s)) problem(p + ": subgraph '" + s.name() + "' is one of its own enclosing graphs");
                    else if (seen.contains(s)) problem(p + ": subgraph '" + s.name() + "' is attached more than once");
                    else graph(s);
                }
            }
        }

        void outputs(Graph g, String l) {
            Set<String> names = new java.util.HashSet<>();
            List<Graph.Output> outs = g.outputs();
            for (int k = 0; k < outs.size(); k++) {
                Graph.Output out = outs.get(k);
                String p = l + ": output " + k + " ('" + out.name() + "')";
                if (out.name() == null || out.name().isEmpty()) problem(l + ": output " + k + " has an empty name");
                else if (!names.add(out.name())) problem(p + " repeats the name of an earlier output");
                OutDataAnchor v = out.value();
                if (v == null) {
                    problem(p + " is bound to no value");
                    continue;
                }
                String why = producerProblem(v, g);
                if (why != null) problem(p + " is " + v + why);
            }
        }

        // ------------------------------------------------------------ cycles

        void cycles(Graph g, String l) {
            String c = cycle(g);
            if (c != null) problem(l + ": " + c);
        }

        // ------------------------------------------------------------ descriptions

        /** Why a known description is not sane for an output of {@code n}, or null. */
        static String descProblem(Node n, TensorDesc d) {
            if (d == null) return "has no description";
            if (!d.isKnown()) return null;
            if (d.kind() == ValueKind.MAP && !n.isData() && !n.domain().equals("ai.onnx.ml"))
                return "is a map; only ai.onnx.ml ops and graph inputs produce maps";
            if (d.format() == Format.ND) return null;
            if (d.kind() != ValueKind.TENSOR) return "has format " + d.format() + ", but only tensors have a layout (this is a " + d.kind() + ")";
            if (d.dtype() == DataType.STRING) return "has format " + d.format() + ", but string tensors have no layout";
            if (!d.shape().hasRank()) return null;
            int want = switch (d.format()) {
                case NCHW, NHWC -> 4;
                case NCHWc8, NCHWc16 -> 5;
                case ND -> d.shape().rank();
            };
            if (d.shape().rank() != want) return "has format " + d.format() + " but rank " + d.shape().rank() + ", expected rank " + want;
            long block = d.format() == Format.NCHWc8 ? 8 : d.format() == Format.NCHWc16 ? 16 : -1;
            long last = d.shape().dim(want - 1).valueOr(block);
            if (block > 0 && last != block) return "has format " + d.format() + " but its last (block) dimension is " + last + ", expected " + block;
            return null;
        }
    }
}
