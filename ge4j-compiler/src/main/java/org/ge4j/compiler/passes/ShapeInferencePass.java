package org.ge4j.compiler.passes;

import java.util.IdentityHashMap;
import java.util.Map;
import org.ge4j.compiler.pass.Pass;
import org.ge4j.compiler.pass.PassContext;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.TensorDesc;

/**
 * Shape and type inference over the whole graph with the ops' inference functions: static and symbolic
 * dims, constant shape inputs read. Known facts are never lost (an inferred unknown keeps a known dim).
 * Runs first and again after rewriting passes, which may have made more inputs constant.
 */
public final class ShapeInferencePass implements Pass {
    public static final String NAME = "infer-shapes";

    @Override public String name() { return NAME; }

    @Override public boolean run(Graph graph, PassContext ctx) {
        Map<OutDataAnchor, TensorDesc> before = new IdentityHashMap<>();
        for (Node n : graph.allNodes()) for (OutDataAnchor o : n.outputs()) before.put(o, o.desc());
        ctx.inference().infer(graph);
        for (Node n : graph.allNodes())
            for (OutDataAnchor o : n.outputs())
                if (!o.desc().equals(before.get(o))) return true;
        return false;
    }
}
