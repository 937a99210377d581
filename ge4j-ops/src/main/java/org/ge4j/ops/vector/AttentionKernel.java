package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.Sgemm.L;
import static org.ge4j.ops.vector.Sgemm.LE;
import static org.ge4j.ops.vector.Sgemm.NR;
import static org.ge4j.ops.vector.Sgemm.S;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.NodeSpec;
import org.ge4j.ops.fused.AttentionHeads;
import org.ge4j.ops.vector.data.BlockTranspose;
import org.ge4j.ops.util.Broadcast;

/**
 * {@code ge4j::Attention}: per batch item (head), the scores S = Q·K' in per-thread scratch (GEMM; K' read
 * in place when K comes transposed, else packed panel by panel), then scale, mask and softmax row by row
 * in place, then Y = S·V (GEMM). Batch dims broadcast like MatMul; the mask broadcasts to [..., Lq, Lk].
 * Heads run in parallel on the pool. In the packed-heads form ({@link AttentionHeads}) Q, K and V are read in place
 * from their column windows (rows C floats apart) and each head writes its columns of Y [B, Lq, H*Dv].
 */
final class AttentionKernel implements CompiledKernel, WorkerPool.Job {
    private final int lq, lk, dk, dv, batches;
    private final boolean kT;
    private final float scale;
    private final long[] qOff, kOff, vOff, yOff, maskOff;
    /** Row strides in bytes of Q, K (its rows: K'(kk, j) is K(j, kk)), V and Y. */
    private final long ldq, ldk, ldv, ldy;
    private final long maskRowStride, maskColStride;
    private final boolean hasMask;
    private final int yArg;
    private final boolean parallel;
    private final WorkerPool pool;

    private AttentionKernel(int lq, int lk, int dk, int dv, boolean kT, float scale, long[] qOff, long[] kOff, long[] vOff, long[] yOff,
                            long[] ld, long[] maskOff, long maskRowStride, long maskColStride, boolean hasMask, int yArg, WorkerPool pool) {
        this.lq = lq;
        this.lk = lk;
        this.dk = dk;
        this.dv = dv;
        this.kT = kT;
        this.scale = scale;
        this.qOff = qOff;
        this.kOff = kOff;
        this.vOff = vOff;
        this.yOff = yOff;
        this.ldq = ld[0];
        this.ldk = ld[1];
        this.ldv = ld[2];
        this.ldy = ld[3];
        this.maskOff = maskOff;
        this.maskRowStride = maskRowStride;
        this.maskColStride = maskColStride;
        this.hasMask = hasMask;
        this.yArg = yArg;
        this.pool = pool;
        this.batches = qOff.length;
        double flops = 2.0 * batches * lq * lk * (dk + dv);
        parallel = pool.threads() > 1 && batches > 1 && flops >= Split.PARALLEL_MIN_FLOPS;
    }

