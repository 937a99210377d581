package org.ge4j.ops;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Graph;
import org.ge4j.ir.InDataAnchor;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorSequence;
import org.ge4j.ir.OptionalValue;
import org.ge4j.ir.Value;

/**
 * Runs an IR graph node by node with the reference kernels: the oracle every optimisation is checked
 * against. Not fast; frees each intermediate after its last use.
 */
public final class ReferenceInterpreter {
    private final OpRegistry registry;
    private final String provider;

    public ReferenceInterpreter(OpRegistry registry) { this(registry, OpRegistry.REFERENCE); }

    /** Uses kernels of {@code provider}, falling back to reference kernels. */
    public ReferenceInterpreter(OpRegistry registry, String provider) {
        this.registry = registry;
        this.provider = provider;
    }

    public ReferenceInterpreter() { this(OpRegistry.global()); }

    /**
     * Runs {@code g} on inputs by name; returns outputs by name (owned by the caller, who closes them).
     * Inputs stay owned by the caller.
     */
    public Map<String, Value> run(Graph g, Map<String, ? extends Value> inputs) {
        List<Value> in = new ArrayList<>();
        for (Node d : g.inputNodes()) {
            String name = d.output(0).name();
            Value v = inputs.get(name);
            if (v == null) throw new Ge4jException("graph '" + g.name() + "': missing input '" + name + "' (" + d.output(0).desc() + ")");
            in.add(v);
        }
        for (String k : inputs.keySet())
            if (g.input(k) == null) throw new Ge4jException("graph '" + g.name() + "' has no input named '" + k + "' (inputs: " + g.inputs().stream().map(OutDataAnchor::name).toList() + ")");
        List<Value> out = runGraph(g, in, null);
        Map<String, Value> m = new LinkedHashMap<>();
        for (int i = 0; i < out.size(); i++) m.put(g.outputs().get(i).name(), out.get(i));
        return m;
    }

    /** Runs {@code g} with positional inputs; returns positional outputs owned by the caller. */
    public List<Value> runGraph(Graph g, List<? extends Value> inputs, Env outer) {
        Env env = new Env(outer);
        List<Node> inputNodes = g.inputNodes();
        if (inputs.size() < inputNodes.size())
            throw new Ge4jException("graph '" + g.name() + "' needs " + inputNodes.size() + " inputs, got " + inputs.size());
        for (int i = 0; i < inputNodes.size(); i++) env.bindBorrowed(inputNodes.get(i).output(0), inputs.get(i));

        List<Node> order = g.topologicalOrder();
        // remaining uses of each value produced in this graph, to free intermediates early
        Map<OutDataAnchor, Integer> uses = new HashMap<>();
        for (Node n : order) {
            for (InDataAnchor a : n.inputs()) if (a.peer() != null) uses.merge(a.peer(), 1, Integer::sum);
            for (OutDataAnchor c : n.capturedValues()) uses.merge(c, 1, Integer::sum);
        }
        for (Graph.Output o : g.outputs()) uses.merge(o.value(), 1 << 20, Integer::sum);

        try {
            for (Node n : order) {
                if (n.isData()) continue;
                execute(n, env);
                for (InDataAnchor a : n.inputs()) if (a.peer() != null) release(env, uses, a.peer());
                for (OutDataAnchor c : n.capturedValues()) release(env, uses, c);
                for (OutDataAnchor o : n.outputs()) if (!uses.containsKey(o)) env.free(o);
            }
            List<Value> out = new ArrayList<>();
            IdentityHashMap<Value, Boolean> seen = new IdentityHashMap<>();
            List<Value> values = new ArrayList<>();
            for (Graph.Output o : g.outputs()) {
                Value v = env.lookup(o.value());
                if (v == null) throw new Ge4jException("graph '" + g.name() + "': output '" + o.name() + "' was not computed");
                values.add(v); // look every output up before any is disowned: two outputs may share a value
            }
            for (int i = 0; i < values.size(); i++) {
                Graph.Output o = g.outputs().get(i);
                Value v = values.get(i);
                // outputs must be owned by the caller: copy borrowed values and duplicates
                boolean owned = env.owns(o.value()) && seen.put(v, Boolean.TRUE) == null;
                if (owned) env.disown(o.value());
                out.add(owned ? v : copy(v));
            }
            return out;
        } finally {
            env.closeAll();
        }
    }

