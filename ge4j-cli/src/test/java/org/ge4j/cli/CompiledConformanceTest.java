package org.ge4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.ge4j.compiler.OptLevel;
import org.ge4j.ops.OpRegistry;
import org.ge4j.parser.conformance.ConformanceReport;
import org.ge4j.parser.conformance.ConformanceRunner;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The compiler never loses a conformance test: the whole suite through the O3 pipeline and the executor
 * passes at least the ratchet count the reference interpreter holds (ge4j-parser's baseline).
 */
class CompiledConformanceTest {
    @Test
    void o3PipelinePassesAtLeastTheInterpreterBaseline() throws Exception {
        Path data = ConformanceRunner.locateData();
        Assumptions.assumeTrue(data != null, "ONNX test data not installed (apt-get install libonnx-testdata)");
        Path baselineFile = Path.of("..", "ge4j-parser", "src", "test", "resources", "conformance-baseline.txt");
        int baseline = Integer.parseInt(Files.readString(baselineFile).trim());
        ConformanceRunner.Options o = ConformanceRunner.Options.defaults(data).withTimeout(Duration.ofSeconds(120)).withJobs(2);
        long t0 = System.nanoTime();
        ConformanceReport r = new ConformanceRunner(o, OpRegistry.global(), new CompiledEngine(OptLevel.O3)).run(x -> {});
        System.out.printf("compiled O3: %s (%.1f s)%n", r.summaryLine(), (System.nanoTime() - t0) / 1e9);
        assertThat(r.passed()).as("tests passed with the O3 pipeline").isGreaterThanOrEqualTo(baseline);
    }
}
