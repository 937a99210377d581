package org.ge4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.ge4j.bench.BenchModels;
import org.ge4j.compiler.pass.PassManager;
import org.ge4j.ir.Tensor;
import org.ge4j.runtime.CompileOptions;
import org.ge4j.runtime.CompiledModel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The convnet benchmark models compiled with the NCHWc layout pass on ({@code layout:on}): every convolution
 * becomes a {@code ge4j::BlockedConv}, the only reorder is the one back to plain before the classifier, and
 * the model saved as a {@code .om}, loaded and run gives ONNX Runtime's outputs and the in-memory model's
 * (as {@link OmRoundTripTest} checks). One run per model: the blocked ops may still run on their slow
 * reference kernels. {@code -Dge4j.om.models=a,b} restricts the models, as for {@link OmRoundTripTest}.
 */
class NchwcLayoutTest {
    @TempDir static Path dir;

    static Stream<Arguments> convnets() throws Exception {
        if (!BenchModels.available()) return Stream.of(Arguments.of("(no models)", null));
        Set<String> names = Set.of("resnet50", "mobilenet_v2", "squeezenet1_1", "googlenet");
        List<Arguments> l = BenchModels.all().stream().filter(m -> names.contains(m.name()) && OmRoundTripTest.selected(m.name())).map(m -> Arguments.of(m.name(), m)).toList();
        return l.isEmpty() ? Stream.of(Arguments.of("(none selected)", null)) : l.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convnets")
    void blockedConvnetMatchesOnnxRuntimeAndRoundTripsThroughOm(String name, BenchModels.Model model) throws Exception {
        Assumptions.assumeTrue(model != null, "benchmark models not found (scripts/export-bench-models.sh) or not selected");
        Path om = dir.resolve(name + "-nchwc.om");
        try (CompiledModel compiled = CompiledModel.compile(model.file(), CompileOptions.builder().optSwitches("layout:on").build())) {
            Map<String, Integer> ops = PassManager.opCounts(compiled.graph());
            System.out.println(name + " with layout:on: " + ops);
            assertThat(ops.getOrDefault("Conv", 0) + ops.getOrDefault("ge4j::FusedConv", 0)).as(name + ": plain convolutions left").isZero();
            assertThat(ops.getOrDefault("ge4j::BlockedConv", 0)).as(name + ": blocked convolutions").isGreaterThan(20);
            assertThat(ops.getOrDefault("ge4j::ReorderToBlocked", 0)).as(name + ": reorders to blocked").isZero();
            assertThat(ops.getOrDefault("ge4j::ReorderFromBlocked", 0)).as(name + ": reorders from blocked").isEqualTo(1);
            compiled.save(om);
            try (CompiledModel loaded = CompiledModel.load(om)) {
                OmRoundTripTest.checkShapes(name + " (layout:on)", compiled, loaded, model.inputs());
            }
        } finally {
            Files.deleteIfExists(om);
        }
    }

    /** resnet50_dyn (symbolic batch) converts too, and a batch of 2 planned at run time gives ORT's outputs. */
    @Test
    void dynamicBatchResnetAtBatch2() throws Exception {
        BenchModels.Model model = BenchModels.available() ? BenchModels.all().stream().filter(m -> m.name().equals("resnet50_dyn")).findFirst().orElse(null) : null;
        Assumptions.assumeTrue(model != null && OmRoundTripTest.selected("resnet50_dyn"));
        try (CompiledModel m = CompiledModel.compile(model.file(), CompileOptions.builder().optSwitches("layout:on").build())) {
            assertThat(PassManager.opCounts(m.graph())).containsEntry("ge4j::BlockedConv", 53).containsEntry("ge4j::ReorderFromBlocked", 1);
            long[] shape = model.inputs().get(0).shape().clone();
            shape[0] = 2;
            Map<String, Tensor> in = Map.of(model.inputs().get(0).name(), model.inputs().get(0).withShape(shape).random(42));
            try {
                Map<String, float[]> expected = OmRoundTripTest.runOrt(m, in);
                Map<String, Tensor> out = m.run(in);
                try {
                    for (Map.Entry<String, float[]> e : expected.entrySet())
                        OrtDifferentialTest.assertClose("resnet50_dyn@batch2 (layout:on) output " + e.getKey(), out.get(e.getKey()).toFloatArray(), e.getValue());
                } finally {
                    out.values().forEach(Tensor::close);
                }
            } finally {
                in.values().forEach(Tensor::close);
            }
        }
    }
}
