package org.ge4j.compiler.pass;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.ge4j.compiler.CompileReport;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.PassException;
import org.ge4j.compiler.passes.PatternSets;
import org.ge4j.compiler.pattern.Pattern;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;

/**
 * The driver: resolves the pipeline for the options ({@link Pipelines}), runs its passes in order,
 * repeats fixed-point groups until nothing changes, runs the verifier before the first pass and after
 * every pass when asked, calls the instruments around every pass, and collects the {@link CompileReport}.
 * An error inside a pass, or an invalid graph after it, is rethrown as a {@link PassException} naming it.
 */
public final class PassManager {
    /**
     * ONNX's training domain: its Gradient op names the values it differentiates in attributes, so a graph
     * holding it must keep every value as written; only shape inference runs on it.
     */
    private static final String TRAINING_DOMAIN = "ai.onnx.preview.training";

    private final CompilerOptions options;
    private final PassRegistry passes;
    private final List<Pipelines.Step> pipeline;

    public PassManager(CompilerOptions options) { this(options, PassRegistry.load(options)); }

    public PassManager(CompilerOptions options, PassRegistry passes) {
        this.options = options;
        this.passes = passes;
        checkSwitches(options, passes);
        this.pipeline = Pipelines.resolve(options, passes);
    }

    private static void checkSwitches(CompilerOptions options, PassRegistry passes) {
        Set<String> known = new LinkedHashSet<>(passes.entries().keySet());
        for (Pattern p : PatternSets.all(options)) known.add(p.name());
        known.addAll(Pipelines.PLANNING_SWITCHES);
        for (String name : options.switches().keySet())
            if (!known.contains(name) && !Pipelines.mentionedPasses().contains(name))
                throw new IllegalArgumentException("optimization switch names unknown pass or pattern '" + name + "' (known: " + String.join(", ", known) + ")");
    }

    /** The resolved pipeline. */
    public List<Pipelines.Step> pipeline() { return pipeline; }

    /** The resolved pipeline as text lines (what {@code --print-pipeline} shows). */
    public List<String> describePipeline() {
        List<String> l = new ArrayList<>();
        l.add("pipeline at " + options.level() + (options.switches().isEmpty() ? "" : " with switches " + options.switches()) + ":");
        l.addAll(Pipelines.describe(pipeline, passes, options.maxFixedPointIterations()));
        return l;
    }

    /** The pass names of the resolved pipeline, fixed-point groups flattened. */
    public List<String> passNames() {
        List<String> l = new ArrayList<>();
        for (Pipelines.Step s : pipeline) {
            if (s instanceof Pipelines.Run r) l.add(r.pass());
            else if (s instanceof Pipelines.FixedPoint f) for (Pipelines.Run r : f.passes()) l.add(r.pass());
        }
        return l;
    }

    /** Runs the pipeline on {@code graph}, mutating it in place. */
    public CompileReport run(Graph graph) {
        Run run = new Run(graph);
        return run.execute();
    }

    /** The state of one run of the pipeline. */
    private final class Run {
        final Graph graph;
        final PassContext ctx = new PassContext(options);
        final List<PassInstrument> instruments = new ArrayList<>(options.instruments());
        final Map<String, Pass> instances = new LinkedHashMap<>();
        final List<CompileReport.PassRun> runs = new ArrayList<>();
        final GraphCheck check = new GraphCheck(options.registry());
        int index = 1;
        boolean namesArePinned;

        Run(Graph graph) {
            this.graph = graph;
            if (options.dumpDir() != null && !options.dumpFormats().isEmpty())
                instruments.add(new GraphDumper(options.dumpDir(), options.dumpFormats(), org.ge4j.ir.text.GraphPrinter::print));
        }

