package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.Sgemm.F;
import static org.ge4j.ops.vector.Sgemm.L;
import static org.ge4j.ops.vector.Sgemm.LE;
import static org.ge4j.ops.vector.Sgemm.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * The micro-kernels of {@link NchwcConv}: output positions of one row times FB output blocks, accumulated in
 * registers over every input block, kernel tap and input lane, then stored with bias, residual and a clamp.
 *
 * <p>Arguments: the input value of position p, input block c, kernel row r (counted from the first valid
 * one), kernel column j and lane l is at {@code xo + p·ps + c·cbs + r·rowStep + j·colStep + 4 l}, where ps is
 * the position stride (L·4 bytes times the column stride: a constant in each multi-position kernel, so that
 * the positions' loads are constant offsets from one address); its FB weight vectors at
 * {@code wo + c·wCb + r·wRow + (j·L + l)·FB·L·4}. Output position p of block f goes to
 * {@code yo + f·yBlock + p·L·4}, as {@code clamp(acc + bias[bo + f·L·4] + Z, lo, hi)} (Z read at the output's
 * offset when present), for the group's first nb blocks only. (Generated code: one method per position count
 * and stride, written out because the accumulators must be locals for C2 to keep them in registers.)
 */
final class NchwcKernels {
    private NchwcKernels() {}

    /** Positions per call of the multi-position kernels. */
    static final int P = 6;
    /** Output blocks per call (per group of the packed weights). */
    static final int FB = 4;

