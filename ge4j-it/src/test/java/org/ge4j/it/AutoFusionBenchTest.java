package org.ge4j.it;

import org.ge4j.bench.BenchModels;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.ge4j.compiler.Compiler;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.OptLevel;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.ReferenceInterpreter;
import org.ge4j.parser.onnx.OnnxParser;
import org.ge4j.compiler.plan.TaskListBuilder;
import org.ge4j.ops.OpRegistry;
import org.ge4j.runtime.CompileOptions;
import org.ge4j.runtime.CompiledModel;
import org.ge4j.runtime.ExecutionContext;
import org.ge4j.runtime.StaticModel;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Auto-fusion on the benchmark models: node counts before and after the O3 pipeline, outputs of the
 * fused static executor against the reference interpreter, and (tiny_ops) the time per run through the
 * static executor next to ONNX Runtime's at one thread, printed as medians. Nothing timed is asserted.
 */
class AutoFusionBenchTest {
    private static final String FUSED = "ge4j::FusedElementwise";
    /** A constant layout (a static final, so the JIT folds the memory access). */
    private static final java.lang.foreign.ValueLayout.OfFloat F32 = java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

    private static Path model(String name) {
        Path p = BenchModels.dir().resolve(name + ".onnx");
        Assumptions.assumeTrue(Files.isRegularFile(p), "benchmark model not found: " + p);
        return p;
    }

    /** Op counts without Constant nodes (weights, not work). */
    private static Map<String, Integer> ops(Graph g) {
        Map<String, Integer> m = new TreeMap<>();
        for (Node n : g.nodes()) if (!n.isData() && !(n.domain().isEmpty() && n.type().equals("Constant"))) m.merge(n.qualifiedType(), 1, Integer::sum);
        return m;
    }

    private static int total(Map<String, Integer> m) { return m.values().stream().mapToInt(Integer::intValue).sum(); }

