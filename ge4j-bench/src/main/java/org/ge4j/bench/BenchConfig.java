package org.ge4j.bench;

import java.nio.file.Path;
import java.util.List;
import org.ge4j.compiler.OptLevel;
import org.ge4j.runtime.WarmUp;

/**
 * Everything one benchmark invocation is asked to do (built and validated by {@link BenchCommand}).
 *
 * @param model       a model file, or the name of a model of the manifest in {@code modelsDir}
 * @param engines     engines to measure, in order: {@code ge4j}, {@code ort} or both ({@code --vs-ort})
 * @param inputs      explicit input specs (empty: from the manifest, else from the model's declared inputs)
 * @param peakGflops  FP32 peak of one core in GFLOP/s, for "% of peak" (times {@code threads}); 0: to be measured ({@link PeakProbe})
 * @param warmUpAtLoad ge4j's kernel warm-up at load (null: the runtime's default: off when compiling, background when loading a .om)
 * @param profile     where to write a JFR recording of the timed runs (null: none)
 * @param switches    ge4j's optimisation switches ({@code compile --optimization_switch}, e.g. {@code layout:on}; null: none)
 * @param om          ge4j loads a {@code .om} (given as {@code omFile}, else compiled from the model first, untimed)
 */
public record BenchConfig(String model, Path modelsDir, List<String> engines, List<BenchModels.InputSpec> inputs,
                          int threads, int batch, Bencher.Plan plan, OptLevel level, String switches, OrtEngine.Spinning ortSpinning,
                          boolean cold, int coldRepeats, int coldRuns, Path tsv, long seed, double rtol, double atol,
                          double peakGflops, boolean om, Path omFile, Path profile, WarmUp warmUpAtLoad, String command) {
    public BenchConfig {
        engines = List.copyOf(engines);
        inputs = List.copyOf(inputs);
        if (engines.isEmpty()) throw new IllegalArgumentException("no engine to benchmark");
        for (String e : engines)
            if (!e.equals("ge4j") && !e.equals("ort")) throw new IllegalArgumentException("unknown engine '" + e + "' (ge4j or ort)");
        if (threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        if (coldRepeats < 1) throw new IllegalArgumentException("--cold-repeats must be >= 1, got " + coldRepeats);
        if (coldRuns < 0) throw new IllegalArgumentException("--cold-runs must be >= 0, got " + coldRuns);
        if (!(rtol >= 0) || !(atol >= 0)) throw new IllegalArgumentException("--rtol and --atol must be >= 0");
        if (!(peakGflops >= 0)) throw new IllegalArgumentException("--peak-gflops must be > 0 (or 0: measure it), got " + peakGflops);
    }

    /** This configuration with the per-core peak set (e.g. measured). */
    public BenchConfig withPeakGflops(double g) {
        return new BenchConfig(model, modelsDir, engines, inputs, threads, batch, plan, level, switches, ortSpinning, cold, coldRepeats, coldRuns, tsv, seed,
                rtol, atol, g, om, omFile, profile, warmUpAtLoad, command);
    }

    /** Whether both engines run side by side. */
    public boolean versus() { return engines.size() > 1; }
}
