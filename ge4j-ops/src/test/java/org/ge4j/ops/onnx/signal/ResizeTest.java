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

class ResizeTest {
    private static final double[] X16 = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

    private static Tensor x4x4() { return f32(shape(1, 1, 4, 4), X16); }

    private static Tensor scales(double... s) { return f32(shape(s.length), s); }

    private static Tensor sizes(long... s) { return Tensor.of(s, s.length); }

    @Test void nearestUpsampleByScales() {
        Tensor y = run1("Resize", 13, attrs("mode", "nearest"), f32(shape(1, 1, 2, 2), 1, 2, 3, 4), null, scales(1, 1, 2, 3));
        assertThat(y.shape()).containsExactly(1, 1, 4, 6);
        assertValues(y, 0, 1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4);
    }

    @Test void nearestDownsampleBySizesAndScales() {
        Tensor x = f32(shape(1, 1, 2, 4), 1, 2, 3, 4, 5, 6, 7, 8);
        assertValues(run1("Resize", 13, Map.of(), x, null, scales(1, 1, 0.6, 0.6)), 0, 1, 3);
        assertValues(run1("Resize", 13, Map.of(), x, null, null, sizes(1, 1, 1, 3)), 0, 1, 2, 4);
    }

    @Test void nearestModesAndCoordinateModes() {
        Tensor ceil = run1("Resize", 13, attrs("nearest_mode", "ceil"), x4x4(), null, null, sizes(1, 1, 8, 8));
        double[] want = {1, 2, 2, 3, 3, 4, 4, 4, 5, 6, 6, 7, 7, 8, 8, 8, 5, 6, 6, 7, 7, 8, 8, 8, 9, 10, 10, 11, 11, 12, 12, 12,
                9, 10, 10, 11, 11, 12, 12, 12, 13, 14, 14, 15, 15, 16, 16, 16, 13, 14, 14, 15, 15, 16, 16, 16, 13, 14, 14, 15, 15, 16, 16, 16};
        assertValues(ceil, 0, want);
        assertValues(run1("Resize", 13, attrs("coordinate_transformation_mode", "asymmetric", "nearest_mode", "round_prefer_ceil"),
                x4x4(), null, null, sizes(1, 1, 8, 8)), 0, want);
        Tensor floorAc = run1("Resize", 13, attrs("coordinate_transformation_mode", "align_corners", "nearest_mode", "floor"), x4x4(), null, null, sizes(1, 1, 8, 8));
        assertValues(floorAc, 0, 1, 1, 1, 2, 2, 3, 3, 4, 1, 1, 1, 2, 2, 3, 3, 4, 1, 1, 1, 2, 2, 3, 3, 4, 5, 5, 5, 6, 6, 7, 7, 8,
                5, 5, 5, 6, 6, 7, 7, 8, 9, 9, 9, 10, 10, 11, 11, 12, 9, 9, 9, 10, 10, 11, 11, 12, 13, 13, 13, 14, 14, 15, 15, 16);
        Tensor roi = f32(shape(0));
        Tensor tf = run1("Resize", 11, attrs("coordinate_transformation_mode", "tf_half_pixel_for_nn"), x4x4(), roi, f32(shape(0)), sizes(1, 1, 3, 2));
        assertValues(tf, 0, 6, 8, 10, 12, 14, 16);
    }

    @Test void linearHalfPixelAndAlignCorners() {
        Tensor x = f32(shape(1, 1, 2, 2), 1, 2, 3, 4);
        assertValues(run1("Resize", 13, attrs("mode", "linear"), x, null, scales(1, 1, 2, 2)), 1e-6,
                1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4);
        Tensor x24 = f32(shape(1, 1, 2, 4), 1, 2, 3, 4, 5, 6, 7, 8);
        assertValues(run1("Resize", 13, attrs("mode", "linear"), x24, null, scales(1, 1, 0.6, 0.6)), 1e-5, 2.6666665, 4.3333331);
        // align_corners with scales: length_resized is scale * length (2.4 here), as the ONNX reference computes it
        assertValues(run1("Resize", 13, attrs("mode", "linear", "coordinate_transformation_mode", "align_corners"), x24, null, scales(1, 1, 0.6, 0.6)),
                1e-5, 1, 3.142857);
        assertValues(run1("Resize", 13, attrs("mode", "linear", "coordinate_transformation_mode", "pytorch_half_pixel"), x4x4(), null, null, sizes(1, 1, 3, 1)),
                1e-5, 1.6666666, 7.0, 12.333333);
    }

