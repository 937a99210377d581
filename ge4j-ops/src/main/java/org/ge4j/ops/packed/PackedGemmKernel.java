package org.ge4j.ops.packed;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.NodeSpec;
import org.ge4j.ops.util.HugePages;
import org.ge4j.ops.vector.Sgemm;
import org.ge4j.ops.vector.WorkerPool;

/**
 * The vector kernel of {@code ge4j::PackedMatMul}: {@link Sgemm#gemmPacked} straight on the packed weights
 * as the executor passes them (a view of the memory-mapped {@code .om} weights: nothing is packed or copied
 * at load), then the {@link PackedEpilogue} on each block of Y while it is in cache. Without a transposed A
 * the batch dims fold into M (B is shared); a transposed A is read through strides with {@link Sgemm#block},
 * batch item by batch item. Work is cut into (batch, row block, panel block) chunks run on the
 * {@link WorkerPool} when big enough. Allocation-free per run.
 *
 * <p>Weights packed for another panel width (a {@code .om} compiled on a machine with other vectors) are
 * repacked once, here, with a warning: correct, but it costs the copy the packed format exists to avoid.
 */
final class PackedGemmKernel implements CompiledKernel, WorkerPool.Job {
    /** Rows of Y computed per panel before the epilogue runs over them (the block stays in L1/L2). */
    private static final int MC = 64;
    /** Below this many flops a GEMM runs on the calling thread only (waking a worker costs microseconds). */
    private static final double PARALLEL_MIN_FLOPS = 2e6;
    /**
     * Up to this many bytes of A (per batch item; default: any size), parallel chunks split the weight panels
     * rather than the rows when there are enough panels: each weight panel is then read by one thread only. The
     * chunk loop runs panel by panel over all its rows, so a thread streams A once per panel under either split,
     * as one thread alone does; a row split adds a full pass over B per chunk, and its chunk's rows plus the
     * current panel overflow L2 when K is large (vit_b_16's fc2, K = 3072: rows of 48 x 12 KB and a 393 KB panel
     * against 1 MB; 1.73x from 1 to 2 threads with rows, 1.99x with panels). {@code -Dge4j.gemm.panelSplitMaxA}
     * (bytes) brings back the earlier rule (1048576: A within a core's L2).
     */
    private static final long PANEL_SPLIT_MAX_A_BYTES = Long.getLong("ge4j.gemm.panelSplitMaxA", Long.MAX_VALUE);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final int m, n, k, batches;
    private final boolean transA;
    private final long lda, aks, aBatch;
    private final MemorySegment ownPacked;
    private final int biasArg, yArg;
    private final PackedEpilogue ep;
    private final boolean trivialEpilogue;
    private final WorkerPool pool;
    private final int panels, rowGroupCount, rowBlocks, panelBlocks;
    private final boolean parallel;

    private PackedGemmKernel(int m, int n, int k, int batches, boolean transA, MemorySegment ownPacked, int biasArg, int yArg,
                             PackedEpilogue ep, WorkerPool pool) {
        this.m = m;
        this.n = n;
        this.k = k;
        this.batches = batches;
        this.transA = transA;
        this.lda = transA ? 4 : k * 4L;
        this.aks = transA ? m * 4L : 4;
        this.aBatch = (long) m * k * 4;
        this.ownPacked = ownPacked;
        this.biasArg = biasArg;
        this.yArg = yArg;
        this.ep = ep;
        this.trivialEpilogue = ep.trivial();
        this.pool = pool;
        // chunks: rows first (B is shared by every row), panels when there are few rows (batch-1 layers)
        panels = Sgemm.panels(n);
        int rowGroups = Math.max(1, (m + 7) / 8);
        double flops = 2.0 * batches * m * n * k;
        int target = pool.threads() <= 1 || flops < PARALLEL_MIN_FLOPS ? 1 : 2 * pool.threads();
        int perBatch = Math.max(1, (target + batches - 1) / batches);
        int rb, pb;
        if (perBatch == 1) {
            rb = 1;
            pb = 1;
        } else if (panels >= perBatch && (long) m * k * 4 <= PANEL_SPLIT_MAX_A_BYTES) {
            // every thread keeps all rows and streams only its share of the weights
            rb = 1;
            pb = perBatch;
        } else if (m >= 16 || panels == 1) {
            rb = Math.min(perBatch, rowGroups);
            pb = Math.min(Math.max(1, (perBatch + rb - 1) / rb), panels);
        } else {
            pb = Math.min(perBatch, panels);
            rb = Math.min(Math.max(1, (perBatch + pb - 1) / pb), rowGroups);
        }
        // balanced blocks: block i of rb covers row groups [i·G/rb, (i+1)·G/rb) (G groups of 8 rows), so that no
        // chunk is much smaller than the others (197 rows in 4 fixed blocks of 56 left the last one 29 rows and
        // the two threads 112 and 85 rows); the same for the panels
        rowGroupCount = rowGroups;
        rowBlocks = Math.max(1, Math.min(rb, rowGroups));
        panelBlocks = Math.max(1, Math.min(pb, panels));
        parallel = target > 1 && chunks() > 1;
    }

