package org.ge4j.ops.vector.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.vector.WorkerPool;

/**
 * The engine behind Transpose, Slice, Expand, Tile and the plain copies: fills a contiguous output from the
 * input read through an affine view — output dims with an element stride into the input for each (strides
 * may be 0 for broadcast dims and negative for reversed slices) and a start offset. At compile time the
 * view is simplified (dims of 1 dropped, dims that are contiguous in both merged), and the innermost loop
 * is chosen once: one memcpy per contiguous run ({@link Mode#ROWS}), a fill of one value per broadcast run
 * ({@link Mode#FILL}), 2-D tiles pairing the innermost dim with a dim contiguous in the input — a transpose,
 * {@link Mode#TILE}: square blocks transposed in registers ({@link BlockTranspose}), scalar tiles at the edges —
 * or a strided gather. Elements are moved as 1, 2, 4 or 8 byte units.
 * Recursion over the outer dims keeps runs allocation-free; large copies are split over the outermost dim
 * on the shared {@link WorkerPool}.
 */
final class StridedCopy implements CompiledKernel, WorkerPool.Job {
    /**
     * Copies below this many bytes stay on the calling thread. Copies usually read what the pool's threads
     * just wrote (a slice of a GEMM's output split between them), and reading another core's cache lines is
     * slow here (vit_b_16's 605 KB slices: 0.03 ms at 1 thread, 0.28 ms at 2 threads on one thread, 0.14 ms
     * split), so copies of a few hundred KB already gain from a split.
     */
    static final long PARALLEL_MIN_BYTES = 128 << 10;

    enum Mode { ROWS, FILL, TILE, STRIDED }

    static final ValueLayout.OfByte B = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfShort S = ValueLayout.JAVA_SHORT_UNALIGNED;
    static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG_UNALIGNED;

    private final int inArg, outArg, es, rank;
    private final long[] dims, srcStride, dstStride; // strides in bytes
    private final long srcOff, dstOff;
    private final Mode mode;
    private final int tile;
    private final int chunks;
    private final WorkerPool pool;

    private StridedCopy(int inArg, int outArg, int es, long[] dims, long[] srcStride, long srcOff, long dstOff, Mode mode, WorkerPool pool) {
        this.inArg = inArg;
        this.outArg = outArg;
        this.es = es;
        this.rank = dims.length;
        this.srcOff = srcOff;
        this.dstOff = dstOff;
        this.mode = mode;
        long[] dst = new long[rank];
        long k = es;
        for (int i = rank - 1; i >= 0; i--) {
            dst[i] = k;
            k *= dims[i];
        }
        if (mode == Mode.TILE) {
            // loop order: the dim contiguous in the source goes second-innermost, the tile's rows (strides stay per dim)
            int p = 0;
            while (srcStride[p] != es) p++;
            dims = moveToSecondLast(dims, p);
            srcStride = moveToSecondLast(srcStride, p);
            dst = moveToSecondLast(dst, p);
        }
        this.dims = dims;
        this.srcStride = srcStride;
        this.dstStride = dst;
        tile = Math.max(8, 64 / es);
        long bytes = k;
        this.pool = pool;
        chunks = bytes >= PARALLEL_MIN_BYTES && pool != null && pool.threads() > 1 && dims[0] > 1 ? (int) Math.min(dims[0], 2L * pool.threads()) : 1;
    }

    private static long[] moveToSecondLast(long[] a, int p) {
        int r = a.length;
        long[] b = new long[r];
        for (int i = 0, j = 0; i < r - 1; i++) if (i != p) b[j++] = a[i];
        b[r - 2] = a[p];
        b[r - 1] = a[r - 1];
        return b;
    }

    /**
     * The copy {@code out[i0..ik] = in[offset + Σ ij·strides[j]]} for a contiguous output of {@code outDims}
     * (element strides and offset), reading {@code args[inArg]} and writing {@code args[outArg]} from byte 0.
     */
    static CompiledKernel of(int es, long[] outDims, long[] strides, long offset, int inArg, int outArg) {
        return of(es, outDims, strides, offset, inArg, outArg, 0);
    }

    /** As {@link #of(int, long[], long[], long, int, int)}, writing from byte {@code dstOffset} of the output. */
    static CompiledKernel of(int es, long[] outDims, long[] strides, long offset, int inArg, int outArg, long dstOffset) {
        View v = View.of(es, outDims, strides, offset);
        if (v == null) return args -> {}; // an empty tensor
        Mode mode;
        long inner = v.strides[v.dims.length - 1];
        if (inner == v.es) mode = Mode.ROWS;
        else if (inner == 0) mode = Mode.FILL;
        else if (hasContiguous(v)) mode = Mode.TILE;
        else mode = Mode.STRIDED;
        return new StridedCopy(inArg, outArg, v.es, v.dims, v.strides, v.offset, dstOffset, mode, WorkerPool.shared());
    }

    /** Whether some dim but the innermost is contiguous in the source (then tiles pair it with the innermost). */
    private static boolean hasContiguous(View v) {
        for (int i = 0; i < v.dims.length - 1; i++) if (v.strides[i] == v.es) return true;
        return false;
    }

