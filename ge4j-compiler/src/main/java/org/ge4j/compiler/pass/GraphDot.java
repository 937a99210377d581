package org.ge4j.compiler.pass;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.ControlAnchor;
import org.ge4j.ir.Graph;
import org.ge4j.ir.InDataAnchor;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;

/**
 * Writes a graph as Graphviz DOT: ops as boxes (fused ops of the ge4j domain filled), inputs and outputs
 * as ellipses, data edges labelled with the value's name and type, control edges dashed, subgraphs as
 * clusters. Render with {@code dot -Tsvg g.dot -o g.svg}.
 */
public final class GraphDot {
    private final StringBuilder sb = new StringBuilder();
    private final Map<Node, String> ids = new HashMap<>();
    private int next;

    private GraphDot() {}

    public static String render(Graph g) {
        GraphDot d = new GraphDot();
        d.sb.append("digraph ").append(quote(g.name())).append(" {\n");
        d.sb.append("  rankdir=TB;\n  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=8];\n");
        d.body(g, "  ");
        d.sb.append("}\n");
        return d.sb.toString();
    }

    private String id(Node n) { return ids.computeIfAbsent(n, k -> "n" + next++); }

    private void body(Graph g, String indent) {
        List<Node> order = g.topologicalOrder();
        for (Node n : order) {
            if (n.isData()) {
                sb.append(indent).append(id(n)).append(" [shape=ellipse, label=").append(quote(n.output(0).name() + "\n" + n.output(0).desc())).append("];\n");
                continue;
            }
            String style = n.domain().equals(Node.GE4J_DOMAIN) ? ", style=filled, fillcolor=\"#cfe8ff\"" : "";
            sb.append(indent).append(id(n)).append(" [label=").append(quote(n.qualifiedType() + "\n" + n.name())).append(style).append("];\n");
            List<Graph> subs = n.subgraphs();
            for (int i = 0; i < subs.size(); i++) {
                Graph s = subs.get(i);
                String cid = "cluster_" + id(n) + "_" + i;
                sb.append(indent).append("subgraph ").append(cid).append(" {\n");
                sb.append(indent).append("  label=").append(quote(n.name() + "." + s.name())).append(";\n");
                body(s, indent + "  ");
                sb.append(indent).append("}\n");
            }
        }
        for (Node n : order) {
            for (InDataAnchor a : n.inputs()) {
                OutDataAnchor p = a.peer();
                if (p == null || !ids.containsKey(p.node())) continue;
                sb.append(indent).append(id(p.node())).append(" -> ").append(id(n)).append(" [label=").append(quote(p.name() + " " + p.desc())).append("];\n");
            }
            for (ControlAnchor c : n.controlIn().peers())
                if (ids.containsKey(c.node())) sb.append(indent).append(id(c.node())).append(" -> ").append(id(n)).append(" [style=dashed];\n");
        }
        for (Graph.Output o : g.outputs()) {
            String oid = "out" + next++;
            sb.append(indent).append(oid).append(" [shape=ellipse, style=bold, label=").append(quote(o.name())).append("];\n");
            if (ids.containsKey(o.value().node()))
                sb.append(indent).append(id(o.value().node())).append(" -> ").append(oid).append(" [label=").append(quote(o.value().desc().toString())).append("];\n");
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