    /**
     * The kernel for a PackedMatMul node with static float shapes, or null to leave it to the reference
     * kernel (unknown shapes, a bias form the epilogue does not apply, no Vector API).
     */
    static CompiledKernel compile(NodeSpec s, OpSchema schema) {
        if (PackedLayout.nativeNr() < 0) return null;
        TensorDesc ad = s.input(0), bd = s.input(1), yd = s.output(0);
        if (ad == null || bd == null || !isStaticFloat(ad) || !isStaticFloat(bd) || !isStaticFloat(yd)) return null;
        PackedMatMulOp.Geometry g = PackedMatMulOp.Geometry.of(s.attrs());
        PackedActivation act = PackedActivation.of(s.attrs());
        long[] as = s.inputShape(0), ys = s.outputShape(0);
        if (!java.util.Arrays.equals(s.inputShape(1), g.packedShape()) || as.length == 0) return null;
        if (!fitsInt(as) || !fitsInt(ys) || !fitsInt(g.packedShape())) return null;
        boolean ta = s.attrs().getInt("trans_a", 0) != 0 && as.length >= 2;
        int r = as.length;
        long k = ta ? as[r - 2] : as[r - 1];
        if (as.length == 1) k = as[0];
        if (k != g.k()) return null;
        long m, batches;
        if (ta) {
            m = as[r - 1];
            batches = Shape.elementCount(as) / Math.max(1, m * k);
            if (m * k == 0) batches = 0;
        } else {
            m = Shape.elementCount(as) / k; // every row of every batch item: B is shared
            batches = 1;
        }
        PackedBias bias = PackedBias.NONE;
        int biasArg = -1;
        if (s.input(2) != null) {
            if (!isStaticFloat(s.input(2))) return null;
            bias = PackedBias.classify(s.inputShape(2), ys);
            if (bias == null) return null;
            biasArg = 2;
        }
        MemorySegment own = null;
        if (g.nr() != Sgemm.NR) {
            Tensor packed = s.constant(1);
            if (packed == null) return null;
            own = HugePages.allocate(Arena.ofAuto(), Sgemm.packedBytes((int) g.k(), (int) g.n()));
            PackedLayout.repack(packed.segment(), 0, g.nr(), own, 0, Sgemm.NR, g.k(), g.n());
            if (WARNED.compareAndSet(false, true))
                System.getLogger("org.ge4j.ops.packed").log(System.Logger.Level.WARNING, "ge4j::PackedMatMul '" + s.node().name()
                        + "' (and any other in this process): weights packed in panels of nr=" + g.nr() + " columns, this machine's vector GEMM"
                        + " reads panels of " + Sgemm.NR + ": repacked at load (an extra copy of the weights in memory); recompile the model"
                        + " on this kind of machine to run on its mapped weights");
        }
        PackedEpilogue ep = new PackedEpilogue(s.attrs().getFloat("alpha", 1f), s.attrs().getFloat("beta", 1f), bias, act);
        return new PackedGemmKernel((int) m, (int) g.n(), (int) k, (int) batches, ta, own, biasArg, s.inputs().size(), ep, WorkerPool.shared());
    }

    private static boolean isStaticFloat(TensorDesc d) { return d.dtype() == DataType.FLOAT && d.shape().hasRank() && d.shape().isStatic(); }

    private static boolean fitsInt(long[] shape) { return Shape.elementCount(shape) < Integer.MAX_VALUE / 4; }

    int chunks() { return batches * rowBlocks * panelBlocks; }

    @Override public void run(MemorySegment[] args) {
        if (m == 0 || batches == 0) return;
        if (parallel) pool.run(this, args, chunks());
        else for (int c = 0, nc = chunks(); c < nc; c++) chunk(args, c);
    }

    @Override public void run(Object ctx, int chunk, int chunks) { chunk((MemorySegment[]) ctx, chunk); }

    private void chunk(MemorySegment[] args, int c) {
        int per = rowBlocks * panelBlocks, b = c / per, rem = c % per;
        int ri = rem / panelBlocks, qi = rem % panelBlocks;
        int r0 = Math.min(m, (int) ((long) ri * rowGroupCount / rowBlocks) * 8), r1 = Math.min(m, (int) ((long) (ri + 1) * rowGroupCount / rowBlocks) * 8);
        int q0 = (int) ((long) qi * panels / panelBlocks), q1 = (int) ((long) (qi + 1) * panels / panelBlocks);
        MemorySegment a = args[0], bp = ownPacked != null ? ownPacked : args[1], y = args[yArg];
        MemorySegment bias = biasArg >= 0 ? args[biasArg] : null;
        long ldy = n * 4L, yb = (long) b * m * ldy, ao = b * aBatch, panelBytes = Sgemm.panelBytes(k);
        for (int q = q0; q < q1; q++) {
            int j0 = q * Sgemm.NR, w = Math.min(Sgemm.NR, n - j0);
            long po = q * panelBytes;
            for (int rs = r0; rs < r1; rs += MC) {
                int rows = Math.min(MC, r1 - rs);
                long yo = yb + rs * ldy + j0 * 4L;
                if (transA) Sgemm.block(a, ao + rs * 4L, lda, aks, bp, po, Sgemm.NR * 4L, y, yo, ldy, rows, k, w);
                else Sgemm.gemmPacked(a, ao, lda, bp, po, y, yb + j0 * 4L, ldy, rs, rs + rows, w, k);
                if (!trivialEpilogue) ep.apply(y, yo, ldy, rows, w, bias, (long) b * m + rs, j0);
            }
        }
    }
}
