package org.ge4j.compiler.kernelselect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.compiler.PassTests.assertSameFunction;
import static org.ge4j.compiler.PassTests.count;
import static org.ge4j.compiler.PassTests.only;
import static org.ge4j.compiler.PassTests.runPass;
import static org.ge4j.compiler.TextCases.assertRewrites;
import static org.ge4j.compiler.TextCases.assertUnchanged;

import java.util.Random;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.PassTests;
import org.ge4j.compiler.pass.PassContext;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.api.GraphBuilder;
import org.ge4j.ops.packed.PackedLayout;
import org.junit.jupiter.api.Test;

/** Before/after text tests and numeric tests of the kernel-select pass (weight prepacking). */
class KernelSelectionTest {
    /** The pass packing in panels of 4 columns (small enough to read in a text test, whatever this machine's width). */
    static KernelSelection narrow() {
        return new KernelSelection(CompilerOptions.builder().optPassOptions(new KernelSelection.Options(4)).build());
    }

    static KernelSelection pass() { return new KernelSelection(PassTests.options()); }

    // B = [[1..5], [6..10], [11..15]] packed in panels of 4 columns
    private static final String PACKED = "tensor<f32[2,3,4]> [1, 2, 3, 4, 6, 7, 8, 9, 11, 12, 13, 14, 5, 0, 0, 0, 10, 0, 0, 0, 15, 0, 0, 0]";

    @Test
    void matMulWithAConstantMatrixBecomesPackedMatMul() {
        assertRewrites(narrow(), """
            graph g {
              opset "" = 17
              input %x : f32[B,L,3]
              %w = Constant() {value = tensor<f32[3,5]> [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]}
              %y = MatMul(%x, %w)
              return %y
            }
            """, """
            graph g {
              opset "" = 17
              opset "ge4j" = 1
              input %x : f32[B,L,3]
              %w_packed = Constant() {value = $PACKED}
              %y = ge4j::PackedMatMul(%x, %w_packed) {k = 3, n = 5, nr = 4}
              return %y
            }
            """.replace("$PACKED", PACKED));
    }

    @Test
    void gemmFoldsTransBIntoThePackingAndKeepsAlphaBetaAndC() {
        assertRewrites(narrow(), """
            graph g {
              opset "" = 13
              input %x : f32[5,2]
              input %c : f32[2,1]
              %wt = Constant() {value = tensor<f32[3,5]> [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]}
              %y = Gemm(%x, %wt, %c) {transA = 1, transB = 1, alpha = 0.5, beta = 2.0}
              return %y
            }
            """, """
            graph g {
              opset "" = 13
              opset "ge4j" = 1
              input %x : f32[5,2]
              input %c : f32[2,1]
              %wt_packed = Constant() {value = $PACKED}
              %y = ge4j::PackedMatMul(%x, %wt_packed, %c) {k = 5, n = 3, nr = 4, trans_a = 1, alpha = 0.5, beta = 2.0}
              return %y
            }
            """.replace("$PACKED", "tensor<f32[1,5,4]> [1, 6, 11, 0, 2, 7, 12, 0, 3, 8, 13, 0, 4, 9, 14, 0, 5, 10, 15, 0]"));
    }

    @Test
    void fusedMatMulKeepsItsBiasAndActivation() {
        assertRewrites(narrow(), """
            graph g {
              opset "" = 17
              opset "ge4j" = 1
              input %x : f32[N,3]
              %w = Constant() {value = tensor<f32[3,5]> [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]}
              %b = Constant() {value = tensor<f32[5]> [0.1, -0.2, 0.3, -0.4, 0.5]}
              %y = ge4j::FusedMatMul(%x, %w, %b) {activation = "LeakyRelu", activation_params = [0.1], alpha = 2.0}
              return %y
            }
            """, """
            graph g {
              opset "" = 17
              opset "ge4j" = 1
              input %x : f32[N,3]
              %b = Constant() {value = tensor<f32[5]> [0.1, -0.2, 0.3, -0.4, 0.5]}
              %w_packed = Constant() {value = $PACKED}
              %y = ge4j::PackedMatMul(%x, %w_packed, %b) {k = 3, n = 5, nr = 4, alpha = 2.0, activation = "LeakyRelu", activation_params = [0.1]}
              return %y
            }
            """.replace("$PACKED", PACKED));
    }

