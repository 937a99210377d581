package org.ge4j.ops.onnx.control;

import java.util.ArrayList;
import java.util.List;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.TensorSequence;
import org.ge4j.ir.Value;
import org.ge4j.ir.ValueKind;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * ONNX {@code SequenceMap} (opset 17): applies {@code body} to each position of the input sequence(s).
 * Sequence inputs contribute their i-th tensor, tensor inputs are passed whole every time; each body output
 * becomes a sequence of the per-position results.
 */
public final class SequenceMapOp {
    private SequenceMapOp() {}

    public static void register(OpRegistry r) {
        r.register(OpSchema.onnx("SequenceMap", 17)
                .doc("Applies body to each element of input_sequence (and of the other sequence inputs); outputs are sequences.")
                .input("input_sequence", "S")
                .variadicInput("additional_inputs", null, 0)
                .variadicOutput("out_sequence", "S", 1)
                .types("S", ControlTypes.TENSOR).types("V", ControlTypes.TENSOR)
                .requiredAttr("body", AttrType.GRAPH)
                .traits(Trait.CONTROL_FLOW)
                .inference(SequenceMapOp::infer)
                .build());
        r.registerReference("SequenceMap", SequenceMapOp::compute);
    }

    static void infer(InferenceContext ctx) {
        Graph body = ctx.attrs().requireGraph("body");
        if (body.inputs().size() != ctx.inputCount())
            throw ctx.fail("body has " + body.inputs().size() + " inputs but the node has " + ctx.inputCount());
        Descs.requireSequence(ctx, 0);
        List<TensorDesc> in = new ArrayList<>();
        for (int i = 0; i < ctx.inputCount(); i++) {
            TensorDesc d = ctx.requireInput(i);
            Descs.checkAllowed(ctx, i, d, ControlTypes.TENSOR);
            if (Descs.isOptional(d)) throw ctx.fail("input " + i + " must be a tensor or sequence, got " + d);
            in.add(Descs.isSequence(d) ? Descs.elementOf(d) : d);
        }
        List<TensorDesc> out = ctx.inferSubgraph(body, in);
        if (out.size() != ctx.outputCount())
            throw ctx.fail("body has " + out.size() + " outputs but the node has " + ctx.outputCount());
        for (int i = 0; i < out.size(); i++) {
            TensorDesc e = out.get(i);
            if (e.isKnown() && e.kind() != ValueKind.TENSOR) throw ctx.fail("body output " + i + " must be a tensor, got " + e);
            ctx.setOutput(i, Descs.sequenceOf(e.dtype(), e.shape()));
        }
    }

    static void compute(KernelContext ctx) {
        Graph body = ctx.attrs().requireGraph("body");
        TensorSequence first = SequenceOps.sequence(ctx, 0);
        int n = first.size();
        for (int i = 1; i < ctx.inputCount(); i++) {
            Value v = ctx.value(i);
            if (v == null) throw ctx.fail("input " + i + " is absent");
            if (v instanceof TensorSequence s && s.size() != n)
                throw ctx.fail("input " + i + " is a sequence of " + s.size() + " tensors but input 0 has " + n);
            if (!(v instanceof TensorSequence) && !(v instanceof Tensor))
                throw ctx.fail("input " + i + " must be a tensor or sequence, got a " + v.kind());
        }
        int k = body.outputs().size();
        List<List<Tensor>> results = new ArrayList<>();
        for (int j = 0; j < k; j++) results.add(new ArrayList<>());
        try {
            for (int p = 0; p < n; p++) {
                List<Value> in = new ArrayList<>();
                for (int i = 0; i < ctx.inputCount(); i++) {
                    Value v = ctx.value(i);
                    in.add(v instanceof TensorSequence s ? s.get(p) : v);
                }
                List<Value> out = ctx.runSubgraph(body, in);
                for (int j = 0; j < out.size(); j++) {
                    if (j < k && out.get(j) instanceof Tensor t) results.get(j).add(t);
                    else {
                        Values.closeAll(out.subList(j, out.size()));
                        throw ctx.fail("body output " + j + " must be a tensor, got a " + out.get(j).kind());
                    }
                }
            }
            for (int j = 0; j < k; j++) {
                List<Tensor> l = results.get(j);
                DataType t = l.isEmpty() ? body.outputs().get(j).value().desc().dtype() : l.get(0).dtype();
                if (t == DataType.UNDEFINED) throw ctx.fail("output " + j + " is empty and its element type is unknown (run shape inference first)");
                for (Tensor x : l)
                    if (x.dtype() != t) throw ctx.fail("body output " + j + " changes type across elements: " + x.dtype() + " vs " + t);
                ctx.setOutput(j, new TensorSequence(t, l));
                results.set(j, List.of());
            }
        } finally {
            for (List<Tensor> l : results) Values.closeAll(l);
        }
    }
}
