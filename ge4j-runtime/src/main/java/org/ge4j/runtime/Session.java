package org.ge4j.runtime;

import java.util.List;
import java.util.Map;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.OptLevel;
import org.ge4j.compiler.om.ModelDefinition.IoDesc;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpRegistry;

/**
 * Runs a graph as it is (no optimisation beyond shape inference: callers that optimise do so first) from
 * Java: a {@link CompiledModel} compiled at O0. Thread-safe like it: static-shape graphs run on one
 * pre-planned task list; graphs with symbolic dims get a plan per input-shape signature, built on first use
 * and cached; graphs the static executor cannot plan (control flow, data-dependent shapes) run on the
 * reference interpreter.
 */
public final class Session implements AutoCloseable {
    /** How this session executes. */
    public enum Mode { STATIC, DYNAMIC, INTERPRETED }

    private final CompiledModel model;

    private Session(CompiledModel model) { this.model = model; }

    /** A session over {@code graph} (which it takes over and may mutate), with the global op registry. */
    public static Session create(Graph graph) { return create(graph, OpRegistry.global(), List.of(OpRegistry.VECTOR)); }

    public static Session create(Graph graph, OpRegistry registry, List<String> providers) {
        CompileOptions o = CompileOptions.builder()
                .optCompilerOptions(CompilerOptions.builder().setLevel(OptLevel.O0).optRegistry(registry).optVerify(false).build())
                .optProviders(providers).build();
        return new Session(CompiledModel.compile(graph, o));
    }

    public Mode mode() {
        return switch (model.mode()) {
            case STATIC, GEARS -> Mode.STATIC;
            case DYNAMIC -> Mode.DYNAMIC;
            case INTERPRETED -> Mode.INTERPRETED;
        };
    }

    /** The compiled model behind this session. */
    public CompiledModel model() { return model; }

    public Graph graph() { return model.graph(); }

    public List<String> inputNames() { return model.inputs().stream().map(IoDesc::name).toList(); }

    public List<String> outputNames() { return model.outputs().stream().map(IoDesc::name).toList(); }

    /** The static model for the static shapes, or for the first shapes planned; null before any plan exists. */
    public StaticModel staticModel() { return model.anyStaticModel(); }

    /** Runs on inputs by name; returns new output tensors the caller owns. */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) { return model.run(inputs); }

    /** Runs into caller-owned output tensors (of the right type and shape). */
    public void run(Tensor[] inputs, Tensor[] outputs) { model.run(inputs, outputs); }

    @Override public void close() { model.close(); }
}
