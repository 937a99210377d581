package org.ge4j.ops.packed;

import java.util.ArrayList;
import java.util.List;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Node;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;
import org.ge4j.ops.util.Broadcast;

/**
 * {@code ge4j::PackedMatMul}: {@code Y = act(alpha * op(A) @ B + beta * Bias)} where B (K×N) is given packed
 * ({@link PackedLayout}: input 1 is {@code float[ceil(N/nr), K, nr]}) and attributes {@code k}, {@code n},
 * {@code nr} record its geometry. A is [..., M, K] (numpy batching: its batch dims are Y's; a 1-D A is one
 * row and Y is then [N]); op transposes A's last two dims when {@code trans_a}. Bias broadcasts to Y without
 * growing it. The activation is a fused op's ({@code activation}, {@code activation_params},
 * {@code approximate}). Made by the compiler's {@code kernel-select} pass from MatMul, Gemm and
 * {@code ge4j::FusedMatMul} with a constant B.
 */
public final class PackedMatMulOp {
    private PackedMatMulOp() {}

    public static final String TYPE = "PackedMatMul";

    static void register(OpRegistry r) {
        r.register(OpSchema.builder(Node.GE4J_DOMAIN, TYPE, 1)
                .doc("Y = act(alpha * op(A) @ B + beta * Bias) with B (k x n) packed in panels of nr columns: float[ceil(n/nr), k, nr].")
                .input("A", "T").input("B", "T").optionalInput("Bias", "T").output("Y", "T").types("T", DataType.FLOAT)
                .requiredAttr("k", AttrType.INT).requiredAttr("n", AttrType.INT).requiredAttr("nr", AttrType.INT)
                .attr("trans_a", 0L).attr("alpha", 1.0f).attr("beta", 1.0f)
                .attr("activation", "").optionalAttr("activation_params", AttrType.FLOATS).attr("approximate", "none")
                .traits(Trait.PURE).inference(PackedMatMulOp::infer).build());
        r.registerKernel(OpRegistry.REFERENCE, Node.GE4J_DOMAIN, TYPE, PackedMatMulOp::compute);
    }

    /** The geometry attributes, checked. */
    record Geometry(long k, long n, int nr) {
        static Geometry of(org.ge4j.ops.Attrs a) {
            long k = a.getInt("k"), n = a.getInt("n"), nr = a.getInt("nr");
            if (k < 1) throw new org.ge4j.ops.OpException(a.node(), "attribute 'k' (rows of B) must be >= 1, got " + k);
            if (n < 1) throw new org.ge4j.ops.OpException(a.node(), "attribute 'n' (columns of B) must be >= 1, got " + n);
            if (nr < 1 || nr > 4096) throw new org.ge4j.ops.OpException(a.node(), "attribute 'nr' (panel width) must be in [1, 4096], got " + nr);
            return new Geometry(k, n, (int) nr);
        }

        long[] packedShape() { return PackedLayout.shape(k, n, nr); }
    }

    static void infer(InferenceContext ctx) {
        Geometry g = Geometry.of(ctx.attrs());
        PackedActivation.of(ctx.attrs());
        Shape b = ctx.inputShape(1);
        long[] want = g.packedShape();
        if (b.hasRank()) {
            boolean ok = b.rank() == 3;
            for (int i = 0; ok && i < 3; i++) ok = !(b.dim(i) instanceof Dim.Static s) || s.value() == want[i];
            if (!ok) throw ctx.fail("input 1 ('B') must be the packed weights " + Shape.toString(want) + " (k=" + g.k + ", n=" + g.n + ", nr=" + g.nr + "), got " + b);
        }
        Shape a = ctx.inputShape(0);
        boolean ta = ctx.attrs().getInt("trans_a") != 0;
        Shape y;
        if (!a.hasRank()) y = Shape.UNKNOWN_RANK;
        else {
            if (a.rank() == 0) throw ctx.fail("input 0 ('A') must have rank >= 1, got a scalar");
            int r = a.rank();
            boolean vec = r == 1;
            Dim k = vec ? a.dim(0) : a.dim(ta ? r - 2 : r - 1);
            if (k instanceof Dim.Static s && s.value() != g.k)
                throw ctx.fail("input 0 ('A') " + a + " has " + s.value() + " columns" + (ta && !vec ? " (transposed)" : "") + ", B has k=" + g.k + " rows");
            List<Dim> dims = new ArrayList<>();
            if (!vec) {
                dims.addAll(a.dims().subList(0, r - 2));
                dims.add(a.dim(ta ? r - 1 : r - 2));
            }
            dims.add(Dim.of(g.n));
            y = Shape.of(dims);
        }
        if (ctx.hasInput(2) && !mayBroadcastTo(ctx.inputShape(2), y))
            throw ctx.fail("input 2 ('Bias') " + ctx.inputShape(2) + " must broadcast to the product's shape " + y + " without growing it");
        ctx.setOutput(0, ctx.inputType(0), y);
    }

