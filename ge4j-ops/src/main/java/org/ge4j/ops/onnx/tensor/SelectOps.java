package org.ge4j.ops.onnx.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Node;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/** The ops whose output sizes depend on the data: Compress, NonZero and Unique. */
final class SelectOps {
    private SelectOps() {}

    static void register(OpRegistry r) {
        for (int v : new int[] {9, 11})
            r.register(OpSchema.onnx("Compress", v).doc("The slices along 'axis' (or elements of the flattened input) where 'condition' is true.")
                    .input("input", "T").input("condition", "T1").output("output", "T")
                    .types("T", TensorTypes.ALL_V1).types("T1", DataType.BOOL).optionalAttr("axis", AttrType.INT)
                    .traits(Trait.PURE).inference(SelectOps::inferCompress).build());
        r.registerReference("Compress", SelectOps::compressKernel);

        for (int v : new int[] {9, 13})
            r.register(OpSchema.onnx("NonZero", v).doc("The indices of the non-zero elements, one row per input dim: int64 [rank, count].")
                    .input("X", "T").output("Y", "tensor(int64)").types("T", TensorTypes.all(v))
                    .traits(Trait.PURE).inference(SelectOps::inferNonZero).build());
        r.registerReference("NonZero", SelectOps::nonZeroKernel);

        r.register(OpSchema.onnx("Unique", 11).doc("The unique elements (or slices along 'axis'), sorted or in order of first occurrence, "
                        + "with their first indices, the inverse mapping and their counts.")
                .input("X", "T").output("Y", "T").optionalOutput("indices", "tensor(int64)")
                .optionalOutput("inverse_indices", "tensor(int64)").optionalOutput("counts", "tensor(int64)")
                .types("T", TensorTypes.ALL_V1).optionalAttr("axis", AttrType.INT).attr("sorted", 1L)
                .traits(Trait.PURE).inference(SelectOps::inferUnique).build());
        r.registerReference("Unique", SelectOps::uniqueKernel);
    }

    // ------------------------------------------------------------------ Compress

    private static void inferCompress(InferenceContext ctx) {
        Node node = ctx.node();
        Shape in = ctx.inputShape(0), cond = ctx.inputShape(1);
        if (cond.hasRank() && cond.rank() != 1) throw ctx.fail("input 1 ('condition') must be 1-D, got shape " + cond);
        Tensor c = ctx.constantInput(1);
        Dim count = Dim.UNKNOWN;
        if (c != null) {
            long n = 0;
            for (boolean b : c.toBooleanArray()) if (b) n++;
            count = Dim.of(n);
        }
        if (!node.hasAttr("axis")) {
            ctx.setOutput(0, ctx.inputType(0), Shape.of(List.of(count)));
            return;
        }
        if (!in.hasRank()) {
            ctx.setOutput(0, ctx.inputType(0), Shape.UNKNOWN_RANK);
            return;
        }
        int a = Args.axis(node, "attribute 'axis'", node.attrInt("axis", 0), in.rank());
        List<Dim> out = Dims.list(in);
        out.set(a, count);
        ctx.setOutput(0, ctx.inputType(0), Shape.of(out));
    }

    private static void compressKernel(KernelContext ctx) {
        Node node = ctx.node();
        Tensor in = ctx.requireInput(0), cond = ctx.requireInput(1);
        if (cond.rank() != 1) throw ctx.fail("input 1 ('condition') must be 1-D, got shape " + Shape.toString(cond.shape()));
        boolean flat = !node.hasAttr("axis");
        int a = flat ? 0 : Args.axis(node, "attribute 'axis'", node.attrInt("axis", 0), in.rank());
        long len = flat ? in.size() : in.dim(a);
        long outer = 1, inner = 1;
        if (!flat) {
            for (int d = 0; d < a; d++) outer *= in.dim(d);
            for (int d = a + 1; d < in.rank(); d++) inner *= in.dim(d);
        }
        boolean[] c = cond.toBooleanArray();
        List<Long> picked = new ArrayList<>();
        for (int j = 0; j < c.length; j++) {
            if (!c[j]) continue;
            if (j >= len)
                throw ctx.fail("input 1 ('condition') selects index " + j + " but the " + (flat ? "flattened input has " : "axis has ") + len + " entries");
            picked.add((long) j * inner);
        }
        long[] shape;
        if (flat) shape = new long[] {picked.size()};
        else {
            shape = in.shape();
            shape[a] = picked.size();
        }
        Tensor out = ctx.allocateOutput(0, in.dtype(), shape);
        long[][] off = {OffsetGather.arithmetic(0, 1, len * inner, (int) outer), picked.stream().mapToLong(Long::longValue).toArray(),
                OffsetGather.arithmetic(0, 1, 1, (int) inner)};
        OffsetGather.gather(in, out, off, null);
    }

    // ------------------------------------------------------------------ NonZero

    private static void inferNonZero(InferenceContext ctx) {
        Shape in = ctx.inputShape(0);
        ctx.setOutput(0, DataType.INT64, Shape.of(List.of(in.hasRank() ? Dim.of(in.rank()) : Dim.UNKNOWN, Dim.UNKNOWN)));
    }

