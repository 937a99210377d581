package org.ge4j.ops.packed;

import org.ge4j.ir.Node;
import org.ge4j.ops.OpLibrary;
import org.ge4j.ops.OpRegistry;

/** The packed-weights ops: {@code ge4j::PackedMatMul} (schema, reference kernel, vector kernel compiler). */
public final class PackedOps implements OpLibrary {
    @Override public String name() { return "ge4j-packed"; }

    @Override public void register(OpRegistry r) {
        PackedMatMulOp.register(r);
        r.registerCompiler(OpRegistry.VECTOR, Node.GE4J_DOMAIN, PackedMatMulOp.TYPE, PackedGemmKernel::compile);
    }
}
