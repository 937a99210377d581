package org.ge4j.ops.onnx.elementwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.elementwise.Ops.*;

import java.util.Arrays;
import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class ClipWhereTest {
    private final Tensor x = f32(new float[] {-3, -1, 0, 1, 3, Float.NaN}, 6);

    @Test void clipWithInputs() {
        assertThat(run("Clip", 13, x, Tensor.scalar(-1.5f), Tensor.scalar(2f)).toFloatArray()).containsExactly(-1.5f, -1, 0, 1, 2, Float.NaN);
        // only max given: min input absent
        Tensor onlyMax = (Tensor) RUNNER.run("Clip", 13, Map.of(), Arrays.asList(x, null, Tensor.scalar(0f)), 1).get(0);
        assertThat(onlyMax.toFloatArray()).containsExactly(-3, -1, 0, 0, 0, Float.NaN);
        // no bounds: a copy
        assertThat(run("Clip", 11, x).toFloatArray()).containsExactly(-3, -1, 0, 1, 3, Float.NaN);
        // min > max gives max everywhere
        assertThat(run("Clip", 13, f32(new float[] {-5, 5}, 2), Tensor.scalar(2f), Tensor.scalar(1f)).toFloatArray()).containsExactly(1, 1);
    }

    @Test void clipIntegers() {
        Tensor i8 = longs(DataType.INT8, new long[] {-128, -5, 5, 127});
        Tensor lo = Tensor.fromLongs(DataType.INT8, new long[0], new long[] {-10}), hi = Tensor.fromLongs(DataType.INT8, new long[0], new long[] {10});
        assertThat(run("Clip", 12, i8, lo, hi).toLongArray()).containsExactly(-10, -5, 5, 10);
        Tensor u = longs(DataType.UINT64, new long[] {-1, 3});
        Tensor uhi = Tensor.fromLongs(DataType.UINT64, new long[0], new long[] {-2});
        assertThat((Tensor) RUNNER.run("Clip", 13, Map.of(), Arrays.asList(u, null, uhi), 1).get(0)).satisfies(t -> assertThat(t.toLongArray()).containsExactly(-2, 3));
    }

    @Test void clipWithLegacyAttributes() {
        assertThat(run("Clip", 6, attrs("min", -1.0f, "max", 1.0f), x).toFloatArray()).containsExactly(-1, -1, 0, 1, 1, Float.NaN);
        assertThat(run("Clip", 6, attrs("max", 0.5f), x).toFloatArray()).containsExactly(-3, -1, 0, 0.5f, 0.5f, Float.NaN);
        assertThat(run("Clip", 1, attrs("min", 0.0f), x).toFloatArray()).containsExactly(0, 0, 0, 1, 3, Float.NaN);
    }

    @Test void clipBoundsMustBeScalars() {
        assertThatThrownBy(() -> run("Clip", 13, x, f32(new float[] {0, 1}, 2)))
                .isInstanceOf(OpException.class).hasMessageContaining("input 1 ('min')").hasMessageContaining("scalar");
    }

    @Test void whereBroadcastsAllThree() {
        Tensor cond = Tensor.of(new boolean[] {true, false}, 2, 1);
        Tensor a = f32(new float[] {1, 2, 3}, 3), b = Tensor.scalar(-1f);
        Tensor r = run("Where", 16, cond, a, b);
        assertThat(r.shape()).containsExactly(2, 3);
        assertThat(r.toFloatArray()).containsExactly(1, 2, 3, -1, -1, -1);
    }

    @Test void whereOnStringsInt64AndComplex() {
        Tensor cond = Tensor.of(new boolean[] {true, false, true});
        Tensor s = run("Where", 9, cond, Tensor.of(new String[] {"a", "b", "c"}), Tensor.of(new String[] {"x", "y", "z"}));
        assertThat(s.toStringArray()).containsExactly("a", "y", "c");
        Tensor l = run("Where", 9, cond, longs(DataType.INT64, new long[] {Long.MAX_VALUE, 1, 2}), longs(DataType.INT64, new long[] {7, 8, 9}));
        assertThat(l.toLongArray()).containsExactly(Long.MAX_VALUE, 8, 2);
        Tensor c1 = Tensor.fromDoubles(DataType.COMPLEX64, new long[] {3}, new double[] {1, 2, 3, 4, 5, 6});
        Tensor c2 = Tensor.fromDoubles(DataType.COMPLEX64, new long[] {1}, new double[] {-1, -2});
        assertThat(run("Where", 9, cond, c1, c2).toDoubleArray()).containsExactly(1, 2, -1, -2, 5, 6);
    }

    @Test void whereInferenceAndErrors() {
        TensorDesc d = infer("Where", 16, null, new TensorDesc(DataType.BOOL, Shape.of("N", 1)), new TensorDesc(DataType.INT32, Shape.of(new long[] {4})),
                new TensorDesc(DataType.INT32, Shape.of(new long[] {1})));
        assertThat(d).isEqualTo(new TensorDesc(DataType.INT32, Shape.of("N", 4)));
        assertThatThrownBy(() -> run("Where", 16, Tensor.of(new boolean[] {true, false}), f32(new float[3], 3), f32(new float[3], 3)))
                .isInstanceOf(OpException.class).hasMessageContaining("input 1 ('X') of shape [3]").hasMessageContaining("[2]");
        assertThatThrownBy(() -> run("Where", 16, f32(new float[] {1}, 1), f32(new float[3], 3), f32(new float[3], 3)))
                .isInstanceOf(OpException.class).hasMessageContaining("condition");
    }
}
