package org.ge4j.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.ge4j.compiler.CompileReport;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.OptLevel;
import org.ge4j.compiler.om.ModelDefinition.ExecutionMode;
import org.ge4j.compiler.om.ModelDefinition.IoDesc;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Tensor;
import org.ge4j.runtime.CompileListener;
import org.ge4j.runtime.CompileOptions;
import org.ge4j.runtime.CompiledModel;
import org.ge4j.runtime.WarmUp;

/**
 * ge4j under benchmark. From an ONNX file: {@link CompiledModel#compile} (phases parse, optimize, weights,
 * plan, and kernels — the rest, kernel compilation of a static model); from a {@code .om}:
 * {@link CompiledModel#load} (one phase, "load .om"). Runs into caller-owned output buffers allocated by
 * the first run.
 */
public final class Ge4jEngine implements Engine {
    private final String source;
    private final Path onnx;
    private final Path om;
    private final Supplier<Graph> graphSource;
    private final OptLevel level;
    private final String switches;
    private WarmUp warmUp; // null: the runtime's default for the path (compile: off; .om load: -Dge4j.warmup, else background)
    private CompiledModel model;
    private Tensor[] in;
    private Tensor[] out;
    private Map<String, Tensor> inMap;

    private Ge4jEngine(String source, Path onnx, Path om, Supplier<Graph> graphSource, OptLevel level, String switches) {
        this.switches = switches;
        this.source = source;
        this.onnx = onnx;
        this.om = om;
        this.graphSource = graphSource;
        this.level = level;
    }

    /** An engine compiling an ONNX file at load. */
    public static Ge4jEngine onnx(Path model, OptLevel level) { return onnx(model, level, null); }

    /** An engine compiling an ONNX file at load with optimisation switches ({@code "layout:on"}; null: none). */
    public static Ge4jEngine onnx(Path model, OptLevel level, String switches) { return new Ge4jEngine(model.toString(), model, null, null, level, switches); }

    /** An engine loading a compiled {@code .om} file. */
    public static Ge4jEngine om(Path file) { return new Ge4jEngine(file.toString(), null, file, null, null, null); }

    /** An engine over a graph made in memory (the "parse" phase times {@code graph.get()}). */
    public static Ge4jEngine graph(String name, Supplier<Graph> graph, OptLevel level) { return new Ge4jEngine(name, null, null, graph, level, null); }

    /** Warms the kernels up at load as {@code w} says (null: the runtime's default for the path). */
    public Ge4jEngine withWarmUp(WarmUp w) {
        this.warmUp = w;
        return this;
    }

    /** Compiles {@code onnx} and saves it as {@code om} (for {@code --om}; not timed). Returns the file's size. */
    public static long compileToOm(Path onnx, OptLevel level, Path om) { return compileToOm(onnx, level, null, om); }

    /** As {@link #compileToOm(Path, OptLevel, Path)}, with optimisation switches (null: none). */
    public static long compileToOm(Path onnx, OptLevel level, String switches, Path om) {
        try (CompiledModel m = CompiledModel.compile(onnx, options(level, switches, CompileListener.NONE, WarmUp.OFF))) {
            return m.save(om);
        }
    }

    private static CompileOptions options(OptLevel level, String switches, CompileListener l, WarmUp w) {
        CompileOptions.Builder b = CompileOptions.builder().optCompilerOptions(CompilerOptions.builder().setLevel(level).optSwitches(switches).build()).optListener(l);
        if (w != null) b.optWarmUp(w);
        return b.build();
    }

    @Override public String name() { return "ge4j"; }

    @Override public List<Phase> load() {
        List<Phase> phases = new ArrayList<>();
        long t0 = System.nanoTime();
        if (om != null) {
            model = warmUp == null ? CompiledModel.load(om) : CompiledModel.load(om, warmUp);
            phases.add(new Phase("load .om", System.nanoTime() - t0));
            return phases;
        }
        StageClock clock = new StageClock(t0);
        if (onnx != null) model = CompiledModel.compile(onnx, options(level, switches, clock, warmUp));
        else {
            Graph g = graphSource.get();
            clock.progress("parse", 1, 1, "");
            model = CompiledModel.compile(g, options(level, switches, clock, warmUp));
        }
        return clock.phases(System.nanoTime(), "kernels");
    }

