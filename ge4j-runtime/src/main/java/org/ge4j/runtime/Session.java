package org.ge4j.runtime;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.ge4j.compiler.plan.ExecutionPlan;
import org.ge4j.compiler.plan.TaskListBuilder;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.Value;
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.ReferenceInterpreter;

/**
 * Runs a graph from Java. Thread-safe: {@link #run} may be called from many threads; each call takes an
 * execution context from a pool. Static-shape graphs run on one pre-planned task list; graphs with
 * symbolic dims get a plan per input-shape signature, built on first use and cached; graphs the static
 * executor cannot plan (control flow, data-dependent shapes) run on the reference interpreter.
 */
public final class Session implements AutoCloseable {
    /** How this session executes. */
    public enum Mode { STATIC, DYNAMIC, INTERPRETED }

    private final Graph graph;
    private final OpRegistry registry;
    private final List<String> providers;
    private final Mode mode;
    private final List<String> inputNames = new ArrayList<>();
    private final List<String> outputNames = new ArrayList<>();
    private final Map<String, Entry> plans = new ConcurrentHashMap<>();
    private final Object planLock = new Object();
    private volatile boolean closed;

    private static final class Entry {
        final StaticModel model;
        final ConcurrentLinkedQueue<ExecutionContext> pool = new ConcurrentLinkedQueue<>();

        Entry(StaticModel m) { model = m; }
    }

    private Session(Graph graph, OpRegistry registry, List<String> providers) {
        this.graph = graph;
        this.registry = registry;
        this.providers = List.copyOf(providers);
        for (OutDataAnchor a : graph.inputs()) inputNames.add(a.name());
        for (Graph.Output o : graph.outputs()) outputNames.add(o.name());
        new GraphInference(registry, false).infer(graph);
        boolean hasSubgraphs = false;
        for (Node n : graph.nodes()) hasSubgraphs |= !n.subgraphs().isEmpty();
        if (hasSubgraphs) mode = Mode.INTERPRETED;
        else if (TaskListBuilder.isStatic(graph)) {
            mode = Mode.STATIC;
            plans.put(signature(graph.inputs().stream().map(a -> a.desc().shape().toArray()).toList()), new Entry(build()));
        } else mode = Mode.DYNAMIC;
    }

    /** A session over {@code graph} (which it takes over and may mutate), with the global op registry. */
    public static Session create(Graph graph) { return create(graph, OpRegistry.global(), List.of(OpRegistry.VECTOR)); }

    public static Session create(Graph graph, OpRegistry registry, List<String> providers) { return new Session(graph, registry, providers); }

    public Mode mode() { return mode; }

    public Graph graph() { return graph; }

    public List<String> inputNames() { return List.copyOf(inputNames); }

    public List<String> outputNames() { return List.copyOf(outputNames); }

    /** The static model for the current (static) shapes, or for the shapes last planned. */
    public StaticModel staticModel() {
        for (Entry e : plans.values()) return e.model;
        return null;
    }

    private StaticModel build() {
        ExecutionPlan plan = new TaskListBuilder(registry).build(graph);
        return StaticModel.fromGraph(plan, graph, registry, providers);
    }

