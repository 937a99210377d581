package org.ge4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.runtime.TestGraphs.assertClose;
import static org.ge4j.runtime.TestGraphs.closeAll;
import static org.ge4j.runtime.TestGraphs.random;
import static org.ge4j.runtime.TestGraphs.reference;
import static org.ge4j.runtime.TestGraphs.smallCnn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ge4j.compiler.OptLevel;
import org.ge4j.compiler.om.ModelDefinition.ExecutionMode;
import org.ge4j.compiler.plan.ExecutionPlan;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.junit.jupiter.api.Test;

class CompiledModelTest {
    @Test
    void staticModelMatchesTheInterpreterAtEveryLevel() {
        for (OptLevel level : OptLevel.values()) {
            try (Tensor x = random(9, 1, 3, 8, 8); CompiledModel m = CompiledModel.compile(smallCnn(1), CompileOptions.builder().optLevel(level).build())) {
                assertThat(m.mode()).isEqualTo(ExecutionMode.STATIC);
                ExecutionPlan plan = m.gears().get(0).plan();
                assertThat(plan.tasks()).noneMatch(t -> t.node().type().equals("Flatten")); // a view: no task
                assertThat(plan.arenaSize()).isLessThanOrEqualTo(plan.memory().naiveSize());
                Map<String, Tensor> out = m.run(Map.of("x", x));
                Map<String, Value> ref = reference(smallCnn(1), Map.of("x", x));
                for (String k : List.of("y", "conv")) assertClose(level + " " + k, out.get(k), (Tensor) ref.get(k), 1e-4f);
                closeAll(out);
                closeAll(ref);
                assertThat(m.report().level()).isEqualTo(level);
            }
        }
    }

    @Test
    void symbolicBatchIsPlannedOncePerShape() {
        try (CompiledModel m = CompiledModel.compile(smallCnn("N"))) {
            assertThat(m.mode()).isEqualTo(ExecutionMode.DYNAMIC);
            for (int n : new int[] {1, 3, 2, 3, 1}) {
                try (Tensor x = random(n, n, 3, 8, 8)) {
                    Map<String, Tensor> out = m.run(Map.of("x", x));
                    Map<String, Value> ref = reference(smallCnn("N"), Map.of("x", x));
                    assertThat(out.get("y").shape()).containsExactly(n, 10);
                    assertClose("y", out.get("y"), (Tensor) ref.get("y"), 1e-4f);
                    closeAll(out);
                    closeAll(ref);
                }
            }
            assertThat(m.dynamicPlans()).containsOnlyKeys("[1,3,8,8]", "[2,3,8,8]", "[3,3,8,8]");
            // the graph keeps its symbolic shapes after planning
            assertThat(m.graph().inputs().get(0).desc().shape()).isEqualTo(Shape.of("N", 3, 8, 8));
        }
    }

    @Test
    void dynamicPlansBeyondTheLimitAreDroppedLeastRecentlyUsedFirst() {
        try (CompiledModel m = CompiledModel.compile(smallCnn("N")).dynamicPlanLimit(2)) {
            for (int n : new int[] {1, 2, 1, 3, 2, 1}) {
                try (Tensor x = random(n, n, 3, 8, 8)) {
                    Map<String, Tensor> out = m.run(Map.of("x", x));
                    Map<String, Value> ref = reference(smallCnn("N"), Map.of("x", x));
                    assertClose("y at batch " + n, out.get("y"), (Tensor) ref.get("y"), 1e-4f);
                    closeAll(out);
                    closeAll(ref);
                }
                assertThat(m.dynamicPlans()).hasSizeLessThanOrEqualTo(2);
            }
            // 1 2 1 3: 2 is the least recently used when 3 comes; then 2 replaces 1, and 1 replaces 3
            assertThat(m.dynamicPlans()).containsOnlyKeys("[2,3,8,8]", "[1,3,8,8]");
            m.dynamicPlanLimit(1);
            assertThat(m.dynamicPlans()).containsOnlyKeys("[1,3,8,8]");
            assertThatThrownBy(() -> m.dynamicPlanLimit(0)).hasMessageContaining("at least 1");
        }
    }

    @Test
    void threadsRunManyShapesThroughABoundedPlanCache() throws Exception {
        try (CompiledModel m = CompiledModel.compile(smallCnn("N")).dynamicPlanLimit(1); ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Boolean>> fs = new ArrayList<>();
            for (int t = 0; t < 24; t++) {
                final int seed = t, n = 1 + t % 3;
                fs.add(pool.submit(() -> matchesReference(m, smallCnn("N"), seed, n)));
            }
            for (Future<Boolean> f : fs) assertThat(f.get()).isTrue();
            assertThat(m.dynamicPlans()).hasSize(1);
        }
    }

