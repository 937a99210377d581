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

/** Pooling, Softmax and LayerNormalization vector kernels against the reference kernels. */
class PoolingAndRowOpsTest {
    private static final double TOL = 1e-5;

    @Test
    void maxPoolWindows() {
        assertMatchesReference(op("MaxPool").opset(12).attr("kernel_shape", 3L, 3L).attr("strides", 2L, 2L).attr("pads", 1L, 1L, 1L, 1L).in(random(1, 1, 4, 20, 20)).build(), 0);
        assertMatchesReference(op("MaxPool").opset(12).attr("kernel_shape", 3L, 3L).attr("strides", 2L, 2L).attr("ceil_mode", 1L).in(random(2, 2, 3, 13, 13)).build(), 0);
        assertMatchesReference(op("MaxPool").opset(12).attr("kernel_shape", 2L, 2L).attr("strides", 2L, 2L).in(random(3, 1, 5, 9, 70)).build(), 0);
        assertMatchesReference(op("MaxPool").opset(12).attr("kernel_shape", 3L, 3L).attr("pads", 1L, 1L, 1L, 1L).in(random(4, 1, 3, 7, 7)).build(), 0);
        assertMatchesReference(op("MaxPool").opset(12).attr("kernel_shape", 2L, 3L).attr("dilations", 2L, 2L).in(random(5, 1, 2, 11, 12)).build(), 0);
        assertMatchesReference(op("MaxPool").opset(12).ints("kernel_shape", 3L).ints("strides", 2L).attr("auto_pad", "SAME_UPPER").in(random(6, 2, 3, 31)).build(), 0);
        assertMatchesReference(op("MaxPool").opset(12).attr("kernel_shape", 3L, 3L).attr("strides", 2L, 2L).attr("pads", 1L, 1L, 1L, 1L).in(random(7, 1, 64, 112, 112)).build(), 0);
    }

    /** Flat (copied, s × s phases, staged rows) and row paths at odd sizes, ceil mode, pads and dilations. */
    @Test
    void poolEdgeShapes() {
        long[][] shapes = { // h, w, kernel, stride, pad (all sides), ceil_mode, dilation
            {111, 111, 3, 2, 0, 1, 1}, {55, 55, 3, 2, 0, 1, 1}, {27, 27, 3, 2, 0, 1, 1}, {13, 13, 3, 2, 0, 1, 1}, {112, 112, 3, 2, 0, 1, 1},
            {14, 14, 3, 2, 0, 1, 1}, {7, 7, 3, 1, 1, 1, 1}, {14, 14, 3, 1, 1, 0, 1}, {9, 11, 3, 2, 1, 0, 1}, {10, 13, 3, 2, 1, 1, 1},
            {8, 9, 2, 2, 0, 1, 1}, {12, 12, 3, 2, 1, 1, 2}, {5, 40, 5, 1, 2, 0, 1}, {6, 7, 3, 1, 0, 1, 1}, {1, 33, 3, 2, 1, 1, 1}};
        long seed = 50;
        for (long[] t : shapes) {
            var b = op("MaxPool").opset(12).attr("kernel_shape", t[2], t[2]).attr("strides", t[3], t[3]).attr("pads", t[4], t[4], t[4], t[4])
                    .attr("ceil_mode", t[5]).attr("dilations", t[6], t[6]).in(random(seed++, 2, 3, t[0], t[1]));
            assertMatchesReference(b.build(), 0);
            for (long cip = 0; cip < 2 && t[6] == 1; cip++)
                assertMatchesReference(op("AveragePool").opset(19).attr("count_include_pad", cip).attr("kernel_shape", t[2], t[2]).attr("strides", t[3], t[3])
                        .attr("pads", t[4], t[4], t[4], t[4]).attr("ceil_mode", t[5]).in(random(seed++, 2, 3, t[0], t[1])).build(), TOL);
        }
    }

    @Test
    void averagePoolCountsAsTheReference() {
        for (long cip = 0; cip < 2; cip++) {
            assertMatchesReference(op("AveragePool").opset(11).attr("count_include_pad", cip).attr("kernel_shape", 3L, 3L).attr("strides", 2L, 2L).attr("pads", 1L, 1L, 1L, 1L)
                    .in(random(1, 1, 4, 15, 15)).build(), TOL);
            assertMatchesReference(op("AveragePool").opset(11).attr("count_include_pad", cip).attr("kernel_shape", 3L, 3L).attr("ceil_mode", 1L).attr("strides", 2L, 2L).attr("pads", 0L, 1L, 1L, 0L)
                    .in(random(2, 1, 3, 12, 14)).build(), TOL);
            assertMatchesReference(op("AveragePool").opset(11).attr("count_include_pad", cip).attr("kernel_shape", 5L, 5L).attr("auto_pad", "SAME_LOWER")
                    .in(random(3, 2, 2, 9, 8)).build(), TOL);
        }
    }

