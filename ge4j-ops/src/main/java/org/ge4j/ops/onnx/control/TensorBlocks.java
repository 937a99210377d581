package org.ge4j.ops.onnx.control;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;

/**
 * Copies blocks of elements between tensors of one element type: the building block of the slicing,
 * stacking, splitting and concatenation these kernels need. Every result is a fresh tensor.
 */
final class TensorBlocks {
    private TensorBlocks() {}

    /** Copies {@code count} elements from {@code src[srcOff..]} to {@code dst[dstOff..]} (same dtype). */
    static void copy(Tensor src, long srcOff, Tensor dst, long dstOff, long count) {
        if (count == 0) return;
        DataType t = src.dtype();
        if (t == DataType.STRING) {
            for (long i = 0; i < count; i++) dst.setString(dstOff + i, src.getString(srcOff + i));
        } else if (t.bits() % 8 == 0) {
            long es = t.bits() / 8;
            MemorySegment.copy(src.segment(), srcOff * es, dst.segment(), dstOff * es, count * es);
        } else {
            for (long i = 0; i < count; i++) dst.setScalarLong(dstOff + i, src.getScalarLong(srcOff + i));
        }
    }

    /** Product of {@code shape[from..to)}. */
    static long product(long[] shape, int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) n *= shape[i];
        return n;
    }

    /** {@code shape} without dimension {@code axis}. */
    static long[] remove(long[] shape, int axis) {
        long[] r = new long[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != axis) r[j++] = shape[i];
        return r;
    }

    /** {@code shape} with {@code size} inserted at {@code axis}. */
    static long[] insert(long[] shape, int axis, long size) {
        long[] r = new long[shape.length + 1];
        for (int i = 0, j = 0; i < r.length; i++) r[i] = i == axis ? size : shape[j++];
        return r;
    }

    /** The sub-tensor at {@code index} along {@code axis}, without that axis. */
    static Tensor take(Tensor t, int axis, long index) {
        long[] s = t.shape();
        Tensor out = Tensor.allocate(t.dtype(), remove(s, axis));
        long outer = product(s, 0, axis), inner = product(s, axis + 1, s.length);
        for (long o = 0; o < outer; o++) copy(t, (o * s[axis] + index) * inner, out, o * inner, inner);
        return out;
    }

    /** Elements {@code [start, start + len)} along {@code axis}, keeping the axis. */
    static Tensor slice(Tensor t, int axis, long start, long len) {
        long[] s = t.shape();
        long[] os = s.clone();
        os[axis] = len;
        Tensor out = Tensor.allocate(t.dtype(), os);
        long outer = product(s, 0, axis), inner = product(s, axis + 1, s.length);
        for (long o = 0; o < outer; o++) copy(t, (o * s[axis] + start) * inner, out, o * len * inner, len * inner);
        return out;
    }

    /**
     * Stacks equally shaped tensors along a new axis {@code axis} of the result. Throws
     * IllegalArgumentException (with the shapes) when the parts differ.
     */
    static Tensor stack(List<Tensor> parts, int axis) {
        Tensor first = parts.get(0);
        long[] s = first.shape();
        for (int j = 1; j < parts.size(); j++) {
            Tensor p = parts.get(j);
            if (p.dtype() != first.dtype() || !java.util.Arrays.equals(p.shape(), s))
                throw new IllegalArgumentException("element " + j + " is " + p.dtype().shortName() + Shape.toString(p.shape())
                        + " but element 0 is " + first.dtype().shortName() + Shape.toString(s) + "; all must agree");
        }
        int n = parts.size();
        Tensor out = Tensor.allocate(first.dtype(), insert(s, axis, n));
        long outer = product(s, 0, axis), inner = product(s, axis, s.length);
        for (int j = 0; j < n; j++)
            for (long o = 0; o < outer; o++) copy(parts.get(j), o * inner, out, (o * n + j) * inner, inner);
        return out;
    }

    /**
     * Concatenates tensors along an existing axis. Throws IllegalArgumentException (with the shapes) when
     * types, ranks or the other dimensions differ.
     */
    static Tensor concat(List<Tensor> parts, int axis) {
        Tensor first = parts.get(0);
        long[] s = first.shape();
        long total = 0;
        for (int j = 0; j < parts.size(); j++) {
            Tensor p = parts.get(j);
            long[] ps = p.shape();
            boolean ok = p.dtype() == first.dtype() && ps.length == s.length;
            for (int d = 0; ok && d < s.length; d++) if (d != axis && ps[d] != s[d]) ok = false;
            if (!ok)
                throw new IllegalArgumentException("element " + j + " is " + p.dtype().shortName() + Shape.toString(ps)
                        + " but element 0 is " + first.dtype().shortName() + Shape.toString(s) + "; they must agree except on axis " + axis);
            total += ps[axis];
        }
        long[] os = s.clone();
        os[axis] = total;
        Tensor out = Tensor.allocate(first.dtype(), os);
        long outer = product(s, 0, axis), rest = product(s, axis + 1, s.length);
        long at = 0;
        for (Tensor p : parts) {
            long len = p.dim(axis) * rest;
            for (long o = 0; o < outer; o++) copy(p, o * len, out, o * total * rest + at * rest, len);
            at += p.dim(axis);
        }
        return out;
    }
}
