package org.ge4j.compiler.pass;

import java.util.List;
import org.ge4j.ir.Graph;

/**
 * A hook observing the pass manager: timing, counters and IR dumps are instruments switched on by an
 * option, never prints inside passes. Every method has an empty default.
 */
public interface PassInstrument {
    /** One run of one pass: its position in the run, name, enclosing fixed-point group (or null) and iteration. */
    record PassRun(int index, String pass, String group, int iteration) {
        /** {@code 007-cse} style label for file names and listings. */
        public String label() { return String.format("%03d-%s", index, pass); }
    }

    default void beforePipeline(Graph graph, List<String> pipeline) {}

    default void beforePass(PassRun run, Graph graph) {}

    default void afterPass(PassRun run, Graph graph, boolean changed, long nanos) {}

    default void afterPipeline(Graph graph) {}
}