    /** Turns the compiler's progress events into phases: each stage lasts until the next one starts. */
    static final class StageClock implements CompileListener {
        private final List<String> names = new ArrayList<>();
        private final List<Long> starts = new ArrayList<>();
        private long last;

        StageClock(long start) {
            names.add("parse");
            starts.add(start);
            last = start;
        }

        @Override public synchronized void progress(String stage, int done, int total, String detail) {
            long now = System.nanoTime();
            last = now;
            if (!names.getLast().equals(stage)) {
                names.add(stage);
                starts.add(now);
            }
        }

        /** The phases up to {@code end}; time after the last event is the phase {@code rest}. */
        synchronized List<Phase> phases(long end, String rest) {
            List<Phase> p = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                long stop = i + 1 < starts.size() ? starts.get(i + 1) : last;
                p.add(new Phase(names.get(i), stop - starts.get(i)));
            }
            if (end > last) p.add(new Phase(rest, end - last));
            return p;
        }
    }

    @Override public List<BenchModels.InputSpec> declaredInputs() {
        List<BenchModels.InputSpec> l = new ArrayList<>();
        for (IoDesc d : model.inputs()) {
            long[] s = d.shape().hasRank() ? new long[d.shape().rank()] : new long[0];
            for (int i = 0; i < s.length; i++) s[i] = d.shape().dim(i).valueOr(-1);
            l.add(new BenchModels.InputSpec(d.name(), d.dtype(), s, 0, 0));
        }
        return l;
    }

    @Override public void bind(Map<String, Tensor> inputs) {
        closeBuffers();
        List<String> names = model.inputs().stream().map(IoDesc::name).toList();
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
            model.run(in, out);
            return;
        }
        out = model.run(inMap).values().toArray(new Tensor[0]);
    }

    @Override public Map<String, double[]> outputs() {
        if (out == null) throw new IllegalStateException("ge4j: no outputs yet (run first)");
        Map<String, double[]> m = new LinkedHashMap<>();
        List<String> names = model.outputs().stream().map(IoDesc::name).toList();
        for (int k = 0; k < names.size(); k++) m.put(names.get(k), out[k].dtype() == DataType.STRING ? new double[0] : out[k].toDoubleArray());
        return m;
    }

    /** The model's execution mode (after {@link #load}). */
    public ExecutionMode mode() { return model.mode(); }

    /** The compiler's report (after {@link #load} from ONNX or a graph; null for a .om). */
    public CompileReport compileReport() { return model.report(); }

    /** How many tasks run on each kernel provider, e.g. {@code {reference=12, vector=120}}; empty when interpreted. */
    public Map<String, Integer> providerCounts() { return new TreeMap<>(model.kernelCounts()); }

    @Override public String describe() {
        String threads = System.getProperty("ge4j.threads", "default");
        StringBuilder sb = new StringBuilder("ge4j ").append(om != null ? ".om" : level).append(", ");
        if (warmUp != null) sb.append("warm-up at load ").append(warmUp.name().toLowerCase()).append(", ");
        if (model == null) return sb.append("not loaded").toString();
        sb.append(model.mode().name().toLowerCase());
        CompileReport r = model.report();
        if (r != null) sb.append(", ").append(r.nodesBefore()).append(" -> ").append(r.nodesAfter()).append(" nodes");
        Map<String, Integer> p = providerCounts();
        if (!p.isEmpty()) sb.append(", kernels ").append(p);
        return sb.append(", ge4j.threads=").append(threads).toString();
    }

    /** The model's source (file or graph name). */
    public String source() { return source; }

    private void closeBuffers() {
        if (in != null) for (Tensor t : in) t.close();
        if (out != null) for (Tensor t : out) t.close();
        in = out = null;
    }

    @Override public void close() {
        closeBuffers();
        if (model != null) model.close();
    }

}
