package org.ge4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ge4j.compiler.OptLevel;
import org.ge4j.compiler.om.ModelDefinition.Gear;
import org.ge4j.ir.Ge4jException;
import org.ge4j.runtime.CompileListener;
import org.ge4j.runtime.CompileOptions;
import org.ge4j.runtime.CompiledModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ge4j compile}: the offline model compiler, with atc's options. */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = {"Compile a model into a .om file (offline, like atc).",
                "Example: ge4j compile --model=bert.onnx --framework=5 --output=bert --input_shape=\"ids:-1,-1\" --dynamic_dims=\"1,128;2,256\""})
public final class CompileCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model to compile (ONNX).")
    Path model;

    @Option(names = "--framework", paramLabel = "N", defaultValue = "5", description = "The model's framework: 5 = ONNX (default), the only one supported.")
    int framework;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "The .om file to write (.om is appended when missing).")
    String output;

    @Option(names = {"--input_shape", "--input-shape"}, paramLabel = "SHAPES",
            description = "Input shapes, e.g. \"x:1,3,224,224\" or \"ids:-1,-1;mask:-1,-1\" (-1 = dynamic).")
    String inputShape;

    @Option(names = {"--dynamic_batch_size", "--dynamic-batch-size"}, paramLabel = "SIZES",
            description = "Gears for the -1 (batch) dims, e.g. \"1,2,4,8\": one pre-planned variant per batch size.")
    String dynamicBatchSize;

    @Option(names = {"--dynamic_dims", "--dynamic-dims"}, paramLabel = "GEARS",
            description = "Gears for all -1 dims in input-shape order, e.g. \"1,128;2,256\".")
    String dynamicDims;

    @Option(names = {"--optimization_switch", "--optimization-switch"}, paramLabel = "SWITCHES",
            description = "Passes or patterns switched on or off, e.g. \"cse:off;fusion:on\".")
    String switches;

    @Option(names = "--streams", paramLabel = "N",
            description = "The most streams (lanes) a plan may use to run independent branches at once (default 2; 1 = one stream, like --optimization_switch \"streams:off\"). Streams are used only where the estimated gain is worth it.")
    Integer streams;

    @Option(names = {"--oo_level", "--oo-level"}, paramLabel = "LEVEL", defaultValue = "O3", description = "Optimisation level O0..O3 (default: ${DEFAULT-VALUE}).")
    String level;

    @Option(names = "--log", paramLabel = "LEVEL", defaultValue = "info", description = "debug, info (default), warning or error.")
    String log;

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        LogLevel logLevel = LogLevel.parse(log);
        if (framework != 5)
            throw new Ge4jException("--framework " + framework + " is not supported: ge4j compiles ONNX models (--framework=5)");
        if (!Files.isRegularFile(model)) throw new Ge4jException(model + ": no such file");
        Path om = Path.of(output.toLowerCase(Locale.ROOT).endsWith(".om") ? output : output + ".om");
        Progress progress = new Progress(err, System.console() != null && System.console().isTerminal() && logLevel.shows(LogLevel.INFO));
        CompileOptions.Builder b = CompileOptions.builder().optLevel(OptLevel.parse(level)).optSwitches(switches).optInputShape(inputShape);
        if (dynamicBatchSize != null) b.optDynamicBatchSize(dynamicBatchSize);
        if (dynamicDims != null) b.optDynamicDims(dynamicDims);
        if (streams != null) b.optStreams(streams);
        CompileListener listener = logLevel.shows(LogLevel.INFO) ? progress : CompileListener.NONE;
        b.optListener(listener);
        long t0 = System.nanoTime();
        long size;
        try (CompiledModel m = CompiledModel.compile(model, b.build())) {
            listener.progress("save", 0, 1, om.toString());
            size = m.save(om);
            progress.finish();
            double secs = (System.nanoTime() - t0) / 1e9;
            if (logLevel.shows(LogLevel.DEBUG)) err.print(m.report().format());
            if (logLevel.shows(LogLevel.WARNING))
                m.report().notes().forEach(n -> err.println("ge4j: warning: " + n));
            err.flush(); // the debug report ends without a newline flush when there are no notes
            out.printf(Locale.ROOT, "compiled %s -> %s (%s) in %.1f s: %s, %d -> %d nodes%n", model, om, Inspect.bytes(size), secs,
                    m.mode().name().toLowerCase(Locale.ROOT), m.report().nodesBefore(), m.report().nodesAfter());
            for (int i = 0; i < m.gears().size(); i++) {
                Gear g = m.gears().get(i);
                out.printf(Locale.ROOT, "  gear %d %s: %d tasks, arena %s (lower bound %s, naive %s), %s%n", i, g.describe(), g.plan().tasks().size(),
                        Inspect.bytes(g.plan().arenaSize()), Inspect.bytes(g.plan().memory().lowerBound()), Inspect.bytes(g.plan().memory().naiveSize()),
                        Inspect.streams(g.plan().streams()));
            }
        } finally {
            progress.finish();
        }
        return 0;
    }
}
