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

class SliceOpTest {
    private static final long BIG = Long.MAX_VALUE, SMALL = Long.MIN_VALUE;

    // x = iota(3, 4): [[0,1,2,3],[4,5,6,7],[8,9,10,11]]
    private static Tensor slice(long[] starts, long[] ends, long[] axes, long[] steps) {
        return run("Slice", 13, Map.of(), iotaF(3, 4), i64(starts), i64(ends), axes == null ? null : i64(axes), steps == null ? null : i64(steps));
    }

    @Test void basicSlices() {
        Tensor a = slice(new long[] {0, 1}, new long[] {2, 3}, null, null);
        assertThat(a.shape()).containsExactly(2, 2);
        assertThat(a.toFloatArray()).containsExactly(1, 2, 5, 6);
        assertThat(slice(new long[] {0}, new long[] {4}, new long[] {1}, new long[] {2}).toFloatArray()).containsExactly(0, 2, 4, 6, 8, 10);
        assertThat(slice(new long[] {-2}, new long[] {BIG}, new long[] {-2}, null).toFloatArray()).containsExactly(4, 5, 6, 7, 8, 9, 10, 11);
    }

    @Test void negativeStepsAndClamping() {
        assertThat(slice(new long[] {-1}, new long[] {SMALL}, new long[] {1}, new long[] {-1}).toFloatArray())
                .containsExactly(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8);
        assertThat(slice(new long[] {3}, new long[] {0}, new long[] {1}, new long[] {-2}).toFloatArray()).containsExactly(3, 1, 7, 5, 11, 9);
        assertThat(slice(new long[] {100}, new long[] {-100}, new long[] {0}, new long[] {-1}).toFloatArray())
                .containsExactly(8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
        assertThat(slice(new long[] {1}, new long[] {1000}, new long[] {0}, null).shape()).containsExactly(2, 4);
        assertThat(slice(new long[] {10}, new long[] {20}, new long[] {0}, null).shape()).containsExactly(0, 4);
        assertThat(slice(new long[] {2}, new long[] {1}, new long[] {1}, null).shape()).containsExactly(3, 0);
    }

    @Test void opset1AttributesAndInt32Inputs() {
        Tensor a = run("Slice", 1, attrs("starts", new long[] {1}, "ends", new long[] {3}, "axes", new long[] {1}), iotaF(3, 4));
        assertThat(a.toFloatArray()).containsExactly(1, 2, 5, 6, 9, 10);
        Tensor b = run("Slice", 10, Map.of(), str(new String[] {"a", "b", "c", "d"}), i32(new int[] {1}), i32(new int[] {-1}));
        assertThat(b.toStringArray()).containsExactly("b", "c");
        Tensor c = run("Slice", 13, Map.of(), i64(new long[] {Long.MIN_VALUE, 5, Long.MAX_VALUE}), i64(new long[] {-1}), i64(new long[] {SMALL}),
                i64(new long[] {0}), i64(new long[] {-2}));
        assertThat(c.toLongArray()).containsExactly(Long.MAX_VALUE, Long.MIN_VALUE);
    }

    @Test void errors() {
        assertThatThrownBy(() -> slice(new long[] {0}, new long[] {1}, new long[] {0}, new long[] {0}))
                .isInstanceOf(OpException.class).hasMessageContaining("contain 0");
        assertThatThrownBy(() -> slice(new long[] {0, 0}, new long[] {1, 1}, new long[] {1, 1}, null))
                .isInstanceOf(OpException.class).hasMessageContaining("repeats axis 1");
        assertThatThrownBy(() -> slice(new long[] {0}, new long[] {1, 2}, null, null))
                .isInstanceOf(OpException.class).hasMessageContaining("differ in length");
    }

    @Test void inferenceWithSymbolicDims() {
        T.G g = new T.G(13);
        assertThat(g.infer("Slice", Map.of(), g.input(DataType.FLOAT, "N", 4), g.constant(i64(new long[] {1})), g.constant(i64(new long[] {3})),
                g.constant(i64(new long[] {1}))).shape()).isEqualTo(Shape.of("N", 2L));
        T.G g2 = new T.G(13);
        assertThat(g2.infer("Slice", Map.of(), g2.input(DataType.FLOAT, "N", 4), g2.constant(i64(new long[] {0})), g2.constant(i64(new long[] {BIG}))).shape())
                .isEqualTo(Shape.of("N", 4L));
        T.G g3 = new T.G(13);
        assertThat(g3.infer("Slice", Map.of(), g3.input(DataType.FLOAT, "N", 4), g3.constant(i64(new long[] {1})), g3.constant(i64(new long[] {BIG}))).shape())
                .isEqualTo(Shape.of("?", 4L));
        T.G g4 = new T.G(13); // bounds unknown, axes known: the other dims pass
        assertThat(g4.infer("Slice", Map.of(), g4.input(DataType.FLOAT, "N", 4), g4.input(DataType.INT64, 1), g4.input(DataType.INT64, 1),
                g4.constant(i64(new long[] {1}))).shape()).isEqualTo(Shape.of("N", "?"));
    }
}
