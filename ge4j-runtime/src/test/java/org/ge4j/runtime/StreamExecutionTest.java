package org.ge4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.runtime.TestGraphs.closeAll;
import static org.ge4j.runtime.TestGraphs.random;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ge4j.compiler.om.ModelDefinition.ExecutionMode;
import org.ge4j.compiler.plan.ExecutionPlan;
import org.ge4j.compiler.plan.PlanCheck;
import org.ge4j.compiler.plan.StreamPlan;
import org.ge4j.compiler.plan.StreamPlanner;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.api.GraphBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-stream execution: the same outputs as one stream and as the reference interpreter, over many runs
 * and many threads sharing one model, with or without free lane workers; stream plans survive the .om.
 */
class StreamExecutionTest {
    @TempDir Path dir;

    /**
     * {@code branches} branches of {@code depth} MatMul + activation layers over one input, joined by Adds;
     * branch 0 also feeds a second output. Distinct weights (no CSE).
     */
    static Graph branches(int branches, int depth) {
        GraphBuilder b = GraphBuilder.create("branches" + branches + "x" + depth).opset(17);
        OutDataAnchor x = b.input("x", DataType.FLOAT, 16, 64);
        OutDataAnchor top = b.tanh(b.matMul(x, b.constant(random(1, 64, 64))));
        OutDataAnchor y = null, first = null;
        for (int i = 0; i < branches; i++) {
            OutDataAnchor h = top;
            for (int d = 0; d < depth; d++) {
                OutDataAnchor m = b.matMul(h, b.constant(random(100 * i + d + 7, 64, 64)));
                h = (d + i) % 2 == 0 ? b.sigmoid(m) : b.tanh(m);
            }
            if (i == 0) first = h;
            y = y == null ? h : b.add(y, h);
        }
        return b.output("y", y).output("first", b.relu(first)).build();
    }

    static CompileOptions streams(int n) {
        return n == 1 ? CompileOptions.builder().optSwitches("streams:off").build()
                : CompileOptions.builder().optStreamOptions(StreamPlanner.Options.forced(n)).build();
    }

    private static Map<String, Tensor> run(CompiledModel m, Tensor x) { return m.run(Map.of("x", x)); }

    private static void assertSame(String what, Map<String, Tensor> a, Map<String, ? extends Value> b, double tol) {
        for (String k : List.of("y", "first")) {
            float[] x = a.get(k).toFloatArray(), y = ((Tensor) b.get(k)).toFloatArray();
            assertThat(x).hasSameSizeAs(y);
            for (int i = 0; i < x.length; i++)
                assertThat((double) x[i]).as(what + " " + k + "[" + i + "]").isCloseTo(y[i], org.assertj.core.data.Offset.offset(tol * (1 + Math.abs(y[i]))));
        }
    }

    @Test
    void multiStreamRunsMatchOneStreamAndTheInterpreter() {
        try (CompiledModel one = CompiledModel.compile(branches(3, 3), streams(1));
             CompiledModel two = CompiledModel.compile(branches(3, 3), streams(2));
             CompiledModel three = CompiledModel.compile(branches(3, 3), streams(3))) {
            assertThat(one.gears().get(0).plan().streams().streams()).isEqualTo(1);
            for (CompiledModel m : List.of(two, three)) {
                ExecutionPlan p = m.gears().get(0).plan();
                assertThat(p.streams().streams()).isGreaterThan(1);
                assertThat(p.streams().events()).isPositive();
                assertThat(PlanCheck.race(p)).isNull();
            }
            assertThat(three.gears().get(0).plan().streams().streams()).isEqualTo(3);
            for (int seed = 0; seed < 60; seed++) {
                try (Tensor x = random(seed, 16, 64)) {
                    Map<String, Tensor> a = run(one, x), b = run(two, x), c = run(three, x);
                    assertSame("2 streams vs 1, seed " + seed, b, a, 1e-6);
                    assertSame("3 streams vs 1, seed " + seed, c, a, 1e-6);
                    if (seed % 10 == 0) {
                        Map<String, Value> ref = TestGraphs.reference(branches(3, 3), Map.of("x", x));
                        assertSame("2 streams vs the interpreter, seed " + seed, b, ref, 1e-4);
                        closeAll(ref);
                    }
                    closeAll(a);
                    closeAll(b);
                    closeAll(c);
                }
            }
        }
    }

