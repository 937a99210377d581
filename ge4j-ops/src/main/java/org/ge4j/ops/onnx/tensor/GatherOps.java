package org.ge4j.ops.onnx.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Node;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.DataTypes;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/** Gather, GatherElements and GatherND; negative indices count from the end, out-of-range ones are errors. */
final class GatherOps {
    private GatherOps() {}

    static void register(OpRegistry r) {
        for (int v : new int[] {1, 11, 13})
            r.register(OpSchema.onnx("Gather", v).doc("Entries of 'data' along 'axis' picked by 'indices': out shape data[:axis] + indices + data[axis+1:].")
                    .input("data", "T").input("indices", "Tind").output("output", "T")
                    .types("T", TensorTypes.all(v)).types("Tind", DataTypes.INDEX).attr("axis", 0L)
                    .traits(Trait.PURE).inference(GatherOps::inferGather).build());
        r.registerReference("Gather", GatherOps::gatherKernel);

        for (int v : new int[] {11, 13})
            r.register(OpSchema.onnx("GatherElements", v).doc("out[p] = data[p with p[axis] = indices[p]]; out has the shape of 'indices'.")
                    .input("data", "T").input("indices", "Tind").output("output", "T")
                    .types("T", TensorTypes.all(v)).types("Tind", DataTypes.INDEX).attr("axis", 0L)
                    .traits(Trait.PURE).inference(GatherOps::inferGatherElements).build());
        r.registerReference("GatherElements", GatherOps::gatherElementsKernel);

        for (int v : new int[] {11, 12, 13}) {
            OpSchema.Builder b = OpSchema.onnx("GatherND", v).doc("Slices of 'data' addressed by the last dim of 'indices'" + (v >= 12 ? ", after 'batch_dims' shared leading dims." : "."))
                    .input("data", "T").input("indices", "tensor(int64)").output("output", "T").types("T", TensorTypes.all(v))
                    .traits(Trait.PURE).inference(GatherOps::inferGatherND);
            if (v >= 12) b.attr("batch_dims", 0L);
            r.register(b.build());
        }
        r.registerReference("GatherND", GatherOps::gatherNDKernel);
    }

    /** An index normalised into [0, dim), or an error naming the position it was read from. */
    static long index(Node node, String what, long idx, long dim, Tensor indices, long flat) {
        long i = idx < 0 ? idx + dim : idx;
        if (i < 0 || i >= dim)
            throw new OpException(node, what + " holds " + idx + " at " + position(indices, flat) + ", out of range for a dim of size " + dim
                    + " (expected [" + (-dim) + ", " + (dim - 1) + "])");
        return i;
    }

    /** The multi-index of a flat position, for messages. */
    static String position(Tensor t, long flat) {
        long[] p = new long[t.rank()];
        for (int d = t.rank() - 1; d >= 0; d--) {
            long n = t.dim(d);
            p[d] = n == 0 ? 0 : flat % n;
            flat = n == 0 ? 0 : flat / n;
        }
        return Arrays.toString(p);
    }

    // ------------------------------------------------------------------ Gather

    private static void inferGather(InferenceContext ctx) {
        Shape data = ctx.inputShape(0), ind = ctx.inputShape(1);
        if (!data.hasRank() || !ind.hasRank()) {
            ctx.setOutput(0, ctx.inputType(0), Shape.UNKNOWN_RANK);
            return;
        }
        if (data.rank() == 0) throw ctx.fail("input 0 ('data') must have rank >= 1, got a scalar");
        int a = Args.axis(ctx.node(), "attribute 'axis'", ctx.attrs().getInt("axis"), data.rank());
        List<Dim> out = new ArrayList<>(data.dims().subList(0, a));
        out.addAll(ind.dims());
        out.addAll(data.dims().subList(a + 1, data.rank()));
        ctx.setOutput(0, ctx.inputType(0), Shape.of(out));
    }

