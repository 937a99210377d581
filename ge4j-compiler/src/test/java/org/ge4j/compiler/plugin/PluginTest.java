package org.ge4j.compiler.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.compiler.PassTests.assertSameFunction;
import static org.ge4j.compiler.PassTests.count;

import org.ge4j.compiler.CompileReport;
import org.ge4j.compiler.Compiler;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.OptLevel;
import org.ge4j.compiler.pass.Pass;
import org.ge4j.compiler.pass.PassContext;
import org.ge4j.compiler.pass.PassManager;
import org.ge4j.compiler.pass.PassRegistry;
import org.ge4j.compiler.pass.Pipelines;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ops.api.GraphBuilder;
import org.junit.jupiter.api.Test;

class PluginTest {
    static Graph doubleNeg() {
        GraphBuilder b = GraphBuilder.create("negneg");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 4);
        return b.output("y", b.relu(b.op("Neg").in(b.op("Neg").in(x).call1()).call1())).build();
    }

    /** O3 without auto-fusion (which would fold the Neg chain into one generated kernel itself). */
    private static CompilerOptions.Builder opts() { return CompilerOptions.builder().optVerify(true).setLevel(OptLevel.O3).optSwitches("auto-fusion:off"); }

    @Test
    void patternFromAServiceLoaderPluginRunsInTheFusionPass() {
        Graph g = doubleNeg();
        CompileReport r = Compiler.optimize(g, opts().build()).report();
        assertThat(count(g, "Neg")).isZero();
        assertThat(r.rewrites("double-negation")).isEqualTo(1);
        assertSameFunction(PluginTest::doubleNeg, x -> Compiler.optimize(x, opts().build()), 3);
    }

    @Test
    void pluginPatternsCanBeSwitchedOffByName() {
        Graph g = doubleNeg();
        Compiler.optimize(g, opts().optSwitches("double-negation:off;auto-fusion:off").build()); // auto-fusion would fuse the Negs
        assertThat(count(g, "Neg")).isEqualTo(2);
    }

    @Test
    void pluginPatternsAreNotLoadedWhenPluginsAreOff() {
        Graph g = doubleNeg();
        Compiler.optimize(g, opts().optLoadPlugins(false).optSwitches("auto-fusion:off").build());
        assertThat(count(g, "Neg")).isEqualTo(2);
    }

    @Test
    void patternsCanAlsoBeGivenInTheOptions() {
        Graph g = doubleNeg();
        Compiler.optimize(g, opts().optLoadPlugins(false).optPattern(new TestPatternPlugin.DoubleNegation()).build());
        assertThat(count(g, "Neg")).isZero();
    }

    @Test
    void pluginPassRunsOnlyWhenSwitchedOnAtTheEnd() {
        int before = TestPassPlugin.RUNS.get();
        Compiler.optimize(doubleNeg(), opts().build());
        assertThat(TestPassPlugin.RUNS.get()).isEqualTo(before);
        CompileReport r = Compiler.optimize(doubleNeg(), opts().optSwitches("count-nodes:on").build()).report();
        assertThat(TestPassPlugin.RUNS.get()).isEqualTo(before + 1);
        assertThat(r.pipeline()).last().isEqualTo("count-nodes");
        assertThat(r.notes()).anyMatch(n -> n.startsWith("count-nodes: count-nodes saw"));
    }

    @Test
    void aPassRegisteredUnderAHookNameRunsAtThatHook() {
        CompilerOptions o = opts().build();
        assertThat(new PassManager(o).passNames()).endsWith(Pipelines.LAYOUT_HOOK, Pipelines.KERNEL_SELECT_HOOK); // built in (the NCHWc layout pass)
        PassRegistry r = PassRegistry.load(o);
        r.register(new PassRegistry.Entry(Pipelines.LAYOUT_HOOK, "test layout choice", x -> new Pass() {
            @Override public String name() { return Pipelines.LAYOUT_HOOK; }

            @Override public boolean run(Graph g, PassContext ctx) { return false; }
        }));
        assertThat(new PassManager(o, r).passNames()).endsWith(Pipelines.LAYOUT_HOOK, Pipelines.KERNEL_SELECT_HOOK);
        assertThat(new PassManager(opts().setLevel(OptLevel.O2).build(), r).passNames()).doesNotContain(Pipelines.LAYOUT_HOOK, Pipelines.KERNEL_SELECT_HOOK);
    }
}