    @Test
    void leavesRuntimeWeightsOtherTypesAndUnsupportedBiasesAlone() {
        assertUnchanged(narrow(), """
            graph g {
              opset "" = 17
              input %x : f32[2,3]
              input %w : f32[3,5]
              %y = MatMul(%x, %w)
              return %y
            }
            """);
        assertUnchanged(narrow(), """
            graph g {
              opset "" = 17
              input %x : f64[2,3]
              %w = Constant() {value = tensor<f64[3,2]> [1, 2, 3, 4, 5, 6]}
              %y = MatMul(%x, %w)
              return %y
            }
            """);
        assertUnchanged(narrow(), """
            graph g {
              opset "" = 17
              input %x : f32[2,2,3]
              %w = Constant() {value = tensor<f32[2,3,2]> [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]}
              %y = MatMul(%x, %w)
              return %y
            }
            """);
        // a per-batch-item bias [2,1,2] is not a form the packed epilogue applies
        assertUnchanged(narrow(), """
            graph g {
              opset "" = 17
              opset "ge4j" = 1
              input %x : f32[2,4,3]
              input %m : f32[2,1,2]
              %w = Constant() {value = tensor<f32[3,2]> [1, 2, 3, 4, 5, 6]}
              %y = ge4j::FusedMatMul(%x, %w, %m)
              return %y
            }
            """);
    }

    @Test
    void aWeightSharedByTwoProductsIsPackedOnce() {
        Graph g = TextCasesGraphs.shared();
        assertThat(runPass(narrow(), g)).isTrue();
        assertThat(count(g, "ge4j::PackedMatMul")).isEqualTo(2);
        assertThat(count(g, "Constant")).as("one packed constant, the original gone").isEqualTo(1);
    }

    /** relu(x @ W1 + b1) @ W2 + b2 fused, then a Gemm with transB; the machine's panel width. */
    static Graph mlp() {
        GraphBuilder b = GraphBuilder.create("mlp");
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of("B", 37));
        OutDataAnchor h = b.op(Node.GE4J_DOMAIN, "FusedMatMul").in(x, b.constant(random(1, 37, 70)), b.constant(random(2, 70)))
                .attr("activation", "Gelu").call1();
        OutDataAnchor h2 = b.op("Gemm").in(h, b.constant(random(3, 45, 70)), b.constant(random(4, 45))).attr("transB", 1L).attr("alpha", 0.7f).call1();
        OutDataAnchor y = b.matMul(b.relu(h2), b.constant(random(5, 45, 3)));
        return b.output("y", y).build();
    }

    @Test
    void keepsTheFunctionOnAnMlpAtTheMachinesWidth() {
        Graph g = mlp();
        PassContext ctx = new PassContext(PassTests.options());
        assertThat(pass().run(g, ctx)).isTrue();
        assertThat(ctx.rewrites()).containsEntry("packed-matmul", 3);
        assertThat(count(g, "ge4j::PackedMatMul")).isEqualTo(3);
        assertThat(count(g, "Gemm") + count(g, "MatMul") + count(g, "ge4j::FusedMatMul")).isZero();
        Node first = g.nodes().stream().filter(n -> n.type().equals("PackedMatMul") && n.attrString("activation", "").equals("Gelu")).findFirst().orElseThrow();
        assertThat(first.attrInt("nr", 0)).isEqualTo(PackedLayout.nativeNr());
        assertSameFunction(KernelSelectionTest::mlp, x -> runPass(pass(), x), 5);
        assertSameFunction(KernelSelectionTest::mlp, x -> runPass(narrow(), x), 6);
    }

    @Test
    void canBeSwitchedOffByPatternName() {
        Graph g = mlp();
        CompilerOptions o = CompilerOptions.builder().optSwitch("packed-matmul", false).build();
        assertThat(new KernelSelection(o).run(g, new PassContext(o))).isFalse();
        assertThat(only(g, "ge4j::FusedMatMul")).isNotNull();
    }

    static Tensor random(long seed, long... shape) {
        Random r = new Random(seed);
        float[] v = new float[(int) Shape.elementCount(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return Tensor.of(v, shape);
    }

    /** Graphs of the tests above that read better built than written. */
    static final class TextCasesGraphs {
        static Graph shared() {
            return org.ge4j.compiler.TextCases.graph("""
                graph g {
                  opset "" = 17
                  input %x : f32[2,3]
                  input %z : f32[4,3]
                  %w = Constant() {value = tensor<f32[3,5]> [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]}
                  %y = MatMul(%x, %w)
                  %v = MatMul(%z, %w)
                  return %y, %v
                }
                """);
        }
    }
}
