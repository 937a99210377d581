package org.ge4j.compiler.passes;

import static org.ge4j.compiler.TextCases.assertRewrites;
import static org.ge4j.compiler.TextCases.assertUnchanged;

import org.ge4j.compiler.PassTests;
import org.junit.jupiter.api.Test;

/** Before/after text tests of the simplify patterns (each also checked numerically). */
class SimplifyTextTest {
    private static AlgebraicSimplification simplify() { return new AlgebraicSimplification(PassTests.options()); }

    @Test
    void removesNoOps() {
        assertRewrites(simplify(), """
            graph g {
              opset "" = 17
              input %x : f32[N,3]
              %i = Identity(%x)
              %d = Dropout(%i)
              %c = Cast(%d) {to = 1}
              %s = Constant() {value = tensor<i64[2]> [0, 3]}
              %r = Reshape(%c, %s)
              %t = Transpose(%r) {perm = [0, 1]}
              %zero = Constant() {value = tensor<f32[1]> [0]}
              %a = Add(%t, %zero)
              %y = Relu(%a)
              return %y
            }
            """, """
            graph g {
              opset "" = 17
              input %x : f32[N,3]
              %y = Relu(%x)
              return %y
            }
            """);
    }

    @Test
    void keepsDropoutInTrainingModeAndWhenItsMaskIsUsed() {
        assertUnchanged(simplify(), """
            graph g {
              opset "" = 17
              input %x : f32[4]
              input %train : bool[]
              %ratio = Constant() {value = tensor<f32[]> [0.5]}
              %d = Dropout(%x, %ratio, %train)
              %e, %mask = Dropout(%x)
              return %d, %mask
            }
            """);
    }

    @Test
    void collapsesTransposeAndReshapeChains() {
        assertRewrites(simplify(), """
            graph g {
              opset "" = 17
              input %x : f32[B,3,4]
              %t1 = Transpose(%x) {perm = [1, 0, 2]}
              %t2 = Transpose(%t1) {perm = [0, 2, 1]}
              %s1 = Constant() {value = tensor<i64[2]> [-1, 4]}
              %r1 = Reshape(%t2, %s1)
              %s2 = Constant() {value = tensor<i64[3]> [2, -1, 2]}
              %r2 = Reshape(%r1, %s2)
              return %r2
            }
            """, """
            graph g {
              opset "" = 17
              input %x : f32[B,3,4]
              t2: %t2 = Transpose(%x) {perm = [1, 2, 0]}
              %s2 = Constant() {value = tensor<i64[3]> [2, -1, 2]}
              r2: %r2 = Reshape(%t2, %s2)
              return %r2
            }
            """);
    }

    @Test
    void foldsLosslessCastPairsOnly() {
        assertRewrites(simplify(), """
            graph g {
              opset "" = 17
              input %i : i32[4]
              input %f : f32[4]
              %d = Cast(%i) {to = 11}
              %back = Cast(%d) {to = 6}
              %h = Cast(%f) {to = 10}
              %lossy = Cast(%h) {to = 1}
              %w = Cast(%i) {to = 7}
              %wide = Cast(%w) {to = 11}
              return %back, %lossy, %wide
            }
            """, """
            graph g {
              opset "" = 17
              input %i : i32[4]
              input %f : f32[4]
              %h = Cast(%f) {to = 10}
              %lossy = Cast(%h) {to = 1}
              wide: %wide = Cast(%i) {to = 11}
              return back = %i, %lossy, %wide
            }
            """);
    }

    @Test
    void cancelsSqueezeUnsqueezePairs() {
        assertRewrites(simplify(), """
            graph g {
              opset "" = 17
              input %x : f32[N,?]
              input %one : f32[2,1,?]
              %a1 = Constant() {value = tensor<i64[1]> [1]}
              %u = Unsqueeze(%x, %a1)
              %s = Squeeze(%u, %a1)
              %am = Constant() {value = tensor<i64[1]> [-2]}
              %q = Squeeze(%one, %a1)
              %v = Unsqueeze(%q, %am)
              %y = Add(%s, %s)
              return %y, %v
            }
            """, """
            graph g {
              opset "" = 17
              input %x : f32[N,?]
              input %one : f32[2,1,?]
              %y = Add(%x, %x)
              return %y, v = %one
            }
            """);
    }
}
