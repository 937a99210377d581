package org.ge4j.bench;

import java.nio.file.Path;
import java.util.List;

/** The data a benchmark produces (records only; {@link BenchReport} formats them). */
public final class BenchResults {
    private BenchResults() {}

    /**
     * The model as resolved: its name, file, and from the manifest when it is listed there its inputs
     * (else empty), FLOPs per batch-1 inference and stored weight elements (0 when unknown).
     */
    public record ResolvedModel(String name, Path file, List<BenchModels.InputSpec> manifestInputs, long flops, long storedElems) {
        public ResolvedModel {
            manifestInputs = List.copyOf(manifestInputs);
        }
    }

    /** One engine measured in process: load phases, first run, warm-up runs and timed runs (ns). */
    public record EngineResult(String engine, String config, List<Engine.Phase> load, long firstRun, long[] warmup, long[] samples) {
        public EngineResult {
            load = List.copyOf(load);
        }

        public long loadNanos() { return load.stream().mapToLong(Engine.Phase::nanos).sum(); }

        /** Load plus the first run: the time from asking for the model to holding its first result. */
        public long firstResultNanos() { return loadNanos() + firstRun; }

        public Stats stats() { return Stats.of(samples); }

        /** Runs (first run included) until one is within 10 % of the final median; -1 if none. */
        public int runsToSteady() {
            double limit = 1.10 * stats().median();
            if (firstRun <= limit) return 1;
            for (int i = 0; i < warmup.length; i++) if (warmup[i] <= limit) return i + 2;
            return -1;
        }
    }

    /**
     * One engine measured in fresh JVMs (medians over the repeats): time from spawning the process to
     * reading its first result, the JVM's own uptime then, load and first run inside it, peak RSS
     * ({@code VmHWM}) after the first result and after {@code runs} more runs, and those runs' median.
     */
    public record ColdResult(String engine, int repeats, long processToFirstResult, long uptimeAtFirstResult, long load,
                             long firstRun, long hwmFirstKb, long hwmPeakKb, long steadyMedian, int runs) {}
}
