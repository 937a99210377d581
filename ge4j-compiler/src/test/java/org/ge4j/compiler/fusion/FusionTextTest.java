package org.ge4j.compiler.fusion;

import static org.ge4j.compiler.TextCases.assertRewrites;
import static org.ge4j.compiler.TextCases.assertUnchanged;

import org.junit.jupiter.api.Test;

/** Before/after text tests of the fusion patterns (each also checked numerically). */
class FusionTextTest {
    @Test
    void layerNormFromItsDecomposedForm() {
        assertRewrites(FusionTesting.fusion(), """
            graph g {
              opset "" = 17
              input %x : f32[B,L,4]
              %m = ReduceMean(%x) {axes = [-1]}
              %d = Sub(%x, %m)
              %two = Constant() {value = tensor<f32[]> [2]}
              %p = Pow(%d, %two)
              %v = ReduceMean(%p) {axes = [2]}
              %eps = Constant() {value = tensor<f32[]> [1e-5]}
              %ve = Add(%v, %eps)
              %sd = Sqrt(%ve)
              %n = Div(%d, %sd)
              %gamma = Constant() {value = tensor<f32[4]> [1, 2, 0.5, -1]}
              %s = Mul(%n, %gamma)
              %beta = Constant() {value = tensor<f32[4]> [0, 0.1, 0.2, 0.3]}
              %y = Add(%s, %beta)
              return %y
            }
            """, """
            graph g {
              opset "" = 17
              opset "ge4j" = 1
              input %x : f32[B,L,4]
              %gamma = Constant() {value = tensor<f32[4]> [1, 2, 0.5, -1]}
              %beta = Constant() {value = tensor<f32[4]> [0, 0.1, 0.2, 0.3]}
              %y = ge4j::LayerNormalization(%x, %gamma, %beta) {axis = -1, epsilon = 1e-5}
              return %y
            }
            """);
    }

    @Test
    void layerNormWithAxesInputsAndSquareAsProductWithoutAffine() {
        assertRewrites(FusionTesting.fusion(), """
            graph g {
              opset "" = 18
              input %x : f32[N,2,3]
              %axes = Constant() {value = tensor<i64[2]> [1, 2]}
              %m = ReduceMean(%x, %axes)
              %d = Sub(%x, %m)
              %p = Mul(%d, %d)
              %v = ReduceMean(%p, %axes)
              %eps = Constant() {value = tensor<f32[]> [0.001]}
              %ve = Add(%eps, %v)
              %sd = Sqrt(%ve)
              %r = Reciprocal(%sd)
              %y = Mul(%d, %r)
              return %y
            }
            """, """
            graph g {
              opset "" = 18
              opset "ge4j" = 1
              input %x : f32[N,2,3]
              %y = ge4j::LayerNormalization(%x) {axis = -2, epsilon = 0.001}
              return %y
            }
            """);
    }

    @Test
    void layerNormNeedsTrailingAxes() {
        assertUnchanged(FusionTesting.fusion(), """
            graph g {
              opset "" = 17
              input %x : f32[2,3,4]
              %m = ReduceMean(%x) {axes = [1]}
              %d = Sub(%x, %m)
              %p = Mul(%d, %d)
              %v = ReduceMean(%p) {axes = [1]}
              %eps = Constant() {value = tensor<f32[]> [0.001]}
              %ve = Add(%v, %eps)
              %sd = Sqrt(%ve)
              %y = Div(%d, %sd)
              return %y
            }
            """);
    }

    @Test
    void attentionWithScaleAndMask() {
        assertRewrites(FusionTesting.fusion(), """
            graph g {
              opset "" = 17
              input %q : f32[B,2,L,4]
              input %k : f32[B,2,L,4]
              input %v : f32[B,2,L,4]
              input %mask : f32[B,1,1,L]
              %kt = Transpose(%k) {perm = [0, 1, 3, 2]}
              %s = MatMul(%q, %kt)
              %c = Constant() {value = tensor<f32[]> [2]}
              %sc = Div(%s, %c)
              %sm = Add(%sc, %mask)
              %p = Softmax(%sm) {axis = -1}
              %y = MatMul(%p, %v)
              return %y
            }
            """, """
            graph g {
              opset "" = 17
              opset "ge4j" = 1
              input %q : f32[B,2,L,4]
              input %k : f32[B,2,L,4]
              input %v : f32[B,2,L,4]
              input %mask : f32[B,1,1,L]
              %y = ge4j::Attention(%q, %k, %v, %mask) {k_transposed = 0, scale = 0.5}
              return %y
            }
            """);
    }

