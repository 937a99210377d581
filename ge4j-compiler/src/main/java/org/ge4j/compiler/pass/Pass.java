package org.ge4j.compiler.pass;

import org.ge4j.ir.Graph;

/**
 * One graph-to-graph transformation. A pass is a final class with a stable kebab-case {@link #name()}
 * (the name users switch it on or off by) and, where it has options, an options record read from
 * {@link PassContext#options()}. It runs once over the graph (and its subgraphs) and reports whether it
 * changed anything; repeating to a fixed point is the {@link PassManager}'s job, never the pass's.
 */
public interface Pass {
    /** Stable kebab-case id, e.g. {@code cse}, {@code const-fold}. */
    String name();

    /** Runs on {@code graph}; returns true when the graph changed. Errors are thrown (the driver names the pass). */
    boolean run(Graph graph, PassContext ctx);

    /** A one-line description for pipeline listings. */
    default String description() { return ""; }

    /** Kebab-case check for pass and pattern names. */
    static boolean isValidName(String name) { return name != null && name.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*"); }
}
