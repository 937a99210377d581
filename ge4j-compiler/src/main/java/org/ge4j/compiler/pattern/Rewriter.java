package org.ge4j.compiler.pattern;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ge4j.compiler.pass.PassContext;
import org.ge4j.ir.Attr;
import org.ge4j.ir.Graph;
import org.ge4j.ir.InDataAnchor;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * How patterns (and passes) change a graph: create nodes (their outputs are inferred at once), create
 * constants, redirect the uses of a value to another, erase nodes. It remembers what it touched so the
 * driver can revisit the neighbourhood, erase what became dead, and give replacement values the names of
 * the values they replace.
 */
public final class Rewriter {
    private final PassContext ctx;
    private final List<Node> created = new ArrayList<>();
    private final List<OutDataAnchor[]> replaced = new ArrayList<>();
    private final Set<Node> maybeDead = new LinkedHashSet<>();
    private boolean changed;

    public Rewriter(PassContext ctx) { this.ctx = ctx; }

    public PassContext context() { return ctx; }

    public OpRegistry registry() { return ctx.registry(); }

    public OpSchema schema(Node n) { return ctx.registry().schemaFor(n); }

    public boolean has(Node n, Trait t) { return OpFacts.has(n, t, ctx.registry()); }

    /** The compile-time value of {@code a}, or null when it is not a constant. */
    public Tensor constant(OutDataAnchor a) { return OpFacts.constant(a); }

    /**
     * Adds a node to {@code g}: inputs connected (null = absent), attributes set, {@code numOutputs} outputs,
     * and its outputs' types and shapes inferred. Nodes of the ge4j domain import it at version 1.
     */
    public Node create(Graph g, String domain, String type, String name, List<OutDataAnchor> inputs, Map<String, Attr> attrs, int numOutputs) {
        if (!domain.isEmpty() && g.opset(domain) < 0) g.setOpset(domain, 1);
        Node n = g.addNode(domain, type, name, 0);
        for (OutDataAnchor in : inputs) n.addInput(in);
        attrs.forEach(n::setAttr);
        for (int i = 0; i < numOutputs; i++) n.addOutput(n.name() + (numOutputs == 1 ? "" : "_" + i), null);
        created.add(n);
        changed = true;
        ctx.inference().inferNode(n);
        ShapeValues.refine(n);
        return n;
    }

    /** Adds a node of the ONNX domain with one output and returns that output. */
    public OutDataAnchor op(Graph g, String type, String name, List<OutDataAnchor> inputs, Map<String, Attr> attrs) {
        return create(g, Node.ONNX_DOMAIN, type, name, inputs, attrs, 1).output(0);
    }

    /** Adds a {@code Constant} node holding {@code value} (the graph takes ownership) and returns its output. */
    public OutDataAnchor constant(Graph g, String name, Tensor value) {
        Node n = g.addNode(Node.ONNX_DOMAIN, "Constant", name, 0);
        n.setAttr("value", new Attr.TensorValue(value));
        n.addOutput(name, value.desc());
        created.add(n);
        changed = true;
        return n.output(0);
    }

    /**
     * Redirects every use of {@code from} (consumers and graph outputs) to {@code to}. What was known about
     * {@code from} refines {@code to}'s description; {@code from}'s node is erased later if nothing else
     * uses it, and {@code to} then takes {@code from}'s name when {@code to} is a new node's value.
     */
    public void replace(OutDataAnchor from, OutDataAnchor to) {
        if (from == to) return;
        Graph g = from.node().graph();
        g.replaceAllUses(from, to);
        to.setDesc(GraphInference.merge(from.desc(), to.desc()));
        replaced.add(new OutDataAnchor[] {from, to});
        maybeDead.add(from.node());
        changed = true;
    }

    /** Replaces each output of {@code oldNode} by the same-index output of {@code newNode}. */
    public void replaceNode(Node oldNode, Node newNode) {
        for (int i = 0; i < oldNode.outputCount(); i++) replace(oldNode.output(i), newNode.output(i));
    }

    /** Erases {@code n} now; its outputs must be unused. Producers it read may become dead and are erased later. */
    public void erase(Node n) {
        for (InDataAnchor a : n.inputs()) if (a.peer() != null) maybeDead.add(a.peer().node());
        n.graph().removeNode(n);
        changed = true;
    }

    /** True when this rewriter has changed the graph since the last {@link #commit}. */
    public boolean hasChanges() { return changed; }

    /** Nodes created since the last commit. */
    public List<Node> created() { return List.copyOf(created); }

    /**
     * Finishes a rewrite: erases nodes left unused (and, transitively, their unused producers), renames
     * replacement values after the values they replaced, and returns the nodes worth revisiting (new
     * nodes and the consumers of replacement values).
     */
    public List<Node> commit() {
        ArrayList<Node> work = new ArrayList<>(maybeDead);
        while (!work.isEmpty()) {
            Node n = work.remove(work.size() - 1);
            if (n.graph() == null || !OpFacts.isUnused(n) || !OpFacts.isRemovableWhenUnused(n, ctx.registry())) continue;
            for (InDataAnchor a : n.inputs()) if (a.peer() != null) work.add(a.peer().node());
            n.graph().removeNode(n);
        }
        Set<Node> revisit = new LinkedHashSet<>();
        for (Node n : created) if (n.graph() != null) revisit.add(n);
        for (OutDataAnchor[] r : replaced) {
            OutDataAnchor from = r[0], to = r[1];
            if (from.node().graph() == null && created.contains(to.node()) && to.node().graph() != null) to.setName(from.name());
            for (InDataAnchor c : to.peers()) revisit.add(c.node());
            if (to.node().graph() != null) revisit.add(to.node());
        }
        created.clear();
        replaced.clear();
        maybeDead.clear();
        changed = false;
        return new ArrayList<>(revisit);
    }
}
