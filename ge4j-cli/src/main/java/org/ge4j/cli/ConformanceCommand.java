package org.ge4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.parser.conformance.ConformanceReport;
import org.ge4j.parser.conformance.ConformanceRunner;
import org.ge4j.parser.conformance.TestStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Runs the ONNX backend conformance tests with the reference interpreter. */
@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = {"Run the ONNX backend conformance tests (libonnx-testdata) with the reference interpreter.",
                "Ends with the line 'conformance: passed N of M'."})
public final class ConformanceCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR",
            description = "The backend/test/data directory (default: from 'dpkg -L libonnx-testdata', else /usr/include/onnx/backend/test/data).")
    Path data;

    @Option(names = "--suite", paramLabel = "NAME", split = ",",
            description = "Suites to run, repeatable or comma-separated (default: node, pytorch-converted, pytorch-operator, simple).")
    List<String> suites = new ArrayList<>();

    @Option(names = "--filter", paramLabel = "REGEX", description = "Only tests whose name (or suite/name) contains a match.")
    String filter;

    @Option(names = "--tsv", paramLabel = "FILE", description = "Write suite, test, status, reason per test to FILE.")
    Path tsv;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60", description = "Time limit per test (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", defaultValue = "1", description = "Tests run at once (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--infer", description = "Run shape inference on each model first; an inference error, or an inferred output type or shape that contradicts the computed one, fails the test.")
    boolean infer;

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = "interpreter",
            description = "interpreter (the reference interpreter on the parsed graph) or compiled (the compiler at --oo_level, then the executor). Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--oo_level", paramLabel = "LEVEL", defaultValue = "O3", description = "Optimisation level for --engine compiled: O0..O3 (default: ${DEFAULT-VALUE}).")
    String ooLevel;

    @Option(names = {"--optimization_switch", "--optimization-switch"}, paramLabel = "SWITCHES",
            description = "Pass switches for --engine compiled, as for compile: e.g. \"layout:off\" (the NCHWc layout pass).")
    String switches;

    @Option(names = {"-v", "--verbose"}, description = "Print every failing test and a per-op failure summary.")
    boolean verbose;

    @Override public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = data != null ? data : ConformanceRunner.locateData();
        if (dir == null)
            throw new ParameterException(spec.commandLine(), "ONNX test data not found: install it (apt-get install libonnx-testdata) or pass --data DIR");
        Pattern p = null;
        if (filter != null) {
            try {
                p = Pattern.compile(filter);
            } catch (PatternSyntaxException e) {
                throw new ParameterException(spec.commandLine(), "--filter: not a valid regular expression: " + e.getDescription());
            }
        }
        if (timeoutSeconds < 1) throw new ParameterException(spec.commandLine(), "--timeout must be at least 1 second");
        if (jobs < 1) throw new ParameterException(spec.commandLine(), "--jobs must be at least 1");
        ConformanceRunner.Options o = ConformanceRunner.Options.defaults(dir)
                .withSuites(suites.isEmpty() ? ConformanceRunner.DEFAULT_SUITES : suites)
                .withFilter(p).withTimeout(Duration.ofSeconds(timeoutSeconds)).withJobs(jobs).withInferShapes(infer);
        ConformanceRunner.Engine eng = switch (engine) {
            case "interpreter" -> ConformanceRunner.INTERPRETER;
            case "compiled" -> {
                org.ge4j.compiler.OptLevel level;
                try {
                    level = org.ge4j.compiler.OptLevel.valueOf(ooLevel.toUpperCase(java.util.Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "--oo_level must be one of O0, O1, O2, O3, got '" + ooLevel + "'");
                }
                try {
                    CompilerOptions.parseSwitches(switches);
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "--optimization_switch: " + e.getMessage());
                }
                yield new CompiledEngine(level, switches);
            }
            default -> throw new ParameterException(spec.commandLine(), "--engine must be 'interpreter' or 'compiled', got '" + engine + "'");
        };
        ConformanceRunner runner = new ConformanceRunner(o, org.ge4j.ops.OpRegistry.global(), eng);
        ConformanceReport report = runner.run(r -> {
            if (verbose && r.status() != TestStatus.PASS) {
                out.println(r.status() + " " + r.test().id() + ": " + r.reason());
                out.flush();
            }
        });
        if (tsv != null) report.writeTsv(tsv);
        if (verbose) {
            Map<String, int[]> byOp = report.failuresByOp();
            if (!byOp.isEmpty()) {
                out.println("failing tests by op (failing/tests using the op):");
                for (Map.Entry<String, int[]> e : byOp.entrySet()) out.printf("  %-32s %d/%d%n", e.getKey(), e.getValue()[0], e.getValue()[1]);
            }
            out.printf("errors %d, failures %d, time %.1f s%n", report.count(TestStatus.ERROR), report.count(TestStatus.FAIL), report.millis() / 1000.0);
        }
        for (Map.Entry<String, int[]> e : report.bySuite().entrySet())
            out.println("  " + e.getKey() + ": passed " + e.getValue()[0] + " of " + e.getValue()[1]);
        if (CompiledEngine.CONTRADICTING_INPUTS.get() > 0)
            out.println("  note: " + CompiledEngine.CONTRADICTING_INPUTS.get() + " test data sets contradict their model's declared input shapes;"
                    + " the executor rejects such inputs, so they ran the compiled graph on the interpreter");
        out.println(report.summaryLine());
        out.flush();
        return 0;
    }
}
