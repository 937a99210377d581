package org.ge4j.ops.vector;

import java.lang.foreign.MemorySegment;
import org.ge4j.ops.exec.CompiledKernel;

/**
 * A batched GEMM compiled for fixed shapes: {@code Y[b] = epilogue(op(A[b]) · op(B[b]))} for every batch b,
 * shared by MatMul, Gemm and FusedMatMul. A is read in place through two strides (row-major or transposed);
 * a constant B is packed into panels once, here; a runtime B is packed panel by panel into per-thread
 * scratch (or read in place when M is tiny). Work is split into chunks of (batch, row range, panel range)
 * and run on the {@link WorkerPool} when it is big enough; each chunk applies the epilogue to each block of
 * C right after computing it. Allocation-free per run.
 */
final class GemmKernel implements CompiledKernel, WorkerPool.Job {
    /** Rows of C computed per panel before the epilogue runs over them (keeps the block in L1/L2). */
    private static final int MC = 64;
    /** Geometry and operands, filled by {@link MatMulCompilers}. Offsets and strides in bytes. */
    static final class Plan {
        int m, n, k, batches = 1;
        int aArg = 0, bArg = 1, yArg;
        long lda, aks;
        long[] aOff = {0};
        // B: either packed (constant) or read at run time with strides
        MemorySegment packed;
        long[] packedOff;
        long bks, bns;
        long[] bOff = {0};
        Epilogue ep = Epilogue.NONE;
        int rbArg = -1, cbArg = -1, zArg = -1;
        long rbStride, zBatch, ldz;
    }

    private final Plan p;
    private final boolean direct;
    private final Split split;
    private final WorkerPool pool;

    GemmKernel(Plan plan, WorkerPool pool) {
        this.p = plan;
        this.pool = pool;
        // a runtime B with contiguous rows is read in place when packing would not pay (few rows of A)
        direct = plan.packed == null && plan.bns == 4 && plan.m < 8;
        split = Split.of(plan.batches, plan.m, Sgemm.panels(plan.n), 2.0 * plan.batches * plan.m * plan.n * plan.k, pool.threads(),
                plan.packed != null || direct);
    }

    int chunks() { return split.chunks(); }

    @Override public void run(MemorySegment[] args) {
        if (p.m == 0 || p.n == 0) return;
        if (split.parallel()) pool.run(this, args, split.chunks());
        else for (int c = 0, n = split.chunks(); c < n; c++) chunk(args, c);
    }

    @Override public void run(Object ctx, int chunk, int n) { chunk((MemorySegment[]) ctx, chunk); }

    private void chunk(MemorySegment[] args, int c) {
        int b = split.batch(c), r0 = split.row0(c), r1 = split.row1(c), q0 = split.panel0(c), q1 = split.panel1(c);
        MemorySegment a = args[p.aArg], y = args[p.yArg];
        MemorySegment rb = p.rbArg >= 0 ? nullable(args[p.rbArg]) : null;
        MemorySegment cb = p.cbArg >= 0 ? nullable(args[p.cbArg]) : null;
        MemorySegment z = p.zArg >= 0 ? nullable(args[p.zArg]) : null;
        long ldy = p.n * 4L, yb = (long) b * p.m * ldy;
        long ao = p.aOff[b];
        int k = p.k;
        boolean epilogue = rb != null || cb != null || z != null || !p.ep.trivial();
        int pending = -1; // first column not yet through the epilogue
        for (int q = q0; q < q1; q++) {
            int j0 = q * Sgemm.NR, w = Math.min(Sgemm.NR, p.n - j0);
            if (pending < 0) pending = j0;
            MemorySegment bs;
            long bo, ldb;
            if (p.packed != null) {
                bs = p.packed;
                bo = p.packedOff[b] + q * Sgemm.panelBytes(k);
                ldb = Sgemm.NR * 4L;
            } else if (direct) {
                bs = args[p.bArg];
                bo = p.bOff[b] + j0 * 4L;
                ldb = p.bks;
            } else {
                bs = Scratch.get(0, Sgemm.panelBytes(k));
                Sgemm.packPanel(args[p.bArg], p.bOff[b], p.bks, p.bns, k, j0, w, bs, 0);
                bo = 0;
                ldb = Sgemm.NR * 4L;
            }
            for (int rs = r0; rs < r1; rs += MC) {
                int rows = Math.min(MC, r1 - rs);
                long yo = yb + rs * ldy + j0 * 4L;
                if (direct && w < Sgemm.NR) Sgemm.blockEdge(a, ao + rs * p.lda, p.lda, p.aks, bs, bo, ldb, y, yo, ldy, rows, k, w);
                else Sgemm.block(a, ao + rs * p.lda, p.lda, p.aks, bs, bo, ldb, y, yo, ldy, rows, k, w);
            }
            // the epilogue over several panels at once (longer rows, fewer calls; the block is still in cache)
            if (epilogue && (q == q1 - 1 || (q + 1 - q0) % GemmConv.EPILOGUE_PANELS == 0)) {
                long yo = yb + r0 * ldy + pending * 4L;
                p.ep.apply(y, yo, ldy, r1 - r0, j0 + w - pending, rb, r0 * p.rbStride, p.rbStride, cb, pending * 4L, z,
                        b * p.zBatch + r0 * p.ldz + pending * 4L, p.ldz);
                pending = -1;
            }
        }
    }

    private static MemorySegment nullable(MemorySegment s) { return s == null || s == MemorySegment.NULL ? null : s; }
}