    @Test
    void attentionWithPreTransposedKeysAndMultiplicativeScale() {
        assertRewrites(FusionTesting.fusion(), """
            graph g {
              opset "" = 17
              input %q : f32[2,3,4]
              input %kt : f32[2,4,5]
              input %v : f32[2,5,6]
              %s = MatMul(%q, %kt)
              %c = Constant() {value = tensor<f32[]> [0.25]}
              %sc = Mul(%c, %s)
              %p = Softmax(%sc)
              %y = MatMul(%p, %v)
              return %y
            }
            """, """
            graph g {
              opset "" = 17
              opset "ge4j" = 1
              input %q : f32[2,3,4]
              input %kt : f32[2,4,5]
              input %v : f32[2,5,6]
              %y = ge4j::Attention(%q, %kt, %v) {k_transposed = 1, scale = 0.25}
              return %y
            }
            """);
    }

    @Test
    void attentionWithQueriesScaledBeforeTheProduct() {
        assertRewrites(FusionTesting.fusion(), """
            graph g {
              opset "" = 17
              input %q : f32[2,3,4]
              input %k : f32[2,5,4]
              input %v : f32[2,5,6]
              %c = Constant() {value = tensor<f32[]> [2]}
              %qs = Div(%q, %c)
              %kt = Transpose(%k) {perm = [0, 2, 1]}
              %h = Constant() {value = tensor<f32[]> [0.5]}
              %kts = Mul(%h, %kt)
              %s = MatMul(%qs, %kts)
              %p = Softmax(%s)
              %y = MatMul(%p, %v)
              return %y
            }
            """, """
            graph g {
              opset "" = 17
              opset "ge4j" = 1
              input %q : f32[2,3,4]
              input %k : f32[2,5,4]
              input %v : f32[2,5,6]
              %y = ge4j::Attention(%q, %k, %v) {k_transposed = 0, scale = 0.25}
              return %y
            }
            """);
    }

    /** torch's MultiheadAttention (sequence first, batch 1): one in-projection X [L, 1, 3E] sliced into Q, K, V. */
    private static String mha(int n) {
        return """
            graph g {
              opset "" = 17
              input %x : f32[5,$N,24]
              %e0 = Constant() {value = tensor<i64[1]> [0]}
              %e1 = Constant() {value = tensor<i64[1]> [8]}
              %e2 = Constant() {value = tensor<i64[1]> [16]}
              %e3 = Constant() {value = tensor<i64[1]> [24]}
              %ax = Constant() {value = tensor<i64[1]> [-1]}
              %xq = Slice(%x, %e0, %e1, %ax)
              %xk = Slice(%x, %e1, %e2, %ax)
              %xv = Slice(%x, %e2, %e3, %ax)
              %hs = Constant() {value = tensor<i64[3]> [5, $H, 4]}
              %rq = Reshape(%xq, %hs)
              %rk = Reshape(%xk, %hs)
              %rv = Reshape(%xv, %hs)
              %q = Transpose(%rq) {perm = [1, 0, 2]}
              %kt = Transpose(%rk) {perm = [1, 2, 0]}
              %v = Transpose(%rv) {perm = [1, 0, 2]}
              %s = MatMul(%q, %kt)
              %c = Constant() {value = tensor<f32[]> [0.5]}
              %sc = Mul(%s, %c)
              %p = Softmax(%sc)
              %a = MatMul(%p, %v)
              %at = Transpose(%a) {perm = [1, 0, 2]}
              %os = Constant() {value = tensor<i64[2]> [5, $E]}
              %y = Reshape(%at, %os)
              return %y
            }
            """.replace("$N", String.valueOf(n)).replace("$H", String.valueOf(2 * n)).replace("$E", String.valueOf(8 * n));
    }

    @Test
    void attentionHeadsReadInPlaceFromOneProjection() {
        assertRewrites(FusionTesting.fusion(), mha(1), """
            graph g {
              opset "" = 17
              opset "ge4j" = 1
              input %x : f32[5,1,24]
              %os = Constant() {value = tensor<i64[2]> [5, 8]}
              %a_in0_shape = Constant() {value = tensor<i64[3]> [1, 5, 24]}
              %a_in0_view = Reshape(%x, %a_in0_shape)
              a: %a_2 = ge4j::Attention(%a_in0_view, %a_in0_view, %a_in0_view) {scale = 0.5, num_heads = 2, q_columns = [0, 8], k_columns = [8, 16], v_columns = [16, 24]}
              %at_shape = Constant() {value = tensor<i64[3]> [5, 2, 4]}
              at_view: %at = Reshape(%a_2, %at_shape)
              %y = Reshape(%at, %os)
              return %y
            }
            """);
    }

    @Test
    void attentionHeadsOfSeveralSequenceFirstBatchesStayPerHead() {
        // [L, N, C] with N = 2: head rows of one batch are not C apart
        var g = org.ge4j.compiler.TextCases.graph(mha(2));
        org.ge4j.compiler.PassTests.runPass(FusionTesting.fusion(), g);
        org.assertj.core.api.Assertions.assertThat(g.nodes().stream().filter(n -> n.type().equals("Attention")).toList())
                .singleElement().satisfies(n -> org.assertj.core.api.Assertions.assertThat(n.attrInt("num_heads", 0)).isZero());
    }

