package org.ge4j.ops.autofuse;

import org.ge4j.ir.Node;
import org.ge4j.ops.OpLibrary;
import org.ge4j.ops.OpRegistry;

/**
 * The op library of automatic fusion: {@code ge4j::FusedElementwise} (schema, inference, the reference
 * kernel that interprets the program) and its kernel compiler, which generates bytecode per program.
 */
public final class AutofuseOps implements OpLibrary {
    @Override public String name() { return "ge4j-autofuse"; }

    @Override public void register(OpRegistry r) {
        FusedElementwiseOp.register(r);
        r.registerCompiler(OpRegistry.VECTOR, Node.GE4J_DOMAIN, FusedElementwiseOp.TYPE, new FusedElementwiseCompiler());
    }
}
