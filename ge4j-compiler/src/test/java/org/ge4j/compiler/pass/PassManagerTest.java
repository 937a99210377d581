package org.ge4j.compiler.pass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ge4j.compiler.CompileReport;
import org.ge4j.compiler.Compiler;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.OptLevel;
import org.ge4j.compiler.PassException;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.api.GraphBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PassManagerTest {
    /** y = relu(x + x*1) with a dead branch: a graph every level can chew on. */
    static Graph small() {
        GraphBuilder b = GraphBuilder.create("small");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 2, 3);
        OutDataAnchor one = b.constant("one", Tensor.of(new float[] {1f}, 1));
        OutDataAnchor y = b.relu(b.add(x, b.mul(x, one)));
        b.op("Neg").in(x).call1(); // unused
        return b.output("y", y).build();
    }

    private static CompilerOptions.Builder opts(OptLevel l) { return CompilerOptions.builder().setLevel(l).optVerify(true); }

    @Test
    void switchesParseAtcStyle() {
        assertThat(CompilerOptions.parseSwitches(" cse:off; fusion:ON ,dce:0")).containsExactly(
                Map.entry("cse", false), Map.entry("fusion", true), Map.entry("dce", false));
        assertThat(CompilerOptions.parseSwitches("")).isEmpty();
        assertThatThrownBy(() -> CompilerOptions.parseSwitches("cse")).hasMessageContaining("NAME:on or NAME:off");
        assertThatThrownBy(() -> CompilerOptions.parseSwitches("cse:maybe")).hasMessageContaining("'maybe'");
    }

    @Test
    void levelsSelectPassesFromTheMasterPipeline() {
        assertThat(new PassManager(opts(OptLevel.O0).build()).passNames()).containsExactly("infer-shapes");
        assertThat(new PassManager(opts(OptLevel.O1).build()).passNames())
                .containsExactly("infer-shapes", "const-fold", "simplify", "dce", "infer-shapes");
        assertThat(new PassManager(opts(OptLevel.O2).build()).passNames())
                .containsExactly("infer-shapes", "const-fold", "simplify", "cse", "dce", "infer-shapes", "auto-fusion");
        assertThat(new PassManager(opts(OptLevel.O3).build()).passNames()).containsSubsequence(
                "infer-shapes", "const-fold", "simplify", "cse", "dce", "infer-shapes", "fusion", "const-fold", "cse", "dce", "infer-shapes");
    }

    @Test
    void switchesTurnPassesOffEverywhereAndOnBelowTheirLevel() {
        List<String> noCse = new PassManager(opts(OptLevel.O3).optSwitches("cse:off").build()).passNames();
        assertThat(noCse).doesNotContain("cse").contains("fusion");
        List<String> fusionAtO1 = new PassManager(opts(OptLevel.O1).optSwitches("fusion:on").build()).passNames();
        assertThat(fusionAtO1).contains("fusion").doesNotContain("cse");
        assertThatThrownBy(() -> new PassManager(opts(OptLevel.O3).optSwitches("cs:off").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'cs'").hasMessageContaining("cse");
        // patterns can be switched by name too
        new PassManager(opts(OptLevel.O3).optSwitches("conv-bn:off;gelu-erf:off").build());
    }

    @Test
    void printsTheResolvedPipeline() {
        List<String> lines = Compiler.describePipeline(opts(OptLevel.O2).optSwitches("dce:off").build());
        assertThat(lines.get(0)).contains("O2").contains("dce=false");
        assertThat(String.join("\n", lines)).contains("fixed point 'cleanup'").contains("const-fold").contains("cse").doesNotContain("dce ");
    }

    /** A pass that changes the graph (renames it) a given number of times, then reports no change. */
    private static final class Countdown implements Pass {
        private final String name;
        private int left;

        Countdown(String name, int times) {
            this.name = name;
            this.left = times;
        }

        @Override public String name() { return name; }

        @Override public boolean run(Graph graph, PassContext ctx) {
            if (left == 0) return false;
            left--;
            graph.setName(graph.name() + "'");
            return true;
        }
    }

    private static PassRegistry registryWith(CompilerOptions o, Pass... replacements) {
        PassRegistry r = PassRegistry.load(o);
        for (Pass p : replacements) r.register(new PassRegistry.Entry(p.name(), "test", x -> p));
        return r;
    }

    @Test
    void fixedPointGroupsRepeatUntilNothingChanges() {
        CompilerOptions o = opts(OptLevel.O1).build();
        CompileReport rep = new PassManager(o, registryWith(o, new Countdown("const-fold", 3))).run(small());
        List<CompileReport.PassRun> folds = rep.runs().stream().filter(r -> r.pass().equals("const-fold")).toList();
        assertThat(folds).hasSize(4);
        assertThat(folds).extracting(CompileReport.PassRun::changed).containsExactly(true, true, true, false);
        assertThat(folds).extracting(CompileReport.PassRun::group).containsOnly("cleanup");
        assertThat(folds).extracting(CompileReport.PassRun::iteration).containsExactly(1, 2, 3, 4);
    }

    @Test
    void fixedPointStopsAtTheIterationLimitWithANote() {
        CompilerOptions o = opts(OptLevel.O1).optMaxFixedPointIterations(2).build();
        CompileReport rep = new PassManager(o, registryWith(o, new Countdown("const-fold", 100))).run(small());
        assertThat(rep.runs().stream().filter(r -> r.pass().equals("const-fold"))).hasSize(2);
        assertThat(rep.notes()).anyMatch(n -> n.contains("fixed point 'cleanup'") && n.contains("2 rounds"));
    }

    @Test
    void verifierBetweenPassesNamesThePassThatBrokeTheGraph() {
        Pass breaker = new Pass() {
            @Override public String name() { return "dce"; }

            @Override public boolean run(Graph g, PassContext ctx) {
                for (Node n : g.nodes()) if (n.type().equals("Add")) n.input(1).disconnect();
                return true;
            }
        };
        CompilerOptions o = opts(OptLevel.O1).build();
        assertThatThrownBy(() -> new PassManager(o, registryWith(o, breaker)).run(small()))
                .isInstanceOf(PassException.class).hasMessageContaining("pass 'dce'").hasMessageContaining("invalid graph")
                .satisfies(e -> assertThat(((PassException) e).pass()).isEqualTo("dce"));
    }

    @Test
    void exceptionsInsideAPassNameThePass() {
        Pass failing = new Pass() {
            @Override public String name() { return "simplify"; }

            @Override public boolean run(Graph g, PassContext ctx) { throw new IllegalStateException("boom"); }
        };
        CompilerOptions o = opts(OptLevel.O1).build();
        assertThatThrownBy(() -> new PassManager(o, registryWith(o, failing)).run(small()))
                .isInstanceOf(PassException.class).hasMessage("pass 'simplify': boom");
    }

    @Test
    void aFailingPatternIsNamedWithItsPass() {
        org.ge4j.compiler.pattern.Pattern boom = new org.ge4j.compiler.pattern.Pattern() {
            @Override public String name() { return "boom"; }

            @Override public java.util.Set<String> rootTypes() { return java.util.Set.of("Relu"); }

            @Override public boolean rewrite(Node root, org.ge4j.compiler.pattern.Rewriter rw) { throw new IllegalStateException("cannot"); }
        };
        assertThatThrownBy(() -> Compiler.optimize(small(), opts(OptLevel.O3).optPattern(boom).build()))
                .isInstanceOf(PassException.class).hasMessageContaining("pass 'fusion'").hasMessageContaining("pattern 'boom'")
                .hasMessageContaining("Relu").hasMessageContaining("cannot");
    }

    @Test
    void invalidInputGraphIsRejectedBeforeAnyPass() {
        Graph g = small();
        g.nodes().stream().filter(n -> n.type().equals("Relu")).findFirst().orElseThrow().input(0).disconnect();
        assertThatThrownBy(() -> Compiler.optimize(g, opts(OptLevel.O1).build()))
                .isInstanceOf(PassException.class).hasMessageContaining("input graph is invalid");
    }

    @Test
    void instrumentsSeeEveryPassRunInOrder() {
        List<String> events = new ArrayList<>();
        PassInstrument spy = new PassInstrument() {
            @Override public void beforePipeline(Graph g, List<String> p) { events.add("start " + p.size()); }
            @Override public void beforePass(PassRun r, Graph g) { events.add("before " + r.label()); }
            @Override public void afterPass(PassRun r, Graph g, boolean changed, long ns) { events.add("after " + r.label() + " " + changed); }
            @Override public void afterPipeline(Graph g) { events.add("end"); }
        };
        Compiler.optimize(small(), opts(OptLevel.O0).optInstrument(spy).build());
        assertThat(events).containsExactly("start 1", "before 001-infer-shapes", "after 001-infer-shapes false", "end");
    }

    @Test
    void dumpsTextAndDotBeforeAndAfterEveryChangingPass(@TempDir Path dir) throws Exception {
        Compiler.optimize(small(), opts(OptLevel.O2).optDumpDir(dir).build());
        assertThat(dir.resolve("000-input.txt")).exists();
        assertThat(Files.readString(dir.resolve("000-input.dot"))).startsWith("digraph").contains("Relu").contains("->");
        String index = Files.readString(dir.resolve("passes.txt"));
        assertThat(index).contains("005-dce [cleanup #1] changed=true");
        assertThat(Files.readString(dir.resolve("005-dce.before.txt"))).contains("Neg");
        assertThat(Files.readString(dir.resolve("005-dce.after.txt"))).doesNotContain("Neg");
        assertThat(dir.resolve("005-dce.after.dot")).exists();
        // a run that changed nothing leaves no before/after files
        assertThat(index).contains("001-infer-shapes changed=false");
        assertThat(dir.resolve("001-infer-shapes.after.txt")).doesNotExist();
    }

    @Test
    void reportCountsNodesPassesAndTimes() {
        CompileReport r = Compiler.optimize(small(), opts(OptLevel.O2).build()).report();
        assertThat(r.level()).isEqualTo(OptLevel.O2);
        assertThat(r.nodesBefore()).isEqualTo(6); // Data x, Constant, Mul, Add, Relu, Neg
        assertThat(r.nodesAfter()).isLessThan(r.nodesBefore());
        assertThat(r.opsBefore()).containsEntry("Neg", 1);
        assertThat(r.opsAfter()).doesNotContainKey("Neg");
        assertThat(r.nanosPerPass()).containsKeys("infer-shapes", "const-fold", "simplify", "cse", "dce");
        assertThat(r.format()).contains("optimisation level O2").contains("dce");
    }
}
