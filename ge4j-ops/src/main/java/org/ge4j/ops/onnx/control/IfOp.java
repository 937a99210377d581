package org.ge4j.ops.onnx.control;

import java.util.List;
import java.util.Set;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.Value;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * ONNX {@code If}: runs {@code then_branch} or {@code else_branch} (subgraphs without inputs that may read
 * values of the enclosing graphs) depending on a boolean scalar. Inference infers both branches and gives
 * each output the union of the two possible descriptions.
 */
public final class IfOp {
    private IfOp() {}

    public static void register(OpRegistry r) {
        r.register(schema(1, ControlTypes.TENSOR));
        r.register(schema(11, ControlTypes.TENSOR));
        r.register(schema(13, ControlTypes.TENSOR));  // + sequences
        r.register(schema(16, ControlTypes.TENSOR_BF16)); // + optionals, bfloat16
        r.registerReference("If", IfOp::compute);
    }

    private static OpSchema schema(int since, Set<DataType> v) {
        return OpSchema.onnx("If", since)
                .doc("Runs then_branch when cond is true, else else_branch; outputs are the branch's outputs.")
                .input("cond", "B")
                .variadicOutput("outputs", "V", 1)
                .types("B", DataType.BOOL).types("V", v)
                .requiredAttr("then_branch", AttrType.GRAPH)
                .requiredAttr("else_branch", AttrType.GRAPH)
                .traits(Trait.CONTROL_FLOW)
                .inference(IfOp::infer)
                .build();
    }

    static void infer(InferenceContext ctx) {
        TensorDesc cond = Descs.requireTensor(ctx, 0);
        if (cond.shape().hasRank() && cond.shape().elementCount() > 1)
            throw ctx.fail("input 0 ('cond') must hold a single boolean, got shape " + cond.shape());
        Graph thenG = ctx.attrs().requireGraph("then_branch");
        Graph elseG = ctx.attrs().requireGraph("else_branch");
        checkNoInputs(ctx, thenG, "then_branch");
        checkNoInputs(ctx, elseG, "else_branch");
        List<TensorDesc> t = ctx.inferSubgraph(thenG, List.of());
        List<TensorDesc> e = ctx.inferSubgraph(elseG, List.of());
        if (t.size() != e.size())
            throw ctx.fail("then_branch has " + t.size() + " outputs but else_branch has " + e.size() + "; they must agree");
        if (ctx.outputCount() > t.size())
            throw ctx.fail("has " + ctx.outputCount() + " outputs but its branches produce " + t.size());
        for (int i = 0; i < ctx.outputCount(); i++) {
            TensorDesc u = Descs.union(t.get(i), e.get(i));
            if (u == null)
                throw ctx.fail("output " + i + " is " + t.get(i) + " in then_branch but " + e.get(i) + " in else_branch; element types must agree");
            if (t.get(i).isKnown() && e.get(i).isKnown() && t.get(i).kind() != e.get(i).kind())
                throw ctx.fail("output " + i + " is a " + t.get(i).kind() + " in then_branch but a " + e.get(i).kind() + " in else_branch");
            ctx.setOutput(i, u);
        }
    }

    private static void checkNoInputs(InferenceContext ctx, Graph g, String attr) {
        if (!g.inputs().isEmpty())
            throw ctx.fail("attribute '" + attr + "' must be a graph without inputs, it has " + g.inputs().size());
    }

    static void compute(KernelContext ctx) {
        boolean cond = Values.scalarBool(ctx, ctx.value(0), "input 0 ('cond')");
        String branch = cond ? "then_branch" : "else_branch";
        Graph g = ctx.attrs().requireGraph(branch);
        List<Value> out = ctx.runSubgraph(g, List.of());
        if (out.size() < ctx.outputCount()) {
            Values.closeAll(out);
            throw ctx.fail(branch + " produced " + out.size() + " values but the node has " + ctx.outputCount() + " outputs");
        }
        for (int i = 0; i < out.size(); i++) ctx.setOutput(i, out.get(i)); // extras are closed by setOutput
    }
}
