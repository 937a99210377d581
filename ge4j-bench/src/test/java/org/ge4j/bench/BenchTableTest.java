package org.ge4j.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchTableTest {
    private static Map<String, String> row(String model, String engine, int threads, long medianNs, String... more) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("date", "2026-01-01T00:00:00Z");
        r.put("model", model);
        r.put("engine", engine);
        r.put("threads", Integer.toString(threads));
        r.put("median_ns", Long.toString(medianNs));
        r.put("p90_ns", Long.toString(medianNs + 1000));
        r.put("runs", "50");
        r.put("loadavg_start", "1.0 1.0 1.0");
        r.put("loadavg_end", "1.1 1.0 1.0");
        r.put("command", "ge4j bench " + model + " --vs-ort --threads " + threads);
        for (int i = 0; i < more.length; i += 2) r.put(more[i], more[i + 1]);
        return r;
    }

    private static final List<Map<String, String>> ROWS = List.of(
            row("a", "ge4j", 1, 20_000_000, "cold_first_result_ns", "1000000000", "cold_hwm_peak_kb", "204800", "load_ns", "300000000",
                    "load_phases", "parse=100000000,compile=150000000,plan=50000000", "first_run_ns", "50000000", "first_result_ns", "350000000"),
            row("a", "ort", 1, 10_000_000, "cold_first_result_ns", "500000000", "cold_hwm_peak_kb", "102400"),
            row("a", "ge4j", 2, 10_000_000),
            row("a", "ort", 2, 8_000_000),
            row("b", "ge4j", 1, 5_000_000),
            row("b", "ort", 1, 10_000_000),
            row("a", "ge4j", 1, 30_000_000)); // an older measurement of the same key

    @Test
    void ratiosScalingAndGeomean() {
        // the last row for (a, ge4j, 1) wins
        BenchTable t = new BenchTable(List.of(ROWS.get(6), ROWS.get(0), ROWS.get(1), ROWS.get(2), ROWS.get(3), ROWS.get(4), ROWS.get(5)));
        assertThat(t.ratio("a", 1)).isCloseTo(2.0, within(1e-12));
        assertThat(t.ratio("b", 1)).isCloseTo(0.5, within(1e-12));
        assertThat(t.ratio("a", 2)).isCloseTo(1.25, within(1e-12));
        assertThat(t.scaling("a", "ge4j")).isCloseTo(2.0, within(1e-12));
        assertThat(t.scaling("a", "ort")).isCloseTo(1.25, within(1e-12));
        assertThat(t.geomeanRatio(1)).isCloseTo(1.0, within(1e-12)); // sqrt(2 * 0.5)
        assertThat(t.ratio("b", 2)).isNaN();
    }

    @Test
    void markdownHasEveryTable() {
        String md = new BenchTable(ROWS.subList(0, 6)).markdown();
        assertThat(md).contains("| a | 20.0 ms | 20.0 ms | 50 | 10.0 ms | 10.0 ms | 50 | 2.00 |");
        assertThat(md).contains("Geomean of the 1-thread ratios: 1.00");
        assertThat(md).contains("| a | 10.0 ms | 10.0 ms | 8.00 ms | 8.00 ms | 1.25 | 2.00× | 1.25× |");
        assertThat(md).contains("300 ms (parse 100 ms + compile 150 ms + plan 50.0 ms)");
        assertThat(md).contains("| a | 1.00 s | 500 ms | 2.00 | 200 MB | 100 MB | 2.00 |");
        assertThat(md).contains("- `./ge4j bench a --vs-ort --threads 1`");
    }

    @Test
    void omRowsGetTheirOwnTable() {
        List<Map<String, String>> rows = new java.util.ArrayList<>(ROWS.subList(0, 6));
        rows.add(row("a", "ge4j.om", 1, 20_000_000, "load_ns", "40000000", "first_run_ns", "60000000", "cold_first_result_ns", "250000000",
                "cold_hwm_peak_kb", "51200"));
        BenchTable t = new BenchTable(rows);
        assertThat(t.ratio("a", 1)).isCloseTo(2.0, within(1e-12)); // the .om row is not the ge4j row
        assertThat(t.markdown()).contains("### Compiled model (.om)").contains("| a | 40.0 ms | 60.0 ms | 250 ms | 500 ms | 0.50 | 50 MB | 100 MB | 0.50 |");
        assertThat(new BenchTable(ROWS).markdown()).doesNotContain("Compiled model (.om)");
    }

    @Test
    void readsTheTsvItWritesIncludingRepeatedHeaders(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("r.tsv");
        String head = String.join("\t", BenchReport.COLUMNS);
        String line = String.join("\t", BenchReport.COLUMNS.stream().map(c -> switch (c) {
            case "model" -> "m";
            case "engine" -> "ort";
            case "threads" -> "1";
            case "median_ns" -> "123";
            default -> "";
        }).toList());
        Files.writeString(f, head + "\n" + line + "\n" + head + "\n" + line + "\n");
        List<Map<String, String>> rows = BenchTable.read(f);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).containsEntry("model", "m").containsEntry("median_ns", "123");
    }
}
