package org.ge4j.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ge4j.bench.BenchResults.ColdResult;
import org.ge4j.bench.BenchResults.EngineResult;
import org.ge4j.bench.BenchResults.ResolvedModel;
import org.ge4j.ir.Tensor;

/**
 * Runs one benchmark: resolves the model and its inputs, measures cold starts in fresh JVMs when asked,
 * then loads every engine in this process, times the first run, checks the engines agree, warms each up
 * and times them alternating (see {@link Bencher}).
 */
public final class Benchmark {
    private final BenchConfig config;
    private final PrintStream log;

    public Benchmark(BenchConfig config, PrintStream log) {
        this.config = config;
        this.log = log;
    }

    /** Finds the model: an existing file (listed in its directory's manifest or not), else a manifest name. */
    public static ResolvedModel resolve(String model, Path modelsDir) throws IOException {
        Path f = Path.of(model);
        if (Files.isRegularFile(f)) {
            BenchModels.Model m = BenchModels.forFile(f);
            String name = f.getFileName().toString().replaceFirst("\\.(onnx|om)$", "");
            if (m == null) return new ResolvedModel(name, f, List.of(), 0, 0);
            return new ResolvedModel(m.name(), f, m.inputs(), m.flops(), m.storedElems());
        }
        BenchModels.Model m = BenchModels.find(modelsDir, model);
        if (m == null) {
            String known = "";
            if (BenchModels.available(modelsDir)) known = " (models in " + modelsDir + ": " + BenchModels.all(modelsDir).stream().map(BenchModels.Model::name).toList() + ")";
            else known = " (no manifest.tsv in " + modelsDir + ": run scripts/export-bench-models.sh, or give a file)";
            throw new IllegalArgumentException("model '" + model + "' is neither a file nor a benchmark model" + known);
        }
        if (!Files.isRegularFile(m.file())) throw new IllegalArgumentException("model '" + model + "': file " + m.file() + " is missing");
        return new ResolvedModel(m.name(), m.file(), m.inputs(), m.flops(), m.storedElems());
    }

    /**
     * The inputs to feed: the explicit specs, else the manifest's, else the model's declared inputs with
     * an unknown first dim as the batch; then the batch size applied to the first dim when it is not 1.
     */
    static List<BenchModels.InputSpec> inputSpecs(List<BenchModels.InputSpec> explicit, List<BenchModels.InputSpec> manifest,
                                                  List<BenchModels.InputSpec> declared, int batch) {
        List<BenchModels.InputSpec> specs = new ArrayList<>();
        if (!explicit.isEmpty()) specs.addAll(explicit);
        else if (!manifest.isEmpty()) specs.addAll(manifest);
        else {
            for (BenchModels.InputSpec d : declared) {
                long[] s = d.shape().clone();
                for (int i = 0; i < s.length; i++) {
                    if (s[i] >= 0) continue;
                    if (i == 0) s[i] = 1;
                    else throw new IllegalArgumentException("input '" + d.name() + "' has an unknown dim " + i
                            + ": give its shape with --input " + d.name() + ":dtype:d0xd1...");
                }
                specs.add(d.withShape(s));
            }
        }
        if (batch == 1) return specs;
        List<BenchModels.InputSpec> b = new ArrayList<>();
        for (BenchModels.InputSpec s : specs) {
            for (BenchModels.InputSpec d : declared) {
                if (d.name().equals(s.name()) && d.shape().length > 0 && d.shape()[0] >= 0 && d.shape()[0] != batch)
                    throw new IllegalArgumentException("--batch " + batch + ": input '" + d.name() + "' has a fixed first dim of "
                            + d.shape()[0] + "; use a model with a dynamic batch dim (e.g. resnet50_dyn)");
            }
            b.add(s.withBatch(batch));
        }
        return b;
    }

    Engine engine(String name, Path file, Path om) {
        return switch (name) {
            case "ge4j" -> (om != null ? Ge4jEngine.om(om) : Ge4jEngine.onnx(file, config.level(), config.switches())).withWarmUp(config.warmUpAtLoad());
            case "ort" -> new OrtEngine(file, config.threads(), config.ortSpinning());
            default -> throw new IllegalArgumentException("unknown engine '" + name + "'");
        };
    }

