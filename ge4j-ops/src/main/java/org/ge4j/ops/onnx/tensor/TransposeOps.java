package org.ge4j.ops.onnx.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ge4j.ir.AttrType;
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

/** The permuting ops: Transpose, DepthToSpace, SpaceToDepth. */
final class TransposeOps {
    private TransposeOps() {}

    static void register(OpRegistry r) {
        for (int v : new int[] {1, 13})
            r.register(OpSchema.onnx("Transpose", v).doc("The data with its dims permuted: output dim i is input dim perm[i] (default: reversed).")
                    .input("data", "T").output("transposed", "T").types("T", TensorTypes.all(v))
                    .optionalAttr("perm", AttrType.INTS).traits(Trait.PURE).inference(TransposeOps::inferTranspose).build());
        r.registerReference("Transpose", TransposeOps::transposeKernel);

        for (int v : new int[] {1, 11, 13}) {
            OpSchema.Builder b = OpSchema.onnx("DepthToSpace", v).doc("Moves blocks of channels [N,C,H,W] into spatial blocks [N,C/b²,H·b,W·b].")
                    .input("input", "T").output("output", "T").types("T", TensorTypes.all(v))
                    .requiredAttr("blocksize", AttrType.INT).traits(Trait.PURE).inference(ctx -> inferBlocks(ctx, true));
            if (v >= 11) b.attr("mode", "DCR");
            r.register(b.build());
        }
        r.registerReference("DepthToSpace", ctx -> blocksKernel(ctx, true));
        for (int v : new int[] {1, 13})
            r.register(OpSchema.onnx("SpaceToDepth", v).doc("Moves spatial blocks [N,C,H,W] into channels [N,C·b²,H/b,W/b].")
                    .input("input", "T").output("output", "T").types("T", TensorTypes.all(v))
                    .requiredAttr("blocksize", AttrType.INT).traits(Trait.PURE).inference(ctx -> inferBlocks(ctx, false)).build());
        r.registerReference("SpaceToDepth", ctx -> blocksKernel(ctx, false));
    }

    // ------------------------------------------------------------------ Transpose

