package org.ge4j.ops.onnx.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.signal.Fixtures.*;

import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class GridSampleTest {
    private static Tensor x() { return f32(shape(1, 1, 3, 2), 0, 1, 2, 3, 4, 5); }

    private static Tensor grid() { return f32(shape(1, 2, 4, 2), -1, -1, -0.5, -0.5, -0.2, -0.2, 0, 0, 0, 0, -0.2, -0.2, 0.5, 0.5, 1, 1); }

    private static Tensor far() { return f32(shape(1, 2, 4, 2), -10, -10, -5, -5, -0.2, -0.2, 10, 10, 10, 10, -0.2, -0.2, 5, 5, 10, 10); }

    @Test void bilinearNearestBicubic() {
        assertValues(run1("GridSample", 16, Map.of(), x(), grid()), 1e-5, 0, 0.5, 1.7, 2.5, 2.5, 1.7, 4.5, 1.25);
        assertValues(run1("GridSample", 16, attrs("align_corners", 1), x(), grid()), 1e-5, 0, 1.25, 2, 2.5, 2.5, 2, 3.75, 5);
        assertValues(run1("GridSample", 16, attrs("mode", "nearest"), x(), grid()), 0, 0, 0, 2, 2, 2, 2, 5, 0);
        assertValues(run1("GridSample", 16, attrs("mode", "bicubic"), x(), grid()), 1e-4, -0.1406, 0.3828, 1.7556, 2.9688, 2.9688, 1.7556, 5.1445, 1.3906);
    }

    @Test void paddingModes() {
        assertValues(run1("GridSample", 16, Map.of(), x(), far()), 1e-5, 0, 0, 1.7, 0, 0, 1.7, 0, 0);
        assertValues(run1("GridSample", 16, attrs("padding_mode", "border"), x(), far()), 1e-5, 0, 0, 1.7, 5, 5, 1.7, 5, 5);
        assertValues(run1("GridSample", 16, attrs("padding_mode", "reflection"), x(), far()), 1e-5, 2.5, 0, 1.7, 2.5, 2.5, 1.7, 5, 2.5);
    }

    @Test void reflectFoldsRepeatedly() {
        // -3.5 reflects at -1 to 1.5, then at 1 to 0.5 (the spec's example, in [-1, 1] coordinates as twice-low/high -2, 2)
        assertThat(GridSample.reflect(-3.5, -2, 2)).isEqualTo(0.5);
        assertThat(GridSample.reflect(2.5, 0, 4)).isEqualTo(1.5);
    }

    @Test void integerAndStringInputs() {
        Tensor xi = Tensor.of(new int[] {0, 10, 20, 30}, 1, 1, 2, 2);
        Tensor g = f32(shape(1, 1, 1, 2), 0, 0);
        Tensor yi = run1("GridSample", 16, Map.of(), xi, g);
        assertThat(yi.dtype()).isEqualTo(DataType.INT32);
        assertLongs(yi, 15);
        Tensor xs = Tensor.of(new String[] {"a", "b", "c", "d"}, 1, 1, 2, 2);
        Tensor ys = run1("GridSample", 16, attrs("mode", "nearest", "align_corners", 1), xs, f32(shape(1, 1, 2, 2), 1, -1, -1, 1));
        assertThat(ys.toStringArray()).containsExactly("b", "c");
        assertThatThrownBy(() -> run1("GridSample", 16, Map.of(), xs, g)).isInstanceOf(OpException.class).hasMessageContaining("numeric");
    }

    @Test void affineGrid() {
        Tensor identity = f32(shape(1, 2, 3), 1, 0, 0, 0, 1, 0);
        Tensor size = Tensor.of(new long[] {1, 1, 2, 3}, 4);
        Tensor g = run1("AffineGrid", 20, Map.of(), identity, size);
        assertThat(g.shape()).containsExactly(1, 2, 3, 2);
        assertValues(g, 1e-6, -2.0 / 3, -0.5, 0, -0.5, 2.0 / 3, -0.5, -2.0 / 3, 0.5, 0, 0.5, 2.0 / 3, 0.5);
        Tensor shifted = f32(shape(1, 2, 3), 2, 0, 0.5, 0, 1, -1);
        assertValues(run1("AffineGrid", 20, attrs("align_corners", 1), shifted, size), 1e-6, -1.5, -2, 0.5, -2, 2.5, -2, -1.5, 0, 0.5, 0, 2.5, 0);
        Tensor g3 = run1("AffineGrid", 20, Map.of(), f32(shape(1, 3, 4), 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0), Tensor.of(new long[] {1, 1, 1, 1, 2}, 5));
        assertThat(g3.shape()).containsExactly(1, 1, 1, 2, 3);
        assertValues(g3, 1e-6, -0.5, 0, 0, 0.5, 0, 0);
        // sampling through an identity grid reproduces the image
        Tensor img = f32(shape(1, 1, 2, 3), 1, 2, 3, 4, 5, 6);
        assertValues(run1("GridSample", 16, Map.of(), img, g), 1e-6, 1, 2, 3, 4, 5, 6);
    }

    @Test void inference() {
        TensorDesc[] out = infer("GridSample", 16, Map.of(), 1, new TensorDesc[] {new TensorDesc(DataType.FLOAT, Shape.of("N", 3, "H", "W")),
                new TensorDesc(DataType.FLOAT, Shape.of("N", 7, 9, 2))}, null);
        assertThat(out[0].shape()).isEqualTo(Shape.of("N", 3, 7, 9));
        assertThatThrownBy(() -> infer("GridSample", 16, Map.of(), 1, new TensorDesc[] {TensorDesc.of(DataType.FLOAT, 1, 1, 2, 2),
                TensorDesc.of(DataType.FLOAT, 1, 2, 2, 3)}, null)).isInstanceOf(OpException.class).hasMessageContaining("(x, y) pairs");
        out = infer("AffineGrid", 20, Map.of(), 1, new TensorDesc[] {TensorDesc.of(DataType.FLOAT, 2, 2, 3), TensorDesc.of(DataType.INT64, 4)},
                Map.of(1, Tensor.of(new long[] {2, 3, 5, 7}, 4)));
        assertThat(out[0]).isEqualTo(TensorDesc.of(DataType.FLOAT, 2, 5, 7, 2));
    }
}