    private static void nonZeroKernel(KernelContext ctx) {
        Tensor in = ctx.requireInput(0);
        int rank = in.rank();
        List<Long> hits = new ArrayList<>();
        for (long i = 0; i < in.size(); i++) if (Elements.isNonZero(in, i)) hits.add(i);
        int n = hits.size();
        Tensor out = ctx.allocateOutput(0, DataType.INT64, rank, n);
        long[] st = OffsetGather.strides(in.shape());
        for (int k = 0; k < n; k++) {
            long f = hits.get(k);
            for (int d = 0; d < rank; d++) {
                out.setScalarLong((long) d * n + k, f / st[d]);
                f %= st[d];
            }
        }
    }

    // ------------------------------------------------------------------ Unique

    private static void inferUnique(InferenceContext ctx) {
        Node node = ctx.node();
        Shape in = ctx.inputShape(0);
        DataType t = ctx.inputType(0);
        Shape y;
        Dim items;
        if (!node.hasAttr("axis")) {
            y = Shape.unknownDims(1);
            items = in.hasRank() ? Dims.product(in.dims()) : Dim.UNKNOWN;
        } else if (in.hasRank()) {
            int a = Args.axis(node, "attribute 'axis'", node.attrInt("axis", 0), in.rank());
            List<Dim> dims = Dims.list(in);
            items = dims.get(a);
            dims.set(a, Dim.UNKNOWN);
            y = Shape.of(dims);
        } else {
            y = Shape.UNKNOWN_RANK;
            items = Dim.UNKNOWN;
        }
        ctx.setOutput(0, t, y);
        ctx.setOutput(1, DataType.INT64, Shape.unknownDims(1));
        ctx.setOutput(2, DataType.INT64, Shape.of(List.of(items)));
        ctx.setOutput(3, DataType.INT64, Shape.unknownDims(1));
    }

    private static void uniqueKernel(KernelContext ctx) {
        Node node = ctx.node();
        Tensor in = ctx.requireInput(0);
        boolean sorted = ctx.attrs().getInt("sorted", 1) != 0;
        boolean flat = !node.hasAttr("axis");
        int a = flat ? 0 : Args.axis(node, "attribute 'axis'", node.attrInt("axis", 0), in.rank());
        long outer = 1, inner = 1;
        int items = (int) (flat ? in.size() : in.dim(a));
        if (!flat) {
            for (int d = 0; d < a; d++) outer *= in.dim(d);
            for (int d = a + 1; d < in.rank(); d++) inner *= in.dim(d);
        }
        long rowLen = items * inner, inn = inner, out0 = outer;
        Elements.Comparer cmp = Elements.comparer(in);
        // compare item i and item j: element by element over (outer, inner) in row-major order
        java.util.Comparator<Integer> byValue = (i, j) -> {
            for (long o = 0; o < out0; o++)
                for (long k = 0; k < inn; k++) {
                    int c = cmp.compare(o * rowLen + i * inn + k, o * rowLen + j * inn + k);
                    if (c != 0) return c;
                }
            return 0;
        };
        Integer[] order = new Integer[items];
        for (int i = 0; i < items; i++) order[i] = i;
        Arrays.sort(order, byValue.thenComparing(Integer::compare));
        // groups of equal items: first occurrence (smallest index) and count
        List<int[]> groups = new ArrayList<>(); // {first, count}
        int[] groupOf = new int[items];
        for (int p = 0; p < items; p++) {
            if (p == 0 || byValue.compare(order[p - 1], order[p]) != 0) groups.add(new int[] {order[p], 0});
            int[] g = groups.get(groups.size() - 1);
            g[1]++;
            groupOf[order[p]] = groups.size() - 1;
        }
        int u = groups.size();
        Integer[] rank = new Integer[u];
        for (int g = 0; g < u; g++) rank[g] = g;
        if (!sorted) Arrays.sort(rank, (g1, g2) -> Integer.compare(groups.get(g1)[0], groups.get(g2)[0]));
        int[] position = new int[u];
        for (int p = 0; p < u; p++) position[rank[p]] = p;

        long[] yShape;
        if (flat) yShape = new long[] {u};
        else {
            yShape = in.shape();
            yShape[a] = u;
        }
        Tensor y = ctx.allocateOutput(0, in.dtype(), yShape);
        long[] picked = new long[u];
        for (int p = 0; p < u; p++) picked[p] = groups.get(rank[p])[0] * inner;
        OffsetGather.gather(in, y, new long[][] {OffsetGather.arithmetic(0, 1, rowLen, (int) outer), picked,
                OffsetGather.arithmetic(0, 1, 1, (int) inner)}, null);
        if (ctx.wantsOutput(1)) {
            Tensor t = ctx.allocateOutput(1, DataType.INT64, u);
            for (int p = 0; p < u; p++) t.setScalarLong(p, groups.get(rank[p])[0]);
        }
        if (ctx.wantsOutput(2)) {
            Tensor t = ctx.allocateOutput(2, DataType.INT64, items);
            for (int i = 0; i < items; i++) t.setScalarLong(i, position[groupOf[i]]);
        }
        if (ctx.wantsOutput(3)) {
            Tensor t = ctx.allocateOutput(3, DataType.INT64, u);
            for (int p = 0; p < u; p++) t.setScalarLong(p, groups.get(rank[p])[1]);
        }
    }
}
