package org.ge4j.ops.onnx.tensor;

import java.util.ArrayList;
import java.util.Arrays;
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
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.util.NodeRunner;

/** Test support: running one node, building attributes and tensors, and inferring small graphs. */
final class T {
    private T() {}

    static final NodeRunner RUNNER = new NodeRunner(OpRegistry.global());

    /** Runs an op with one output. Null inputs are absent optional inputs. */
    static Tensor run(String type, int opset, Map<String, Attr> attrs, Tensor... inputs) {
        return (Tensor) RUNNER.run(type, opset, attrs, Arrays.asList(inputs), 1).get(0);
    }

    static List<Tensor> runN(String type, int opset, Map<String, Attr> attrs, int outputs, Tensor... inputs) {
        List<Tensor> l = new ArrayList<>();
        for (Value v : RUNNER.run(type, opset, attrs, Arrays.asList(inputs), outputs)) l.add((Tensor) v);
        return l;
    }

    /** Attributes from key/value pairs: Long/Integer, Float, String, long[], float[], Tensor, List of String. */
    static Map<String, Attr> attrs(Object... kv) {
        Map<String, Attr> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            Attr a = switch (v) {
                case Integer x -> Attr.of((long) x);
                case Long x -> Attr.of((long) x);
                case Float x -> Attr.of((float) x);
                case String x -> Attr.of(x);
                case long[] x -> Attr.of(x);
                case float[] x -> Attr.of(x);
                case Tensor x -> Attr.of(x);
                case List<?> x -> Attr.ofStrings(x.stream().map(Object::toString).toList());
                default -> throw new IllegalArgumentException("attr " + v);
            };
            m.put((String) kv[i], a);
        }
        return m;
    }

    static Tensor f32(float[] v, long... shape) { return Tensor.of(v, shape.length == 0 ? new long[] {v.length} : shape); }

    static Tensor i64(long[] v, long... shape) { return Tensor.of(v, shape.length == 0 ? new long[] {v.length} : shape); }

    static Tensor i32(int[] v, long... shape) { return Tensor.of(v, shape.length == 0 ? new long[] {v.length} : shape); }

    static Tensor bool(boolean[] v, long... shape) { return Tensor.of(v, shape.length == 0 ? new long[] {v.length} : shape); }

    static Tensor str(String[] v, long... shape) { return Tensor.of(v, shape.length == 0 ? new long[] {v.length} : shape); }

    static Tensor f16(double[] v, long... shape) { return Tensor.fromDoubles(DataType.FLOAT16, shape.length == 0 ? new long[] {v.length} : shape, v); }

    static Tensor scalarI64(long v) { return Tensor.scalar(v); }

    /** 0, 1, 2, ... as float of the given shape. */
    static Tensor iotaF(long... shape) {
        float[] v = new float[(int) Shape.elementCount(shape)];
        for (int i = 0; i < v.length; i++) v[i] = i;
        return Tensor.of(v, shape);
    }

    /** 0, 1, 2, ... as int64 of the given shape. */
    static Tensor iotaL(long... shape) {
        long[] v = new long[(int) Shape.elementCount(shape)];
        for (int i = 0; i < v.length; i++) v[i] = i;
        return Tensor.of(v, shape);
    }

    static String[] strings(Tensor t) { return t.toStringArray(); }

    /** A small graph for inference tests. */
    static final class G {
        final Graph g = new Graph("infer");

        G(int opset) { g.setOpset("", opset); }

        /** A graph input; dims as in {@link Shape#of(Object...)} (strings are symbolic). */
        OutDataAnchor input(DataType t, Object... dims) { return g.addInput("x" + g.inputs().size(), new TensorDesc(t, Shape.of(dims))); }

        OutDataAnchor input(TensorDesc d) { return g.addInput("x" + g.inputs().size(), d); }

        OutDataAnchor constant(Tensor t) {
            Node n = g.addNode("Constant", null, List.of(), 1);
            n.setAttr("value", Attr.of(t));
            return n.output(0);
        }

        Node node(String type, Map<String, Attr> attrs, int outputs, OutDataAnchor... inputs) {
            Node n = g.addNode(type, null, Arrays.asList(inputs), outputs);
            attrs.forEach(n::setAttr);
            return n;
        }

        /** Infers the whole graph and returns output 0 of {@code n}. */
        TensorDesc infer(Node n) {
            new GraphInference(OpRegistry.global(), true).infer(g);
            return n.output(0).desc();
        }

        /** Adds a node with one output, infers, returns its desc. */
        TensorDesc infer(String type, Map<String, Attr> attrs, OutDataAnchor... inputs) {
            return infer(node(type, attrs, 1, inputs));
        }
    }
}
