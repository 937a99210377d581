package org.ge4j.compiler.passes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ge4j.compiler.pass.Pass;
import org.ge4j.compiler.pass.PassContext;
import org.ge4j.compiler.pattern.OpFacts;
import org.ge4j.ir.ControlAnchor;
import org.ge4j.ir.Graph;
import org.ge4j.ir.InDataAnchor;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ops.OpSchema;

/**
 * Dead code elimination. A node is live when a graph output depends on it (through data, control or
 * subgraph-capture edges) or when it may have effects (not pure, not random, or unknown to the registry).
 * Everything else is removed: unused pure nodes and whole unreachable regions, in every subgraph. Trailing
 * outputs nobody uses are dropped from subgraph-less nodes when the schema makes them optional (Dropout's
 * mask, BatchNormalization's running statistics). Graph inputs are never removed.
 */
public final class DeadCodeElimination implements Pass {
    public static final String NAME = "dce";

    @Override public String name() { return NAME; }

    @Override public boolean run(Graph graph, PassContext ctx) {
        boolean changed = false;
        // inner graphs first, so a subgraph's dead nodes do not keep outer values alive through captures
        List<Graph> graphs = Graphs.withSubgraphs(graph);
        for (int i = graphs.size() - 1; i >= 0; i--) changed |= sweep(graphs.get(i), ctx);
        for (Graph g : graphs) if (g.parentNode() == null || g.parentNode().graph() != null) changed |= dropUnusedOutputs(g, ctx);
        return changed;
    }

    private static boolean sweep(Graph g, PassContext ctx) {
        if (g.parentNode() != null && g.parentNode().graph() == null) return false;
        Set<Node> live = new HashSet<>();
        ArrayDeque<Node> work = new ArrayDeque<>();
        for (Graph.Output o : g.outputs()) mark(o.value().node(), g, live, work);
        for (Node n : g.nodes()) if (n.isData() || !OpFacts.isRemovableWhenUnused(n, ctx.registry())) mark(n, g, live, work);
        while (!work.isEmpty()) {
            Node n = work.poll();
            for (InDataAnchor a : n.inputs()) if (a.peer() != null) mark(a.peer().node(), g, live, work);
            for (ControlAnchor c : n.controlIn().peers()) mark(c.node(), g, live, work);
            for (OutDataAnchor cap : n.capturedValues()) mark(cap.node(), g, live, work);
        }
        List<Node> dead = new ArrayList<>();
        for (Node n : g.nodes()) if (!live.contains(n)) dead.add(n);
        if (dead.isEmpty()) return false;
        for (Node n : dead) {
            for (OutDataAnchor o : n.outputs()) for (InDataAnchor c : new ArrayList<>(o.peers())) c.disconnect(); // consumers are dead too
        }
        for (Node n : dead) g.removeNode(n);
        return true;
    }

    private static void mark(Node n, Graph g, Set<Node> live, ArrayDeque<Node> work) {
        if (n.graph() == g && live.add(n)) work.add(n);
    }

    /** Rebuilds nodes whose trailing outputs are unused and optional, without those outputs. */
    private static boolean dropUnusedOutputs(Graph g, PassContext ctx) {
        boolean changed = false;
        for (Node n : new ArrayList<>(g.nodes())) {
            if (n.isData() || !n.subgraphs().isEmpty() || n.outputCount() <= 1) continue;
            OpSchema s = ctx.registry().schemaFor(n);
            if (s == null) continue;
            int keep = n.outputCount();
            while (keep > Math.max(1, s.minOutputs()) && !n.output(keep - 1).isUsed()) keep--;
            if (keep == n.outputCount()) continue;
            rebuildWithOutputs(n, keep);
            changed = true;
        }
        return changed;
    }

    private static void rebuildWithOutputs(Node n, int keep) {
        Graph g = n.graph();
        Node m = g.addNode(n.domain(), n.type(), n.name(), 0);
        for (int i = 0; i < n.inputCount(); i++) m.addInput(n.inputValue(i));
        n.attrs().forEach(m::setAttr);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < keep; i++) {
            names.add(n.output(i).name());
            m.addOutput(n.output(i).name(), n.output(i).desc());
            g.replaceAllUses(n.output(i), m.output(i));
        }
        for (ControlAnchor c : new ArrayList<>(n.controlIn().peers())) g.addControlEdge(c.node(), m);
        for (ControlAnchor c : new ArrayList<>(n.controlOut().peers())) g.addControlEdge(m, c.node());
        g.removeNode(n);
        for (int i = 0; i < keep; i++) m.output(i).setName(names.get(i));
    }
}
