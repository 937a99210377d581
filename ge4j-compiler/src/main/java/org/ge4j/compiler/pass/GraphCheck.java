package org.ge4j.compiler.pass;

import java.util.HashSet;
import java.util.Set;
import org.ge4j.ir.ControlAnchor;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Graph;
import org.ge4j.ir.InDataAnchor;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.SchemaChecker;

/**
 * The invariants checked between passes: edges consistent on both ends, every value read is produced by
 * a live node of the same or an enclosing graph, graph outputs produced, the graph acyclic, value names
 * unique, and every node valid against its schema (arity, attributes, type constraints).
 */
public final class GraphCheck {
    private final OpRegistry registry;

    public GraphCheck(OpRegistry registry) { this.registry = registry; }

    /** Throws a {@link Ge4jException} describing the first violation found. */
    public void check(Graph g) {
        checkGraph(g, new HashSet<>());
    }

    private void checkGraph(Graph g, Set<String> names) {
        for (Node n : g.nodes()) {
            if (n.graph() != g) throw new Ge4jException(n.describe() + " is listed in graph '" + g.name() + "' but belongs to " + n.graph());
            for (InDataAnchor a : n.inputs()) {
                OutDataAnchor p = a.peer();
                if (p == null) continue;
                if (!p.peers().contains(a)) throw new Ge4jException(a + " reads %" + p.name() + " but the producer does not list it as a consumer");
                if (!visible(p.node(), g)) throw new Ge4jException(a + " reads %" + p.name() + " of " + p.node().describe() + ", which is not in this or an enclosing graph");
            }
            for (OutDataAnchor o : n.outputs()) {
                if (!names.add(o.name())) throw new Ge4jException("value name %" + o.name() + " is produced twice (again by " + n.describe() + ")");
                for (InDataAnchor c : o.peers())
                    if (c.peer() != o) throw new Ge4jException(o + " lists consumer " + c + " that reads another value");
                    else if (c.node().graph() == null) throw new Ge4jException(o + " is consumed by removed node " + c.node().describe());
            }
            for (ControlAnchor c : n.controlIn().peers())
                if (c.node().graph() != g) throw new Ge4jException(n.describe() + " has a control edge from " + c.node().describe() + " of another graph");
            checkSchema(n);
            for (Graph s : n.subgraphs()) {
                if (s.parentNode() != n) throw new Ge4jException("subgraph '" + s.name() + "' of " + n.describe() + " does not point back to its node");
                checkGraph(s, names);
            }
        }
        for (Graph.Output o : g.outputs())
            if (o.value().node().graph() == null || !visible(o.value().node(), g))
                throw new Ge4jException("graph '" + g.name() + "' output '" + o.name() + "' is %" + o.value().name() + " of a node not in the graph");
        g.topologicalOrder();
    }

    private static boolean visible(Node producer, Graph g) {
        for (Graph x = g; x != null; x = x.enclosingGraph()) if (producer.graph() == x && x.nodes().contains(producer)) return true;
        return false;
    }

    private void checkSchema(Node n) {
        OpSchema s = registry.schemaFor(n);
        if (s == null) throw GraphInference.unknownOp(n);
        SchemaChecker.check(n, s);
    }
}
