package org.ge4j.ops.vector;

import java.util.Arrays;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.NodeSpec;
import org.ge4j.ops.util.Broadcast;

/**
 * Compiles MatMul, Gemm and {@code ge4j::FusedMatMul} into {@link GemmKernel}s: numpy batching with broadcast
 * batch dims, transposes through strides, a constant B packed once, and the bias/alpha/beta/activation as
 * the GEMM's epilogue. Declines (null) what it does not cover: non-float or dynamic shapes, a bias that
 * broadcasts in a way the epilogue cannot express, 1-D operands together with a bias.
 */
final class MatMulCompilers {
    private MatMulCompilers() {}

    static CompiledKernel matMul(NodeSpec s, OpSchema schema) {
        if (!Specs.allFloatStatic(s)) return null;
        return build(s, false, false, -1, Epilogue.NONE);
    }

    static CompiledKernel gemm(NodeSpec s, OpSchema schema) {
        if (!Specs.allFloatStatic(s)) return null;
        boolean ta = s.attrs().getInt("transA", 0) != 0, tb = s.attrs().getInt("transB", 0) != 0;
        float alpha = s.attrs().getFloat("alpha", 1f), beta = s.attrs().getFloat("beta", 1f);
        if (s.inputShape(0).length != 2 || s.inputShape(1).length != 2) return null;
        int c = s.input(2) != null && beta != 0f ? 2 : -1;
        return build(s, ta, tb, c, new Epilogue(alpha, beta, Act.IDENTITY));
    }

    static CompiledKernel fusedMatMul(NodeSpec s, OpSchema schema) {
        if (!Specs.allFloatStatic(s)) return null;
        boolean ta = s.attrs().getInt("trans_a", 0) != 0, tb = s.attrs().getInt("trans_b", 0) != 0;
        Act act = Act.ofFusedAttrs(s.attrs());
        if (act == null) return null;
        return build(s, ta, tb, s.input(2) != null ? 2 : -1, new Epilogue(s.attrs().getFloat("alpha", 1f), 1f, act));
    }

