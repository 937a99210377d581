package org.ge4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.runtime.TestGraphs.assertClose;
import static org.ge4j.runtime.TestGraphs.closeAll;
import static org.ge4j.runtime.TestGraphs.random;

import java.nio.file.Path;
import java.util.Map;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.kernelselect.KernelSelection;
import org.ge4j.compiler.plan.WeightsLayout;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.api.GraphBuilder;
import org.ge4j.ops.packed.PackedLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights prepacked at compile time (the kernel-select pass, ge4j::PackedMatMul) through the whole path:
 * compile, run on the vector kernels, save the {@code .om} (it stores the packed weights, not the original
 * ones), load it and run on the mapped weights with the same results; gears share one packed copy; a file
 * packed for another panel width still runs (repacked at load).
 */
class PackedWeightsTest {
    @TempDir Path dir;

    /** tanh(x @ W1 + b1) -> Gemm(transB) + b2 -> relu -> @ W3 (1-D bias-free), batch symbolic. */
    static Graph mlp(Object batch) {
        GraphBuilder b = GraphBuilder.create("packed_mlp").opset(17);
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of(batch, 100));
        OutDataAnchor h = b.add(b.matMul(x, b.constant("w1", random(1, 100, 130))), b.constant("b1", random(2, 130)));
        h = b.op("Tanh").in(h).call1();
        h = b.op("Gemm").in(h, b.constant("w2", random(3, 70, 130)), b.constant("b2", random(4, 70))).attr("transB", 1L).call1();
        OutDataAnchor y = b.matMul(b.relu(h), b.constant("w3", random(5, 70, 33)));
        return b.output("y", y).build();
    }

    static long count(Graph g, String type) { return g.nodes().stream().filter(n -> n.type().equals(type)).count(); }

    @Test
    void compiledModelRunsOnPackedWeightsAndTheOmStoresThem() {
        Tensor x = random(7, 3, 100);
        Map<String, Value> ref = TestGraphs.reference(mlp(3), Map.of("x", x));
        Path file = dir.resolve("mlp.om");
        Map<String, Tensor> first;
        try (CompiledModel m = CompiledModel.compile(mlp(3))) {
            Graph g = m.graph();
            assertThat(count(g, "PackedMatMul")).isEqualTo(3);
            assertThat(count(g, "MatMul") + count(g, "Gemm") + count(g, "FusedMatMul")).isZero();
            assertThat(m.kernelCounts()).containsOnlyKeys(OpRegistry.VECTOR);
            // the weights region holds each weight once, packed: [panels, k, NR]
            int nr = PackedLayout.nativeNr();
            Map<String, WeightsLayout.Entry> w = m.definition().weights().byValue();
            assertThat(w.keySet()).containsExactlyInAnyOrder("w1_output_packed", "b1_output", "w2_output_packed", "b2_output", "w3_output_packed");
            assertThat(w.get("w2_output_packed").shape()).containsExactly(PackedLayout.panels(70, nr), 130, nr);
            first = m.run(Map.of("x", x));
            assertClose("y", first.get("y"), (Tensor) ref.get("y"), 1e-3f);
            m.save(file);
        }
        try (CompiledModel l = CompiledModel.load(file)) {
            assertThat(l.kernelCounts()).containsOnlyKeys(OpRegistry.VECTOR);
            Map<String, Tensor> again = l.run(Map.of("x", x));
            // same weights and kernels; the Vector API's transcendental functions may round 1 ulp differently before
            // and after C2 compiles them, so outputs agree to float precision rather than bit for bit
            assertClose("y (loaded vs in-memory)", again.get("y"), first.get("y"), 1e-5f);
            closeAll(again);
        }
        closeAll(first);
        closeAll(ref);
        x.close();
    }

    @Test
    void gearsShareOnePackedCopyOfEachWeight() {
        Path file = dir.resolve("gears.om");
        CompileOptions o = CompileOptions.builder().optInputShape("x:-1,100").optDynamicBatchSize("1,4").build();
        try (CompiledModel m = CompiledModel.compile(mlp("N"), o)) {
            assertThat(m.gears()).hasSize(2);
            assertThat(m.definition().weights().entries()).hasSize(5);
            m.save(file);
        }
        try (CompiledModel l = CompiledModel.load(file)) {
            for (int batch : new int[] {1, 4}) {
                Tensor x = random(batch, batch, 100);
                Map<String, Value> ref = TestGraphs.reference(mlp(batch), Map.of("x", x));
                Map<String, Tensor> y = l.run(Map.of("x", x));
                assertClose("y at batch " + batch, y.get("y"), (Tensor) ref.get("y"), 1e-3f);
                closeAll(y);
                closeAll(ref);
                x.close();
            }
        }
    }

    @Test
    void aModelPackedForAnotherPanelWidthStillRuns() {
        Path file = dir.resolve("narrow.om");
        CompilerOptions narrow = CompilerOptions.builder().optPassOptions(new KernelSelection.Options(4)).build();
        try (CompiledModel m = CompiledModel.compile(mlp(2), CompileOptions.builder().optCompilerOptions(narrow).build())) {
            for (Node n : m.graph().nodes()) if (n.type().equals("PackedMatMul")) assertThat(n.attrInt("nr", 0)).isEqualTo(4);
            m.save(file);
        }
        Tensor x = random(9, 2, 100);
        Map<String, Value> ref = TestGraphs.reference(mlp(2), Map.of("x", x));
        try (CompiledModel l = CompiledModel.load(file)) {
            assertThat(l.kernelCounts()).containsOnlyKeys(OpRegistry.VECTOR); // repacked, still the vector kernel
            Map<String, Tensor> y = l.run(Map.of("x", x));
            assertClose("y", y.get("y"), (Tensor) ref.get("y"), 1e-3f);
            closeAll(y);
        }
        closeAll(ref);
        x.close();
    }
}