    @Test
    void threadsShareOneModel() throws Exception {
        try (CompiledModel m = CompiledModel.compile(smallCnn(1)); ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Boolean>> fs = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                final int seed = t;
                fs.add(pool.submit(() -> matchesReference(m, smallCnn(1), seed, 1)));
            }
            for (Future<Boolean> f : fs) assertThat(f.get()).isTrue();
        }
    }

    /** Runs {@code m} on a seeded input of batch {@code n} and compares output y with the interpreter on {@code graph}. */
    private static boolean matchesReference(CompiledModel m, Graph graph, int seed, int n) {
        try (Tensor x = random(seed, n, 3, 8, 8)) {
            Map<String, Tensor> out = m.run(Map.of("x", x));
            Map<String, Value> ref = reference(graph, Map.of("x", x));
            try {
                float[] av = out.get("y").toFloatArray(), ev = ((Tensor) ref.get("y")).toFloatArray();
                if (av.length != ev.length) return false;
                for (int i = 0; i < av.length; i++) if (Math.abs(av[i] - ev[i]) > 1e-4) return false;
                return true;
            } finally {
                closeAll(out);
                closeAll(ref);
            }
        }
    }

    @Test
    void callerOwnedOutputBuffersAreFilled() {
        try (CompiledModel m = CompiledModel.compile(smallCnn(1)); Tensor x = random(4, 1, 3, 8, 8);
             Tensor y = Tensor.allocate(DataType.FLOAT, 1, 10); Tensor conv = Tensor.allocate(DataType.FLOAT, 1, 4, 8, 8);
             Tensor wrong = Tensor.allocate(DataType.FLOAT, 1, 5)) {
            m.run(Map.of("x", x), Map.of("y", y, "conv", conv));
            Map<String, Value> ref = reference(smallCnn(1), Map.of("x", x));
            assertClose("y", y, (Tensor) ref.get("y"), 1e-4f);
            assertClose("conv", conv, (Tensor) ref.get("conv"), 1e-4f);
            closeAll(ref);
            assertThatThrownBy(() -> m.run(Map.of("x", x), Map.of("y", wrong, "conv", conv)))
                    .hasMessageContaining("the buffer for output 'y' must be f32[1,10], got f32[1,5]");
            assertThatThrownBy(() -> m.run(Map.of("x", x), Map.of("y", y))).hasMessageContaining("no buffer for output 'conv'");
        }
    }

    @Test
    void badInputsAreNamed() {
        try (CompiledModel m = CompiledModel.compile(smallCnn(1)); Tensor wrong = random(1, 1, 3, 4, 4); Tensor ints = Tensor.of(new long[] {1})) {
            assertThatThrownBy(() -> m.run(Map.of("x", wrong))).hasMessageContaining("input 'x' must have shape [1,3,8,8], got [1,3,4,4]");
            assertThatThrownBy(() -> m.run(Map.of())).hasMessageContaining("missing input 'x'");
            assertThatThrownBy(() -> m.run(Map.of("x", wrong, "nope", ints))).hasMessageContaining("no input 'nope'");
            assertThatThrownBy(() -> m.run(Map.of("x", ints))).hasMessageContaining("input 'x' must be f32, got i64");
        }
    }

    @Test
    void inputShapeFixesSymbolicDims() {
        try (CompiledModel m = CompiledModel.compile(smallCnn("N"), CompileOptions.builder().optInputShape("x:2,3,8,8").build()); Tensor x = random(3, 2, 3, 8, 8)) {
            assertThat(m.mode()).isEqualTo(ExecutionMode.STATIC);
            assertThat(m.inputs().get(0).shape()).isEqualTo(Shape.of(2, 3, 8, 8));
            Map<String, Tensor> out = m.run(Map.of("x", x));
            assertThat(out.get("y").shape()).containsExactly(2, 10);
            closeAll(out);
        }
        assertThatThrownBy(() -> CompiledModel.compile(smallCnn("N"), CompileOptions.builder().optInputShape("z:1,2").build()))
                .hasMessageContaining("'z', which is not an input of the model (inputs: [x])");
        assertThatThrownBy(() -> CompiledModel.compile(smallCnn("N"), CompileOptions.builder().optInputShape("x:1,3,8").build()))
                .hasMessageContaining("input 'x' has rank 4");
        assertThatThrownBy(() -> CompiledModel.compile(smallCnn(1), CompileOptions.builder().optInputShape("x:2,3,8,8").build()))
                .hasMessageContaining("dim 0 is 1 in the model, the input shape gives 2");
    }

    @Test
    void compileTakesTheGraphsConstantsIntoOneWeightsRegion() {
        Graph g = smallCnn(1);
        try (CompiledModel m = CompiledModel.compile(g)) {
            long base = m.weights().address(), end = base + m.weights().byteSize();
            int constants = 0;
            for (var n : m.graph().nodes()) {
                Tensor c = org.ge4j.ops.GraphInference.constantValue(n.outputCount() == 1 ? n.output(0) : null);
                if (n.outputCount() != 1 || c == null) continue;
                constants++;
                assertThat(c.isOwner()).isFalse();
                assertThat(c.segment().address()).isBetween(base, end - 1);
                assertThat(c.segment().address() % 64).isZero();
            }
            assertThat(constants).isEqualTo(m.definition().weights().entries().size()).isPositive();
        }
    }
}
