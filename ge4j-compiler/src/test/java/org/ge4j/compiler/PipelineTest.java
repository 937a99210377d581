package org.ge4j.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.compiler.PassTests.assertSameFunction;
import static org.ge4j.compiler.PassTests.count;

import java.util.Random;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
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
        CompileReport report = Compiler.optimize(g, o3().toBuilder().optSwitches("layout:off").build()).report();
        assertThat(count(g, "BatchNormalization")).isZero();
        assertThat(count(g, "Identity") + count(g, "Dropout")).isZero();
        assertThat(count(g, "Relu") + count(g, "Clip") + count(g, "Add")).isZero();
        assertThat(count(g, "ge4j::FusedConv")).isEqualTo(4);
        assertThat(count(g, "Conv")).isZero();
        assertThat(report.rewrites("conv-bn")).isEqualTo(4);
        assertThat(report.rewrites("conv-activation")).isEqualTo(4);
        assertThat(report.nodesAfter()).isLessThan(report.nodesBefore() / 2);
        assertSameFunction(PipelineTest::cnn, x -> Compiler.optimize(x, o3()), 42);
        // by default the layout pass then puts the fused convolutions on blocked tensors
        Graph blocked = cnn();
        Compiler.optimize(blocked, o3());
        assertThat(count(blocked, "ge4j::BlockedConv")).isEqualTo(4);
        assertThat(count(blocked, "ge4j::FusedConv")).isZero();
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

    // ---------------------------------------------------------------- a transformer encoder block

    private static OutDataAnchor c(GraphBuilder b, float v) { return b.constant(Tensor.scalar(v)); }

    private static OutDataAnchor linear(GraphBuilder b, OutDataAnchor x, int in, int out, long seed) {
        return b.add(b.matMul(x, b.constant(random(seed, 1 / Math.sqrt(in), in, out))), b.constant(random(seed + 1, 0.1, out)));
    }

    /** LayerNorm over the last axis, written out as exporters decompose it (opset 18: ReduceMean axes as input). */
    private static OutDataAnchor layerNorm(GraphBuilder b, OutDataAnchor x, int h, long seed) {
        OutDataAnchor axes = b.constant(Tensor.of(new long[] {-1}, 1));
        OutDataAnchor m = b.op("ReduceMean").in(x, axes).call1();
        OutDataAnchor d = b.sub(x, m);
        OutDataAnchor v = b.op("ReduceMean").in(b.op("Pow").in(d, c(b, 2f)).call1(), axes).call1();
        OutDataAnchor n = b.div(d, b.op("Sqrt").in(b.add(v, c(b, 1e-5f))).call1());
        return b.add(b.mul(n, b.constant(positive(seed, h))), b.constant(random(seed + 1, 0.1, h)));
    }

    /** [B, L, H] -> [B, heads, L, H/heads] through the Shape/Gather/Concat arithmetic of a dynamic-shape export. */
    private static OutDataAnchor splitHeads(GraphBuilder b, OutDataAnchor x, int heads, int dh, long... perm) {
        OutDataAnchor s = b.op("Shape").in(x).call1();
        OutDataAnchor bl = b.op("Slice").in(s, b.constant(Tensor.of(new long[] {0}, 1)), b.constant(Tensor.of(new long[] {2}, 1))).call1();
        OutDataAnchor shape = b.concat(0, bl, b.constant(Tensor.of(new long[] {heads, dh}, 2)));
        return b.transpose(b.op("Reshape").in(x, shape).call1(), perm);
    }

    /** A BERT encoder block with dynamic batch and sequence: attention, residuals, decomposed LayerNorms, erf GELU. */
    static Graph transformer() {
        int h = 16, heads = 2, dh = 8, ff = 32;
        GraphBuilder b = GraphBuilder.create("encoder");
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of("B", "L", h));
        OutDataAnchor mask = b.input("mask", DataType.FLOAT, Shape.of("B", 1, 1, "L"));
        OutDataAnchor q = splitHeads(b, linear(b, x, h, h, 10), heads, dh, 0, 2, 1, 3);
        OutDataAnchor kt = splitHeads(b, linear(b, x, h, h, 20), heads, dh, 0, 2, 3, 1);
        OutDataAnchor v = splitHeads(b, linear(b, x, h, h, 30), heads, dh, 0, 2, 1, 3);
        OutDataAnchor scores = b.add(b.div(b.matMul(q, kt), c(b, (float) Math.sqrt(dh))), mask);
        OutDataAnchor ctx = b.transpose(b.matMul(b.softmax(scores, -1), v), 0, 2, 1, 3);
        OutDataAnchor merged = b.op("Reshape").in(ctx, b.concat(0, b.op("Shape").in(x).call1())).call1();
        OutDataAnchor h1 = layerNorm(b, b.add(linear(b, merged, h, h, 40), x), h, 50);
        OutDataAnchor f = linear(b, h1, h, ff, 60);
        OutDataAnchor erf = b.op("Erf").in(b.div(f, c(b, (float) Math.sqrt(2)))).call1();
        OutDataAnchor gelu = b.mul(b.mul(f, b.add(erf, c(b, 1f))), c(b, 0.5f));
        OutDataAnchor out = layerNorm(b, b.add(linear(b, gelu, ff, h, 70), h1), h, 80);
        return b.output("y", out).build();
    }

    @Test
    void transformerAtO3MatchesTheReferenceWithAttentionLayerNormAndGeluFused() {
        Graph g = transformer();
        CompileReport report = Compiler.optimize(g, o3()).report();
        assertThat(count(g, "ge4j::Attention")).isEqualTo(1);
        assertThat(count(g, "ge4j::LayerNormalization")).isEqualTo(2);
        assertThat(count(g, "ge4j::PackedMatMul")).as("fused GEMMs, their weights prepacked by kernel-select").isEqualTo(6);
        assertThat(g.nodes().stream().filter(n -> n.type().equals("PackedMatMul") && n.attrString("activation", "").equals("Gelu"))).hasSize(1);
        for (String gone : new String[] {"Softmax", "ReduceMean", "Erf", "Sqrt", "Pow", "Div", "MatMul"})
            assertThat(count(g, gone)).as(gone).isZero();
        Node att = g.nodes().stream().filter(n -> n.type().equals("Attention")).findFirst().orElseThrow();
        assertThat(att.inputValue(0).desc().shape()).as("dynamic reshapes got symbolic shapes").isEqualTo(Shape.of("B", 2, "L", 8));
        assertThat(att.attrInt("k_transposed", 0)).isEqualTo(1);
        assertThat(att.attrFloat("scale", 0)).isEqualTo((float) (1 / Math.sqrt(8)));
        assertThat(report.rewrites()).containsEntry("attention", 1).containsEntry("layer-norm", 2).containsEntry("gelu-erf", 1).containsEntry("packed-matmul", 6);
        assertThat(g.outputs().get(0).value().desc().shape()).isEqualTo(Shape.of("B", "L", 16));
        assertSameFunction(PipelineTest::transformer, x -> Compiler.optimize(x, o3()), 44);
    }
}