    private void release(Env env, Map<OutDataAnchor, Integer> uses, OutDataAnchor a) {
        Integer u = uses.get(a);
        if (u == null) return;
        if (u <= 1) {
            uses.remove(a);
            env.free(a);
        } else uses.put(a, u - 1);
    }

    private void execute(Node n, Env env) {
        // lets a caller with a time limit (the conformance runner) stop a runaway run by interrupting it
        if (Thread.currentThread().isInterrupted()) throw new OpException(n, "interrupted before this node ran");
        OpSchema schema = registry.schemaFor(n);
        if (schema == null) throw GraphInference.unknownOp(n);
        Kernel k = registry.kernel(provider, n.domain(), n.type());
        if (k == null && !provider.equals(OpRegistry.REFERENCE)) k = registry.kernel(OpRegistry.REFERENCE, n.domain(), n.type());
        if (k == null) throw new OpException(n, "no " + provider + " kernel for " + n.qualifiedType());
        Value[] in = new Value[n.inputCount()];
        for (int i = 0; i < in.length; i++) {
            OutDataAnchor p = n.inputValue(i);
            if (p == null) continue;
            in[i] = env.lookup(p);
            if (in[i] == null) throw new OpException(n, "input " + i + " (%" + p.name() + ") has no value");
        }
        KernelContext ctx = new KernelContext(n, schema, in, (sub, subIn) -> runGraph(sub, subIn, env));
        try {
            k.compute(ctx);
        } catch (Ge4jException e) {
            closeOutputs(ctx);
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            closeOutputs(ctx);
            throw new OpException(n, "kernel failed: " + e, e);
        }
        Value[] out = ctx.outputs();
        for (int i = 0; i < out.length; i++) {
            Value v = out[i];
            if (v == null) {
                if (n.output(i).isUsed()) {
                    closeOutputs(ctx);
                    throw new OpException(n, "kernel did not produce output " + i + " (%" + n.output(i).name() + ")");
                }
                continue;
            }
            for (Value x : in) if (x == v) { v = copy(v); break; } // never alias an input
            env.bindOwned(n.output(i), v);
        }
    }

    private static void closeOutputs(KernelContext ctx) {
        for (Value v : ctx.outputs()) if (v != null) v.close();
    }

    static Value copy(Value v) {
        return switch (v) {
            case Tensor t -> t.copy();
            case TensorSequence s -> new TensorSequence(s.elementType(), s.tensors().stream().map(Tensor::copy).toList());
            case OptionalValue o -> new OptionalValue(o.elementType(), o.value() == null ? null : copy(o.value()));
        };
    }

    /** Values bound to anchors, chained to the enclosing graph's environment for outer-scope reads. */
    public static final class Env {
        private final Env parent;
        private final Map<OutDataAnchor, Value> values = new HashMap<>();
        private final Map<OutDataAnchor, Boolean> owned = new HashMap<>();

        Env(Env parent) { this.parent = parent; }

        void bindBorrowed(OutDataAnchor a, Value v) { values.put(a, v); }

        void bindOwned(OutDataAnchor a, Value v) {
            values.put(a, v);
            owned.put(a, Boolean.TRUE);
        }

        boolean owns(OutDataAnchor a) { return owned.containsKey(a); }

        void disown(OutDataAnchor a) {
            owned.remove(a);
            values.remove(a);
        }

        Value lookup(OutDataAnchor a) {
            for (Env e = this; e != null; e = e.parent) {
                Value v = e.values.get(a);
                if (v != null) return v;
            }
            return null;
        }

        void free(OutDataAnchor a) {
            Value v = values.remove(a);
            if (v != null && owned.remove(a) != null) v.close();
        }

        void closeAll() {
            for (Map.Entry<OutDataAnchor, Value> e : values.entrySet()) if (owned.containsKey(e.getKey())) e.getValue().close();
            values.clear();
            owned.clear();
        }
    }
}
