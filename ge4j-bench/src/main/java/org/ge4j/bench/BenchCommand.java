package org.ge4j.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.ge4j.compiler.OptLevel;
import org.ge4j.runtime.WarmUp;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ge4j bench MODEL}: latency (median, p90, mean, min) after warm-up, throughput at a batch size,
 * load and first-result times, and with {@code --vs-ort} the same side by side with ONNX Runtime,
 * alternating in one process, ending with {@code ratio ge4j/ort: R}. Exit code 2 when the engines'
 * outputs disagree.
 */
@Command(name = "ge4j bench", mixinStandardHelpOptions = true, version = "ge4j bench 0.1.0", sortOptions = false,
        description = "Benchmark a model with ge4j, and with --vs-ort side by side with ONNX Runtime 1.29 (same inputs, same threads, "
                + "alternating in one process). MODEL is an .onnx file or the name of a model of the benchmark manifest "
                + "(scripts/export-bench-models.sh). The last line with --vs-ort is 'ratio ge4j/ort: R' (ge4j median / ORT median). "
                + "An option given twice takes its last value.")
public final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "an .onnx file, or a model name of the manifest (resnet50, bert_like, ...)")
    String model;

    @Option(names = "--vs-ort", description = "also run ONNX Runtime, alternating with ge4j, and compare outputs and medians")
    boolean vsOrt;

    @Option(names = "--engine", paramLabel = "NAME", description = "the engine to run alone: ge4j (default) or ort")
    String engine = "ge4j";

    @Option(names = "--threads", paramLabel = "N", description = "threads for each engine (ge4j: -Dge4j.threads; ORT: intra-op threads); default ${DEFAULT-VALUE}")
    int threads = 1;

    @Option(names = "--runs", paramLabel = "N", description = "timed runs per engine; default ${DEFAULT-VALUE}")
    int runs = 50;

    @Option(names = "--min-runs", paramLabel = "N", description = "timed runs per engine at least, even past --max-time; default ${DEFAULT-VALUE}")
    int minRuns = 5;

    @Option(names = "--max-time", paramLabel = "SECONDS", description = "time budget of the timed runs; default ${DEFAULT-VALUE}")
    double maxTime = 60;

    @Option(names = "--warmup", paramLabel = "N", description = "warm-up runs per engine; default ${DEFAULT-VALUE}")
    int warmup = 20;

    @Option(names = "--warmup-min-time", paramLabel = "SECONDS", description = "warm each engine up for at least this long, first run included (C2 needs seconds to compile a model's kernels, more on a busy machine); default ${DEFAULT-VALUE}")
    double warmupMinTime = 10;

    @Option(names = "--warmup-time", paramLabel = "SECONDS", description = "time cap of each engine's warm-up; default ${DEFAULT-VALUE}")
    double warmupTime = 20;

    @Option(names = "--no-until-stable", negatable = true, description = "after --warmup runs, keep warming up while the median still improves by > 3 %% (default: on)")
    boolean untilStable = true;

    @Option(names = "--block", paramLabel = "K", description = "runs per engine per alternation block; default ${DEFAULT-VALUE}")
    int block = 5;

    @Option(names = "--settle", paramLabel = "MS", description = "with --vs-ort: sleep this long (untimed) before each engine's block, so ORT's spinning workers are idle when ge4j's block starts; default ${DEFAULT-VALUE}")
    int settle = 0;

    @Option(names = "--batch", paramLabel = "B", description = "batch size (sets the first dim of every input; needs a dynamic batch dim when > 1); default ${DEFAULT-VALUE}")
    int batch = 1;

    @Option(names = "--input", paramLabel = "SPEC", description = "an input as name:dtype:d0xd1[:lo:hi] (repeatable); default: from the manifest or the model")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--models-dir", paramLabel = "DIR", description = "where the manifest and models are; default: -Dge4j.benchModels, $GE4J_BENCH_MODELS or .cache/bench-models")
    Path modelsDir;

    @Option(names = "--level", paramLabel = "O0..O3", description = "ge4j's optimisation level; default ${DEFAULT-VALUE}")
    String level = "O3";

    @Option(names = {"--optimization_switch", "--optimization-switch"}, paramLabel = "SWITCHES",
            description = "ge4j's optimisation switches, as for compile: e.g. \"layout:off\" (the NCHWc layout pass)")
    String switches;

    @Option(names = "--ort-spinning", paramLabel = "on|always|off",
            description = "how ORT's intra-op threads wait for work: on = spin during ORT's runs and stop when a run returns "
                    + "(session.force_spinning_stop=1, so ORT's idle workers do not hold a core during ge4j's turn); always = ORT's default "
                    + "(also spin for a while after each run); off = never spin; default ${DEFAULT-VALUE}")
    String ortSpinning = "on";

    @Option(names = "--om", description = "ge4j loads a .om compiled from MODEL beforehand (untimed), as a deployment would; load = .om load")
    boolean om;

    @Option(names = "--om-file", paramLabel = "FILE", description = "with --om: this .om (compiled from MODEL) instead of compiling one")
    Path omFile;

    @Option(names = "--warmup-at-load", paramLabel = "off|background|blocking",
            description = "ge4j's kernel warm-up at load; default: the runtime's (off when compiling an .onnx, background when loading a .om)")
    String warmUpAtLoad;

    @Option(names = "--profile", paramLabel = "FILE.jfr", description = "record the timed runs with JFR into this file and print the hottest methods and kernels")
    Path profile;

    @Option(names = "--cold", description = "also measure cold starts: a fresh JVM per engine (process start to first result, peak RSS)")
    boolean cold;

    @Option(names = "--cold-repeats", paramLabel = "N", description = "fresh JVMs per engine in --cold; medians; default ${DEFAULT-VALUE}")
    int coldRepeats = 3;

    @Option(names = "--cold-runs", paramLabel = "N", description = "runs after the first in each cold JVM before reading peak RSS; default ${DEFAULT-VALUE}")
    int coldRuns = 10;

    @Option(names = "--tsv", paramLabel = "FILE", description = "append one row per engine to this TSV file (for scripts/bench-all.sh)")
    Path tsv;

    @Option(names = "--seed", paramLabel = "N", description = "seed of the random inputs; default ${DEFAULT-VALUE}")
    long seed = 42;

    @Option(names = "--rtol", description = "relative tolerance when comparing outputs; default ${DEFAULT-VALUE}")
    double rtol = 1e-3;

    @Option(names = "--atol", description = "absolute tolerance when comparing outputs; default ${DEFAULT-VALUE}")
    double atol = 1e-4;

    @Option(names = "--peak-gflops", paramLabel = "G", description = "FP32 peak of one core, GFLOP/s, for '%% peak'; default: measured (an FMA-throughput probe, 0.3 s)")
    double peakGflops = 0;

    @Spec
    CommandSpec spec;

    @Option(names = "--cold-child", hidden = true, paramLabel = "ENGINE")
    String coldChild;

    private final List<String> args = new ArrayList<>();
    PrintStream out = System.out;
    PrintStream err = System.err;

    /** Checks the options and builds the configuration; IllegalArgumentException names the bad option. */
    BenchConfig config() {
        List<String> engines;
        if (vsOrt) engines = List.of("ge4j", "ort");
        else if (engine.equals("ge4j") || engine.equals("ort")) engines = List.of(engine);
        else throw new IllegalArgumentException("--engine must be ge4j or ort, got '" + engine + "'");
        List<BenchModels.InputSpec> specs = new ArrayList<>();
        for (String s : inputs) specs.add(BenchModels.InputSpec.parse(s));
        OrtEngine.Spinning spin = OrtEngine.Spinning.parse(ortSpinning);
        Bencher.Plan plan = new Bencher.Plan(warmup, warmupMinTime, warmupTime, untilStable, runs, Math.min(minRuns, runs), maxTime, block, settle);
        return new BenchConfig(model, modelsDir == null ? BenchModels.dir() : modelsDir, engines, specs, threads, batch, plan,
                OptLevel.parse(level), checkedSwitches(), spin, cold, coldRepeats, coldRuns, tsv, seed, rtol, atol, peakGflops, om || omFile != null, omFile, profile, warmUpAtLoad == null ? null : WarmUp.parse(warmUpAtLoad),
                "ge4j bench " + String.join(" ", commandArgs(args)));
    }

    private String checkedSwitches() {
        try {
            org.ge4j.compiler.CompilerOptions.parseSwitches(switches);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--optimization_switch: " + e.getMessage(), e);
        }
        return switches;
    }

    /** The arguments that decide the numbers: all but {@code --tsv FILE} (where rows go). */
    static List<String> commandArgs(List<String> args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--tsv")) { i++; continue; }
            if (a.startsWith("--tsv=")) continue;
            out.add(a);
        }
        return out;
    }

    @Override public Integer call() throws Exception {
        BenchConfig c;
        try {
            c = config();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        // before any kernel class reads it
        System.setProperty("ge4j.threads", Integer.toString(c.threads()));
        if (coldChild != null) {
            ColdRunner.child(c, coldChild, out);
            return 0;
        }
        if (c.peakGflops() == 0) c = c.withPeakGflops(PeakProbe.measure());
        BenchReport r = new Benchmark(c, err).run();
        if (c.tsv() != null) r.appendTsv(c.tsv(), BenchReport.now());
        r.print(out);
        out.flush();
        return r.agree() ? 0 : 2;
    }

    /** A command line for these arguments, with ge4j's error handling (message, no stack trace unless GE4J_DEBUG). */
    static CommandLine commandLine(BenchCommand cmd, String... args) {
        cmd.args.clear();
        cmd.args.addAll(List.of(args));
        return new CommandLine(cmd).setOverwrittenOptionsAllowed(true).setExecutionExceptionHandler((ex, line, parsed) -> {
            line.getErr().println("ge4j bench: " + ex.getMessage());
            if (System.getenv("GE4J_DEBUG") != null) ex.printStackTrace(line.getErr());
            return 1;
        });
    }

    public static void main(String[] args) {
        BenchCommand cmd = new BenchCommand();
        System.exit(commandLine(cmd, args).execute(args));
    }
}
