package org.ge4j.compiler.autofuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.compiler.PassTests.assertSameFunction;
import static org.ge4j.compiler.PassTests.count;
import static org.ge4j.compiler.PassTests.runPass;

import java.util.List;
import org.ge4j.compiler.Compiler;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.OptLevel;
import org.ge4j.compiler.PassTests;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.text.GraphEquality;
import org.ge4j.ir.text.GraphPrinter;
import org.ge4j.ir.text.GraphTextParser;
import org.ge4j.ops.autofuse.FusedElementwiseOp;
import org.ge4j.ops.autofuse.FusedProgram;
import org.ge4j.ops.autofuse.KernelGenerator;
import org.ge4j.ir.DataType;
import org.junit.jupiter.api.Test;

class AutoFusionTest {
    private static final String FUSED = "ge4j::" + FusedElementwiseOp.TYPE;
    private static final AutoFusion PASS = new AutoFusion();

    /** Runs the pass on {@code before} and checks the result against {@code after} (structurally) and numerically. */
    private static Graph check(String before, String after) {
        Graph g = GraphTextParser.parse(before);
        assertThat(runPass(PASS, g)).isTrue();
        List<String> diff = GraphEquality.diff(GraphTextParser.parse(after), g);
        assertThat(diff).as("difference from the expected graph; got%n%s", GraphPrinter.print(g)).isEmpty();
        assertThat(runPass(PASS, g)).as("a second run finds nothing more").isFalse();
        assertSameFunction(() -> GraphTextParser.parse(before), x -> runPass(PASS, x), 11);
        return g;
    }

    private static FusedProgram program(Node n) { return FusedProgram.parse(n.attrString(FusedElementwiseOp.PROGRAM, "")); }

    /** tiny_ops' block: elementwise ops around reshapes, cut by a Transpose; an intermediate is also a graph output. */
    @Test
    void fusesChainsAcrossReshapesButNotAcrossTranspose() {
        check("""
                graph chain {
                  opset "" = 17
                  input %x : f32[1,64]
                  input %b : f32[64]
                  %c = Constant() {value = tensor<f32[]> [0.5]} : f32[]
                  %s88 = Constant() {value = tensor<i64[2]> [8, 8]} : i64[2]
                  %a = Add(%x, %b) : f32[1,64]
                  %m = Mul(%a, %c) : f32[1,64]
                  %r = Relu(%m) : f32[1,64]
                  %v = Reshape(%r, %s88) : f32[8,8]
                  %t = Transpose(%v) {perm = [1, 0]} : f32[8,8]
                  %g = Sigmoid(%t) : f32[8,8]
                  %n = Neg(%g) : f32[8,8]
                  return %n, %a
                }
                """, """
                graph chain {
                  opset "" = 17
                  opset "ge4j" = 1
                  input %x : f32[1,64]
                  input %b : f32[64]
                  %c = Constant() {value = tensor<f32[]> [0.5]} : f32[]
                  %s88 = Constant() {value = tensor<i64[2]> [8, 8]} : i64[2]
                  r: %a, %v = ge4j::FusedElementwise(%x, %b) {program = "in x0[1,64]; in x1[1,64]; t0 = add(x0, x1); t1 = mul(t0, 0.5f); t2 = relu(t1); out t0[1,64]; out t2[8,8]"} : f32[1,64], f32[8,8]
                  %t = Transpose(%v) {perm = [1, 0]} : f32[8,8]
                  %n = ge4j::FusedElementwise(%t) {program = "in x0[8,8]; t0 = sigmoid(x0); t1 = neg(t0); out t1[8,8]"} : f32[8,8]
                  return %n, %a
                }
                """);
    }

    /** x * sigmoid(x) (SiLU) and a per-channel affine with broadcasting: one node each, each input read once per frame. */
    @Test
    void fusesDiamondsAndBroadcastInputs() {
        Graph g = check("""
                graph silu {
                  opset "" = 17
                  input %x : f32[2,3,4,4]
                  input %scale : f32[3,1,1]
                  input %shift : f32[3,1,1]
                  %s = Sigmoid(%x) : f32[2,3,4,4]
                  %y = Mul(%x, %s) : f32[2,3,4,4]
                  %z = Mul(%y, %scale) : f32[2,3,4,4]
                  %w = Add(%z, %shift) : f32[2,3,4,4]
                  return %w
                }
                """, """
                graph silu {
                  opset "" = 17
                  opset "ge4j" = 1
                  input %x : f32[2,3,4,4]
                  input %scale : f32[3,1,1]
                  input %shift : f32[3,1,1]
                  w: %w = ge4j::FusedElementwise(%x, %scale, %shift) {program = "in x0[2,3,4,4]; in x1[2,3,4,4]; in x2[2,3,4,4]; t0 = sigmoid(x0); t1 = mul(x0, t0); t2 = mul(t1, x1); t3 = add(t2, x2); out t3[2,3,4,4]"} : f32[2,3,4,4]
                  return %w
                }
                """);
        assertThat(count(g, FUSED)).isEqualTo(1);
    }

