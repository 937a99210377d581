package org.ge4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ge4j.compiler.plan.ExecutionPlan;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.ReferenceInterpreter;
import org.ge4j.ops.api.GraphBuilder;
import org.junit.jupiter.api.Test;

class SessionTest {
    static Tensor random(long seed, long... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(Shape.elementCount(shape))];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        return Tensor.of(v, shape);
    }

    /** conv -> relu -> reshape (a view) -> matmul -> add -> relu (in place), plus the conv output itself. */
    static Graph smallCnn(Object batch) {
        GraphBuilder b = GraphBuilder.create("small_cnn").opset(17);
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of(batch, 3, 8, 8));
        OutDataAnchor c = b.conv(x, b.constant("w", random(1, 4, 3, 3, 3)), b.constant("b", random(2, 4)), 1, 1, 1);
        OutDataAnchor r = b.relu(c);
        OutDataAnchor f = b.flatten(r, 1);
        OutDataAnchor m = b.add(b.matMul(f, b.constant("w2", random(3, 256, 10))), b.constant("b2", random(4, 10)));
        OutDataAnchor y = b.relu(m);
        return b.output("y", y).output("conv", c).build();
    }

    static Map<String, Value> reference(Graph g, Tensor x) { return new ReferenceInterpreter().run(g, Map.of("x", x)); }

    @Test
    void staticExecutorMatchesTheInterpreter() {
        Graph g = smallCnn(1);
        try (Tensor x = random(9, 1, 3, 8, 8); Session s = Session.create(smallCnn(1))) {
            assertThat(s.mode()).isEqualTo(Session.Mode.STATIC);
            ExecutionPlan plan = s.staticModel().plan();
            // the flatten is a view: no task for it
            assertThat(plan.tasks()).noneMatch(t -> t.node().type().equals("Flatten"));
            assertThat(plan.arenaSize()).isLessThanOrEqualTo(plan.memory().naiveSize());
            Map<String, Tensor> out = s.run(Map.of("x", x));
            Map<String, Value> ref = reference(g, x);
            for (String k : List.of("y", "conv")) {
                try (Tensor a = out.get(k); Tensor e = (Tensor) ref.get(k)) {
                    assertThat(a.shape()).containsExactly(e.shape());
                    float[] av = a.toFloatArray(), ev = e.toFloatArray();
                    for (int i = 0; i < av.length; i++) assertThat(av[i]).as(k + "[" + i + "]").isCloseTo(ev[i], org.assertj.core.data.Offset.offset(1e-4f));
                }
            }
        }
    }

    @Test
    void dynamicBatchPlansPerShapeAndMatches() {
        try (Session s = Session.create(smallCnn("N"))) {
            assertThat(s.mode()).isEqualTo(Session.Mode.DYNAMIC);
            for (int n : new int[] {1, 3, 2, 3}) {
                try (Tensor x = random(n, n, 3, 8, 8)) {
                    Map<String, Tensor> out = s.run(Map.of("x", x));
                    Map<String, Value> ref = reference(smallCnn("N"), x);
                    try (Tensor a = out.get("y"); Tensor e = (Tensor) ref.get("y")) {
                        assertThat(a.shape()).containsExactly(n, 10);
                        assertThat(a.toFloatArray()).usingComparatorWithPrecision(1e-4f).containsExactly(e.toFloatArray());
                    }
                    out.get("conv").close();
                    ref.get("conv").close();
                }
            }
            // the graph keeps its symbolic shapes after planning
            assertThat(s.graph().inputs().get(0).desc().shape()).isEqualTo(Shape.of("N", 3, 8, 8));
        }
    }

    @Test
    void threadsShareOneSession() throws Exception {
        Graph g = smallCnn(1);
        try (Session s = Session.create(smallCnn(1)); ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Boolean>> fs = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                final int seed = t;
                fs.add(pool.submit(() -> {
                    try (Tensor x = random(seed, 1, 3, 8, 8)) {
                        Map<String, Tensor> out = s.run(Map.of("x", x));
                        Map<String, Value> ref = reference(g, x);
                        try (Tensor a = out.get("y"); Tensor e = (Tensor) ref.get("y")) {
                            out.get("conv").close();
                            ref.get("conv").close();
                            float[] av = a.toFloatArray(), ev = e.toFloatArray();
                            for (int i = 0; i < av.length; i++) if (Math.abs(av[i] - ev[i]) > 1e-4) return false;
                            return true;
                        }
                    }
                }));
            }
            for (Future<Boolean> f : fs) assertThat(f.get()).isTrue();
        }
    }

    @Test
    void badInputsAreNamed() {
        try (Session s = Session.create(smallCnn(1)); Tensor wrong = random(1, 1, 3, 4, 4); Tensor ints = Tensor.of(new long[] {1})) {
            assertThatThrownBy(() -> s.run(Map.of("x", wrong))).hasMessageContaining("input 'x' must have shape [1,3,8,8], got [1,3,4,4]");
            assertThatThrownBy(() -> s.run(Map.of())).hasMessageContaining("missing input 'x'");
            assertThatThrownBy(() -> s.run(Map.of("x", wrong, "nope", ints))).hasMessageContaining("no input 'nope'");
        }
    }
}
