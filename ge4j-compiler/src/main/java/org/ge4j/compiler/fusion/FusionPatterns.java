package org.ge4j.compiler.fusion;

import java.util.List;
import org.ge4j.compiler.pattern.Pattern;

/**
 * The built-in fusion patterns (the {@code fusion} pass), by benefit: attention (100), attention-heads (95), layer-norm (50),
 * gelu-erf and gelu-tanh (40), conv-bn (30), conv-activation (20), matmul-add and matmul-activation (10),
 * gather-pushdown (5).
 * Higher benefits run first over the whole graph, so larger patterns claim their ops before smaller ones.
 */
public final class FusionPatterns {
    private FusionPatterns() {}

    public static List<Pattern> all() {
        return List.of(new AttentionFusion(), new AttentionHeadsFusion(), new LayerNormFusion(), GeluFusion.erf(), GeluFusion.tanh(), new ConvBatchNormFolding(),
                new ConvActivationFusion(), new MatMulAddFusion(), new MatMulActivationFusion(), new GatherPushdown());
    }
}
