package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.Sgemm.L;
import static org.ge4j.ops.vector.Sgemm.LE;
import static org.ge4j.ops.vector.Sgemm.NR;
import static org.ge4j.ops.vector.Sgemm.S;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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
        long lds = (long) (lk + L - 1) / L * L * 4; // score rows padded to whole vectors: the softmax has no tail
        MemorySegment sc = Scratch.get(1, lq * lds + lq * 8L); // the scores, then each row's max and 1 / sum
        MemorySegment panel = Scratch.get(0, Math.max(Sgemm.panelBytes(dk), Sgemm.panelBytes(lk)));
        // S = Q K'
        for (int j0 = 0; j0 < lk; j0 += NR) {
            int w = Math.min(NR, lk - j0);
            if (kT) Sgemm.packPanel(k, kOff[b], ldk, 4, dk, j0, w, panel, 0); // K' row-major [dk, lk]
            else packRows(k, kOff[b] + j0 * ldk, ldk, dk, w, panel); // K [lk, dk]: K'[kk, j] = K[j, kk]
            Sgemm.block(q, qOff[b], ldq, 4, panel, 0, NR * 4L, sc, j0 * 4L, lds, lq, dk, w);
        }
        // scale, mask, softmax
        softmax(sc, lq, lk, scale, mask, mask == null ? 0 : maskOff[b], maskRowStride, maskColStride, lq * lds);
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

    /**
     * s = softmax(scale * s + mask) row by row over rows of n floats padded to whole vectors (rows
     * {@code ceil(n / L) * L} floats apart; the padding lanes end 0). The mask row r at {@code mo + r * mrs},
     * column stride ms (0: one scalar per row, 4: a row). Each pass is one loop over all the rows' vectors,
     * a branch closing each row (the rows' max and 1 / sum go to {@code stats}, 2 * rows floats): a loop per
     * row of 13 vectors paid C2's loop set-up three times per row, and took ~30 % of ViT's attention. exp is
     * inlined (see {@link #EXP_LO}): the Vector API's EXP calls SVML once per vector.
     */
    static void softmax(MemorySegment s, int rows, int n, float scale, MemorySegment mask, long mo, long mrs, long ms, long stats) {
        int per = (n + L - 1) / L, total = rows * per, last = per - 1;
        VectorMask<Float> tail = S.indexInRange(0, n - last * L);
        FloatVector ninf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), mx = ninf;
        boolean row = mask != null && ms != 0, scalarMask = mask != null && ms == 0;
        float mScalar = scalarMask ? mask.get(Sgemm.F, mo) : 0f;
        long mRow = mo;
        for (int v = 0, c = 0, r = 0; v < total; v++) {
            long o = (long) v * L * 4;
            FloatVector x = FloatVector.fromMemorySegment(S, s, o, LE).fma(scale, mScalar);
            if (c < last) {
                if (row) x = x.add(FloatVector.fromMemorySegment(S, mask, mRow + c * L * 4L, LE));
                x.intoMemorySegment(s, o, LE);
                mx = mx.max(x);
                c++;
            } else {
                if (row) x = x.add(FloatVector.fromMemorySegment(S, mask, mRow + c * L * 4L, LE, tail));
                x = ninf.blend(x, tail); // the padding lanes: exp gives 0
                x.intoMemorySegment(s, o, LE);
                s.set(Sgemm.F, stats + r * 8L, mx.max(x).reduceLanes(VectorOperators.MAX));
                mx = ninf;
                c = 0;
                r++;
                mRow += mrs;
                if (scalarMask && r < rows) mScalar = mask.get(Sgemm.F, mRow);
            }
        }
        FloatVector sum = FloatVector.zero(S), max = FloatVector.broadcast(S, s.get(Sgemm.F, stats));
        FloatVector nLn2Hi = FloatVector.broadcast(S, -LN2_HI), nLn2Lo = FloatVector.broadcast(S, -LN2_LO);
        FloatVector c5 = FloatVector.broadcast(S, 1f / 120), c4 = FloatVector.broadcast(S, 1f / 24), c3 = FloatVector.broadcast(S, 1f / 6);
        FloatVector c2 = FloatVector.broadcast(S, 0.5f), one = FloatVector.broadcast(S, 1f);
        for (int v = 0, c = 0, r = 0; v < total; v++) {
            long o = (long) v * L * 4;
            FloatVector x = FloatVector.fromMemorySegment(S, s, o, LE).sub(max);
            // exp(x) = 2^k e^r, k = round(x / ln 2), r = x - k ln 2 in [-ln2/2, ln2/2] (Cody-Waite: ln 2 in two
            // parts), e^r by its Taylor series to r^7 (error < r^8/8! < 6e-9 relative), 2^k built in the exponent
            // bits: t = x log2(e) + 1.5·2^23 holds k in its low mantissa bits, so bits(t) << 23 + 127 << 23 = 2^k
            FloatVector xc = x.max(EXP_LO);
            FloatVector t = xc.fma(LOG2E, ROUND);
            FloatVector k = t.sub(ROUND);
            FloatVector f = k.fma(nLn2Hi, xc);
            f = k.fma(nLn2Lo, f);
            FloatVector p = f.fma(1f / 5040, 1f / 720).fma(f, c5).fma(f, c4).fma(f, c3).fma(f, c2);
            FloatVector ef = p.fma(f.mul(f), f).add(one);
            FloatVector two = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).add(127 << 23).reinterpretAsFloats();
            FloatVector e = ef.mul(two).blend(0f, x.lt(EXP_LO));
            e.intoMemorySegment(s, o, LE);
            sum = sum.add(e);
            if (c < last) c++;
            else {
                s.set(Sgemm.F, stats + r * 8L + 4, 1f / sum.reduceLanes(VectorOperators.ADD));
                sum = FloatVector.zero(S);
                c = 0;
                r++;
                if (r < rows) max = FloatVector.broadcast(S, s.get(Sgemm.F, stats + r * 8L));
            }
        }
        FloatVector inv = FloatVector.broadcast(S, s.get(Sgemm.F, stats + 4));
        for (int v = 0, c = 0, r = 0; v < total; v++) {
            long o = (long) v * L * 4;
            FloatVector.fromMemorySegment(S, s, o, LE).mul(inv).intoMemorySegment(s, o, LE);
            if (c < last) c++;
            else {
                c = 0;
                r++;
                if (r < rows) inv = FloatVector.broadcast(S, s.get(Sgemm.F, stats + r * 8L + 4));
            }
        }
    }

    /** Below this exp flushes to 0 (just above ln of the smallest normal float, so that 2^k stays normal). */
    static final float EXP_LO = -87.3f;
    private static final float LOG2E = 1.44269504f, ROUND = 12582912f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
}
