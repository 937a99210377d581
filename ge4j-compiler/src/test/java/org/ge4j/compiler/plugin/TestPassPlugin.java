package org.ge4j.compiler.plugin;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.ge4j.compiler.PassProvider;
import org.ge4j.compiler.pass.Pass;
import org.ge4j.compiler.pass.PassContext;
import org.ge4j.compiler.pass.PassRegistry;
import org.ge4j.ir.Graph;

/** A pass plugin found by ServiceLoader: a pass named {@code count-nodes} that runs only when switched on. */
public final class TestPassPlugin implements PassProvider {
    /** How many times the pass ran (tests read it). */
    public static final AtomicInteger RUNS = new AtomicInteger();

    @Override public String name() { return "test-pass-plugin"; }

    @Override public List<PassRegistry.Entry> passes() {
        return List.of(new PassRegistry.Entry("count-nodes", "counts runs (test plugin)", o -> new Pass() {
            @Override public String name() { return "count-nodes"; }

            @Override public boolean run(Graph g, PassContext ctx) {
                RUNS.incrementAndGet();
                ctx.note("count-nodes saw " + g.nodeCount() + " nodes");
                return false;
            }
        }));
    }
}
