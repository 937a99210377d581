package org.ge4j.ops.onnx.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.tensor.T.*;

import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class PadOpTest {
    private static Tensor pad1d(String mode, long[] pads) {
        return run("Pad", 13, attrs("mode", mode), f32(new float[] {1, 2, 3}), i64(pads));
    }

    @Test void constantWithValue() {
        Tensor out = run("Pad", 13, Map.of(), f32(new float[] {1, 2, 3, 4}, 2, 2), i64(new long[] {0, 1, 0, 1}), f32(new float[] {9}, new long[0]));
        assertThat(out.shape()).containsExactly(2, 4);
        assertThat(out.toFloatArray()).containsExactly(9, 1, 2, 9, 9, 3, 4, 9);
        Tensor rows = run("Pad", 11, Map.of(), f32(new float[] {1, 2, 3, 4}, 2, 2), i64(new long[] {1, 0, 0, 0}));
        assertThat(rows.toFloatArray()).containsExactly(0, 0, 1, 2, 3, 4);
    }

    @Test void reflectEdgeWrap() {
        assertThat(pad1d("reflect", new long[] {2, 2}).toFloatArray()).containsExactly(3, 2, 1, 2, 3, 2, 1);
        assertThat(pad1d("edge", new long[] {1, 2}).toFloatArray()).containsExactly(1, 1, 2, 3, 3, 3);
        assertThat(pad1d("wrap", new long[] {2, 1}).toFloatArray()).containsExactly(2, 3, 1, 2, 3, 1);
    }

    @Test void negativePadsCrop() {
        assertThat(run("Pad", 13, Map.of(), iotaF(4), i64(new long[] {-1, 1})).toFloatArray()).containsExactly(1, 2, 3, 0);
        assertThat(run("Pad", 13, attrs("mode", "edge"), iotaF(4), i64(new long[] {-1, 1})).toFloatArray()).containsExactly(1, 2, 3, 3);
    }

    @Test void opset2AttributesAndOpset18Axes() {
        Tensor v2 = run("Pad", 2, attrs("pads", new long[] {1, 0}, "value", 5f), f32(new float[] {1, 2}));
        assertThat(v2.toFloatArray()).containsExactly(5, 1, 2);
        Tensor v1 = run("Pad", 1, attrs("paddings", new long[] {0, 1}, "mode", "edge"), f32(new float[] {1, 2}));
        assertThat(v1.toFloatArray()).containsExactly(1, 2, 2);
        Tensor v18 = run("Pad", 18, Map.of(), f32(new float[] {1, 2, 3, 4}, 2, 2), i64(new long[] {1, 1}), null, i64(new long[] {-1}));
        assertThat(v18.shape()).containsExactly(2, 4);
        assertThat(v18.toFloatArray()).containsExactly(0, 1, 2, 0, 0, 3, 4, 0);
    }

    @Test void stringsBoolsAndExactInt64() {
        Tensor s = run("Pad", 13, Map.of(), str(new String[] {"a"}), i64(new long[] {1, 1}));
        assertThat(s.toStringArray()).containsExactly("", "a", "");
        Tensor s2 = run("Pad", 13, Map.of(), str(new String[] {"a"}), i64(new long[] {1, 0}), str(new String[] {"z"}, new long[0]));
        assertThat(s2.toStringArray()).containsExactly("z", "a");
        Tensor b = run("Pad", 13, attrs("mode", "reflect"), bool(new boolean[] {true, false}), i64(new long[] {1, 1}));
        assertThat(b.toBooleanArray()).containsExactly(false, true, false, true);
        long big = (1L << 62) + 1;
        Tensor l = run("Pad", 13, Map.of(), i64(new long[] {3}), i64(new long[] {0, 1}), i64(new long[] {big}, new long[0]));
        assertThat(l.toLongArray()).containsExactly(3, big);
    }

    @Test void errors() {
        assertThatThrownBy(() -> pad1d("mirror", new long[] {1, 1})).isInstanceOf(OpException.class).hasMessageContaining("'mirror'");
        assertThatThrownBy(() -> pad1d("constant", new long[] {1})).isInstanceOf(OpException.class).hasMessageContaining("2 entries per padded axis");
        assertThatThrownBy(() -> pad1d("constant", new long[] {-2, -2})).isInstanceOf(OpException.class).hasMessageContaining("negative size");
    }

    @Test void inference() {
        T.G g = new T.G(13);
        assertThat(g.infer("Pad", Map.of(), g.input(DataType.FLOAT, "N", 3), g.constant(i64(new long[] {0, 1, 0, 1}))).shape())
                .isEqualTo(Shape.of("N", 5L));
        T.G g2 = new T.G(13);
        assertThat(g2.infer("Pad", Map.of(), g2.input(DataType.FLOAT, "N", 3), g2.input(DataType.INT64, 4)).shape()).isEqualTo(Shape.of("?", "?"));
    }
}