    @Test void cubicVariants() {
        assertValues(run1("Resize", 13, attrs("mode", "cubic"), x4x4(), null, scales(1, 1, 0.8, 0.8)), 1e-4,
                1.47119141, 2.78125, 4.08251953, 6.71142578, 8.02148438, 9.32275391, 11.9165039, 13.2265625, 14.5278320);
        assertValues(run1("Resize", 13, attrs("mode", "cubic", "cubic_coeff_a", -0.5f, "exclude_outside", 1), x4x4(), null, scales(1, 1, 0.8, 0.8)), 1e-4,
                1.36812675, 2.66950130, 4.01333666, 6.57362509, 7.875, 9.21883488, 11.9489660, 13.2503414, 14.5941763);
        Tensor asym = run1("Resize", 13, attrs("mode", "cubic", "coordinate_transformation_mode", "asymmetric"), x4x4(), null, scales(1, 1, 2, 2));
        double[] a = asym.toDoubleArray();
        assertThat(a).hasSize(64);
        assertValues(Tensor.of(new double[] {a[0], a[1], a[7], a[8], a[63]}), 1e-5, 1, 1.40625, 4.09375, 2.625, 16.46875);
        Tensor ac = run1("Resize", 13, attrs("mode", "cubic", "coordinate_transformation_mode", "align_corners"), x4x4(), null, scales(1, 1, 2, 2));
        double[] c = ac.toDoubleArray();
        assertValues(Tensor.of(new double[] {c[0], c[1], c[2], c[9], c[63]}), 1e-5, 1, 1.3411078, 1.8002915, 2.7055395, 16);
    }

    @Test void tfCropAndResizeWithExtrapolation() {
        Tensor roi = f32(shape(8), 0, 0, 0.4, 0.6, 1, 1, 0.6, 0.8);
        assertValues(run1("Resize", 13, attrs("mode", "linear", "coordinate_transformation_mode", "tf_crop_and_resize"), x4x4(), roi, null, sizes(1, 1, 3, 3)),
                1e-5, 7.6, 7.9, 8.2, 8.8, 9.1, 9.4, 10, 10.3, 10.6);
        Tensor roi2 = f32(shape(8), 0, 0, 0.4, 0.6, 1, 1, 1.2, 1.7);
        assertValues(run1("Resize", 13, attrs("mode", "linear", "coordinate_transformation_mode", "tf_crop_and_resize", "extrapolation_value", 10f),
                x4x4(), roi2, null, sizes(1, 1, 3, 3)), 1e-5, 7.6, 10, 10, 12.4, 10, 10, 10, 10, 10);
    }

    @Test void integerAndStringInputs() {
        Tensor xi = Tensor.of(new int[] {1, 2, 3, 4}, 1, 1, 2, 2);
        Tensor yi = run1("Resize", 13, attrs("mode", "linear"), xi, null, scales(1, 1, 2, 2));
        assertThat(yi.dtype()).isEqualTo(DataType.INT32);
        assertLongs(yi, 1, 1, 1, 2, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4); // truncated toward zero
        Tensor xs = Tensor.of(new String[] {"a", "b"}, 1, 2);
        Tensor ys = run1("Resize", 13, Map.of(), xs, null, scales(1, 2));
        assertThat(ys.toStringArray()).containsExactly("a", "a", "b", "b");
        Tensor xd = Tensor.of(new double[] {0, 10}, 2);
        assertValues(run1("Resize", 13, attrs("mode", "linear", "coordinate_transformation_mode", "asymmetric"), xd, null, scales(2)), 1e-12, 0, 5, 10, 10);
    }

