package org.ge4j.ops.onnx.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.DataTypes;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/** Col2Im (rearranges column blocks back into an image, summing overlaps) and CenterCropPad. */
public final class ImageOps {
    private ImageOps() {}

    public static void register(OpRegistry r) {
        r.register(OpSchema.onnx("Col2Im", 18).doc("Sums sliding blocks [N, C * prod(block_shape), L] back into images [N, C, *image_shape].")
                .input("input", "T").input("image_shape", "tensor(int64)").input("block_shape", "tensor(int64)").output("output", "T")
                .types("T", DataTypes.ALL).optionalAttr("dilations", AttrType.INTS).optionalAttr("pads", AttrType.INTS).optionalAttr("strides", AttrType.INTS)
                .traits(Trait.PURE).inference(ImageOps::inferCol2Im).build());
        r.registerReference("Col2Im", ImageOps::col2im);
        r.register(OpSchema.onnx("CenterCropPad", 18).doc("Center-crops or zero-pads the given axes (all when axes is absent) to the given sizes.")
                .input("input_data", "T").input("shape", "Tind").output("output", "T").types("T", DataTypes.ALL).types("Tind", NnTypes.INDEX)
                .optionalAttr("axes", AttrType.INTS).traits(Trait.PURE).inference(ImageOps::inferCenterCropPad).build());
        r.registerReference("CenterCropPad", ImageOps::centerCropPad);
    }

    // ------------------------------------------------------------------ Col2Im

    static void inferCol2Im(InferenceContext ctx) {
        DataType t = ctx.inputType(0);
        Shape x = ctx.inputShape(0);
        if (x.hasRank() && x.rank() != 3) throw ctx.fail("input 0 ('input') must be 3-D (N x C*prod(block_shape) x L), got shape " + x);
        Tensor img = ctx.constantInput(1), blk = ctx.constantInput(2);
        Shape is = ctx.inputShape(1);
        int r = img != null ? (int) img.size() : is.hasRank() && is.rank() == 1 && is.dim(0).isStatic() ? (int) is.dim(0).valueOr(0) : -1;
        if (r < 0) {
            ctx.setOutput(0, t, Shape.UNKNOWN_RANK);
            return;
        }
        List<Dim> dims = new ArrayList<>();
        dims.add(x.hasRank() ? x.dim(0) : Dim.UNKNOWN);
        long cb = x.hasRank() ? Infer.size(x, 1) : -1;
        if (blk != null && cb >= 0) {
            long k = 1;
            for (long b : blk.toLongArray()) k *= b;
            if (k <= 0 || cb % k != 0) throw ctx.fail("input 0 ('input') dim 1 = " + cb + " is not a multiple of prod(block_shape) = " + k);
            dims.add(Dim.of(cb / k));
        } else dims.add(Dim.UNKNOWN);
        for (int i = 0; i < r; i++) dims.add(img != null ? Dim.of(img.getScalarLong(i)) : Dim.UNKNOWN);
        ctx.setOutput(0, t, Shape.of(dims));
    }

    static void col2im(KernelContext ctx) {
        Tensor tx = ctx.requireInput(0);
        long[] xs = tx.shape();
        if (xs.length != 3) throw ctx.fail("input 0 ('input') must be 3-D (N x C*prod(block_shape) x L), got shape " + Shape.toString(xs));
        if (!tx.dtype().isNumeric()) throw ctx.fail("input 0 ('input') of type " + tx.dtype().shortName() + " cannot be summed; Col2Im needs a numeric type");
        long[] image = ctx.requireInput(1).toLongArray(), block = ctx.requireInput(2).toLongArray();
        int r = image.length;
        if (block.length != r) throw ctx.fail("input 2 ('block_shape') " + Arrays.toString(block) + " must have as many values as input 1 ('image_shape') " + Arrays.toString(image));
        Window w = Window.read(ctx.attrs(), block, ctx::fail);
        long[] pads = new long[2 * r];
        long[] grid = w.outShape(image, pads, ctx::fail);
        int kk = Tensors.prod(block, 0, r), l = Tensors.prod(grid, 0, r), p = Tensors.prod(image, 0, r);
        if (xs[1] % kk != 0) throw ctx.fail("input 0 ('input') dim 1 = " + xs[1] + " is not a multiple of prod(block_shape) = " + kk);
        if (xs[2] != l) throw ctx.fail("input 0 ('input') has L = " + xs[2] + " blocks, but image_shape, block_shape and the attributes give " + l + " (" + Arrays.toString(grid) + ")");
        int n = (int) xs[0], c = (int) (xs[1] / kk);
        long[] ys = new long[2 + r];
        ys[0] = n;
        ys[1] = c;
        System.arraycopy(image, 0, ys, 2, r);
        double[] x = tx.toDoubleArray(), y = new double[n * c * p];
        int per = c * kk * l;
        for (int b = 0; b < n; b++) Im2Col.col2im(Arrays.copyOfRange(x, b * per, (b + 1) * per), c, grid, image, w, pads, y, b * c * p);
        ctx.setOutput(0, Tensors.fromDoubles(tx.dtype(), ys, y));
    }

