package org.ge4j.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ge4j.compiler.CompileReport;
import org.ge4j.compiler.Compiler;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.om.ModelDefinition;
import org.ge4j.compiler.om.ModelDefinition.ExecutionMode;
import org.ge4j.compiler.om.ModelDefinition.Gear;
import org.ge4j.compiler.om.ModelDefinition.GearKind;
import org.ge4j.compiler.om.ModelDefinition.IoDesc;
import org.ge4j.compiler.om.OmFormat;
import org.ge4j.compiler.pass.PassInstrument;
import org.ge4j.compiler.plan.ExecutionPlan;
import org.ge4j.compiler.plan.StreamPlanner;
import org.ge4j.compiler.plan.TaskListBuilder;
import org.ge4j.compiler.plan.WeightsLayout;
import org.ge4j.ir.Attr;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.util.HugePages;

/**
 * Compiles a graph into a {@link CompiledModel}: applies the input shapes, optimises with the compiler's
 * pipeline, decides how the model executes (static, gears, dynamic, interpreted), merges the constants
 * into one aligned weights region (the graph's constants become views of it), plans every gear, and
 * gathers the metadata the {@code .om} records.
 */
final class ModelCompiler {
    /** A dynamic dim: input {@code input}, dim {@code dim}. */
    private record Slot(int input, int dim) {}

    private final CompileOptions options;
    private final OpRegistry registry;
    private final CompileListener listener;

    private final boolean ownsConstants;

    /** @param ownsConstants whether the graph's constant tensors are the compiler's to free once merged (parsed models) */
    ModelCompiler(CompileOptions options, boolean ownsConstants) {
        this.options = options;
        this.ownsConstants = ownsConstants;
        this.registry = options.compiler().registry();
        this.listener = options.listener();
    }

    /** Compiles {@code g}, read from {@code source} in {@code parseMillis} (recorded in the metadata). */
    CompiledModel compile(Graph g, String source, long parseMillis) {
        long t0 = System.nanoTime();
        List<Slot> slots = applyInputShapes(g);
        GearKind kind = options.batchSizes() != null ? GearKind.BATCH : options.dims() != null ? GearKind.DIMS : GearKind.NONE;
        List<List<long[]>> gearShapes = gearShapes(g, slots, kind);

        Set<Tensor> callers = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node n : g.allNodes()) {
            Tensor c = n.outputCount() == 1 ? GraphInference.constantValue(n.output(0)) : null;
            if (c != null) callers.add(c);
        }
        CompilerOptions co = options.compiler().toBuilder().optInstrument(new Progress()).build();
        CompileReport report = Compiler.optimize(g, co).report();

        boolean subgraphs = false;
        for (Node n : g.nodes()) subgraphs |= !n.subgraphs().isEmpty();
        boolean staticInputs = true;
        for (OutDataAnchor in : g.inputs()) staticInputs &= in.desc().shape().hasRank() && in.desc().shape().isStatic();
        ExecutionMode mode;
        if (subgraphs) mode = ExecutionMode.INTERPRETED;
        else if (kind != GearKind.NONE) mode = ExecutionMode.GEARS;
        else if (staticInputs) mode = TaskListBuilder.isStatic(g) ? ExecutionMode.STATIC : ExecutionMode.INTERPRETED;
        else mode = ExecutionMode.DYNAMIC;