    @Test
    void tinyOpsFusesAndRunsFasterThanUnfused() throws Exception {
        Path file = model("tiny_ops");
        Graph g = new OnnxParser().parse(file);
        Map<String, Integer> before = ops(g);
        Compiler.optimize(g, CompilerOptions.builder().setLevel(OptLevel.O3).build());
        Map<String, Integer> after = ops(g);
        System.out.printf("tiny_ops: %d nodes before (%s)%n          %d after O3 (%s)%n", total(before), before, total(after), after);
        assertThat(after.getOrDefault(FUSED, 0)).isGreaterThan(0);
        assertThat(total(after)).isLessThan(total(before) / 3);

        Tensor x = BenchModels.InputSpec.parse("input:float32:1x64").random(42);
        Graph unfused = new OnnxParser().parse(file);
        Map<String, Value> ref = new ReferenceInterpreter().run(unfused, Map.of("input", x));
        String outName = unfused.outputs().get(0).name();
        // what the fused graph costs once Transpose has a compiled kernel (a test-only gather kernel in a private registry)
        OpRegistry withTranspose = OpRegistry.load(AutoFusionBenchTest.class.getClassLoader());
        withTranspose.registerCompiler(OpRegistry.VECTOR, "", "Transpose", AutoFusionBenchTest::gatherTranspose);
        CompileOptions co = CompileOptions.builder().optCompilerOptions(CompilerOptions.builder().setLevel(OptLevel.O3).optRegistry(withTranspose).build()).build();
        try (CompiledModel m = CompiledModel.compile(new OnnxParser().parse(file), CompileOptions.defaults());
             CompiledModel mt = CompiledModel.compile(new OnnxParser().parse(file), co)) {
            Tensor out = Tensor.allocate(org.ge4j.ir.DataType.FLOAT, 1, 64);
            Tensor[] in = {x}, outs = {out};
            float[] e = ((Tensor) ref.get(outName)).toFloatArray();
            for (CompiledModel c : List.of(m, mt)) {
                c.run(in, outs);
                float[] a = out.toFloatArray();
                for (int i = 0; i < e.length; i++) assertThat((double) a[i]).as("output[" + i + "]").isCloseTo(e[i], org.assertj.core.data.Offset.offset(1e-5 + 1e-4 * Math.abs(e[i])));
            }
            if (!Boolean.getBoolean("ge4j.bench")) return;
            // side by side with ONNX Runtime, one thread, alternating rounds, medians of per-run times
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
                so.setIntraOpNumThreads(1);
                so.setInterOpNumThreads(1);
                try (OrtSession ort = env.createSession(file.toString(), so);
                     OnnxTensor ox = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.toFloatArray()), new long[] {1, 64})) {
                    Map<String, OnnxTensor> feeds = Map.of("input", ox);
                    int rounds = Integer.getInteger("ge4j.bench.rounds", 15), perRound = 2000;
                    double[] gRound = new double[rounds], tRound = new double[rounds], oRound = new double[rounds];
                    for (int w = 0; w < 20_000; w++) m.run(in, outs);          // C2 warm-up
                    for (int w = 0; w < 50_000; w++) mt.run(in, outs);
                    for (int w = 0; w < 2_000; w++) ort.run(feeds).close();
                    for (int r = 0; r < rounds; r++) {
                        long t0 = System.nanoTime();
                        for (int i = 0; i < perRound; i++) m.run(in, outs);
                        long t1 = System.nanoTime();
                        for (int i = 0; i < perRound; i++) mt.run(in, outs);
                        long t2 = System.nanoTime();
                        for (int i = 0; i < perRound; i++) ort.run(feeds).close();
                        long t3 = System.nanoTime();
                        gRound[r] = (t1 - t0) / 1e3 / perRound;
                        tRound[r] = (t2 - t1) / 1e3 / perRound;
                        oRound[r] = (t3 - t2) / 1e3 / perRound;
                    }
                    double gm = median(gRound), tm = median(tRound), om = median(oRound);
                    System.out.printf("tiny_ops: medians of %d alternating rounds x %d runs, 1 thread:%n", rounds, perRound);
                    System.out.printf("tiny_ops:   ge4j O3                                   %8.2f us/run  ratio ge4j/ort: %.3f%n", gm, gm / om);
                    System.out.printf("tiny_ops:   ge4j O3 + compiled Transpose (test-only)  %8.2f us/run  ratio ge4j/ort: %.3f%n", tm, tm / om);
                    System.out.printf("tiny_ops:   ONNX Runtime                              %8.2f us/run%n", om);
                }
            }
            profileTasks(g, x, OpRegistry.global());
            profileTasks(g, x, withTranspose);
        }
    }

    /** A float Transpose for static shapes: the source index of every output element precomputed. Test-only. */
    private static org.ge4j.ops.exec.CompiledKernel gatherTranspose(org.ge4j.ops.exec.NodeSpec spec, org.ge4j.ops.OpSchema schema) {
        if (spec.input(0).dtype() != org.ge4j.ir.DataType.FLOAT) return null;
        long[] in = spec.inputShape(0), out = spec.outputShape(0);
        long[] perm = spec.attrs().getInts("perm", null);
        int r = in.length;
        if (perm == null) {
            perm = new long[r];
            for (int i = 0; i < r; i++) perm[i] = r - 1 - i;
        }
        long[] inStrides = new long[r];
        for (int i = r - 1, st = 1; i >= 0; st *= (int) in[i], i--) inStrides[i] = st;
        int n = (int) org.ge4j.ir.Shape.elementCount(out);
        int[] src = new int[n];
        long[] idx = new long[r];
        for (int f = 0; f < n; f++) {
            long off = 0;
            for (int d = 0; d < r; d++) off += idx[d] * inStrides[(int) perm[d]];
            src[f] = (int) off;
            for (int d = r - 1; d >= 0 && ++idx[d] == out[d]; d--) idx[d] = 0;
        }
        return args -> {
            MemorySegment a = args[0], b = args[1];
            for (int i = 0; i < src.length; i++) b.setAtIndex(F32, i, a.getAtIndex(F32, src[i]));
        };
    }

    /** Time per task type on the static executor of the optimised graph {@code g}, from a task observer's clock. */
    private static void profileTasks(Graph g, Tensor x, OpRegistry registry) {
        var plan = new TaskListBuilder(registry).build(g);
        try (StaticModel model = StaticModel.fromGraph(plan, g, registry, List.of(OpRegistry.VECTOR));
             ExecutionContext ctx = model.newContext();
             Tensor out = Tensor.allocate(org.ge4j.ir.DataType.FLOAT, 1, 64)) {
            MemorySegment[] ins = {x.segment()}, outs = {out.segment()};
            int n = plan.tasks().size(), reps = 20_000;
            long[] ends = new long[n];
            double[] total = new double[n];
            for (int r = 0; r < 2 * reps; r++) {
                long t0 = System.nanoTime();
                ctx.run(ins, outs, (t, a) -> ends[t] = System.nanoTime());
                if (r < reps) continue; // warm-up
                for (int t = 0; t < n; t++) total[t] += ends[t] - (t == 0 ? t0 : ends[t - 1]);
            }
            Map<String, Double> byType = new TreeMap<>();
            for (int t = 0; t < n; t++)
                byType.merge(plan.tasks().get(t).node().qualifiedType() + " (" + model.kernelProviders().get(t) + ")", total[t] / 1e3 / reps, Double::sum);
            byType.forEach((k, v) -> System.out.printf("tiny_ops:   %-45s %8.2f us per run in total%n", k, v));
        }
    }

    @Test
    void bertLikeNodeCounts() throws Exception {
        Path file = model("bert_like");
        Graph g = new OnnxParser().parse(file);
        Map<String, Integer> before = ops(g);
        Compiler.optimize(g, CompilerOptions.builder().setLevel(OptLevel.O3).build());
        Map<String, Integer> after = ops(g);
        System.out.printf("bert_like: %d nodes before (%s)%n           %d after O3 (%s)%n", total(before), before, total(after), after);
        if (!Boolean.getBoolean("ge4j.bench.verbose")) return;
        for (Node n : g.nodes()) {
            if (n.qualifiedType().equals(FUSED)) System.out.println("  " + n.name() + ": " + n.attrString("program", ""));
            else if (n.type().equals("Add") || n.type().equals("Div"))
                System.out.println("  unfused " + n.describe() + " " + n.output(0).desc() + " <- " + n.inputs().stream()
                        .map(a -> a.peer() == null ? "_" : a.peer().node().qualifiedType() + " " + a.peer().desc()).toList());
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
