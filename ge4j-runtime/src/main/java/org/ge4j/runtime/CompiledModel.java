package org.ge4j.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.ge4j.compiler.CompileReport;
import org.ge4j.compiler.om.ModelDefinition;
import org.ge4j.compiler.om.ModelDefinition.ExecutionMode;
import org.ge4j.compiler.om.ModelDefinition.Gear;
import org.ge4j.compiler.om.ModelDefinition.IoDesc;
import org.ge4j.compiler.om.OmWriter;
import org.ge4j.compiler.plan.ExecutionPlan;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.ReferenceInterpreter;
import org.ge4j.runtime.om.OmFile;

/**
 * A compiled model: the optimised graph, its merged weights, and its plans (one per gear; for symbolic
 * dims without gears, one per input-shape signature built on first use and cached). Made by
 * {@link #compile}, saved with {@link #save} and read back with {@link #load} (weights memory-mapped, not
 * copied). Thread-safe: many threads may {@link #run} one model at once; each run takes an execution
 * context (its own arena) from a pool. Close it to free its memory (or unmap its file).
 *
 * <pre>{@code
 * try (CompiledModel m = CompiledModel.compile(Path.of("bert.onnx"), CompileOptions.defaults())) {
 *     m.save(Path.of("bert.om"));
 * }
 * try (CompiledModel m = CompiledModel.load(Path.of("bert.om"))) {
 *     Map<String, Tensor> out = m.run(Map.of("ids", ids));
 * }
 * }</pre>
 */
public final class CompiledModel implements AutoCloseable {
    private final ModelDefinition def;
    private final MemorySegment weights;
    private final Arena arena;
    private final Map<String, String> metadata;
    private final CompileReport report;
    private final Path file;
    private final OpRegistry registry;
    private final List<String> providers;
    private final List<String> inputNames = new ArrayList<>();
    private final List<String> outputNames = new ArrayList<>();
    private final List<Variant> gears = new ArrayList<>();
    private final Map<String, Variant> variants = new ConcurrentHashMap<>();
    private final Object graphLock = new Object();
    private volatile boolean closed;
    /** The kernel warm-up started at load, or null; the first runs wait for it. */
    private volatile KernelWarmUp warmUp;
    /** How plans built at run time (dynamic shapes) use streams: as compiled (files without stream options: one stream). */
    private final org.ge4j.compiler.plan.StreamPlanner.Options streamOptions;

    /** A pre-planned variant (a gear or a cached dynamic plan); {@link #INTERPRET} marks shapes the planner cannot do. */
    static final class Variant {
        final ExecutionPlan plan;
        final String signature;
        final long[][] shapes;
        final DataType[] outTypes;
        final long[][] outShapes;
        final ConcurrentLinkedQueue<ExecutionContext> pool = new ConcurrentLinkedQueue<>();
        private volatile StaticModel model;
        /** A plan built at run time for dynamic shapes: evictable (see {@link #dynamicPlanLimit(int)}). */
        final boolean dynamic;
        /** Runs using it now (dynamic variants only). */
        private final AtomicInteger users = new AtomicInteger();
        /** Evicted: no new runs; its memory is freed when the last run using it ends. */
        private volatile boolean retired;
        private final AtomicBoolean freed = new AtomicBoolean();
        /** When it last started a run (a tick of the model's use clock), for least-recently-used eviction. */
        private volatile long lastUse;

        /** Counts a run in; false when the variant was evicted (the caller looks again). */
        boolean enter(long tick) {
            if (!dynamic) return true;
            users.incrementAndGet();
            if (retired) {
                exit();
                return false;
            }
            lastUse = tick;
            return true;
        }

        void exit() {
            if (dynamic && users.decrementAndGet() == 0 && retired) free();
        }

        /** Stops new runs and frees the memory now, or when the runs using it end. */
        void retire() {
            retired = true;
            if (users.get() == 0) free();
        }

        private void free() {
            if (!freed.compareAndSet(false, true)) return;
            for (ExecutionContext c; (c = pool.poll()) != null; ) c.close();
            StaticModel m = model;
            if (m != null) m.close();
        }

