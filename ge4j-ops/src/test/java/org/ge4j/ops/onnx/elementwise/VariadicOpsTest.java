package org.ge4j.ops.onnx.elementwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.elementwise.Ops.*;

import java.util.List;
import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.Trait;
import org.junit.jupiter.api.Test;

class VariadicOpsTest {
    private final Tensor a = f32(new float[] {3, 2, 1}, 3), b = f32(new float[] {1, 3, 4}, 3), c = f32(new float[] {2, 5, 0}, 3);

    @Test void threeInputs() {
        assertThat(run("Max", 13, a, b, c).toFloatArray()).containsExactly(3, 5, 4);
        assertThat(run("Min", 13, a, b, c).toFloatArray()).containsExactly(1, 2, 0);
        assertThat(run("Sum", 13, a, b, c).toFloatArray()).containsExactly(6, 10, 5);
        assertThat(run("Mean", 13, a, b, c).toFloatArray()).containsExactly(2, 10f / 3, 5f / 3);
    }

    @Test void oneInputIsACopy() {
        Tensor s = run("Sum", 8, a);
        assertThat(s.toFloatArray()).containsExactly(3, 2, 1);
        assertThat(s).isNotSameAs(a);
    }

    @Test void broadcastsAcrossInputs() {
        Tensor m = f32(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor col = f32(new float[] {10, 0}, 2, 1);
        Tensor r = run("Max", 13, m, col, Tensor.scalar(4f));
        assertThat(r.shape()).containsExactly(2, 3);
        assertThat(r.toFloatArray()).containsExactly(10, 10, 10, 4, 5, 6);
        assertThat(run("Mean", 13, m, Tensor.scalar(1f)).toFloatArray()).containsExactly(1, 1.5f, 2, 2.5f, 3, 3.5f);
    }

    @Test void beforeOpset8ShapesMustMatch() {
        assertThat(run("Sum", 6, a, b).toFloatArray()).containsExactly(4, 5, 5);
        assertThatThrownBy(() -> run("Max", 6, f32(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), a))
                .isInstanceOf(OpException.class).hasMessageContaining("input 1 has shape [3]").hasMessageContaining("opset 8");
    }

    @Test void nanWinsAndIntegersAreExact() {
        assertThat(run("Max", 13, f32(new float[] {Float.NaN, 1}, 2), f32(new float[] {0, Float.NaN}, 2)).toFloatArray()).containsExactly(Float.NaN, Float.NaN);
        Tensor u = longs(DataType.UINT64, new long[] {-1, 5}), v = longs(DataType.UINT64, new long[] {3, 7});
        assertThat(run("Max", 12, u, v).toLongArray()).containsExactly(-1, 7);
        assertThat(run("Min", 12, u, v).toLongArray()).containsExactly(3, 5);
        assertThat(run("Max", 13, longs(DataType.INT64, new long[] {Long.MIN_VALUE, 9007199254740993L}), longs(DataType.INT64, new long[] {0, 9007199254740992L}))
                .toLongArray()).containsExactly(0, 9007199254740993L);
    }

    @Test void float16StaysFloat16() {
        Tensor h = typed(DataType.FLOAT16, new double[] {0.5, 1}), k = typed(DataType.FLOAT16, new double[] {0.25, 2});
        Tensor s = run("Sum", 13, h, k);
        assertThat(s.dtype()).isEqualTo(DataType.FLOAT16);
        assertThat(s.toDoubleArray()).containsExactly(0.75, 3);
    }

    @Test void clashNamesTheInput() {
        assertThatThrownBy(() -> run("Sum", 13, a, b, f32(new float[4], 4)))
                .isInstanceOf(OpException.class).hasMessageContaining("input 2").hasMessageContaining("[4]").hasMessageContaining("[3]");
        assertThatThrownBy(() -> RUNNER.run("Max", 13, Map.of(), List.of(), 1)).isInstanceOf(OpException.class).hasMessageContaining("at least 1");
    }

    @Test void inferenceAndTraits() {
        TensorDesc d = infer("Min", 13, null, new TensorDesc(DataType.INT32, Shape.of("B", 1)), new TensorDesc(DataType.INT32, Shape.of(1, "T")));
        assertThat(d).isEqualTo(new TensorDesc(DataType.INT32, Shape.of("B", "T")));
        OpRegistry r = OpRegistry.global();
        assertThat(r.schema("", "Max", 13).traits()).contains(Trait.COMMUTATIVE, Trait.ASSOCIATIVE, Trait.ELEMENTWISE);
        assertThat(r.schema("", "Mean", 13).traits()).contains(Trait.COMMUTATIVE).doesNotContain(Trait.ASSOCIATIVE);
        assertThat(r.versions("", "Sum")).extracting(s -> s.sinceVersion()).containsExactly(1, 6, 8, 13);
    }
}
