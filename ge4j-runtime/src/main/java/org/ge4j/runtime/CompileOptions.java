package org.ge4j.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.OptLevel;
import org.ge4j.compiler.plan.StreamPlanner;
import org.ge4j.ops.OpRegistry;

/**
 * How to compile a model into a {@link CompiledModel}: the compiler's options (level, default O3, and
 * pass switches), input shapes as atc's {@code --input_shape} (-1 = dynamic), gears as atc's
 * {@code --dynamic_batch_size} or {@code --dynamic_dims}, the kernel providers to prefer, the stream
 * count ({@link #streams()}), and a progress listener. Immutable; made with {@link #builder()}:
 *
 * <pre>{@code
 * CompileOptions o = CompileOptions.builder().optInputShape("ids:-1,-1").optDynamicDims("1,128;2,256").build();
 * }</pre>
 */
public final class CompileOptions {
    private final CompilerOptions compiler;
    private final Map<String, long[]> inputShapes;
    private final String inputShapeText;
    private final List<Long> batchSizes;
    private final List<long[]> dims;
    private final List<String> providers;
    private final CompileListener listener;
    private final WarmUp warmUp;
    private final Integer streamCount;

    private CompileOptions(Builder b) {
        this.compiler = b.compiler.build();
        this.inputShapeText = b.inputShape;
        this.inputShapes = ShapeSpecs.parseInputShape(b.inputShape);
        if (b.batchSizes != null && b.dims != null)
            throw new IllegalArgumentException("give either dynamic batch sizes or dynamic dims, not both");
        this.batchSizes = b.batchSizes == null ? null : ShapeSpecs.parseBatchSizes(b.batchSizes);
        this.dims = b.dims == null ? null : ShapeSpecs.parseDims(b.dims);
        this.providers = List.copyOf(b.providers);
        this.listener = b.listener;
        this.warmUp = b.warmUp;
        this.streamCount = b.streams;
    }

    public static Builder builder() { return new Builder(); }

    /** Level O3, no shapes or gears given, vector kernels preferred. */
    public static CompileOptions defaults() { return builder().build(); }

    public CompilerOptions compiler() { return compiler; }

    public OptLevel level() { return compiler.level(); }

    /** Input shapes by name (-1 = dynamic), in the order given; empty when none given. */
    public Map<String, long[]> inputShapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        inputShapes.forEach((k, v) -> m.put(k, v.clone()));
        return m;
    }

    /** The dynamic batch sizes, or null. */
    public List<Long> batchSizes() { return batchSizes; }

    /** The dynamic dims gears (values for the -1 dims of the input shapes, in order), or null. */
    public List<long[]> dims() {
        if (dims == null) return null;
        List<long[]> l = new ArrayList<>();
        for (long[] d : dims) l.add(d.clone());
        return l;
    }

    /** Kernel providers in order of preference; the reference kernels are the fallback. */
    public List<String> providers() { return providers; }

    public CompileListener listener() { return listener; }

    /** Whether the compiled model warms its kernels up (default {@link WarmUp#OFF}: a compile often only saves). */
    public WarmUp warmUp() { return warmUp; }
    /**
     * How plans use streams: {@link StreamPlanner.Options#defaults()} (2 streams where the estimated gain
     * is worth it) unless options were given ({@link Builder#optStreams}, or a
     * {@code StreamPlanner.Options} record as pass options); one stream when switched off
     * ({@code streams:off}) and at O0 unless switched on.
     */
    public StreamPlanner.Options streams() {
        Boolean sw = compiler.switchFor("streams");
        if (Boolean.FALSE.equals(sw) || sw == null && compiler.level() == OptLevel.O0) return StreamPlanner.Options.single();
        StreamPlanner.Options o = compiler.passOptions(StreamPlanner.Options.class, StreamPlanner.Options.defaults());
        return streamCount == null ? o : o.withStreams(streamCount);
    }

    /** The options as text pairs, stored in the {@code .om}. */
    Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("oo_level", compiler.level().name());
        StringBuilder sw = new StringBuilder();
        compiler.switches().forEach((k, v) -> sw.append(sw.isEmpty() ? "" : ";").append(k).append(v ? ":on" : ":off"));
        m.put("optimization_switch", sw.toString());
        m.put("input_shape", inputShapeText == null ? "" : inputShapeText);
        if (batchSizes != null) m.put("dynamic_batch_size", String.join(",", batchSizes.stream().map(String::valueOf).toList()));
        if (dims != null) {
            StringBuilder d = new StringBuilder();
            for (long[] g : dims) {
                if (!d.isEmpty()) d.append(';');
                for (int i = 0; i < g.length; i++) d.append(i == 0 ? "" : ",").append(g[i]);
            }
            m.put("dynamic_dims", d.toString());
        }
        m.put("providers", String.join(",", providers));
        m.put("streams", streams().describe());
        return m;
    }

    /** Builder: {@code setX} for required settings, {@code optX} for optional ones. */
    public static final class Builder {
        private CompilerOptions.Builder compiler = CompilerOptions.builder();
        private String inputShape;
        private String batchSizes;
        private String dims;
        private final List<String> providers = new ArrayList<>(List.of(OpRegistry.VECTOR));
        private CompileListener listener = CompileListener.NONE;
        private WarmUp warmUp = WarmUp.OFF;
        private Integer streams;

        private Builder() {}

        /** Starts from these compiler options (level, switches, dumps...). */
        public Builder optCompilerOptions(CompilerOptions o) { this.compiler = o.toBuilder(); return this; }

        public Builder optLevel(OptLevel level) { compiler.setLevel(level); return this; }

        /** atc's {@code --optimization_switch}, e.g. {@code "cse:off;fusion:on"}. */
        public Builder optSwitches(String spec) { compiler.optSwitches(spec); return this; }

        /** atc's {@code --input_shape}, e.g. {@code "x:1,3,224,224"} or {@code "ids:-1,-1"}. */
        public Builder optInputShape(String spec) { this.inputShape = spec; return this; }

        /** atc's {@code --dynamic_batch_size}, e.g. {@code "1,2,4,8"}: one gear per batch size for the -1 dims. */
        public Builder optDynamicBatchSize(String spec) { this.batchSizes = spec; return this; }

        /** atc's {@code --dynamic_dims}, e.g. {@code "1,128;2,256"}: one gear per group, values for the -1 dims in order. */
        public Builder optDynamicDims(String spec) { this.dims = spec; return this; }

        /** Kernel providers in order of preference (default: {@code vector}); empty = reference kernels only. */
        public Builder optProviders(List<String> p) {
            providers.clear();
            providers.addAll(p);
            return this;
        }

        /** The most streams (lanes) a plan may use; 1 = single stream (like the switch {@code streams:off}). */
        public Builder optStreams(int n) {
            if (n < 1) throw new IllegalArgumentException("stream count must be >= 1, got " + n);
            this.streams = n;
            return this;
        }

        /** Stream planning options (stream count, cost thresholds), e.g. {@code StreamPlanner.Options.forced(2)}. */
        public Builder optStreamOptions(StreamPlanner.Options o) { compiler.optPassOptions(Objects.requireNonNull(o)); return this; }

        public Builder optListener(CompileListener l) { this.listener = Objects.requireNonNull(l); return this; }

        /** Warm the compiled model's kernels up (default {@link WarmUp#OFF}). */
        public Builder optWarmUp(WarmUp w) { this.warmUp = Objects.requireNonNull(w); return this; }

        public CompileOptions build() { return new CompileOptions(this); }
    }
}
