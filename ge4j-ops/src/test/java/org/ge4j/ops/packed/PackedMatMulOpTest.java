package org.ge4j.ops.packed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.packed.PackedTesting.assertClose;
import static org.ge4j.ops.packed.PackedTesting.packedAttrs;
import static org.ge4j.ops.packed.PackedTesting.random;
import static org.ge4j.ops.packed.PackedTesting.reference;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.Node;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

/** The reference kernel of ge4j::PackedMatMul (reading the packed layout) against MatMul, Gemm and FusedMatMul's. */
class PackedMatMulOpTest {
    private static final double TOL = 1e-6;
    private static final String GE = Node.GE4J_DOMAIN;

    static Tensor packedRef(Tensor a, Tensor packed, Tensor bias, long k, long n, int nr, Map<String, Attr> more) {
        Map<String, Attr> attrs = packedAttrs(k, n, nr, more);
        return bias == null ? reference(GE, "PackedMatMul", attrs, a, packed) : reference(GE, "PackedMatMul", attrs, a, packed, bias);
    }

    @Test
    void equalsMatMulOnManyShapesAndPanelWidths() {
        long[][] shapes = {{1, 1, 1}, {1, 7, 5}, {3, 5, 7}, {4, 16, 33}, {9, 31, 40}, {2, 1, 9}, {5, 3, 64}, {6, 65, 17}};
        long seed = 1;
        for (long[] s : shapes) {
            long m = s[0], k = s[1], n = s[2];
            Tensor a = random(seed++, m, k), b = random(seed++, k, n);
            Tensor expected = reference("", "MatMul", Map.of(), a, b);
            for (int nr : new int[] {1, 4, 16, 32}) {
                Tensor y = packedRef(a, PackedLayout.pack(b, false, nr), null, k, n, nr, Map.of());
                assertClose(y, expected, TOL, "m=" + m + " k=" + k + " n=" + n + " nr=" + nr);
            }
        }
    }

    @Test
    void batchDimsOneDimensionalAAndTransposedA() {
        Tensor b = random(1, 24, 19);
        Tensor p = PackedLayout.pack(b, false, 8);
        Tensor a3 = random(2, 2, 3, 5, 24);
        assertClose(packedRef(a3, p, null, 24, 19, 8, Map.of()), reference("", "MatMul", Map.of(), a3, b), TOL, "batched");
        Tensor a1 = random(3, 24);
        Tensor y1 = packedRef(a1, p, null, 24, 19, 8, Map.of());
        assertThat(y1.shape()).containsExactly(19);
        assertClose(y1, reference("", "MatMul", Map.of(), a1, b), TOL, "1-D A");
        Tensor at = random(4, 2, 24, 6); // op(A) = A^T per batch item: [2, 6, 24]
        Map<String, Attr> ta = Map.of("trans_a", new Attr.Int(1));
        Tensor expected = reference(GE, "FusedMatMul", ta, at, b);
        assertClose(packedRef(at, p, null, 24, 19, 8, ta), expected, TOL, "trans_a");
    }

    @Test
    void gemmSemanticsWithTransposedBAlphaBetaAndEveryFormOfC() {
        long m = 7, k = 11, n = 13;
        Tensor a = random(1, m, k), bt = random(2, n, k);
        Tensor p = PackedLayout.pack(bt, true, 4); // transB folded into the packing
        long[][] cShapes = {{}, {1}, {n}, {1, n}, {m, 1}, {m, n}, {1, 1}};
        long seed = 10;
        for (long[] cs : cShapes) {
            Tensor c = random(seed++, cs);
            Map<String, Attr> gemm = Map.of("transB", new Attr.Int(1), "alpha", new Attr.Float(0.5f), "beta", new Attr.Float(-2f));
            Tensor expected = reference("", "Gemm", gemm, a, bt, c);
            Tensor y = packedRef(a, p, c, k, n, 4, Map.of("alpha", new Attr.Float(0.5f), "beta", new Attr.Float(-2f)));
            assertClose(y, expected, TOL, "C " + java.util.Arrays.toString(cs));
        }
    }

    @Test
    void fusedActivationsAndBiasAsFusedMatMul() {
        long k = 9, n = 21;
        Tensor a = random(1, 2, 5, k), b = random(2, k, n), bias = random(3, n);
        Tensor p = PackedLayout.pack(b, false, 8);
        String[][] acts = {{"Relu"}, {"LeakyRelu", "0.2"}, {"Clip", "-0.3", "0.4"}, {"Sigmoid"}, {"Tanh"}, {"Gelu", "none"}, {"Gelu", "tanh"}};
        for (String[] act : acts) {
            Map<String, Attr> attrs = new LinkedHashMap<>();
            attrs.put("activation", new Attr.Str(act[0]));
            attrs.put("alpha", new Attr.Float(1.5f));
            if (act[0].equals("Gelu")) attrs.put("approximate", new Attr.Str(act[1]));
            else if (act.length > 1) {
                float[] ps = new float[act.length - 1];
                for (int i = 1; i < act.length; i++) ps[i - 1] = Float.parseFloat(act[i]);
                attrs.put("activation_params", new Attr.Floats(ps));
            }
            Tensor expected = reference(GE, "FusedMatMul", attrs, a, b, bias);
            assertClose(packedRef(a, p, bias, k, n, 8, attrs), expected, TOL, act[0]);
        }
    }

    @Test
    void infersShapesIncludingSymbolicBatch() {
        var g = org.ge4j.ir.text.GraphTextParser.parse("""
            graph g {
              opset "" = 17
              opset "ge4j" = 1
              input %x : f32[B,L,3]
              input %v : f32[3]
              %w = Constant() {value = tensor<f32[2,3,4]> [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}
              %y = ge4j::PackedMatMul(%x, %w) {k = 3, n = 5, nr = 4}
              %z = ge4j::PackedMatMul(%v, %w) {k = 3, n = 5, nr = 4}
              return %y, %z
            }
            """);
        new org.ge4j.ops.GraphInference(PackedTesting.R, true).infer(g);
        assertThat(g.outputs().get(0).value().desc().shape().toString()).isEqualTo("[B,L,5]");
        assertThat(g.outputs().get(1).value().desc().shape().toString()).isEqualTo("[5]");
    }

    @Test
    void failsClearlyOnInconsistentInputs() {
        Tensor b = random(1, 6, 10);
        Tensor p = PackedLayout.pack(b, false, 4);
        assertThatThrownBy(() -> packedRef(random(2, 3, 5), p, null, 6, 10, 4, Map.of()))
                .isInstanceOf(OpException.class).hasMessageContaining("input 0 ('A')").hasMessageContaining("k=6");
        assertThatThrownBy(() -> packedRef(random(2, 3, 6), p, null, 6, 10, 8, Map.of()))
                .isInstanceOf(OpException.class).hasMessageContaining("input 1 ('B') must be the packed weights [2,6,8]");
        assertThatThrownBy(() -> packedRef(random(2, 3, 6), p, null, 0, 10, 4, Map.of()))
                .isInstanceOf(OpException.class).hasMessageContaining("attribute 'k'");
        assertThatThrownBy(() -> packedRef(random(2, 3, 6), p, random(3, 4, 10), 6, 10, 4, Map.of()))
                .isInstanceOf(OpException.class).hasMessageContaining("input 2 ('Bias')");
        assertThatThrownBy(() -> packedRef(random(2, 3, 6), p, null, 6, 10, 4, Map.of("activation", new Attr.Str("Swish"))))
                .isInstanceOf(OpException.class).hasMessageContaining("attribute 'activation'");
    }
}
