package org.ge4j.compiler.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.ge4j.ir.DataType;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.api.GraphBuilder;
import org.junit.jupiter.api.Test;

class TaskCostTest {
    private static Tensor zeros(long... shape) { return Tensor.allocate(DataType.FLOAT, shape); }

    @Test
    void convolutionsPlainAndBlockedCountTheSameMultiplyAdds() {
        GraphBuilder b = GraphBuilder.create("c").opset(17).opset(Node.GE4J_DOMAIN, 1);
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 64, 56, 56);
        OutDataAnchor w = b.constant("w", zeros(64, 64, 3, 3));
        OutDataAnchor plain = b.conv(x, w, null, 1, 1, 1);
        OutDataAnchor xb = b.input("xb", DataType.FLOAT, 1, 4, 56, 56, 16);
        OutDataAnchor blocked = b.op(Node.GE4J_DOMAIN, "BlockedConv").in(xb, w).attr("block", 16L).attr("pads", 1L, 1L, 1L, 1L).call1();
        OutDataAnchor stem = b.op(Node.GE4J_DOMAIN, "BlockedConv").in(b.input("rgb", DataType.FLOAT, 1, 3, 224, 224), b.constant("w7", zeros(64, 3, 7, 7)))
                .attr("block", 16L).attr("input_blocked", 0L).attr("strides", 2L, 2L).attr("pads", 3L, 3L, 3L, 3L).call1();
        new GraphInference(OpRegistry.global(), true).infer(b.graph());
        double macs = 64.0 * 56 * 56 * 64 * 9;
        assertThat(TaskCost.flops(plain.node())).isEqualTo(2 * macs);
        assertThat(TaskCost.flops(blocked.node())).isEqualTo(2 * macs);
        assertThat(TaskCost.flops(stem.node())).isEqualTo(2.0 * 64 * 112 * 112 * 3 * 49);
        // a pool is not a contraction
        assertThat(TaskCost.flops(b.maxPool(plain, 2, 2).node())).isZero();
    }
}
