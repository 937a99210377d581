package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.Sgemm.F;
import static org.ge4j.ops.vector.Sgemm.L;
import static org.ge4j.ops.vector.Sgemm.LE;
import static org.ge4j.ops.vector.Sgemm.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

/**
 * How a depthwise conv or a pool reads its windows from one NCHW input plane.
 *
 * <p>Flat mode (stride s = 1 or 2 in both axes, when every output's taps stay in its own row of phases): the
 * plane is copied into scratch split in s × s phases (rows r ≡ rp, columns c ≡ cp mod s; for s = 1 the plane
 * itself), each phase with rows {@link #vw} wide (the output width) and zero (or -inf) margins. Then tap (i, j)
 * of output position p is copy position p + {@link #tapOff} (a fixed shift into one phase), so the output
 * plane is walked as one flat run of vectors: small planes (7×7, 14×14) fill whole vectors, stride 2 needs no
 * permute in the inner loop, no load leaves the copy, and rows above or below the plane read the margins.
 * Only columns wrap around into the neighbouring row: the column-j partial of block b keeps the lanes
 * {@code colBits[j·blocks + b]}. Where the last output column would need a phase column past the output width
 * (odd widths in ceil mode), rows one wider are used and the output goes through a staging buffer.
 *
 * <p>Row mode (otherwise): one output row at a time in vectors of L outputs, read in place; a tap is one
 * load of the input row (stride 1) or the even lanes of two consecutive loads (stride 2), the row ends
 * gathered through scratch.
 */
