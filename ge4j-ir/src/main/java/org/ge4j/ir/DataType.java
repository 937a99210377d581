package org.ge4j.ir;

import java.util.Locale;

/** Element types of tensors: every ONNX {@code TensorProto.DataType}, with its ONNX code and storage size. */
public enum DataType {
    UNDEFINED(0, 0, "undef"),
    FLOAT(1, 32, "f32"),
    UINT8(2, 8, "u8"),
    INT8(3, 8, "i8"),
    UINT16(4, 16, "u16"),
    INT16(5, 16, "i16"),
    INT32(6, 32, "i32"),
    INT64(7, 64, "i64"),
    STRING(8, 0, "str"),
    BOOL(9, 8, "bool"),
    FLOAT16(10, 16, "f16"),
    DOUBLE(11, 64, "f64"),
    UINT32(12, 32, "u32"),
    UINT64(13, 64, "u64"),
    COMPLEX64(14, 64, "c64"),
    COMPLEX128(15, 128, "c128"),
    BFLOAT16(16, 16, "bf16"),
    FLOAT8E4M3FN(17, 8, "f8e4m3fn"),
    FLOAT8E4M3FNUZ(18, 8, "f8e4m3fnuz"),
    FLOAT8E5M2(19, 8, "f8e5m2"),
    FLOAT8E5M2FNUZ(20, 8, "f8e5m2fnuz"),
    UINT4(21, 4, "u4"),
    INT4(22, 4, "i4"),
    FLOAT4E2M1(23, 4, "f4e2m1");

    private static final DataType[] BY_CODE = new DataType[32];
    static {
        for (DataType t : values()) BY_CODE[t.onnxCode] = t;
    }

    private final int onnxCode;
    private final int bits;
    private final String shortName;

    DataType(int onnxCode, int bits, String shortName) {
        this.onnxCode = onnxCode;
        this.bits = bits;
        this.shortName = shortName;
    }

    /** The ONNX {@code TensorProto.DataType} number. */
    public int onnxCode() { return onnxCode; }

    /** Bits per element in storage (0 for STRING and UNDEFINED). */
    public int bits() { return bits; }

    /** Short name used by the text form, e.g. {@code f32}, {@code i64}. */
    public String shortName() { return shortName; }

    /** Bytes needed to store {@code count} elements (sub-byte types are packed, rounded up). */
    public long storageBytes(long count) {
        return (count * bits + 7) / 8;
    }

    public boolean isFloatingPoint() {
        return switch (this) {
            case FLOAT, DOUBLE, FLOAT16, BFLOAT16, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ, FLOAT4E2M1 -> true;
            default -> false;
        };
    }

    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, INT32, INT64, UINT32, UINT64, UINT4, INT4 -> true;
            default -> false;
        };
    }

    public boolean isSignedInteger() {
        return switch (this) {
            case INT8, INT16, INT32, INT64, INT4 -> true;
            default -> false;
        };
    }

    public boolean isUnsignedInteger() { return isInteger() && !isSignedInteger(); }

    public boolean isComplex() { return this == COMPLEX64 || this == COMPLEX128; }

    /** True for types whose values are numbers (integers, floats, complex). */
    public boolean isNumeric() { return isInteger() || isFloatingPoint() || isComplex(); }

    public static DataType fromOnnx(int code) {
        DataType t = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (t == null) throw new IllegalArgumentException("unknown ONNX data type code " + code);
        return t;
    }

    public static DataType fromShortName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (DataType t : values()) if (t.shortName.equals(n) || t.name().toLowerCase(Locale.ROOT).equals(n)) return t;
        throw new IllegalArgumentException("unknown data type '" + name + "'");
    }
}
