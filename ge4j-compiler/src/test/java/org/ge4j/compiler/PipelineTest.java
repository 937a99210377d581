package org.ge4j.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.compiler.PassTests.assertSameFunction;
import static org.ge4j.compiler.PassTests.count;

import java.util.Random;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.api.GraphBuilder;
import org.junit.jupiter.api.Test;

/** Whole pipelines on small models built with the Graph API: the O3 result equals the reference and the fusions fired. */
class PipelineTest {
    private static Tensor random(long seed, double scale, long... shape) {
        Random r = new Random(seed);
        float[] v = new float[(int) Shape.elementCount(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (scale * r.nextGaussian());
        return Tensor.of(v, shape);
    }

    private static Tensor positive(long seed, long... shape) {
        Random r = new Random(seed);
        float[] v = new float[(int) Shape.elementCount(shape)];
        for (int i = 0; i < v.length; i++) v[i] = 0.5f + r.nextFloat();
        return Tensor.of(v, shape);
    }

    private static OutDataAnchor bn(GraphBuilder b, OutDataAnchor x, int c, long seed) {
        return b.op("BatchNormalization").in(x, b.constant(positive(seed, c)), b.constant(random(seed + 1, 0.1, c)),
                b.constant(random(seed + 2, 0.1, c)), b.constant(positive(seed + 3, c))).call1();
    }

    private static OutDataAnchor convBn(GraphBuilder b, OutDataAnchor x, int cin, int cout, int k, int stride, long seed) {
        OutDataAnchor w = b.constant(random(seed, 1.0 / Math.sqrt(cin * k * k), cout, cin, k, k));
        return bn(b, b.conv(x, w, null, stride, k / 2, 1), cout, seed + 10);
    }

    /** A small ResNet-like CNN with the clutter exporters leave (Identity, Dropout, no-op Reshape, shape arithmetic). */
    static Graph cnn() {
        GraphBuilder b = GraphBuilder.create("cnn");
        OutDataAnchor x = b.input("image", DataType.FLOAT, Shape.of("N", 3, 16, 16));
        OutDataAnchor h = b.relu(convBn(b, x, 3, 8, 3, 1, 100));
        OutDataAnchor r = b.relu(b.add(convBn(b, b.relu(convBn(b, h, 8, 8, 3, 1, 200)), 8, 8, 3, 1, 300), h));  // basic block
        r = b.op("Identity").in(r).call1();
        OutDataAnchor p = b.maxPool(r, 2, 2);
        OutDataAnchor c = b.op("Clip").in(convBn(b, p, 8, 16, 3, 2, 400), b.constant(Tensor.scalar(0f)), b.constant(Tensor.scalar(6f))).call1();
        OutDataAnchor gap = b.globalAveragePool(c);
        OutDataAnchor flat = b.flatten(gap, 1);
        flat = b.op("Dropout").in(flat).call1();
        // the exporter's batch-size arithmetic: reshape to [N, 16] via Shape/Gather/Concat
        OutDataAnchor n = b.op("Gather").in(b.op("Shape").in(flat).call1(), b.constant(Tensor.of(new long[] {0}, 1))).attr("axis", 0L).call1();
        OutDataAnchor shape = b.concat(0, n, b.constant(Tensor.of(new long[] {16}, 1)));
        flat = b.op("Reshape").in(flat, shape).call1();
        OutDataAnchor logits = b.gemm(flat, b.constant(random(500, 0.25, 10, 16)), b.constant(random(501, 0.1, 10)), true);
        return b.output("logits", logits).build();
    }

    private static CompilerOptions o3() { return CompilerOptions.builder().setLevel(OptLevel.O3).optVerify(true).build(); }

    @Test
    void cnnAtO3MatchesTheReferenceWithConvsFused() {
        Graph g = cnn();
        CompileReport report = Compiler.optimize(g, o3()).report();
        assertThat(count(g, "BatchNormalization")).isZero();
        assertThat(count(g, "Identity") + count(g, "Dropout")).isZero();
        assertThat(count(g, "Relu") + count(g, "Clip") + count(g, "Add")).isZero();
        assertThat(count(g, "ge4j::FusedConv")).isEqualTo(4);
        assertThat(count(g, "Conv")).isZero();
        assertThat(report.rewrites("conv-bn")).isEqualTo(4);
        assertThat(report.rewrites("conv-activation")).isEqualTo(4);
        assertThat(report.nodesAfter()).isLessThan(report.nodesBefore() / 2);
        assertSameFunction(PipelineTest::cnn, x -> Compiler.optimize(x, o3()), 42);
    }

    @Test
    void everyLevelComputesTheSameFunction() {
        for (OptLevel l : OptLevel.values())
            assertSameFunction(PipelineTest::cnn, x -> Compiler.optimize(x, CompilerOptions.builder().setLevel(l).optVerify(true).build()), 43);
    }

    @Test
    void switchingFusionOffKeepsTheOnnxOps() {
        Graph g = cnn();
        Compiler.optimize(g, CompilerOptions.builder().setLevel(OptLevel.O3).optVerify(true).optSwitches("fusion:off").build());
        assertThat(count(g, "ge4j::FusedConv")).isZero();
        assertThat(count(g, "BatchNormalization")).isEqualTo(4);
        assertThat(count(g, "Dropout")).as("simplify still ran").isZero();
    }
}