final class PlaneWindow {
    /**
     * Lanes 0, 2, 4, ... of a pair of vectors ({@code a.rearrange(EVEN, b)}; indexes past the first vector wrap
     * into the second). A shuffle, not a vector of indexes for the two-vector {@code selectFrom}: C2 does not
     * always intrinsify that one, and its Java fallback allocates on every call.
     */
    static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, i -> 2 * i + 1);
    /** All L lanes. */
    static final long FULL = L == 64 ? -1L : (1L << L) - 1;

    final Window2d g;
    final boolean flat;
    /** Flat mode: vectors over the output plane. */
    final int blocks;
    /** Flat mode: the lane bits per (kernel column, block) whose input column is inside the plane. */
    final long[] colBits;
    /** Flat mode: byte offset of tap (i, j) (index i·kw + j) in the copy, from the output position. */
    final long[] tapOff;
    /** Flat mode: floats of the whole copy, and of one phase (margins included). */
    final int copyFloats, phaseFloats;
    /** Flat mode: the width of the flat rows (the output width, or one more when staged). */
    final int vw;
    /** Flat mode: the flat output goes through a staging buffer (rows vw wide) to the output plane. */
    final boolean stage;
    private final int front;

    /** {@link #PlaneWindow(Window2d, boolean)} without staging. */
    PlaneWindow(Window2d g) { this(g, false); }

    /**
     * @param stageable whether the kernel can take its flat output through a staging buffer ({@link #unstage}),
     *     which lets windows whose last column would wrap (odd widths, ceil mode) run flat with rows one wider
     */
    PlaneWindow(Window2d g, boolean stageable) {
        this.g = g;
        int s = g.sw(), ow = g.ow(), taps = g.kh() * g.kw();
        int vw = -1;
        if (g.sh() == s && (s == 1 && ow == g.w() || s == 2))
            for (int v = ow; v <= (stageable && s == 2 ? ow + 2 : ow) && vw < 0; v++) if (fits(g, v)) vw = v;
        flat = vw > 0;
        this.vw = Math.max(vw, 0);
        stage = flat && vw != ow;
        int n = g.oh() * this.vw;
        blocks = flat ? (n + L - 1) / L : 0;
        colBits = new long[flat ? g.kw() * blocks : 0];
        tapOff = new long[flat ? taps : 0];
        if (!flat) {
            front = copyFloats = phaseFloats = 0;
            return;
        }
        long[] shift = new long[taps];
        long minShift = 0, maxShift = 0;
        for (int i = 0; i < g.kh(); i++)
            for (int j = 0; j < g.kw(); j++) {
                int ri = i * g.dh() - g.pt(), cj = j * g.dw() - g.pl(), t = i * g.kw() + j;
                shift[t] = (long) Math.floorDiv(ri, s) * vw + Math.floorDiv(cj, s);
                tapOff[t] = Math.floorMod(ri, s) * s + Math.floorMod(cj, s); // the phase, for now
                minShift = Math.min(minShift, shift[t]);
                maxShift = Math.max(maxShift, shift[t]);
            }
        int rows = (g.h() + s - 1) / s;
        front = (int) -minShift;
        phaseFloats = (int) ((front + Math.max((long) rows * vw, (long) blocks * L + maxShift) + 2L * L - 1) / L * L);
        copyFloats = s * s * phaseFloats;
        for (int t = 0; t < taps; t++) tapOff[t] = (tapOff[t] * phaseFloats + front + shift[t]) * 4;
        for (int p = 0; p < n; p++)
            for (int j = 0; j < g.kw(); j++) {
                int o = p % vw, iw = s * o - g.pl() + j * g.dw();
                if (o < ow && iw >= 0 && iw < g.w()) colBits[j * blocks + p / L] |= 1L << (p % L);
            }
    }

    /** Whether, with phase rows {@code vw} wide, every valid tap column stays in its output's own phase row. */
    private static boolean fits(Window2d g, int vw) {
        int s = g.sw();
        for (int j = 0; j < g.kw(); j++) {
            int cj = j * g.dw() - g.pl();
            for (int o = 0; o < g.ow(); o++) {
                int iw = s * o + cj, q = o + Math.floorDiv(cj, s);
                if (iw >= 0 && iw < g.w() && (q < 0 || q >= vw)) return false;
            }
        }
        return true;
    }

    /** Flat output with staging: floats of the staging buffer. */
    int stageFloats() { return stage ? blocks * L : 0; }

    /**
     * Copies the staged flat output (rows {@link #vw} wide) at byte offset {@code so} of buf to the output
     * plane at byte offset yo of y (rows ow wide).
     */
    void unstage(MemorySegment buf, long so, MemorySegment y, long yo) {
        int ow = g.ow();
        long ys = y.byteSize();
        for (int r = 0; r < g.oh(); r++) {
            long src = so + (long) r * vw * 4, dst = yo + (long) r * ow * 4;
            int k = 0;
            for (; k + L <= ow; k += L) FloatVector.fromMemorySegment(S, buf, src + k * 4L, LE).intoMemorySegment(y, dst + k * 4L, LE);
            if (k < ow && dst + (k + L) * 4L <= ys)
                FloatVector.fromMemorySegment(S, buf, src + k * 4L, LE).intoMemorySegment(y, dst + k * 4L, LE, S.indexInRange(k, ow));
            else for (; k < ow; k++) y.set(F, dst + k * 4L, buf.get(F, src + k * 4L));
        }
    }

    /** Sets the copy at byte offset {@code at} of buf to v (once per chunk: copies rewrite only the plane parts). */
    void clear(MemorySegment buf, long at, float v) {
        FloatVector z = FloatVector.broadcast(S, v);
        for (long i = 0; i < copyFloats; i += L) z.intoMemorySegment(buf, at + i * 4, LE);
    }

    /**
     * Copies the plane at byte offset xo of x into the copy at byte offset {@code at} of buf: for stride 2 each
     * row de-interleaved into the even- and odd-column phases of its row parity. {@code tmp} (2L floats of
     * scratch) takes the loads that would reach past the end of x.
     */
    void copy(MemorySegment x, long xo, MemorySegment buf, long at, MemorySegment tmp, long to) {
        long base = at + front * 4L;
        if (g.sw() == 1) {
            MemorySegment.copy(x, xo, buf, base, g.plane() * 4L);
            return;
        }
        int w = g.w(), ow = vw, ne = Math.min((w + 1) / 2, ow), no = Math.min(w / 2, ow);
        long xs = x.byteSize(), vb = L * 4L;
        for (int r = 0; r < g.h(); r++) {
            // a whole vector may reach past the row's end into the next rows of its phase when they are
            // copied after it and cover what it spills (masked stores are slow here); the phase's margin
            // after its last row stays clean
            int later = (g.h() - 1 - r) / 2;
            int spillE = ne == ow ? (later + 1) * ow : ne, spillO = no == ow ? (later + 1) * ow : no;
            long src = xo + (long) r * w * 4, e = base + ((long) (r & 1) * 2 * phaseFloats + (long) (r >> 1) * ow) * 4, o = e + phaseFloats * 4L;
            for (int k = 0; k < ne; k += L) {
                long a = src + 2L * k * 4;
                FloatVector v0, v1;
                if (a + 2 * vb <= xs) {
                    v0 = FloatVector.fromMemorySegment(S, x, a, LE);
                    v1 = FloatVector.fromMemorySegment(S, x, a + vb, LE);
                } else {
                    gather(x, a, cols(0, (int) Math.min(2 * L, (xs - a) / 4), 1), tmp, to, 0f);
                    gather(x, a + vb, cols(0, (int) Math.min(L, Math.max(0, (xs - a - vb) / 4)), 1), tmp, to + vb, 0f);
                    v0 = FloatVector.fromMemorySegment(S, tmp, to, LE);
                    v1 = FloatVector.fromMemorySegment(S, tmp, to + vb, LE);
                }
                FloatVector ev = v0.rearrange(EVEN, v1), od = v0.rearrange(ODD, v1);
                if (k + L <= spillE) ev.intoMemorySegment(buf, e + k * 4L, LE);
                else ev.intoMemorySegment(buf, e + k * 4L, LE, S.indexInRange(k, ne));
                if (k + L <= spillO) od.intoMemorySegment(buf, o + k * 4L, LE);
                else if (k < no) od.intoMemorySegment(buf, o + k * 4L, LE, S.indexInRange(k, no));
            }
        }
    }

    /**
     * Row mode: writes the tap that starts at column c of the row at byte offset r of x (columns c, c + sw, ...)
     * to buf[0, L), with {@code fill} for the columns outside [0, w). (Through scratch rather than returned:
     * a vector returned from a method C2 does not inline is boxed.)
     */
    static void rowTap(MemorySegment x, long r, int c, int w, int sw, MemorySegment buf, float fill) {
        long vb = L * 4L;
        if (c >= 0 && c + sw * L <= w) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, r + c * 4L, LE);
            if (sw == 2) v = v.rearrange(EVEN, FloatVector.fromMemorySegment(S, x, r + (c + L) * 4L, LE));
            v.intoMemorySegment(buf, 0, LE);
        } else {
            gather(x, r + c * 4L, cols(c, w, 1), buf, 0, fill);
            if (sw == 2) {
                gather(x, r + (c + L) * 4L, cols(c + L, w, 1), buf, vb, fill);
                FloatVector.fromMemorySegment(S, buf, 0, LE).rearrange(EVEN, FloatVector.fromMemorySegment(S, buf, vb, LE)).intoMemorySegment(buf, 0, LE);
            }
        }
    }

    /** The lane bits k of a vector whose column {@code c + step·k} lies in [0, w). */
    static long cols(int c, int w, int step) {
        int lo = c >= 0 ? 0 : (-c + step - 1) / step, hi = c >= w ? 0 : Math.min(L, (w - 1 - c) / step + 1);
        return lo >= hi ? 0 : (hi == 64 ? -1L : (1L << hi) - 1) & -(1L << lo);
    }

    /**
     * buf[bo + 4k] = x[off + 4k] for the lanes k in {@code bits} (one contiguous run, as {@link #cols} makes),
     * {@code fill} in the others: the load of an edge vector that reaches past the input segment (a masked vector
     * load there takes the Vector API's boxing fallback). The run is one bulk copy: a per-lane conditional load
     * made C2 hoist a profiled range check out of the loop that failed on the next edge, and recompile the
     * method that inlines this one some 25 times at startup (resnet50, {@code -Xlog:deoptimization=debug}).
     */
    static void gather(MemorySegment x, long off, long bits, MemorySegment buf, long bo, float fill) {
        int lo = bits == 0 ? 0 : Long.numberOfTrailingZeros(bits), hi = bits == 0 ? 0 : 64 - Long.numberOfLeadingZeros(bits);
        for (int k = 0; k < lo; k++) buf.set(F, bo + k * 4L, fill);
        if (hi > lo) MemorySegment.copy(x, off + lo * 4L, buf, bo + lo * 4L, (hi - lo) * 4L);
        for (int k = hi; k < L; k++) buf.set(F, bo + k * 4L, fill);
    }
}
