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

class NonMaxSuppressionTest {
    private static final double[] SIX = {0, 0, 1, 1, 0, 0.1, 1, 1.1, 0, -0.1, 1, 0.9, 0, 10, 1, 11, 0, 10.1, 1, 11.1, 0, 100, 1, 101};
    private static final double[] SCORES = {0.9, 0.75, 0.6, 0.95, 0.5, 0.3};

    private static Tensor nms(Map<String, org.ge4j.ir.Attr> attrs, Tensor boxes, Tensor scores, long max, double iou, Double scoreThreshold) {
        return run1("NonMaxSuppression", 11, attrs, boxes, scores, Tensor.of(new long[] {max}, 1), f32(shape(1), iou),
                scoreThreshold == null ? null : f32(shape(1), scoreThreshold));
    }

    @Test void suppressByIou() {
        Tensor y = nms(Map.of(), f32(shape(1, 6, 4), SIX), f32(shape(1, 1, 6), SCORES), 3, 0.5, 0.0);
        assertThat(y.shape()).containsExactly(3, 3);
        assertLongs(y, 0, 0, 3, 0, 0, 0, 0, 0, 5);
    }

    @Test void suppressByIouAndScoresAndLimit() {
        assertLongs(nms(Map.of(), f32(shape(1, 6, 4), SIX), f32(shape(1, 1, 6), SCORES), 3, 0.5, 0.4), 0, 0, 3, 0, 0, 0);
        assertLongs(nms(Map.of(), f32(shape(1, 6, 4), SIX), f32(shape(1, 1, 6), SCORES), 2, 0.5, 0.0), 0, 0, 3, 0, 0, 0);
        // without a score threshold every box is a candidate
        assertLongs(nms(Map.of(), f32(shape(1, 6, 4), SIX), f32(shape(1, 1, 6), SCORES), 10, 0.5, null), 0, 0, 3, 0, 0, 0, 0, 0, 5);
    }

    @Test void flippedCornersAndCenterFormat() {
        double[] flipped = {1, 1, 0, 0, 0, 0.1, 1, 1.1, 0, 0.9, 1, -0.1, 0, 10, 1, 11, 1, 10.1, 0, 11.1, 1, 101, 0, 100};
        assertLongs(nms(Map.of(), f32(shape(1, 6, 4), flipped), f32(shape(1, 1, 6), SCORES), 3, 0.5, 0.0), 0, 0, 3, 0, 0, 0, 0, 0, 5);
        double[] centers = {0.5, 0.5, 1, 1, 0.5, 0.6, 1, 1, 0.5, 0.4, 1, 1, 0.5, 10.5, 1, 1, 0.5, 10.6, 1, 1, 0.5, 100.5, 1, 1};
        assertLongs(nms(attrs("center_point_box", 1), f32(shape(1, 6, 4), centers), f32(shape(1, 1, 6), SCORES), 3, 0.5, 0.0),
                0, 0, 3, 0, 0, 0, 0, 0, 5);
    }

    @Test void identicalBoxesTwoBatchesTwoClasses() {
        double[] same = new double[40];
        for (int i = 0; i < 10; i++) { same[i * 4 + 2] = 1; same[i * 4 + 3] = 1; }
        double[] s = new double[10];
        java.util.Arrays.fill(s, 0.9);
        assertLongs(nms(Map.of(), f32(shape(1, 10, 4), same), f32(shape(1, 1, 10), s), 3, 0.5, 0.0), 0, 0, 0);
        double[] two = new double[48];
        System.arraycopy(SIX, 0, two, 0, 24);
        System.arraycopy(SIX, 0, two, 24, 24);
        double[] s2 = new double[12];
        System.arraycopy(SCORES, 0, s2, 0, 6);
        System.arraycopy(SCORES, 0, s2, 6, 6);
        assertLongs(nms(Map.of(), f32(shape(2, 6, 4), two), f32(shape(2, 1, 6), s2), 2, 0.5, 0.0), 0, 0, 3, 0, 0, 0, 1, 0, 3, 1, 0, 0);
        assertLongs(nms(Map.of(), f32(shape(1, 6, 4), SIX), f32(shape(1, 2, 6), s2), 2, 0.5, 0.0), 0, 0, 3, 0, 0, 0, 0, 1, 3, 0, 1, 0);
    }

    @Test void defaultsSelectNothing() {
        Tensor y = run1("NonMaxSuppression", 10, Map.of(), f32(shape(1, 6, 4), SIX), f32(shape(1, 1, 6), SCORES));
        assertThat(y.shape()).containsExactly(0, 3);
    }

    @Test void errorsAndInference() {
        assertThatThrownBy(() -> nms(Map.of(), f32(shape(1, 6, 4), SIX), f32(shape(1, 1, 5), 1, 2, 3, 4, 5), 3, 0.5, 0.0))
                .isInstanceOf(OpException.class).hasMessageContaining("'scores'");
        assertThatThrownBy(() -> nms(Map.of(), f32(shape(1, 6, 4), SIX), f32(shape(1, 1, 6), SCORES), 3, 1.5, 0.0))
                .isInstanceOf(OpException.class).hasMessageContaining("iou_threshold");
        TensorDesc[] out = infer("NonMaxSuppression", 11, Map.of(), 1,
                new TensorDesc[] {new TensorDesc(DataType.FLOAT, Shape.of("B", "N", 4)), new TensorDesc(DataType.FLOAT, Shape.of("B", 3, "N"))}, null);
        assertThat(out[0]).isEqualTo(new TensorDesc(DataType.INT64, Shape.of("?", 3)));
        assertThatThrownBy(() -> infer("NonMaxSuppression", 11, Map.of(), 1,
                new TensorDesc[] {TensorDesc.of(DataType.FLOAT, 1, 6, 5), TensorDesc.of(DataType.FLOAT, 1, 1, 6)}, null))
                .isInstanceOf(OpException.class).hasMessageContaining("box coordinates");
    }
}
