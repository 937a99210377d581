package org.ge4j.ops.blocked;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.Node;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.util.NodeRunner;
import org.junit.jupiter.api.Test;

/** The blocked-layout ops' reference kernels and inference, against values computed by hand. */
class BlockedOpsTest {
    private static final NodeRunner RUN = new NodeRunner(OpRegistry.global());

    private static Tensor run(String type, Map<String, Attr> attrs, Value... inputs) {
        return (Tensor) RUN.run(Node.GE4J_DOMAIN, type, 1, attrs, java.util.Arrays.asList(inputs), 1).get(0);
    }

    private static Map<String, Attr> attrs(Object... kv) {
        Map<String, Attr> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2)
            m.put((String) kv[i], switch (kv[i + 1]) {
                case Long l -> new Attr.Int(l);
                case Integer l -> new Attr.Int(l);
                case long[] l -> new Attr.Ints(l);
                case String s -> new Attr.Str(s);
                default -> throw new IllegalArgumentException();
            });
        return m;
    }

    @Test
    void reordersPadTheLastBlockWithZerosAndRoundTrip() {
        // X [1, 3, 1, 2]: channel c, position p holds 10c + p
        Tensor x = Tensor.of(new float[] {0, 1, 10, 11, 20, 21}, 1, 3, 1, 2);
        Tensor b = run(BlockedOps.TO_BLOCKED, attrs("block", 2), x);
        assertThat(b.shape()).containsExactly(1, 2, 1, 2, 2);
        assertThat(b.toFloatArray()).containsExactly(0, 10, 1, 11, 20, 0, 21, 0);
        Tensor back = run(BlockedOps.FROM_BLOCKED, attrs("block", 2, "channels", 3), b);
        assertThat(back.shape()).containsExactly(1, 3, 1, 2);
        assertThat(back.toFloatArray()).containsExactly(x.toFloatArray());
    }

    @Test
    void convOnBlockedTensorsComputesThePlainConvolution() {
        // 1x1 conv, C = 3 -> M = 2, block 2: y[m, p] = sum_c W[m, c] x[c, p] + B[m] + Z[m, p], then Relu
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 1, 3, 1, 2);
        Tensor w = Tensor.of(new float[] {1, 0, -1, 0.5f, 0.5f, 0.5f}, 2, 3, 1, 1);
        Tensor bias = Tensor.of(new float[] {1, -10}, 2);
        Tensor z = Blocking.block(Tensor.of(new float[] {0, 100, 0, 0}, 1, 2, 1, 2), 2);
        Tensor y = run(BlockedOps.CONV, attrs("block", 2, "activation", "Relu", "has_residual", 1), Blocking.block(x, 2), w, bias, z);
        // m0: (1 - 5) + 1 = -3 -> 0, (2 - 6) + 1 + 100 = 97; m1: (1+3+5)/2 - 10 = -5.5 -> 0, (2+4+6)/2 - 10 = -4 -> 0
        assertThat(y.shape()).containsExactly(1, 1, 1, 2, 2);
        assertThat(y.toFloatArray()).containsExactly(0, 0, 97, 0);
        // the same convolution reading the plain input
        Tensor y2 = run(BlockedOps.CONV, attrs("block", 2, "activation", "Relu", "has_residual", 1, "input_blocked", 0), x, w, bias, z);
        assertThat(y2.toFloatArray()).containsExactly(y.toFloatArray());
    }

    @Test
    void depthwiseConvAndPoolsKeepPaddingLanesZero() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, -1, -2, -3, -4, 5, 6, 7, 8}, 1, 3, 2, 2);
        Tensor w = Tensor.of(new float[] {1, 2, 3}, 3, 1, 1, 1);
        Tensor y = run(BlockedOps.CONV, attrs("block", 4, "group", 3), Blocking.block(x, 4), w);
        assertThat(Blocking.unblock(y, 3).toFloatArray()).containsExactly(1, 2, 3, 4, -2, -4, -6, -8, 15, 18, 21, 24);
        assertThat(y.toFloatArray()[3]).isZero();
        Tensor mp = run(BlockedOps.MAX_POOL, attrs("block", 4, "kernel_shape", new long[] {2, 2}), Blocking.block(x, 4));
        assertThat(mp.shape()).containsExactly(1, 1, 1, 1, 4);
        assertThat(mp.toFloatArray()).containsExactly(4, -1, 8, 0);
        Tensor gap = run(BlockedOps.GLOBAL_AVERAGE_POOL, attrs("block", 4), Blocking.block(x, 4));
        assertThat(gap.toFloatArray()).containsExactly(2.5f, -2.5f, 6.5f, 0);
    }

    @Test
    void badInputsNameTheNodeAndWhatWasExpected() {
        Tensor x = Blocking.block(Tensor.of(new float[12], 1, 3, 2, 2), 4);
        assertThatThrownBy(() -> run(BlockedOps.CONV, attrs("block", 2), x, Tensor.of(new float[3], 1, 3, 1, 1)))
                .isInstanceOf(OpException.class).hasMessageContaining("block size 2");
        assertThatThrownBy(() -> run(BlockedOps.CONV, attrs("block", 4, "group", 2), x, Tensor.of(new float[4], 2, 2, 1, 1)))
                .isInstanceOf(OpException.class).hasMessageContaining("depthwise");
        assertThatThrownBy(() -> run(BlockedOps.CONV, attrs("block", 4), x, Tensor.of(new float[40], 2, 20, 1, 1)))
                .isInstanceOf(OpException.class).hasMessageContaining("blocks");
        assertThatThrownBy(() -> run(BlockedOps.FROM_BLOCKED, attrs("block", 4, "channels", 9), x))
                .isInstanceOf(OpException.class).hasMessageContaining("'channels' = 9");
        assertThatThrownBy(() -> run(BlockedOps.TO_BLOCKED, attrs("block", 0), Tensor.of(new float[12], 1, 3, 2, 2)))
                .isInstanceOf(OpException.class).hasMessageContaining("'block' must be");
    }
}
