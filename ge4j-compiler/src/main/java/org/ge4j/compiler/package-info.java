/**
 * The ge4j compiler: a graph goes in, an optimised graph comes out (then plans, the task list and the
 * {@code .om} file, in the subpackages that build on it).
 *
 * <h2>Using it</h2>
 * <pre>{@code
 * CompilerOptions o = CompilerOptions.builder().setLevel(OptLevel.O3)
 *         .optSwitches("cse:off;conv-bn:off")      // atc's --optimization_switch: passes or patterns by name
 *         .optVerify(true)                          // verifier before the first pass and after every pass
 *         .optDumpDir(Path.of("dump"))              // text and DOT before/after every pass that changes the graph
 *         .build();
 * Compiler.Result r = Compiler.optimize(graph, o); // mutates graph in place
 * System.out.println(r.report().format());          // passes run, time per pass, nodes before/after, rewrites
 * Compiler.describePipeline(o).forEach(System.out::println); // --print-pipeline
 * }</pre>
 *
 * <h2>How it is built</h2>
 * <ul>
 *   <li>{@link org.ge4j.compiler.pass}: the {@code Pass} interface, the {@code PassManager} driver (fixed points,
 *       verifier, instruments, dumps) and {@code Pipelines}, the pass list of every level as data.
 *   <li>{@link org.ge4j.compiler.passes}: the passes: {@code infer-shapes}, {@code const-fold}, {@code simplify},
 *       {@code cse}, {@code dce}, {@code fusion}.
 *   <li>{@link org.ge4j.compiler.pattern}: the pattern API ({@code Pattern}, {@code Rewriter}) and its
 *       {@code PatternDriver}; {@link org.ge4j.compiler.simplify} and {@link org.ge4j.compiler.fusion} hold the
 *       built-in patterns; the fused ops they make live in {@code org.ge4j.ops.fused}.
 * </ul>
 *
 * <h2>Extending it</h2>
 * A plugin adds patterns with a {@link org.ge4j.compiler.PatternProvider} and passes with a
 * {@link org.ge4j.compiler.PassProvider} (both found by ServiceLoader). A pass registered under the name of a
 * pipeline hook ({@code layout}, {@code kernel-select}, see {@link org.ge4j.compiler.pass.Pipelines}) runs at
 * that point of the O3 pipeline: that is where layout choice and kernel selection with weight prepacking
 * plug in. Any other plugin pass runs only when switched on, at the end.
 */
package org.ge4j.compiler;
