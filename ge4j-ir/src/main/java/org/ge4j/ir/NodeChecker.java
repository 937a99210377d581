package org.ge4j.ir;

import java.util.function.Consumer;

/**
 * A per-node check plugged into {@link GraphVerifier#verify(Graph, NodeChecker)}, typically implemented by the
 * op library to check each node against its schema (required inputs connected, input types agreeing with
 * the type constraints, attributes, output kinds). The IR does not know schemas; this is its door to them.
 */
@FunctionalInterface
public interface NodeChecker {
    /**
     * Reports every problem with {@code node} to {@code problems}, one message each, naming the port or
     * attribute at fault. A {@link RuntimeException} thrown instead is reported as one problem.
     */
    void check(Node node, Consumer<String> problems);
}
