package org.ge4j.ops.fused;

import org.ge4j.ops.OpLibrary;
import org.ge4j.ops.OpRegistry;

/**
 * The fused ops of the {@code ge4j} domain, made by the compiler's fusion patterns: FusedConv,
 * FusedMatMul, LayerNormalization, Gelu, Attention (schemas, inference, reference kernels).
 */
public final class FusedOps implements OpLibrary {
    @Override public String name() { return "ge4j-fused"; }

    @Override public void register(OpRegistry r) {
        FusedConvOp.register(r);
        FusedMatMulOp.register(r);
        LayerNormOp.register(r);
        GeluOp.register(r);
        AttentionOp.register(r);
    }
}
