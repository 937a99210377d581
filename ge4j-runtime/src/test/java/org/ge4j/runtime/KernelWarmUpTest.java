package org.ge4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelWarmUpTest {
    @TempDir Path dir;

    /** A CNN big enough to be worth warming up: two convs on 64x64 (one strided), a pool, a product. */
    static org.ge4j.ir.Graph cnn() { return cnn(16, 24, 3, 2, 1); }

    /** x [1, 3, 64, 64], a 3x3 conv to c1 channels, a k×k conv to c2 (stride, pad), Relus, a global pool, a product to 10. */
    private static org.ge4j.ir.Graph cnn(long c1, long c2, long k, long stride, long pad) {
        org.ge4j.ops.api.GraphBuilder b = org.ge4j.ops.api.GraphBuilder.create("cnn").opset(17);
        org.ge4j.ir.OutDataAnchor x = b.input("x", org.ge4j.ir.DataType.FLOAT, 1, 3, 64, 64);
        org.ge4j.ir.OutDataAnchor c = b.relu(b.conv(x, b.constant("w1", TestGraphs.random(1, c1, 3, 3, 3)), b.constant("b1", TestGraphs.random(2, c1)), 1, 1, 1));
        c = b.relu(b.conv(c, b.constant("w2", TestGraphs.random(3, c2, c1, k, k)), b.constant("b2", TestGraphs.random(4, c2)), (int) stride, (int) pad, 1));
        org.ge4j.ir.OutDataAnchor f = b.flatten(b.globalAveragePool(c), 1);
        return b.output("y", b.matMul(f, b.constant("w3", TestGraphs.random(5, c2, 10)))).build();
    }

    private Path save(org.ge4j.ir.Graph g, String name) {
        Path om = dir.resolve(name);
        try (CompiledModel m = CompiledModel.compile(g)) {
            m.save(om);
        }
        return om;
    }

    private Path saveSmallCnn() { return save(cnn(), "cnn.om"); }

    private static float[] run(CompiledModel m) {
        try (Tensor x = TestGraphs.random(7, 1, 3, 64, 64)) {
            Map<String, Tensor> out = m.run(Map.of("x", x));
            float[] y = out.get("y").toFloatArray();
            TestGraphs.closeAll(out);
            return y;
        }
    }

    /** A CNN with a 1×1 conv over a plane of several segments: its kernel reports choices that its miniature gets. */
    private static org.ge4j.ir.Graph pointwiseCnn() { return cnn(32, 48, 1, 1, 0); }

    /**
     * The kernels' choices ({@link org.ge4j.ops.exec.KernelPaths}, private attributes) live on the warm-up's miniatures
     * only: a model saved after its warm-up holds none, and a model that carries one is rejected.
     */
    @Test
    void kernelChoicesNeverReachAModel() throws java.io.IOException {
        Path om = save(pointwiseCnn(), "pw.om");
        Path again = dir.resolve("again.om");
        try (CompiledModel m = CompiledModel.load(om, WarmUp.BLOCKING)) {
            assertThat(m.warmUpSummary()).matches("warm-up [1-9][0-9]* kernels, .*");
            m.save(again);
        }
        for (Path p : List.of(om, again))
            assertThat(new String(java.nio.file.Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(org.ge4j.ops.exec.KernelPaths.PREFIX);
        org.ge4j.ir.Graph g = pointwiseCnn();
        for (org.ge4j.ir.Node n : g.nodes())
            if (n.type().equals("Conv")) n.setAttr("_ge4j_nchwc_group", new org.ge4j.ir.Attr.Int(1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CompiledModel.compile(g).close()).hasMessageContaining("_ge4j_nchwc_group");
        // nor does a .om that carries one load (only a hand-made one could: its graph is not checked against the schemas at load)
        Path forged = dir.resolve("forged.om");
        try (CompiledModel m = CompiledModel.load(om, WarmUp.OFF)) {
            for (org.ge4j.ir.Node n : m.graph().nodes()) if (n.type().endsWith("Conv")) n.setAttr("_ge4j_nchwc_group", new org.ge4j.ir.Attr.Int(1));
            m.save(forged);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CompiledModel.load(forged, WarmUp.OFF).close()).hasMessageContaining("_ge4j_nchwc_group").hasMessageContaining("kernel choices");
    }

    @Test
    void aBlockingWarmUpRunsMiniaturesOfTheFastKernelsAndChangesNoResult() {
        Path om = saveSmallCnn();
        float[] cold, warm;
        try (CompiledModel m = CompiledModel.load(om, WarmUp.OFF)) {
            assertThat(m.warmUpSummary()).isEmpty();
            cold = run(m);
        }
        try (CompiledModel m = CompiledModel.load(om, WarmUp.BLOCKING)) {
            // finished when load returns: the conv and the matmul (+ bias + relu) have vector kernels
            assertThat(m.warmUpSummary()).matches("warm-up [1-9][0-9]* kernels, [1-9][0-9]* rounds, .* ms");
            warm = run(m);
        }
        assertThat(warm).containsExactly(cold);
    }

    @Test
    void aModelAboutAsSmallAsItsMiniaturesIsNotWarmedUp() {
        Path om = save(TestGraphs.smallCnn(1), "tiny.om");
        try (CompiledModel m = CompiledModel.load(om, WarmUp.BLOCKING)) {
            assertThat(m.warmUpSummary()).isEqualTo("no warm-up needed");
        }
    }

    @Test
    void theFirstRunWaitsForABackgroundWarmUp() {
        Path om = saveSmallCnn();
        try (CompiledModel m = CompiledModel.load(om, OpRegistry.global(), List.of(OpRegistry.VECTOR), WarmUp.BACKGROUND)) {
            run(m);
            assertThat(m.warmUpSummary()).startsWith("warm-up ").doesNotContain("running");
        }
    }

    @Test
    void closingDuringAWarmUpStopsIt() {
        Path om = saveSmallCnn();
        CompiledModel m = CompiledModel.load(om, WarmUp.BACKGROUND);
        m.close(); // must not hang nor fail, whether the warm-up had started its rounds or not
        assertThat(m.warmUpSummary()).doesNotContain("running");
    }

    @Test
    void modesParseFromText() {
        assertThat(WarmUp.parse("OFF")).isEqualTo(WarmUp.OFF);
        assertThat(WarmUp.parse(" background")).isEqualTo(WarmUp.BACKGROUND);
        assertThat(WarmUp.parse("on")).isEqualTo(WarmUp.BACKGROUND);
        assertThat(WarmUp.parse("blocking")).isEqualTo(WarmUp.BLOCKING);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WarmUp.parse("soon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("off, background or blocking");
    }
}