    /** A simplified view: dims of 1 dropped, mergeable dims merged, strides and offset in bytes. Null when empty. */
    record View(int es, long[] dims, long[] strides, long offset) {
        static View of(int es, long[] outDims, long[] strides, long offset) {
            if (outDims.length != strides.length) throw new IllegalArgumentException("dims " + Arrays.toString(outDims) + " vs strides " + Arrays.toString(strides));
            long[] d = outDims.clone(), st = strides.clone();
            if (es == 16) { // move complex128 as pairs of 8-byte words
                d = Arrays.copyOf(d, d.length + 1);
                st = Arrays.copyOf(st, st.length + 1);
                for (int i = 0; i < st.length - 1; i++) st[i] *= 2;
                d[d.length - 1] = 2;
                st[st.length - 1] = 1;
                offset *= 2;
                es = 8;
            }
            for (long x : d) if (x == 0) return null;
            // from the innermost dim outwards: drop 1s, merge a dim into the one inside it when contiguous
            long[] md = new long[d.length + 1], ms = new long[d.length + 1];
            int n = 0;
            for (int i = d.length - 1; i >= 0; i--) {
                if (d[i] == 1) continue;
                if (n > 0 && st[i] == ms[n - 1] * md[n - 1]) md[n - 1] *= d[i];
                else {
                    md[n] = d[i];
                    ms[n] = st[i];
                    n++;
                }
            }
            if (n == 0) { // a single element
                md[0] = 1;
                ms[0] = 1;
                n = 1;
            }
            long[] rd = new long[n], rs = new long[n];
            for (int i = 0; i < n; i++) {
                rd[i] = md[n - 1 - i];
                rs[i] = ms[n - 1 - i] * es;
            }
            return new View(es, rd, rs, offset * es);
        }
    }

    Mode mode() { return mode; }

    @Override public void run(MemorySegment[] args) {
        if (chunks > 1) pool.run(this, args, chunks);
        else range(args[inArg], args[outArg], 0, dims[0]);
    }

    @Override public void run(Object ctx, int chunk, int k) {
        MemorySegment[] args = (MemorySegment[]) ctx;
        long n = dims[0];
        range(args[inArg], args[outArg], n * chunk / k, n * (chunk + 1) / k);
    }

    /** Output positions [from, to) of the outermost dim. */
    private void range(MemorySegment src, MemorySegment dst, long from, long to) {
        if (rank == 1) inner(src, srcOff + from * srcStride[0], dst, dstOff + from * es, to - from);
        else if (rank == 2 && mode == Mode.TILE) tile(src, srcOff, dst, dstOff, from, to);
        else {
            long s = srcStride[0], t = dstStride[0];
            for (long k = from; k < to; k++) level(src, dst, 1, srcOff + k * s, dstOff + k * t);
        }
    }

    private void level(MemorySegment src, MemorySegment dst, int d, long so, long dO) {
        if (d == rank - 1) inner(src, so, dst, dO, dims[d]);
        else if (d == rank - 2 && mode == Mode.TILE) tile(src, so, dst, dO, 0, dims[d]);
        else {
            long s = srcStride[d], t = dstStride[d];
            for (long k = 0, n = dims[d]; k < n; k++) level(src, dst, d + 1, so + k * s, dO + k * t);
        }
    }

    /** The innermost run of n elements (n ≤ dims[rank-1]; a partial run only when rank is 1). */
    private void inner(MemorySegment src, long so, MemorySegment dst, long dO, long n) {
        switch (mode) {
            case ROWS -> MemorySegment.copy(src, so, dst, dO, n * es);
            case FILL -> fill(es, src, so, dst, dO, n);
            default -> gather(es, src, so, srcStride[rank - 1], dst, dO, n);
        }
    }

    /**
     * Rows [i0, i1) of a 2-D block whose rows are contiguous in the source: square blocks transposed in
     * registers where the machine allows ({@link BlockTranspose}), cache-sized scalar tiles for the rest.
     */
    private void tile(MemorySegment src, long so, MemorySegment dst, long dO, long i0, long i1) {
        long cols = dims[rank - 1], sj = srcStride[rank - 1], row = dstStride[rank - 2];
        long i = i0;
        if (BlockTranspose.AVAILABLE && (es == 4 || es == 8)) {
            int big = es == 4 ? 16 : 8, small = big / 2;
            for (; i + big <= i1; i += big) {
                long j = 0;
                for (; j + big <= cols; j += big) block(true, src, so + i * es + j * sj, sj, dst, dO + i * row + j * es, row);
                for (; j + small <= cols; j += small) {
                    block(false, src, so + i * es + j * sj, sj, dst, dO + i * row + j * es, row);
                    block(false, src, so + (i + small) * es + j * sj, sj, dst, dO + (i + small) * row + j * es, row);
                }
                if (j < cols) scalarTiles(src, so, sj, dst, dO, row, i, i + big, j, cols);
            }
            for (; i + small <= i1; i += small) {
                long j = 0;
                for (; j + small <= cols; j += small) block(false, src, so + i * es + j * sj, sj, dst, dO + i * row + j * es, row);
                if (j < cols) scalarTiles(src, so, sj, dst, dO, row, i, i + small, j, cols);
            }
        }
        if (i < i1) scalarTiles(src, so, sj, dst, dO, row, i, i1, 0, cols);
    }

