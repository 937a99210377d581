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

/**
 * Every model of the ONNX backend test data on this machine parses, and its IR prints and parses back to an
 * equal graph (skipped when the data is absent).
 */
class ConformanceModelsParseTest {
    static final Path DATA = Path.of("/usr/include/onnx/backend/test/data");

    @Test void everyConformanceModelParsesAndRoundTripsThroughTheTextForm() throws IOException {
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
                    // the IR text form round-trips every model (subgraphs, every dtype and attribute kind)
                    String text = org.ge4j.ir.text.GraphPrinter.print(g);
                    List<String> diff = org.ge4j.ir.text.GraphEquality.diff(g, org.ge4j.ir.text.GraphTextParser.parse(text));
                    if (!diff.isEmpty()) failures.add(m.getParent().getFileName() + ": text round trip differs: " + diff.subList(0, Math.min(3, diff.size())));
                } catch (RuntimeException e) {
                    failures.add(m.getParent().getFileName() + ": " + e.getMessage());
                }
            }
        }
        assertThat(count).isGreaterThan(1000);
        assertThat(failures).isEmpty();
    }
}
