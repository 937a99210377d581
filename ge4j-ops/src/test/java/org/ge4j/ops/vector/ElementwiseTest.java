package org.ge4j.ops.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.ops.vector.KernelHarness.assertMatchesReference;
import static org.ge4j.ops.vector.KernelHarness.fused;
import static org.ge4j.ops.vector.KernelHarness.op;
import static org.ge4j.ops.vector.KernelHarness.random;
import static org.ge4j.ops.vector.KernelHarness.uniform;

import java.lang.foreign.MemorySegment;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.exec.CompiledKernel;
import org.junit.jupiter.api.Test;

/** Elementwise vector kernels against the reference kernels, over broadcast forms, odd sizes and special values. */
class ElementwiseTest {
    private static final double TOL = 1e-5;

    @Test
    void binaryOpsSameShapeAndBroadcastForms() {
        long[][][] shapes = {
            {{7}, {7}}, {{3, 37}, {3, 37}}, {{2, 5, 33}, {33}}, {{2, 5, 33}, {1, 33}}, {{2, 5, 33}, {}}, {{1}, {4, 9}},
            {{2, 6, 5, 7}, {6, 1, 1}}, {{2, 6, 5, 7}, {1, 6, 1, 1}}, {{6, 1, 1}, {2, 6, 5, 7}}, {{33}, {2, 5, 33}},
            {{4, 5, 6}, {5, 6}}, {{4, 5, 6}, {4, 1, 1}}, {{4, 5, 6}, {5, 1}}, {{300, 301}, {301}}};
        long seed = 1;
        for (String type : new String[] {"Add", "Sub", "Mul", "Div"})
            for (long[][] sh : shapes) {
                Tensor a = uniform(seed++, 0.5, 2, sh[0]), b = uniform(seed++, 0.5, 2, sh[1]);
                assertMatchesReference(op(type).opset(14).in(a).in(b).build(), TOL);
                assertMatchesReference(op(type).opset(14).in(a).constIn(b).build(), TOL);
            }
    }

    @Test
    void largeOperandsRunInParallel() {
        assertMatchesReference(op("Add").opset(14).in(random(1, 3, 70000)).in(random(2, 3, 70000)).build(), TOL);
        assertMatchesReference(op("Mul").opset(14).in(random(3, 1, 64, 56, 56)).constIn(random(4, 64, 1, 1)).build(), TOL);
        assertMatchesReference(op("Sub").opset(14).in(random(5, 256, 1024)).constIn(random(6, 1024)).build(), TOL);
        assertMatchesReference(op("Div").opset(14).constIn(uniform(7, 0.5, 1, 1)).in(uniform(8, 0.5, 1, 200000)).build(), TOL);
        assertMatchesReference(op("Gelu").opset(20).in(uniform(9, -6, 6, 100003)).build(), TOL);
    }

    @Test
    void outerProductBroadcastIsDeclined() {
        assertThat(KernelHarness.compile(op("Add").opset(14).in(random(1, 4, 1)).in(random(2, 1, 5)).build())).isNull();
    }

    @Test
    void activationsOverTheirWholeRange() {
        Tensor x = uniform(1, -12, 12, 2, 1003);
        for (String type : new String[] {"Relu", "Sigmoid", "Tanh", "Erf", "Exp"}) assertMatchesReference(op(type).opset(13).in(x).build(), 2e-5);
        assertMatchesReference(op("LeakyRelu").opset(16).attr("alpha", 0.3f).in(x).build(), TOL);
        assertMatchesReference(op("Gelu").opset(20).in(x).build(), 2e-5);
        assertMatchesReference(op("Gelu").opset(20).attr("approximate", "tanh").in(x).build(), 2e-5);
        assertMatchesReference(fused("Gelu").opset(1).in(x).build(), 2e-5);
        assertMatchesReference(fused("Gelu").opset(1).attr("approximate", "tanh").in(x).build(), 2e-5);
    }

    @Test
    void erfAndGeluKeepRelativeAccuracyNearZeroAndInTheTails() {
        float[] v = {0f, 1e-30f, -1e-20f, 1e-7f, -3e-4f, 0.01f, 0.3f, 0.4999f, 0.5f, 0.5001f, 0.9f, 1f, 1.7f, 2.5f, -3f, 3.9f, 4.5f, -6f, 9f, -9.5f, 13f, -30f};
        Tensor x = Tensor.of(v, v.length);
        assertMatchesReference(op("Erf").opset(13).in(x).build(), 1e-6);
        // GELU's negative tail is tiny but must keep its relative accuracy
        float[] neg = {-1f, -2f, -3f, -4f, -5f, -6f, -7f, -8f, -9f, -10f};
        Tensor xn = Tensor.of(neg, neg.length);
        CompiledKernel k = KernelHarness.compile(op("Gelu").opset(20).in(xn).build());
        var c = op("Gelu").opset(20).in(xn).build();
        MemorySegment[] args = KernelHarness.args(c);
        k.run(args);
        float[] got = KernelHarness.output(c, args, 0).toFloatArray();
        for (int i = 0; i < neg.length; i++) {
            double xd = neg[i], expect = 0.5 * xd * erfc(-xd / Math.sqrt(2));
            if (expect != 0 && Math.abs(expect) > 1e-37) assertThat(Math.abs(got[i] - expect) / Math.abs(expect)).as("gelu(%s) = %s vs %s", xd, got[i], expect).isLessThan(2e-5);
        }
    }

    /** erfc(u) for u >= 0.7 by its continued fraction (plenty of terms: accurate to double precision there). */
    private static double erfc(double u) {
        double f = u;
        for (int k = 200; k >= 1; k--) f = u + (k / 2.0) / f;
        return Math.exp(-u * u) / Math.sqrt(Math.PI) / f;
    }

    @Test
    void specialValuesPassThrough() {
        float[] v = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, 88f, -88f, 1e30f, -1e30f};
        Tensor x = Tensor.of(v, v.length);
        for (String type : new String[] {"Relu", "Sigmoid", "Tanh", "Erf"}) assertMatchesReference(op(type).opset(13).in(x).build(), 1e-6);
        assertMatchesReference(op("Clip").opset(13).in(x).constIn(Tensor.scalar(-1f)).constIn(Tensor.scalar(2f)).build(), 0);
    }

    @Test
    void clipAllVersionsAndBounds() {
        Tensor x = uniform(1, -3, 3, 5, 41);
        assertMatchesReference(op("Clip").opset(6).attr("min", -1f).attr("max", 0.5f).in(x).build(), 0);
        assertMatchesReference(op("Clip").opset(6).in(x).build(), 0);
        assertMatchesReference(op("Clip").opset(13).in(x).constIn(Tensor.scalar(0f)).constIn(Tensor.scalar(6f)).build(), 0);
        assertMatchesReference(op("Clip").opset(13).in(x).in(Tensor.scalar(-0.5f)).build(), 0);
        assertMatchesReference(op("Clip").opset(13).in(x).absent().in(Tensor.scalar(0.25f)).build(), 0);
        assertMatchesReference(op("Clip").opset(13).in(x).constIn(Tensor.scalar(1f)).constIn(Tensor.scalar(-1f)).build(), 0); // min > max
    }
}
