package org.ge4j.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.ge4j.compiler.pass.PassManager;
import org.ge4j.ir.Graph;
import org.ge4j.parser.onnx.OnnxParser;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The O3 pipeline on the exported benchmark models (scripts/export-bench-models.sh, or GE4J_BENCH_MODELS):
 * every model compiles with the verifier on, and the fusions that matter fire. Opt-in (large files):
 * {@code -Dge4j.bench=true}.
 */
class BenchModelsTest {
    private static Path dir() {
        String env = System.getenv("GE4J_BENCH_MODELS");
        for (Path p : new Path[] {env == null ? null : Path.of(env), Path.of("..", ".cache", "bench-models"), Path.of("/work/bench-models")})
            if (p != null && Files.isRegularFile(p.resolve("manifest.tsv"))) return p;
        return null;
    }

    private static Map<String, Integer> compile(String model) {
        Path d = dir();
        Graph g = new OnnxParser().parse(d.resolve(model + ".onnx"));
        CompileReport r = Compiler.optimize(g, CompilerOptions.builder().setLevel(OptLevel.O3).optVerify(true).build()).report();
        System.out.printf("%s: %d -> %d nodes in %.0f ms; rewrites %s%n  before %s%n  after  %s%n", model, r.nodesBefore(), r.nodesAfter(),
                r.totalNanos() / 1e6, r.rewrites(), r.opsBefore(), r.opsAfter());
        return new TreeMap<>(PassManager.opCounts(g));
    }

    @Test
    void everyBenchModelCompilesAndTheFusionsFire() {
        Assumptions.assumeTrue(Boolean.getBoolean("ge4j.bench") && dir() != null, "set -Dge4j.bench=true with the exported models present");
        Map<String, Integer> resnet = compile("resnet50");
        // 16 bottlenecks: conv3 takes the residual Add and the Relu; the 4 downsample convs feed it as plain Convs
        assertThat(resnet).doesNotContainKeys("BatchNormalization", "Relu", "Add").containsEntry("ge4j::FusedConv", 49).containsEntry("Conv", 4);
        Map<String, Integer> dyn = compile("resnet50_dyn");
        assertThat(dyn).containsEntry("ge4j::FusedConv", 49).containsEntry("Conv", 4);
        for (String m : new String[] {"mobilenet_v2", "squeezenet1_1", "googlenet"})
            assertThat(compile(m)).doesNotContainKeys("BatchNormalization", "Relu");
        Map<String, Integer> bert = compile("bert_like");
        assertThat(bert).containsKey("ge4j::Attention").doesNotContainKeys("Softmax", "Erf");
        Map<String, Integer> bertDyn = compile("bert_like_dyn");
        assertThat(bertDyn).containsKey("ge4j::Attention").doesNotContainKeys("Softmax", "Erf");
        Map<String, Integer> vit = compile("vit_b_16");
        assertThat(vit).containsKey("ge4j::Attention").doesNotContainKeys("Softmax");
        compile("mlp");
        compile("tiny_ops");
    }
}