    /** Runs on inputs by name; returns new output tensors the caller owns. */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        checkOpen();
        Tensor[] in = orderedInputs(inputs);
        if (mode == Mode.INTERPRETED) return interpret(inputs);
        Entry e = entryFor(in);
        if (e == null) return interpret(inputs);
        ExecutionPlan plan = e.model.plan();
        Map<String, Tensor> out = new LinkedHashMap<>();
        Tensor[] outs = new Tensor[outputNames.size()];
        for (ExecutionPlan.ValueSlot s : plan.values()) if (s.storage() == ExecutionPlan.Storage.OUTPUT) outs[(int) s.offset()] = Tensor.allocate(s.dtype(), s.shape());
        for (ExecutionPlan.OutputCopy c : plan.outputCopies()) {
            ExecutionPlan.ValueSlot s = plan.values().get(c.from());
            outs[c.output()] = Tensor.allocate(s.dtype(), s.shape());
        }
        runOn(e, in, outs);
        for (int k = 0; k < outs.length; k++) out.put(outputNames.get(k), outs[k]);
        return out;
    }

    /**
     * Runs into caller-owned output tensors (of the right type and shape), allocating nothing per run on
     * the static path once warmed up.
     */
    public void run(Tensor[] inputs, Tensor[] outputs) {
        checkOpen();
        if (inputs.length != inputNames.size()) throw new Ge4jException("expected " + inputNames.size() + " inputs " + inputNames + ", got " + inputs.length);
        Entry e = mode == Mode.INTERPRETED ? null : entryFor(inputs);
        if (e == null) throw new Ge4jException("graph '" + graph.name() + "' cannot run into caller-owned buffers (it runs on the interpreter)");
        runOn(e, inputs, outputs);
    }

    private void runOn(Entry e, Tensor[] in, Tensor[] outs) {
        ExecutionContext ctx = e.pool.poll();
        if (ctx == null) ctx = e.model.newContext();
        try {
            MemorySegment[] ins = new MemorySegment[in.length];
            for (int k = 0; k < in.length; k++) ins[k] = in[k].segment();
            MemorySegment[] os = new MemorySegment[outs.length];
            for (int k = 0; k < outs.length; k++) os[k] = outs[k].segment();
            ctx.run(ins, os);
        } finally {
            e.pool.offer(ctx);
        }
    }

    private Entry entryFor(Tensor[] in) {
        List<long[]> shapes = new ArrayList<>(in.length);
        for (Tensor t : in) shapes.add(t.shape());
        String sig = signature(shapes);
        Entry e = plans.get(sig);
        if (e != null || mode == Mode.STATIC) {
            if (e == null) throw new Ge4jException("graph '" + graph.name() + "': input shapes " + sig + " do not match the model's " + plans.keySet());
            return e;
        }
        synchronized (planLock) {
            e = plans.get(sig);
            if (e != null) return e;
            Map<OutDataAnchor, TensorDesc> saved = new HashMap<>();
            for (Node n : graph.nodes()) for (OutDataAnchor o : n.outputs()) saved.put(o, o.desc());
            try {
                List<OutDataAnchor> ins = graph.inputs();
                for (int k = 0; k < ins.size(); k++) {
                    TensorDesc d = ins.get(k).desc();
                    checkCompatible(ins.get(k), d, in[k]);
                    ins.get(k).setDesc(new TensorDesc(in[k].dtype(), Shape.of(in[k].shape())));
                }
                new GraphInference(registry, false).infer(graph);
                if (!TaskListBuilder.isStatic(graph)) return null; // data-dependent shapes: interpret
                e = new Entry(build());
                plans.put(sig, e);
                return e;
            } finally {
                saved.forEach(OutDataAnchor::setDesc);
            }
        }
    }

    private void checkCompatible(OutDataAnchor input, TensorDesc d, Tensor t) {
        if (d.dtype() != t.dtype() && d.isKnown())
            throw new Ge4jException("graph '" + graph.name() + "': input '" + input.name() + "' must be " + d.dtype() + ", got " + t.dtype());
        if (d.shape().hasRank()) {
            if (d.shape().rank() != t.rank())
                throw new Ge4jException("graph '" + graph.name() + "': input '" + input.name() + "' must have shape " + d.shape() + ", got " + Shape.toString(t.shape()));
            for (int i = 0; i < t.rank(); i++) {
                long s = d.shape().dim(i).valueOr(-1);
                if (s >= 0 && s != t.dim(i))
                    throw new Ge4jException("graph '" + graph.name() + "': input '" + input.name() + "' must have shape " + d.shape() + ", got " + Shape.toString(t.shape()));
            }
        }
    }

    private Tensor[] orderedInputs(Map<String, Tensor> inputs) {
        Tensor[] in = new Tensor[inputNames.size()];
        for (int k = 0; k < in.length; k++) {
            in[k] = inputs.get(inputNames.get(k));
            if (in[k] == null) throw new Ge4jException("graph '" + graph.name() + "': missing input '" + inputNames.get(k) + "' (inputs: " + inputNames + ")");
        }
        for (String k : inputs.keySet())
            if (!inputNames.contains(k)) throw new Ge4jException("graph '" + graph.name() + "' has no input '" + k + "' (inputs: " + inputNames + ")");
        if (mode == Mode.STATIC) {
            List<OutDataAnchor> ins = graph.inputs();
            for (int k = 0; k < in.length; k++) checkCompatible(ins.get(k), ins.get(k).desc(), in[k]);
        }
        return in;
    }

    private Map<String, Tensor> interpret(Map<String, Tensor> inputs) {
        Map<String, Value> r;
        synchronized (planLock) { // the interpreter reads node descs the dynamic planner may be rewriting
            r = new ReferenceInterpreter(registry, providers.isEmpty() ? OpRegistry.REFERENCE : providers.get(0)).run(graph, inputs);
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Value> e : r.entrySet()) {
            if (!(e.getValue() instanceof Tensor t)) {
                r.values().forEach(Value::close);
                throw new Ge4jException("graph '" + graph.name() + "': output '" + e.getKey() + "' is a " + e.getValue().kind() + "; use the interpreter API for non-tensor outputs");
            }
            out.put(e.getKey(), t);
        }
        return out;
    }

    private static String signature(List<long[]> shapes) {
        StringBuilder sb = new StringBuilder();
        for (long[] s : shapes) sb.append(Shape.toString(s));
        return sb.toString();
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("session is closed");
    }

    @Override public void close() {
        closed = true;
        for (Entry e : plans.values()) {
            for (ExecutionContext c; (c = e.pool.poll()) != null; ) c.close();
            e.model.close();
        }
        plans.clear();
    }
}