        StaticModel model(CompiledModel owner) {
            StaticModel m = model;
            return m != null ? m : owner.modelOf(this);
        }

        Variant(ExecutionPlan plan, String signature, long[][] shapes, boolean dynamic) {
            this.plan = plan;
            this.dynamic = dynamic;
            this.signature = signature;
            this.shapes = shapes;
            int n = plan == null ? 0 : plan.outputCount();
            outTypes = new DataType[n];
            outShapes = new long[n][];
            if (plan == null) return;
            for (ExecutionPlan.ValueSlot s : plan.values())
                if (s.storage() == ExecutionPlan.Storage.OUTPUT) {
                    outTypes[(int) s.offset()] = s.dtype();
                    outShapes[(int) s.offset()] = s.shape();
                }
            for (ExecutionPlan.OutputCopy c : plan.outputCopies()) {
                ExecutionPlan.ValueSlot s = plan.values().get(c.from());
                outTypes[c.output()] = s.dtype();
                outShapes[c.output()] = s.shape();
            }
        }
    }

    private static final Variant INTERPRET = new Variant(null, "interpret", new long[0][], false);

    /** The variants by input shapes, for an allocation-free lookup on every run (linear: there are few). */
    private final java.util.concurrent.CopyOnWriteArrayList<Variant> byShapes = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The default of {@link #dynamicPlanLimit(int)}: system property {@code ge4j.dynamicPlans}, else 32. */
    public static final int DEFAULT_DYNAMIC_PLAN_LIMIT = Math.max(1, Integer.getInteger("ge4j.dynamicPlans", 32));
    private volatile int dynamicPlanLimit = DEFAULT_DYNAMIC_PLAN_LIMIT;
    /** The clock of {@link Variant#lastUse}. */
    private final AtomicLong useClock = new AtomicLong();
    /** Dynamic shapes the planner cannot do (data-dependent), run on the interpreter. */
    private final java.util.concurrent.CopyOnWriteArrayList<long[][]> interpreted = new java.util.concurrent.CopyOnWriteArrayList<>();

    CompiledModel(ModelDefinition def, MemorySegment weights, Arena arena, Map<String, String> metadata, CompileReport report, Path file,
                  OpRegistry registry, List<String> providers, WarmUp warm) {
        this.def = def;
        this.weights = weights;
        this.arena = arena;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.report = report;
        this.file = file;
        this.registry = registry;
        this.providers = List.copyOf(providers);
        this.streamOptions = org.ge4j.compiler.plan.StreamPlanner.Options.parse(def.options().get("streams"));
        for (IoDesc d : def.inputs()) inputNames.add(d.name());
        for (IoDesc d : def.outputs()) outputNames.add(d.name());
        for (Gear g : def.gears()) {
            Variant v = new Variant(g.plan(), signature(g.inputShapes()), g.inputShapes().toArray(long[][]::new), false);
            gears.add(v);
            variants.put(v.signature, v);
            byShapes.add(v);
        }
        // warm the kernels up (on a miniature of each kind) while the real ones are compiled and their weights packed
        if (warm != WarmUp.OFF && !gears.isEmpty() && gears.get(0).plan != null)
            warmUp = KernelWarmUp.start(gears.get(0).plan, registry, providers, true);
        if (def.mode() == ExecutionMode.STATIC) gears.get(0).model(this); // compile the kernels now: a static model is ready once loaded
        if (warm == WarmUp.BLOCKING) awaitWarmUp();
    }

    // ---------------------------------------------------------------- making one

    /**
     * Compiles {@code graph} (taken over: it is optimised in place and its constants are moved into the
     * model's weights; the caller's constant tensors are not closed).
     */
    public static CompiledModel compile(Graph graph, CompileOptions options) { return new ModelCompiler(options, false).compile(graph, graph.name(), 0); }

    /** Compiles {@code graph} with the default options (O3). */
    public static CompiledModel compile(Graph graph) { return compile(graph, CompileOptions.defaults()); }

    /**
     * Compiles a model file: ONNX ({@code .onnx}) through the ONNX parser, which must be on the class path
     * (module {@code ge4j-parser}); running a compiled {@code .om} does not need it.
     */
    public static CompiledModel compile(Path model, CompileOptions options) {
        String name = model.getFileName() == null ? "" : model.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".om")) throw new Ge4jException(model + " is already compiled (.om): load it instead");
        options.listener().progress("parse", 0, 1, model.toString());
        long t0 = System.nanoTime();
        Graph g = ModelImport.importModel(model);
        // the parser's garbage is a heap copy of the whole file (the protobuf decoder's input), left in the old
        // generation, which only a full collection frees: collected now, before the compile allocates, so that the
        // heap gives those pages back instead of holding them through the compile and every run after it
        System.gc();
        long parseMillis = (System.nanoTime() - t0) / 1_000_000;
        options.listener().progress("parse", 1, 1, model.toString());
        return new ModelCompiler(options, true).compile(g, model.toString(), parseMillis);
    }

    /** Loads a {@code .om} file, or compiles any other model file with the default options. */
    public static CompiledModel open(Path model) { return open(model, WarmUp.fromSystemProperty()); }

    /** Loads a {@code .om} file, or compiles any other model file with the default options; warms its kernels up as {@code warmUp} says. */
    public static CompiledModel open(Path model, WarmUp warmUp) {
        String name = model.getFileName() == null ? "" : model.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".om") || isOm(model) ? load(model, warmUp) : compile(model, CompileOptions.builder().optWarmUp(warmUp).build());
    }

    private static boolean isOm(Path p) {
        try (var in = Files.newInputStream(p)) {
            return java.util.Arrays.equals(in.readNBytes(org.ge4j.compiler.om.OmFormat.MAGIC.length), org.ge4j.compiler.om.OmFormat.MAGIC);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Loads a {@code .om}: the file is memory-mapped (the weights are used in place) and checked. */
    public static CompiledModel load(Path file) { return load(file, WarmUp.fromSystemProperty()); }

    /** Loads a {@code .om}, warming its kernels up as {@code warmUp} says. */
    public static CompiledModel load(Path file, WarmUp warmUp) {
        // the op registry (every op library's schemas and kernels) fills on another thread while the file is read
        initRegistryInBackground();
        return load(file, OpRegistry::global, List.of(OpRegistry.VECTOR), warmUp);
    }

    /**
     * Starts filling {@link OpRegistry#global()} on a daemon thread (a few hundred milliseconds of class loading
     * at startup), so that it overlaps other work; whoever asks for it meanwhile waits for that fill.
     */
    public static void initRegistryInBackground() {
        Thread t = new Thread(OpRegistry::global, "ge4j-registry-init");
        t.setDaemon(true);
        t.start();
    }

    /** Loads a {@code .om} running with the kernels of {@code providers} (then the reference kernels). */
    public static CompiledModel load(Path file, OpRegistry registry, List<String> providers) {
        return load(file, registry, providers, WarmUp.fromSystemProperty());
    }

    /** Loads a {@code .om} running with the kernels of {@code providers}, warming them up as {@code warmUp} says. */
    public static CompiledModel load(Path file, OpRegistry registry, List<String> providers, WarmUp warmUp) {
        return load(file, () -> registry, providers, warmUp);
    }

    private static CompiledModel load(Path file, java.util.function.Supplier<OpRegistry> registry, List<String> providers, WarmUp warmUp) {
        Arena arena = Arena.ofShared();
        try {
            OmFile om = OmFile.read(file, arena, true);
            return new CompiledModel(om.definition(), om.weights(), arena, om.metadata(), null, file, registry.get(), providers, warmUp);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Writes this model as a {@code .om} file; returns its size in bytes. */
    public long save(Path file) {
        checkOpen();
        synchronized (graphLock) { // the writer prints the graph, swapping its constants for references meanwhile
            return OmWriter.write(file, def, weights, metadata);
        }
    }

    // ---------------------------------------------------------------- describing it

    public ModelDefinition definition() { return def; }

    /** The optimised graph (do not mutate it). */
    public Graph graph() { return def.graph(); }

    public ExecutionMode mode() { return def.mode(); }

    public List<IoDesc> inputs() { return def.inputs(); }

    public List<IoDesc> outputs() { return def.outputs(); }

    public List<Gear> gears() { return def.gears(); }

    public Map<String, String> metadata() { return metadata; }

    /** What the compiler did, when this model was compiled in this process (null when loaded). */
    public CompileReport report() { return report; }

    /** The file this model was loaded from, or null. */
    public Path file() { return file; }

    /** The merged weights region. */
    public MemorySegment weights() { return weights; }

    /** The plans built so far for dynamic shapes (signature to plan), besides the gears. */
    public Map<String, ExecutionPlan> dynamicPlans() {
        Map<String, ExecutionPlan> m = new LinkedHashMap<>();
        variants.forEach((k, v) -> { if (v.plan != null && !gears.contains(v)) m.put(k, v.plan); });
        return m;
    }

    // ---------------------------------------------------------------- running it

    /** Runs on inputs by name; returns new output tensors, by name, that the caller owns (and closes). */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        checkOpen();
        Tensor[] in = ordered(inputs);
        Variant v = variantFor(in);
        if (v == INTERPRET) return interpret(inputs);
        Tensor[] outs = new Tensor[outputNames.size()];
        try {
            for (int k = 0; k < outs.length; k++) outs[k] = Tensor.allocate(v.outTypes[k], v.outShapes[k]);
            runVariant(v, in, outs, null);
        } catch (RuntimeException e) {
            for (Tensor t : outs) if (t != null) t.close();
            throw e;
        } finally {
            v.exit();
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int k = 0; k < outs.length; k++) out.put(outputNames.get(k), outs[k]);
        return out;
    }

    /**
     * Runs into caller-owned output tensors (by output name; each of the output's type and shape for these
     * inputs). On the static path nothing is allocated per run once warmed up.
     */
    public void run(Map<String, Tensor> inputs, Map<String, Tensor> outputs) {
        Tensor[] outs = new Tensor[outputNames.size()];
        for (int k = 0; k < outs.length; k++) {
            outs[k] = outputs.get(outputNames.get(k));
            if (outs[k] == null) throw new Ge4jException(what() + ": no buffer for output '" + outputNames.get(k) + "' (outputs: " + outputNames + ")");
        }
        for (String k : outputs.keySet())
            if (!outputNames.contains(k)) throw new Ge4jException(what() + " has no output '" + k + "' (outputs: " + outputNames + ")");
        run(ordered(inputs), outs);
    }

    /** Runs with inputs and caller-owned outputs in signature order. */
    public void run(Tensor[] inputs, Tensor[] outputs) {
        checkOpen();
        if (inputs.length != inputNames.size()) throw new Ge4jException(what() + ": expected " + inputNames.size() + " inputs " + inputNames + ", got " + inputs.length);
        if (outputs.length != outputNames.size()) throw new Ge4jException(what() + ": expected " + outputNames.size() + " outputs " + outputNames + ", got " + outputs.length);
        for (int k = 0; k < inputs.length; k++) checkInput(k, inputs[k]);
        Variant v = variantFor(inputs);
        if (v == INTERPRET) {
            Map<String, Tensor> in = new LinkedHashMap<>();
            for (int k = 0; k < inputs.length; k++) in.put(inputNames.get(k), inputs[k]);
            Map<String, Tensor> r = interpret(in);
            try {
                for (int k = 0; k < outputs.length; k++) {
                    Tensor t = r.get(outputNames.get(k));
                    checkOutput(k, outputs[k], t.dtype(), t.shape());
                    MemorySegment.copy(t.segment(), 0, outputs[k].segment(), 0, t.byteSize());
                }
            } finally {
                r.values().forEach(Tensor::close);
            }
            return;
        }
        try {
            for (int k = 0; k < outputs.length; k++) checkOutput(k, outputs[k], v.outTypes[k], v.outShapes[k]);
            runVariant(v, inputs, outputs, null);
        } finally {
            v.exit();
        }
    }

    /**
     * Runs on the static path and returns copies of every intermediate value whose name {@code capture}
     * accepts, by value name, plus the outputs by output name (all owned by the caller). For accuracy tools
     * ({@code ge4j compare --per-node}); throws when the model runs on the interpreter.
     */
    public Map<String, Tensor> runCapturing(Map<String, Tensor> inputs, Predicate<String> capture, List<String> order) {
        checkOpen();
        Tensor[] in = ordered(inputs);
        Variant v = variantFor(in);
        if (v == INTERPRET) throw new Ge4jException(what() + " runs on the interpreter at these shapes: no task list to observe");
        Map<String, Tensor> captured = new LinkedHashMap<>();
        Tensor[] outs = new Tensor[outputNames.size()];
        try {
            for (int k = 0; k < outs.length; k++) outs[k] = Tensor.allocate(v.outTypes[k], v.outShapes[k]);
            List<ExecutionPlan.Task> tasks = v.plan.tasks();
            runVariant(v, in, outs, (t, args) -> {
                int nIn = tasks.get(t).node().inputCount();
                int[] ids = tasks.get(t).args();
                for (int i = nIn; i < ids.length; i++) {
                    if (ids[i] < 0) continue;
                    ExecutionPlan.ValueSlot s = v.plan.values().get(ids[i]);
                    if (!capture.test(s.name()) || captured.containsKey(s.name())) continue;
                    Tensor c = Tensor.allocate(s.dtype(), s.shape());
                    MemorySegment.copy(args[i], 0, c.segment(), 0, c.byteSize());
                    captured.put(s.name(), c);
                    order.add(s.name());
                }
            });
        } catch (RuntimeException e) {
            for (Tensor t : outs) if (t != null) t.close();
            captured.values().forEach(Tensor::close);
            throw e;
        } finally {
            v.exit();
        }
        for (int k = 0; k < outs.length; k++) captured.merge(outputNames.get(k), outs[k], (a, b) -> { b.close(); return a; });
        return captured;
    }

    private void runVariant(Variant v, Tensor[] in, Tensor[] outs, ExecutionContext.TaskObserver observer) {
        KernelWarmUp w = warmUp;
        if (w != null && !w.finished()) w.await(); // its kernels are compiling: running now would be slower
        StaticModel m = v.model(this);
        ExecutionContext ctx = v.pool.poll();
        if (ctx == null) ctx = m.newContext();
        try {
            ctx.run(in, outs, observer);
        } finally {
            v.pool.offer(ctx);
        }
    }

    /**
     * The variant that runs these inputs, counted in ({@link Variant#enter}): the caller calls
     * {@link Variant#exit} when its run ends.
     */
    private Variant variantFor(Tensor[] in) {
        for (int k = 0; k < in.length; k++) checkInput(k, in[k]);
        switch (def.mode()) {
            case INTERPRETED -> { return INTERPRET; }
            case STATIC -> {
                Variant v = gears.get(0);
                for (int k = 0; k < in.length; k++)
                    if (!sameShape(v.shapes[k], in[k]))
                        throw new Ge4jException(what() + ": input '" + inputNames.get(k) + "' must have shape " + Shape.toString(v.shapes[k]) + ", got " + Shape.toString(in[k].shape()));
                return v;
            }
            case GEARS -> {
                Variant v = find(in);
                if (v == null) {
                    StringBuilder sb = new StringBuilder();
                    for (Gear g : def.gears()) sb.append(sb.isEmpty() ? "" : " | ").append(g.describe());
                    throw new Ge4jException(what() + ": input shapes " + signature(in) + " match none of the model's gears: " + sb);
                }
                return v;
            }
            default -> {
                while (true) {
                    Variant v = find(in);
                    if (v != null) {
                        if (v.enter(useClock.incrementAndGet())) return v;
                        continue; // evicted meanwhile: look again
                    }
                    for (long[][] s : interpreted) if (sameShapes(s, in)) return INTERPRET;
                    synchronized (graphLock) {
                        if (find(in) != null) continue;
                        String sig = signature(in);
                        List<long[]> shapes = new ArrayList<>();
                        for (Tensor t : in) shapes.add(t.shape());
                        try {
                            v = new Variant(ModelCompiler.planAt(def.graph(), shapes, def.weights(), registry, streamOptions, "shapes " + sig), sig,
                                    shapes.toArray(long[][]::new), true);
                        } catch (Ge4jException e) {
                            interpreted.add(shapes.toArray(long[][]::new)); // data-dependent shapes: the interpreter runs these
                            return INTERPRET;
                        }
                        v.enter(useClock.incrementAndGet());
                        variants.put(sig, v);
                        byShapes.add(v);
                        evictDynamicPlans(v);
                        return v;
                    }
                }
            }
        }
    }

    /**
     * At most this many plans built at run time for dynamic shapes are kept (default
     * {@link #DEFAULT_DYNAMIC_PLAN_LIMIT}); beyond it the least recently used one is dropped and its memory freed
     * once the runs using it end (a later run at its shapes plans again). Gears are never dropped.
     */
    public CompiledModel dynamicPlanLimit(int limit) {
        if (limit < 1) throw new IllegalArgumentException(what() + ": the dynamic plan limit must be at least 1, got " + limit);
        dynamicPlanLimit = limit;
        synchronized (graphLock) { evictDynamicPlans(null); }
        return this;
    }

    /** Drops least recently used dynamic plans (never {@code keep}) until at most the limit remain; under the graph lock. */
    private void evictDynamicPlans(Variant keep) {
        while (true) {
            Variant oldest = null;
            int n = 0;
            for (Variant v : byShapes) {
                if (!v.dynamic) continue;
                n++;
                if (v != keep && (oldest == null || v.lastUse < oldest.lastUse)) oldest = v;
            }
            if (n <= dynamicPlanLimit || oldest == null) return;
            byShapes.remove(oldest);
            variants.remove(oldest.signature, oldest);
            oldest.retire();
        }
    }

    /** The planned variant for these input shapes, or null; allocates nothing. */
    private Variant find(Tensor[] in) {
        for (Variant v : byShapes) if (sameShapes(v.shapes, in)) return v;
        return null;
    }

    private static boolean sameShapes(long[][] shapes, Tensor[] in) {
        if (shapes.length != in.length) return false;
        for (int k = 0; k < in.length; k++) if (!sameShape(shapes[k], in[k])) return false;
        return true;
    }

    private static boolean sameShape(long[] shape, Tensor t) {
        if (shape.length != t.rank()) return false;
        for (int i = 0; i < shape.length; i++) if (shape[i] != t.dim(i)) return false;
        return true;
    }

    private void checkInput(int k, Tensor t) {
        IoDesc d = def.inputs().get(k);
        if (t.dtype() != d.dtype() && d.dtype() != DataType.UNDEFINED)
            throw new Ge4jException(what() + ": input '" + d.name() + "' must be " + d.dtype().shortName() + ", got " + t.dtype().shortName());
        Shape s = d.shape();
        if (!s.hasRank()) return;
        boolean ok = s.rank() == t.rank();
        for (int i = 0; ok && i < t.rank(); i++) {
            long want = s.dim(i) instanceof org.ge4j.ir.Dim.Static st ? st.value() : -1;
            ok = want < 0 || want == t.dim(i);
        }
        if (!ok) throw new Ge4jException(what() + ": input '" + d.name() + "' must have shape " + s + ", got " + Shape.toString(t.shape()));
    }

    private void checkOutput(int k, Tensor t, DataType dtype, long[] shape) {
        if (t.dtype() != dtype || !java.util.Arrays.equals(t.shape(), shape))
            throw new Ge4jException(what() + ": the buffer for output '" + outputNames.get(k) + "' must be " + dtype.shortName() + Shape.toString(shape)
                    + ", got " + t.dtype().shortName() + Shape.toString(t.shape()));
    }

    private Tensor[] ordered(Map<String, Tensor> inputs) {
        Tensor[] in = new Tensor[inputNames.size()];
        for (int k = 0; k < in.length; k++) {
            in[k] = inputs.get(inputNames.get(k));
            if (in[k] == null) throw new Ge4jException(what() + ": missing input '" + inputNames.get(k) + "' (inputs: " + inputNames + ")");
        }
        for (String k : inputs.keySet())
            if (!inputNames.contains(k)) throw new Ge4jException(what() + " has no input '" + k + "' (inputs: " + inputNames + ")");
        return in;
    }

    private Map<String, Tensor> interpret(Map<String, Tensor> inputs) {
        Map<String, Value> r;
        synchronized (graphLock) { // the interpreter reads descriptions the dynamic planner rewrites meanwhile
            r = new ReferenceInterpreter(registry, providers.isEmpty() ? OpRegistry.REFERENCE : providers.get(0)).run(def.graph(), inputs);
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Value> e : r.entrySet()) {
            if (!(e.getValue() instanceof Tensor t)) {
                r.values().forEach(Value::close);
                throw new Ge4jException(what() + ": output '" + e.getKey() + "' is a " + e.getValue().kind() + "; use the interpreter API for non-tensor outputs");
            }
            out.put(e.getKey(), t);
        }
        return out;
    }

    private static String signature(Tensor[] in) {
        StringBuilder sb = new StringBuilder();
        for (Tensor t : in) sb.append(Shape.toString(t.shape()));
        return sb.toString();
    }

    private static String signature(List<long[]> shapes) {
        StringBuilder sb = new StringBuilder();
        for (long[] s : shapes) sb.append(Shape.toString(s));
        return sb.toString();
    }

    private String what() { return "model '" + def.graph().name() + "'"; }

    private void checkOpen() {
        if (closed) throw new IllegalStateException(what() + " is closed");
    }

    /**
     * How many tasks of the first plan (the first gear, or the first plan built for dynamic shapes) run on each
     * kernel provider, e.g. {@code {reference=3, vector=50}}; empty when no plan exists yet.
     */
    public Map<String, Integer> kernelCounts() {
        Map<String, Integer> m = new java.util.TreeMap<>();
        StaticModel sm = anyStaticModel();
        if (sm != null) for (String p : sm.kernelProviders()) m.merge(p, 1, Integer::sum);
        return m;
    }

    /** The kernels of the first gear, or of any plan built so far; null when none exists. */
    StaticModel anyStaticModel() {
        if (!gears.isEmpty()) return gears.get(0).model(this);
        for (Variant v : variants.values()) if (v.plan != null) return v.model(this);
        return null;
    }

    /**
     * Compiles the kernels of a variant on first use (once, even when threads race). Under the graph lock: kernel
     * compilers read the graph's constants, which {@link #save} swaps for references while it prints the graph.
     */
    StaticModel modelOf(Variant v) {
        synchronized (graphLock) {
            if (v.model == null) v.model = StaticModel.fromWeights(v.plan, weights, registry, providers);
            return v.model;
        }
    }

    /** Waits until the warm-up started at load (if any) has finished. */
    public void awaitWarmUp() {
        KernelWarmUp w = warmUp;
        if (w != null) w.await();
    }

    /**
     * What the warm-up did, e.g. {@code "warm-up 9 kernels, 230 rounds, 512.3 ms"}; empty when there was none,
     * "warm-up running" while it runs, "no warm-up needed" when the model is about as small as its miniatures.
     */
    public String warmUpSummary() {
        KernelWarmUp w = warmUp;
        if (w == null) return "";
        if (!w.finished()) return "warm-up running";
        if (w.kernels() == 0) return "no warm-up needed";
        return String.format(Locale.ROOT, "warm-up %d kernels, %d rounds, %.1f ms", w.kernels(), w.rounds(), w.nanos() / 1e6);
    }

    /** Frees the model's memory (unmaps its file); it must not be running. */
    @Override public void close() {
        if (closed) return;
        closed = true;
        KernelWarmUp w = warmUp;
        if (w != null) {
            w.cancel(); // its constants are views of the weights: let it stop before they are unmapped
            w.await();
        }
        for (Variant v : variants.values()) {
            for (ExecutionContext c; (c = v.pool.poll()) != null; ) c.close();
            if (v.model != null) v.model.close();
        }
        arena.close();
    }
}
