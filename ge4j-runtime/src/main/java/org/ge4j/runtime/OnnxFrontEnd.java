package org.ge4j.runtime;

import java.nio.file.Path;
import org.ge4j.ir.Graph;
import org.ge4j.parser.onnx.OnnxParser;

/** The only runtime class that touches the ONNX parser (an optional dependency of this module). */
final class OnnxFrontEnd {
    private OnnxFrontEnd() {}

    static Graph parse(Path model) { return new OnnxParser().parse(model); }
}
