package org.ge4j.ops.onnx.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;
import org.ge4j.ops.util.Broadcast;

/** Einsum (general equations: ellipsis, repeated indices, implicit output) and Det. */
public final class LinalgOps {
    private LinalgOps() {}

    public static void register(OpRegistry r) {
        r.register(OpSchema.onnx("Einsum", 12).doc("Einstein summation over the operands as the equation says (numpy.einsum semantics).")
                .variadicInput("Inputs", "T", 1).output("Output", "T").types("T", NnTypes.NUM_ALL_INTS)
                .requiredAttr("equation", AttrType.STRING).traits(Trait.PURE).inference(LinalgOps::inferEinsum).build());
        r.registerReference("Einsum", LinalgOps::einsum);
        r.register(OpSchema.onnx("Det", 11).doc("Determinant of each square matrix in the last two dims.")
                .input("X", "T").output("Y", "T").types("T", NnTypes.F).traits(Trait.PURE).inference(LinalgOps::inferDet).build());
        r.registerReference("Det", LinalgOps::det);
    }

    // ------------------------------------------------------------------ Einsum

    static void inferEinsum(InferenceContext ctx) {
        DataType t = ctx.inputType(0);
        List<Shape> shapes = new ArrayList<>();
        for (int i = 0; i < ctx.inputCount(); i++) shapes.add(ctx.inputShape(i));
        EinsumEquation eq = EinsumEquation.parse(ctx.attrs().getString("equation"), ctx.inputCount(), ctx::fail);
        for (Shape s : shapes) {
            if (!s.hasRank()) {
                ctx.setOutput(0, t, eq.hasEllipsis() ? Shape.UNKNOWN_RANK : Shape.unknownDims(eq.output().length));
                return;
            }
        }
        // label sizes (symbolic kept), ellipsis broadcast
        Dim[] label = new Dim[128];
        List<Shape> ellipsisParts = new ArrayList<>();
        for (int i = 0; i < shapes.size(); i++) {
            Shape s = shapes.get(i);
            int[] term = eq.inputs().get(i);
            int ell = eq.ellipsisRank(i, s.rank(), ctx::fail);
            int d = 0;
            for (int c : term) {
                if (c == EinsumEquation.ELLIPSIS) {
                    ellipsisParts.add(Shape.of(Infer.dims(s, d, d + ell)));
                    d += ell;
                    continue;
                }
                Dim dim = s.dim(d++);
                if (label[c] == null || label[c] instanceof Dim.Unknown) label[c] = dim;
                else Infer.requireEqual(ctx, label[c], dim, "label '" + (char) c + "' has size " + label[c] + " in one operand and " + dim + " in input " + i);
            }
        }
        Shape ell = ellipsisParts.isEmpty() ? Shape.SCALAR : Broadcast.shape(ellipsisParts.toArray(new Shape[0]));
        if (ell == null) throw ctx.fail("the '...' dims of the operands cannot be broadcast: " + ellipsisParts);
        List<Dim> out = new ArrayList<>();
        for (int c : eq.output()) {
            if (c == EinsumEquation.ELLIPSIS) {
                if (!ell.hasRank()) {
                    ctx.setOutput(0, t, Shape.UNKNOWN_RANK);
                    return;
                }
                out.addAll(ell.dims());
            } else out.add(label[c]);
        }
        ctx.setOutput(0, t, Shape.of(out));
    }

