package org.ge4j.compiler.passes;

import static org.ge4j.compiler.TextCases.assertRewrites;
import static org.ge4j.compiler.TextCases.assertUnchanged;

import org.ge4j.compiler.PassTests;
import org.junit.jupiter.api.Test;

/** Before/after text tests of the core passes (each is also checked numerically by {@code assertRewrites}). */
class PassTextTest {
    // ---------------------------------------------------------------- const-fold

    @Test
    void constFoldEvaluatesConstantSubtrees() {
        assertRewrites(new ConstantFolding(ConstantFolding.Options.DEFAULT), """
            graph g {
              opset "" = 17
              input %x : f32[N,3]
              %c1 = Constant() {value = tensor<f32[3]> [1, -2, 3]}
              %c2 = Constant() {value = tensor<f32[3]> [0.5, 0.5, -4]}
              %a = Add(%c1, %c2)
              %r = Relu(%a)
              %y = Mul(%x, %r)
              return %y
            }
            """, """
            graph g {
              opset "" = 17
              input %x : f32[N,3]
              %r = Constant() {value = tensor<f32[3]> [1.5, 0, 0]}
              %y = Mul(%x, %r)
              return %y
            }
            """);
    }

    @Test
    void constFoldReadsStaticDimsOutOfSymbolicShapes() {
        assertRewrites(new ConstantFolding(ConstantFolding.Options.DEFAULT), """
            graph g {
              opset "" = 17
              input %x : f32[N,3,4]
              %s = Shape(%x)
              %i = Constant() {value = tensor<i64[2]> [2, 1]}
              %hw = Gather(%s, %i) {axis = 0}
              %b = Constant() {value = tensor<i64[1]> [0]}
              %n = Gather(%s, %b) {axis = 0}
              %shape = Concat(%n, %hw) {axis = 0}
              %y = Reshape(%x, %shape)
              return %y, %hw
            }
            """, """
            graph g {
              opset "" = 17
              input %x : f32[N,3,4]
              %s = Shape(%x)
              %hw = Constant() {value = tensor<i64[2]> [4, 3]}
              %b = Constant() {value = tensor<i64[1]> [0]}
              %n = Gather(%s, %b) {axis = 0}
              %shape = Concat(%n, %hw) {axis = 0}
              %y = Reshape(%x, %shape)
              return %y, %hw
            }
            """);
    }

    @Test
    void constFoldLeavesRandomOpsAlone() {
        assertUnchanged(new ConstantFolding(ConstantFolding.Options.DEFAULT), """
            graph g {
              opset "" = 17
              %c = Constant() {value = tensor<f32[2]> [1, 2]}
              %r = RandomNormalLike(%c)
              %y = Add(%r, %c)
              return %y
            }
            """);
    }