    @Test
    void threadsSharingAMultiStreamModelGetTheirOwnResults() throws Exception {
        int n = 12;
        List<Map<String, Tensor>> expected = new ArrayList<>();
        List<Tensor> inputs = new ArrayList<>();
        try (CompiledModel one = CompiledModel.compile(branches(4, 2), streams(1))) {
            for (int i = 0; i < n; i++) {
                inputs.add(random(1000 + i, 16, 64));
                expected.add(run(one, inputs.get(i)));
            }
        }
        try (CompiledModel m = CompiledModel.compile(branches(4, 2), streams(2)); ExecutorService pool = Executors.newFixedThreadPool(4)) {
            assertThat(m.gears().get(0).plan().streams().streams()).isEqualTo(2);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                final int first = t;
                fs.add(pool.submit(() -> {
                    for (int r = 0; r < 150; r++) {
                        int i = (first * 7 + r) % n;
                        Map<String, Tensor> out = run(m, inputs.get(i));
                        try {
                            assertSame("thread " + first + " run " + r + " input " + i, out, expected.get(i), 1e-6);
                        } finally {
                            closeAll(out);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            expected.forEach(TestGraphs::closeAll);
            inputs.forEach(Tensor::close);
        }
    }

    @Test
    void withoutFreeLaneWorkersTheCallerRunsEveryLane() {
        Graph g = branches(3, 2);
        org.ge4j.compiler.Compiler.optimize(g, org.ge4j.compiler.CompilerOptions.defaults());
        ExecutionPlan plan = new org.ge4j.compiler.plan.TaskListBuilder(org.ge4j.ops.OpRegistry.global(), StreamPlanner.Options.forced(3)).build(g);
        assertThat(plan.streams().streams()).isEqualTo(3);
        assertThat(PlanCheck.race(plan)).isNull();
        try (StaticModel sm = StaticModel.fromGraph(plan, g, org.ge4j.ops.OpRegistry.global(), List.of(org.ge4j.ops.OpRegistry.VECTOR));
             ExecutionContext seq = sm.newContext();
             ExecutionContext alone = new ExecutionContext(sm, new LanePool(0));
             ExecutionContext oneWorker = new ExecutionContext(sm, new LanePool(1));
             ExecutionContext many = new ExecutionContext(sm, new LanePool(4))) {
            for (int seed = 0; seed < 30; seed++) {
                try (Tensor x = random(seed, 16, 64)) {
                    Tensor[] ref = outputs(plan);
                    seq.run(new Tensor[] {x}, ref, (t, a) -> {}); // an observer: plan order on this thread
                    for (ExecutionContext c : List.of(alone, oneWorker, many)) {
                        assertThat(c.streams()).isEqualTo(3);
                        Tensor[] out = outputs(plan);
                        c.run(new Tensor[] {x}, out, null);
                        // within rounding: the Vector API's EXP/TANH round differently until the JIT compiles them
                        for (int k = 0; k < out.length; k++) {
                            float[] p = out[k].toFloatArray(), q = ref[k].toFloatArray();
                            for (int i = 0; i < p.length; i++)
                                assertThat((double) p[i]).as("seed " + seed + " output " + k + "[" + i + "]").isCloseTo(q[i], org.assertj.core.data.Offset.offset(1e-6 * (1 + Math.abs(q[i]))));
                        }
                        for (Tensor t : out) t.close();
                    }
                    for (Tensor t : ref) t.close();
                }
            }
            assertThat(alone.lanesRunByWorkers()).isZero();
            assertThat(oneWorker.lanesRunByWorkers() + many.lanesRunByWorkers()).as("lanes run by pool workers").isPositive();
        }
    }

    private static volatile boolean failTanh;

    /**
     * A kernel failing on one stream: the run throws its exception (no hang, whoever runs the lane), and
     * the next run of the same context is right again.
     */
    @Test
    @org.junit.jupiter.api.Timeout(120)
    void aFailingTaskOnAnyStreamFailsTheRunAndTheContextRunsAgain() {
        org.ge4j.ops.OpRegistry reg = org.ge4j.ops.OpRegistry.global();
        reg.registerCompiler("test-failing", "", "Tanh", (spec, schema) -> {
            org.ge4j.ops.exec.CompiledKernel k = reg.compiler(org.ge4j.ops.OpRegistry.VECTOR, "", "Tanh") == null ? null
                    : reg.compiler(org.ge4j.ops.OpRegistry.VECTOR, "", "Tanh").compile(spec, schema);
            org.ge4j.ops.exec.CompiledKernel inner = k != null ? k
                    : new org.ge4j.ops.exec.ReferenceKernelAdapter(spec, schema, reg.kernel(org.ge4j.ops.OpRegistry.REFERENCE, "", "Tanh"));
            return args -> {
                if (failTanh) throw new IllegalStateException("boom in " + spec.node().name());
                inner.run(args);
            };
        });
        Graph g = branches(3, 2); // not optimised: Tanh tasks on every stream
        ExecutionPlan plan = new org.ge4j.compiler.plan.TaskListBuilder(reg, StreamPlanner.Options.forced(3)).build(g);
        assertThat(plan.streams().streams()).isEqualTo(3);
        java.util.Set<Integer> tanhStreams = new java.util.TreeSet<>();
        for (int t = 0; t < plan.tasks().size(); t++) if (plan.tasks().get(t).node().type().equals("Tanh")) tanhStreams.add(plan.streams().streamOf()[t]);
        assertThat(tanhStreams).hasSizeGreaterThan(1);
        try (StaticModel sm = StaticModel.fromGraph(plan, g, reg, List.of("test-failing", org.ge4j.ops.OpRegistry.VECTOR));
             ExecutionContext seq = sm.newContext();
             ExecutionContext alone = new ExecutionContext(sm, new LanePool(0));
             ExecutionContext pooled = new ExecutionContext(sm, new LanePool(2));
             Tensor x = random(8, 16, 64)) {
            Tensor[] ref = outputs(plan);
            seq.run(new Tensor[] {x}, ref, (t, a) -> {});
            for (ExecutionContext c : List.of(alone, pooled))
                for (int round = 0; round < 20; round++) {
                    failTanh = round % 2 == 1;
                    Tensor[] out = outputs(plan);
                    try {
                        if (failTanh) {
                            org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.run(new Tensor[] {x}, out, null))
                                    .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("boom in ");
                        } else {
                            c.run(new Tensor[] {x}, out, null);
                            for (int k = 0; k < out.length; k++) {
                                float[] p = out[k].toFloatArray(), q = ref[k].toFloatArray();
                                for (int i = 0; i < p.length; i++)
                                    assertThat((double) p[i]).as("round " + round + " output " + k + "[" + i + "]").isCloseTo(q[i], org.assertj.core.data.Offset.offset(1e-6 * (1 + Math.abs(q[i]))));
                            }
                        }
                    } finally {
                        failTanh = false;
                        for (Tensor t : out) t.close();
                    }
                }
            for (Tensor t : ref) t.close();
        }
    }

    private static Tensor[] outputs(ExecutionPlan plan) {
        Tensor[] out = new Tensor[plan.outputCount()];
        for (ExecutionPlan.ValueSlot s : plan.values())
            if (s.storage() == ExecutionPlan.Storage.OUTPUT) out[(int) s.offset()] = Tensor.allocate(s.dtype(), s.shape());
        return out;
    }

    @Test
    void streamPlansSurviveTheOmFile() {
        Path file = dir.resolve("branches.om");
        try (CompiledModel m = CompiledModel.compile(branches(3, 2), streams(2)); Tensor x = random(5, 16, 64)) {
            m.save(file);
            for (int i = 0; i < 300; i++) closeAll(run(m, x)); // warm up: bit-identical outputs once the JIT has compiled the kernels
            StreamPlan a = m.gears().get(0).plan().streams();
            try (CompiledModel l = CompiledModel.load(file)) {
                StreamPlan b = l.gears().get(0).plan().streams();
                assertThat(b.streams()).isEqualTo(2);
                assertThat(b.streamOf()).containsExactly(a.streamOf());
                assertThat(b.eventTask()).containsExactly(a.eventTask());
                for (int t = 0; t < a.tasks(); t++) assertThat(b.waits()[t]).containsExactly(a.waits()[t]);
                assertThat(b.note()).isEqualTo(a.note());
                assertThat(l.gears().get(0).plan().arenaSize()).isEqualTo(m.gears().get(0).plan().arenaSize());
                assertThat(l.definition().options().get("streams")).startsWith("streams=2,min_work_ns=0");
                for (int i = 0; i < 300; i++) closeAll(run(l, x));
                Map<String, Tensor> x1 = run(m, x), x2 = run(l, x);
                for (String k : List.of("y", "first")) assertThat(x2.get(k).contentEquals(x1.get(k))).as(k).isTrue();
                closeAll(x1);
                closeAll(x2);
            }
        }
    }

    @Test
    void aVersionOneFileLoadsAsSingleStream() throws IOException {
        Path file = dir.resolve("v1.om");
        try (InputStream in = StreamExecutionTest.class.getResourceAsStream("v1-two-branches.om")) {
            Files.write(file, in.readAllBytes());
        }
        try (CompiledModel l = CompiledModel.load(file); Tensor x = random(3, 4, 16)) {
            assertThat(l.mode()).isEqualTo(ExecutionMode.STATIC);
            StreamPlan s = l.gears().get(0).plan().streams();
            assertThat(s.streams()).isEqualTo(1);
            assertThat(s.note()).contains("format version 1");
            Map<String, Tensor> out = l.run(Map.of("x", x));
            // the model: two branches of (MatMul 16x16 + Sigmoid | Tanh) x 2, added
            GraphBuilder b = GraphBuilder.create("v1_two_branches").opset(17);
            OutDataAnchor in = b.input("x", DataType.FLOAT, 4, 16);
            OutDataAnchor lft = in, rgt = in;
            for (int i = 0; i < 2; i++) lft = b.sigmoid(b.matMul(lft, b.constant(random(10 + i, 16, 16))));
            for (int i = 0; i < 2; i++) rgt = b.tanh(b.matMul(rgt, b.constant(random(20 + i, 16, 16))));
            Map<String, Value> ref = TestGraphs.reference(b.output("y", b.add(lft, rgt)).build(), Map.of("x", x));
            TestGraphs.assertClose("y", out.get("y"), (Tensor) ref.get("y"), 1e-5f);
            closeAll(out);
            closeAll(ref);
        }
    }

    @Test
    void dynamicShapesArePlannedWithTheCompiledStreamOptions() {
        GraphBuilder b = GraphBuilder.create("dyn_branches").opset(17);
        OutDataAnchor x = b.input("x", DataType.FLOAT, org.ge4j.ir.Shape.of("N", 64));
        OutDataAnchor l = b.sigmoid(b.matMul(x, b.constant(random(1, 64, 64)))), r = b.tanh(b.matMul(x, b.constant(random(2, 64, 64))));
        Graph g = b.output("y", b.add(l, r)).build();
        try (CompiledModel m = CompiledModel.compile(g, streams(2)); Tensor in = random(4, 8, 64)) {
            assertThat(m.mode()).isEqualTo(ExecutionMode.DYNAMIC);
            Map<String, Tensor> out = m.run(Map.of("x", in));
            ExecutionPlan p = m.dynamicPlans().values().iterator().next();
            assertThat(p.streams().streams()).isEqualTo(2);
            assertThat(PlanCheck.race(p)).isNull();
            closeAll(out);
        }
    }
}