    static void einsum(KernelContext ctx) {
        int nIn = ctx.inputCount();
        EinsumEquation eq = EinsumEquation.parse(ctx.attrs().getString("equation"), nIn, ctx::fail);
        Tensor[] in = new Tensor[nIn];
        for (int i = 0; i < nIn; i++) in[i] = ctx.requireInput(i);
        // ellipsis rank = the largest over operands; pseudo-labels 0..ellRank-1 (right-aligned)
        int[] ellRanks = new int[nIn];
        int ellRank = 0;
        for (int i = 0; i < nIn; i++) {
            ellRanks[i] = eq.ellipsisRank(i, in[i].rank(), ctx::fail);
            ellRank = Math.max(ellRank, ellRanks[i]);
        }
        long[] ellSize = new long[ellRank];
        Arrays.fill(ellSize, 1);
        long[] labelSize = new long[128];
        Arrays.fill(labelSize, -1);
        for (int i = 0; i < nIn; i++) {
            long[] s = in[i].shape();
            int d = 0;
            for (int c : eq.inputs().get(i)) {
                if (c == EinsumEquation.ELLIPSIS) {
                    for (int e = 0; e < ellRanks[i]; e++) {
                        int slot = ellRank - ellRanks[i] + e;
                        long sz = s[d + e];
                        if (sz != 1 && ellSize[slot] != 1 && ellSize[slot] != sz)
                            throw ctx.fail("the '...' dims of input " + i + " " + Shape.toString(s) + " do not broadcast with the other operands");
                        if (sz != 1) ellSize[slot] = sz;
                    }
                    d += ellRanks[i];
                    continue;
                }
                long sz = s[d++];
                if (labelSize[c] >= 0 && labelSize[c] != sz)
                    throw ctx.fail("label '" + (char) c + "' has size " + labelSize[c] + " in one operand and " + sz + " in input " + i + " " + Shape.toString(s));
                labelSize[c] = sz;
            }
        }
        // loop axes: output axes first, then summed labels
        List<long[]> axes = new ArrayList<>(); // {kind(0 label, 1 ellipsis slot), id}
        List<Long> sizes = new ArrayList<>();
        boolean[] inOutput = new boolean[128];
        boolean ellInOutput = false;
        for (int c : eq.output()) {
            if (c == EinsumEquation.ELLIPSIS) {
                ellInOutput = true;
                for (int e = 0; e < ellRank; e++) {
                    axes.add(new long[] {1, e});
                    sizes.add(ellSize[e]);
                }
            } else {
                inOutput[c] = true;
                axes.add(new long[] {0, c});
                sizes.add(labelSize[c]);
            }
        }
        int outAxes = axes.size();
        if (!ellInOutput) for (int e = 0; e < ellRank; e++) {
            axes.add(new long[] {1, e});
            sizes.add(ellSize[e]);
        }
        for (int c = 0; c < 128; c++) if (labelSize[c] >= 0 && !inOutput[c]) {
            axes.add(new long[] {0, c});
            sizes.add(labelSize[c]);
        }
        int na = axes.size();
        long[] dims = new long[na];
        for (int a = 0; a < na; a++) dims[a] = sizes.get(a);
        long[] outShape = Arrays.copyOf(dims, outAxes);
        // strides of each operand along each loop axis (repeated labels add up: diagonals)
        int[][] st = new int[nIn][na];
        for (int i = 0; i < nIn; i++) {
            long[] s = in[i].shape();
            int[] ts = Im2Col.strides(s);
            int d = 0;
            for (int c : eq.inputs().get(i)) {
                if (c == EinsumEquation.ELLIPSIS) {
                    for (int e = 0; e < ellRanks[i]; e++) {
                        int slot = ellRank - ellRanks[i] + e;
                        if (s[d + e] != 1) st[i][axisOf(axes, 1, slot)] += ts[d + e];
                    }
                    d += ellRanks[i];
                    continue;
                }
                st[i][axisOf(axes, 0, c)] += ts[d++];
            }
        }
        int[] outSt = Im2Col.strides(outShape);
        int outCount = Tensors.count(outShape);
        long total = 1;
        for (long d : dims) total *= d;
        DataType t = in[0].dtype();
        boolean integral = NnTypes.isIntegral(t);
        double[][] xd = new double[nIn][];
        long[][] xl = new long[nIn][];
        for (int i = 0; i < nIn; i++) {
            if (integral) xl[i] = in[i].toLongArray();
            else xd[i] = in[i].toDoubleArray();
        }
        double[] yd = integral ? null : new double[outCount];
        long[] yl = integral ? new long[outCount] : null;
        int[] idx = new int[na];
        int[] off = new int[nIn];
        int o = 0;
        for (long it = 0; it < total; it++) {
            if (integral) {
                long p = 1;
                for (int i = 0; i < nIn; i++) p *= xl[i][off[i]];
                yl[o] += p;
            } else {
                double p = 1;
                for (int i = 0; i < nIn; i++) p *= xd[i][off[i]];
                yd[o] += p;
            }
            for (int a = na - 1; a >= 0; a--) {
                idx[a]++;
                for (int i = 0; i < nIn; i++) off[i] += st[i][a];
                if (a < outAxes) o += outSt[a];
                if (idx[a] < dims[a]) break;
                for (int i = 0; i < nIn; i++) off[i] -= st[i][a] * idx[a];
                if (a < outAxes) o -= outSt[a] * idx[a];
                idx[a] = 0;
            }
        }
        ctx.setOutput(0, integral ? Tensors.fromLongs(t, outShape, yl) : Tensors.fromDoubles(t, outShape, yd));
    }

