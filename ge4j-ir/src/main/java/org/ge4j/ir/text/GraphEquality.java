package org.ge4j.ir.text;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.ge4j.ir.Attr;
import org.ge4j.ir.ControlAnchor;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;

/**
 * Structural comparison of two graphs: same graph names, opset imports, metadata, inputs (in order), nodes
 * (matched by topology, not by insertion order: same domain, op type and wiring of inputs, then compared by
 * name, attributes, output names and descriptions), control edges, subgraphs (recursively, with values of
 * enclosing graphs matched too) and outputs (in order, by name and value).
 */
public final class GraphEquality {
    private static final int MAX_DIFFS = 50;

    private GraphEquality() {}

    /** True when {@link #diff} finds no difference. */
    public static boolean structurallyEqual(Graph a, Graph b) { return diff(a, b).isEmpty(); }

    /** What differs between {@code a} (the first graph) and {@code b} (the second), one message per difference; empty when equal. */
    public static List<String> diff(Graph a, Graph b) {
        Matcher m = new Matcher();
        m.graph(a, b, "graph '" + a.name() + "'");
        if (m.diffs.size() > MAX_DIFFS) {
            int more = m.diffs.size() - MAX_DIFFS;
            List<String> cut = new ArrayList<>(m.diffs.subList(0, MAX_DIFFS));
            cut.add("... and " + more + " more differences");
            return cut;
        }
        return m.diffs;
    }

    private static final class Matcher {
        final List<String> diffs = new ArrayList<>();
        final Map<OutDataAnchor, OutDataAnchor> values = new IdentityHashMap<>();
        final Map<Node, Node> nodes = new IdentityHashMap<>();

        void diff(String path, String msg) { diffs.add(path + ": " + msg); }

        void graph(Graph a, Graph b, String path) {
            if (!a.name().equals(b.name())) diff(path, "graph name '" + a.name() + "' vs '" + b.name() + "'");
            if (a.isRoot() != b.isRoot()) diff(path, "one graph is a subgraph, the other a root graph");
            else if (a.isRoot() && !a.opsetImports().equals(b.opsetImports())) diff(path, "opset imports " + a.opsetImports() + " vs " + b.opsetImports());
            if (!a.metadata().equals(b.metadata())) diff(path, "metadata " + a.metadata() + " vs " + b.metadata());
            // inputs, in order
            if (a.inputNodes().size() != b.inputNodes().size())
                diff(path, a.inputNodes().size() + " inputs vs " + b.inputNodes().size());
            int nIn = Math.min(a.inputNodes().size(), b.inputNodes().size());
            for (int i = 0; i < nIn; i++) {
                Node na = a.inputNodes().get(i);
                Node nb = b.inputNodes().get(i);
                nodes.put(na, nb);
                nodeDetails(na, nb, path + ": input " + i);
            }
            // other nodes, matched by topology
            List<Node> order = order(a);
            List<Node> bNodes = new ArrayList<>(order(b));
            bNodes.removeAll(b.inputNodes());
            Set<Node> taken = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            for (Node na : order) {
                if (a.inputNodes().contains(na)) continue;
                Node nb = match(na, bNodes, taken);
                if (nb == null) {
                    diff(path, na.describe() + " " + operands(na) + " has no counterpart in the second graph");
                    continue;
                }
                taken.add(nb);
                nodes.put(na, nb);
                nodeDetails(na, nb, path + ": " + na.describe());
            }
            for (Node nb : bNodes)
                if (!taken.contains(nb)) diff(path, nb.describe() + " " + GraphPrinter.operands(nb) + " of the second graph has no counterpart in the first");
            controlEdges(a, path);
            outputs(a, b, path);
        }

        static List<Node> order(Graph g) {
            try {
                return g.topologicalOrder();
            } catch (Ge4jException e) {
                return new ArrayList<>(g.nodes());
            }
        }

        /** The first graph's operands, written with the second graph's value names where known. */
        String operands(Node na) { return GraphPrinter.operands(na); }

        /** The unmatched node of {@code bNodes} wired like {@code na}; prefers the same name, then the same first output name. */
        Node match(Node na, List<Node> bNodes, Set<Node> taken) {
            Node best = null;
            int bestScore = -1;
            for (Node nb : bNodes) {
                if (taken.contains(nb) || !nb.domain().equals(na.domain()) || !nb.type().equals(na.type())) continue;
                if (nb.inputCount() != na.inputCount() || nb.outputCount() != na.outputCount()) continue;
                boolean wired = true;
                for (int i = 0; i < na.inputCount() && wired; i++) {
                    OutDataAnchor pa = na.input(i).peer();
                    OutDataAnchor pb = nb.input(i).peer();
                    wired = pa == null ? pb == null : pb != null && values.get(pa) == pb;
                }
                if (!wired) continue;
                int score = (nb.name().equals(na.name()) ? 2 : 0)
                        + (na.outputCount() > 0 && nb.output(0).name().equals(na.output(0).name()) ? 1 : 0);
                if (score > bestScore) {
                    best = nb;
                    bestScore = score;
                }
            }
            return best;
        }

