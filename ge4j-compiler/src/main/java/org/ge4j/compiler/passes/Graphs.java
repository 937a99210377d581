package org.ge4j.compiler.passes;

import java.util.ArrayList;
import java.util.List;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;

/** Graph walking helpers shared by the passes. */
final class Graphs {
    private Graphs() {}

    /** {@code g} followed by every subgraph nested in it (outer graphs first). */
    static List<Graph> withSubgraphs(Graph g) {
        List<Graph> l = new ArrayList<>();
        l.add(g);
        for (int i = 0; i < l.size(); i++)
            for (Node n : l.get(i).nodes()) l.addAll(n.subgraphs());
        return l;
    }
}