    private static int axisOf(List<long[]> axes, int kind, int id) {
        for (int a = 0; a < axes.size(); a++) if (axes.get(a)[0] == kind && axes.get(a)[1] == id) return a;
        throw new IllegalStateException("no loop axis for " + (kind == 0 ? "label " + (char) id : "ellipsis slot " + id));
    }

    // ------------------------------------------------------------------ Det

    static void inferDet(InferenceContext ctx) {
        DataType t = ctx.inputType(0);
        Shape x = ctx.inputShape(0);
        if (!x.hasRank()) {
            ctx.setOutput(0, t, Shape.UNKNOWN_RANK);
            return;
        }
        if (x.rank() < 2) throw ctx.fail("input 0 ('X') must have rank >= 2 (* x M x M), got shape " + x);
        Infer.requireEqual(ctx, x.dim(x.rank() - 2), x.dim(x.rank() - 1), "input 0 ('X') must hold square matrices in its last two dims, got shape " + x);
        ctx.setOutput(0, t, Shape.of(Infer.dims(x, 0, x.rank() - 2)));
    }

    static void det(KernelContext ctx) {
        Tensor tx = ctx.requireInput(0);
        long[] xs = tx.shape();
        int r = xs.length;
        if (r < 2 || xs[r - 1] != xs[r - 2]) throw ctx.fail("input 0 ('X') must hold square matrices in its last two dims (* x M x M), got shape " + Shape.toString(xs));
        int m = (int) xs[r - 1], batch = Tensors.prod(xs, 0, r - 2);
        double[] x = tx.toDoubleArray(), y = new double[batch];
        double[] a = new double[m * m];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(x, b * m * m, a, 0, m * m);
            y[b] = luDeterminant(a, m);
        }
        ctx.setOutput(0, Tensors.fromDoubles(tx.dtype(), Arrays.copyOf(xs, r - 2), y));
    }

    /** Determinant by LU decomposition with partial pivoting (destroys {@code a}). */
    static double luDeterminant(double[] a, int m) {
        double det = 1;
        for (int col = 0; col < m; col++) {
            int piv = col;
            for (int i = col + 1; i < m; i++) if (Math.abs(a[i * m + col]) > Math.abs(a[piv * m + col])) piv = i;
            if (a[piv * m + col] == 0) return 0;
            if (piv != col) {
                for (int j = 0; j < m; j++) {
                    double tmp = a[col * m + j];
                    a[col * m + j] = a[piv * m + j];
                    a[piv * m + j] = tmp;
                }
                det = -det;
            }
            double d = a[col * m + col];
            det *= d;
            for (int i = col + 1; i < m; i++) {
                double f = a[i * m + col] / d;
                if (f == 0) continue;
                for (int j = col + 1; j < m; j++) a[i * m + j] -= f * a[col * m + j];
            }
        }
        return det;
    }
}
