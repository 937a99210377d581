package org.ge4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ge4j.compiler.Compiler;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.OptLevel;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ir.ValueKind;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.ReferenceInterpreter;
import org.ge4j.parser.conformance.ConformanceRunner;
import org.ge4j.runtime.CompileOptions;
import org.ge4j.runtime.CompiledModel;

/**
 * Runs conformance models the way users run them: optimised by the compiler at a level, then executed by a
 * {@link CompiledModel} (static task list, per-shape plans, or the interpreter for control flow). Models with
 * non-tensor inputs or outputs (sequences, optionals, strings) run optimised on the interpreter, and so do
 * tests whose input data contradicts the shapes the model declares (the executor rejects such inputs, as
 * ONNX Runtime does; a few ONNX 1.12 tests have them): the compiled graph is still what runs.
 */
final class CompiledEngine implements ConformanceRunner.Engine {
    private final OptLevel level;
    private final String switches;

    CompiledEngine(OptLevel level) { this(level, null); }

    /** @param switches optimisation switches as {@code compile --optimization_switch} takes them (null: none) */
    CompiledEngine(OptLevel level, String switches) {
        this.level = level;
        this.switches = switches;
    }

    private CompilerOptions compilerOptions(OpRegistry registry) {
        return CompilerOptions.builder().setLevel(level).optSwitches(switches).optRegistry(registry).build();
    }

    @Override public ConformanceRunner.Prepared prepare(Graph g, OpRegistry registry) {
        if (!tensorsOnly(g)) {
            Compiler.optimize(g, compilerOptions(registry));
            ReferenceInterpreter interpreter = new ReferenceInterpreter(registry);
            return inputs -> interpreter.runGraph(g, inputs, null);
        }
        CompiledModel session = CompiledModel.compile(g, CompileOptions.builder()
                .optCompilerOptions(compilerOptions(registry)).build());
        List<String> inNames = session.inputs().stream().map(d -> d.name()).toList();
        List<OutDataAnchor> declared = g.inputs();
        return new ConformanceRunner.Prepared() {
            @Override public List<Value> run(List<Value> inputs) {
                Map<String, Tensor> feeds = new LinkedHashMap<>();
                for (int i = 0; i < inputs.size(); i++) feeds.put(inNames.get(i), (Tensor) inputs.get(i));
                if (contradictsDeclaredShapes(declared, inputs)) {
                    CONTRADICTING_INPUTS.incrementAndGet();
                    return new ReferenceInterpreter(registry).runGraph(g, inputs, null);
                }
                return new ArrayList<>(session.run(feeds).values());
            }

            @Override public void close() { session.close(); }
        };
    }

    /** Tests whose input data contradicted the model's declared input shapes (run on the interpreter). */
    static final java.util.concurrent.atomic.AtomicInteger CONTRADICTING_INPUTS = new java.util.concurrent.atomic.AtomicInteger();

    private static boolean contradictsDeclaredShapes(List<OutDataAnchor> declared, List<Value> inputs) {
        for (int i = 0; i < declared.size(); i++) {
            var d = declared.get(i).desc().shape();
            Tensor t = (Tensor) inputs.get(i);
            if (!d.hasRank()) continue;
            if (d.rank() != t.rank()) return true;
            for (int k = 0; k < t.rank(); k++) {
                long s = d.dim(k).valueOr(-1);
                if (s >= 0 && s != t.dim(k)) return true;
            }
        }
        return false;
    }

    private static boolean tensorsOnly(Graph g) {
        List<OutDataAnchor> values = new ArrayList<>(g.inputs());
        for (Graph.Output o : g.outputs()) values.add(o.value());
        for (OutDataAnchor a : values)
            if (a.desc().kind() != ValueKind.TENSOR || a.desc().dtype() == DataType.STRING) return false;
        return true;
    }
}
