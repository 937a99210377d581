package org.ge4j.parser.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.Value;
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.ReferenceInterpreter;
import org.ge4j.parser.onnx.OnnxParser;
import org.ge4j.parser.onnx.OnnxTensors;
import org.ge4j.parser.onnx.OnnxTypes;
import org.ge4j.parser.onnx.proto.ModelProto;
import org.ge4j.parser.onnx.proto.TensorProto;
import org.ge4j.parser.onnx.proto.ValueInfoProto;

/**
 * Runs the ONNX backend conformance tests with the {@link ReferenceInterpreter}: for each test directory,
 * parses {@code model.onnx}; for each {@code test_data_set_*}, binds {@code input_K.pb} to the graph inputs in
 * order, runs, and compares every output with {@code output_K.pb} ({@link ValueComparator}). Each test runs
 * on its own worker thread with a time limit; anything it throws, errors included, becomes an ERROR result.
 */
public final class ConformanceRunner {
    /** The suites run by default (1072 tests in ONNX 1.12's data). */
    public static final List<String> DEFAULT_SUITES = List.of("node", "pytorch-converted", "pytorch-operator", "simple");
    /** Where Debian's libonnx-testdata puts the data when dpkg cannot tell. */
    public static final Path DEFAULT_DATA = Path.of("/usr/include/onnx/backend/test/data");

    private static final Pattern NUMBERED = Pattern.compile(".*?_(\\d+)(\\.pb)?$");
    private static final long WORKER_STACK = 256L << 20;

    /**
     * @param dataDir     the {@code backend/test/data} directory
     * @param suites      suite directory names to run
     * @param filter      only tests whose name (or suite/name) this finds a match in; null = all
     * @param timeout     per test
     * @param jobs        tests run at once
     * @param inferShapes run (non-strict) shape inference on each model before running it, and check the
     *                    inferred type and shape of each graph output against the value computed
     */
    public record Options(Path dataDir, List<String> suites, Pattern filter, Duration timeout, int jobs, boolean inferShapes) {
        public Options {
            Objects.requireNonNull(dataDir, "dataDir");
            suites = List.copyOf(suites);
            Objects.requireNonNull(timeout, "timeout");
            if (jobs < 1) throw new IllegalArgumentException("jobs must be at least 1, got " + jobs);
        }

        /** All default suites of {@code dataDir}, 60 s per test, one at a time. */
        public static Options defaults(Path dataDir) { return new Options(dataDir, DEFAULT_SUITES, null, Duration.ofSeconds(60), 1, false); }

        public Options withSuites(List<String> s) { return new Options(dataDir, s, filter, timeout, jobs, inferShapes); }
        public Options withFilter(Pattern f) { return new Options(dataDir, suites, f, timeout, jobs, inferShapes); }
        public Options withTimeout(Duration t) { return new Options(dataDir, suites, filter, t, jobs, inferShapes); }
        public Options withJobs(int j) { return new Options(dataDir, suites, filter, timeout, j, inferShapes); }
        public Options withInferShapes(boolean b) { return new Options(dataDir, suites, filter, timeout, jobs, b); }
    }

    /**
     * How a parsed test model is executed. The default runs the {@link ReferenceInterpreter}; other engines
     * (the compiler plus an executor) plug in here so that the same data checks them.
     */
    public interface Engine {
        /** Prepares {@code g} (it may be optimised in place) and returns a function from inputs to outputs. */
        Prepared prepare(Graph g, OpRegistry registry);
    }

    /** A model ready to run: positional inputs to positional outputs owned by the caller. */
    public interface Prepared extends AutoCloseable {
        List<Value> run(List<Value> inputs);

        @Override default void close() {}
    }

    /** The default engine: the reference interpreter on the graph as parsed. */
    public static final Engine INTERPRETER = (g, registry) -> {
        ReferenceInterpreter interpreter = new ReferenceInterpreter(registry);
        return inputs -> interpreter.runGraph(g, inputs, null);
    };

    private final Options options;
    private final OpRegistry registry;
    private final OnnxParser parser;
    private final Engine engine;

    public ConformanceRunner(Options options, OpRegistry registry) { this(options, registry, INTERPRETER); }

