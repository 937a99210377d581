package org.ge4j.ops.onnx.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.tensor.T.*;

import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class GeneratorOpsTest {
    @Test void eyeLike() {
        Tensor a = run("EyeLike", 9, attrs("k", 1L), Tensor.allocate(DataType.INT32, 3, 4));
        assertThat(a.dtype()).isEqualTo(DataType.INT32);
        assertThat(a.toLongArray()).containsExactly(0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
        Tensor b = run("EyeLike", 9, attrs("dtype", (long) DataType.BOOL.onnxCode(), "k", -1L), Tensor.allocate(DataType.FLOAT, 2, 2));
        assertThat(b.dtype()).isEqualTo(DataType.BOOL);
        assertThat(b.toBooleanArray()).containsExactly(false, false, true, false);
        assertThatThrownBy(() -> run("EyeLike", 9, Map.of(), Tensor.allocate(DataType.FLOAT, 2)))
                .isInstanceOf(OpException.class).hasMessageContaining("2-D");
        assertThatThrownBy(() -> run("EyeLike", 9, attrs("dtype", (long) DataType.STRING.onnxCode()), Tensor.allocate(DataType.FLOAT, 2, 2)))
                .isInstanceOf(OpException.class).hasMessageContaining("'dtype'");
    }

    @Test void range() {
        Tensor a = run("Range", 11, Map.of(), Tensor.fromLongs(DataType.INT32, new long[0], new long[] {10}),
                Tensor.fromLongs(DataType.INT32, new long[0], new long[] {4}), Tensor.fromLongs(DataType.INT32, new long[0], new long[] {-3}));
        assertThat(a.dtype()).isEqualTo(DataType.INT32);
        assertThat(a.toLongArray()).containsExactly(10, 7);
        Tensor f = run("Range", 11, Map.of(), Tensor.scalar(1f), Tensor.scalar(5f), Tensor.scalar(2f));
        assertThat(f.toFloatArray()).containsExactly(1, 3);
        long big = (1L << 60) + 1;
        Tensor l = run("Range", 11, Map.of(), Tensor.scalar(big), Tensor.scalar(big + 3), Tensor.scalar(1L));
        assertThat(l.toLongArray()).containsExactly(big, big + 1, big + 2);
        assertThat(run("Range", 11, Map.of(), Tensor.scalar(5L), Tensor.scalar(1L), Tensor.scalar(1L)).shape()).containsExactly(0);
        assertThatThrownBy(() -> run("Range", 11, Map.of(), Tensor.scalar(1L), Tensor.scalar(5L), Tensor.scalar(0L)))
                .isInstanceOf(OpException.class).hasMessageContaining("'delta'");
        T.G g = new T.G(13);
        assertThat(g.infer("Range", Map.of(), g.constant(Tensor.scalar(0L)), g.constant(Tensor.scalar(7L)), g.constant(Tensor.scalar(2L))))
                .isEqualTo(TensorDesc.of(DataType.INT64, 4));
        T.G g2 = new T.G(13);
        assertThat(g2.infer("Range", Map.of(), g2.input(DataType.INT64), g2.constant(Tensor.scalar(7L)), g2.constant(Tensor.scalar(2L))).shape())
                .isEqualTo(Shape.of("?"));
    }

    @Test void oneHot() {
        Tensor ind = i64(new long[] {0, 2, -1, 5});
        Tensor vals = f32(new float[] {0, 1});
        Tensor a = run("OneHot", 11, Map.of(), ind, Tensor.scalar(3L), vals);
        assertThat(a.shape()).containsExactly(4, 3);
        assertThat(a.toFloatArray()).containsExactly(1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0);
        Tensor b = run("OneHot", 11, attrs("axis", 0L), ind, f32(new float[] {3}, 1), vals);
        assertThat(b.shape()).containsExactly(3, 4);
        assertThat(b.toFloatArray()).containsExactly(1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0);
        Tensor s = run("OneHot", 9, Map.of(), f32(new float[] {1.7f}), Tensor.scalar(2L), str(new String[] {"off", "on"}));
        assertThat(s.toStringArray()).containsExactly("off", "on");
        T.G g = new T.G(11);
        assertThat(g.infer("OneHot", attrs("axis", 1L), g.input(DataType.INT64, "N", 2), g.constant(Tensor.scalar(10L)), g.input(DataType.FLOAT, 2)).shape())
                .isEqualTo(Shape.of("N", 10L, 2L));
    }

    @Test void cumSum() {
        Tensor x = f32(new float[] {1, 2, 3, 4, 5});
        Tensor axis = Tensor.scalar(0L);
        assertThat(run("CumSum", 14, Map.of(), x, axis).toFloatArray()).containsExactly(1, 3, 6, 10, 15);
        assertThat(run("CumSum", 14, attrs("exclusive", 1L), x, axis).toFloatArray()).containsExactly(0, 1, 3, 6, 10);
        assertThat(run("CumSum", 14, attrs("reverse", 1L), x, axis).toFloatArray()).containsExactly(15, 14, 12, 9, 5);
        assertThat(run("CumSum", 11, attrs("reverse", 1L, "exclusive", 1L), x, axis).toFloatArray()).containsExactly(14, 12, 9, 5, 0);
        long big = 1L << 60;
        Tensor l = run("CumSum", 11, Map.of(), i64(new long[] {big, 1, 2, 3}, 2, 2), i32(new int[] {-1}, 1));
        assertThat(l.toLongArray()).containsExactly(big, big + 1, 2, 5);
        Tensor h = run("CumSum", 14, Map.of(), f16(new double[] {0.5, 0.25, 0.125}), axis);
        assertThat(h.dtype()).isEqualTo(DataType.FLOAT16);
        assertThat(h.toDoubleArray()).containsExactly(0.5, 0.75, 0.875);
    }
}