    // ------------------------------------------------------------------ CenterCropPad

    private static int[] cropAxes(long[] axes, int rank, int count, java.util.function.Function<String, org.ge4j.ops.OpException> fail) {
        int[] a;
        if (axes == null) {
            a = new int[rank];
            for (int i = 0; i < rank; i++) a[i] = i;
        } else {
            a = new int[axes.length];
            for (int i = 0; i < axes.length; i++) {
                long v = axes[i] < 0 ? axes[i] + rank : axes[i];
                if (v < 0 || v >= rank) throw fail.apply("attribute 'axes' " + Arrays.toString(axes) + " has axis " + axes[i] + " out of range for rank " + rank);
                a[i] = (int) v;
            }
        }
        if (count >= 0 && count != a.length)
            throw fail.apply("input 1 ('shape') has " + count + " values but " + a.length + " axes are cropped/padded");
        return a;
    }

    static void inferCenterCropPad(InferenceContext ctx) {
        DataType t = ctx.inputType(0);
        Shape x = ctx.inputShape(0);
        if (!x.hasRank()) {
            ctx.setOutput(0, t, Shape.UNKNOWN_RANK);
            return;
        }
        Tensor s = ctx.constantInput(1);
        int[] axes = cropAxes(ctx.attrs().getInts("axes", null), x.rank(), s == null ? -1 : (int) s.size(), ctx::fail);
        List<Dim> dims = new ArrayList<>(x.dims());
        for (int i = 0; i < axes.length; i++) dims.set(axes[i], s == null ? Dim.UNKNOWN : Dim.of(s.getScalarLong(i)));
        ctx.setOutput(0, t, Shape.of(dims));
    }

    static void centerCropPad(KernelContext ctx) {
        Tensor tx = ctx.requireInput(0);
        long[] xs = tx.shape(), target = ctx.requireInput(1).toLongArray();
        int rank = xs.length;
        int[] axes = cropAxes(ctx.attrs().getInts("axes", null), rank, target.length, ctx::fail);
        long[] ys = xs.clone();
        long[] shift = new long[rank]; // input index = output index + shift
        for (int i = 0; i < axes.length; i++) {
            int a = axes[i];
            if (target[i] < 0) throw ctx.fail("input 1 ('shape') has negative size " + target[i]);
            ys[a] = target[i];
            shift[a] = xs[a] >= target[i] ? (xs[a] - target[i]) / 2 : -((target[i] - xs[a]) / 2);
        }
        Tensor y = Tensor.allocate(tx.dtype(), ys);
        int n = Tensors.count(ys);
        int[] xst = Im2Col.strides(xs);
        int[] idx = new int[rank];
        int scalars = tx.dtype().isComplex() ? 2 : 1;
        for (int o = 0; o < n; o++) {
            int src = 0;
            boolean inside = true;
            for (int d = 0; d < rank; d++) {
                long i = idx[d] + shift[d];
                if (i < 0 || i >= xs[d]) {
                    inside = false;
                    break;
                }
                src += (int) i * xst[d];
            }
            if (inside) copyElement(tx, src, y, o, scalars);
            Im2Col.advance(idx, ys, rank);
        }
        ctx.setOutput(0, y);
    }

    private static void copyElement(Tensor src, int si, Tensor dst, int di, int scalars) {
        DataType t = src.dtype();
        if (t == DataType.STRING) dst.setString(di, src.getString(si));
        else if (t.isFloatingPoint() || t.isComplex()) for (int k = 0; k < scalars; k++) dst.setScalarDouble((long) di * scalars + k, src.getScalarDouble((long) si * scalars + k));
        else dst.setScalarLong(di, src.getScalarLong(si));
    }
}
