package org.ge4j.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Graph;
import org.ge4j.ir.text.GraphTextParser;

/**
 * Reads model files into graphs for {@link CompiledModel#compile(Path, CompileOptions)}: ONNX through the
 * ONNX parser (an optional dependency: the class touching it, {@link OnnxFrontEnd}, is loaded only here,
 * so loading and running a {@code .om} never needs {@code ge4j-parser}), and ge4j's IR text form
 * ({@code .ge4j}).
 */
final class ModelImport {
    private ModelImport() {}

    static Graph importModel(Path model) {
        if (!Files.isRegularFile(model)) throw new Ge4jException(model + ": no such file");
        String name = model.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".ge4j")) {
            try {
                return GraphTextParser.parse(Files.readString(model));
            } catch (java.io.IOException e) {
                throw new Ge4jException(model + ": cannot read it: " + e.getMessage());
            }
        }
        if (!name.endsWith(".onnx") && !name.endsWith(".pb"))
            throw new Ge4jException(model + ": unknown model format (expected .onnx, or .ge4j for the IR text form)");
        try {
            return OnnxFrontEnd.parse(model);
        } catch (NoClassDefFoundError e) {
            throw new Ge4jException(model + ": compiling an ONNX model needs the ONNX parser (module ge4j-parser) on the class path");
        }
    }
}