    public ConformanceRunner(Options options, OpRegistry registry, Engine engine) {
        this.options = options;
        this.registry = registry;
        this.parser = new OnnxParser();
        this.engine = engine;
    }

    public ConformanceRunner(Options options) { this(options, OpRegistry.global()); }

    // ---------------------------------------------------------------- locating the data

    /**
     * The ONNX backend test data directory: the one {@code dpkg -L libonnx-testdata} lists (ending in
     * {@code backend/test/data}), else {@link #DEFAULT_DATA}; null when neither exists.
     */
    public static Path locateData() {
        for (String line : dpkgList("libonnx-testdata")) {
            if (line.endsWith("/backend/test/data")) {
                Path p = Path.of(line);
                if (Files.isDirectory(p)) return p;
            }
        }
        for (String line : dpkgList("libonnx-testdata")) {
            if (line.endsWith("libonnx-testdata/data")) {
                Path p = Path.of(line);
                if (Files.isDirectory(p)) return p;
            }
        }
        return Files.isDirectory(DEFAULT_DATA) ? DEFAULT_DATA : null;
    }

    private static List<String> dpkgList(String pkg) {
        try {
            Process p = new ProcessBuilder("dpkg", "-L", pkg).redirectErrorStream(true).start();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroy();
                return List.of();
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).lines().map(String::strip).toList() : List.of();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    // ---------------------------------------------------------------- discovery

    /** The selected tests, by suite (in the order given) then name. Fails for a suite with no directory. */
    public List<TestCase> discover() {
        List<TestCase> l = new ArrayList<>();
        for (String suite : options.suites()) {
            Path dir = options.dataDir().resolve(suite);
            if (!Files.isDirectory(dir)) throw new Ge4jException("conformance: no suite '" + suite + "' in " + options.dataDir());
            try (Stream<Path> s = Files.list(dir)) {
                for (Path t : s.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).sorted().toList()) {
                    String name = t.getFileName().toString();
                    if (options.filter() != null && !options.filter().matcher(name).find() && !options.filter().matcher(suite + "/" + name).find()) continue;
                    l.add(new TestCase(suite, name, t));
                }
            } catch (IOException e) {
                throw new Ge4jException("conformance: cannot list " + dir + ": " + e.getMessage(), e);
            }
        }
        return l;
    }

    // ---------------------------------------------------------------- running

