package org.ge4j.ops.onnx.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.OpException;
import org.ge4j.ops.util.NodeRunner;
import org.junit.jupiter.api.Test;

/** Expected values follow the pseudo code of the ONNX operator docs, evaluated in double precision. */
class TrainingOpsTest {
    private final NodeRunner runner = new NodeRunner(TestOps.REGISTRY);

    private List<Value> run(String op, Map<String, Attr> attrs, int outputs, Tensor... in) {
        return runner.run(TrainingOps.DOMAIN, op, 1, attrs, List.of(in), outputs);
    }

    private static double[] d(Value v) { return ((Tensor) v).toDoubleArray(); }

    @Test void adagradUpdatesTwoElements() {
        Map<String, Attr> a = Map.of("norm_coefficient", Attr.of(0.001f), "epsilon", Attr.of(1e-5f), "decay_factor", Attr.of(0.1f));
        try (Tensor r = Tensor.scalar(org.ge4j.ir.DataType.DOUBLE, 0.1); Tensor t = Tensor.scalar(1L);
             Tensor x = Tensor.of(new double[] {1, 2}); Tensor g = Tensor.of(new double[] {-1, 0.5}); Tensor h = Tensor.of(new double[] {2, 0})) {
            List<Value> out = run("Adagrad", a, 2, r, t, x, g, h);
            assertThat(d(out.get(0))).containsExactly(new double[] {1.0524510767560185, 1.9090927199929013}, within(1e-6));
            assertThat(d(out.get(1))).containsExactly(new double[] {2.998001, 0.252004}, within(1e-6));
            out.forEach(Value::close);
        }
    }

    @Test void adamWithBiasCorrectionAndPostRegularisation() {
        Map<String, Attr> a = Map.of("norm_coefficient", Attr.of(0.001f), "norm_coefficient_post", Attr.of(0.01f),
                "alpha", Attr.of(0.95f), "beta", Attr.of(0.1f), "epsilon", Attr.of(1e-7f));
        try (Tensor r = Tensor.scalar(0.1f); Tensor t = Tensor.scalar(2L);
             Tensor x = Tensor.of(new float[] {1.2f, 2.8f}); Tensor g = Tensor.of(new float[] {-0.94f, -2.5f});
             Tensor v = Tensor.of(new float[] {1.7f, 3.6f}); Tensor h = Tensor.of(new float[] {0.1f, 0.1f})) {
            List<Value> out = run("Adam", a, 3, r, t, x, g, v, h);
            assertThat(d(out.get(0))).containsExactly(new double[] {-0.5796489049575512, 1.3680201120113311}, within(1e-4));
            assertThat(d(out.get(1))).containsExactly(new double[] {1.56806, 3.29514}, within(1e-4));
            assertThat(d(out.get(2))).containsExactly(new double[] {0.803210896, 5.622407056}, within(1e-4));
            out.forEach(Value::close);
        }
    }

    @Test void standardAndNesterovMomentum() {
        Map<String, Attr> a = new HashMap<>(Map.of("norm_coefficient", Attr.of(0.001f), "alpha", Attr.of(0.95f), "beta", Attr.of(0.1f),
                "mode", Attr.of("standard")));
        try (Tensor r = Tensor.scalar(0.1f); Tensor t = Tensor.scalar(0L);
             Tensor x = Tensor.of(new float[] {1.2f, 2.8f}); Tensor g = Tensor.of(new float[] {-0.94f, -2.5f});
             Tensor v = Tensor.of(new float[] {1.7f, 3.6f})) {
            List<Value> std = run("Momentum", a, 2, r, t, x, g, v);
            assertThat(d(std.get(0))).containsExactly(new double[] {1.13238, 2.70772}, within(1e-5));
            assertThat(d(std.get(1))).containsExactly(new double[] {0.6762, 0.9228}, within(1e-5));
            a.put("mode", Attr.of("nesterov"));
            List<Value> nes = run("Momentum", a, 2, r, t, x, g, v);
            assertThat(d(nes.get(0))).containsExactly(new double[] {1.229641, 2.962054}, within(1e-5));
            std.forEach(Value::close);
            nes.forEach(Value::close);
            a.put("mode", Attr.of("heavy"));
            assertThatThrownBy(() -> run("Momentum", a, 2, r, t, x, g, v)).isInstanceOf(OpException.class).hasMessageContaining("'mode'");
        }
    }

