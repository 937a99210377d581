package org.ge4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the TSV rows of {@link BenchReport#appendTsv} into BENCHMARKS.md's tables: 1 thread head to
 * head, 2 threads and scaling, load and first-result times, cold starts and peak RSS, weight bandwidth.
 * For each (model, engine, threads) the last row wins. {@code java -cp ge4j-bench.jar org.ge4j.bench.BenchTable results.tsv}.
 */
public final class BenchTable {
    private final Map<String, Map<String, String>> rows = new LinkedHashMap<>(); // key model|engine|threads
    private final Set<String> models = new LinkedHashSet<>();

    public BenchTable(List<Map<String, String>> tsvRows) {
        for (Map<String, String> r : tsvRows) {
            rows.put(key(r.get("model"), r.get("engine"), r.get("threads")), r);
            models.add(r.get("model"));
        }
    }

    /** Reads a TSV written by {@link BenchReport#appendTsv} (header line, then rows). */
    public static List<Map<String, String>> read(Path tsv) throws IOException {
        List<String> lines = Files.readAllLines(tsv);
        List<Map<String, String>> out = new ArrayList<>();
        if (lines.isEmpty()) return out;
        String[] head = lines.get(0).split("\t", -1);
        for (String l : lines.subList(1, lines.size())) {
            if (l.isBlank()) continue;
            if (l.startsWith("date\t")) { head = l.split("\t", -1); continue; } // a header repeated by concatenation
            String[] c = l.split("\t", -1);
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < head.length; i++) m.put(head[i], i < c.length ? c[i] : "");
            out.add(m);
        }
        return out;
    }

    private static String key(String model, String engine, String threads) { return model + "|" + engine + "|" + threads; }

    private Map<String, String> row(String model, String engine, int threads) { return rows.get(key(model, engine, Integer.toString(threads))); }

    static double num(Map<String, String> r, String col) {
        if (r == null) return Double.NaN;
        String v = r.getOrDefault(col, "");
        if (v.isEmpty() || v.equals("-")) return Double.NaN;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String t(Map<String, String> r, String col) {
        double v = num(r, col);
        return Double.isNaN(v) || v < 0 ? "—" : Stats.time(v);
    }

    private static String x(double v, String fmt) { return Double.isNaN(v) || Double.isInfinite(v) ? "—" : String.format(Locale.ROOT, fmt, v); }

    /** ge4j median over ORT median at {@code threads}, NaN when either is missing. */
    public double ratio(String model, int threads) {
        return num(row(model, "ge4j", threads), "median_ns") / num(row(model, "ort", threads), "median_ns");
    }

    /** Median at 1 thread over median at 2 threads. */
    public double scaling(String model, String engine) {
        return num(row(model, engine, 1), "median_ns") / num(row(model, engine, 2), "median_ns");
    }

    /** Geometric mean of the 1-thread ratios of the models where both engines ran. */
    public double geomeanRatio(int threads) {
        double s = 0;
        int n = 0;
        for (String m : models) {
            double r = ratio(m, threads);
            if (!Double.isNaN(r) && r > 0) { s += Math.log(r); n++; }
        }
        return n == 0 ? Double.NaN : Math.exp(s / n);
    }

    private static String gflops(Map<String, String> r) {
        double g = num(r, "gflops"), p = num(r, "pct_peak");
        return Double.isNaN(g) ? "—" : x(g, g >= 10 ? "%.0f" : g >= 1 ? "%.1f" : "%.2f") + " (" + x(p, p >= 10 ? "%.0f" : p >= 1 ? "%.1f" : "%.2f") + " %)";
    }

    private static String runs(Map<String, String> r) { return r == null ? "—" : r.get("runs"); }

    private static String phases(Map<String, String> r) {
        if (r == null) return "—";
        StringBuilder sb = new StringBuilder(t(r, "load_ns")).append(" (");
        String[] ps = r.getOrDefault("load_phases", "").split(",");
        for (int i = 0; i < ps.length; i++) {
            String[] kv = ps[i].split("=");
            if (kv.length != 2) continue;
            sb.append(i > 0 ? " + " : "").append(kv[0]).append(' ').append(Stats.time(Double.parseDouble(kv[1])));
        }
        return sb.append(')').toString();
    }

    private static String mb(Map<String, String> r, String col) {
        double kb = num(r, col);
        return Double.isNaN(kb) || kb < 0 ? "—" : String.format(Locale.ROOT, "%.0f MB", kb / 1024);
    }

    /** The markdown tables. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("### Latency, 1 thread, head to head\n\n");
        sb.append("| model | ge4j median | ge4j p90 | runs | ORT median | ORT p90 | runs | ratio ge4j/ORT | ge4j GFLOP/s (% peak) | ORT GFLOP/s (% peak) | outputs agree | load avg (start → end) |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|---|\n");
        for (String m : models) {
            Map<String, String> g = row(m, "ge4j", 1), o = row(m, "ort", 1);
            if (g == null && o == null) continue;
            Map<String, String> any = g != null ? g : o;
            sb.append("| ").append(m).append(" | ").append(t(g, "median_ns")).append(" | ").append(t(g, "p90_ns")).append(" | ").append(runs(g))
                    .append(" | ").append(t(o, "median_ns")).append(" | ").append(t(o, "p90_ns")).append(" | ").append(runs(o))
                    .append(" | ").append(x(ratio(m, 1), "%.2f")).append(" | ").append(gflops(g)).append(" | ").append(gflops(o))
                    .append(" | ").append(g == null ? "—" : g.getOrDefault("agree", "")).append(" | ")
                    .append(any.get("loadavg_start")).append(" → ").append(any.get("loadavg_end")).append(" |\n");
        }
        sb.append("\nGeomean of the 1-thread ratios: ").append(x(geomeanRatio(1), "%.2f")).append(".\n\n");

        sb.append("### Latency, 2 threads, and scaling from 1 to 2 threads\n\n");
        sb.append("| model | ge4j median | ge4j p90 | ORT median | ORT p90 | ratio ge4j/ORT | ge4j scaling | ORT scaling | load avg (start → end) |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (String m : models) {
            Map<String, String> g = row(m, "ge4j", 2), o = row(m, "ort", 2);
            if (g == null && o == null) continue;
            Map<String, String> any = g != null ? g : o;
            sb.append("| ").append(m).append(" | ").append(t(g, "median_ns")).append(" | ").append(t(g, "p90_ns"))
                    .append(" | ").append(t(o, "median_ns")).append(" | ").append(t(o, "p90_ns"))
                    .append(" | ").append(x(ratio(m, 2), "%.2f")).append(" | ").append(x(scaling(m, "ge4j"), "%.2f×"))
                    .append(" | ").append(x(scaling(m, "ort"), "%.2f×")).append(" | ")
                    .append(any.get("loadavg_start")).append(" → ").append(any.get("loadavg_end")).append(" |\n");
        }

        sb.append("\n### Load and first result, in one process (1-thread run)\n\n");
        sb.append("| model | ge4j load | ge4j first run | ge4j first result | ge4j steady at run | ORT load | ORT first run | ORT first result | first result ge4j/ORT |\n");
        sb.append("|---|---|---:|---:|---:|---|---:|---:|---:|\n");
        for (String m : models) {
            Map<String, String> g = row(m, "ge4j", 1), o = row(m, "ort", 1);
            if (g == null && o == null) continue;
            sb.append("| ").append(m).append(" | ").append(phases(g)).append(" | ").append(t(g, "first_run_ns")).append(" | ").append(t(g, "first_result_ns"))
                    .append(" | ").append(g == null ? "—" : steady(g.get("steady_after"))).append(" | ").append(phases(o)).append(" | ").append(t(o, "first_run_ns"))
                    .append(" | ").append(t(o, "first_result_ns")).append(" | ")
                    .append(x(num(g, "first_result_ns") / num(o, "first_result_ns"), "%.2f")).append(" |\n");
        }

        sb.append("\n### Cold start and peak RSS: a fresh JVM per engine (1 thread)\n\n");
        sb.append("| model | ge4j process start → first result | ORT process start → first result | ratio | ge4j peak RSS | ORT peak RSS | ratio |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (String m : models) {
            Map<String, String> g = row(m, "ge4j", 1), o = row(m, "ort", 1);
            if (Double.isNaN(num(g, "cold_first_result_ns")) && Double.isNaN(num(o, "cold_first_result_ns"))) continue;
            sb.append("| ").append(m).append(" | ").append(t(g, "cold_first_result_ns")).append(" | ").append(t(o, "cold_first_result_ns"))
                    .append(" | ").append(x(num(g, "cold_first_result_ns") / num(o, "cold_first_result_ns"), "%.2f"))
                    .append(" | ").append(mb(g, "cold_hwm_peak_kb")).append(" | ").append(mb(o, "cold_hwm_peak_kb"))
                    .append(" | ").append(x(num(g, "cold_hwm_peak_kb") / num(o, "cold_hwm_peak_kb"), "%.2f")).append(" |\n");
        }

        if (rows.keySet().stream().anyMatch(k -> k.contains("|ge4j.om|"))) {
            sb.append("\n### Compiled model (.om): load and first result in a fresh JVM (1 thread)\n\n");
            sb.append("ge4j loads a `.om` compiled beforehand (`--om`); ORT creates its session from the `.onnx` (its cold numbers from the table above).\n\n");
            sb.append("| model | .om load (in process) | .om first run | ge4j .om process start → first result | ORT process start → first result | ratio | ge4j .om peak RSS | ORT peak RSS | ratio |\n");
            sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (String m : models) {
                Map<String, String> g = row(m, "ge4j.om", 1), o = row(m, "ort", 1);
                if (g == null) continue;
                sb.append("| ").append(m).append(" | ").append(t(g, "load_ns")).append(" | ").append(t(g, "first_run_ns"))
                        .append(" | ").append(t(g, "cold_first_result_ns")).append(" | ").append(t(o, "cold_first_result_ns"))
                        .append(" | ").append(x(num(g, "cold_first_result_ns") / num(o, "cold_first_result_ns"), "%.2f"))
                        .append(" | ").append(mb(g, "cold_hwm_peak_kb")).append(" | ").append(mb(o, "cold_hwm_peak_kb"))
                        .append(" | ").append(x(num(g, "cold_hwm_peak_kb") / num(o, "cold_hwm_peak_kb"), "%.2f")).append(" |\n");
            }
        }

        sb.append("\n### Weight bandwidth (4 bytes per stored weight element / median)\n\n");
        sb.append("| model | threads | ge4j GB/s | ORT GB/s |\n|---|---:|---:|---:|\n");
        for (String m : models) {
            if (!m.startsWith("mlp")) continue;
            for (int th = 1; th <= 2; th++) {
                Map<String, String> g = row(m, "ge4j", th), o = row(m, "ort", th);
                if (g == null && o == null) continue;
                sb.append("| ").append(m).append(" | ").append(th).append(" | ").append(x(num(g, "weight_gbs"), "%.2f")).append(" | ")
                        .append(x(num(o, "weight_gbs"), "%.1f")).append(" |\n");
            }
        }

        sb.append("\n### Commands\n\n");
        Set<String> seen = new LinkedHashSet<>();
        for (Map<String, String> r : rows.values()) {
            String c = r.getOrDefault("command", "");
            if (!c.isEmpty() && seen.add(c)) sb.append("- `").append(c.startsWith("ge4j ") ? "./" + c : c).append("` (").append(r.get("date")).append(")\n");
        }
        return sb.toString();
    }

    private static String steady(String v) {
        if (v == null || v.isEmpty()) return "—";
        return v.startsWith("-") ? "later" : v;
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: BenchTable RESULTS.tsv...");
            System.exit(64);
        }
        List<Map<String, String>> all = new ArrayList<>();
        for (String a : args) all.addAll(read(Path.of(a)));
        System.out.print(new BenchTable(all).markdown());
    }
}