    /** 6 consecutive output positions, input column stride 1. */
    static void s1(MemorySegment x, long xo, long cbs, int ncb, long rowStep, int nrows, long colStep, int kw,
                   MemorySegment w, long wo, long wCb, long wRow, MemorySegment y, long yo, long yBlock, int nb,
                   MemorySegment bias, long bo, MemorySegment z, float lo, float hi) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a04 = a00, a05 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00, a14 = a00, a15 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a24 = a00, a25 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00, a34 = a00, a35 = a00;
        long wl = L * 4L, wstep = FB * wl, ps = 1 * wl;
        for (int c = 0; c < ncb; c++)
            for (int r = 0; r < nrows; r++) {
                long xr = xo + c * cbs + r * rowStep, wk = wo + c * wCb + r * wRow;
                for (int j = 0; j < kw; j++, xr += colStep)
                    for (int l = 0; l < L; l++, wk += wstep) {
                        long xl = xr + 4L * l;
                        FloatVector w0 = FloatVector.fromMemorySegment(S, w, wk, LE), w1 = FloatVector.fromMemorySegment(S, w, wk + 1 * wl, LE), w2 = FloatVector.fromMemorySegment(S, w, wk + 2 * wl, LE), w3 = FloatVector.fromMemorySegment(S, w, wk + 3 * wl, LE);
                        FloatVector v;
                        v = FloatVector.broadcast(S, x.get(F, xl)); a00 = w0.fma(v, a00); a10 = w1.fma(v, a10); a20 = w2.fma(v, a20); a30 = w3.fma(v, a30);
                        v = FloatVector.broadcast(S, x.get(F, xl + 1 * ps)); a01 = w0.fma(v, a01); a11 = w1.fma(v, a11); a21 = w2.fma(v, a21); a31 = w3.fma(v, a31);
                        v = FloatVector.broadcast(S, x.get(F, xl + 2 * ps)); a02 = w0.fma(v, a02); a12 = w1.fma(v, a12); a22 = w2.fma(v, a22); a32 = w3.fma(v, a32);
                        v = FloatVector.broadcast(S, x.get(F, xl + 3 * ps)); a03 = w0.fma(v, a03); a13 = w1.fma(v, a13); a23 = w2.fma(v, a23); a33 = w3.fma(v, a33);
                        v = FloatVector.broadcast(S, x.get(F, xl + 4 * ps)); a04 = w0.fma(v, a04); a14 = w1.fma(v, a14); a24 = w2.fma(v, a24); a34 = w3.fma(v, a34);
                        v = FloatVector.broadcast(S, x.get(F, xl + 5 * ps)); a05 = w0.fma(v, a05); a15 = w1.fma(v, a15); a25 = w2.fma(v, a25); a35 = w3.fma(v, a35);
                    }
            }
        if (z == null) {
            FloatVector c0 = FloatVector.fromMemorySegment(S, bias, bo + 0 * wl, LE);
            long y0 = yo + 0 * yBlock;
            a00.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 0 * wl, LE);
            a01.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 1 * wl, LE);
            a02.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 2 * wl, LE);
            a03.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 3 * wl, LE);
            a04.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 4 * wl, LE);
            a05.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 5 * wl, LE);
            if (nb > 1) {
                FloatVector c1 = FloatVector.fromMemorySegment(S, bias, bo + 1 * wl, LE);
                long y1 = yo + 1 * yBlock;
                a10.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 0 * wl, LE);
                a11.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 1 * wl, LE);
                a12.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 2 * wl, LE);
                a13.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 3 * wl, LE);
                a14.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 4 * wl, LE);
                a15.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 5 * wl, LE);
            }
            if (nb > 2) {
                FloatVector c2 = FloatVector.fromMemorySegment(S, bias, bo + 2 * wl, LE);
                long y2 = yo + 2 * yBlock;
                a20.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 0 * wl, LE);
                a21.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 1 * wl, LE);
                a22.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 2 * wl, LE);
                a23.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 3 * wl, LE);
                a24.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 4 * wl, LE);
                a25.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 5 * wl, LE);
            }
            if (nb > 3) {
                FloatVector c3 = FloatVector.fromMemorySegment(S, bias, bo + 3 * wl, LE);
                long y3 = yo + 3 * yBlock;
                a30.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 0 * wl, LE);
                a31.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 1 * wl, LE);
                a32.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 2 * wl, LE);
                a33.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 3 * wl, LE);
                a34.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 4 * wl, LE);
                a35.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 5 * wl, LE);
            }
        } else {
            FloatVector c0 = FloatVector.fromMemorySegment(S, bias, bo + 0 * wl, LE);
            long y0 = yo + 0 * yBlock;
            a00.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 0 * wl, LE);
            a01.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 1 * wl, LE);
            a02.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 2 * wl, LE);
            a03.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 3 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 3 * wl, LE);
            a04.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 4 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 4 * wl, LE);
            a05.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 5 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 5 * wl, LE);
            if (nb > 1) {
                FloatVector c1 = FloatVector.fromMemorySegment(S, bias, bo + 1 * wl, LE);
                long y1 = yo + 1 * yBlock;
                a10.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 0 * wl, LE);
                a11.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 1 * wl, LE);
                a12.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 2 * wl, LE);
                a13.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 3 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 3 * wl, LE);
                a14.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 4 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 4 * wl, LE);
                a15.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 5 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 5 * wl, LE);
            }
            if (nb > 2) {
                FloatVector c2 = FloatVector.fromMemorySegment(S, bias, bo + 2 * wl, LE);
                long y2 = yo + 2 * yBlock;
                a20.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 0 * wl, LE);
                a21.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 1 * wl, LE);
                a22.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 2 * wl, LE);
                a23.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 3 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 3 * wl, LE);
                a24.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 4 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 4 * wl, LE);
                a25.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 5 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 5 * wl, LE);
            }
            if (nb > 3) {
                FloatVector c3 = FloatVector.fromMemorySegment(S, bias, bo + 3 * wl, LE);
                long y3 = yo + 3 * yBlock;
                a30.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 0 * wl, LE);
                a31.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 1 * wl, LE);
                a32.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 2 * wl, LE);
                a33.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 3 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 3 * wl, LE);
                a34.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 4 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 4 * wl, LE);
                a35.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 5 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 5 * wl, LE);
            }
        }
    }

    /** 6 consecutive output positions, input column stride 2. */
    static void s2(MemorySegment x, long xo, long cbs, int ncb, long rowStep, int nrows, long colStep, int kw,
                   MemorySegment w, long wo, long wCb, long wRow, MemorySegment y, long yo, long yBlock, int nb,
                   MemorySegment bias, long bo, MemorySegment z, float lo, float hi) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a04 = a00, a05 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00, a14 = a00, a15 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a24 = a00, a25 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00, a34 = a00, a35 = a00;
        long wl = L * 4L, wstep = FB * wl, ps = 2 * wl;
        for (int c = 0; c < ncb; c++)
            for (int r = 0; r < nrows; r++) {
                long xr = xo + c * cbs + r * rowStep, wk = wo + c * wCb + r * wRow;
                for (int j = 0; j < kw; j++, xr += colStep)
                    for (int l = 0; l < L; l++, wk += wstep) {
                        long xl = xr + 4L * l;
                        FloatVector w0 = FloatVector.fromMemorySegment(S, w, wk, LE), w1 = FloatVector.fromMemorySegment(S, w, wk + 1 * wl, LE), w2 = FloatVector.fromMemorySegment(S, w, wk + 2 * wl, LE), w3 = FloatVector.fromMemorySegment(S, w, wk + 3 * wl, LE);
                        FloatVector v;
                        v = FloatVector.broadcast(S, x.get(F, xl)); a00 = w0.fma(v, a00); a10 = w1.fma(v, a10); a20 = w2.fma(v, a20); a30 = w3.fma(v, a30);
                        v = FloatVector.broadcast(S, x.get(F, xl + 1 * ps)); a01 = w0.fma(v, a01); a11 = w1.fma(v, a11); a21 = w2.fma(v, a21); a31 = w3.fma(v, a31);
                        v = FloatVector.broadcast(S, x.get(F, xl + 2 * ps)); a02 = w0.fma(v, a02); a12 = w1.fma(v, a12); a22 = w2.fma(v, a22); a32 = w3.fma(v, a32);
                        v = FloatVector.broadcast(S, x.get(F, xl + 3 * ps)); a03 = w0.fma(v, a03); a13 = w1.fma(v, a13); a23 = w2.fma(v, a23); a33 = w3.fma(v, a33);
                        v = FloatVector.broadcast(S, x.get(F, xl + 4 * ps)); a04 = w0.fma(v, a04); a14 = w1.fma(v, a14); a24 = w2.fma(v, a24); a34 = w3.fma(v, a34);
                        v = FloatVector.broadcast(S, x.get(F, xl + 5 * ps)); a05 = w0.fma(v, a05); a15 = w1.fma(v, a15); a25 = w2.fma(v, a25); a35 = w3.fma(v, a35);
                    }
            }
        if (z == null) {
            FloatVector c0 = FloatVector.fromMemorySegment(S, bias, bo + 0 * wl, LE);
            long y0 = yo + 0 * yBlock;
            a00.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 0 * wl, LE);
            a01.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 1 * wl, LE);
            a02.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 2 * wl, LE);
            a03.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 3 * wl, LE);
            a04.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 4 * wl, LE);
            a05.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 5 * wl, LE);
            if (nb > 1) {
                FloatVector c1 = FloatVector.fromMemorySegment(S, bias, bo + 1 * wl, LE);
                long y1 = yo + 1 * yBlock;
                a10.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 0 * wl, LE);
                a11.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 1 * wl, LE);
                a12.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 2 * wl, LE);
                a13.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 3 * wl, LE);
                a14.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 4 * wl, LE);
                a15.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 5 * wl, LE);
            }
            if (nb > 2) {
                FloatVector c2 = FloatVector.fromMemorySegment(S, bias, bo + 2 * wl, LE);
                long y2 = yo + 2 * yBlock;
                a20.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 0 * wl, LE);
                a21.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 1 * wl, LE);
                a22.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 2 * wl, LE);
                a23.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 3 * wl, LE);
                a24.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 4 * wl, LE);
                a25.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 5 * wl, LE);
            }
            if (nb > 3) {
                FloatVector c3 = FloatVector.fromMemorySegment(S, bias, bo + 3 * wl, LE);
                long y3 = yo + 3 * yBlock;
                a30.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 0 * wl, LE);
                a31.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 1 * wl, LE);
                a32.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 2 * wl, LE);
                a33.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 3 * wl, LE);
                a34.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 4 * wl, LE);
                a35.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 5 * wl, LE);
            }
        } else {
            FloatVector c0 = FloatVector.fromMemorySegment(S, bias, bo + 0 * wl, LE);
            long y0 = yo + 0 * yBlock;
            a00.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 0 * wl, LE);
            a01.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 1 * wl, LE);
            a02.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 2 * wl, LE);
            a03.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 3 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 3 * wl, LE);
            a04.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 4 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 4 * wl, LE);
            a05.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 5 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 5 * wl, LE);
            if (nb > 1) {
                FloatVector c1 = FloatVector.fromMemorySegment(S, bias, bo + 1 * wl, LE);
                long y1 = yo + 1 * yBlock;
                a10.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 0 * wl, LE);
                a11.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 1 * wl, LE);
                a12.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 2 * wl, LE);
                a13.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 3 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 3 * wl, LE);
                a14.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 4 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 4 * wl, LE);
                a15.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 5 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 5 * wl, LE);
            }
            if (nb > 2) {
                FloatVector c2 = FloatVector.fromMemorySegment(S, bias, bo + 2 * wl, LE);
                long y2 = yo + 2 * yBlock;
                a20.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 0 * wl, LE);
                a21.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 1 * wl, LE);
                a22.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 2 * wl, LE);
                a23.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 3 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 3 * wl, LE);
                a24.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 4 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 4 * wl, LE);
                a25.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 5 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 5 * wl, LE);
            }
            if (nb > 3) {
                FloatVector c3 = FloatVector.fromMemorySegment(S, bias, bo + 3 * wl, LE);
                long y3 = yo + 3 * yBlock;
                a30.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 0 * wl, LE);
                a31.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 1 * wl, LE);
                a32.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 2 * wl, LE);
                a33.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 3 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 3 * wl, LE);
                a34.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 4 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 4 * wl, LE);
                a35.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 5 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 5 * wl, LE);
            }
        }
    }

    /** 6 consecutive output positions of a 1×1 stride-1 conv (one tap; consecutive positions are consecutive in the input). */
    static void pw(MemorySegment x, long xo, long cbs, int ncb, MemorySegment w, long wo, MemorySegment y, long yo, long yBlock, int nb,
                   MemorySegment bias, long bo, MemorySegment z, float lo, float hi) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a04 = a00, a05 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00, a14 = a00, a15 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a24 = a00, a25 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00, a34 = a00, a35 = a00;
        long wl = L * 4L, wstep = FB * wl, ps = wl, wk = wo;
        for (int c = 0; c < ncb; c++) {
            long xr = xo + c * cbs;
            for (int l = 0; l < L; l++, wk += wstep) {
                long xl = xr + 4L * l;
                FloatVector w0 = FloatVector.fromMemorySegment(S, w, wk, LE), w1 = FloatVector.fromMemorySegment(S, w, wk + 1 * wl, LE), w2 = FloatVector.fromMemorySegment(S, w, wk + 2 * wl, LE), w3 = FloatVector.fromMemorySegment(S, w, wk + 3 * wl, LE);
                FloatVector v;
                v = FloatVector.broadcast(S, x.get(F, xl)); a00 = w0.fma(v, a00); a10 = w1.fma(v, a10); a20 = w2.fma(v, a20); a30 = w3.fma(v, a30);
                v = FloatVector.broadcast(S, x.get(F, xl + 1 * ps)); a01 = w0.fma(v, a01); a11 = w1.fma(v, a11); a21 = w2.fma(v, a21); a31 = w3.fma(v, a31);
                v = FloatVector.broadcast(S, x.get(F, xl + 2 * ps)); a02 = w0.fma(v, a02); a12 = w1.fma(v, a12); a22 = w2.fma(v, a22); a32 = w3.fma(v, a32);
                v = FloatVector.broadcast(S, x.get(F, xl + 3 * ps)); a03 = w0.fma(v, a03); a13 = w1.fma(v, a13); a23 = w2.fma(v, a23); a33 = w3.fma(v, a33);
                v = FloatVector.broadcast(S, x.get(F, xl + 4 * ps)); a04 = w0.fma(v, a04); a14 = w1.fma(v, a14); a24 = w2.fma(v, a24); a34 = w3.fma(v, a34);
                v = FloatVector.broadcast(S, x.get(F, xl + 5 * ps)); a05 = w0.fma(v, a05); a15 = w1.fma(v, a15); a25 = w2.fma(v, a25); a35 = w3.fma(v, a35);
            }
        }
        if (z == null) {
            FloatVector c0 = FloatVector.fromMemorySegment(S, bias, bo + 0 * wl, LE);
            long y0 = yo + 0 * yBlock;
            a00.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 0 * wl, LE);
            a01.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 1 * wl, LE);
            a02.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 2 * wl, LE);
            a03.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 3 * wl, LE);
            a04.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 4 * wl, LE);
            a05.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 5 * wl, LE);
            if (nb > 1) {
                FloatVector c1 = FloatVector.fromMemorySegment(S, bias, bo + 1 * wl, LE);
                long y1 = yo + 1 * yBlock;
                a10.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 0 * wl, LE);
                a11.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 1 * wl, LE);
                a12.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 2 * wl, LE);
                a13.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 3 * wl, LE);
                a14.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 4 * wl, LE);
                a15.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 5 * wl, LE);
            }
            if (nb > 2) {
                FloatVector c2 = FloatVector.fromMemorySegment(S, bias, bo + 2 * wl, LE);
                long y2 = yo + 2 * yBlock;
                a20.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 0 * wl, LE);
                a21.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 1 * wl, LE);
                a22.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 2 * wl, LE);
                a23.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 3 * wl, LE);
                a24.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 4 * wl, LE);
                a25.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 5 * wl, LE);
            }
            if (nb > 3) {
                FloatVector c3 = FloatVector.fromMemorySegment(S, bias, bo + 3 * wl, LE);
                long y3 = yo + 3 * yBlock;
                a30.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 0 * wl, LE);
                a31.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 1 * wl, LE);
                a32.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 2 * wl, LE);
                a33.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 3 * wl, LE);
                a34.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 4 * wl, LE);
                a35.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 5 * wl, LE);
            }
        } else {
            FloatVector c0 = FloatVector.fromMemorySegment(S, bias, bo + 0 * wl, LE);
            long y0 = yo + 0 * yBlock;
            a00.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 0 * wl, LE);
            a01.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 1 * wl, LE);
            a02.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 2 * wl, LE);
            a03.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 3 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 3 * wl, LE);
            a04.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 4 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 4 * wl, LE);
            a05.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 5 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 5 * wl, LE);
            if (nb > 1) {
                FloatVector c1 = FloatVector.fromMemorySegment(S, bias, bo + 1 * wl, LE);
                long y1 = yo + 1 * yBlock;
                a10.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 0 * wl, LE);
                a11.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 1 * wl, LE);
                a12.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 2 * wl, LE);
                a13.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 3 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 3 * wl, LE);
                a14.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 4 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 4 * wl, LE);
                a15.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 5 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 5 * wl, LE);
            }
            if (nb > 2) {
                FloatVector c2 = FloatVector.fromMemorySegment(S, bias, bo + 2 * wl, LE);
                long y2 = yo + 2 * yBlock;
                a20.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 0 * wl, LE);
                a21.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 1 * wl, LE);
                a22.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 2 * wl, LE);
                a23.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 3 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 3 * wl, LE);
                a24.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 4 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 4 * wl, LE);
                a25.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 5 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 5 * wl, LE);
            }
            if (nb > 3) {
                FloatVector c3 = FloatVector.fromMemorySegment(S, bias, bo + 3 * wl, LE);
                long y3 = yo + 3 * yBlock;
                a30.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 0 * wl, LE);
                a31.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 1 * wl, LE);
                a32.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 2 * wl, LE);
                a33.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 3 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 3 * wl, LE);
                a34.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 4 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 4 * wl, LE);
                a35.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 5 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 5 * wl, LE);
            }
        }
    }

    /** 5 consecutive output positions, any position stride ps (bytes). */
    static void t5(MemorySegment x, long xo, long ps, long cbs, int ncb, long rowStep, int nrows, long colStep, int kw,
                   MemorySegment w, long wo, long wCb, long wRow, MemorySegment y, long yo, long yBlock, int nb,
                   MemorySegment bias, long bo, MemorySegment z, float lo, float hi) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a04 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00, a14 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a24 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00, a34 = a00;
        long wl = L * 4L, wstep = FB * wl;
        for (int c = 0; c < ncb; c++)
            for (int r = 0; r < nrows; r++) {
                long xr = xo + c * cbs + r * rowStep, wk = wo + c * wCb + r * wRow;
                for (int j = 0; j < kw; j++, xr += colStep)
                    for (int l = 0; l < L; l++, wk += wstep) {
                        long xl = xr + 4L * l;
                        FloatVector w0 = FloatVector.fromMemorySegment(S, w, wk, LE), w1 = FloatVector.fromMemorySegment(S, w, wk + 1 * wl, LE), w2 = FloatVector.fromMemorySegment(S, w, wk + 2 * wl, LE), w3 = FloatVector.fromMemorySegment(S, w, wk + 3 * wl, LE);
                        FloatVector v;
                        v = FloatVector.broadcast(S, x.get(F, xl)); a00 = w0.fma(v, a00); a10 = w1.fma(v, a10); a20 = w2.fma(v, a20); a30 = w3.fma(v, a30);
                        v = FloatVector.broadcast(S, x.get(F, xl + 1 * ps)); a01 = w0.fma(v, a01); a11 = w1.fma(v, a11); a21 = w2.fma(v, a21); a31 = w3.fma(v, a31);
                        v = FloatVector.broadcast(S, x.get(F, xl + 2 * ps)); a02 = w0.fma(v, a02); a12 = w1.fma(v, a12); a22 = w2.fma(v, a22); a32 = w3.fma(v, a32);
                        v = FloatVector.broadcast(S, x.get(F, xl + 3 * ps)); a03 = w0.fma(v, a03); a13 = w1.fma(v, a13); a23 = w2.fma(v, a23); a33 = w3.fma(v, a33);
                        v = FloatVector.broadcast(S, x.get(F, xl + 4 * ps)); a04 = w0.fma(v, a04); a14 = w1.fma(v, a14); a24 = w2.fma(v, a24); a34 = w3.fma(v, a34);
                    }
            }
        if (z == null) {
            FloatVector c0 = FloatVector.fromMemorySegment(S, bias, bo + 0 * wl, LE);
            long y0 = yo + 0 * yBlock;
            a00.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 0 * wl, LE);
            a01.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 1 * wl, LE);
            a02.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 2 * wl, LE);
            a03.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 3 * wl, LE);
            a04.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 4 * wl, LE);
            if (nb > 1) {
                FloatVector c1 = FloatVector.fromMemorySegment(S, bias, bo + 1 * wl, LE);
                long y1 = yo + 1 * yBlock;
                a10.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 0 * wl, LE);
                a11.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 1 * wl, LE);
                a12.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 2 * wl, LE);
                a13.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 3 * wl, LE);
                a14.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 4 * wl, LE);
            }
            if (nb > 2) {
                FloatVector c2 = FloatVector.fromMemorySegment(S, bias, bo + 2 * wl, LE);
                long y2 = yo + 2 * yBlock;
                a20.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 0 * wl, LE);
                a21.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 1 * wl, LE);
                a22.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 2 * wl, LE);
                a23.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 3 * wl, LE);
                a24.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 4 * wl, LE);
            }
            if (nb > 3) {
                FloatVector c3 = FloatVector.fromMemorySegment(S, bias, bo + 3 * wl, LE);
                long y3 = yo + 3 * yBlock;
                a30.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 0 * wl, LE);
                a31.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 1 * wl, LE);
                a32.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 2 * wl, LE);
                a33.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 3 * wl, LE);
                a34.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 4 * wl, LE);
            }
        } else {
            FloatVector c0 = FloatVector.fromMemorySegment(S, bias, bo + 0 * wl, LE);
            long y0 = yo + 0 * yBlock;
            a00.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 0 * wl, LE);
            a01.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 1 * wl, LE);
            a02.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 2 * wl, LE);
            a03.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 3 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 3 * wl, LE);
            a04.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 4 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 4 * wl, LE);
            if (nb > 1) {
                FloatVector c1 = FloatVector.fromMemorySegment(S, bias, bo + 1 * wl, LE);
                long y1 = yo + 1 * yBlock;
                a10.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 0 * wl, LE);
                a11.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 1 * wl, LE);
                a12.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 2 * wl, LE);
                a13.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 3 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 3 * wl, LE);
                a14.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 4 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 4 * wl, LE);
            }
            if (nb > 2) {
                FloatVector c2 = FloatVector.fromMemorySegment(S, bias, bo + 2 * wl, LE);
                long y2 = yo + 2 * yBlock;
                a20.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 0 * wl, LE);
                a21.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 1 * wl, LE);
                a22.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 2 * wl, LE);
                a23.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 3 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 3 * wl, LE);
                a24.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 4 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 4 * wl, LE);
            }
            if (nb > 3) {
                FloatVector c3 = FloatVector.fromMemorySegment(S, bias, bo + 3 * wl, LE);
                long y3 = yo + 3 * yBlock;
                a30.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 0 * wl, LE);
                a31.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 1 * wl, LE);
                a32.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 2 * wl, LE);
                a33.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 3 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 3 * wl, LE);
                a34.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 4 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 4 * wl, LE);
            }
        }
    }

    /** 4 consecutive output positions, any position stride ps (bytes). */
    static void t4(MemorySegment x, long xo, long ps, long cbs, int ncb, long rowStep, int nrows, long colStep, int kw,
                   MemorySegment w, long wo, long wCb, long wRow, MemorySegment y, long yo, long yBlock, int nb,
                   MemorySegment bias, long bo, MemorySegment z, float lo, float hi) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        long wl = L * 4L, wstep = FB * wl;
        for (int c = 0; c < ncb; c++)
            for (int r = 0; r < nrows; r++) {
                long xr = xo + c * cbs + r * rowStep, wk = wo + c * wCb + r * wRow;
                for (int j = 0; j < kw; j++, xr += colStep)
                    for (int l = 0; l < L; l++, wk += wstep) {
                        long xl = xr + 4L * l;
                        FloatVector w0 = FloatVector.fromMemorySegment(S, w, wk, LE), w1 = FloatVector.fromMemorySegment(S, w, wk + 1 * wl, LE), w2 = FloatVector.fromMemorySegment(S, w, wk + 2 * wl, LE), w3 = FloatVector.fromMemorySegment(S, w, wk + 3 * wl, LE);
                        FloatVector v;
                        v = FloatVector.broadcast(S, x.get(F, xl)); a00 = w0.fma(v, a00); a10 = w1.fma(v, a10); a20 = w2.fma(v, a20); a30 = w3.fma(v, a30);
                        v = FloatVector.broadcast(S, x.get(F, xl + 1 * ps)); a01 = w0.fma(v, a01); a11 = w1.fma(v, a11); a21 = w2.fma(v, a21); a31 = w3.fma(v, a31);
                        v = FloatVector.broadcast(S, x.get(F, xl + 2 * ps)); a02 = w0.fma(v, a02); a12 = w1.fma(v, a12); a22 = w2.fma(v, a22); a32 = w3.fma(v, a32);
                        v = FloatVector.broadcast(S, x.get(F, xl + 3 * ps)); a03 = w0.fma(v, a03); a13 = w1.fma(v, a13); a23 = w2.fma(v, a23); a33 = w3.fma(v, a33);
                    }
            }
        if (z == null) {
            FloatVector c0 = FloatVector.fromMemorySegment(S, bias, bo + 0 * wl, LE);
            long y0 = yo + 0 * yBlock;
            a00.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 0 * wl, LE);
            a01.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 1 * wl, LE);
            a02.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 2 * wl, LE);
            a03.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 3 * wl, LE);
            if (nb > 1) {
                FloatVector c1 = FloatVector.fromMemorySegment(S, bias, bo + 1 * wl, LE);
                long y1 = yo + 1 * yBlock;
                a10.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 0 * wl, LE);
                a11.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 1 * wl, LE);
                a12.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 2 * wl, LE);
                a13.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 3 * wl, LE);
            }
            if (nb > 2) {
                FloatVector c2 = FloatVector.fromMemorySegment(S, bias, bo + 2 * wl, LE);
                long y2 = yo + 2 * yBlock;
                a20.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 0 * wl, LE);
                a21.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 1 * wl, LE);
                a22.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 2 * wl, LE);
                a23.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 3 * wl, LE);
            }
            if (nb > 3) {
                FloatVector c3 = FloatVector.fromMemorySegment(S, bias, bo + 3 * wl, LE);
                long y3 = yo + 3 * yBlock;
                a30.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 0 * wl, LE);
                a31.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 1 * wl, LE);
                a32.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 2 * wl, LE);
                a33.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 3 * wl, LE);
            }
        } else {
            FloatVector c0 = FloatVector.fromMemorySegment(S, bias, bo + 0 * wl, LE);
            long y0 = yo + 0 * yBlock;
            a00.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 0 * wl, LE);
            a01.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 1 * wl, LE);
            a02.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 2 * wl, LE);
            a03.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 3 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 3 * wl, LE);
            if (nb > 1) {
                FloatVector c1 = FloatVector.fromMemorySegment(S, bias, bo + 1 * wl, LE);
                long y1 = yo + 1 * yBlock;
                a10.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 0 * wl, LE);
                a11.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 1 * wl, LE);
                a12.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 2 * wl, LE);
                a13.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 3 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 3 * wl, LE);
            }
            if (nb > 2) {
                FloatVector c2 = FloatVector.fromMemorySegment(S, bias, bo + 2 * wl, LE);
                long y2 = yo + 2 * yBlock;
                a20.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 0 * wl, LE);
                a21.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 1 * wl, LE);
                a22.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 2 * wl, LE);
                a23.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 3 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 3 * wl, LE);
            }
            if (nb > 3) {
                FloatVector c3 = FloatVector.fromMemorySegment(S, bias, bo + 3 * wl, LE);
                long y3 = yo + 3 * yBlock;
                a30.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 0 * wl, LE);
                a31.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 1 * wl, LE);
                a32.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 2 * wl, LE);
                a33.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 3 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 3 * wl, LE);
            }
        }
    }

    /** 3 consecutive output positions, any position stride ps (bytes). */
    static void t3(MemorySegment x, long xo, long ps, long cbs, int ncb, long rowStep, int nrows, long colStep, int kw,
                   MemorySegment w, long wo, long wCb, long wRow, MemorySegment y, long yo, long yBlock, int nb,
                   MemorySegment bias, long bo, MemorySegment z, float lo, float hi) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00, a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
        long wl = L * 4L, wstep = FB * wl;
        for (int c = 0; c < ncb; c++)
            for (int r = 0; r < nrows; r++) {
                long xr = xo + c * cbs + r * rowStep, wk = wo + c * wCb + r * wRow;
                for (int j = 0; j < kw; j++, xr += colStep)
                    for (int l = 0; l < L; l++, wk += wstep) {
                        long xl = xr + 4L * l;
                        FloatVector w0 = FloatVector.fromMemorySegment(S, w, wk, LE), w1 = FloatVector.fromMemorySegment(S, w, wk + 1 * wl, LE), w2 = FloatVector.fromMemorySegment(S, w, wk + 2 * wl, LE), w3 = FloatVector.fromMemorySegment(S, w, wk + 3 * wl, LE);
                        FloatVector v;
                        v = FloatVector.broadcast(S, x.get(F, xl)); a00 = w0.fma(v, a00); a10 = w1.fma(v, a10); a20 = w2.fma(v, a20); a30 = w3.fma(v, a30);
                        v = FloatVector.broadcast(S, x.get(F, xl + 1 * ps)); a01 = w0.fma(v, a01); a11 = w1.fma(v, a11); a21 = w2.fma(v, a21); a31 = w3.fma(v, a31);
                        v = FloatVector.broadcast(S, x.get(F, xl + 2 * ps)); a02 = w0.fma(v, a02); a12 = w1.fma(v, a12); a22 = w2.fma(v, a22); a32 = w3.fma(v, a32);
                    }
            }
        if (z == null) {
            FloatVector c0 = FloatVector.fromMemorySegment(S, bias, bo + 0 * wl, LE);
            long y0 = yo + 0 * yBlock;
            a00.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 0 * wl, LE);
            a01.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 1 * wl, LE);
            a02.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 2 * wl, LE);
            if (nb > 1) {
                FloatVector c1 = FloatVector.fromMemorySegment(S, bias, bo + 1 * wl, LE);
                long y1 = yo + 1 * yBlock;
                a10.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 0 * wl, LE);
                a11.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 1 * wl, LE);
                a12.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 2 * wl, LE);
            }
            if (nb > 2) {
                FloatVector c2 = FloatVector.fromMemorySegment(S, bias, bo + 2 * wl, LE);
                long y2 = yo + 2 * yBlock;
                a20.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 0 * wl, LE);
                a21.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 1 * wl, LE);
                a22.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 2 * wl, LE);
            }
            if (nb > 3) {
                FloatVector c3 = FloatVector.fromMemorySegment(S, bias, bo + 3 * wl, LE);
                long y3 = yo + 3 * yBlock;
                a30.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 0 * wl, LE);
                a31.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 1 * wl, LE);
                a32.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 2 * wl, LE);
            }
        } else {
            FloatVector c0 = FloatVector.fromMemorySegment(S, bias, bo + 0 * wl, LE);
            long y0 = yo + 0 * yBlock;
            a00.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 0 * wl, LE);
            a01.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 1 * wl, LE);
            a02.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 2 * wl, LE);
            if (nb > 1) {
                FloatVector c1 = FloatVector.fromMemorySegment(S, bias, bo + 1 * wl, LE);
                long y1 = yo + 1 * yBlock;
                a10.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 0 * wl, LE);
                a11.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 1 * wl, LE);
                a12.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 2 * wl, LE);
            }
            if (nb > 2) {
                FloatVector c2 = FloatVector.fromMemorySegment(S, bias, bo + 2 * wl, LE);
                long y2 = yo + 2 * yBlock;
                a20.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 0 * wl, LE);
                a21.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 1 * wl, LE);
                a22.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 2 * wl, LE);
            }
            if (nb > 3) {
                FloatVector c3 = FloatVector.fromMemorySegment(S, bias, bo + 3 * wl, LE);
                long y3 = yo + 3 * yBlock;
                a30.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 0 * wl, LE);
                a31.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 1 * wl, LE);
                a32.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 2 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 2 * wl, LE);
            }
        }
    }

    /** 2 consecutive output positions, any position stride ps (bytes). */
    static void t2(MemorySegment x, long xo, long ps, long cbs, int ncb, long rowStep, int nrows, long colStep, int kw,
                   MemorySegment w, long wo, long wCb, long wRow, MemorySegment y, long yo, long yBlock, int nb,
                   MemorySegment bias, long bo, MemorySegment z, float lo, float hi) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        long wl = L * 4L, wstep = FB * wl;
        for (int c = 0; c < ncb; c++)
            for (int r = 0; r < nrows; r++) {
                long xr = xo + c * cbs + r * rowStep, wk = wo + c * wCb + r * wRow;
                for (int j = 0; j < kw; j++, xr += colStep)
                    for (int l = 0; l < L; l++, wk += wstep) {
                        long xl = xr + 4L * l;
                        FloatVector w0 = FloatVector.fromMemorySegment(S, w, wk, LE), w1 = FloatVector.fromMemorySegment(S, w, wk + 1 * wl, LE), w2 = FloatVector.fromMemorySegment(S, w, wk + 2 * wl, LE), w3 = FloatVector.fromMemorySegment(S, w, wk + 3 * wl, LE);
                        FloatVector v;
                        v = FloatVector.broadcast(S, x.get(F, xl)); a00 = w0.fma(v, a00); a10 = w1.fma(v, a10); a20 = w2.fma(v, a20); a30 = w3.fma(v, a30);
                        v = FloatVector.broadcast(S, x.get(F, xl + 1 * ps)); a01 = w0.fma(v, a01); a11 = w1.fma(v, a11); a21 = w2.fma(v, a21); a31 = w3.fma(v, a31);
                    }
            }
        if (z == null) {
            FloatVector c0 = FloatVector.fromMemorySegment(S, bias, bo + 0 * wl, LE);
            long y0 = yo + 0 * yBlock;
            a00.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 0 * wl, LE);
            a01.add(c0).max(lo).min(hi).intoMemorySegment(y, y0 + 1 * wl, LE);
            if (nb > 1) {
                FloatVector c1 = FloatVector.fromMemorySegment(S, bias, bo + 1 * wl, LE);
                long y1 = yo + 1 * yBlock;
                a10.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 0 * wl, LE);
                a11.add(c1).max(lo).min(hi).intoMemorySegment(y, y1 + 1 * wl, LE);
            }
            if (nb > 2) {
                FloatVector c2 = FloatVector.fromMemorySegment(S, bias, bo + 2 * wl, LE);
                long y2 = yo + 2 * yBlock;
                a20.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 0 * wl, LE);
                a21.add(c2).max(lo).min(hi).intoMemorySegment(y, y2 + 1 * wl, LE);
            }
            if (nb > 3) {
                FloatVector c3 = FloatVector.fromMemorySegment(S, bias, bo + 3 * wl, LE);
                long y3 = yo + 3 * yBlock;
                a30.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 0 * wl, LE);
                a31.add(c3).max(lo).min(hi).intoMemorySegment(y, y3 + 1 * wl, LE);
            }
        } else {
            FloatVector c0 = FloatVector.fromMemorySegment(S, bias, bo + 0 * wl, LE);
            long y0 = yo + 0 * yBlock;
            a00.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 0 * wl, LE);
            a01.add(c0).add(FloatVector.fromMemorySegment(S, z, y0 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y0 + 1 * wl, LE);
            if (nb > 1) {
                FloatVector c1 = FloatVector.fromMemorySegment(S, bias, bo + 1 * wl, LE);
                long y1 = yo + 1 * yBlock;
                a10.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 0 * wl, LE);
                a11.add(c1).add(FloatVector.fromMemorySegment(S, z, y1 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y1 + 1 * wl, LE);
            }
            if (nb > 2) {
                FloatVector c2 = FloatVector.fromMemorySegment(S, bias, bo + 2 * wl, LE);
                long y2 = yo + 2 * yBlock;
                a20.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 0 * wl, LE);
                a21.add(c2).add(FloatVector.fromMemorySegment(S, z, y2 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y2 + 1 * wl, LE);
            }
            if (nb > 3) {
                FloatVector c3 = FloatVector.fromMemorySegment(S, bias, bo + 3 * wl, LE);
                long y3 = yo + 3 * yBlock;
                a30.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 0 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 0 * wl, LE);
                a31.add(c3).add(FloatVector.fromMemorySegment(S, z, y3 + 1 * wl, LE)).max(lo).min(hi).intoMemorySegment(y, y3 + 1 * wl, LE);
            }
        }
    }

    /** One output position; two accumulators per block (even and odd input lanes) to hide the FMA latency. */
    static void p1(MemorySegment x, long xo, long cbs, int ncb, long rowStep, int nrows, long colStep, int kw,
                   MemorySegment w, long wo, long wCb, long wRow, MemorySegment y, long yo, long yBlock, int nb,
                   MemorySegment bias, long bo, MemorySegment z, float lo, float hi) {
        FloatVector e0 = FloatVector.zero(S), e1 = e0, e2 = e0, e3 = e0, o0 = e0, o1 = e0, o2 = e0, o3 = e0;
        long wl = L * 4L, wstep = FB * wl;
        for (int c = 0; c < ncb; c++)
            for (int r = 0; r < nrows; r++) {
                long xr = xo + c * cbs + r * rowStep, wk = wo + c * wCb + r * wRow;
                for (int j = 0; j < kw; j++, xr += colStep)
                    for (int l = 0; l < L; l += 2, wk += 2 * wstep) {
                        FloatVector v = FloatVector.broadcast(S, x.get(F, xr + 4L * l));
                        e0 = FloatVector.fromMemorySegment(S, w, wk + 0 * wl, LE).fma(v, e0);
                        e1 = FloatVector.fromMemorySegment(S, w, wk + 1 * wl, LE).fma(v, e1);
                        e2 = FloatVector.fromMemorySegment(S, w, wk + 2 * wl, LE).fma(v, e2);
                        e3 = FloatVector.fromMemorySegment(S, w, wk + 3 * wl, LE).fma(v, e3);
                        v = FloatVector.broadcast(S, x.get(F, xr + 4L * l + 4));
                        o0 = FloatVector.fromMemorySegment(S, w, wk + wstep + 0 * wl, LE).fma(v, o0);
                        o1 = FloatVector.fromMemorySegment(S, w, wk + wstep + 1 * wl, LE).fma(v, o1);
                        o2 = FloatVector.fromMemorySegment(S, w, wk + wstep + 2 * wl, LE).fma(v, o2);
                        o3 = FloatVector.fromMemorySegment(S, w, wk + wstep + 3 * wl, LE).fma(v, o3);
                    }
            }
        FloatVector s0 = e0.add(o0).add(FloatVector.fromMemorySegment(S, bias, bo + 0 * wl, LE));
        if (z != null) s0 = s0.add(FloatVector.fromMemorySegment(S, z, yo + 0 * yBlock, LE));
        s0.max(lo).min(hi).intoMemorySegment(y, yo + 0 * yBlock, LE);
        if (nb > 1) {
            FloatVector s1 = e1.add(o1).add(FloatVector.fromMemorySegment(S, bias, bo + 1 * wl, LE));
            if (z != null) s1 = s1.add(FloatVector.fromMemorySegment(S, z, yo + 1 * yBlock, LE));
            s1.max(lo).min(hi).intoMemorySegment(y, yo + 1 * yBlock, LE);
        }
        if (nb > 2) {
            FloatVector s2 = e2.add(o2).add(FloatVector.fromMemorySegment(S, bias, bo + 2 * wl, LE));
            if (z != null) s2 = s2.add(FloatVector.fromMemorySegment(S, z, yo + 2 * yBlock, LE));
            s2.max(lo).min(hi).intoMemorySegment(y, yo + 2 * yBlock, LE);
        }
        if (nb > 3) {
            FloatVector s3 = e3.add(o3).add(FloatVector.fromMemorySegment(S, bias, bo + 3 * wl, LE));
            if (z != null) s3 = s3.add(FloatVector.fromMemorySegment(S, z, yo + 3 * yBlock, LE));
            s3.max(lo).min(hi).intoMemorySegment(y, yo + 3 * yBlock, LE);
        }
    }
}
