package org.ge4j.parser.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.ge4j.ir.Graph;
import org.junit.jupiter.api.Test;

/** Every model of the ONNX backend test data on this machine parses (skipped when the data is absent). */
class ConformanceModelsParseTest {
    static final Path DATA = Path.of("/usr/include/onnx/backend/test/data");

    @Test void everyConformanceModelParses() throws IOException {
        assumeTrue(Files.isDirectory(DATA), "ONNX test data not installed (apt-get install libonnx-testdata)");
        OnnxParser parser = new OnnxParser();
        List<String> failures = new ArrayList<>();
        int count = 0;
        try (Stream<Path> s = Files.walk(DATA.toRealPath(), 3)) {
            for (Path m : s.filter(p -> p.getFileName().toString().equals("model.onnx")).sorted().toList()) {
                count++;
                try {
                    Graph g = parser.parse(m);
                    assertThat(g.outputs()).isNotEmpty();
                } catch (RuntimeException e) {
                    failures.add(m.getParent().getFileName() + ": " + e.getMessage());
                }
            }
        }
        assertThat(count).isGreaterThan(1000);
        assertThat(failures).isEmpty();
    }
}