    @Test void moreElementTypes() {
        Tensor h = run1("Resize", 13, attrs("mode", "cubic"), typed(DataType.FLOAT16, shape(1, 1, 4, 4), X16), null, scales(1, 1, 0.8, 0.8));
        assertThat(h.dtype()).isEqualTo(DataType.FLOAT16);
        assertValues(h, 0.01, 1.47119141, 2.78125, 4.08251953, 6.71142578, 8.02148438, 9.32275391, 11.9165039, 13.2265625, 14.5278320);
        // uint8 cubic overshoot saturates instead of wrapping
        Tensor u = run1("Resize", 13, attrs("mode", "cubic", "coordinate_transformation_mode", "asymmetric"),
                Tensor.fromLongs(DataType.UINT8, shape(4), new long[] {0, 255, 255, 0}), null, scales(2));
        assertThat(u.dtype()).isEqualTo(DataType.UINT8);
        for (long v : u.toLongArray()) assertThat(v).isBetween(0L, 255L);
        assertThat(u.toLongArray()[3]).isEqualTo(255L); // x = 1.5 overshoots above 255
        Tensor b = run1("Resize", 13, Map.of(), Tensor.of(new boolean[] {true, false}, 2), null, null, sizes(4));
        assertThat(b.toBooleanArray()).containsExactly(true, true, false, false);
        Tensor c = run1("Resize", 13, Map.of(), Tensor.fromDoubles(DataType.COMPLEX64, shape(2), new double[] {1, 2, 3, 4}), null, scales(2));
        assertValues(c, 0, 1, 2, 1, 2, 3, 4, 3, 4);
    }

    @Test void opset18AxesAntialiasAndAspectRatio() {
        Tensor y = run1("Resize", 18, attrs("axes", new long[] {3, 2}), f32(shape(1, 1, 2, 2), 1, 2, 3, 4), null, scales(3, 2));
        assertThat(y.shape()).containsExactly(1, 1, 4, 6);
        Tensor notLarger = run1("Resize", 18, attrs("keep_aspect_ratio_policy", "not_larger", "axes", new long[] {2, 3}), x4x4(), null, null, sizes(7, 8));
        assertThat(notLarger.shape()).containsExactly(1, 1, 7, 7);
        Tensor notSmaller = run1("Resize", 18, attrs("keep_aspect_ratio_policy", "not_smaller"), x4x4(), null, null, sizes(1, 1, 7, 8));
        assertThat(notSmaller.shape()).containsExactly(2, 2, 8, 8); // without axes N and C scale too
        // antialiased linear 2x downsampling of a ramp: a triangle filter of width 4 centred between samples
        Tensor ramp = f32(shape(8), 0, 1, 2, 3, 4, 5, 6, 7);
        Tensor aa = run1("Resize", 18, attrs("mode", "linear", "antialias", 1), ramp, null, scales(0.5));
        // centre x = 0.5: taps -1..2 weights (1/8,3/8,3/8,1/8) with edge clamp: (0/8 + 0*3/8 + 1*3/8 + 2/8) = 0.625
        assertValues(aa, 1e-6, 0.625, 2.5, 4.5, 6.375);
        Tensor plain = run1("Resize", 18, attrs("mode", "linear"), ramp, null, scales(0.5));
        assertValues(plain, 1e-6, 0.5, 2.5, 4.5, 6.5);
    }

