package org.ge4j.ops.onnx.signal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * NonMaxSuppression (opsets 10, 11): per batch and class, greedily keeps the highest-scoring boxes whose IOU
 * with every box kept before is at most iou_threshold. Boxes need a score strictly above score_threshold
 * (when given); equal scores keep the lower box index first; a box of zero area suppresses nothing.
 */
public final class NonMaxSuppression {
    private NonMaxSuppression() {}

    public static void register(OpRegistry r) {
        for (int v : new int[] {10, 11}) {
            r.register(OpSchema.onnx("NonMaxSuppression", v)
                    .doc("Selects boxes by greedy non-maximum suppression (ONNX NonMaxSuppression-" + v + ").")
                    .input("boxes", "tensor(float)").input("scores", "tensor(float)")
                    .optionalInput("max_output_boxes_per_class", "tensor(int64)").optionalInput("iou_threshold", "tensor(float)")
                    .optionalInput("score_threshold", "tensor(float)")
                    .output("selected_indices", "tensor(int64)")
                    .attr("center_point_box", 0L)
                    .traits(Trait.PURE).inference(NonMaxSuppression::infer).build());
        }
        r.registerReference("NonMaxSuppression", NonMaxSuppression::compute);
    }

    static void infer(InferenceContext ctx) {
        long cpb = ctx.attrs().getInt("center_point_box", 0);
        if (cpb != 0 && cpb != 1) throw ctx.fail("attribute 'center_point_box' must be 0 or 1, got " + cpb);
        Shape boxes = ctx.inputShape(0), scores = ctx.inputShape(1);
        Support.checkRank(ctx, 0, boxes, 3);
        Support.checkRank(ctx, 1, scores, 3);
        Support.checkDim(ctx, 0, boxes, 2, 4, "box coordinates");
        Support.checkDim(ctx, 1, scores, 0, Support.value(Support.dim(boxes, 0)), "num_batches, boxes dim 0");
        Support.checkDim(ctx, 1, scores, 2, Support.value(Support.dim(boxes, 1)), "spatial_dimension, boxes dim 1");
        ctx.setOutput(0, DataType.INT64, Support.shape(Dim.UNKNOWN, Dim.of(3)));
    }

    /** A box as its corner extents (min/max per axis) and area. */
    private record Box(double y1, double x1, double y2, double x2) {
        double area() { return (y2 - y1) * (x2 - x1); }
    }

    static void compute(KernelContext ctx) {
        long cpb = ctx.attrs().getInt("center_point_box", 0);
        if (cpb != 0 && cpb != 1) throw ctx.fail("attribute 'center_point_box' must be 0 or 1, got " + cpb);
        Tensor boxes = Support.requireRank(ctx, 0, 3), scores = Support.requireRank(ctx, 1, 3);
        int batches = (int) boxes.dim(0), n = (int) boxes.dim(1), classes = (int) scores.dim(1);
        if (boxes.dim(2) != 4) throw ctx.fail("input 0 ('boxes') must have shape [num_batches, spatial_dimension, 4], got " + Shape.toString(boxes.shape()));
        if (scores.dim(0) != batches || scores.dim(2) != n)
            throw ctx.fail("input 1 ('scores') must have shape [" + batches + ", num_classes, " + n + "] to match boxes, got " + Shape.toString(scores.shape()));
        long maxOut = Support.scalarLong(ctx, 2, 0);
        double iou = Support.scalarDouble(ctx, 3, 0);
        boolean hasScoreThreshold = ctx.hasInput(4);
        double scoreThreshold = Support.scalarDouble(ctx, 4, 0);
        if (iou < 0 || iou > 1) throw ctx.fail("input 3 ('iou_threshold') must be in [0, 1], got " + iou);
        double[] b = boxes.toDoubleArray(), s = scores.toDoubleArray();
        List<long[]> selected = new ArrayList<>();
        for (int bt = 0; bt < batches && maxOut > 0; bt++) {
            Box[] bx = new Box[n];
            for (int i = 0; i < n; i++) bx[i] = box(b, (bt * n + i) * 4, cpb == 1);
            for (int c = 0; c < classes; c++) {
                int base = (bt * classes + c) * n;
                List<Integer> cand = new ArrayList<>();
                for (int i = 0; i < n; i++) if (!hasScoreThreshold || s[base + i] > scoreThreshold) cand.add(i);
                cand.sort(Comparator.<Integer>comparingDouble(i -> -s[base + i]).thenComparingInt(i -> i));
                List<Integer> kept = new ArrayList<>();
                for (int i : cand) {
                    if (kept.size() >= maxOut) break;
                    boolean suppressed = false;
                    for (int k : kept) if (overlaps(bx[i], bx[k], iou)) { suppressed = true; break; }
                    if (!suppressed) {
                        kept.add(i);
                        selected.add(new long[] {bt, c, i});
                    }
                }
            }
        }
        long[] flat = new long[selected.size() * 3];
        for (int i = 0; i < selected.size(); i++) System.arraycopy(selected.get(i), 0, flat, i * 3, 3);
        ctx.setOutput(0, Tensor.fromLongs(DataType.INT64, new long[] {selected.size(), 3}, flat));
    }

    private static Box box(double[] b, int o, boolean center) {
        if (center) {
            double xc = b[o], yc = b[o + 1], w = b[o + 2], h = b[o + 3];
            return new Box(yc - h / 2, xc - w / 2, yc + h / 2, xc + w / 2);
        }
        return new Box(Math.min(b[o], b[o + 2]), Math.min(b[o + 1], b[o + 3]), Math.max(b[o], b[o + 2]), Math.max(b[o + 1], b[o + 3]));
    }

    /** True when IOU(a, b) exceeds the threshold (boxes without area never overlap). */
    static boolean overlaps(Box a, Box b, double threshold) {
        double ih = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
        double iw = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
        if (ih <= 0 || iw <= 0) return false;
        double areaA = a.area(), areaB = b.area();
        if (areaA <= 0 || areaB <= 0) return false;
        double inter = ih * iw;
        double union = areaA + areaB - inter;
        return union > 0 && inter / union > threshold;
    }
}
