package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.NchwcSupport.VB;
import static org.ge4j.ops.vector.Sgemm.F;
import static org.ge4j.ops.vector.Sgemm.L;
import static org.ge4j.ops.vector.Sgemm.LE;
import static org.ge4j.ops.vector.Sgemm.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import org.ge4j.ops.blocked.BlockedOps;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.NodeSpec;

/**
 * The reorders between plain {@code [N, C, spatial...]} and blocked {@code [N, C/L, spatial..., L]} tensors.
 * A tile of L channels × L positions is an L × L transpose: L vectors of a channel's positions become L
 * vectors of a position's channels, through log2(L) rounds of two-vector interleaves (a perfect shuffle
 * of the rows), the middle rounds in an L1 scratch tile. A tile of the last channel block of a channel count
 * that is not a multiple of L goes through a staged tile (the padding lanes zero); tiles cut by the end of the
 * plane are copied lane by lane. Chunks of (image, channel block,
 * position tiles).
 */
final class NchwcReorder implements CompiledKernel, WorkerPool.Job {
    /** Interleave of the low (high) halves of two vectors: lanes a0 b0 a1 b1 ... as indexes into (a, b). */
    private static final FloatVector LO = interleave(0), HI = interleave(L / 2);
    private static final int ROUNDS = Integer.numberOfTrailingZeros(L);
    private final boolean toBlocked;
    private final int c, blocks, plane, tiles;
    private final NchwcSupport.Split split;
    private final WorkerPool pool;

    private static FloatVector interleave(int from) {
        float[] idx = new float[L];
        for (int k = 0; k < L / 2; k++) {
            idx[2 * k] = from + k;
            idx[2 * k + 1] = L + from + k;
        }
        return FloatVector.fromArray(S, idx, 0);
    }

    static CompiledKernel compile(NodeSpec s, String type) {
        boolean to = type.equals(BlockedOps.TO_BLOCKED);
        if (!to && !type.equals(BlockedOps.FROM_BLOCKED) || Integer.bitCount(L) != 1) return null;
        long[] plain = to ? s.inputShape(0) : s.outputShape(0), blocked = to ? s.outputShape(0) : s.inputShape(0);
        if (plain.length < 3 || blocked.length != plain.length + 1 || blocked[1] != NchwcSupport.blocks(plain[1])) return null;
        long plane = Specs.count(plain) / Math.max(1, plain[0] * plain[1]);
        if (plain[0] * plain[1] * plane == 0) return args -> {};
        return new NchwcReorder(to, (int) plain[0], (int) plain[1], (int) plane, WorkerPool.shared());
    }

    private NchwcReorder(boolean toBlocked, int n, int c, int plane, WorkerPool pool) {
        this.toBlocked = toBlocked;
        this.c = c;
        this.pool = pool;
        this.plane = plane;
        blocks = NchwcSupport.blocks(c);
        tiles = (plane + L - 1) / L;
        split = NchwcSupport.Split.of(n, blocks, tiles, 8.0 * n * blocks * L * plane, pool.threads());
    }

    @Override public void run(MemorySegment[] args) {
        if (split.parallel()) pool.run(this, args, split.chunks());
        else for (int k = 0; k < split.chunks(); k++) chunk(args, k);
    }

    @Override public void run(Object ctx, int chunk, int n) { chunk((MemorySegment[]) ctx, chunk); }

    private void chunk(MemorySegment[] args, int chunk) {
        int img = split.image(chunk), cb = split.block(chunk), lanes = Math.min(L, c - cb * L);
        MemorySegment x = args[0], y = args[1], scratch = Scratch.get(0, 3 * L * VB);
        long po = ((long) img * c + (long) cb * L) * plane * 4; // the block's first channel plane
        long bo = ((long) img * blocks + cb) * plane * VB; // the block
        long pStride = (long) plane * 4;
        for (int t = split.row0(chunk); t < split.row1(chunk); t++) {
            int p0 = t * L, count = Math.min(L, plane - p0);
            if (lanes == L && count == L) {
                if (toBlocked) transpose(x, po + p0 * 4L, pStride, y, bo + p0 * VB, VB, scratch);
                else transpose(x, bo + p0 * VB, VB, y, po + p0 * 4L, pStride, scratch);
            } else if (count == L) { // the last block of a channel count that is not a multiple of L: through a staged tile
                long st = 2 * L * VB;
                if (toBlocked) {
                    for (int l = 0; l < L; l++) {
                        if (l < lanes) MemorySegment.copy(x, po + l * pStride + p0 * 4L, scratch, st + l * VB, VB);
                        else FloatVector.zero(S).intoMemorySegment(scratch, st + l * VB, LE);
                    }
                    transpose(scratch, st, VB, y, bo + p0 * VB, VB, scratch);
                } else {
                    transpose(x, bo + p0 * VB, VB, scratch, st, VB, scratch);
                    for (int l = 0; l < lanes; l++) MemorySegment.copy(scratch, st + l * VB, y, po + l * pStride + p0 * 4L, VB);
                }
            } else if (toBlocked) {
                for (int p = 0; p < count; p++)
                    for (int l = 0; l < L; l++) y.set(F, bo + (p0 + p) * VB + l * 4L, l < lanes ? x.get(F, po + l * pStride + (p0 + p) * 4L) : 0f);
            } else {
                for (int l = 0; l < lanes; l++)
                    for (int p = 0; p < count; p++) y.set(F, po + l * pStride + (p0 + p) * 4L, x.get(F, bo + (p0 + p) * VB + l * 4L));
            }
        }
    }

    /**
     * Transposes L × L floats: row i of the source (L floats at {@code so + i * ss} of src) becomes column i
     * of the destination (rows at {@code d0 + i * ds} of dst). Each round maps rows (i, i + L/2) to rows
     * (2i, 2i + 1) by interleaving them, which rotates the element index bits by one; log2(L) rounds rotate
     * row and column bits into each other's place.
     */
    private static void transpose(MemorySegment src, long so, long ss, MemorySegment dst, long d0, long ds, MemorySegment scratch) {
        int half = L / 2;
        for (int r = 0; r < ROUNDS; r++) {
            MemorySegment in = r == 0 ? src : scratch, out = r == ROUNDS - 1 ? dst : scratch;
            long io = r == 0 ? so : (r & 1) == 1 ? 0 : L * VB, is = r == 0 ? ss : VB;
            long oo = r == ROUNDS - 1 ? d0 : (r & 1) == 0 ? 0 : L * VB, os = r == ROUNDS - 1 ? ds : VB;
            for (int i = 0; i < half; i++) {
                FloatVector a = FloatVector.fromMemorySegment(S, in, io + i * is, LE), b = FloatVector.fromMemorySegment(S, in, io + (i + half) * is, LE);
                LO.selectFrom(a, b).intoMemorySegment(out, oo + 2 * i * os, LE);
                HI.selectFrom(a, b).intoMemorySegment(out, oo + (2 * i + 1) * os, LE);
            }
        }
    }
}