    private void block(boolean big, MemorySegment src, long so, long sj, MemorySegment dst, long dO, long row) {
        if (es == 4) {
            if (big) BlockTranspose.int16(src, so, sj, dst, dO, row);
            else BlockTranspose.int8(src, so, sj, dst, dO, row);
        } else {
            if (big) BlockTranspose.long8(src, so, sj, dst, dO, row);
            else BlockTranspose.long4(src, so, sj, dst, dO, row);
        }
    }

    /** Rows [i0, i1) and columns [j0, j1) in scalar tiles. */
    private void scalarTiles(MemorySegment src, long so, long sj, MemorySegment dst, long dO, long row, long i0, long i1, long j0, long j1) {
        int t = tile;
        for (long ib = i0; ib < i1; ib += t) {
            long ie = Math.min(ib + t, i1);
            for (long jb = j0; jb < j1; jb += t) {
                long je = Math.min(jb + t, j1);
                switch (es) {
                    case 4 -> tile4(src, so, sj, dst, dO, row, ib, ie, jb, je);
                    case 8 -> tile8(src, so, sj, dst, dO, row, ib, ie, jb, je);
                    case 2 -> tile2(src, so, sj, dst, dO, row, ib, ie, jb, je);
                    default -> tile1(src, so, sj, dst, dO, row, ib, ie, jb, je);
                }
            }
        }
    }

    private static void tile4(MemorySegment src, long so, long sj, MemorySegment dst, long dO, long row, long ib, long ie, long jb, long je) {
        int cols = (int) (je - jb);
        for (long i = ib; i < ie; i++) {
            long s = so + i * 4 + jb * sj, d = dO + i * row + jb * 4;
            for (int j = 0; j < cols; j++) dst.set(I, d + (long) j * 4, src.get(I, s + j * sj));
        }
    }

    private static void tile8(MemorySegment src, long so, long sj, MemorySegment dst, long dO, long row, long ib, long ie, long jb, long je) {
        int cols = (int) (je - jb);
        for (long i = ib; i < ie; i++) {
            long s = so + i * 8 + jb * sj, d = dO + i * row + jb * 8;
            for (int j = 0; j < cols; j++) dst.set(L, d + (long) j * 8, src.get(L, s + j * sj));
        }
    }

    private static void tile2(MemorySegment src, long so, long sj, MemorySegment dst, long dO, long row, long ib, long ie, long jb, long je) {
        int cols = (int) (je - jb);
        for (long i = ib; i < ie; i++) {
            long s = so + i * 2 + jb * sj, d = dO + i * row + jb * 2;
            for (int j = 0; j < cols; j++) dst.set(S, d + (long) j * 2, src.get(S, s + j * sj));
        }
    }

    private static void tile1(MemorySegment src, long so, long sj, MemorySegment dst, long dO, long row, long ib, long ie, long jb, long je) {
        int cols = (int) (je - jb);
        for (long i = ib; i < ie; i++) {
            long s = so + i + jb * sj, d = dO + i * row + jb;
            for (int j = 0; j < cols; j++) dst.set(B, d + (long) j, src.get(B, s + j * sj));
        }
    }

    /** n elements read with a byte stride, written contiguously. */
    static void gather(int es, MemorySegment src, long so, long ss, MemorySegment dst, long dO, long n) {
        switch (es) {
            case 4 -> { for (long k = 0; k < n; k++) dst.set(I, dO + k * 4, src.get(I, so + k * ss)); }
            case 8 -> { for (long k = 0; k < n; k++) dst.set(L, dO + k * 8, src.get(L, so + k * ss)); }
            case 2 -> { for (long k = 0; k < n; k++) dst.set(S, dO + k * 2, src.get(S, so + k * ss)); }
            default -> { for (long k = 0; k < n; k++) dst.set(B, dO + k, src.get(B, so + k * ss)); }
        }
    }

    /** n copies of the element at {@code so}, written contiguously. */
    static void fill(int es, MemorySegment src, long so, MemorySegment dst, long dO, long n) {
        switch (es) {
            case 4 -> {
                int v = src.get(I, so);
                for (long k = 0; k < n; k++) dst.set(I, dO + k * 4, v);
            }
            case 8 -> {
                long v = src.get(L, so);
                for (long k = 0; k < n; k++) dst.set(L, dO + k * 8, v);
            }
            case 2 -> {
                short v = src.get(S, so);
                for (long k = 0; k < n; k++) dst.set(S, dO + k * 2, v);
            }
            default -> {
                byte v = src.get(B, so);
                for (long k = 0; k < n; k++) dst.set(B, dO + k, v);
            }
        }
    }
}
