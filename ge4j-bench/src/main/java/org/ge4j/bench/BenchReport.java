package org.ge4j.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.ge4j.bench.BenchResults.ColdResult;
import org.ge4j.bench.BenchResults.EngineResult;
import org.ge4j.bench.BenchResults.ResolvedModel;

/** A finished benchmark: prints it for people and appends it as TSV rows for {@link BenchTable}. */
public record BenchReport(BenchConfig config, ResolvedModel model, List<BenchModels.InputSpec> inputs, MachineInfo machine,
                          String loadAverageEnd, List<EngineResult> results, List<ColdResult> cold,
                          OutputCheck.Result firstCheck, OutputCheck.Result check, Profiler.Summary profile) {
    /** Columns of the TSV rows, one row per engine (ge4j loading a .om is the engine {@code ge4j.om}). */
    public static final List<String> COLUMNS = List.of("date", "model", "engine", "threads", "batch", "runs", "median_ns", "p90_ns",
            "mean_ns", "min_ns", "load_ns", "load_phases", "first_run_ns", "first_result_ns", "steady_after", "gflops", "pct_peak",
            "weight_gbs", "items_per_s", "cold_first_result_ns", "cold_uptime_ns", "cold_load_ns", "cold_first_run_ns",
            "cold_hwm_first_kb", "cold_hwm_peak_kb", "ratio", "agree", "loadavg_start", "loadavg_end", "cpu", "jdk", "config", "command");

    public BenchReport {
        inputs = List.copyOf(inputs);
        results = List.copyOf(results);
        cold = List.copyOf(cold);
    }

    /** ge4j's median over ORT's, when both ran; NaN otherwise. */
    public double ratio() {
        EngineResult g = result("ge4j"), o = result("ort");
        return g == null || o == null ? Double.NaN : g.stats().median() / o.stats().median();
    }

    /** Whether the engines' outputs agreed (true when only one engine ran). */
    public boolean agree() { return (firstCheck == null || firstCheck.agree()) && (check == null || check.agree()); }

    public EngineResult result(String engine) {
        for (EngineResult r : results) if (r.engine().equals(engine)) return r;
        return null;
    }

    ColdResult coldResult(String engine) {
        for (ColdResult r : cold) if (r.engine().equals(engine)) return r;
        return null;
    }

    /** GFLOP/s at the median, or NaN when the model's FLOPs are unknown. */
    public double gflops(EngineResult r) {
        return model.flops() <= 0 ? Double.NaN : model.flops() * (double) config.batch() / r.stats().median();
    }

    /** Percent of the FP32 peak of the threads used. */
    public double percentOfPeak(EngineResult r) { return 100 * gflops(r) / (config.peakGflops() * config.threads()); }

    /** Weight bytes (4 per stored element) read per run over the median: GB/s; NaN when unknown. */
    public double weightGBs(EngineResult r) {
        return model.storedElems() <= 0 ? Double.NaN : model.storedElems() * 4.0 / r.stats().median();
    }

    public double itemsPerSecond(EngineResult r) { return config.batch() * 1e9 / r.stats().median(); }

    /** Prints the human-readable report; the last line is {@code ratio ge4j/ort: R} when both engines ran. */
    public void print(PrintStream out) {
        out.println();
        out.println("ge4j bench " + model.name() + " (" + model.file() + ")");
        out.println("  inputs   " + inputs.stream().map(Object::toString).collect(Collectors.joining(", ")) + " (seed " + config.seed() + "), batch "
                + config.batch() + (model.flops() > 0 ? String.format(Locale.ROOT, "; %.3g GFLOP per inference", model.flops() * (double) config.batch() / 1e9) : ""));
        out.println("  machine  " + machine.cpu() + ", " + machine.processors() + " processors, JDK " + machine.jdk());
        out.println("  load avg " + machine.loadAverage() + " (start), " + loadAverageEnd + " (end)");
        Bencher.Plan p = config.plan();
        out.printf(Locale.ROOT, "  plan     %d thread%s; warm-up %d runs and %.0f s at least (max %.0f s%s); timed %d runs (at least %d, budget %.0f s)%s%n",
                config.threads(), config.threads() == 1 ? "" : "s", p.warmup(), p.warmupMinSeconds(), p.warmupSeconds(), p.untilStable() ? ", then until stable" : "",
                p.runs(), p.minRuns(), p.maxSeconds(), results.size() > 1 ? ", engines alternating in blocks of " + p.block() : "");
        for (EngineResult r : results) out.printf("  %-8s %s%n", r.engine(), r.config());
        out.println();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"engine", "load", "first run", "first result", "steady at run", "runs", "median", "p90", "mean", "min",
                "GFLOP/s", "% peak", "weights GB/s", "inferences/s"});
        for (EngineResult r : results) {
            Stats s = r.stats();
            rows.add(new String[] {r.engine(), Stats.time(r.loadNanos()), Stats.time(r.firstRun()), Stats.time(r.firstResultNanos()),
                    r.runsToSteady() < 0 ? ">" + (r.warmup().length + 1) : Integer.toString(r.runsToSteady()), Integer.toString(s.count()),
                    Stats.time(s.median()), Stats.time(s.p90()), Stats.time(s.mean()), Stats.time(s.min()), num(gflops(r)), num(percentOfPeak(r)),
                    num(weightGBs(r)), num(itemsPerSecond(r))});
        }
        printTable(out, rows);
        for (EngineResult r : results)
            out.println("  " + r.engine() + " load: " + r.load().stream().map(ph -> ph.name() + " " + Stats.time(ph.nanos())).collect(Collectors.joining(", ")));
        if (!cold.isEmpty()) {
            out.println();
            out.println("cold start: a fresh JVM per engine and repeat, medians of " + cold.get(0).repeats() + " (same JVM options as this one)");
            List<String[]> c = new ArrayList<>();
            c.add(new String[] {"engine", "process start -> first result", "JVM uptime then", "load", "first run", "peak RSS then",
                    "more runs", "their median", "peak RSS after them"});
            for (ColdResult r : cold)
                c.add(new String[] {r.engine(), Stats.time(r.processToFirstResult()), Stats.time(r.uptimeAtFirstResult()), Stats.time(r.load()),
                        Stats.time(r.firstRun()), mb(r.hwmFirstKb()), Integer.toString(r.runs()),
                        r.steadyMedian() < 0 ? "-" : Stats.time(r.steadyMedian()), mb(r.hwmPeakKb())});
            printTable(out, c);
        }
        if (profile != null) {
            out.println();
            out.println("JFR recording of the timed runs: " + config.profile());
            profile.print(out, 15);
        }
        out.println();
        if (firstCheck != null) {
            out.println("outputs after the first run: " + firstCheck.detail());
            out.println("outputs after the timed runs: " + check.detail());
        }
        if (results.size() > 1 && result("ge4j") != null && result("ort") != null)
            out.printf(Locale.ROOT, "ratio ge4j/ort: %.3f%n", ratio());
    }

    /** Appends one TSV row per engine to {@code file}, writing the header first when the file is new. */
    public void appendTsv(Path file, String date) throws IOException {
        StringBuilder sb = new StringBuilder();
        if (!Files.exists(file) || Files.size(file) == 0) sb.append(String.join("\t", COLUMNS)).append('\n');
        for (EngineResult r : results) {
            Map<String, String> v = new LinkedHashMap<>();
            Stats s = r.stats();
            ColdResult c = coldResult(r.engine());
            v.put("date", date);
            v.put("model", model.name());
            v.put("engine", r.engine().equals("ge4j") && config.om() ? "ge4j.om" : r.engine());
            v.put("threads", Integer.toString(config.threads()));
            v.put("batch", Integer.toString(config.batch()));
            v.put("runs", Integer.toString(s.count()));
            v.put("median_ns", Long.toString(Math.round(s.median())));
            v.put("p90_ns", Long.toString(Math.round(s.p90())));
            v.put("mean_ns", Long.toString(Math.round(s.mean())));
            v.put("min_ns", Long.toString(Math.round(s.min())));
            v.put("load_ns", Long.toString(r.loadNanos()));
            v.put("load_phases", r.load().stream().map(ph -> ph.name() + "=" + ph.nanos()).collect(Collectors.joining(",")));
            v.put("first_run_ns", Long.toString(r.firstRun()));
            v.put("first_result_ns", Long.toString(r.firstResultNanos()));
            v.put("steady_after", Integer.toString(r.runsToSteady()));
            v.put("gflops", num(gflops(r)));
            v.put("pct_peak", num(percentOfPeak(r)));
            v.put("weight_gbs", num(weightGBs(r)));
            v.put("items_per_s", num(itemsPerSecond(r)));
            v.put("cold_first_result_ns", c == null ? "" : Long.toString(c.processToFirstResult()));
            v.put("cold_uptime_ns", c == null ? "" : Long.toString(c.uptimeAtFirstResult()));
            v.put("cold_load_ns", c == null ? "" : Long.toString(c.load()));
            v.put("cold_first_run_ns", c == null ? "" : Long.toString(c.firstRun()));
            v.put("cold_hwm_first_kb", c == null ? "" : Long.toString(c.hwmFirstKb()));
            v.put("cold_hwm_peak_kb", c == null ? "" : Long.toString(c.hwmPeakKb()));
            v.put("ratio", r.engine().equals("ge4j") && !Double.isNaN(ratio()) ? String.format(Locale.ROOT, "%.4f", ratio()) : "");
            v.put("agree", results.size() > 1 ? Boolean.toString(agree()) : "");
            v.put("loadavg_start", machine.loadAverage());
            v.put("loadavg_end", loadAverageEnd);
            v.put("cpu", machine.cpu());
            v.put("jdk", machine.jdk());
            v.put("config", r.config());
            v.put("command", config.command());
            List<String> cells = new ArrayList<>();
            for (String col : COLUMNS) cells.add(v.getOrDefault(col, "").replace('\t', ' ').replace('\n', ' '));
            sb.append(String.join("\t", cells)).append('\n');
        }
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Today's date and time, as written into the TSV. */
    public static String now() { return OffsetDateTime.now().withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME); }

    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return "-";
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
    }

    static String mb(long kb) { return kb < 0 ? "-" : String.format(Locale.ROOT, "%.0f MB", kb / 1024.0); }

    static void printTable(PrintStream out, List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] w = new int[cols];
        for (String[] r : rows) for (int i = 0; i < cols; i++) w[i] = Math.max(w[i], r[i].length());
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                if (i > 0) sb.append("  ");
                sb.append(i == 0 ? String.format("%-" + w[i] + "s", r[i]) : String.format("%" + w[i] + "s", r[i]));
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