        CompileReport execute() {
            long t0 = System.nanoTime();
            int before = graph.allNodes().size();
            Map<String, Integer> opsBefore = opCounts(graph);
            if (options.verify()) {
                try {
                    check.check(graph);
                } catch (Ge4jException e) {
                    throw new PassException("(input)", "the input graph is invalid: " + e.getMessage(), e);
                }
            }
            List<String> names = passNames();
            for (Node n : graph.allNodes())
                if (n.domain().equals(TRAINING_DOMAIN)) {
                    namesArePinned = true;
                    ctx.note("the graph holds " + n.describe() + ", which refers to values by name: only shape inference runs");
                    break;
                }
            for (PassInstrument i : instruments) i.beforePipeline(graph, names);
            org.ge4j.ir.Node reflective = reflectiveNode(graph);
            if (reflective != null) {
                // an op that reads values by name (Gradient) needs the graph as written: only infer shapes
                ctx.note(reflective.describe() + " reads values of its graph by name; optimisations skipped");
                runPass("infer-shapes", null, 1);
            } else {
                for (Pipelines.Step s : pipeline) {
                    if (s instanceof Pipelines.Run r) runPass(r.pass(), null, 1);
                    else if (s instanceof Pipelines.FixedPoint f) runGroup(f);
                }
            }
            for (PassInstrument i : instruments) i.afterPipeline(graph);
            return new CompileReport(options.level(), names, runs, before, graph.allNodes().size(), opsBefore, opCounts(graph),
                    ctx.rewrites(), ctx.notes(), System.nanoTime() - t0);
        }

        org.ge4j.ir.Node reflectiveNode(Graph g) {
            for (org.ge4j.ir.Node n : g.allNodes()) {
                org.ge4j.ops.OpSchema s = options.registry().schemaFor(n);
                if (s != null && s.has(org.ge4j.ops.Trait.GRAPH_REFLECTIVE)) return n;
            }
            return null;
        }

        void runGroup(Pipelines.FixedPoint f) {
            int max = options.maxFixedPointIterations();
            for (int it = 1; it <= max; it++) {
                boolean changed = false;
                for (Pipelines.Run r : f.passes()) changed |= runPass(r.pass(), f.name(), it);
                if (!changed) return;
                if (it == max) ctx.note("fixed point '" + f.name() + "' still changing after " + max + " rounds; stopped");
            }
        }

        boolean runPass(String name, String group, int iteration) {
            if (namesArePinned && !name.equals(org.ge4j.compiler.passes.ShapeInferencePass.NAME)) return false;
            Pass pass = instances.computeIfAbsent(name, n -> passes.create(n, options));
            PassInstrument.PassRun info = new PassInstrument.PassRun(index++, name, group, iteration);
            for (PassInstrument i : instruments) i.beforePass(info, graph);
            ctx.setCurrentPass(name);
            long t = System.nanoTime();
            boolean changed;
            try {
                changed = pass.run(graph, ctx);
            } catch (PassException e) {
                throw e;
            } catch (RuntimeException | StackOverflowError e) {
                throw new PassException(name, String.valueOf(e.getMessage() == null ? e : e.getMessage()), e);
            } finally {
                ctx.setCurrentPass("");
            }
            long dt = System.nanoTime() - t;
            for (PassInstrument i : instruments) i.afterPass(info, graph, changed, dt);
            runs.add(new CompileReport.PassRun(name, group, iteration, changed, dt, graph.nodeCount()));
            if (options.verify()) {
                try {
                    check.check(graph);
                } catch (Ge4jException e) {
                    throw new PassException(name, "left an invalid graph: " + e.getMessage(), e);
                }
            }
            return changed;
        }
    }

    /** Op counts by qualified type over the graph and its subgraphs (graph inputs not counted). */
    public static Map<String, Integer> opCounts(Graph g) {
        Map<String, Integer> m = new TreeMap<>();
        for (Node n : g.allNodes()) if (!n.isData()) m.merge(n.qualifiedType(), 1, Integer::sum);
        return m;
    }
}