    /** False only when {@code from} provably does not broadcast to {@code to} unchanged. */
    private static boolean mayBroadcastTo(Shape from, Shape to) {
        if (!from.hasRank() || !to.hasRank()) return true;
        if (from.rank() > to.rank()) return false;
        for (int i = 1; i <= from.rank(); i++) {
            Dim f = from.dim(from.rank() - i), t = to.dim(to.rank() - i);
            if (f instanceof Dim.Static fs && t instanceof Dim.Static ts && fs.value() != ts.value() && fs.value() != 1) return false;
        }
        return true;
    }

    /** The reference kernel: naive, in double, reading B straight from its packed layout. */
    static void compute(KernelContext ctx) {
        Geometry g = Geometry.of(ctx.attrs());
        PackedActivation act = PackedActivation.of(ctx.attrs());
        Tensor a = ctx.requireInput(0), bp = ctx.requireInput(1), bias = ctx.input(2);
        boolean ta = ctx.attrs().getInt("trans_a") != 0;
        double alpha = ctx.attrs().getFloat("alpha"), beta = ctx.attrs().getFloat("beta");
        if (!java.util.Arrays.equals(bp.shape(), g.packedShape()))
            throw ctx.fail("input 1 ('B') must be the packed weights " + Shape.toString(g.packedShape()) + ", got " + Shape.toString(bp.shape()));
        long[] as = a.shape();
        int r = as.length;
        if (r == 0) throw ctx.fail("input 0 ('A') must have rank >= 1, got a scalar");
        boolean vec = r == 1;
        long m = vec ? 1 : as[ta ? r - 1 : r - 2], k = vec ? as[0] : as[ta ? r - 2 : r - 1];
        if (k != g.k) throw ctx.fail("input 0 ('A') " + Shape.toString(as) + " has " + k + " columns, B has k=" + g.k + " rows");
        long[] ys;
        if (vec) ys = new long[] {g.n};
        else {
            ys = java.util.Arrays.copyOf(as, r);
            ys[r - 2] = m;
            ys[r - 1] = g.n;
        }
        long batches = vec ? 1 : Shape.elementCount(as) / Math.max(1, m * k);
        double[] av = a.toDoubleArray(), bv = bp.toDoubleArray();
        double[] biasv = null;
        int[] bmap = null;
        if (bias != null) {
            long[] bs = bias.shape();
            boolean fits = bs.length <= ys.length;
            for (int i = 1; fits && i <= bs.length; i++) fits = bs[bs.length - i] == 1 || bs[bs.length - i] == ys[ys.length - i];
            if (!fits) throw ctx.fail("input 2 ('Bias') " + Shape.toString(bs) + " does not broadcast to the product's shape " + Shape.toString(ys));
            biasv = bias.toDoubleArray();
            bmap = Broadcast.indexMap(bs, ys);
        }
        double[] y = new double[Math.toIntExact(Shape.elementCount(ys))];
        int nr = g.nr;
        for (long b = 0; b < batches; b++) {
            long ab = b * m * k, yb = b * m * g.n;
            for (long i = 0; i < m; i++)
                for (long j = 0; j < g.n; j++) {
                    double s = 0;
                    for (long kk = 0; kk < k; kk++) {
                        double x = av[(int) (ab + (ta ? kk * m + i : i * k + kk))];
                        s += x * bv[(int) PackedLayout.index(kk, j, k, nr)];
                    }
                    int o = (int) (yb + i * g.n + j);
                    double v = alpha * s + (biasv == null ? 0 : beta * biasv[bmap[o]]);
                    y[o] = act.apply(v);
                }
        }
        ctx.setOutput(0, Tensor.fromDoubles(a.dtype(), ys, y));
    }
}
