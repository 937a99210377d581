package org.ge4j.ops.onnx.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;

/**
 * Element moves between tensors of one type, exact for every type: raw bytes for fixed-size types
 * (so int64 and NaN payloads survive), nibbles for 4-bit types, references for strings.
 */
final class Elements {
    private Elements() {}

    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;

    /** Copies single elements and runs of elements from one tensor into another of the same type. */
    interface Mover {
        /** dst[di] = src[si]. */
        void move(long si, long di);

        /** dst[di .. di+n) = src[si .. si+n). */
        void run(long si, long di, long n);
    }

    /** Bytes per element, 0 for STRING, -1 for sub-byte types. */
    static int elementBytes(DataType t) {
        if (t == DataType.STRING) return 0;
        return t.bits() % 8 != 0 ? -1 : t.bits() / 8;
    }

    /** A mover from {@code src} to {@code dst}; both must have the same element type. */
    static Mover mover(Tensor src, Tensor dst) {
        if (src.dtype() != dst.dtype())
            throw new IllegalArgumentException("element move between " + src.dtype() + " and " + dst.dtype());
        DataType t = dst.dtype();
        if (t == DataType.STRING) {
            return new Mover() {
                public void move(long si, long di) { dst.setString(di, src.getString(si)); }
                public void run(long si, long di, long n) { for (long k = 0; k < n; k++) dst.setString(di + k, src.getString(si + k)); }
            };
        }
        int eb = elementBytes(t);
        MemorySegment s = src.segment(), d = dst.segment();
        if (eb < 0) {
            return new Mover() {
                public void move(long si, long di) { setNibble(d, di, getNibble(s, si)); }
                public void run(long si, long di, long n) { for (long k = 0; k < n; k++) setNibble(d, di + k, getNibble(s, si + k)); }
            };
        }
        return switch (eb) {
            case 1 -> new ByteMover(s, d) {
                public void move(long si, long di) { d.set(ValueLayout.JAVA_BYTE, di, s.get(ValueLayout.JAVA_BYTE, si)); }
            };
            case 2 -> new ByteMover(s, d, 2) {
                public void move(long si, long di) { d.setAtIndex(I16, di, s.getAtIndex(I16, si)); }
            };
            case 4 -> new ByteMover(s, d, 4) {
                public void move(long si, long di) { d.setAtIndex(I32, di, s.getAtIndex(I32, si)); }
            };
            case 8 -> new ByteMover(s, d, 8) {
                public void move(long si, long di) { d.setAtIndex(I64, di, s.getAtIndex(I64, si)); }
            };
            default -> new ByteMover(s, d, eb) {
                public void move(long si, long di) { MemorySegment.copy(s, si * eb, d, di * eb, eb); }
            };
        };
    }

    private abstract static class ByteMover implements Mover {
        final MemorySegment s, d;
        final int eb;

        ByteMover(MemorySegment s, MemorySegment d) { this(s, d, 1); }

        ByteMover(MemorySegment s, MemorySegment d, int eb) {
            this.s = s;
            this.d = d;
            this.eb = eb;
        }

        @Override public void run(long si, long di, long n) {
            if (n > 0) MemorySegment.copy(s, si * eb, d, di * eb, n * eb);
        }
    }

    private static int getNibble(MemorySegment m, long i) {
        return (m.get(ValueLayout.JAVA_BYTE, i >> 1) >> ((i & 1) * 4)) & 0xf;
    }

    private static void setNibble(MemorySegment m, long i, int v) {
        int shift = (int) (i & 1) * 4;
        int b = m.get(ValueLayout.JAVA_BYTE, i >> 1);
        m.set(ValueLayout.JAVA_BYTE, i >> 1, (byte) ((b & ~(0xf << shift)) | ((v & 0xf) << shift)));
    }

    /** dst[di .. di+n) = src[si .. si+n). */
    static void copy(Tensor src, long si, Tensor dst, long di, long n) {
        if (n > 0) mover(src, dst).run(si, di, n);
    }

    /** A fresh tensor of {@code shape} holding all of {@code src}'s elements in order. */
    static Tensor copyAs(Tensor src, long[] shape) {
        Tensor out = Tensor.allocate(src.dtype(), shape);
        if (out.size() != src.size()) {
            out.close();
            throw new IllegalArgumentException("cannot copy " + src.size() + " elements into shape " + org.ge4j.ir.Shape.toString(shape));
        }
        copy(src, 0, out, 0, src.size());
        return out;
    }

    /** Every element of {@code dst} in [from, from+n) set to element {@code fi} of {@code fill}. */
    static void fill(Tensor fill, long fi, Tensor dst, long from, long n) {
        Mover m = mover(fill, dst);
        for (long k = 0; k < n; k++) m.move(fi, from + k);
    }

    /** True when element {@code i} is not zero (strings: not empty; complex: either part non-zero; NaN counts). */
    static boolean isNonZero(Tensor t, long i) {
        DataType d = t.dtype();
        if (d == DataType.STRING) return !t.getString(i).isEmpty();
        if (d.isComplex()) return t.getScalarDouble(2 * i) != 0 || t.getScalarDouble(2 * i + 1) != 0;
        if (d.isFloatingPoint()) return t.getScalarDouble(i) != 0;
        return t.getScalarLong(i) != 0;
    }

    /** Compares elements of one tensor in ascending numeric (or string) order; -0 equals 0, NaNs sort last and equal each other. */
    interface Comparer {
        int compare(long i, long j);
    }

    static Comparer comparer(Tensor t) {
        DataType d = t.dtype();
        if (d == DataType.STRING) return (i, j) -> t.getString(i).compareTo(t.getString(j));
        if (d.isComplex()) return (i, j) -> {
            int c = compareDoubles(t.getScalarDouble(2 * i), t.getScalarDouble(2 * j));
            return c != 0 ? c : compareDoubles(t.getScalarDouble(2 * i + 1), t.getScalarDouble(2 * j + 1));
        };
        if (d.isFloatingPoint()) return (i, j) -> compareDoubles(t.getScalarDouble(i), t.getScalarDouble(j));
        if (d == DataType.UINT64) return (i, j) -> Long.compareUnsigned(t.getScalarLong(i), t.getScalarLong(j));
        return (i, j) -> Long.compare(t.getScalarLong(i), t.getScalarLong(j));
    }

    static int compareDoubles(double a, double b) {
        boolean na = Double.isNaN(a), nb = Double.isNaN(b);
        if (na || nb) return na == nb ? 0 : na ? 1 : -1;
        return a < b ? -1 : a > b ? 1 : 0;
    }
}