    private static int[] perm(Node node, long[] perm, int rank) {
        int[] p = new int[rank];
        if (perm == null) {
            for (int i = 0; i < rank; i++) p[i] = rank - 1 - i;
            return p;
        }
        if (perm.length != rank)
            throw new OpException(node, "attribute 'perm' " + Arrays.toString(perm) + " has " + perm.length + " entries but the input has rank " + rank);
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            long a = perm[i];
            if (a < 0 || a >= rank || seen[(int) a])
                throw new OpException(node, "attribute 'perm' " + Arrays.toString(perm) + " is not a permutation of 0.." + (rank - 1));
            seen[(int) a] = true;
            p[i] = (int) a;
        }
        return p;
    }

    private static void inferTranspose(InferenceContext ctx) {
        Shape in = ctx.inputShape(0);
        long[] permAttr = ctx.attrs().getInts("perm", null);
        if (!in.hasRank()) {
            ctx.setOutput(0, ctx.inputType(0), permAttr == null ? Shape.UNKNOWN_RANK : Shape.unknownDims(permAttr.length));
            return;
        }
        int[] p = perm(ctx.node(), permAttr, in.rank());
        List<Dim> out = new ArrayList<>();
        for (int a : p) out.add(in.dim(a));
        ctx.setOutput(0, ctx.inputType(0), Shape.of(out));
    }

    private static void transposeKernel(KernelContext ctx) {
        Tensor in = ctx.requireInput(0);
        int[] p = perm(ctx.node(), ctx.attrs().getInts("perm", null), in.rank());
        long[] st = OffsetGather.strides(in.shape());
        long[] shape = new long[p.length];
        long[][] offsets = new long[p.length][];
        for (int i = 0; i < p.length; i++) {
            shape[i] = in.dim(p[i]);
            offsets[i] = OffsetGather.arithmetic(0, 1, st[p[i]], (int) shape[i]);
        }
        Tensor out = ctx.allocateOutput(0, in.dtype(), shape);
        OffsetGather.gather(in, out, offsets, null);
    }

    // ------------------------------------------------------------------ DepthToSpace / SpaceToDepth

    private static long blocksize(Node node, org.ge4j.ops.Attrs attrs) {
        long b = attrs.getInt("blocksize");
        if (b <= 0) throw new OpException(node, "attribute 'blocksize' must be positive, got " + b);
        return b;
    }

    /** True for CRD mode (column-row-depth), false for DCR (the default, and the only mode before opset 11). */
    private static boolean crd(Node node, org.ge4j.ops.Attrs attrs) {
        String m = attrs.getString("mode", "DCR");
        if (!m.equals("DCR") && !m.equals("CRD")) throw new OpException(node, "attribute 'mode' must be DCR or CRD, got '" + m + "'");
        return m.equals("CRD");
    }

    private static void inferBlocks(InferenceContext ctx, boolean toSpace) {
        Node node = ctx.node();
        Shape in = ctx.inputShape(0);
        long b = blocksize(node, ctx.attrs());
        if (toSpace) crd(node, ctx.attrs());
        if (!in.hasRank()) {
            ctx.setOutput(0, ctx.inputType(0), Shape.unknownDims(4));
            return;
        }
        if (in.rank() != 4) throw new OpException(node, "input 0 ('input') must have rank 4 [N,C,H,W], got shape " + in);
        Dim n = in.dim(0), c = in.dim(1), h = in.dim(2), w = in.dim(3);
        List<Dim> out;
        if (toSpace) {
            if (c instanceof Dim.Static s && s.value() % (b * b) != 0)
                throw new OpException(node, "input channels " + s.value() + " are not divisible by blocksize² = " + b * b);
            out = List.of(n, Dims.div(c, b * b), Dims.times(h, b), Dims.times(w, b));
        } else {
            for (Dim d : List.of(h, w))
                if (d instanceof Dim.Static s && s.value() % b != 0)
                    throw new OpException(node, "input height and width " + h + "x" + w + " must be divisible by blocksize " + b);
            out = List.of(n, Dims.times(c, b * b), Dims.div(h, b), Dims.div(w, b));
        }
        ctx.setOutput(0, ctx.inputType(0), Shape.of(out));
    }

    private static void blocksKernel(KernelContext ctx, boolean toSpace) {
        Node node = ctx.node();
        Tensor in = ctx.requireInput(0);
        long b = blocksize(node, ctx.attrs());
        if (in.rank() != 4) throw new OpException(node, "input 0 ('input') must have rank 4 [N,C,H,W], got shape " + Shape.toString(in.shape()));
        long n = in.dim(0), c = in.dim(1), h = in.dim(2), w = in.dim(3);
        long[] st = OffsetGather.strides(in.shape());
        long sN = st[0], sC = st[1], sH = st[2], sW = st[3];
        int bb = (int) b;
        long[][] off = new long[4][];
        Tensor out;
        if (toSpace) {
            if (c % (b * b) != 0) throw new OpException(node, "input channels " + c + " are not divisible by blocksize² = " + b * b);
            boolean crd = crd(node, ctx.attrs());
            long c2 = c / (b * b);
            out = ctx.allocateOutput(0, in.dtype(), n, c2, h * b, w * b);
            off[0] = OffsetGather.arithmetic(0, 1, sN, (int) n);
            off[1] = OffsetGather.arithmetic(0, 1, crd ? b * b * sC : sC, (int) c2);
            off[2] = new long[(int) (h * b)];
            off[3] = new long[(int) (w * b)];
            // DCR: channel = (by*b + bx)*C' + c';  CRD: channel = c'*b*b + by*b + bx
            for (int y = 0; y < h * b; y++) off[2][y] = (y / bb) * sH + (y % bb) * (crd ? b : b * c2) * sC;
            for (int x = 0; x < w * b; x++) off[3][x] = (x / bb) * sW + (x % bb) * (crd ? 1 : c2) * sC;
        } else {
            if (h % b != 0 || w % b != 0)
                throw new OpException(node, "input height and width " + h + "x" + w + " must be divisible by blocksize " + b);
            long c2 = c * b * b;
            out = ctx.allocateOutput(0, in.dtype(), n, c2, h / b, w / b);
            off[0] = OffsetGather.arithmetic(0, 1, sN, (int) n);
            off[1] = new long[(int) c2];
            // output channel = (by*b + bx)*C + c
            for (int k = 0; k < c2; k++) {
                long cc = k % c, t = k / c;
                off[1][k] = cc * sC + (t / b) * sH + (t % b) * sW;
            }
            off[2] = OffsetGather.arithmetic(0, b, sH, (int) (h / b));
            off[3] = OffsetGather.arithmetic(0, b, sW, (int) (w / b));
        }
        OffsetGather.gather(in, out, off, null);
    }
}
