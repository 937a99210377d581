package org.ge4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ge4j.cli.io.TensorFiles;
import org.ge4j.cli.io.TensorSummary;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Tensor;
import org.ge4j.runtime.CompiledModel;
import org.ge4j.runtime.WarmUp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ge4j run}: runs a .om (or compiles and runs an .onnx) once and summarises the outputs. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a model (.om, or .onnx compiled at O3 first) on inputs from files or seeded random inputs.",
                "Prints each output's type, shape, min/max/mean and first values."})
public final class RunCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    /** The default of --first (also {@link FastRun}'s). */
    static final String DEFAULT_FIRST = "8";

    @Parameters(index = "0", paramLabel = "MODEL", description = "A .om or an .onnx file.")
    Path model;

    @Mixin InputOptions input;

    @Option(names = "--output-dir", paramLabel = "DIR", description = "Save each output as an ONNX TensorProto <output name>.pb in DIR.")
    Path outputDir;

    @Option(names = "--first", paramLabel = "N", defaultValue = DEFAULT_FIRST, description = "How many leading values to print per output (default: ${DEFAULT-VALUE}).")
    int first;

    @Option(names = "--warmup", paramLabel = "MODE", description = {"Warm the fast kernels up at load: background (default: on a thread while the"
            + " inputs are prepared; the run waits for it), blocking, or off (the first run then runs while the JIT compiles)."})
    String warmUp;

    /** Where the output goes when no picocli spec is at hand ({@link FastRun}). */
    PrintWriter out;

    @Override public Integer call() {
        PrintWriter out = spec != null ? spec.commandLine().getOut() : this.out;
        input.check();
        long t0 = System.nanoTime();
        WarmUp mode = warmUp == null ? WarmUp.fromSystemProperty() : parseWarmUp(warmUp);
        try (CompiledModel m = CompiledModel.open(model, mode)) {
            long t1 = System.nanoTime();
            Map<String, Tensor> in = input.make(m);
            try {
                for (Map.Entry<String, Tensor> e : in.entrySet()) out.println("input  " + TensorSummary.of(e.getKey(), e.getValue(), first));
                long t2 = System.nanoTime();
                Map<String, Tensor> res = m.run(in);
                long t3 = System.nanoTime();
                try {
                    for (Map.Entry<String, Tensor> e : res.entrySet()) out.println("output " + TensorSummary.of(e.getKey(), e.getValue(), first));
                    if (outputDir != null) save(res, out);
                } finally {
                    res.values().forEach(Tensor::close);
                }
                out.printf(Locale.ROOT, "%s %.1f ms, run %.1f ms (%s%s%s)%n", model.toString().toLowerCase(Locale.ROOT).endsWith(".om") ? "load" : "load/compile",
                        (t1 - t0) / 1e6, (t3 - t2) / 1e6, m.mode().name().toLowerCase(Locale.ROOT), m.kernelCounts().isEmpty() ? "" : ", kernels " + m.kernelCounts(),
                        m.warmUpSummary().isEmpty() ? "" : "; " + m.warmUpSummary());
            } finally {
                in.values().forEach(Tensor::close);
            }
        }
        out.flush();
        return 0;
    }

    private void save(Map<String, Tensor> res, PrintWriter out) {
        try {
            Files.createDirectories(outputDir);
        } catch (IOException e) {
            throw new Ge4jException(outputDir + ": cannot create it: " + e.getMessage());
        }
        for (Map.Entry<String, Tensor> e : res.entrySet()) {
            Path f = outputDir.resolve(TensorFiles.fileName(e.getKey()) + ".pb");
            TensorFiles.writePb(e.getValue(), e.getKey(), f);
            out.println("wrote " + f);
        }
    }

    private static WarmUp parseWarmUp(String s) {
        try {
            return WarmUp.parse(s);
        } catch (IllegalArgumentException e) {
            throw new Ge4jException("--warmup: " + e.getMessage());
        }
    }
}