        listener.progress("weights", 0, 1, "merging constants");
        WeightsLayout layout = WeightsLayout.of(g);
        if (ownsConstants) {
            // the parser's tensors that the passes replaced (packed, transposed, folded) are freed before the
            // merged copy is allocated, not after: one copy of the weights fewer at the peak of the load
            Set<Tensor> live = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Node n : WeightsLayout.constantNodes(g)) live.add(GraphInference.constantValue(n.output(0)));
            for (Tensor t : callers) if (t.isOwner() && !live.contains(t)) t.close();
        }
        Arena arena = Arena.ofShared();
        MemorySegment weights;
        try {
            // free what was copied as the copy goes (the compiler's own tensors, i.e. folded constants, and the
            // parser's), not after: the originals shrink while the merged copy grows, one copy at the peak, not two
            weights = mergeWeights(g, layout, arena, t -> t.isOwner() && (ownsConstants || !callers.contains(t)));
            if (ownsConstants) for (Tensor t : callers) if (t.isOwner()) t.close();
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
        listener.progress("weights", 1, 1, layout.entries().size() + " constants, " + layout.size() + " bytes");

        List<Gear> gears = new ArrayList<>();
        try {
            if (mode == ExecutionMode.STATIC) {
                listener.progress("plan", 0, 1, "static plan");
                gears.add(new Gear(inputShapes(g), new TaskListBuilder(registry, options.streams()).build(g, layout)));
                listener.progress("plan", 1, 1, "static plan");
            } else if (mode == ExecutionMode.GEARS) {
                for (int i = 0; i < gearShapes.size(); i++) {
                    listener.progress("plan", i, gearShapes.size(), "gear " + i);
                    gears.add(new Gear(gearShapes.get(i), planAt(g, gearShapes.get(i), layout, "gear " + i)));
                }
                listener.progress("plan", gearShapes.size(), gearShapes.size(), "gears planned");
            }
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
        List<IoDesc> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        for (OutDataAnchor in : g.inputs()) inputs.add(new IoDesc(in.name(), in.desc().dtype(), in.desc().shape()));
        for (Graph.Output o : g.outputs()) outputs.add(new IoDesc(o.name(), o.value().desc().dtype(), o.value().desc().shape()));
        ModelDefinition def = new ModelDefinition(g, layout, inputs, outputs, mode, kind, gears, options.describe());
        long millis = (System.nanoTime() - t0) / 1_000_000;
        Map<String, String> meta = metadata(def, report, source, millis);
        meta.put("parse_millis", Long.toString(parseMillis));
        return new CompiledModel(def, weights, arena, meta, report, null, registry, options.providers(), options.warmUp());
    }

    // ---------------------------------------------------------------- shapes and gears

    /** Sets the input descs from --input_shape; returns the dynamic dims in atc order (listed inputs first). */
    private List<Slot> applyInputShapes(Graph g) {
        Map<String, long[]> given = options.inputShapes();
        List<OutDataAnchor> ins = g.inputs();
        List<String> names = ins.stream().map(OutDataAnchor::name).toList();
        for (String n : given.keySet())
            if (!names.contains(n)) throw new IllegalArgumentException("input shape names '" + n + "', which is not an input of the model (inputs: " + names + ")");
        List<Slot> slots = new ArrayList<>();
        for (Map.Entry<String, long[]> e : given.entrySet()) {
            int k = names.indexOf(e.getKey());
            OutDataAnchor in = ins.get(k);
            Shape old = in.desc().shape();
            long[] s = e.getValue();
            if (old.hasRank() && old.rank() != s.length)
                throw new IllegalArgumentException("input '" + e.getKey() + "' has rank " + old.rank() + " " + old + ", the input shape gives " + s.length + " dims");
            List<Dim> dims = new ArrayList<>();
            for (int i = 0; i < s.length; i++) {
                if (s[i] >= 0) {
                    if (old.hasRank() && old.dim(i) instanceof Dim.Static st && st.value() != s[i])
                        throw new IllegalArgumentException("input '" + e.getKey() + "' dim " + i + " is " + st.value() + " in the model, the input shape gives " + s[i]);
                    dims.add(new Dim.Static(s[i]));
                } else {
                    slots.add(new Slot(k, i));
                    if (old.hasRank() && old.dim(i) instanceof Dim.Symbolic sy) dims.add(sy);
                    else dims.add(new Dim.Symbolic(options.batchSizes() != null ? "batch" : e.getKey() + "_d" + i));
                }
            }
            in.setDesc(in.desc().withShape(Shape.of(dims)));
        }
        for (int k = 0; k < ins.size(); k++) {
            if (given.containsKey(names.get(k))) continue;
            Shape s = ins.get(k).desc().shape();
            if (!s.hasRank()) continue;
            for (int i = 0; i < s.rank(); i++) if (!(s.dim(i) instanceof Dim.Static)) slots.add(new Slot(k, i));
        }
        return slots;
    }

    /** The input shapes of every gear, or an empty list without gears. */
    private List<List<long[]>> gearShapes(Graph g, List<Slot> slots, GearKind kind) {
        if (kind == GearKind.NONE) return List.of();
        List<OutDataAnchor> ins = g.inputs();
        String option = kind == GearKind.BATCH ? "--dynamic_batch_size" : "--dynamic_dims";
        if (slots.isEmpty()) throw new IllegalArgumentException(option + " needs dynamic dims: mark them -1 in the input shape (e.g. x:-1,3,224,224)");
        for (OutDataAnchor in : ins)
            if (!in.desc().shape().hasRank()) throw new IllegalArgumentException(option + ": input '" + in.name() + "' has unknown rank: give its shape with --input_shape");
        List<long[]> values = new ArrayList<>();
        if (kind == GearKind.BATCH) {
            for (long b : options.batchSizes()) {
                long[] v = new long[slots.size()];
                java.util.Arrays.fill(v, b);
                values.add(v);
            }
        } else {
            for (long[] v : options.dims()) {
                if (v.length != slots.size())
                    throw new IllegalArgumentException("--dynamic_dims gears have " + v.length + " values each, the input shapes have " + slots.size() + " dynamic dims " + describe(g, slots));
                values.add(v);
            }
        }
        List<List<long[]>> gears = new ArrayList<>();
        for (long[] v : values) {
            List<long[]> shapes = new ArrayList<>();
            for (OutDataAnchor in : ins) {
                Shape sh = in.desc().shape();
                long[] a = new long[sh.rank()];
                for (int i = 0; i < a.length; i++) a[i] = sh.dim(i) instanceof Dim.Static st ? st.value() : -1;
                shapes.add(a);
            }
            for (int j = 0; j < slots.size(); j++) shapes.get(slots.get(j).input())[slots.get(j).dim()] = v[j];
            gears.add(shapes);
        }
        return gears;
    }

    private static String describe(Graph g, List<Slot> slots) {
        List<String> l = new ArrayList<>();
        for (Slot s : slots) l.add(g.inputs().get(s.input()).name() + "[" + s.dim() + "]");
        return l.toString();
    }

    private static List<long[]> inputShapes(Graph g) {
        List<long[]> l = new ArrayList<>();
        for (OutDataAnchor in : g.inputs()) l.add(in.desc().shape().toArray());
        return l;
    }

    /**
     * Plans {@code g} at concrete input shapes: sets them, infers, builds the task list, and restores every
     * description (the graph stays shape-generic).
     */
    static ExecutionPlan planAt(Graph g, List<long[]> shapes, WeightsLayout layout, OpRegistry registry, StreamPlanner.Options streams, String what) {
        Map<OutDataAnchor, TensorDesc> saved = new HashMap<>();
        for (Node n : g.nodes()) for (OutDataAnchor o : n.outputs()) saved.put(o, o.desc());
        try {
            List<OutDataAnchor> ins = g.inputs();
            for (int k = 0; k < ins.size(); k++) ins.get(k).setDesc(new TensorDesc(ins.get(k).desc().dtype(), Shape.of(shapes.get(k))));
            new GraphInference(registry, false).infer(g);
            try {
                TaskListBuilder.requireStatic(g);
            } catch (Ge4jException e) {
                throw new Ge4jException(what + ": " + e.getMessage());
            }
            return new TaskListBuilder(registry, streams).build(g, layout);
        } finally {
            saved.forEach(OutDataAnchor::setDesc);
        }
    }

    private ExecutionPlan planAt(Graph g, List<long[]> shapes, WeightsLayout layout, String what) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < shapes.size(); k++) sb.append(k == 0 ? "" : ", ").append(g.inputs().get(k).name()).append(Shape.toString(shapes.get(k)));
        return planAt(g, shapes, layout, registry, options.streams(), what + " (" + sb + ")");
    }

    // ---------------------------------------------------------------- weights

    /**
     * Copies every constant into one region laid out as {@code layout}; the graph's constants become views of it.
     * Each original that {@code free} accepts is closed right after its last copy.
     */
    static MemorySegment mergeWeights(Graph g, WeightsLayout layout, Arena arena, java.util.function.Predicate<Tensor> free) {
        MemorySegment w = HugePages.allocate(arena, layout.size(), OmFormat.ALIGN);
        Map<String, WeightsLayout.Entry> byValue = layout.byValue();
        List<Node> nodes = WeightsLayout.constantNodes(g);
        Map<Tensor, Integer> uses = new IdentityHashMap<>(); // one tensor may be the value of several constants
        for (Node n : nodes) uses.merge(GraphInference.constantValue(n.output(0)), 1, Integer::sum);
        for (Node n : nodes) {
            Tensor c = GraphInference.constantValue(n.output(0));
            WeightsLayout.Entry e = byValue.get(n.output(0).name());
            MemorySegment dst = w.asSlice(e.offset(), e.bytes());
            MemorySegment.copy(c.segment(), 0, dst, 0, e.bytes());
            n.setAttr("value", Attr.of(Tensor.wrap(c.dtype(), c.shape(), dst)));
            if (uses.merge(c, -1, Integer::sum) == 0 && free.test(c)) c.close();
        }
        return w;
    }

    // ---------------------------------------------------------------- metadata

    private static Map<String, String> metadata(ModelDefinition def, CompileReport report, String source, long millis) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("producer", "ge4j " + OmFormat.GE4J_VERSION);
        m.put("ge4j_version", OmFormat.GE4J_VERSION);
        m.put("source", source == null ? "" : source);
        m.put("compile_time", Instant.now().toString());
        m.put("compile_millis", Long.toString(millis)); // optimise, merge weights, plan (parse_millis apart)
        m.put("java_version", System.getProperty("java.version", ""));
        m.put("mode", def.mode().name().toLowerCase());
        m.put("nodes_before", Integer.toString(report.nodesBefore()));
        m.put("nodes_after", Integer.toString(report.nodesAfter()));
        m.put("rewrites", joinCounts(report.rewrites()));
        m.put("ops_before", joinCounts(new TreeMap<>(report.opsBefore())));
        m.put("ops_after", joinCounts(new TreeMap<>(report.opsAfter())));
        m.put("pipeline", String.join(",", report.pipeline()));
        m.put("weights_bytes", Long.toString(def.weights().size()));
        m.put("weights_count", Integer.toString(def.weights().entries().size()));
        for (int i = 0; i < def.gears().size(); i++) {
            Gear gr = def.gears().get(i);
            String p = "gear." + i + ".";
            m.put(p + "shapes", gr.describe());
            m.put(p + "tasks", Integer.toString(gr.plan().tasks().size()));
            m.put(p + "arena_bytes", Long.toString(gr.plan().arenaSize()));
            m.put(p + "naive_bytes", Long.toString(gr.plan().memory().naiveSize()));
            m.put(p + "lower_bound_bytes", Long.toString(gr.plan().memory().lowerBound()));
            m.put(p + "strategy", gr.plan().memory().strategy());
            m.put(p + "streams", Integer.toString(gr.plan().streams().streams()));
            m.put(p + "events", Integer.toString(gr.plan().streams().events()));
        }
        return m;
    }

    static String joinCounts(Map<String, Integer> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append('=').append(v));
        return sb.toString();
    }

    /** Reports each pass as a step of the "optimize" stage. */
    private final class Progress implements PassInstrument {
        private int total;

        @Override public void beforePipeline(Graph graph, List<String> pipeline) {
            total = pipeline.size();
            listener.progress("optimize", 0, total, "");
        }

        @Override public void afterPass(PassRun run, Graph graph, boolean changed, long nanos) {
            listener.progress("optimize", Math.min(run.index(), total), total, run.pass());
        }

        @Override public void afterPipeline(Graph graph) { listener.progress("optimize", total, total, "done"); }
    }
}