    /**
     * exp(relu(x)) feeds a Transpose whose result is added back: fusing the Add with the first group would
     * make a cycle, so it starts a second group.
     */
    @Test
    void neverMakesACycle() {
        Graph g = check("""
                graph cyc {
                  opset "" = 17
                  input %x : f32[4,4]
                  %r = Relu(%x) : f32[4,4]
                  %e = Exp(%r) : f32[4,4]
                  %t = Transpose(%e) {perm = [1, 0]} : f32[4,4]
                  %a = Add(%e, %t) : f32[4,4]
                  %h = Tanh(%a) : f32[4,4]
                  return %h
                }
                """, """
                graph cyc {
                  opset "" = 17
                  opset "ge4j" = 1
                  input %x : f32[4,4]
                  e: %e = ge4j::FusedElementwise(%x) {program = "in x0[4,4]; t0 = relu(x0); t1 = exp(t0); out t1[4,4]"} : f32[4,4]
                  %t = Transpose(%e) {perm = [1, 0]} : f32[4,4]
                  h: %h = ge4j::FusedElementwise(%e, %t) {program = "in x0[4,4]; in x1[4,4]; t0 = add(x0, x1); t1 = tanh(t0); out t1[4,4]"} : f32[4,4]
                  return %h
                }
                """);
        assertThat(count(g, FUSED)).isEqualTo(2);
    }

    /** Broadcasting that grows the element count starts a new group; [4,1] + [1,4] fuses with its consumer. */
    @Test
    void groupsShareOneElementCount() {
        Graph g = check("""
                graph grow {
                  opset "" = 17
                  input %x : f32[4]
                  input %col : f32[3,1]
                  input %row : f32[1,4]
                  %n = Neg(%x) : f32[4]
                  %e = Exp(%n) : f32[4]
                  %o = Add(%col, %row) : f32[3,4]
                  %p = Mul(%o, %e) : f32[3,4]
                  %q = Sqrt(%p) : f32[3,4]
                  return %q
                }
                """, """
                graph grow {
                  opset "" = 17
                  opset "ge4j" = 1
                  input %x : f32[4]
                  input %col : f32[3,1]
                  input %row : f32[1,4]
                  e: %e = ge4j::FusedElementwise(%x) {program = "in x0[4]; t0 = neg(x0); t1 = exp(t0); out t1[4]"} : f32[4]
                  q: %q = ge4j::FusedElementwise(%col, %row, %e) {program = "in x0[3,4]; in x1[3,4]; in x2[3,4]; t0 = add(x0, x1); t1 = mul(t0, x2); t2 = sqrt(t1); out t2[3,4]"} : f32[3,4]
                  return %q
                }
                """);
        assertThat(count(g, FUSED)).isEqualTo(2);
    }

    /** Activations with attributes and opset-11 Clip with constant bounds become instructions with literals; f64 too. */
    @Test
    void lowersAttributesAndConstantBounds() {
        Graph g = check("""
                graph acts {
                  opset "" = 13
                  input %x : f64[5]
                  %lo = Constant() {value = tensor<f64[]> [-1.0]} : f64[]
                  %l = LeakyRelu(%x) {alpha = 0.2} : f64[5]
                  %h = HardSigmoid(%l) : f64[5]
                  %c = Clip(%h, %lo, _) : f64[5]
                  return %c
                }
                """, """
                graph acts {
                  opset "" = 13
                  opset "ge4j" = 1
                  input %x : f64[5]
                  %lo = Constant() {value = tensor<f64[]> [-1.0]} : f64[]
                  c: %c = ge4j::FusedElementwise(%x) {program = "in x0[5]; t0 = leakyrelu(x0, 0.2f); t1 = hardsigmoid(t0, 0.2f, 0.5f); t2 = clip(t1, -1.0f, inf); out t2[5]"} : f64[5]
                  return %c
                }
                """);
        assertThat(count(g, FUSED)).isEqualTo(1);
    }