    @Test
    void globalPools() {
        assertMatchesReference(op("GlobalAveragePool").opset(1).in(random(1, 2, 64, 7, 7)).build(), TOL);
        assertMatchesReference(op("GlobalAveragePool").opset(1).in(random(2, 1, 5, 3)).build(), TOL);
        assertMatchesReference(op("GlobalMaxPool").opset(1).in(random(3, 2, 6, 5, 9)).build(), 0);
    }

    @Test
    void softmaxOverLastAxisAndLegacyFlattening() {
        for (long n : new long[] {1, 7, 16, 33, 128, 1000}) assertMatchesReference(op("Softmax").opset(13).in(uniform(n, -10, 10, 3, n)).build(), TOL);
        assertMatchesReference(op("Softmax").opset(13).in(random(1, 2, 12, 17, 17)).build(), TOL);
        assertMatchesReference(op("Softmax").opset(13).attr("axis", 3L).in(random(1, 2, 3, 4, 40)).build(), TOL);
        assertMatchesReference(op("Softmax").opset(11).in(random(2, 3, 4, 5)).build(), TOL); // axis 1: rows of 20
        assertMatchesReference(op("Softmax").opset(11).attr("axis", -1L).in(random(3, 3, 4, 5)).build(), TOL);
        assertMatchesReference(op("Softmax").opset(13).in(uniform(4, -1000, 1000, 4, 50)).build(), TOL); // large logits
        assertThat(KernelHarness.compile(op("Softmax").opset(13).attr("axis", 1L).in(random(5, 3, 4, 5)).build())).isNull();
    }

    @Test
    void layerNormalizationBothForms() {
        for (long n : new long[] {1, 5, 16, 33, 768}) {
            var c = op("LayerNormalization").opset(17).in(uniform(n, -3, 5, 4, n)).constIn(random(n + 1, n)).constIn(random(n + 2, n)).build();
            assertMatchesReference(c, 2e-5);
        }
        assertMatchesReference(op("LayerNormalization").opset(17).attr("axis", 1L).attr("epsilon", 1e-3f).in(random(1, 3, 4, 5)).constIn(random(2, 4, 5)).build(), 2e-5);
        assertMatchesReference(fused("LayerNormalization").opset(1).in(random(3, 2, 7, 40)).constIn(random(4, 40)).constIn(random(5, 40)).build(), 2e-5);
        assertMatchesReference(fused("LayerNormalization").opset(1).in(random(6, 2, 7, 40)).build(), 2e-5);
        assertMatchesReference(fused("LayerNormalization").opset(1).in(random(7, 128, 768)).constIn(random(8, 768)).absent().build(), 2e-5);
    }

    @Test
    void layerNormalizationMeanAndInvStdDevOutputs() {
        var c = op("LayerNormalization").opset(17).in(uniform(1, -2, 3, 6, 50)).constIn(random(2, 50)).constIn(random(3, 50)).outputs(3).build();
        CompiledKernel k = KernelHarness.compile(c);
        assertThat(k).isNotNull();
        MemorySegment[] args = KernelHarness.args(c);
        k.run(args);
        for (int o = 0; o < 3; o++) KernelHarness.assertClose(KernelHarness.output(c, args, o), KernelHarness.reference(c, o), 2e-5, "output " + o);
    }

    @Test
    void maxPoolWithIndicesIsDeclined() {
        assertThat(KernelHarness.compile(op("MaxPool").opset(12).attr("kernel_shape", 2L, 2L).in(random(1, 1, 2, 4, 4)).outputs(2).build())).isNull();
    }

    @Test
    void specialValues() {
        float[] v = {Float.NaN, 1f, 2f, Float.NEGATIVE_INFINITY, 3f, 4f, 5f, 6f, 7f};
        assertMatchesReference(op("MaxPool").opset(12).attr("kernel_shape", 2L, 2L).in(Tensor.of(v, 1, 1, 3, 3)).build(), 0);
    }
}
