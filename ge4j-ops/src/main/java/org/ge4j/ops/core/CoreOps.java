package org.ge4j.ops.core;

import org.ge4j.ir.Node;
import org.ge4j.ops.DataTypes;
import org.ge4j.ops.OpLibrary;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;

/** ge4j's own ops: the graph-input placeholder {@code ge4j::Data}. */
public final class CoreOps implements OpLibrary {
    @Override public String name() { return "ge4j-core"; }

    @Override public void register(OpRegistry r) {
        r.register(OpSchema.builder(Node.GE4J_DOMAIN, Node.DATA, 1)
                .doc("A graph input; its output is the value the caller feeds.")
                .output("output", "T").types("T", DataTypes.ALL).attr("index", 0L).build());
    }
}
