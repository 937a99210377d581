package org.ge4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ge4j.cli.io.ModelInputs;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Tensor;
import org.ge4j.runtime.CompiledModel;
import org.ge4j.runtime.ShapeSpecs;
import picocli.CommandLine.Option;

/** The options that say what a command runs a model on: input files, else seeded random inputs (a picocli mixin). */
final class InputOptions {
    /** The defaults of --seed and --int-range (also {@link FastRun}'s). */
    static final String DEFAULT_SEED = "42", DEFAULT_INT_RANGE = "0,10";

    @Option(names = "--input", paramLabel = "NAME=FILE", description = "An input from a .npy or an ONNX TensorProto .pb file (repeatable); the others are random.")
    List<String> inputs = new ArrayList<>();

    @Option(names = {"--input-shape", "--input_shape"}, paramLabel = "SHAPES", description = "Shapes of random inputs with dynamic dims, e.g. \"ids:2,64\".")
    String inputShape;

    @Option(names = "--seed", paramLabel = "N", defaultValue = DEFAULT_SEED, description = "Seed of the random inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--int-range", paramLabel = "LO,HI", defaultValue = DEFAULT_INT_RANGE, description = "Range [LO, HI) of random integer inputs (default: ${DEFAULT-VALUE}).")
    String intRange;

    /** The model's inputs by name (owned by the caller): read from the files given, the others random. */
    Map<String, Tensor> make(CompiledModel m) {
        long[] range = range(intRange);
        return ModelInputs.make(m.inputs(), m.gears(), ModelInputs.parseFiles(inputs), ShapeSpecs.parseInputShape(inputShape), seed, range[0], range[1]);
    }

    /** Checks the options that need no model (before a slow load). */
    void check() { range(intRange); }

    static long[] range(String s) {
        String[] p = s.split(",");
        try {
            long[] r = {Long.parseLong(p[0].trim()), Long.parseLong(p[1].trim())};
            if (p.length != 2 || r[1] <= r[0]) throw new NumberFormatException();
            return r;
        } catch (RuntimeException e) {
            throw new Ge4jException("--int-range '" + s + "' must read LO,HI with LO < HI");
        }
    }
}
