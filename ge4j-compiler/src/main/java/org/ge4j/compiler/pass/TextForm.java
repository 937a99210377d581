package org.ge4j.compiler.pass;

import java.util.stream.Collectors;
import org.ge4j.ir.Graph;
import org.ge4j.ir.InDataAnchor;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;

/** A plain text listing of a graph for dumps (one node per line, in topological order). */
final class TextForm {
    private TextForm() {}

    static String render(Graph g) {
        StringBuilder sb = new StringBuilder("graph ").append(g.name()).append(" {\n");
        for (Node n : g.topologicalOrder()) {
            sb.append("  ");
            sb.append(n.outputs().stream().map(o -> "%" + o.name() + ": " + o.desc()).collect(Collectors.joining(", ")));
            sb.append(" = ").append(n.qualifiedType()).append("(");
            sb.append(n.inputs().stream().map(InDataAnchor::peer).map(p -> p == null ? "_" : "%" + p.name()).collect(Collectors.joining(", ")));
            sb.append(")");
            if (!n.attrs().isEmpty()) sb.append(" ").append(n.attrs());
            sb.append("  # ").append(n.name()).append('\n');
        }
        for (Graph.Output o : g.outputs()) sb.append("  return ").append(o.name()).append(" = %").append(o.value().name()).append('\n');
        return sb.append("}\n").toString();
    }

}