    @Test void upsampleVersions() {
        Tensor x = f32(shape(1, 1, 2, 2), 1, 2, 3, 4);
        double[] want = {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4};
        assertValues(run1("Upsample", 9, attrs("mode", "nearest"), x, scales(1, 1, 2, 3)), 0, want);
        assertValues(run1("Upsample", 7, attrs("scales", new float[] {1, 1, 2, 3}), x), 0, want);
        assertValues(run1("Upsample", 1, attrs("height_scale", 2f, "width_scale", 3f), x), 0, want);
        assertValues(run1("Upsample", 9, attrs("mode", "linear"), f32(shape(2), 1, 3), scales(2)), 1e-6, 1, 2, 3, 3);
        assertValues(run1("Resize", 10, attrs("mode", "linear"), f32(shape(2), 1, 3), scales(2)), 1e-6, 1, 2, 3, 3);
        assertThatThrownBy(() -> run1("Upsample", 10, Map.of(), x, scales(1, 1, 2, 2)))
                .isInstanceOf(OpException.class).hasMessageContaining("deprecated");
        assertThatThrownBy(() -> run1("Upsample", 9, Map.of(), x, scales(1, 1, 0.5, 2)))
                .isInstanceOf(OpException.class).hasMessageContaining(">= 1");
    }

    @Test void errors() {
        assertThatThrownBy(() -> run1("Resize", 13, Map.of(), x4x4(), null, scales(1, 1, 2, 2), sizes(1, 1, 8, 8)))
                .isInstanceOf(OpException.class).hasMessageContaining("only one of 'scales' and 'sizes'");
        assertThatThrownBy(() -> run1("Resize", 13, Map.of(), x4x4(), null, scales(2, 2)))
                .isInstanceOf(OpException.class).hasMessageContaining("'scales' must have 4 elements");
        assertThatThrownBy(() -> run1("Resize", 13, attrs("mode", "bicubic"), x4x4(), null, scales(1, 1, 2, 2)))
                .isInstanceOf(OpException.class).hasMessageContaining("'mode'");
        assertThatThrownBy(() -> run1("Resize", 13, attrs("coordinate_transformation_mode", "centre"), x4x4(), null, scales(1, 1, 2, 2)))
                .isInstanceOf(OpException.class).hasMessageContaining("coordinate_transformation_mode");
        assertThatThrownBy(() -> run1("Resize", 13, Map.of(), x4x4()))
                .isInstanceOf(OpException.class).hasMessageContaining("one of 'scales' and 'sizes'");
        assertThatThrownBy(() -> run1("Resize", 13, attrs("mode", "linear"), Tensor.of(new String[] {"a"}, 1), null, scales(2)))
                .isInstanceOf(OpException.class).hasMessageContaining("numeric");
    }

    @Test void inferenceWithConstantsAndSymbols() {
        TensorDesc x = new TensorDesc(DataType.FLOAT, Shape.of("N", 3, 32, "W"));
        TensorDesc[] out = infer("Resize", 13, Map.of(), 1, new TensorDesc[] {x, null, TensorDesc.of(DataType.FLOAT, 4)},
                Map.of(2, scales(1, 1, 2, 1)));
        assertThat(out[0].shape()).isEqualTo(Shape.of("N", 3, 64, "W"));
        out = infer("Resize", 13, Map.of(), 1, new TensorDesc[] {x, null, null, TensorDesc.of(DataType.INT64, 4)}, Map.of(3, sizes(1, 3, 7, 9)));
        assertThat(out[0].shape()).isEqualTo(Shape.of(new long[] {1, 3, 7, 9}));
        out = infer("Resize", 13, Map.of(), 1, new TensorDesc[] {x, null, null, TensorDesc.of(DataType.INT64, 4)}, null);
        assertThat(out[0].shape()).isEqualTo(Shape.of("?", "?", "?", "?"));
        out = infer("Resize", 18, attrs("axes", new long[] {-1}), 1, new TensorDesc[] {x, null, null, TensorDesc.of(DataType.INT64, 1)}, Map.of(3, sizes(5)));
        assertThat(out[0].shape()).isEqualTo(Shape.of("N", 3, 32, 5));
        assertThatThrownBy(() -> infer("Resize", 13, Map.of(), 1, new TensorDesc[] {x, null, TensorDesc.of(DataType.FLOAT, 3)}, Map.of(2, scales(1, 2, 2))))
                .isInstanceOf(OpException.class).hasMessageContaining("4 elements");
    }
}
