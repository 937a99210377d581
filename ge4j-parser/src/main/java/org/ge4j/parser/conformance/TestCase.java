package org.ge4j.parser.conformance;

import java.nio.file.Path;

/** One ONNX backend test: a directory holding {@code model.onnx} and {@code test_data_set_*} directories. */
public record TestCase(String suite, String name, Path dir) {
    /** {@code suite/name}. */
    public String id() { return suite + "/" + name; }
}
