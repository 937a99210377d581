package org.ge4j.ops.onnx.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.util.NodeRunner;

/** Shared helpers for the NN op tests: build attributes and tensors, run one node, compare values. */
final class NnTesting {
    private NnTesting() {}

    static final NodeRunner RUNNER = new NodeRunner(OpRegistry.global());

    /** Attributes from name/value pairs: Integer/Long -> int, Float/Double -> float, String, long[], float[]. */
    static Map<String, Attr> attrs(Object... kv) {
        Map<String, Attr> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            Attr a = switch (v) {
                case Integer x -> Attr.of((long) x);
                case Long x -> Attr.of((long) x);
                case Float x -> Attr.of((float) x);
                case Double x -> Attr.of((float) (double) x);
                case String x -> Attr.of(x);
                case long[] x -> Attr.of(x);
                case float[] x -> Attr.of(x);
                case Attr x -> x;
                default -> throw new IllegalArgumentException("attr " + v);
            };
            m.put((String) kv[i], a);
        }
        return m;
    }

    static long[] shape(long... s) { return s; }

    static Tensor t(DataType dt, long[] shape, double... v) { return Tensor.fromDoubles(dt, shape, v); }

    static Tensor f(long[] shape, double... v) { return t(DataType.FLOAT, shape, v); }

    static Tensor i64(long[] shape, long... v) { return Tensor.fromLongs(DataType.INT64, shape, v); }

    static double[] iota(int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return d;
    }

    static double[] fill(int n, double v) {
        double[] d = new double[n];
        Arrays.fill(d, v);
        return d;
    }

    /** Runs a node and returns all outputs. */
    static List<Value> run(String op, int opset, Map<String, Attr> attrs, int outputs, Tensor... in) {
        return RUNNER.run(op, opset, attrs, Arrays.asList(in), outputs);
    }

    static Tensor run1(String op, int opset, Map<String, Attr> attrs, Tensor... in) {
        return (Tensor) run(op, opset, attrs, 1, in).get(0);
    }

    static void assertTensor(Value v, DataType dt, long[] shape, double tol, double... expected) {
        assertThat(v).isInstanceOf(Tensor.class);
        Tensor t = (Tensor) v;
        assertThat(t.dtype()).isEqualTo(dt);
        assertThat(t.shape()).as("shape").containsExactly(shape);
        double[] got = t.toDoubleArray();
        assertThat(got.length).as("element count").isEqualTo(expected.length);
        for (int i = 0; i < got.length; i++) {
            if (Double.isNaN(expected[i])) assertThat(got[i]).as("element %d of %s", i, t).isNaN();
            else if (Double.isInfinite(expected[i])) assertThat(got[i]).as("element %d of %s", i, t).isEqualTo(expected[i]);
            else assertThat(got[i]).as("element %d of %s", i, t).isCloseTo(expected[i], within(tol));
        }
    }

    static void assertFloat(Value v, long[] shape, double... expected) { assertTensor(v, DataType.FLOAT, shape, 1e-5, expected); }

    static void assertLongs(Value v, DataType dt, long[] shape, long... expected) {
        Tensor t = (Tensor) v;
        assertThat(t.dtype()).isEqualTo(dt);
        assertThat(t.shape()).as("shape").containsExactly(shape);
        assertThat(t.toLongArray()).containsExactly(expected);
    }
}
