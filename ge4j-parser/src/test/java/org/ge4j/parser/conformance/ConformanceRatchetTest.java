package org.ge4j.parser.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ratchet: the whole ONNX conformance suite must pass at least as many tests as
 * {@code conformance-baseline.txt} says (the coordinator raises the number as ops land). Skipped when the
 * test data is not installed.
 */
class ConformanceRatchetTest {
    @Test void passCountDoesNotDropBelowTheBaseline() throws IOException {
        Path data = ConformanceRunner.locateData();
        assumeTrue(data != null, "ONNX test data not installed (apt-get install libonnx-testdata)");
        int baseline;
        try (InputStream in = getClass().getResourceAsStream("/conformance-baseline.txt")) {
            assertThat(in).as("conformance-baseline.txt on the test class path").isNotNull();
            baseline = Integer.parseInt(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
        }
        ConformanceRunner.Options o = ConformanceRunner.Options.defaults(data).withJobs(2).withTimeout(Duration.ofSeconds(60));
        ConformanceReport r = new ConformanceRunner(o).run(null);
        for (Map.Entry<String, int[]> e : r.bySuite().entrySet())
            System.out.println("  " + e.getKey() + ": passed " + e.getValue()[0] + " of " + e.getValue()[1]);
        System.out.printf("%s (baseline %d, %.1f s)%n", r.summaryLine(), baseline, r.millis() / 1000.0);
        if (r.passed() < baseline)
            r.results().stream().filter(t -> !t.passed()).limit(200)
                    .forEach(t -> System.out.println(t.status() + " " + t.test().id() + ": " + t.reason()));
        assertThat(r.total()).as("tests found in " + data).isPositive();
        assertThat(r.passed()).as("conformance tests passed (baseline in conformance-baseline.txt)").isGreaterThanOrEqualTo(baseline);
    }
}
