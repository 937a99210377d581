package org.ge4j.compiler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a compilation did: every pass run with its time and effect, node counts before and after, op
 * counts, rewrites (fusions and simplifications) applied by pattern name, and notes.
 *
 * @param level      the optimisation level
 * @param pipeline   the resolved pipeline's pass names, in order (fixed-point groups flattened)
 * @param runs       every pass run, in order
 * @param nodesBefore node count (all graphs) before the first pass
 * @param nodesAfter node count (all graphs) after the last pass
 * @param opsBefore  op counts by qualified type before
 * @param opsAfter   op counts by qualified type after
 * @param rewrites   rewrites applied, by pattern name
 * @param notes      remarks (e.g. nodes that could not be folded and why)
 * @param totalNanos wall time of the whole pipeline
 */
public record CompileReport(OptLevel level, List<String> pipeline, List<PassRun> runs, int nodesBefore, int nodesAfter,
                            Map<String, Integer> opsBefore, Map<String, Integer> opsAfter, Map<String, Integer> rewrites,
                            List<String> notes, long totalNanos) {
    /** One run of one pass. {@code group} is the fixed-point group or null; {@code iteration} counts from 1. */
    public record PassRun(String pass, String group, int iteration, boolean changed, long nanos, int nodesAfter) {}

    public CompileReport {
        pipeline = List.copyOf(pipeline);
        runs = List.copyOf(runs);
        opsBefore = Map.copyOf(opsBefore);
        opsAfter = Map.copyOf(opsAfter);
        rewrites = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rewrites));
        notes = List.copyOf(notes);
    }

    /** Total time spent in each pass (summed over its runs), in pipeline order. */
    public Map<String, Long> nanosPerPass() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (PassRun r : runs) m.merge(r.pass(), r.nanos(), Long::sum);
        return m;
    }

    /** Number of runs of {@code pass} that changed the graph. */
    public long changedRuns(String pass) { return runs.stream().filter(r -> r.pass().equals(pass) && r.changed()).count(); }

    /** How many times pattern {@code name} was applied. */
    public int rewrites(String name) { return rewrites.getOrDefault(name, 0); }

    /** Count of nodes of {@code qualifiedType} after compilation. */
    public int opsAfter(String qualifiedType) { return opsAfter.getOrDefault(qualifiedType, 0); }

    /** A human-readable summary: level, node counts, time per pass, rewrites. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("optimisation level %s: %d nodes -> %d nodes in %.1f ms%n", level, nodesBefore, nodesAfter, totalNanos / 1e6));
        sb.append("passes (time, runs that changed the graph / runs):\n");
        Map<String, Integer> count = new LinkedHashMap<>();
        for (PassRun r : runs) count.merge(r.pass(), 1, Integer::sum);
        nanosPerPass().forEach((p, ns) -> sb.append(String.format("  %-16s %9.2f ms  %d/%d%n", p, ns / 1e6, changedRuns(p), count.get(p))));
        if (!rewrites.isEmpty()) {
            sb.append("rewrites:\n");
            rewrites.forEach((p, n) -> sb.append(String.format("  %-24s %d%n", p, n)));
        }
        if (!notes.isEmpty()) {
            sb.append("notes:\n");
            for (String n : notes) sb.append("  ").append(n).append('\n');
        }
        return sb.toString();
    }

    @Override public String toString() { return format(); }
}
