package org.ge4j.ops;

import java.util.ArrayList;
import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;

/**
 * Runs shape and type inference over a graph in topological order (and into subgraphs), writing the
 * results onto the output anchors. Known facts are kept where inference knows less (an inferred unknown
 * dim never overwrites a known one).
 */
public final class GraphInference {
    private final OpRegistry registry;
    private final boolean strict;

    /** @param strict when true, unknown ops and schema violations are errors; else such nodes are skipped */
    public GraphInference(OpRegistry registry, boolean strict) {
        this.registry = registry;
        this.strict = strict;
    }

    public void infer(Graph g) {
        for (Node n : g.topologicalOrder()) inferNode(n);
    }

    /** Infers one node (its inputs must already be described). */
    public void inferNode(Node n) {
        if (n.isData()) return;
        OpSchema s = registry.schemaFor(n);
        if (s == null) {
            if (strict) throw unknownOp(n);
            return;
        }
        if (strict) SchemaChecker.check(n, s);
        if (s.inference() == null) return;
        InferenceContext ctx = new InferenceContext(n, s, GraphInference::constantValue, this::inferSubgraph);
        try {
            s.inference().infer(ctx);
        } catch (OpException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new OpException(n, "shape inference failed: " + e, e);
        }
        TensorDesc[] r = ctx.results();
        for (int i = 0; i < r.length; i++) if (r[i] != null) n.output(i).setDesc(merge(n.output(i).desc(), r[i]));
    }

    private List<TensorDesc> inferSubgraph(Graph sub, List<TensorDesc> inputs) {
        List<OutDataAnchor> ins = sub.inputs();
        for (int i = 0; i < ins.size() && i < inputs.size(); i++)
            if (inputs.get(i) != null) ins.get(i).setDesc(merge(ins.get(i).desc(), inputs.get(i)));
        infer(sub);
        List<TensorDesc> out = new ArrayList<>();
        for (Graph.Output o : sub.outputs()) out.add(o.value().desc());
        return out;
    }

    public static OpException unknownOp(Node n) {
        int opset = n.graph() == null ? -1 : n.graph().opset(n.domain());
        return new OpException(n, "unknown op '" + n.type() + "' in domain '" + (n.domain().isEmpty() ? "ai.onnx" : n.domain()) + "' at opset "
                + (opset < 0 ? "(none imported)" : opset) + ": no op library registers it");
    }

    /** The value of an anchor produced by a {@code Constant} node, else null. */
    public static Tensor constantValue(OutDataAnchor a) {
        Node p = a.node();
        if (p.type().equals("Constant") && p.domain().isEmpty()) return p.attrTensor("value");
        return null;
    }

    /** Combines what was known with what inference found: inferred facts win unless they know less. */
    public static TensorDesc merge(TensorDesc old, TensorDesc inferred) {
        if (old == null || !old.isKnown() && !old.shape().hasRank()) return inferred;
        DataType t = inferred.dtype() != DataType.UNDEFINED ? inferred.dtype() : old.dtype();
        Shape s;
        if (!inferred.shape().hasRank()) s = old.shape();
        else if (!old.shape().hasRank() || old.shape().rank() != inferred.shape().rank()) s = inferred.shape();
        else {
            List<Dim> dims = new ArrayList<>();
            for (int i = 0; i < old.shape().rank(); i++) {
                Dim a = old.shape().dim(i), b = inferred.shape().dim(i);
                dims.add(b instanceof Dim.Unknown ? a : b instanceof Dim.Symbolic && a instanceof Dim.Static ? a : b);
            }
            s = Shape.of(dims);
        }
        return new TensorDesc(t, s, inferred.format(), inferred.kind());
    }
}
