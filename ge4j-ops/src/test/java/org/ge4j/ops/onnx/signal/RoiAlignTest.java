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

/** X[y][x] = 4y + x is linear, so an average of symmetric bilinear samples is the value at the bin centre. */
class RoiAlignTest {
    private static Tensor ramp() {
        double[] v = new double[16];
        for (int i = 0; i < 16; i++) v[i] = i;
        return f32(shape(1, 1, 4, 4), v);
    }

    private static Tensor rois(double... r) { return f32(shape(r.length / 4, 4), r); }

    private static Tensor index(long... b) { return Tensor.of(b, b.length); }

    @Test void averageWithHalfPixelAndWithout() {
        assertValues(run1("RoiAlign", 16, attrs("sampling_ratio", 2), ramp(), rois(0, 0, 3, 3), index(0)), 1e-6, 5);
        assertValues(run1("RoiAlign", 16, attrs("sampling_ratio", 2, "coordinate_transformation_mode", "output_half_pixel"), ramp(), rois(0, 0, 3, 3), index(0)), 1e-6, 7.5);
        assertValues(run1("RoiAlign", 10, attrs("sampling_ratio", 2), ramp(), rois(0, 0, 3, 3), index(0)), 1e-6, 7.5);
        // adaptive sampling (ceil(3 / 1) = 3 per axis) and spatial scale
        assertValues(run1("RoiAlign", 16, attrs("spatial_scale", 0.5f), ramp(), rois(0, 0, 6, 6), index(0)), 1e-6, 5);
    }

    @Test void gridOfBinsAndSeveralRois() {
        Tensor y = run1("RoiAlign", 16, attrs("output_height", 2, "output_width", 2, "sampling_ratio", 1), ramp(), rois(0.5, 0.5, 2.5, 2.5, 1.5, 0.5, 3.5, 2.5), index(0, 0));
        assertThat(y.shape()).containsExactly(2, 1, 2, 2);
        // roi 1 starts at (0, 0) after the half-pixel shift; bins of 1x1, one sample at each bin centre (0.5, 0.5) ...
        assertValues(y, 1e-6, 2.5, 3.5, 6.5, 7.5, 3.5, 4.5, 7.5, 8.5);
    }

    @Test void maxModeTakesTheLargestWeightedCorner() {
        assertValues(run1("RoiAlign", 16, attrs("sampling_ratio", 2, "mode", "max"), ramp(), rois(0, 0, 3, 3), index(0)), 1e-6, 5.625);
    }

    @Test void samplesOutsideTheImageAreZeroAndDoubleWorks() {
        assertValues(run1("RoiAlign", 16, Map.of(), ramp(), rois(10, 10, 12, 12), index(0)), 0, 0);
        Tensor xd = Tensor.fromDoubles(DataType.DOUBLE, shape(2, 1, 4, 4), new double[32]);
        Tensor y = run1("RoiAlign", 16, Map.of(), xd, Tensor.fromDoubles(DataType.DOUBLE, shape(1, 4), new double[] {0, 0, 1, 1}), index(1));
        assertThat(y.dtype()).isEqualTo(DataType.DOUBLE);
    }

    @Test void errorsAndInference() {
        assertThatThrownBy(() -> run1("RoiAlign", 16, Map.of(), ramp(), rois(0, 0, 1, 1), index(3)))
                .isInstanceOf(OpException.class).hasMessageContaining("batch_indices");
        assertThatThrownBy(() -> run1("RoiAlign", 16, attrs("mode", "median"), ramp(), rois(0, 0, 1, 1), index(0)))
                .isInstanceOf(OpException.class).hasMessageContaining("'mode'");
        TensorDesc[] out = infer("RoiAlign", 16, attrs("output_height", 7, "output_width", 5), 1, new TensorDesc[] {
                new TensorDesc(DataType.FLOAT, Shape.of("N", 256, "H", "W")), new TensorDesc(DataType.FLOAT, Shape.of("R", 4)),
                new TensorDesc(DataType.INT64, Shape.of("R"))}, null);
        assertThat(out[0].shape()).isEqualTo(Shape.of("R", 256, 7, 5));
        assertThatThrownBy(() -> infer("RoiAlign", 16, Map.of(), 1, new TensorDesc[] {TensorDesc.of(DataType.FLOAT, 1, 1, 4, 4),
                TensorDesc.of(DataType.FLOAT, 2, 5), TensorDesc.of(DataType.INT64, 2)}, null))
                .isInstanceOf(OpException.class).hasMessageContaining("x1, y1, x2, y2");
    }
}