    @Test
    void softmaxOverAnotherAxisIsNotAttention() {
        assertUnchanged(FusionTesting.fusion(), """
            graph g {
              opset "" = 17
              input %q : f32[3,4]
              input %kt : f32[4,3]
              input %v : f32[3,2]
              %s = MatMul(%q, %kt)
              %p = Softmax(%s) {axis = 0}
              %y = MatMul(%p, %v)
              return %y
            }
            """);
    }

    @Test
    void convBatchNormReluBecomesOneFusedConv() {
        assertRewrites(FusionTesting.fusion(), """
            graph g {
              opset "" = 17
              input %x : f32[1,1,3,3]
              %w = Constant() {value = tensor<f32[2,1,1,1]> [1, -1]}
              %c = Conv(%x, %w) {kernel_shape = [1, 1]}
              %scale = Constant() {value = tensor<f32[2]> [2, 3]}
              %bias = Constant() {value = tensor<f32[2]> [1, -1]}
              %mean = Constant() {value = tensor<f32[2]> [0.5, 0]}
              %var = Constant() {value = tensor<f32[2]> [4, 9]}
              %bn = BatchNormalization(%c, %scale, %bias, %mean, %var) {epsilon = 0.0}
              %y = Relu(%bn)
              return %y
            }
            """, """
            graph g {
              opset "" = 17
              opset "ge4j" = 1
              input %x : f32[1,1,3,3]
              c_W_bn: %c_W_bn = Constant() {value = tensor<f32[2,1,1,1]> [1, -1]}
              c_B_bn: %c_B_bn = Constant() {value = tensor<f32[2]> [0.5, -1]}
              c: %y = ge4j::FusedConv(%x, %c_W_bn, %c_B_bn) {activation = "Relu", has_residual = 0, kernel_shape = [1, 1]}
              return %y
            }
            """);
    }

    @Test
    void geluErfAfterMatMulAndBiasBecomesOneFusedMatMul() {
        assertRewrites(FusionTesting.fusion(), """
            graph g {
              opset "" = 17
              input %x : f32[N,2]
              %w = Constant() {value = tensor<f32[2,3]> [1, 2, 3, -1, -2, -3]}
              %m = MatMul(%x, %w)
              %b = Constant() {value = tensor<f32[3]> [0.1, 0.2, 0.3]}
              %h = Add(%m, %b)
              %r2 = Constant() {value = tensor<f32[]> [1.4142135]}
              %dv = Div(%h, %r2)
              %e = Erf(%dv)
              %one = Constant() {value = tensor<f32[]> [1]}
              %op = Add(%e, %one)
              %xm = Mul(%h, %op)
              %half = Constant() {value = tensor<f32[]> [0.5]}
              %y = Mul(%xm, %half)
              return %y
            }
            """, """
            graph g {
              opset "" = 17
              opset "ge4j" = 1
              input %x : f32[N,2]
              %w = Constant() {value = tensor<f32[2,3]> [1, 2, 3, -1, -2, -3]}
              %b = Constant() {value = tensor<f32[3]> [0.1, 0.2, 0.3]}
              m: %y = ge4j::FusedMatMul(%x, %w, %b) {activation = "Gelu", approximate = "none"}
              return %y
            }
            """);
    }

    @Test
    void geluWithUnknownDimsAndRankKeepingConstants() {
        assertRewrites(FusionTesting.fusion(), """
            graph g {
              opset "" = 17
              input %x : f32[?,3]
              %r2 = Constant() {value = tensor<f32[1,1]> [0.70710678]}
              %dv = Mul(%x, %r2)
              %e = Erf(%dv)
              %one = Constant() {value = tensor<f32[]> [1]}
              %op = Add(%one, %e)
              %half = Constant() {value = tensor<f32[1]> [0.5]}
              %xh = Mul(%half, %x)
              %y = Mul(%xh, %op)
              return %y
            }
            """, """
            graph g {
              opset "" = 17
              opset "ge4j" = 1
              input %x : f32[?,3]
              %y = ge4j::Gelu(%x)
              return %y
            }
            """);
    }

    @Test
    void geluWhoseConstantsWouldGrowTheRankIsLeftAlone() {
        assertUnchanged(FusionTesting.fusion(), """
            graph g {
              opset "" = 17
              input %x : f32[3]
              %r2 = Constant() {value = tensor<f32[1,1]> [0.70710678]}
              %dv = Mul(%x, %r2)
              %e = Erf(%dv)
              %one = Constant() {value = tensor<f32[]> [1]}
              %op = Add(%one, %e)
              %half = Constant() {value = tensor<f32[1]> [0.5]}
              %xh = Mul(%half, %x)
              %y = Mul(%xh, %op)
              return %y
            }
            """);
    }
}
