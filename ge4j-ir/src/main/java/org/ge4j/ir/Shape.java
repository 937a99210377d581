package org.ge4j.ir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The shape of a tensor: a list of {@link Dim}s, or an unknown rank ({@link #UNKNOWN_RANK}). Immutable.
 */
public final class Shape {
    public static final Shape UNKNOWN_RANK = new Shape(null);
    public static final Shape SCALAR = new Shape(List.of());

    private final List<Dim> dims; // null = unknown rank

    private Shape(List<Dim> dims) {
        this.dims = dims == null ? null : List.copyOf(dims);
    }

    public static Shape of(List<Dim> dims) { return new Shape(dims); }

    // Fixed-arity overloads: without them Shape.of(2, 3) is ambiguous between of(long...) and of(Object...).

    /** The scalar shape {@code []}. */
    public static Shape of() { return SCALAR; }

    public static Shape of(long d0) { return of(new long[] {d0}); }

    public static Shape of(long d0, long d1) { return of(new long[] {d0, d1}); }

    public static Shape of(long d0, long d1, long d2) { return of(new long[] {d0, d1, d2}); }

    public static Shape of(long d0, long d1, long d2, long d3) { return of(new long[] {d0, d1, d2, d3}); }

    public static Shape of(long d0, long d1, long d2, long d3, long d4) { return of(new long[] {d0, d1, d2, d3, d4}); }

    public static Shape of(long d0, long d1, long d2, long d3, long d4, long d5) { return of(new long[] {d0, d1, d2, d3, d4, d5}); }

    /** Static dims (a negative size means unknown). */
    public static Shape of(long... dims) {
        List<Dim> l = new ArrayList<>(dims.length);
        for (long d : dims) l.add(d < 0 ? Dim.UNKNOWN : Dim.of(d));
        return new Shape(l);
    }

    /** Mixed static and symbolic dims: Long/Integer values are static, Strings symbolic ("?" = unknown). */
    public static Shape of(Object... dims) {
        List<Dim> l = new ArrayList<>(dims.length);
        for (Object o : dims) {
            if (o instanceof Dim d) l.add(d);
            else if (o instanceof Number n) l.add(n.longValue() < 0 ? Dim.UNKNOWN : Dim.of(n.longValue()));
            else if ("?".equals(o)) l.add(Dim.UNKNOWN);
            else if (o instanceof String s) l.add(Dim.of(s));
            else throw new IllegalArgumentException("not a dimension: " + o);
        }
        return new Shape(l);
    }

    /** A shape of the given rank whose dims are all unknown. */
    public static Shape unknownDims(int rank) {
        return new Shape(java.util.Collections.nCopies(rank, Dim.UNKNOWN));
    }

    public boolean hasRank() { return dims != null; }

    public int rank() {
        if (dims == null) throw new IllegalStateException("shape has unknown rank");
        return dims.size();
    }

    public List<Dim> dims() {
        if (dims == null) throw new IllegalStateException("shape has unknown rank");
        return dims;
    }

    public Dim dim(int i) { return dims().get(i); }

    /** True when the rank and every dim are known. */
    public boolean isStatic() {
        if (dims == null) return false;
        for (Dim d : dims) if (!d.isStatic()) return false;
        return true;
    }

    /** The static sizes; throws if any dim is not static. */
    public long[] toArray() {
        if (!isStatic()) throw new IllegalStateException("shape " + this + " is not static");
        long[] a = new long[dims.size()];
        for (int i = 0; i < a.length; i++) a[i] = ((Dim.Static) dims.get(i)).value();
        return a;
    }

    /** Number of elements, or -1 when not static. */
    public long elementCount() {
        if (!isStatic()) return -1;
        long n = 1;
        for (Dim d : dims) n *= ((Dim.Static) d).value();
        return n;
    }

    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    @Override public boolean equals(Object o) {
        return o instanceof Shape s && java.util.Objects.equals(dims, s.dims);
    }

    @Override public int hashCode() { return java.util.Objects.hashCode(dims); }

    /** Text form: {@code [1,3,N,?]}, or {@code [*]} for unknown rank. */
    @Override public String toString() {
        if (dims == null) return "[*]";
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append(dims.get(i));
        }
        return sb.append(']').toString();
    }

    public static String toString(long[] shape) { return Arrays.toString(shape).replace(" ", ""); }
}
