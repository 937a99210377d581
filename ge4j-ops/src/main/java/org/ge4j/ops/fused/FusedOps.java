package org.ge4j.ops.fused;

import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.PartedOpLibrary;

/**
 * The fused ops of the {@code ge4j} domain, made by the compiler's fusion patterns: FusedConv,
 * FusedMatMul, LayerNormalization, Gelu, Attention (schemas, inference, reference kernels).
 */
public final class FusedOps extends PartedOpLibrary {
    @Override public String name() { return "ge4j-fused"; }

    @Override public int parts() { return 5; }

    @Override public void register(OpRegistry r, int part) {
        switch (part) {
            case 0 -> FusedConvOp.register(r);
            case 1 -> FusedMatMulOp.register(r);
            case 2 -> LayerNormOp.register(r);
            case 3 -> GeluOp.register(r);
            case 4 -> AttentionOp.register(r);
            default -> throw new IllegalArgumentException("part " + part + " of 5");
        }
    }
}
