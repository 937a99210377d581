package org.ge4j.ops.util;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.Value;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.ReferenceInterpreter;

/**
 * Runs a single op on concrete inputs: builds a one-node graph, runs strict shape inference, runs the
 * kernel, and checks that each output agrees with the inferred type and shape. For tests and tools.
 */
public final class NodeRunner {
    private final OpRegistry registry;
    private final String provider;

    public NodeRunner(OpRegistry registry) { this(registry, OpRegistry.REFERENCE); }

    public NodeRunner(OpRegistry registry, String provider) {
        this.registry = registry;
        this.provider = provider;
    }

    /** Inputs may contain nulls (absent optional inputs). Returned values are owned by the caller. */
    public List<Value> run(String type, int opset, Map<String, Attr> attrs, List<? extends Value> inputs, int numOutputs) {
        return run("", type, opset, attrs, inputs, numOutputs);
    }

    public List<Value> run(String domain, String type, int opset, Map<String, Attr> attrs, List<? extends Value> inputs, int numOutputs) {
        Graph g = new Graph(type + "_test");
        g.setOpset(domain, opset);
        if (!domain.isEmpty()) g.setOpset("", Math.max(opset, 1));
        Map<String, Value> feeds = new LinkedHashMap<>();
        List<OutDataAnchor> ins = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Value v = inputs.get(i);
            if (v == null) {
                ins.add(null);
                continue;
            }
            String name = "in" + i;
            TensorDesc d = switch (v) {
                case Tensor t -> t.desc();
                case org.ge4j.ir.TensorSequence s -> new TensorDesc(s.elementType(), Shape.UNKNOWN_RANK).withKind(org.ge4j.ir.ValueKind.SEQUENCE);
                case org.ge4j.ir.OptionalValue o -> o.elementType().withKind(o.kind());
            };
            ins.add(g.addInput(name, d));
            feeds.put(name, v);
        }
        Node n = g.addNode(domain, type, type, 0);
        for (OutDataAnchor a : ins) n.addInput(a);
        if (attrs != null) attrs.forEach(n::setAttr);
        for (int i = 0; i < numOutputs; i++) g.addOutput(n.addOutput("out" + i, null));
        new GraphInference(registry, true).infer(g);
        Map<String, Value> out = new ReferenceInterpreter(registry, provider).run(g, feeds);
        List<Value> res = new ArrayList<>(out.values());
        for (int i = 0; i < res.size(); i++) checkAgainstInference(n, i, res.get(i));
        return res;
    }

    private static void checkAgainstInference(Node n, int i, Value v) {
        TensorDesc d = n.output(i).desc();
        if (!(v instanceof Tensor t)) return;
        if (d.dtype() != DataType.UNDEFINED && d.dtype() != t.dtype())
            throw new Ge4jException(n.describe() + ": output " + i + " inferred as " + d.dtype() + " but kernel produced " + t.dtype());
        if (d.shape().hasRank()) {
            if (d.shape().rank() != t.rank())
                throw new Ge4jException(n.describe() + ": output " + i + " inferred shape " + d.shape() + " but kernel produced " + Shape.toString(t.shape()));
            for (int k = 0; k < t.rank(); k++) {
                long s = d.shape().dim(k).valueOr(-1);
                if (s >= 0 && s != t.dim(k))
                    throw new Ge4jException(n.describe() + ": output " + i + " inferred shape " + d.shape() + " but kernel produced " + Shape.toString(t.shape()));
            }
        }
    }

    /** Convenience: one output tensor. */
    public Tensor run1(String type, int opset, Map<String, Attr> attrs, Value... inputs) {
        return (Tensor) run(type, opset, attrs, java.util.Arrays.asList(inputs), 1).get(0);
    }
}