    @Test
    void aWrongAfterTextFailsTheTest() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> assertRewrites(new ConstantFolding(ConstantFolding.Options.DEFAULT), """
            graph g {
              opset "" = 17
              input %x : f32[2]
              %c = Constant() {value = tensor<f32[2]> [1, 2]}
              %r = Relu(%c)
              %y = Mul(%x, %r)
              return %y
            }
            """, """
            graph g {
              opset "" = 17
              input %x : f32[2]
              %r = Constant() {value = tensor<f32[2]> [1, 3]}
              %y = Mul(%x, %r)
              return %y
            }
            """)).isInstanceOf(AssertionError.class).hasMessageContaining("value");
    }

    // ---------------------------------------------------------------- cse

    @Test
    void cseMergesEqualNodesAndConstants() {
        assertRewrites(new CommonSubexpressionElimination(), """
            graph g {
              opset "" = 17
              input %x : f32[N,2]
              %r1 = Relu(%x)
              %r2 = Relu(%x)
              %c1 = Constant() {value = tensor<f32[2]> [1, 2]}
              %c2 = Constant() {value = tensor<f32[2]> [1, 2]}
              %c3 = Constant() {value = tensor<f32[2]> [1, 3]}
              %a1 = Add(%r1, %c1)
              %a2 = Add(%r2, %c2)
              %a3 = Add(%r2, %c3)
              %t1 = Transpose(%a1) {perm = [1, 0]}
              %t2 = Transpose(%a2) {perm = [1, 0]}
              return %t1, %t2, %a3
            }
            """, """
            graph g {
              opset "" = 17
              input %x : f32[N,2]
              %r1 = Relu(%x)
              %c1 = Constant() {value = tensor<f32[2]> [1, 2]}
              %c3 = Constant() {value = tensor<f32[2]> [1, 3]}
              %a1 = Add(%r1, %c1)
              %a3 = Add(%r1, %c3)
              %t1 = Transpose(%a1) {perm = [1, 0]}
              return %t1, t2 = %t1, %a3
            }
            """);
    }

    // ---------------------------------------------------------------- dce

    @Test
    void dceRemovesUnusedPureNodesAndKeepsEffects() {
        assertRewrites(new DeadCodeElimination(), """
            graph g {
              opset "" = 17
              opset "com.example.test" = 1
              input %x : f32[N,2]
              input %unused : f32[1]
              %e = Exp(%x)
              %n = Neg(%e)
              %p = com.example.test::Print(%x)
              %y, %z = com.example.test::Split2(%x)
              %r = Relu(%y)
              return %r
            }
            """, """
            graph g {
              opset "" = 17
              opset "com.example.test" = 1
              input %x : f32[N,2]
              input %unused : f32[1]
              %p = com.example.test::Print(%x)
              y: %y = com.example.test::Split2(%x)
              %r = Relu(%y)
              return %r
            }
            """);
    }

    @Test
    void dceCleansSubgraphsToo() {
        assertRewrites(new DeadCodeElimination(), """
            graph g {
              opset "" = 17
              input %x : f32[2]
              input %cond : bool[]
              %y = If(%cond) {
                else_branch = graph other {
                  %b = Exp(%x)
                  return %b
                },
                then_branch = graph then {
                  %a = Relu(%x)
                  %dead = Neg(%x)
                  return %a
                }
              }
              %unused = Sigmoid(%x)
              return %y
            }
            """, """
            graph g {
              opset "" = 17
              input %x : f32[2]
              input %cond : bool[]
              %y = If(%cond) {
                else_branch = graph other {
                  %b = Exp(%x)
                  return %b
                },
                then_branch = graph then {
                  %a = Relu(%x)
                  return %a
                }
              }
              return %y
            }
            """);
    }

    // ---------------------------------------------------------------- infer-shapes

    @Test
    void inferShapesFillsInTypes() {
        // TextCases infers shapes on both sides; here the before graph's types are checked against written ones
        org.ge4j.ir.Graph g = org.ge4j.ir.text.GraphTextParser.parse("""
            graph g {
              opset "" = 17
              input %x : f32[N,4]
              %w = Constant() {value = tensor<f32[4,2]> [1, 2, 3, 4, 5, 6, 7, 8]}
              %m = MatMul(%x, %w)
              %s = Shape(%m)
              %y = Reshape(%m, %s)
              return %y
            }
            """);
        PassTests.runPass(new ShapeInferencePass(), g);
        org.ge4j.ir.Graph expected = org.ge4j.ir.text.GraphTextParser.parse("""
            graph g {
              opset "" = 17
              input %x : f32[N,4]
              %w = Constant() {value = tensor<f32[4,2]> [1, 2, 3, 4, 5, 6, 7, 8]} : f32[4,2]
              %m = MatMul(%x, %w) : f32[N,2]
              %s = Shape(%m) : i64[2]
              %y = Reshape(%m, %s) : f32[N,2]
              return %y
            }
            """);
        org.assertj.core.api.Assertions.assertThat(org.ge4j.ir.text.GraphEquality.diff(expected, g)).isEmpty();
    }
}