    private static void gatherKernel(KernelContext ctx) {
        Node node = ctx.node();
        Tensor data = ctx.requireInput(0), ind = ctx.requireInput(1);
        if (data.rank() == 0) throw ctx.fail("input 0 ('data') must have rank >= 1, got a scalar");
        int a = Args.axis(node, "attribute 'axis'", ctx.attrs().getInt("axis"), data.rank());
        long outer = 1, inner = 1, dim = data.dim(a);
        for (int d = 0; d < a; d++) outer *= data.dim(d);
        for (int d = a + 1; d < data.rank(); d++) inner *= data.dim(d);
        long[] idx = ind.toLongArray();
        long[] t1 = new long[idx.length];
        for (int k = 0; k < idx.length; k++) t1[k] = index(node, "input 1 ('indices')", idx[k], dim, ind, k) * inner;
        long[] shape = new long[data.rank() - 1 + ind.rank()];
        int j = 0;
        for (int d = 0; d < a; d++) shape[j++] = data.dim(d);
        for (int d = 0; d < ind.rank(); d++) shape[j++] = ind.dim(d);
        for (int d = a + 1; d < data.rank(); d++) shape[j++] = data.dim(d);
        Tensor out = ctx.allocateOutput(0, data.dtype(), shape);
        long[][] off = {OffsetGather.arithmetic(0, 1, dim * inner, (int) outer), t1, OffsetGather.arithmetic(0, 1, 1, (int) inner)};
        OffsetGather.gather(data, out, off, null);
    }

    // ------------------------------------------------------------------ GatherElements

    private static void inferGatherElements(InferenceContext ctx) {
        Shape data = ctx.inputShape(0), ind = ctx.inputShape(1);
        if (data.hasRank() && ind.hasRank()) {
            if (data.rank() != ind.rank())
                throw ctx.fail("input 1 ('indices') has rank " + ind.rank() + " but input 0 ('data') has rank " + data.rank() + "; they must be equal");
            Args.axis(ctx.node(), "attribute 'axis'", ctx.attrs().getInt("axis"), data.rank());
        }
        ctx.setOutput(0, ctx.inputType(0), ind);
    }

    private static void gatherElementsKernel(KernelContext ctx) {
        Node node = ctx.node();
        Tensor data = ctx.requireInput(0), ind = ctx.requireInput(1);
        int rank = data.rank();
        if (ind.rank() != rank)
            throw ctx.fail("input 1 ('indices') has shape " + Shape.toString(ind.shape()) + " but input 0 ('data') has shape "
                    + Shape.toString(data.shape()) + "; the ranks must be equal");
        int a = Args.axis(node, "attribute 'axis'", ctx.attrs().getInt("axis"), rank);
        checkWithin(ctx, ind, data, a, "input 1 ('indices')");
        Tensor out = ctx.allocateOutput(0, data.dtype(), ind.shape());
        Elements.Mover m = Elements.mover(data, out);
        long[] st = OffsetGather.strides(data.shape());
        forEachPosition(ind.shape(), (flat, p) -> {
            long src = 0;
            for (int d = 0; d < rank; d++) src += d == a ? 0 : p[d] * st[d];
            src += index(node, "input 1 ('indices')", ind.getScalarLong(flat), data.dim(a), ind, flat) * st[a];
            m.move(src, flat);
        });
    }

    /** Fails unless {@code t}'s dims fit in {@code data}'s on every axis but {@code axis}. */
    static void checkWithin(KernelContext ctx, Tensor t, Tensor data, int axis, String what) {
        for (int d = 0; d < data.rank(); d++)
            if (d != axis && t.dim(d) > data.dim(d))
                throw ctx.fail(what + " has shape " + Shape.toString(t.shape()) + ", larger than input 0 ('data') " + Shape.toString(data.shape())
                        + " on dim " + d);
    }

    /** Visits every position of a shape in row-major order with its flat index (the array is reused). */
    interface PositionVisitor {
        void visit(long flat, long[] position);
    }

