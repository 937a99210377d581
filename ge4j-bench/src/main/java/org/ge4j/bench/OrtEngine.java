package org.ge4j.bench;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;

/**
 * ONNX Runtime (Java API, CPU) under benchmark: optimisation level ALL, sequential execution, one
 * inter-op thread, {@code threads} intra-op threads, and the intra-op pool's spinning as {@link Spinning}
 * says. Inputs live in direct buffers; after the first run the outputs are pinned, caller-owned buffers,
 * so timed runs allocate no output.
 */
public final class OrtEngine implements Engine {
    /**
     * How ORT's intra-op threads wait for work. {@link #ON} (the benchmark's default) spins while a
     * {@code Run()} is in progress, as ORT does by default, and stops the spinning when the last {@code Run()}
     * returns ({@code session.force_spinning_stop=1}): ORT's own runs are as fast as with its default, but its
     * idle workers no longer hold a core during the other engine's turn in an alternating run.
     * {@link #ALWAYS} is ORT's default unchanged (workers keep spinning for a while after each run);
     * {@link #OFF} never spins ({@code session.intra_op.allow_spinning=0}).
     */
    public enum Spinning {
        ON, ALWAYS, OFF;

        /** Parses on|always|off (also true/1 for on, false/0 for off). */
        public static Spinning parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "on", "true", "1" -> ON;
                case "always" -> ALWAYS;
                case "off", "false", "0" -> OFF;
                default -> throw new IllegalArgumentException("--ort-spinning must be on, always or off, got '" + s + "'");
            };
        }

        /** The option's value for this mode. */
        public String option() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    private final Path model;
    private final int threads;
    private final Spinning spinning;
    private OrtEnvironment env;
    private OrtSession session;
    private final Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
    private final Map<String, OnnxTensor> pinned = new LinkedHashMap<>();
    private final Map<String, ByteBuffer> pinnedData = new LinkedHashMap<>();
    private final Map<String, OnnxJavaType> pinnedType = new LinkedHashMap<>();

    public OrtEngine(Path model, int threads, Spinning spinning) {
        this.model = model;
        this.threads = threads;
        this.spinning = spinning;
    }

    @Override public String name() { return "ort"; }

    @Override public List<Phase> load() throws OrtException {
        List<Phase> phases = new ArrayList<>();
        long t0 = System.nanoTime();
        env = OrtEnvironment.getEnvironment();
        long t1 = System.nanoTime();
        phases.add(new Phase("env", t1 - t0));
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            String spin = spinning == Spinning.OFF ? "0" : "1";
            o.addConfigEntry("session.intra_op.allow_spinning", spin);
            o.addConfigEntry("session.inter_op.allow_spinning", spin);
            o.addConfigEntry("session.force_spinning_stop", spinning == Spinning.ON ? "1" : "0");
            session = env.createSession(model.toString(), o);
        }
        phases.add(new Phase("session", System.nanoTime() - t1));
        return phases;
    }

    @Override public List<BenchModels.InputSpec> declaredInputs() {
        List<BenchModels.InputSpec> l = new ArrayList<>();
        try {
            for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
                if (!(e.getValue().getInfo() instanceof TensorInfo ti)) continue;
                l.add(new BenchModels.InputSpec(e.getKey(), dtype(ti.type), ti.getShape(), 0, 0));
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ort: cannot read the model's inputs: " + e.getMessage(), e);
        }
        return l;
    }

    @Override public void bind(Map<String, Tensor> inputs) throws OrtException {
        closeTensors();
        for (String name : session.getInputNames()) {
            Tensor t = inputs.get(name);
            if (t == null) throw new IllegalArgumentException("ort: no value for input '" + name + "' (model inputs: " + session.getInputNames() + ")");
            ByteBuffer b = ByteBuffer.allocateDirect((int) t.byteSize()).order(ByteOrder.nativeOrder());
            MemorySegment.ofBuffer(b).copyFrom(t.segment());
            feeds.put(name, OnnxTensor.createTensor(env, b, t.shape(), javaType(t.dtype())));
        }
    }

    @Override public void run() throws OrtException {
        if (!pinned.isEmpty()) {
            session.run(feeds, pinned).close();
            return;
        }
        try (OrtSession.Result r = session.run(feeds)) {
            for (Map.Entry<String, OnnxValue> e : r) {
                if (!(e.getValue() instanceof OnnxTensor t)) throw new IllegalStateException("ort: output '" + e.getKey() + "' is not a tensor");
                ByteBuffer src = t.getByteBuffer();
                ByteBuffer b = ByteBuffer.allocateDirect(src.remaining()).order(ByteOrder.nativeOrder());
                b.put(src).flip();
                OnnxJavaType jt = t.getInfo().type;
                pinnedData.put(e.getKey(), b);
                pinnedType.put(e.getKey(), jt);
                pinned.put(e.getKey(), OnnxTensor.createTensor(env, b, t.getInfo().getShape(), jt));
            }
        }
    }

    @Override public Map<String, double[]> outputs() {
        if (pinned.isEmpty()) throw new IllegalStateException("ort: no outputs yet (run first)");
        Map<String, double[]> m = new LinkedHashMap<>();
        for (Map.Entry<String, ByteBuffer> e : pinnedData.entrySet()) {
            ByteBuffer b = e.getValue().duplicate().order(ByteOrder.nativeOrder());
            b.rewind();
            double[] v = switch (pinnedType.get(e.getKey())) {
                case FLOAT -> { double[] d = new double[b.remaining() / 4]; for (int i = 0; i < d.length; i++) d[i] = b.getFloat(); yield d; }
                case DOUBLE -> { double[] d = new double[b.remaining() / 8]; for (int i = 0; i < d.length; i++) d[i] = b.getDouble(); yield d; }
                case INT64 -> { double[] d = new double[b.remaining() / 8]; for (int i = 0; i < d.length; i++) d[i] = b.getLong(); yield d; }
                case INT32 -> { double[] d = new double[b.remaining() / 4]; for (int i = 0; i < d.length; i++) d[i] = b.getInt(); yield d; }
                case BOOL, INT8, UINT8 -> { double[] d = new double[b.remaining()]; for (int i = 0; i < d.length; i++) d[i] = b.get(); yield d; }
                default -> new double[0];
            };
            m.put(e.getKey(), v);
        }
        return m;
    }

    @Override public String describe() {
        return "onnxruntime " + ortVersion() + " CPU, ALL_OPT, sequential, intra-op threads " + threads + ", spinning " + switch (spinning) {
            case ON -> "on (stopped when a run returns)";
            case ALWAYS -> "on (ORT's default: also after a run)";
            case OFF -> "off";
        };
    }

    static String ortVersion() {
        try {
            return OrtEnvironment.getEnvironment().getVersion();
        } catch (RuntimeException | LinkageError e) {
            return "?";
        }
    }

    private static OnnxJavaType javaType(DataType t) {
        return switch (t) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case DOUBLE -> OnnxJavaType.DOUBLE;
            case INT64 -> OnnxJavaType.INT64;
            case INT32 -> OnnxJavaType.INT32;
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case BOOL -> OnnxJavaType.BOOL;
            default -> throw new IllegalArgumentException("ort: input dtype " + t + " is not supported by the benchmark");
        };
    }

    private static DataType dtype(OnnxJavaType t) {
        return switch (t) {
            case FLOAT -> DataType.FLOAT;
            case DOUBLE -> DataType.DOUBLE;
            case INT64 -> DataType.INT64;
            case INT32 -> DataType.INT32;
            case INT8 -> DataType.INT8;
            case UINT8 -> DataType.UINT8;
            case BOOL -> DataType.BOOL;
            default -> throw new IllegalArgumentException("ort: input type " + t + " is not supported by the benchmark");
        };
    }

    private void closeTensors() {
        feeds.values().forEach(OnnxTensor::close);
        pinned.values().forEach(OnnxTensor::close);
        feeds.clear();
        pinned.clear();
        pinnedData.clear();
        pinnedType.clear();
    }

    @Override public void close() throws OrtException {
        closeTensors();
        if (session != null) session.close();
    }
}
