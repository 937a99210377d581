package org.ge4j.ir;

import java.util.Objects;

/**
 * What is known about a value at compile time: element type, shape (possibly symbolic), format and kind.
 * For sequences and optionals, dtype and shape describe the element tensors.
 */
public record TensorDesc(DataType dtype, Shape shape, Format format, ValueKind kind) {
    public static final TensorDesc UNKNOWN = new TensorDesc(DataType.UNDEFINED, Shape.UNKNOWN_RANK, Format.ND, ValueKind.TENSOR);

    public TensorDesc {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(kind, "kind");
    }

    public TensorDesc(DataType dtype, Shape shape) { this(dtype, shape, Format.ND, ValueKind.TENSOR); }

    public static TensorDesc of(DataType dtype, long... shape) { return new TensorDesc(dtype, Shape.of(shape)); }

    public static TensorDesc of(DataType dtype, Shape shape) { return new TensorDesc(dtype, shape); }

    public TensorDesc withShape(Shape s) { return new TensorDesc(dtype, s, format, kind); }

    public TensorDesc withDtype(DataType t) { return new TensorDesc(t, shape, format, kind); }

    public TensorDesc withKind(ValueKind k) { return new TensorDesc(dtype, shape, format, k); }

    public boolean isKnown() { return dtype != DataType.UNDEFINED; }

    /** Text form, e.g. {@code f32[1,3,N]}, {@code seq<f32[*]>}. */
    @Override public String toString() {
        String t = dtype.shortName() + shape;
        if (format != Format.ND) t += "@" + format;
        return switch (kind) {
            case TENSOR -> t;
            case SEQUENCE -> "seq<" + t + ">";
            case OPTIONAL_TENSOR -> "opt<" + t + ">";
            case OPTIONAL_SEQUENCE -> "opt<seq<" + t + ">>";
            case MAP -> "map<" + t + ">";
        };
    }
}