    static void forEachPosition(long[] shape, PositionVisitor v) {
        long n = Shape.elementCount(shape);
        long[] p = new long[shape.length];
        for (long f = 0; f < n; f++) {
            v.visit(f, p);
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++p[d] < shape[d]) break;
                p[d] = 0;
            }
        }
    }

    // ------------------------------------------------------------------ GatherND

    private static int batchDims(Node node, org.ge4j.ops.Attrs attrs) {
        long b = attrs.getInt("batch_dims", 0);
        if (b < 0) throw new OpException(node, "attribute 'batch_dims' must not be negative, got " + b);
        return (int) b;
    }

    private static void inferGatherND(InferenceContext ctx) {
        Node node = ctx.node();
        Shape data = ctx.inputShape(0), ind = ctx.inputShape(1);
        int b = batchDims(node, ctx.attrs());
        if (!data.hasRank() || !ind.hasRank() || ind.rank() == 0 || !(ind.dim(ind.rank() - 1) instanceof Dim.Static ms)) {
            ctx.setOutput(0, ctx.inputType(0), Shape.UNKNOWN_RANK);
            return;
        }
        int m = (int) ms.value();
        checkND(node, data.rank(), ind.rank(), m, b);
        List<Dim> out = new ArrayList<>();
        for (int d = 0; d < ind.rank() - 1; d++)
            out.add(d < b ? Dims.unify(node, ind.dim(d), data.dim(d), "batch dim " + d + " of 'indices' and 'data' differ") : ind.dim(d));
        out.addAll(data.dims().subList(b + m, data.rank()));
        ctx.setOutput(0, ctx.inputType(0), Shape.of(out));
    }

    private static void checkND(Node node, int r, int q, int m, int b) {
        if (q < 1) throw new OpException(node, "input 1 ('indices') must have rank >= 1");
        if (b >= Math.min(r, q))
            throw new OpException(node, "attribute 'batch_dims' = " + b + " must be less than the ranks of 'data' (" + r + ") and 'indices' (" + q + ")");
        if (m < 1 || m > r - b)
            throw new OpException(node, "the last dim of 'indices' is " + m + " but must be in [1, " + (r - b) + "] (rank of 'data' minus batch_dims)");
    }

    private static void gatherNDKernel(KernelContext ctx) {
        Node node = ctx.node();
        Tensor data = ctx.requireInput(0), ind = ctx.requireInput(1);
        int b = batchDims(node, ctx.attrs());
        int r = data.rank(), q = ind.rank();
        if (q < 1) throw ctx.fail("input 1 ('indices') must have rank >= 1");
        int m = (int) ind.dim(q - 1);
        checkND(node, r, q, m, b);
        for (int d = 0; d < b; d++)
            if (ind.dim(d) != data.dim(d))
                throw ctx.fail("batch dim " + d + " differs: 'indices' " + Shape.toString(ind.shape()) + " vs 'data' " + Shape.toString(data.shape()));
        long batches = 1, slice = 1, perBatch = 1;
        for (int d = 0; d < b; d++) batches *= data.dim(d);
        for (int d = b + m; d < r; d++) slice *= data.dim(d);
        for (int d = b; d < q - 1; d++) perBatch *= ind.dim(d);
        long batchStride = 1;
        for (int d = b; d < r; d++) batchStride *= data.dim(d);
        long[] st = OffsetGather.strides(data.shape());
        long[] shape = new long[q - 1 + r - b - m];
        int j = 0;
        for (int d = 0; d < q - 1; d++) shape[j++] = ind.dim(d);
        for (int d = b + m; d < r; d++) shape[j++] = data.dim(d);
        Tensor out = ctx.allocateOutput(0, data.dtype(), shape);
        Elements.Mover mv = Elements.mover(data, out);
        long[] idx = ind.toLongArray();
        long tuple = 0;
        for (long bi = 0; bi < batches; bi++) {
            for (long k = 0; k < perBatch; k++, tuple++) {
                long src = bi * batchStride;
                for (int t = 0; t < m; t++) {
                    long flat = tuple * m + t;
                    src += index(node, "input 1 ('indices')", idx[(int) flat], data.dim(b + t), ind, flat) * st[b + t];
                }
                mv.run(src, tuple * slice, slice);
            }
        }
    }
}
