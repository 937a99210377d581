package org.ge4j.ops.onnx.elementwise;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.util.NodeRunner;

/** Test helpers: run one node with the reference kernel, or infer one node's output description. */
final class Ops {
    private Ops() {}

    static final NodeRunner RUNNER = new NodeRunner(OpRegistry.global());

    static Tensor run(String op, int opset, Map<String, Attr> attrs, Tensor... inputs) {
        return (Tensor) RUNNER.run(op, opset, attrs, Arrays.asList(inputs), 1).get(0);
    }

    static Tensor run(String op, int opset, Tensor... inputs) { return run(op, opset, Map.of(), inputs); }

    /** Attributes from alternating name, value pairs (Long, Float, String, long[]). */
    static Map<String, Attr> attrs(Object... kv) {
        Map<String, Attr> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            Attr a = switch (v) {
                case Long l -> Attr.of(l);
                case Integer n -> Attr.of((long) n);
                case Float f -> Attr.of(f);
                case String s -> Attr.of(s);
                case long[] ls -> Attr.of(ls);
                default -> throw new IllegalArgumentException(String.valueOf(v));
            };
            m.put((String) kv[i], a);
        }
        return m;
    }

    /** Strict inference of one node whose inputs have the given descriptions; returns output 0's description. */
    static TensorDesc infer(String op, int opset, Map<String, Attr> attrs, TensorDesc... inputs) {
        Graph g = new Graph(op + "_infer");
        g.setOpset("", opset);
        Node n = g.addNode("", op, op, 0);
        for (int i = 0; i < inputs.length; i++) n.addInput(inputs[i] == null ? null : g.addInput("in" + i, inputs[i]));
        if (attrs != null) attrs.forEach(n::setAttr);
        g.addOutput(n.addOutput("out", null));
        new GraphInference(OpRegistry.global(), true).infer(g);
        return n.output(0).desc();
    }

    static Tensor f32(float[] v, long... shape) { return Tensor.of(v, shape); }

    static Tensor typed(DataType t, double[] v, long... shape) { return Tensor.fromDoubles(t, shape.length == 0 ? new long[] {v.length} : shape, v); }

    static Tensor longs(DataType t, long[] v, long... shape) { return Tensor.fromLongs(t, shape.length == 0 ? new long[] {v.length} : shape, v); }
}
