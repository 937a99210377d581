package org.ge4j.compiler.pass;

import org.ge4j.ir.Graph;
import org.ge4j.ir.GraphVerifier;
import org.ge4j.ir.Node;
import org.ge4j.ir.NodeChecker;
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.SchemaChecker;

/**
 * The invariants checked between passes: the IR's {@link GraphVerifier} (acyclic, anchors consistent,
 * scopes, unique value names, subgraph ownership, sane descriptions) plus a {@link NodeChecker} checking
 * every node against its schema in the op registry (op known, arity, attributes, type constraints).
 */
public final class GraphCheck {
    private final NodeChecker schemas;

    public GraphCheck(OpRegistry registry) { this.schemas = schemaChecker(registry); }

    /** A node checker backed by {@link SchemaChecker}: reports unknown ops and schema violations. */
    public static NodeChecker schemaChecker(OpRegistry registry) {
        return (Node n, java.util.function.Consumer<String> problems) -> {
            if (n.isData()) return;
            OpSchema s = registry.schemaFor(n);
            if (s == null) {
                problems.accept(GraphInference.unknownOp(n).getMessage());
                return;
            }
            try {
                SchemaChecker.check(n, s);
            } catch (RuntimeException e) {
                problems.accept(e.getMessage());
            }
        };
    }

    /** Throws a {@link org.ge4j.ir.VerificationException} listing every problem found. */
    public void check(Graph g) { GraphVerifier.verify(g, schemas); }
}