    /** Runs every selected test; {@code listener} sees each result as it completes (in test order). */
    public ConformanceReport run(Consumer<TestResult> listener) {
        long t0 = System.nanoTime();
        List<TestCase> tests = discover();
        List<TestResult> results = new ArrayList<>(tests.size());
        if (options.jobs() == 1) {
            for (TestCase t : tests) {
                TestResult r = runWithTimeout(t);
                results.add(r);
                if (listener != null) listener.accept(r);
            }
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(options.jobs(), r -> {
                Thread th = new Thread(r, "conformance-driver");
                th.setDaemon(true);
                return th;
            });
            try {
                List<Future<TestResult>> fs = new ArrayList<>();
                for (TestCase t : tests) fs.add(pool.submit(() -> runWithTimeout(t)));
                for (int i = 0; i < fs.size(); i++) {
                    TestResult r;
                    try {
                        r = fs.get(i).get();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new Ge4jException("conformance run interrupted");
                    } catch (ExecutionException e) {
                        r = new TestResult(tests.get(i), TestStatus.ERROR, "runner: " + e.getCause(), List.of(), 0);
                    }
                    results.add(r);
                    if (listener != null) listener.accept(r);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        return new ConformanceReport(results, (System.nanoTime() - t0) / 1_000_000);
    }

    /** Runs one test on a fresh worker thread, abandoning it (ERROR "timeout") when it overruns. */
    public TestResult runWithTimeout(TestCase t) {
        long t0 = System.nanoTime();
        List<String> ops = new ArrayList<>();
        FutureTask<TestResult> task = new FutureTask<>(() -> runOne(t, ops));
        Thread worker = new Thread(null, task, "conformance-" + t.name(), WORKER_STACK);
        worker.setDaemon(true);
        worker.start();
        try {
            return task.get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            return new TestResult(t, TestStatus.ERROR, "timeout after " + options.timeout().toSeconds() + " s", snapshot(ops), millisSince(t0));
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            return new TestResult(t, TestStatus.ERROR, "interrupted", snapshot(ops), millisSince(t0));
        } catch (ExecutionException e) {
            return new TestResult(t, TestStatus.ERROR, "runner: " + e.getCause(), snapshot(ops), millisSince(t0));
        }
    }

    private static List<String> snapshot(List<String> ops) {
        synchronized (ops) {
            return List.copyOf(ops);
        }
    }

    private static long millisSince(long t0) { return (System.nanoTime() - t0) / 1_000_000; }

    /** Runs one test on the calling thread; never throws. {@code ops} receives the model's op types. */
    public TestResult runOne(TestCase t, List<String> ops) {
        long t0 = System.nanoTime();
        try {
            String reason = execute(t, ops);
            return new TestResult(t, reason == null ? TestStatus.PASS : TestStatus.FAIL, reason == null ? "" : reason, snapshot(ops), millisSince(t0));
        } catch (Ge4jException e) {
            return new TestResult(t, TestStatus.ERROR, e.getMessage(), snapshot(ops), millisSince(t0));
        } catch (StackOverflowError e) {
            return new TestResult(t, TestStatus.ERROR, "StackOverflowError" + at(e), snapshot(ops), millisSince(t0));
        } catch (OutOfMemoryError e) {
            return new TestResult(t, TestStatus.ERROR, "OutOfMemoryError: " + e.getMessage(), snapshot(ops), millisSince(t0));
        } catch (Throwable e) {
            return new TestResult(t, TestStatus.ERROR, e + at(e), snapshot(ops), millisSince(t0));
        }
    }

    private static String at(Throwable e) {
        StackTraceElement[] st = e.getStackTrace();
        return st.length == 0 ? "" : " at " + st[0];
    }

    /** Null when every output of every data set matches, else the first mismatch. */
    private String execute(TestCase t, List<String> ops) throws IOException {
        Path modelFile = t.dir().resolve("model.onnx");
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(Files.readAllBytes(modelFile));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new Ge4jException("parse: " + modelFile.getFileName() + " is not a valid ONNX model: " + e.getMessage());
        }
        Graph g;
        try {
            g = parser.parse(proto, t.suite() + "/" + t.name() + "/model.onnx", t.dir());
        } catch (Ge4jException e) {
            throw new Ge4jException("parse: " + e.getMessage(), e);
        }
        TreeSet<String> types = new TreeSet<>();
        for (Node n : g.allNodes()) if (!n.isData()) types.add(n.qualifiedType());
        synchronized (ops) {
            ops.addAll(types);
        }
        if (options.inferShapes()) {
            try {
                new GraphInference(registry, false).infer(g);
            } catch (Ge4jException e) {
                throw new Ge4jException("inference: " + e.getMessage(), e);
            }
        }
        List<TensorDesc> inTypes = new ArrayList<>();
        java.util.Set<String> inits = new java.util.HashSet<>();
        for (TensorProto i : proto.getGraph().getInitializerList()) inits.add(i.getName());
        for (var s : proto.getGraph().getSparseInitializerList()) inits.add(s.getValues().getName());
        for (ValueInfoProto vi : proto.getGraph().getInputList())
            if (!inits.contains(vi.getName())) inTypes.add(OnnxTypes.toDesc(vi.getType(), "input '" + vi.getName() + "'", t.name()));
        List<TensorDesc> outTypes = new ArrayList<>();
        for (ValueInfoProto vi : proto.getGraph().getOutputList()) outTypes.add(OnnxTypes.toDesc(vi.getType(), "output '" + vi.getName() + "'", t.name()));

        List<Path> sets = numbered(t.dir(), "test_data_set_", true);
        if (sets.isEmpty()) throw new Ge4jException("no test_data_set_* directory");
        OnnxTensors reader = new OnnxTensors(t.name(), t.dir());
        try (Prepared prepared = engine.prepare(g, registry)) {
            return runSets(t, g, sets, reader, inTypes, outTypes, prepared);
        }
    }

    private String runSets(TestCase t, Graph g, List<Path> sets, OnnxTensors reader, List<TensorDesc> inTypes, List<TensorDesc> outTypes, Prepared prepared)
            throws IOException {
        ValueComparator cmp = new ValueComparator();
        for (Path set : sets) {
            String setName = set.getFileName().toString();
            List<Path> inFiles = numbered(set, "input_", false);
            List<Path> outFiles = numbered(set, "output_", false);
            if (inFiles.size() != g.inputs().size())
                throw new Ge4jException(setName + ": " + inFiles.size() + " input files for " + g.inputs().size() + " graph inputs");
            if (outFiles.size() != g.outputs().size())
                throw new Ge4jException(setName + ": " + outFiles.size() + " output files for " + g.outputs().size() + " graph outputs");
            List<Value> inputs = new ArrayList<>();
            List<Value> outputs = List.of();
            try {
                for (int i = 0; i < inFiles.size(); i++)
                    inputs.add(asDeclared(reader.readValue(Files.readAllBytes(inFiles.get(i)), inTypes.get(i), setName + "/" + inFiles.get(i).getFileName()), inTypes.get(i)));
                outputs = prepared.run(inputs);
                if (outputs.size() != outFiles.size())
                    throw new Ge4jException(setName + ": the graph produced " + outputs.size() + " outputs, expected " + outFiles.size());
                for (int i = 0; i < outFiles.size(); i++) {
                    String what = setName + "/" + outFiles.get(i).getFileName();
                    try (Value expected = asDeclared(reader.readValue(Files.readAllBytes(outFiles.get(i)), outTypes.get(i), what), outTypes.get(i))) {
                        String r = cmp.compare(expected, outputs.get(i));
                        if (r == null && options.inferShapes()) r = checkInferred(g.outputs().get(i).value().desc(), outputs.get(i));
                        if (r != null) return "output " + i + " '" + g.outputs().get(i).name() + "' (" + setName + "): " + r;
                    }
                }
            } finally {
                inputs.forEach(Value::close);
                for (Value v : outputs) if (v != null) v.close();
            }
        }
        return null;
    }

    /** Null when what inference says about a tensor output agrees with the tensor, else the contradiction. */
    static String checkInferred(TensorDesc d, Value v) {
        if (!(v instanceof Tensor t) || d.kind() != org.ge4j.ir.ValueKind.TENSOR) return null;
        if (d.isKnown() && d.dtype() != t.dtype()) return "inferred type " + d + " but computed " + t.dtype();
        if (!d.shape().hasRank()) return null;
        if (d.shape().rank() != t.rank()) return "inferred shape " + d.shape() + " but computed " + org.ge4j.ir.Shape.toString(t.shape());
        for (int k = 0; k < t.rank(); k++)
            if (d.shape().dim(k) instanceof org.ge4j.ir.Dim.Static sd && sd.value() != t.dim(k))
                return "inferred shape " + d.shape() + " but computed " + org.ge4j.ir.Shape.toString(t.shape());
        return null;
    }

    /**
     * numpy has no bfloat16, so the test data stores BFLOAT16 tensors as UINT16 holding the same bits:
     * reinterpret such a tensor as the type the model declares.
     */
    static Value asDeclared(Value v, TensorDesc declared) {
        if (!(v instanceof Tensor t) || declared == null || t.dtype() == declared.dtype()) return v;
        if (t.dtype() == DataType.UINT16 && (declared.dtype() == DataType.BFLOAT16 || declared.dtype() == DataType.FLOAT16)) {
            Tensor r = Tensor.wrap(declared.dtype(), t.shape(), t.segment()).copy();
            t.close();
            return r;
        }
        return v;
    }

    /** Entries {@code prefixN} of a directory sorted by N (directories or {@code .pb} files). */
    private static List<Path> numbered(Path dir, String prefix, boolean dirs) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .filter(p -> dirs ? Files.isDirectory(p) : p.getFileName().toString().endsWith(".pb"))
                    .sorted(Comparator.comparingLong(ConformanceRunner::index))
                    .toList();
        }
    }

    private static long index(Path p) {
        Matcher m = NUMBERED.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : Long.MAX_VALUE;
    }
}
