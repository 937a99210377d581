package org.ge4j.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.ge4j.compiler.CompileReport;
import org.ge4j.compiler.Compiler;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.OptLevel;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.parser.onnx.OnnxParser;
import org.ge4j.runtime.CompileOptions;
import org.ge4j.runtime.CompiledModel;
import org.ge4j.runtime.StaticModel;

/**
 * ge4j under benchmark: parse (ONNX) → compile ({@link Compiler#optimize}) → plan ({@link CompiledModel#compile}),
 * then runs into caller-owned output buffers (the first run allocates them). Graphs the static executor
 * cannot plan run on the interpreter, allocating their outputs per run.
 */
public final class Ge4jEngine implements Engine {
    private final String source;
    private final Supplier<Graph> graphSource;
    private final OptLevel level;
    private CompiledModel session;
    private CompileReport report;
    private Tensor[] in;
    private Tensor[] out;
    private Map<String, Tensor> inMap;
    private Map<String, Tensor> lastInterpreted;

    private Ge4jEngine(String source, Supplier<Graph> graphSource, OptLevel level) {
        this.source = source;
        this.graphSource = graphSource;
        this.level = level;
    }

    /** An engine over an ONNX file. */
    public static Ge4jEngine onnx(Path model, OptLevel level) {
        return new Ge4jEngine(model.toString(), () -> new OnnxParser().parse(model), level);
    }

    /** An engine over a graph made in memory (the "parse" phase then times {@code graph.get()}). */
    public static Ge4jEngine graph(String name, Supplier<Graph> graph, OptLevel level) { return new Ge4jEngine(name, graph, level); }

    @Override public String name() { return "ge4j"; }

    @Override public List<Phase> load() {
        List<Phase> phases = new ArrayList<>();
        long t0 = System.nanoTime();
        Graph g = graphSource.get();
        long t1 = System.nanoTime();
        phases.add(new Phase("parse", t1 - t0));
        session = CompiledModel.compile(g, CompileOptions.builder().optCompilerOptions(CompilerOptions.builder().setLevel(level).build()).build());
        report = session.report();
        phases.add(new Phase("compile", System.nanoTime() - t1));
        return phases;
    }

    @Override public List<BenchModels.InputSpec> declaredInputs() {
        List<BenchModels.InputSpec> l = new ArrayList<>();
        for (OutDataAnchor a : session.graph().inputs()) {
            TensorDesc d = a.desc();
            long[] s = d.shape().hasRank() ? new long[d.shape().rank()] : new long[0];
            for (int i = 0; i < s.length; i++) s[i] = d.shape().dim(i).valueOr(-1);
            l.add(new BenchModels.InputSpec(a.name(), d.dtype(), s, 0, 0));
        }
        return l;
    }

    @Override public void bind(Map<String, Tensor> inputs) {
        closeBuffers();
        List<String> names = session.inputs().stream().map(d -> d.name()).toList();
        in = new Tensor[names.size()];
        inMap = new LinkedHashMap<>();
        for (int k = 0; k < in.length; k++) {
            Tensor t = inputs.get(names.get(k));
            if (t == null) throw new IllegalArgumentException("ge4j: no value for input '" + names.get(k) + "' (model inputs: " + names + ")");
            in[k] = t.copy();
            inMap.put(names.get(k), in[k]);
        }
    }

    @Override public void run() {
        if (out != null) {
            session.run(in, out);
            return;
        }
        Map<String, Tensor> r = session.run(inMap);
        if (session.kernelProviderCounts().isEmpty()) { // interpreted: outputs are fresh each run
            if (lastInterpreted != null) lastInterpreted.values().forEach(Tensor::close);
            lastInterpreted = r;
            return;
        }
        out = r.values().toArray(new Tensor[0]);
    }

    @Override public Map<String, double[]> outputs() {
        Map<String, double[]> m = new LinkedHashMap<>();
        List<String> names = session.outputs().stream().map(d -> d.name()).toList();
        for (int k = 0; k < names.size(); k++) {
            Tensor t = out != null ? out[k] : lastInterpreted == null ? null : lastInterpreted.get(names.get(k));
            if (t == null) throw new IllegalStateException("ge4j: no outputs yet (run first)");
            m.put(names.get(k), t.dtype() == DataType.STRING ? new double[0] : t.toDoubleArray());
        }
        return m;
    }

    /** The execution mode of the session (after {@link #load}). */
    public org.ge4j.compiler.om.ModelDefinition.ExecutionMode mode() { return session.mode(); }

    /** The compiler's report (after {@link #load}). */
    public CompileReport compileReport() { return report; }

    /** How many tasks run on each kernel provider, e.g. {@code {reference=120, vector=3}}; empty unless static. */
    public Map<String, Integer> providerCounts() {
        Map<String, Integer> m = new TreeMap<>();
        m.putAll(session.kernelProviderCounts());
        return m;
    }

    @Override public String describe() {
        String threads = System.getProperty("ge4j.threads", "default");
        StringBuilder sb = new StringBuilder("ge4j ").append(level).append(", ").append(session == null ? "not loaded" : session.mode().name().toLowerCase());
        if (session != null) {
            sb.append(", ").append(report.nodesBefore()).append(" -> ").append(report.nodesAfter()).append(" nodes");
            Map<String, Integer> p = providerCounts();
            if (!p.isEmpty()) sb.append(", kernels ").append(p);
        }
        return sb.append(", ge4j.threads=").append(threads).toString();
    }

    /** The model's source (file or graph name). */
    public String source() { return source; }

    private void closeBuffers() {
        if (in != null) for (Tensor t : in) t.close();
        if (out != null) for (Tensor t : out) t.close();
        if (lastInterpreted != null) lastInterpreted.values().forEach(Tensor::close);
        in = out = null;
        lastInterpreted = null;
    }

    @Override public void close() {
        closeBuffers();
        if (session != null) session.close();
    }

}
