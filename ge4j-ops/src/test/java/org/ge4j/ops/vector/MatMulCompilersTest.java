package org.ge4j.ops.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.ops.vector.KernelHarness.assertMatchesReference;
import static org.ge4j.ops.vector.KernelHarness.fused;
import static org.ge4j.ops.vector.KernelHarness.op;
import static org.ge4j.ops.vector.KernelHarness.random;

import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.junit.jupiter.api.Test;

/** The GEMM-based kernels (MatMul, Gemm, FusedMatMul) against their reference kernels. */
class MatMulCompilersTest {
    private static final double TOL = 1e-4;

    @Test
    void matMul2dOverEdgeShapesWithRuntimeAndConstantB() {
        int[][] shapes = {{1, 1, 1}, {1, 64, 33}, {3, 5, 7}, {8, 32, 16}, {9, 31, 40}, {17, 100, 3}, {64, 64, 64}, {70, 200, 300}, {13, 129, 47}, {2, 1, 9}};
        long seed = 1;
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            for (boolean constB : new boolean[] {false, true}) {
                var b = op("MatMul").in(random(seed++, m, k));
                var c = (constB ? b.constIn(random(seed++, k, n)) : b.in(random(seed++, k, n))).build();
                assertMatchesReference(c, TOL);
            }
        }
    }

    @Test
    void batchedMatMulWithBroadcastBatchDims() {
        assertMatchesReference(op("MatMul").in(random(1, 2, 3, 9, 20)).in(random(2, 2, 3, 20, 33)).build(), TOL);
        assertMatchesReference(op("MatMul").in(random(3, 2, 1, 9, 20)).in(random(4, 3, 20, 33)).build(), TOL);
        assertMatchesReference(op("MatMul").in(random(5, 4, 17, 24)).constIn(random(6, 24, 40)).build(), TOL); // folded into M
        assertMatchesReference(op("MatMul").in(random(7, 4, 17, 24)).in(random(8, 24, 40)).build(), TOL);
        assertMatchesReference(op("MatMul").in(random(9, 5, 24)).constIn(random(10, 3, 1, 24, 7)).build(), TOL);
        // attention-like: 12 heads, Q·K^T with a runtime K^T
        assertMatchesReference(op("MatMul").in(random(11, 1, 12, 33, 64)).in(random(12, 1, 12, 64, 33)).build(), TOL);
    }

    @Test
    void oneDimensionalOperands() {
        assertMatchesReference(op("MatMul").in(random(1, 37)).in(random(2, 37, 50)).build(), TOL);
        assertMatchesReference(op("MatMul").in(random(3, 6, 37)).in(random(4, 37)).build(), TOL);
        assertMatchesReference(op("MatMul").in(random(5, 37)).constIn(random(6, 37)).build(), TOL);
        assertMatchesReference(op("MatMul").in(random(7, 2, 6, 37)).in(random(8, 37)).build(), TOL);
    }

    @Test
    void gemvLargeEnoughToRunInParallel() {
        assertMatchesReference(op("MatMul").in(random(1, 1, 1024)).constIn(random(2, 1024, 1000)).build(), TOL);
        assertMatchesReference(op("MatMul").in(random(3, 130, 256)).constIn(random(4, 256, 300)).build(), TOL);
    }

    @Test
    void gemmTransposesAlphaBetaAndEveryFormOfC() {
        int m = 19, k = 23, n = 45;
        long[][] cShapes = {null, {}, {1}, {n}, {1, n}, {m, 1}, {m, n}, {1, 1}};
        long seed = 100;
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++)
                for (long[] cs : cShapes)
                    for (boolean constB : new boolean[] {false, true}) {
                        var b = op("Gemm").opset(13).attr("transA", (long) ta).attr("transB", (long) tb).attr("alpha", 0.75f).attr("beta", -1.5f)
                                .in(random(seed++, ta == 1 ? k : m, ta == 1 ? m : k));
                        Tensor bt = random(seed++, tb == 1 ? n : k, tb == 1 ? k : n);
                        b = constB ? b.constIn(bt) : b.in(bt);
                        if (cs != null) b = b.constIn(random(seed++, cs));
                        assertMatchesReference(b.build(), TOL);
                    }
    }

    @Test
    void gemmOfLinearLayerShape() {
        // PyTorch Linear: Gemm(transB=1) with a constant weight and bias
        assertMatchesReference(op("Gemm").opset(13).attr("transB", 1L).in(random(1, 3, 512)).constIn(random(2, 100, 512)).constIn(random(3, 100)).build(), TOL);
        assertMatchesReference(op("Gemm").opset(11).attr("beta", 0f).in(random(4, 8, 16)).in(random(5, 16, 8)).in(random(6, 8, 8)).build(), TOL);
    }

    @Test
    void fusedMatMulWithEveryActivationAndBiasForm() {
        String[] acts = {"", "Relu", "LeakyRelu", "Clip", "Sigmoid", "Tanh", "Gelu"};
        long seed = 200;
        for (String act : acts) {
            var b = fused("FusedMatMul").opset(1).attr("activation", act).attr("alpha", 1.25f).in(random(seed++, 2, 21, 40)).constIn(random(seed++, 40, 37)).in(random(seed++, 37));
            if (act.equals("LeakyRelu")) b.attrFloats("activation_params", 0.2f);
            if (act.equals("Clip")) b.attrFloats("activation_params", -0.5f, 0.7f);
            assertMatchesReference(b.build(), TOL);
        }
        assertMatchesReference(fused("FusedMatMul").opset(1).attr("activation", "Gelu").attr("approximate", "tanh")
                .in(random(1, 12, 40)).constIn(random(2, 40, 37)).constIn(random(3, 37)).build(), TOL);
        // bias as a full matrix per batch, shared matrix, per row, and transposes
        assertMatchesReference(fused("FusedMatMul").opset(1).in(random(4, 3, 9, 16)).in(random(5, 3, 16, 11)).in(random(6, 3, 9, 11)).build(), TOL);
        assertMatchesReference(fused("FusedMatMul").opset(1).in(random(7, 3, 9, 16)).in(random(8, 3, 16, 11)).in(random(9, 9, 11)).build(), TOL);
        assertMatchesReference(fused("FusedMatMul").opset(1).in(random(10, 3, 9, 16)).constIn(random(11, 16, 11)).in(random(12, 9, 1)).build(), TOL);
        assertMatchesReference(fused("FusedMatMul").opset(1).attr("trans_a", 1L).attr("trans_b", 1L).attr("activation", "Relu")
                .in(random(13, 2, 16, 9)).constIn(random(14, 11, 16)).in(random(15, 1, 11)).build(), TOL);
    }

    @Test
    void declinesWhatItDoesNotCover() {
        Tensor ai = Tensor.allocate(DataType.INT32, 3, 4), bi = Tensor.allocate(DataType.INT32, 4, 5);
        assertThat(KernelHarness.compile(op("MatMul").in(ai).in(bi).build())).isNull();
        assertThat(KernelHarness.compile(fused("FusedMatMul").opset(1).in(random(1, 2, 3, 4)).in(random(2, 4, 5)).in(random(3, 2, 3, 1)).build())).isNull();
    }
}
