package org.ge4j.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR recording of the timed runs ({@code --profile FILE.jfr}) and its summary: the hottest methods
 * (top frame, with JFR's frame type: interpreted, JIT compiled, inlined), the kernels the samples fall
 * in (the frame just below {@code ExecutionContext.run}, or {@code StreamExecutor.runLane} on multi-stream plans), and the share of samples inside
 * {@code VectorSupport} — Vector API operations that C2 did not intrinsify (boxed vectors).
 */
public final class Profiler implements AutoCloseable {
    private final Recording recording;

    private Profiler(Recording r) { this.recording = r; }

    /** Starts a recording with JFR's "profile" settings and a 5 ms execution-sample period. */
    public static Profiler start() throws IOException {
        Configuration c;
        try {
            c = Configuration.getConfiguration("profile");
        } catch (ParseException e) {
            throw new IOException("JFR's profile settings: " + e.getMessage(), e);
        }
        Recording r = new Recording(c);
        r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(5)).withStackTrace();
        r.start();
        return new Profiler(r);
    }

    /** Stops the recording and writes it to {@code file}. */
    public void stop(Path file) throws IOException {
        recording.stop();
        recording.dump(file);
    }

    @Override public void close() { recording.close(); }

    /** The summary of the execution samples of a recording. */
    public record Summary(int samples, Map<String, Integer> hotMethods, Map<String, Integer> kernels, int vectorSupport) {
        public void print(PrintStream out, int top) {
            out.printf(Locale.ROOT, "profile: %d execution samples; %.1f %% inside VectorSupport (Vector API calls not intrinsified)%n",
                    samples, pct(vectorSupport));
            out.println("  hottest methods (top frame):");
            hotMethods.entrySet().stream().limit(top).forEach(e -> out.printf(Locale.ROOT, "    %5.1f %%  %s%n", pct(e.getValue()), e.getKey()));
            out.println("  by task kernel (frame below ExecutionContext.run or StreamExecutor.runLane):");
            kernels.entrySet().stream().limit(top).forEach(e -> out.printf(Locale.ROOT, "    %5.1f %%  %s%n", pct(e.getValue()), e.getKey()));
        }

        private double pct(int n) { return samples == 0 ? 0 : 100.0 * n / samples; }
    }

    /** Summarises the {@code jdk.ExecutionSample} events of {@code file}. */
    public static Summary summarize(Path file) throws IOException {
        Map<String, Integer> hot = new LinkedHashMap<>(), kernels = new LinkedHashMap<>();
        int samples = 0, vs = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) continue;
            samples++;
            List<RecordedFrame> fr = st.getFrames();
            RecordedFrame top = fr.get(0);
            hot.merge(name(top) + " [" + top.getType() + "]", 1, Integer::sum);
            boolean inVs = false;
            String kernel = null;
            for (int i = 0; i < fr.size(); i++) {
                String n = name(fr.get(i));
                inVs |= n.startsWith("jdk.internal.vm.vector.VectorSupport.");
                if (kernel == null && (n.equals("org.ge4j.runtime.ExecutionContext.run") || n.equals("org.ge4j.runtime.StreamExecutor.runLane"))) kernel = i > 0 ? name(fr.get(i - 1)) : n;
            }
            if (inVs) vs++;
            kernels.merge(kernel == null ? "(outside a model run: " + name(fr.getLast()) + ")" : kernel, 1, Integer::sum);
        }
        return new Summary(samples, sorted(hot), sorted(kernels), vs);
    }

    private static String name(RecordedFrame f) {
        return f.getMethod() == null ? "?" : normalize(f.getMethod().getType().getName() + "." + f.getMethod().getName());
    }

    /**
     * Folds hidden and lambda classes into one name per family: {@code FusedKernel.0x7f12.run} becomes
     * {@code FusedKernel.*.run} and {@code PoolOps$$Lambda.0x9a.compute} becomes {@code PoolOps$$Lambda.compute}.
     */
    static String normalize(String name) {
        return name.replaceAll("\\$\\$Lambda[./]0x[0-9a-fA-F]+", "\\$\\$Lambda").replaceAll("\\.0x[0-9a-fA-F]+\\.", ".*.")
                .replaceAll("/0x[0-9a-fA-F]+", "");
    }

    private static Map<String, Integer> sorted(Map<String, Integer> m) {
        Map<String, Integer> s = new LinkedHashMap<>();
        m.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).forEach(e -> s.put(e.getKey(), e.getValue()));
        return s;
    }
}
