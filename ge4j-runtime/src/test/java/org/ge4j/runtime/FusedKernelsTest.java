package org.ge4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.runtime.TestGraphs.closeAll;
import static org.ge4j.runtime.TestGraphs.random;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ir.text.GraphTextParser;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.ReferenceInterpreter;
import org.ge4j.ops.autofuse.FusedElementwiseOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auto-fused chains through the static executor: generated kernels (not the reference adapter) run them,
 * the results match the unfused graph on the interpreter, and a saved and loaded {@code .om} regenerates
 * the same kernels from the program attribute (bit-identical outputs).
 */
class FusedKernelsTest {
    @TempDir Path dir;

    static final String CHAIN = """
            graph chain {
              opset "" = 17
              input %x : f32[1,64]
              input %b : f32[64]
              %c = Constant() {value = tensor<f32[]> [0.75]} : f32[]
              %s88 = Constant() {value = tensor<i64[2]> [8, 8]} : i64[2]
              %a = Add(%x, %b) : f32[1,64]
              %m = Mul(%a, %c) : f32[1,64]
              %r = Sigmoid(%m) : f32[1,64]
              %v = Reshape(%r, %s88) : f32[8,8]
              %t = Transpose(%v) {perm = [1, 0]} : f32[8,8]
              %g = Tanh(%t) : f32[8,8]
              %n = Neg(%g) : f32[8,8]
              %e = Erf(%n) : f32[8,8]
              return %e, %a
            }
            """;

    @Test
    void fusedChainsRunOnGeneratedKernelsAndSurviveTheOmFile() {
        Path file = dir.resolve("chain.om");
        Map<String, Tensor> in = Map.of("x", random(3, 1, 64), "b", random(4, 64));
        Map<String, Value> ref = new ReferenceInterpreter().run(GraphTextParser.parse(CHAIN), in);
        try (CompiledModel m = CompiledModel.compile(GraphTextParser.parse(CHAIN))) {
            Graph g = m.graph();
            long fused = g.nodes().stream().filter(n -> n.domain().equals(Node.GE4J_DOMAIN) && n.type().equals(FusedElementwiseOp.TYPE)).count();
            assertThat(fused).isEqualTo(2);
            Map<String, Tensor> a = m.run(in);
            for (String k : List.of("e", "a")) {
                float[] got = a.get(k).toFloatArray(), want = ((Tensor) ref.get(k)).toFloatArray();
                for (int i = 0; i < want.length; i++) assertThat((double) got[i]).as(k + "[" + i + "]").isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-5 + 1e-5 * Math.abs(want[i])));
            }
            m.save(file);
            try (CompiledModel l = CompiledModel.load(file)) {
                Map<String, Tensor> b = l.run(in);
                for (String k : List.of("e", "a")) assertThat(b.get(k).contentEquals(a.get(k))).as(k).isTrue();
                closeAll(b);
            }
            closeAll(a);
        }
        closeAll(ref);
        closeAll(in);
    }

    /** {@code layers} x (MatMul, then tanh(0.5 y) * y + 1): a vector GEMM task and a fused-elementwise task per layer. */
    static Graph layers(int layers) {
        org.ge4j.ops.api.GraphBuilder b = org.ge4j.ops.api.GraphBuilder.create("fused" + layers).opset(17);
        var x = b.input("x", org.ge4j.ir.DataType.FLOAT, 4, 32);
        org.ge4j.ir.OutDataAnchor half = b.constant(Tensor.of(new float[] {0.5f})), one = b.constant(Tensor.of(new float[] {1f}));
        for (int i = 0; i < layers; i++) {
            var y = b.matMul(x, b.constant(random(i, 32, 32)));
            var t = b.op("Tanh").in(b.op("Mul").in(y, half).call1()).call1();
            x = b.add(b.op("Mul").in(t, y).call1(), one);
        }
        return b.output("y", x).build();
    }

    static long bytesPerRun(int layers) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (CompiledModel m = CompiledModel.compile(layers(layers)); Tensor x = random(1, 4, 32); Tensor y = Tensor.allocate(org.ge4j.ir.DataType.FLOAT, 4, 32)) {
            assertThat(m.kernelCounts()).containsOnlyKeys(OpRegistry.VECTOR);
            long fused = m.graph().nodes().stream().filter(n -> n.type().equals(FusedElementwiseOp.TYPE)).count();
            assertThat(fused).isEqualTo(layers);
            Tensor[] in = {x}, out = {y};
            for (int i = 0; i < 20_000; i++) m.run(in, out); // warm up: the Vector API allocates until C2 compiles the kernels
            long best = Long.MAX_VALUE;
            for (int round = 0; round < 10; round++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 100; i++) m.run(in, out);
                best = Math.min(best, (mx.getCurrentThreadAllocatedBytes() - before) / 100);
            }
            return best;
        }
    }

    @Test
    void generatedKernelsAllocateNothingInSteadyState() {
        long few = bytesPerRun(2), many = bytesPerRun(16);
        System.out.println("bytes allocated per run: 2 layers " + few + ", 16 layers " + many);
        assertThat(many).isLessThanOrEqualTo(few + 64).isLessThan(512);
    }

    @Test
    void fusedNodesGetTheVectorProvidersKernel() {
        Graph g = GraphTextParser.parse(CHAIN);
        org.ge4j.compiler.Compiler.optimize(g, org.ge4j.compiler.CompilerOptions.defaults());
        var plan = new org.ge4j.compiler.plan.TaskListBuilder(OpRegistry.global()).build(g);
        try (StaticModel sm = StaticModel.fromGraph(plan, g, OpRegistry.global(), List.of(OpRegistry.VECTOR))) {
            for (int t = 0; t < plan.tasks().size(); t++)
                if (plan.tasks().get(t).node().type().equals(FusedElementwiseOp.TYPE))
                    assertThat(sm.kernelProviders().get(t)).as("provider of task " + t).isEqualTo(OpRegistry.VECTOR);
        }
    }
}
