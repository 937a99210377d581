package org.ge4j.compiler.passes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ge4j.compiler.pass.Pass;
import org.ge4j.compiler.pass.PassContext;
import org.ge4j.compiler.pattern.OpFacts;
import org.ge4j.ir.Attr;
import org.ge4j.ir.ControlAnchor;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.GraphInference;

/**
 * Common subexpression elimination: two pure nodes of the same graph with the same op (domain, type),
 * equal attributes, the same inputs and output count compute the same values; the later one's uses move
 * to the earlier one and it is removed. Constants compare by content (type, shape and bytes). Nodes with
 * subgraphs, random ops and nodes with incoming control edges are left alone.
 */
public final class CommonSubexpressionElimination implements Pass {
    public static final String NAME = "cse";

    @Override public String name() { return NAME; }

    /** What makes two nodes interchangeable. Inputs compare by identity of the producing anchor. */
    private record Key(String domain, String type, Map<String, Attr> attrs, List<OutDataAnchor> inputs, int outputs, int contentHash) {}

    @Override public boolean run(Graph graph, PassContext ctx) {
        boolean changed = false;
        for (Graph g : Graphs.withSubgraphs(graph)) {
            Map<Key, Node> seen = new HashMap<>();
            for (Node n : g.topologicalOrder()) {
                if (n.graph() != g || !OpFacts.isPure(n, ctx.registry()) || !n.controlIn().peers().isEmpty()) continue;
                Key k = key(n);
                Node first = seen.putIfAbsent(k, n);
                if (first == null) continue;
                for (int i = 0; i < n.outputCount(); i++) {
                    OutDataAnchor keep = first.output(i), drop = n.output(i);
                    keep.setDesc(GraphInference.merge(drop.desc(), keep.desc()));
                    g.replaceAllUses(drop, keep);
                }
                for (ControlAnchor c : new ArrayList<>(n.controlOut().peers())) {
                    g.removeControlEdge(n, c.node());
                    g.addControlEdge(first, c.node());
                }
                g.removeNode(n);
                changed = true;
            }
        }
        return changed;
    }

    private static Key key(Node n) {
        List<OutDataAnchor> ins = new ArrayList<>(n.inputCount());
        for (int i = 0; i < n.inputCount(); i++) ins.add(n.inputValue(i));
        Tensor t = OpFacts.isConstantNode(n) ? n.attrTensor("value") : null;
        int h = t == null ? 0 : contentHash(t);
        return new Key(n.domain(), n.type(), Map.copyOf(n.attrs()), ins, n.outputCount(), h);
    }

    /** A hash of a constant's bytes, so equal-shaped constants with different contents rarely collide. */
    private static int contentHash(Tensor t) {
        if (t.dtype() == org.ge4j.ir.DataType.STRING) return Arrays.hashCode(t.toStringArray());
        byte[] b = t.byteSize() <= (1 << 16) ? t.toByteArray() : null;
        if (b != null) return Arrays.hashCode(b);
        long h = 1;
        var seg = t.segment();
        long step = Math.max(1, seg.byteSize() / 4096);
        for (long i = 0; i < seg.byteSize(); i += step) h = 31 * h + seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i);
        return Long.hashCode(h);
    }
}