        void nodeDetails(Node na, Node nb, String path) {
            if (!na.name().equals(nb.name())) diff(path, "node name '" + na.name() + "' vs '" + nb.name() + "'");
            if (!na.qualifiedType().equals(nb.qualifiedType())) diff(path, "op " + na.qualifiedType() + " vs " + nb.qualifiedType());
            if (na.inputCount() != nb.inputCount()) diff(path, na.inputCount() + " inputs vs " + nb.inputCount());
            if (na.outputCount() != nb.outputCount()) diff(path, na.outputCount() + " outputs vs " + nb.outputCount());
            for (int i = 0; i < Math.min(na.outputCount(), nb.outputCount()); i++) {
                OutDataAnchor oa = na.output(i);
                OutDataAnchor ob = nb.output(i);
                values.put(oa, ob);
                if (!oa.name().equals(ob.name())) diff(path, "output " + i + " is named %" + oa.name() + " vs %" + ob.name());
                if (!oa.desc().equals(ob.desc()))
                    diff(path, "output " + i + " (%" + oa.name() + ") has type " + GraphPrinter.printType(oa.desc()) + " vs " + GraphPrinter.printType(ob.desc()));
            }
            attrs(na, nb, path);
        }

        void attrs(Node na, Node nb, String path) {
            boolean data = na.isData() && nb.isData();
            for (String k : na.attrs().keySet()) compareAttr(na, nb, k, path, data);
            for (String k : nb.attrs().keySet()) if (!na.hasAttr(k)) compareAttr(na, nb, k, path, data);
        }

        void compareAttr(Node na, Node nb, String k, String path, boolean data) {
            if (data && k.equals("index")) return; // implied by the input position, compared there
            Attr x = na.attr(k);
            Attr y = nb.attr(k);
            String p = path + " attribute '" + k + "'";
            if (x == null || y == null) {
                diff(path, "attribute '" + k + "' is " + (x == null ? "missing in the first graph" : "missing in the second graph"));
                return;
            }
            if (x.type() != y.type()) {
                diff(path, "attribute '" + k + "' is " + x.type() + " vs " + y.type());
                return;
            }
            if (x instanceof Attr.GraphValue ga && y instanceof Attr.GraphValue gb) {
                graph(ga.value(), gb.value(), p + " > graph '" + ga.value().name() + "'");
            } else if (x instanceof Attr.Graphs ga && y instanceof Attr.Graphs gb) {
                if (ga.value().size() != gb.value().size()) diff(path, "attribute '" + k + "' holds " + ga.value().size() + " graphs vs " + gb.value().size());
                for (int i = 0; i < Math.min(ga.value().size(), gb.value().size()); i++)
                    graph(ga.value().get(i), gb.value().get(i), p + "[" + i + "] > graph '" + ga.value().get(i).name() + "'");
            } else if (!Objects.equals(x, y)) {
                diff(path, "attribute '" + k + "' is " + shortText(x) + " vs " + shortText(y));
            }
        }

        static String shortText(Attr a) {
            String s = GraphPrinter.printAttr(a);
            return s.length() > 120 ? s.substring(0, 120) + "..." : s;
        }

        void controlEdges(Graph a, String path) {
            for (Node na : a.nodes()) {
                Node nb = nodes.get(na);
                if (nb == null) continue;
                Set<Node> predsA = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
                for (ControlAnchor c : na.controlIn().peers()) {
                    Node m = nodes.get(c.node());
                    predsA.add(m != null ? m : c.node());
                }
                Set<Node> predsB = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
                for (ControlAnchor c : nb.controlIn().peers()) predsB.add(c.node());
                if (!predsA.equals(predsB))
                    diff(path, na.describe() + " has control predecessors " + names(na.controlIn().peers()) + " vs " + names(nb.controlIn().peers()));
            }
        }

        static String names(Set<ControlAnchor> peers) {
            List<String> l = new ArrayList<>();
            for (ControlAnchor c : peers) l.add(c.node().name());
            return l.toString();
        }

        void outputs(Graph a, Graph b, String path) {
            if (a.outputs().size() != b.outputs().size()) diff(path, a.outputs().size() + " outputs vs " + b.outputs().size());
            for (int i = 0; i < Math.min(a.outputs().size(), b.outputs().size()); i++) {
                Graph.Output oa = a.outputs().get(i);
                Graph.Output ob = b.outputs().get(i);
                if (!oa.name().equals(ob.name())) diff(path, "output " + i + " is named '" + oa.name() + "' vs '" + ob.name() + "'");
                if (oa.value() == null || ob.value() == null) {
                    if (oa.value() != ob.value()) diff(path, "output " + i + " ('" + oa.name() + "') is bound to no value in one graph");
                } else if (values.get(oa.value()) != ob.value())
                    diff(path, "output " + i + " ('" + oa.name() + "') is %" + oa.value().name() + " vs %" + ob.value().name());
            }
        }
    }
}
