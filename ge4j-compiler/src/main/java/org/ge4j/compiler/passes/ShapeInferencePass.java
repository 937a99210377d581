package org.ge4j.compiler.passes;

import java.util.IdentityHashMap;
import java.util.Map;
import org.ge4j.compiler.pass.Pass;
import org.ge4j.compiler.pass.PassContext;
import org.ge4j.compiler.pattern.ShapeValues;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.TensorDesc;

/**
 * Shape and type inference over the whole graph with the ops' inference functions (static and symbolic
 * dims, constant shape inputs read), refined by symbolic shape-tensor values: where a {@code Reshape},
 * {@code Expand} or {@code ConstantOfShape} takes its shape from arithmetic on {@code Shape(x)}
 * ({@link ShapeValues}), the dims it selects, symbolic ones included, become the output's dims. Known facts
 * are never lost. Runs first and again after rewriting passes, which may have made more inputs constant.
 */
public final class ShapeInferencePass implements Pass {
    public static final String NAME = "infer-shapes";

    @Override public String name() { return NAME; }

    @Override public boolean run(Graph graph, PassContext ctx) {
        Map<OutDataAnchor, TensorDesc> before = new IdentityHashMap<>();
        for (Node n : graph.allNodes()) for (OutDataAnchor o : n.outputs()) before.put(o, o.desc());
        for (Node n : graph.topologicalOrder()) {
            ctx.inference().inferNode(n);
            ShapeValues.refine(n);
        }
        for (Node n : graph.allNodes())
            for (OutDataAnchor o : n.outputs())
                if (!o.desc().equals(before.get(o))) return true;
        return false;
    }
}
