package org.ge4j.compiler.fusion;

import static org.ge4j.compiler.TextCases.assertRewrites;
import static org.ge4j.compiler.TextCases.assertUnchanged;

import org.junit.jupiter.api.Test;

/** Before/after text tests of the gather-pushdown pattern (each also checked numerically). */
class GatherPushdownTest {
    @Test
    void firstTokenOfATransformerLayerClimbsToItsInputs() {
        assertRewrites(FusionTesting.fusion(), """
            graph g {
              opset "" = 17
              opset "ge4j" = 1
              input %h : f32[1,5,4]
              input %r : f32[1,5,4]
              %w1 = Constant() {value = tensor<f32[4,3]> [1, -1, 0.5, 0.25, 2, -0.5, 0, 1, -2, 0.75, 0.1, 0.3]}
              %b1 = Constant() {value = tensor<f32[3]> [0.1, -0.2, 0.3]}
              %w2 = Constant() {value = tensor<f32[3,4]> [0.5, 1, -1, 2, 0.25, -0.75, 1.5, 0, 1, 1, -0.5, 0.2]}
              %b2 = Constant() {value = tensor<f32[4]> [0, 0.1, 0.2, 0.3]}
              %f1 = ge4j::FusedMatMul(%h, %w1, %b1) {activation = "Gelu"}
              %f2 = ge4j::FusedMatMul(%f1, %w2, %b2)
              %s = Add(%r, %f2)
              %n = ge4j::LayerNormalization(%s) {axis = -1, epsilon = 1e-6}
              %i = Constant() {value = tensor<i64[]> [0]}
              %y = Gather(%n, %i) {axis = 1}
              return %y
            }
            """, """
            graph g {
              opset "" = 17
              opset "ge4j" = 1
              input %h : f32[1,5,4]
              input %r : f32[1,5,4]
              %w1 = Constant() {value = tensor<f32[4,3]> [1, -1, 0.5, 0.25, 2, -0.5, 0, 1, -2, 0.75, 0.1, 0.3]}
              %b1 = Constant() {value = tensor<f32[3]> [0.1, -0.2, 0.3]}
              %w2 = Constant() {value = tensor<f32[3,4]> [0.5, 1, -1, 2, 0.25, -0.75, 1.5, 0, 1, 1, -0.5, 0.2]}
              %b2 = Constant() {value = tensor<f32[4]> [0, 0.1, 0.2, 0.3]}
              %i = Constant() {value = tensor<i64[]> [0]}
              y: %y_3 = Gather(%r, %i) {axis = 1}
              y: %y_8 = Gather(%h, %i) {axis = 1}
              f1: %y_6 = ge4j::FusedMatMul(%y_8, %w1, %b1) {activation = "Gelu"}
              f2: %y_4 = ge4j::FusedMatMul(%y_6, %w2, %b2)
              s: %y_1 = Add(%y_3, %y_4)
              n: %y = ge4j::LayerNormalization(%y_1) {axis = -1, epsilon = 1e-6}
              return %y
            }
            """);
    }

    @Test
    void broadcastOperandsStayAndMatMulBatchAxesAreGatheredToo() {
        assertRewrites(FusionTesting.fusion(), """
            graph g {
              opset "" = 17
              input %x : f32[2,3,4]
              %w = Constant() {value = tensor<f32[4,2]> [1, -1, 0.5, 0.25, 2, -0.5, 0, 1]}
              %m = MatMul(%x, %w)
              %c = Constant() {value = tensor<f32[2]> [0.5, -2]}
              %s = Mul(%m, %c)
              %i = Constant() {value = tensor<i64[2]> [2, 0]}
              %y = Gather(%s, %i) {axis = -2}
              return %y
            }
            """, """
            graph g {
              opset "" = 17
              input %x : f32[2,3,4]
              %w = Constant() {value = tensor<f32[4,2]> [1, -1, 0.5, 0.25, 2, -0.5, 0, 1]}
              %c = Constant() {value = tensor<f32[2]> [0.5, -2]}
              %i = Constant() {value = tensor<i64[2]> [2, 0]}
              y: %y_3 = Gather(%x, %i) {axis = -2}
              m: %y_1 = MatMul(%y_3, %w)
              s: %y = Mul(%y_1, %c)
              return %y
            }
            """);
    }

    @Test
    void staysWhereItCannotMove() {
        // the last axis (a LayerNorm needs the whole row)
        assertUnchanged(FusionTesting.fusion(), """
            graph g {
              opset "" = 17
              opset "ge4j" = 1
              input %x : f32[2,4]
              %n = ge4j::LayerNormalization(%x) {axis = -1, epsilon = 1e-6}
              %i = Constant() {value = tensor<i64[]> [1]}
              %y = Gather(%n, %i) {axis = 1}
              return %y
            }
            """);
        // the op's value is used elsewhere too; indices not constant; an operand that spans the gathered axis
        assertUnchanged(FusionTesting.fusion(), """
            graph g {
              opset "" = 17
              input %x : f32[1,3,4]
              input %b : f32[3,1]
              input %j : i64[]
              %s = Add(%x, %x)
              %i = Constant() {value = tensor<i64[]> [0]}
              %y = Gather(%s, %i) {axis = 1}
              %t = Add(%x, %b)
              %z = Gather(%t, %i) {axis = 1}
              %u = Mul(%x, %x)
              %v = Gather(%u, %j) {axis = 1}
              return %y, %s, %z, %v
            }
            """);
    }
}