    static CompiledKernel compile(NodeSpec s, OpSchema schema) {
        if (!Specs.allFloatStatic(s)) return null;
        if (AttentionHeads.isPacked(s.attrs())) return compilePacked(s);
        long[] q = s.inputShape(0), k = s.inputShape(1), v = s.inputShape(2);
        if (q.length < 2 || k.length < 2 || v.length < 2) return null;
        boolean kT = s.attrs().getInt("k_transposed", 0) != 0;
        int lq = (int) q[q.length - 2], dk = (int) q[q.length - 1];
        int lk = (int) (kT ? k[k.length - 1] : k[k.length - 2]), dk2 = (int) (kT ? k[k.length - 2] : k[k.length - 1]);
        int lv = (int) v[v.length - 2], dv = (int) v[v.length - 1];
        if (dk != dk2 || lk != lv || lq == 0 || lk == 0) return null;
        long[] qb = Arrays.copyOf(q, q.length - 2), kb = Arrays.copyOf(k, k.length - 2), vb = Arrays.copyOf(v, v.length - 2);
        long[] batch;
        try {
            batch = Broadcast.shape(qb, kb, vb);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int nb = (int) Specs.count(batch);
        int[] iq = Broadcast.indexMap(qb, batch), ik = Broadcast.indexMap(kb, batch), iv = Broadcast.indexMap(vb, batch);
        long[] qOff = new long[nb], kOff = new long[nb], vOff = new long[nb], yOff = new long[nb];
        for (int t = 0; t < nb; t++) {
            qOff[t] = (long) iq[t] * lq * dk * 4;
            kOff[t] = (long) ik[t] * lk * dk * 4;
            vOff[t] = (long) iv[t] * lk * dv * 4;
            yOff[t] = (long) t * lq * dv * 4;
        }
        long[] ld = {dk * 4L, kT ? lk * 4L : dk * 4L, dv * 4L, dv * 4L};
        return withMask(s, lq, lk, dk, dv, kT, batch, qOff, kOff, vOff, yOff, ld);
    }

    /** The packed-heads form ({@link AttentionHeads}): Q [B, Lq, Cq], K [B, Lk, Ck], V [B, Lk, Cv] read in place, Y [B, Lq, H*Dv]. */
    private static CompiledKernel compilePacked(NodeSpec s) {
        long[] q = s.inputShape(0), k = s.inputShape(1), v = s.inputShape(2);
        if (q.length != 3 || k.length != 3 || v.length != 3 || k[0] != q[0] || v[0] != q[0] || v[1] != k[1] || q[1] == 0 || k[1] == 0) return null;
        AttentionHeads h;
        try {
            h = AttentionHeads.of(s.attrs(), q[2], k[2], v[2]);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int nh = h.heads(), lq = (int) q[1], lk = (int) k[1], dk = (int) h.dk(), dv = (int) h.dv();
        int nb = (int) q[0] * nh;
        long[] qOff = new long[nb], kOff = new long[nb], vOff = new long[nb], yOff = new long[nb];
        for (int t = 0; t < nb; t++) {
            int b = t / nh, head = t % nh;
            qOff[t] = ((long) b * lq * q[2] + h.qColumn(head)) * 4;
            kOff[t] = ((long) b * lk * k[2] + h.kColumn(head)) * 4;
            vOff[t] = ((long) b * lk * v[2] + h.vColumn(head)) * 4;
            yOff[t] = ((long) b * lq * nh + head) * dv * 4;
        }
        long[] ld = {q[2] * 4, k[2] * 4, v[2] * 4, (long) nh * dv * 4};
        return withMask(s, lq, lk, dk, dv, false, new long[] {q[0], nh}, qOff, kOff, vOff, yOff, ld);
    }

    /** The kernel, with the mask (input 3, if any) broadcast to [batch..., Lq, Lk]; null when it does not broadcast. */
    private static CompiledKernel withMask(NodeSpec s, int lq, int lk, int dk, int dv, boolean kT, long[] batch,
                                           long[] qOff, long[] kOff, long[] vOff, long[] yOff, long[] ld) {
        int nb = qOff.length;
        long[] mOff = new long[nb];
        long rowStride = 0, colStride = 0;
        boolean hasMask = s.inputs().size() > 3 && s.input(3) != null;
        if (hasMask) {
            long[] m = s.inputShape(3);
            int r = m.length;
            long mq = r >= 2 ? m[r - 2] : 1, mk = r >= 1 ? m[r - 1] : 1;
            if (mq != 1 && mq != lq || mk != 1 && mk != lk || r > batch.length + 2) return null;
            long[] mb = r > 2 ? Arrays.copyOf(m, r - 2) : new long[0];
            int[] im;
            try {
                if (!Arrays.equals(Broadcast.shape(mb, batch), batch)) return null;
                im = Broadcast.indexMap(mb, batch);
            } catch (IllegalArgumentException e) {
                return null;
            }
            colStride = mk == 1 ? 0 : 4;
            rowStride = mq == 1 ? 0 : mk * 4;
            for (int t = 0; t < nb; t++) mOff[t] = (long) im[t] * mq * mk * 4;
        }
        float scale = s.attrs().getFloat("scale", 1f);
        return new AttentionKernel(lq, lk, dk, dv, kT, scale, qOff, kOff, vOff, yOff, ld, mOff, rowStride, colStride, hasMask, s.inputs().size(), WorkerPool.shared());
    }

    @Override public void run(MemorySegment[] args) {
        if (parallel) pool.run(this, args, batches);
        else for (int b = 0; b < batches; b++) head(args, b);
    }

    @Override public void run(Object ctx, int chunk, int n) { head((MemorySegment[]) ctx, chunk); }

    private void head(MemorySegment[] args, int b) {
        MemorySegment q = args[0], k = args[1], v = args[2], y = args[yArg];
        MemorySegment mask = hasMask ? args[3] : null;
        long lds = lk * 4L;
        MemorySegment sc = Scratch.get(1, (long) lq * lds);
        MemorySegment panel = Scratch.get(0, Math.max(Sgemm.panelBytes(dk), Sgemm.panelBytes(lk)));
        // S = Q K'
        for (int j0 = 0; j0 < lk; j0 += NR) {
            int w = Math.min(NR, lk - j0);
            if (kT) Sgemm.packPanel(k, kOff[b], ldk, 4, dk, j0, w, panel, 0); // K' row-major [dk, lk]
            else packRows(k, kOff[b] + j0 * ldk, ldk, dk, w, panel); // K [lk, dk]: K'[kk, j] = K[j, kk]
            Sgemm.block(q, qOff[b], ldq, 4, panel, 0, NR * 4L, sc, j0 * 4L, lds, lq, dk, w);
        }
        // scale, mask, softmax
        for (int i = 0; i < lq; i++)
            scaledSoftmax(sc, i * lds, lk, scale, mask, mask == null ? 0 : maskOff[b] + i * maskRowStride, maskColStride);
        // Y = S V
        for (int j0 = 0; j0 < dv; j0 += NR) {
            int w = Math.min(NR, dv - j0);
            Sgemm.packPanel(v, vOff[b], ldv, 4, lk, j0, w, panel, 0);
            Sgemm.block(sc, 0, lds, 4, panel, 0, NR * 4L, y, yOff[b] + j0 * 4L, ldy, lq, lk, w);
        }
    }

    /**
     * Packs w rows of K (dk floats each, ld bytes apart) transposed into a panel: panel[kk][j] = K[j][kk], columns
     * w..NR zero. 16x16 blocks transposed in registers ({@link BlockTranspose}, AVX-512), the rest element by element.
     */
    static void packRows(MemorySegment k, long off, long ld, int dk, int w, MemorySegment panel) {
        int j = 0, kb = BlockTranspose.AVAILABLE ? dk & ~15 : 0;
        if (kb > 0)
            for (; j + 16 <= w; j += 16) {
                for (int kk = 0; kk < kb; kk += 16) BlockTranspose.int16(k, off + j * ld + kk * 4L, ld, panel, (long) kk * NR * 4 + j * 4L, NR * 4L);
                packColumns(k, off, ld, kb, dk, j, j + 16, panel);
            }
        packColumns(k, off, ld, 0, dk, j, w, panel);
        for (int kk = 0; kk < dk && w < NR; kk++) for (int jj = w; jj < NR; jj++) panel.set(Sgemm.F, (long) kk * NR * 4 + jj * 4L, 0f);
    }

    /** panel[kk][j] = K[j][kk] for kk in [k0, k1), j in [j0, j1), element by element. */
    private static void packColumns(MemorySegment k, long off, long ld, int k0, int k1, int j0, int j1, MemorySegment panel) {
        for (int j = j0; j < j1; j++) {
            long s = off + j * ld;
            for (int kk = k0; kk < k1; kk++) panel.set(Sgemm.F, (long) kk * NR * 4 + j * 4L, k.get(Sgemm.F, s + kk * 4L));
        }
    }

    /** s = softmax(scale * s + mask) over one row of n floats; the mask row at mo with column stride ms (0 or 4). */
    static void scaledSoftmax(MemorySegment s, long so, int n, float scale, MemorySegment mask, long mo, long ms) {
        float max = scaleMask(s, so, n, scale, mask, mo, ms);
        float sum = RowOps.expSum(s, so, s, so, n, max);
        RowOps.scale(s, so, n, 1f / sum);
    }

    /** s = scale * s + mask (a row, or a scalar when ms = 0); returns the max. */
    private static float scaleMask(MemorySegment s, long so, int n, float scale, MemorySegment mask, long mo, long ms) {
        float mScalar = mask != null && ms == 0 ? mask.get(Sgemm.F, mo) : 0f;
        boolean row = mask != null && ms != 0;
        FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, s, so + i * 4L, LE).fma(scale, mScalar);
            if (row) v = v.add(FloatVector.fromMemorySegment(S, mask, mo + i * 4L, LE));
            v.intoMemorySegment(s, so + i * 4L, LE);
            mx = mx.max(v);
        }
        float max = mx.reduceLanes(VectorOperators.MAX);
        // the tail (fewer than L columns, e.g. 5 of ViT's 197) in scalar code: masked vector code here was
        // partly left to the Vector API's Java fallback
        for (; i < n; i++) {
            float v = Math.fma(s.get(Sgemm.F, so + i * 4L), scale, mScalar);
            if (row) v += mask.get(Sgemm.F, mo + i * 4L);
            s.set(Sgemm.F, so + i * 4L, v);
            max = Math.max(max, v);
        }
        return max;
    }
}