    /** Runs the benchmark; progress goes to the log stream. */
    public BenchReport run() throws Exception {
        ResolvedModel model = resolve(config.model(), config.modelsDir());
        Path om = config.omFile(), tempOm = null;
        if (config.om() && om == null && config.engines().contains("ge4j")) {
            tempOm = om = Files.createTempFile("ge4j-bench-" + model.name() + "-", ".om");
            log.printf("ge4j: compiling %s to %s (untimed)%n", model.file(), om);
            long t = System.nanoTime();
            long bytes = Ge4jEngine.compileToOm(model.file(), config.level(), config.switches(), om);
            log.printf("ge4j: .om of %.1f MB written in %s%n", bytes / 1e6, Stats.time(System.nanoTime() - t));
        }
        try {
            return run(model, om);
        } finally {
            if (tempOm != null) Files.deleteIfExists(tempOm);
        }
    }

    private BenchReport run(ResolvedModel model, Path om) throws Exception {
        MachineInfo machine = MachineInfo.capture();
        List<ColdResult> cold = new ArrayList<>();
        List<BenchModels.InputSpec> specs = null;
        if (config.cold()) {
            specs = coldInputSpecs(model);
            cold = new ColdRunner(config, log).run(model, specs, om);
        }
        List<Engine> engines = new ArrayList<>();
        List<EngineResult> results = new ArrayList<>();
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        OutputCheck.Result firstCheck = null, check = null;
        Profiler.Summary profile = null;
        try {
            List<List<Engine.Phase>> loads = new ArrayList<>();
            for (String name : config.engines()) {
                Engine e = engine(name, model.file(), om);
                engines.add(e);
                log.printf("%s: loading %s%n", name, model.file());
                loads.add(e.load());
            }
            if (specs == null) specs = inputSpecs(config.inputs(), model.manifestInputs(), engines.get(0).declaredInputs(), config.batch());
            for (BenchModels.InputSpec s : specs) inputs.put(s.name(), s.random(config.seed()));
            long[] first = new long[engines.size()];
            for (int i = 0; i < engines.size(); i++) {
                Engine e = engines.get(i);
                e.bind(inputs);
                first[i] = Bencher.time(e::run);
                log.printf("%s: loaded in %s, first run %s%n", e.name(), Stats.time(loads.get(i).stream().mapToLong(Engine.Phase::nanos).sum()), Stats.time(first[i]));
            }
            if (engines.size() > 1) firstCheck = OutputCheck.compare(engines.get(0).outputs(), engines.get(1).outputs(), config.rtol(), config.atol());
            List<long[]> warm = new ArrayList<>();
            for (int i = 0; i < engines.size(); i++) {
                log.printf("%s: warming up%n", engines.get(i).name());
                warm.add(Bencher.warmUp(engines.get(i)::run, config.plan(), first[i]));
            }
            log.printf("timing %s%n", engines.size() > 1 ? "(alternating)" : "");
            List<Bencher.Runner> runners = new ArrayList<>();
            for (Engine e : engines) runners.add(e::run);
            Profiler profiler = config.profile() == null ? null : Profiler.start();
            long[][] samples = Bencher.timed(runners, config.plan());
            if (profiler != null) {
                try (profiler) {
                    profiler.stop(config.profile());
                }
                profile = Profiler.summarize(config.profile());
            }
            if (engines.size() > 1) check = OutputCheck.compare(engines.get(0).outputs(), engines.get(1).outputs(), config.rtol(), config.atol());
            for (int i = 0; i < engines.size(); i++)
                results.add(new EngineResult(engines.get(i).name(), engines.get(i).describe(), loads.get(i), first[i], warm.get(i), samples[i]));
        } finally {
            for (Engine e : engines) e.close();
            inputs.values().forEach(Tensor::close);
        }
        return new BenchReport(config, model, specs, machine, MachineInfo.currentLoadAverage(), results, cold, firstCheck, check, profile);
    }

    /** Cold children need explicit inputs; without a manifest or --input, read them off the model once. */
    private List<BenchModels.InputSpec> coldInputSpecs(ResolvedModel model) throws Exception {
        if (!config.inputs().isEmpty() || (!model.manifestInputs().isEmpty() && config.batch() == 1))
            return inputSpecs(config.inputs(), model.manifestInputs(), List.of(), config.batch());
        try (OrtEngine probe = new OrtEngine(model.file(), 1, OrtEngine.Spinning.OFF)) {
            probe.load();
            return inputSpecs(config.inputs(), model.manifestInputs(), probe.declaredInputs(), config.batch());
        }
    }
}