    @Test void inputCountMustMatchTheGroups() {
        try (Tensor r = Tensor.scalar(0.1f); Tensor t = Tensor.scalar(0L); Tensor x = Tensor.of(new float[] {1})) {
            assertThatThrownBy(() -> run("Adam", Map.of(), 3, r, t, x, x)).isInstanceOf(OpException.class)
                    .hasMessageContaining("4 groups of n tensors");
        }
    }

    @Test void gradientDifferentiatesTheGraphSliceFromXsToY() {
        // d = (a + b) * a  =>  dd/da = 2a + b, dd/db = a ; plus e = MatMul(d as row, w) for a matrix case
        var gb = org.ge4j.ops.api.GraphBuilder.create("grad").opset(17).opset("ai.onnx.preview.training", 1);
        var ia = gb.input("a", org.ge4j.ir.DataType.FLOAT, 2);
        var ib = gb.input("b", org.ge4j.ir.DataType.FLOAT, 2);
        var d = gb.mul(gb.add(ia, ib), ia);
        var s = gb.sigmoid(d);
        var grads = gb.op("ai.onnx.preview.training", "Gradient").in(ia, ib)
                .attr("xs", Attr.ofStrings(List.of("a", "b"))).attr("y", Attr.of(d.name())).outputs(2).call();
        var gs = gb.op("ai.onnx.preview.training", "Gradient").in(ia, ib)
                .attr("xs", Attr.ofStrings(List.of("a"))).attr("zs", Attr.ofStrings(List.of("b"))).attr("y", Attr.of(s.name())).outputs(1).call();
        var g = gb.output("da", grads.get(0)).output("db", grads.get(1)).output("dsa", gs.get(0)).build();
        try (Tensor x = Tensor.of(new float[] {1, -2}); Tensor y = Tensor.of(new float[] {3, 0.5f})) {
            Map<String, Value> out = new org.ge4j.ops.ReferenceInterpreter().run(g, Map.of("a", x, "b", y));
            assertThat(d(out.get("da"))).containsExactly(new double[] {5, -3.5}, within(1e-6));
            assertThat(d(out.get("db"))).containsExactly(new double[] {1, -2}, within(1e-6));
            // ds/da = sigmoid'(d) * (2a + b), d = [4, 3]
            double s0 = 1 / (1 + Math.exp(-4)), s1 = 1 / (1 + Math.exp(-3));
            assertThat(d(out.get("dsa"))).containsExactly(new double[] {s0 * (1 - s0) * 5, s1 * (1 - s1) * -3.5}, within(1e-6));
            out.values().forEach(Value::close);
        }
    }

    @Test void gradientNamesUnsupportedOps() {
        var gb = org.ge4j.ops.api.GraphBuilder.create("grad").opset(17).opset("ai.onnx.preview.training", 1);
        var ia = gb.input("a", org.ge4j.ir.DataType.FLOAT, 2);
        var sm = gb.softmax(ia, -1);
        var gr = gb.op("ai.onnx.preview.training", "Gradient").in(ia).attr("xs", Attr.ofStrings(List.of("a"))).attr("y", Attr.of(sm.name())).call1();
        var g = gb.output("g", gr).build();
        try (Tensor x = Tensor.of(new float[] {1, 2})) {
            assertThatThrownBy(() -> new org.ge4j.ops.ReferenceInterpreter().run(g, Map.of("a", x)))
                    .isInstanceOf(OpException.class).hasMessageContaining("Softmax").hasMessageContaining("not supported by Gradient");
        }
    }
}
