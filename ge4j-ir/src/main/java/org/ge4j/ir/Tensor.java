package org.ge4j.ir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense tensor: element type, an immutable shape and row-major little-endian data in an off-heap
 * {@link MemorySegment} (strings, which have no fixed size, are held in a {@code String[]}).
 *
 * <p>Ownership: a tensor made by {@link #allocate} or the {@code of*} factories owns its memory and frees it
 * on {@link #close()}; a tensor made by {@link #wrap} or {@link #reshape} is a view over memory owned by
 * someone else and {@code close()} leaves that memory alone. Using a closed tensor, or a reshape view of a
 * closed tensor, throws {@link IllegalStateException} naming the tensor. Closing is not meant to race with
 * use from other threads. Accessors work on elements; complex types count two scalars per element (real,
 * imaginary) in the {@code *Scalar} accessors and bulk conversions. Sub-byte types (4-bit) are packed two per
 * byte, element {@code 2k} in the low nibble of byte {@code k}.
 */
public final class Tensor implements Value {
    public static final long ALIGNMENT = 64;

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final DataType dtype;
    private final long[] shape;
    private final long size;
    private final MemorySegment data;   // null for STRING
    private final String[] strings;     // non-null only for STRING
    private final Arena arena;          // null when this tensor is a view
    private final Tensor base;          // the tensor a reshape view was made from, or null
    private boolean closed;

    private Tensor(DataType dtype, long[] shape, MemorySegment data, String[] strings, Arena arena) {
        this(dtype, shape, data, strings, arena, null);
    }

    private Tensor(DataType dtype, long[] shape, MemorySegment data, String[] strings, Arena arena, Tensor base) {
        this.dtype = dtype;
        this.shape = shape.clone();
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        this.size = n;
        this.data = data;
        this.strings = strings;
        this.arena = arena;
        this.base = base;
    }

    // ---------------------------------------------------------------- creation

    /**
     * Tensors up to this size live in GC-managed memory: {@link #close()} marks them closed and the memory
     * goes back when the tensor is unreachable. Larger tensors are freed by {@code close()} at once.
     */
    public static final long SMALL_BYTES = 256 * 1024;

    /** A zero-filled tensor owning fresh off-heap memory. */
    public static Tensor allocate(DataType dtype, long... shape) {
        Objects.requireNonNull(dtype, "dtype");
        if (dtype == DataType.UNDEFINED) throw new IllegalArgumentException("cannot allocate a tensor of UNDEFINED type");
        long n = checkedCount(shape);
        if (dtype == DataType.STRING) {
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("string tensor too large: " + n);
            String[] s = new String[(int) n];
            Arrays.fill(s, "");
            return new Tensor(dtype, shape, null, s, null);
        }
        long bytes = dtype.storageBytes(n);
        // small tensors: GC-managed memory (closing a shared arena costs a handshake with every thread,
        // which dominates for small ops); large ones: freed at once on close()
        Arena arena = bytes <= SMALL_BYTES ? Arena.ofAuto() : Arena.ofShared();
        MemorySegment seg = arena.allocate(Math.max(bytes, 1), ALIGNMENT).asSlice(0, bytes);
        return new Tensor(dtype, shape, seg, null, arena);
    }

    /** A view over memory owned elsewhere; the segment must hold at least the tensor's bytes. */
    public static Tensor wrap(DataType dtype, long[] shape, MemorySegment segment) {
        if (dtype == DataType.STRING) throw new IllegalArgumentException("string tensors cannot wrap memory");
        if (dtype == DataType.UNDEFINED) throw new IllegalArgumentException("cannot wrap memory as a tensor of UNDEFINED type");
        long bytes = dtype.storageBytes(checkedCount(shape));
        if (segment.byteSize() < bytes)
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes too small for " + dtype + Shape.toString(shape) + " (" + bytes + " bytes)");
        return new Tensor(dtype, shape, segment.asSlice(0, bytes), null, null);
    }

    /** A rank-0 float tensor. */
    public static Tensor scalar(float v) { return fill(DataType.FLOAT, new long[0], 1, t -> t.data.setAtIndex(F32, 0, v)); }

    /** A rank-0 int64 tensor. */
    public static Tensor scalar(long v) { return fill(DataType.INT64, new long[0], 1, t -> t.data.setAtIndex(I64, 0, v)); }

    /** A rank-0 tensor of any numeric type holding {@code v} converted. */
    public static Tensor scalar(DataType dtype, double v) { return fromDoubles(dtype, new long[0], new double[] {v}); }

    public static Tensor of(float[] v, long... shape) { return fill(DataType.FLOAT, shapeOr(shape, v.length), v.length, t -> MemorySegment.copy(v, 0, t.data, F32, 0, v.length)); }

    public static Tensor of(double[] v, long... shape) { return fill(DataType.DOUBLE, shapeOr(shape, v.length), v.length, t -> MemorySegment.copy(v, 0, t.data, F64, 0, v.length)); }

    public static Tensor of(int[] v, long... shape) { return fill(DataType.INT32, shapeOr(shape, v.length), v.length, t -> MemorySegment.copy(v, 0, t.data, I32, 0, v.length)); }

    public static Tensor of(long[] v, long... shape) { return fill(DataType.INT64, shapeOr(shape, v.length), v.length, t -> MemorySegment.copy(v, 0, t.data, I64, 0, v.length)); }

    public static Tensor of(short[] v, long... shape) { return fill(DataType.INT16, shapeOr(shape, v.length), v.length, t -> MemorySegment.copy(v, 0, t.data, I16, 0, v.length)); }

    public static Tensor of(byte[] v, long... shape) { return fill(DataType.INT8, shapeOr(shape, v.length), v.length, t -> MemorySegment.copy(v, 0, t.data, ValueLayout.JAVA_BYTE, 0, v.length)); }

    public static Tensor of(boolean[] v, long... shape) {
        return fill(DataType.BOOL, shapeOr(shape, v.length), v.length, t -> { for (int i = 0; i < v.length; i++) t.data.set(ValueLayout.JAVA_BYTE, i, (byte) (v[i] ? 1 : 0)); });
    }

    public static Tensor of(String[] v, long... shape) {
        long[] s = shapeOr(shape, v.length);
        checkCount(s, v.length);
        return new Tensor(DataType.STRING, s, null, v.clone(), null);
    }

    /**
     * Raw little-endian bytes (as in ONNX {@code raw_data}) of any fixed-size type, read from the buffer's
     * position (which is left unchanged).
     */
    public static Tensor fromBytes(DataType dtype, long[] shape, ByteBuffer bytes) {
        if (dtype == DataType.STRING) throw new IllegalArgumentException("string tensors have no byte form; use Tensor.of(String[], shape)");
        Tensor t = allocate(dtype, shape);
        long need = t.byteSize();
        if (bytes.remaining() < need) {
            t.close();
            throw new IllegalArgumentException("need " + need + " bytes for " + dtype + Shape.toString(shape) + ", got " + bytes.remaining());
        }
        MemorySegment.copy(MemorySegment.ofBuffer(bytes.slice(bytes.position(), (int) need)), 0, t.data, 0, need);
        return t;
    }

    /** Converts numbers to any numeric or bool type (complex: interleaved real, imaginary). */
    public static Tensor fromDoubles(DataType dtype, long[] shape, double[] v) {
        Tensor t = allocate(dtype, shape);
        checkScalarCount(t, v.length);
        for (int i = 0; i < v.length; i++) t.setScalarDouble(i, v[i]);
        return t;
    }

    /** Converts integers to any numeric or bool type, exactly for 64-bit integers. */
    public static Tensor fromLongs(DataType dtype, long[] shape, long[] v) {
        Tensor t = allocate(dtype, shape);
        checkScalarCount(t, v.length);
        for (int i = 0; i < v.length; i++) t.setScalarLong(i, v[i]);
        return t;
    }

    /** The element count of a shape, rejecting negative dimensions and overflow. */
    private static long checkedCount(long[] shape) {
        Objects.requireNonNull(shape, "shape");
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Shape.toString(shape));
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("shape " + Shape.toString(shape) + " has too many elements");
            }
        }
        return n;
    }

    private static long[] shapeOr(long[] shape, int n) {
        return shape == null || shape.length == 0 ? new long[] {n} : shape;
    }

    private static void checkCount(long[] shape, int n) {
        if (checkedCount(shape) != n)
            throw new IllegalArgumentException(n + " values do not fill shape " + Shape.toString(shape));
    }

    private static void checkScalarCount(Tensor t, int n) {
        if (t.scalarCount() != n) {
            t.close();
            throw new IllegalArgumentException(n + " values do not fill " + t.dtype + Shape.toString(t.shape));
        }
    }

    private interface Filler { void fill(Tensor t); }

    private static Tensor fill(DataType dtype, long[] shape, int n, Filler f) {
        checkCount(shape, n);
        Tensor t = allocate(dtype, shape);
        try {
            f.fill(t);
        } catch (IndexOutOfBoundsException e) {
            t.close();
            throw new IllegalArgumentException("values do not fill shape " + Shape.toString(shape), e);
        }
        return t;
    }

    // ---------------------------------------------------------------- properties

    @Override public ValueKind kind() { return ValueKind.TENSOR; }

    public DataType dtype() { return dtype; }

    public long[] shape() { return shape.clone(); }

    public long dim(int i) { return shape[i]; }

    public int rank() { return shape.length; }

    /** Number of elements. */
    public long size() { return size; }

    /** Number of scalars: elements, times two for complex types. */
    public long scalarCount() { return dtype.isComplex() ? 2 * size : size; }

    public long byteSize() { return dtype == DataType.STRING ? 0 : data.byteSize(); }

    public TensorDesc desc() { return TensorDesc.of(dtype, shape); }

    /** The data; throws for string tensors and closed tensors. */
    public MemorySegment segment() {
        checkOpen();
        if (data == null) throw new IllegalStateException("string tensors have no memory segment");
        return data;
    }

    public boolean isOwner() { return arena != null; }

    public boolean isClosed() { return closed; }

    // ---------------------------------------------------------------- element access

    /** Scalar {@code i} as a double (floats decoded, integers converted, bool as 0/1). */
    public double getScalarDouble(long i) {
        if (closed || base != null && base.closed) throw closedError();
        return switch (dtype) {
            case FLOAT, COMPLEX64 -> data.getAtIndex(F32, i);
            case DOUBLE, COMPLEX128 -> data.getAtIndex(F64, i);
            case FLOAT16 -> Fp16.halfToFloat(data.getAtIndex(I16, i));
            case BFLOAT16 -> Fp16.bf16ToFloat(data.getAtIndex(I16, i));
            case FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ -> Fp16.fp8ToFloat(dtype, data.get(ValueLayout.JAVA_BYTE, i));
            case FLOAT4E2M1 -> Fp16.fp4ToFloat(data.get(ValueLayout.JAVA_BYTE, i >> 1) >> ((i & 1) * 4));
            case UINT64 -> unsignedToDouble(data.getAtIndex(I64, i));
            case STRING -> throw new UnsupportedOperationException("string tensor has no numeric values");
            default -> getScalarLong(i);
        };
    }

    /** A uint64 (given as its bits) as the nearest double. */
    static double unsignedToDouble(long v) {
        if (v >= 0) return v;
        return (double) ((v >>> 1) | (v & 1)) * 2.0; // keep the lost bit as a sticky bit: rounds once, correctly
    }

    /**
     * An integer rounded to a double "to odd" (exact when it fits 53 bits, else the odd neighbour), so that a
     * further round-to-nearest-even to any format of at most 51 significant bits rounds as the integer would.
     */
    static double roundToOdd(long v, boolean unsigned) {
        boolean neg = !unsigned && v < 0;
        long m = neg ? -v : v; // Long.MIN_VALUE stays 2^63 read as unsigned
        int bits = 64 - Long.numberOfLeadingZeros(m);
        double r;
        if (bits <= 53) {
            r = m;
        } else {
            int shift = bits - 53;
            long kept = m >>> shift;
            if ((m & ((1L << shift) - 1)) != 0) kept |= 1;
            r = Math.scalb((double) kept, shift);
        }
        return neg ? -r : r;
    }

    /** Scalar {@code i} as a long (floats truncated toward zero, unsigned widened, uint64 as its bits). */
    public long getScalarLong(long i) {
        if (closed || base != null && base.closed) throw closedError();
        return switch (dtype) {
            case BOOL, UINT8 -> data.get(ValueLayout.JAVA_BYTE, i) & 0xffL;
            case INT8 -> data.get(ValueLayout.JAVA_BYTE, i);
            case INT16 -> data.getAtIndex(I16, i);
            case UINT16 -> data.getAtIndex(I16, i) & 0xffffL;
            case INT32 -> data.getAtIndex(I32, i);
            case UINT32 -> data.getAtIndex(I32, i) & 0xffffffffL;
            case INT64, UINT64 -> data.getAtIndex(I64, i);
            case UINT4 -> (data.get(ValueLayout.JAVA_BYTE, i >> 1) >> ((i & 1) * 4)) & 0xf;
            case INT4 -> {
                int nib = (data.get(ValueLayout.JAVA_BYTE, i >> 1) >> ((i & 1) * 4)) & 0xf;
                yield nib >= 8 ? nib - 16 : nib;
            }
            case STRING -> throw new UnsupportedOperationException("string tensor has no numeric values");
            default -> (long) getScalarDouble(i);
        };
    }

    /**
     * Stores a number, converting to the tensor's type: floating types round to nearest even from the exact
     * double (FP8 saturating, FP4 saturating), integers take the truncated value wrapped like a C cast (NaN
     * gives 0), bool is {@code v != 0}.
     */
    public void setScalarDouble(long i, double v) {
        if (closed || base != null && base.closed) throw closedError();
        switch (dtype) {
            case FLOAT, COMPLEX64 -> data.setAtIndex(F32, i, (float) v);
            case DOUBLE, COMPLEX128 -> data.setAtIndex(F64, i, v);
            case FLOAT16 -> data.setAtIndex(I16, i, Fp16.doubleToHalf(v));
            case BFLOAT16 -> data.setAtIndex(I16, i, Fp16.doubleToBf16(v));
            case FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ -> data.set(ValueLayout.JAVA_BYTE, i, Fp16.toFp8(dtype, v, true));
            case FLOAT4E2M1 -> setNibble(i, Fp16.toFp4(v));
            case BOOL -> data.set(ValueLayout.JAVA_BYTE, i, (byte) (v != 0 ? 1 : 0));
            case UINT64 -> setScalarLong(i, v >= 9.223372036854775807E18 ? (long) (v - 9.223372036854775807E18) + Long.MIN_VALUE : (long) v);
            case STRING -> throw new UnsupportedOperationException("string tensor has no numeric values");
            default -> setScalarLong(i, Double.isNaN(v) ? 0 : (long) v);
        }
    }

    /** Stores an integer, converting to the tensor's type (narrowing wraps; floating types round once, to nearest even). */
    public void setScalarLong(long i, long v) {
        if (closed || base != null && base.closed) throw closedError();
        switch (dtype) {
            case BOOL -> data.set(ValueLayout.JAVA_BYTE, i, (byte) (v != 0 ? 1 : 0));
            case UINT8, INT8 -> data.set(ValueLayout.JAVA_BYTE, i, (byte) v);
            case INT16, UINT16 -> data.setAtIndex(I16, i, (short) v);
            case INT32, UINT32 -> data.setAtIndex(I32, i, (int) v);
            case INT64, UINT64 -> data.setAtIndex(I64, i, v);
            case UINT4, INT4 -> setNibble(i, (int) v);
            case STRING -> throw new UnsupportedOperationException("string tensor has no numeric values");
            case DOUBLE, COMPLEX128 -> setScalarDouble(i, (double) v);
            default -> setScalarDouble(i, roundToOdd(v, false));
        }
    }

    private void setNibble(long i, int v) {
        long bi = i >> 1;
        int shift = (int) (i & 1) * 4;
        int b = data.get(ValueLayout.JAVA_BYTE, bi);
        b = (b & ~(0xf << shift)) | ((v & 0xf) << shift);
        data.set(ValueLayout.JAVA_BYTE, bi, (byte) b);
    }

    public double getDouble(long... index) { return getScalarDouble(flatIndex(index)); }

    public long getLong(long... index) { return getScalarLong(flatIndex(index)); }

    public float getFloat(long flat) { return (float) getScalarDouble(flat); }

    public boolean getBoolean(long flat) { return getScalarLong(flat) != 0; }

    public String getString(long flat) {
        checkOpen();
        if (strings == null) throw new UnsupportedOperationException(dtype + " tensor holds no strings");
        return strings[Math.toIntExact(flat)];
    }

    public void setString(long flat, String s) {
        checkOpen();
        if (strings == null) throw new UnsupportedOperationException(dtype + " tensor holds no strings");
        strings[Math.toIntExact(flat)] = Objects.requireNonNull(s);
    }

    /** Row-major flat index of a multi-dimensional index (bounds checked). */
    public long flatIndex(long... index) {
        if (index.length != shape.length)
            throw new IllegalArgumentException("index of rank " + index.length + " for tensor of rank " + shape.length);
        long f = 0;
        for (int d = 0; d < shape.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d])
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " out of bounds for shape " + Arrays.toString(shape));
            f = f * shape[d] + index[d];
        }
        return f;
    }

    // ---------------------------------------------------------------- bulk conversion

    public float[] toFloatArray() {
        checkOpen();
        float[] a = new float[Math.toIntExact(scalarCount())];
        if (dtype == DataType.FLOAT || dtype == DataType.COMPLEX64) MemorySegment.copy(data, F32, 0, a, 0, a.length);
        else for (int i = 0; i < a.length; i++) a[i] = (float) getScalarDouble(i);
        return a;
    }

    public double[] toDoubleArray() {
        checkOpen();
        double[] a = new double[Math.toIntExact(scalarCount())];
        if (dtype == DataType.DOUBLE || dtype == DataType.COMPLEX128) MemorySegment.copy(data, F64, 0, a, 0, a.length);
        else if (dtype == DataType.FLOAT || dtype == DataType.COMPLEX64) for (int i = 0; i < a.length; i++) a[i] = data.getAtIndex(F32, i);
        else for (int i = 0; i < a.length; i++) a[i] = getScalarDouble(i);
        return a;
    }

    public long[] toLongArray() {
        checkOpen();
        long[] a = new long[Math.toIntExact(scalarCount())];
        if (dtype == DataType.INT64 || dtype == DataType.UINT64) MemorySegment.copy(data, I64, 0, a, 0, a.length);
        else for (int i = 0; i < a.length; i++) a[i] = getScalarLong(i);
        return a;
    }

    public int[] toIntArray() {
        checkOpen();
        int[] a = new int[Math.toIntExact(scalarCount())];
        if (dtype == DataType.INT32 || dtype == DataType.UINT32) MemorySegment.copy(data, I32, 0, a, 0, a.length);
        else for (int i = 0; i < a.length; i++) a[i] = (int) getScalarLong(i);
        return a;
    }

    public boolean[] toBooleanArray() {
        checkOpen();
        boolean[] a = new boolean[Math.toIntExact(scalarCount())];
        for (int i = 0; i < a.length; i++) a[i] = dtype.isFloatingPoint() ? getScalarDouble(i) != 0 : getScalarLong(i) != 0;
        return a;
    }

    public String[] toStringArray() {
        checkOpen();
        if (strings == null) throw new UnsupportedOperationException(dtype + " tensor holds no strings");
        return strings.clone();
    }

    /** A copy of the raw little-endian bytes. */
    public byte[] toByteArray() {
        checkOpen();
        if (data == null) throw new UnsupportedOperationException("string tensors have no byte form");
        return data.toArray(ValueLayout.JAVA_BYTE);
    }

    /** Copies the raw bytes into {@code dst} at its position, advancing it. */
    public void copyTo(ByteBuffer dst) {
        checkOpen();
        if (data == null) throw new UnsupportedOperationException("string tensors have no byte form");
        MemorySegment.copy(data, 0, MemorySegment.ofBuffer(dst), 0, data.byteSize());
        dst.position(dst.position() + (int) data.byteSize());
    }

    /** A new owning tensor with the same type, shape and contents. */
    public Tensor copy() {
        checkOpen();
        if (dtype == DataType.STRING) return new Tensor(dtype, shape, null, strings.clone(), null);
        Tensor t = allocate(dtype, shape);
        MemorySegment.copy(data, 0, t.data, 0, data.byteSize());
        return t;
    }

    /**
     * A view of the same data with another shape of the same element count (strings: a copy). The view does
     * not own the memory: closing it leaves this tensor usable; closing this tensor makes the view unusable.
     */
    public Tensor reshape(long... newShape) {
        checkOpen();
        if (checkedCount(newShape) != size)
            throw new IllegalArgumentException("cannot reshape " + Shape.toString(shape) + " to " + Shape.toString(newShape));
        if (dtype == DataType.STRING) return new Tensor(dtype, newShape, null, strings.clone(), null);
        return new Tensor(dtype, newShape, data, null, null, base != null ? base : this);
    }

    /**
     * A new tensor with the values converted to {@code to} (numeric and bool types), rounding once: floats to
     * narrower floats round to nearest even from the exact value (FP8 and FP4 saturate), floats to integers
     * truncate toward zero and wrap, integers to floats round to nearest even. Complex to real keeps the real
     * part; real to complex sets a zero imaginary part.
     */
    public Tensor cast(DataType to) {
        checkOpen();
        if (dtype == DataType.STRING || to == DataType.STRING)
            throw new UnsupportedOperationException("cast between " + dtype + " and " + to + " is not numeric; convert strings explicitly");
        Tensor t = allocate(to, shape);
        boolean fromFloat = dtype.isFloatingPoint() || dtype.isComplex();
        boolean toFloat = to.isFloatingPoint() || to.isComplex();
        int inStep = dtype.isComplex() ? 2 : 1;
        int outStep = to.isComplex() ? 2 : 1;
        for (long e = 0; e < size; e++) {
            long i = e * inStep;
            long o = e * outStep;
            if (fromFloat) {
                t.setScalarDouble(o, getScalarDouble(i));
            } else if (toFloat) {
                long v = getScalarLong(i);
                boolean u = dtype == DataType.UINT64;
                t.setScalarDouble(o, to == DataType.DOUBLE || to == DataType.COMPLEX128 ? (u ? unsignedToDouble(v) : (double) v) : roundToOdd(v, u));
            } else {
                t.setScalarLong(o, getScalarLong(i));
            }
            if (inStep == 2 && outStep == 2) t.setScalarDouble(o + 1, getScalarDouble(i + 1));
        }
        return t;
    }

    private void checkOpen() {
        if (closed || base != null && base.closed) throw closedError();
    }

    private IllegalStateException closedError() {
        String what = "tensor " + dtype.shortName() + Shape.toString(shape);
        if (closed) return new IllegalStateException(what + " is closed");
        return new IllegalStateException(what + " is a view of tensor " + base.dtype.shortName() + Shape.toString(base.shape) + ", which is closed");
    }

    /** Frees the memory if this tensor owns it; idempotent. */
    @Override public void close() {
        if (closed) return;
        closed = true;
        if (arena != null && arena.scope().isAlive() && data.byteSize() > SMALL_BYTES) arena.close();
    }

    /**
     * Equal type, shape and contents, bitwise for floats (so NaN equals the same NaN, and 0.0 differs from
     * -0.0); the unused half of the last byte of an odd-sized 4-bit tensor is ignored.
     */
    public boolean contentEquals(Tensor o) {
        checkOpen();
        o.checkOpen();
        if (o == this) return true;
        if (dtype != o.dtype || !Arrays.equals(shape, o.shape)) return false;
        if (dtype == DataType.STRING) return Arrays.equals(strings, o.strings);
        if (dtype.bits() == 4 && (size & 1) == 1) {
            long full = size >> 1;
            if (data.asSlice(0, full).mismatch(o.data.asSlice(0, full)) != -1) return false;
            return ((data.get(ValueLayout.JAVA_BYTE, full) ^ o.data.get(ValueLayout.JAVA_BYTE, full)) & 0xf) == 0;
        }
        return data.mismatch(o.data) == -1;
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("Tensor<").append(dtype.shortName()).append(Shape.toString(shape)).append(">");
        if (closed || base != null && base.closed) return sb.append("(closed)").toString();
        long n = Math.min(scalarCount(), 16);
        sb.append('[');
        for (long i = 0; i < n; i++) {
            if (i > 0) sb.append(", ");
            if (dtype == DataType.STRING) sb.append('"').append(strings[(int) i]).append('"');
            else if (dtype.isFloatingPoint() || dtype.isComplex()) sb.append(getScalarDouble(i));
            else sb.append(getScalarLong(i));
        }
        if (scalarCount() > n) sb.append(", ...");
        return sb.append(']').toString();
    }
}