    /** Integer tensors and symbolic shapes stay as they are; lone ops too when minOps is 2. */
    @Test
    void leavesWhatItCannotOrNeedNotFuse() {
        String text = """
                graph none {
                  opset "" = 17
                  input %i : i32[4]
                  input %x : f32[N,4]
                  input %y : f32[4]
                  %a = Add(%i, %i) : i32[4]
                  %b = Neg(%a) : i32[4]
                  %r = Relu(%x) : f32[N,4]
                  %e = Exp(%r) : f32[N,4]
                  %s = Sigmoid(%y) : f32[4]
                  return %b, %e, %s
                }
                """;
        Graph g = GraphTextParser.parse(text);
        CompilerOptions two = PassTests.options().toBuilder().optPassOptions(new AutoFusion.Options(2)).build();
        assertThat(runPass(PASS, g, two)).isFalse();
        assertThat(GraphEquality.diff(GraphTextParser.parse(text), g)).isEmpty();
        // by default (minOps = 1) the lone Sigmoid becomes a generated kernel too
        assertThat(runPass(PASS, g)).isTrue();
        assertThat(count(g, FUSED)).isEqualTo(1);
        assertThat(program(PassTests.only(g, FUSED)).code()).hasSize(1);
        assertThat(count(g, "Add") + count(g, "Neg") + count(g, "Relu") + count(g, "Exp")).isEqualTo(4);
    }

    /** A view in the middle of a chain is transparent; a view at the start stays a view (it costs nothing). */
    @Test
    void viewsInsideAGroupAreFree() {
        Graph g = check("""
                graph views {
                  opset "" = 17
                  input %x : f32[2,6]
                  %f = Flatten(%x) {axis = 0} : f32[1,12]
                  %n = Neg(%f) : f32[1,12]
                  %u = Unsqueeze(%n) {axes = [0]} : f32[1,1,12]
                  %s = Squeeze(%u) {axes = [0]} : f32[1,12]
                  %e = Exp(%s) : f32[1,12]
                  return %e
                }
                """.replace("opset \"\" = 17", "opset \"\" = 11"), """
                graph views {
                  opset "" = 11
                  opset "ge4j" = 1
                  input %x : f32[2,6]
                  %f = Flatten(%x) {axis = 0} : f32[1,12]
                  e: %e = ge4j::FusedElementwise(%f) {program = "in x0[1,12]; t0 = neg(x0); t1 = exp(t0); out t1[1,12]"} : f32[1,12]
                  return %e
                }
                """);
        assertThat(count(g, "Unsqueeze") + count(g, "Squeeze")).isZero();
    }

    /** A chain of 12 Gelu and Tanh: f32 splits into runs that each fit one vector kernel; f64 (scalar loops) stays whole. */
    @Test
    void splitsF32GroupsThatWouldOutgrowTheVectorBudget() {
        for (String t : new String[] {"f32", "f64"}) {
            StringBuilder sb = new StringBuilder("graph long {\n  opset \"\" = 20\n  input %v0 : " + t + "[4,16]\n");
            for (int i = 0; i < 12; i++) sb.append("  %v").append(i + 1).append(" = ").append(i % 2 == 0 ? "Gelu" : "Tanh").append("(%v").append(i).append(") : ").append(t).append("[4,16]\n");
            String text = sb.append("  return %v12\n}\n").toString();
            Graph g = GraphTextParser.parse(text);
            assertThat(runPass(PASS, g)).isTrue();
            List<Node> fused = g.nodes().stream().filter(n -> n.qualifiedType().equals(FUSED)).toList();
            if (t.equals("f64")) assertThat(fused).hasSize(1);
            else {
                assertThat(fused).hasSizeGreaterThan(1);
                for (Node n : fused) {
                    FusedProgram p = program(n);
                    assertThat(KernelGenerator.vectorCost(p)).as(p.toString()).isLessThanOrEqualTo(KernelGenerator.VECTOR_BUDGET);
                    assertThat(KernelGenerator.defaultMode(p, DataType.FLOAT)).isEqualTo(KernelGenerator.Mode.VECTOR);
                }
            }
            assertThat(fused.stream().mapToInt(n -> program(n).code().size()).sum()).isEqualTo(12);
            assertSameFunction(() -> GraphTextParser.parse(text), x -> runPass(PASS, x), 5);
        }
    }

    /** In the O2 and O3 pipelines (after pattern fusion), not in O1. */
    @Test
    void runsInTheO2AndO3Pipelines() {
        String text = """
                graph pipe {
                  opset "" = 17
                  input %x : f32[3]
                  %a = Sigmoid(%x) : f32[3]
                  %b = Tanh(%a) : f32[3]
                  return %b
                }
                """;
        for (OptLevel level : OptLevel.values()) {
            Graph g = GraphTextParser.parse(text);
            Compiler.optimize(g, CompilerOptions.builder().setLevel(level).optVerify(true).build());
            assertThat(count(g, FUSED)).as("fused nodes at " + level).isEqualTo(level.atLeast(OptLevel.O2) ? 1 : 0);
        }
        Graph off = GraphTextParser.parse(text);
        Compiler.optimize(off, CompilerOptions.builder().setLevel(OptLevel.O3).optSwitches("auto-fusion:off").build());
        assertThat(count(off, FUSED)).isZero();
    }
}
