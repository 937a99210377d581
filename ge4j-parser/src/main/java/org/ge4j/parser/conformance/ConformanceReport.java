package org.ge4j.parser.conformance;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The results of a conformance run, in test order, with summaries and a TSV writer. */
public record ConformanceReport(List<TestResult> results, long millis) {
    public ConformanceReport {
        results = List.copyOf(results);
    }

    public int total() { return results.size(); }

    public int passed() { return count(TestStatus.PASS); }

    public int count(TestStatus s) {
        int n = 0;
        for (TestResult r : results) if (r.status() == s) n++;
        return n;
    }

    /** The closing line of a run: {@code conformance: passed N of M}. */
    public String summaryLine() { return "conformance: passed " + passed() + " of " + total(); }

    /** Passed and total per suite, in the order suites first appear. */
    public Map<String, int[]> bySuite() {
        Map<String, int[]> m = new LinkedHashMap<>();
        for (TestResult r : results) {
            int[] c = m.computeIfAbsent(r.test().suite(), k -> new int[2]);
            if (r.passed()) c[0]++;
            c[1]++;
        }
        return m;
    }

    /** Per op type: {failing tests, tests} over the tests whose model uses it; ops with failures only. */
    public Map<String, int[]> failuresByOp() {
        Map<String, int[]> all = new TreeMap<>();
        for (TestResult r : results)
            for (String op : r.ops()) {
                int[] c = all.computeIfAbsent(op, k -> new int[2]);
                if (!r.passed()) c[0]++;
                c[1]++;
            }
        Map<String, int[]> m = new LinkedHashMap<>();
        List<Map.Entry<String, int[]>> l = new ArrayList<>(all.entrySet());
        l.sort((a, b) -> a.getValue()[0] != b.getValue()[0] ? b.getValue()[0] - a.getValue()[0] : a.getKey().compareTo(b.getKey()));
        for (Map.Entry<String, int[]> e : l) if (e.getValue()[0] > 0) m.put(e.getKey(), e.getValue());
        return m;
    }

    /** Writes {@code suite, test, status, reason} per test, tab-separated, after a header line. */
    public void writeTsv(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("suite\ttest\tstatus\treason\n");
            for (TestResult r : results)
                w.write(r.test().suite() + "\t" + r.test().name() + "\t" + r.status() + "\t" + r.reason() + "\n");
        }
    }
}