    /** The kernel for Y = ep(op(A) @ op(B) [+ bias input biasArg]). */
    private static CompiledKernel build(NodeSpec s, boolean ta, boolean tb, int biasArg, Epilogue ep) {
        int yArg = s.inputs().size();
        long[] as = s.inputShape(0), bs = s.inputShape(1);
        if (as.length == 0 || bs.length == 0 || !Specs.fitsInt(as) || !Specs.fitsInt(bs) || !Specs.fitsInt(s.outputShape(0))) return null;
        boolean aVec = as.length == 1, bVec = bs.length == 1;
        if ((aVec || bVec) && biasArg >= 0) return null;
        long[] a2 = aVec ? new long[] {1, as[0]} : as, b2 = bVec ? new long[] {bs[0], 1} : bs;
        ta &= !aVec;
        tb &= !bVec;
        int ra = a2.length, rb = b2.length;
        int m = (int) (ta ? a2[ra - 1] : a2[ra - 2]), k = (int) (ta ? a2[ra - 2] : a2[ra - 1]);
        int kb = (int) (tb ? b2[rb - 1] : b2[rb - 2]), n = (int) (tb ? b2[rb - 2] : b2[rb - 1]);
        if (k != kb) return null;
        long[] aBatch = Arrays.copyOf(a2, ra - 2), bBatch = Arrays.copyOf(b2, rb - 2);
        long[] batch;
        try {
            batch = Broadcast.shape(aBatch, bBatch);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int nb = (int) Specs.count(batch);
        int[] ia = Broadcast.indexMap(aBatch, batch), ib = Broadcast.indexMap(bBatch, batch);

        GemmKernel.Plan p = new GemmKernel.Plan();
        p.k = k;
        p.n = n;
        p.yArg = yArg;
        p.ep = ep;
        // the bias, classified against [batch..., M, N]
        Bias bias = Bias.NONE;
        if (biasArg >= 0) {
            bias = Bias.classify(s.inputShape(biasArg), batch, m, n);
            if (bias == null) return null;
        }
        // fold the batch into M when B is shared, A is stored batch after batch and the bias allows it
        boolean fold = nb > 1 && Specs.count(bBatch) == 1 && !ta && Specs.count(aBatch) == nb
                && (bias.kind == Bias.Kind.NONE || bias.kind == Bias.Kind.COLUMN || bias.kind == Bias.Kind.SCALAR || bias.kind == Bias.Kind.BATCHED_MATRIX);
        if (fold) {
            p.m = m * nb;
            p.batches = 1;
        } else {
            p.m = m;
            p.batches = nb;
        }
        p.lda = ta ? 4 : k * 4L;
        p.aks = ta ? m * 4L : 4;
        p.aOff = new long[p.batches];
        p.bOff = new long[p.batches];
        for (int t = 0; t < p.batches; t++) {
            p.aOff[t] = (long) ia[t] * m * k * 4;
            p.bOff[t] = (long) ib[t] * k * n * 4;
        }
        p.bks = tb ? 4 : n * 4L;
        p.bns = tb ? k * 4L : 4;
        Tensor bc = s.constant(1);
        if (bc != null) {
            int distinct = (int) Math.max(1, Specs.count(bBatch));
            long per = Sgemm.packedBytes(k, n);
            p.packed = Specs.allocate(per * distinct);
            for (int t = 0; t < distinct; t++) Sgemm.pack(bc.segment(), (long) t * k * n * 4, p.bks, p.bns, k, n, p.packed, t * per);
            p.packedOff = new long[p.batches];
            for (int t = 0; t < p.batches; t++) p.packedOff[t] = ib[t] * per;
        }
        switch (bias.kind) {
            case NONE -> {}
            case SCALAR -> { p.rbArg = biasArg; p.rbStride = 0; }
            case ROW -> { p.rbArg = biasArg; p.rbStride = 4; }
            case COLUMN -> p.cbArg = biasArg;
            case MATRIX -> { p.zArg = biasArg; p.ldz = n * 4L; p.zBatch = 0; }
            case BATCHED_MATRIX -> { p.zArg = biasArg; p.ldz = n * 4L; p.zBatch = (long) m * n * 4; }
        }
        return new GemmKernel(p, WorkerPool.shared());
    }

    /** How a bias broadcasts to [batch..., M, N]: the forms the GEMM epilogue applies directly. */
    record Bias(Kind kind) {
        enum Kind { NONE, SCALAR, ROW, COLUMN, MATRIX, BATCHED_MATRIX }

        static final Bias NONE = new Bias(Kind.NONE);

        /** The form of a bias of shape {@code bs}, or null when it is none of them. */
        static Bias classify(long[] bs, long[] batch, int m, int n) {
            int r = bs.length;
            long bm = r >= 2 ? bs[r - 2] : 1, bn = r >= 1 ? bs[r - 1] : 1;
            long[] bb = r > 2 ? Arrays.copyOf(bs, r - 2) : new long[0];
            if (bb.length > batch.length) return null;
            boolean batchOnes = Specs.count(bb) == 1;
            boolean batchFull = bb.length == batch.length && Arrays.equals(bb, batch);
            if (bm != 1 && bm != m || bn != 1 && bn != n) return null;
            if (batchOnes) {
                if (bm == 1 && bn == 1) return new Bias(Kind.SCALAR);
                if (bm == 1) return new Bias(n == 1 ? Kind.SCALAR : Kind.COLUMN);
                if (bn == 1) return new Bias(m == 1 ? Kind.SCALAR : Kind.ROW);
                return new Bias(Specs.count(batch) == 1 ? Kind.BATCHED_MATRIX : Kind.MATRIX);
            }
            if (batchFull && bm == m && bn == n) return new Bias(Kind.BATCHED_MATRIX);
            return null;
        }
    }
}
