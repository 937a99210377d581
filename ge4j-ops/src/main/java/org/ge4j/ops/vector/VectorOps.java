package org.ge4j.ops.vector;

import org.ge4j.ir.Node;
import org.ge4j.ops.OpLibrary;
import org.ge4j.ops.OpRegistry;

/**
 * The fast kernels of ge4j: Vector API kernels compiled per node for static float shapes, registered as
 * {@link org.ge4j.ops.exec.KernelCompiler}s under the {@link OpRegistry#VECTOR} provider. Each compiler
 * declines (returns null) what it does not cover, and the executor falls back to the reference kernel.
 */
public final class VectorOps implements OpLibrary {
    @Override public String name() { return "ge4j-vector"; }

    @Override public void register(OpRegistry r) {
        String v = OpRegistry.VECTOR, ge = Node.GE4J_DOMAIN;
        r.registerCompiler(v, "", "MatMul", MatMulCompilers::matMul);
        r.registerCompiler(v, "", "Gemm", MatMulCompilers::gemm);
        r.registerCompiler(v, ge, "FusedMatMul", MatMulCompilers::fusedMatMul);
        r.registerCompiler(v, "", "Conv", ConvCompilers::conv);
        r.registerCompiler(v, ge, "FusedConv", ConvCompilers::fusedConv);
    }
}
