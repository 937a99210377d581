package org.ge4j.ops.onnx.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.Value;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.SchemaChecker;
import org.ge4j.ops.util.NodeRunner;

/** Test helpers: run one node, build attribute maps, compare values, infer with constant inputs. */
final class Fixtures {
    private Fixtures() {}

    static final NodeRunner RUNNER = new NodeRunner(OpRegistry.global());

    /** Attribute map from alternating name, value pairs (Long/Integer, Float/Double, String, long[], float[], List of strings). */
    static Map<String, Attr> attrs(Object... kv) {
        Map<String, Attr> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            String k = (String) kv[i];
            Object v = kv[i + 1];
            Attr a = switch (v) {
                case Integer n -> Attr.of((long) n);
                case Long n -> Attr.of(n);
                case Float f -> Attr.of(f);
                case Double d -> Attr.of(d.floatValue());
                case String s -> Attr.of(s);
                case long[] l -> Attr.of(l);
                case float[] f -> Attr.of(f);
                case List<?> l -> Attr.ofStrings(l.stream().map(Object::toString).toList());
                default -> throw new IllegalArgumentException("attr " + k + ": " + v);
            };
            m.put(k, a);
        }
        return m;
    }

    /** Runs {@code type} at {@code opset} with {@code nOut} outputs; inputs may contain nulls. */
    static List<Tensor> run(String type, int opset, Map<String, Attr> attrs, int nOut, Tensor... inputs) {
        List<Value> out = RUNNER.run(type, opset, attrs, Arrays.asList(inputs), nOut);
        List<Tensor> r = new ArrayList<>();
        for (Value v : out) r.add((Tensor) v);
        return r;
    }

    static Tensor run1(String type, int opset, Map<String, Attr> attrs, Tensor... inputs) {
        return run(type, opset, attrs, 1, inputs).get(0);
    }

    static Tensor f32(long[] shape, double... v) { return Tensor.fromDoubles(DataType.FLOAT, shape, v); }

    static Tensor typed(DataType t, long[] shape, double... v) { return Tensor.fromDoubles(t, shape, v); }

    static long[] shape(long... d) { return d; }

    static void assertValues(Tensor t, double tol, double... expected) {
        double[] got = t.toDoubleArray();
        assertThat(got.length).as("element count of %s", t).isEqualTo(expected.length);
        for (int i = 0; i < got.length; i++) assertThat(got[i]).as("element %d of %s", i, t).isCloseTo(expected[i], within(tol));
    }

    static void assertLongs(Tensor t, long... expected) {
        assertThat(t.toLongArray()).as("%s", t).containsExactly(expected);
    }

    /**
     * Runs shape inference on one node whose inputs have the given descriptions; inputs listed in
     * {@code constants} (by index) are seen as constant values. Returns the inferred output descriptions.
     */
    static TensorDesc[] infer(String type, int opset, Map<String, Attr> attrs, int nOut, TensorDesc[] inputs, Map<Integer, Tensor> constants) {
        Graph g = new Graph("infer");
        g.setOpset("", opset);
        Node n = g.addNode("", type, type, 0);
        Map<OutDataAnchor, Tensor> consts = new LinkedHashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) {
                n.addInput(null);
                continue;
            }
            OutDataAnchor a = g.addInput("in" + i, inputs[i]);
            n.addInput(a);
            if (constants != null && constants.containsKey(i)) consts.put(a, constants.get(i));
        }
        if (attrs != null) attrs.forEach(n::setAttr);
        for (int i = 0; i < nOut; i++) n.addOutput("out" + i, null);
        OpSchema s = OpRegistry.global().schemaFor(n);
        assertThat(s).as("schema of %s-%d", type, opset).isNotNull();
        SchemaChecker.check(n, s);
        InferenceContext ctx = new InferenceContext(n, s, consts::get, null);
        s.inference().infer(ctx);
        return ctx.results();
    }
}
