package org.ge4j.compiler;

import java.util.List;
import org.ge4j.compiler.pass.PassManager;
import org.ge4j.ir.Graph;

/**
 * The compiler's front door. {@link #optimize} runs the optimisation pipeline of the options' level on a
 * graph, in place, and reports what it did:
 *
 * <pre>{@code
 * Compiler.Result r = Compiler.optimize(graph, CompilerOptions.builder().setLevel(OptLevel.O3).build());
 * System.out.println(r.report().format());
 * }</pre>
 *
 * The graph must be valid for the op registry of the options (every op known, attributes and types
 * right); afterwards it computes the same function with fewer or fused nodes, descriptions inferred.
 * Later stages (memory planning, task list, the {@code .om} writer) start from the optimised graph.
 */
public final class Compiler {
    private Compiler() {}

    /** The optimised graph (the same object as given, mutated) and the report. */
    public record Result(Graph graph, CompileReport report) {}

    /** Optimises {@code graph} in place with the pipeline of {@code options}. */
    public static Result optimize(Graph graph, CompilerOptions options) {
        CompileReport report = new PassManager(options).run(graph);
        return new Result(graph, report);
    }

    /** The pipeline {@code options} resolve to, one line per step ({@code --print-pipeline}). */
    public static List<String> describePipeline(CompilerOptions options) {
        return new PassManager(options).describePipeline();
    }
}
