package org.ge4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.ge4j.bench.BenchResults.ColdResult;
import org.ge4j.bench.BenchResults.ResolvedModel;
import org.ge4j.ir.Tensor;

/**
 * Cold starts: each engine in a fresh JVM (same JVM options as this one), repeated, alternating engines.
 * The parent times from spawning the process to reading the child's "first result" line; the child
 * reports its load and first-run times and its peak RSS ({@code VmHWM} of {@code /proc/self/status}),
 * which cannot be told apart per engine inside one JVM.
 */
public final class ColdRunner {
    static final String PREFIX = "cold-child ";
    private final BenchConfig config;
    private final PrintStream log;

    public ColdRunner(BenchConfig config, PrintStream log) {
        this.config = config;
        this.log = log;
    }

    /** Measures every engine of the config, {@code coldRepeats} times each; medians per engine. */
    public List<ColdResult> run(ResolvedModel model, List<BenchModels.InputSpec> inputs, Path om) throws IOException, InterruptedException {
        Map<String, List<Map<String, Long>>> runs = new LinkedHashMap<>();
        for (int r = 0; r < config.coldRepeats(); r++) {
            for (String engine : config.engines()) {
                log.printf("cold %s (%d/%d): fresh JVM%n", engine, r + 1, config.coldRepeats());
                runs.computeIfAbsent(engine, k -> new ArrayList<>()).add(spawn(engine, model.file(), inputs, om));
            }
        }
        List<ColdResult> out = new ArrayList<>();
        for (Map.Entry<String, List<Map<String, Long>>> e : runs.entrySet()) {
            List<Map<String, Long>> l = e.getValue();
            out.add(new ColdResult(e.getKey(), l.size(), med(l, "process_to_first_result_nanos"), med(l, "uptime_ms") * 1_000_000,
                    med(l, "load_nanos"), med(l, "first_run_nanos"), med(l, "hwm_first_kb"), med(l, "hwm_peak_kb"),
                    med(l, "steady_median_nanos"), (int) med(l, "steady_runs")));
        }
        return out;
    }

    private static long med(List<Map<String, Long>> l, String key) {
        long[] v = l.stream().mapToLong(m -> m.getOrDefault(key, -1L)).toArray();
        return Math.round(Stats.of(v).median());
    }

    /** The command that starts a child: this JVM's java, options and class path. */
    List<String> childCommand(String engine, Path file, List<BenchModels.InputSpec> inputs, Path om) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-agentlib") || a.startsWith("-javaagent") || a.startsWith("-Xrunjdwp") || a.startsWith("-XX:StartFlightRecording")
                    || a.startsWith("-XX:FlightRecorderOptions") || a.startsWith("-Dge4j.threads=")) continue;
            cmd.add(a);
        }
        cmd.add("-Dge4j.threads=" + config.threads());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(BenchCommand.class.getName());
        cmd.addAll(List.of("--cold-child", engine, "--threads", Integer.toString(config.threads()), "--level", config.level().name(),
                "--ort-spinning", config.ortSpinning().option(), "--cold-runs", Integer.toString(config.coldRuns()),
                "--seed", Long.toString(config.seed()), "--warmup-time", Double.toString(config.plan().warmupSeconds())));
        for (BenchModels.InputSpec s : inputs) cmd.addAll(List.of("--input", s.toString()));
        if (config.switches() != null) cmd.addAll(List.of("--optimization_switch", config.switches()));
        if (om != null) cmd.addAll(List.of("--om-file", om.toAbsolutePath().toString()));
        if (config.warmUpAtLoad() != null) cmd.addAll(List.of("--warmup-at-load", config.warmUpAtLoad().name().toLowerCase(java.util.Locale.ROOT)));
        cmd.add(file.toAbsolutePath().toString());
        return cmd;
    }

    private Map<String, Long> spawn(String engine, Path file, List<BenchModels.InputSpec> inputs, Path om) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(childCommand(engine, file, inputs, om));
        long t0 = System.nanoTime();
        Process p = pb.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        Map<String, Long> values = new HashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.startsWith(PREFIX)) continue;
                String kv = line.substring(PREFIX.length()).trim();
                if (kv.equals("first-result")) {
                    values.put("process_to_first_result_nanos", System.nanoTime() - t0);
                    continue;
                }
                int eq = kv.indexOf('=');
                if (eq > 0) values.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
            }
        }
        int code = p.waitFor();
        if (code != 0 || !values.containsKey("process_to_first_result_nanos"))
            throw new IllegalStateException("cold " + engine + " child failed (exit " + code + "): " + err.join().strip());
        return values;
    }

    /** The child's side: load, bind, first run (then signal it), a few more runs, report, and return. */
    static void child(BenchConfig config, String engineName, PrintStream out) throws Exception {
        ResolvedModel model = Benchmark.resolve(config.model(), config.modelsDir());
        Benchmark b = new Benchmark(config, System.err);
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        try (Engine e = b.engine(engineName, model.file(), config.omFile())) {
            List<Engine.Phase> load = e.load();
            List<BenchModels.InputSpec> specs = Benchmark.inputSpecs(config.inputs(), model.manifestInputs(), e.declaredInputs(), config.batch());
            for (BenchModels.InputSpec s : specs) inputs.put(s.name(), s.random(config.seed()));
            e.bind(inputs);
            long first = Bencher.time(e::run);
            long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
            out.println(PREFIX + "first-result");
            out.flush();
            long hwmFirst = MachineInfo.procStatusKb("VmHWM");
            // a few more runs (within about the warm-up time cap) so the peak includes steady running
            long cap = (long) (config.plan().warmupSeconds() * 1e9), t0 = System.nanoTime();
            long[] steady = new long[config.coldRuns()];
            int n = 0;
            while (n < steady.length && System.nanoTime() - t0 + first < cap) steady[n++] = Bencher.time(e::run);
            steady = java.util.Arrays.copyOf(steady, n);
            long hwmPeak = MachineInfo.procStatusKb("VmHWM");
            out.println(PREFIX + "load_nanos=" + load.stream().mapToLong(Engine.Phase::nanos).sum());
            out.println(PREFIX + "first_run_nanos=" + first);
            out.println(PREFIX + "uptime_ms=" + uptime);
            out.println(PREFIX + "hwm_first_kb=" + hwmFirst);
            out.println(PREFIX + "hwm_peak_kb=" + hwmPeak);
            out.println(PREFIX + "steady_runs=" + n);
            out.println(PREFIX + "steady_median_nanos=" + (steady.length == 0 ? -1 : Math.round(Stats.of(steady).median())));
            out.flush();
        } finally {
            inputs.values().forEach(Tensor::close);
        }
    }
}
