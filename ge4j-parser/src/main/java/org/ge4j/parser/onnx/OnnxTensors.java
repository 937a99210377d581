package org.ge4j.parser.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.OptionalValue;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.TensorSequence;
import org.ge4j.ir.Value;
import org.ge4j.ir.ValueKind;
import org.ge4j.parser.onnx.proto.OptionalProto;
import org.ge4j.parser.onnx.proto.SequenceProto;
import org.ge4j.parser.onnx.proto.SparseTensorProto;
import org.ge4j.parser.onnx.proto.StringStringEntryProto;
import org.ge4j.parser.onnx.proto.TensorProto;

/**
 * Converts ONNX tensor protobufs to ge4j {@link Tensor}s and back: {@code raw_data}, every typed field,
 * external data files (memory-mapped, then copied) and sparse tensors (made dense). Also reads the test
 * data values of the ONNX backend tests ({@code TensorProto}, {@code SequenceProto}, {@code OptionalProto}).
 *
 * <p>An instance knows the model's source name (for messages) and directory (for external data); every
 * error is an {@link OnnxParseException} naming the tensor.
 */
public final class OnnxTensors {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String source;
    private final Path baseDir;

    /**
     * @param source  the model's name for messages (a file path or {@code <bytes>})
     * @param baseDir the directory external data locations are relative to; null when there is none
     */
    public OnnxTensors(String source, Path baseDir) {
        this.source = source;
        this.baseDir = baseDir;
    }

    /** Converts a tensor whose data is all inline (no external data). */
    public static Tensor toTensor(TensorProto p) { return new OnnxTensors("<tensor>", null).read(p, "tensor '" + p.getName() + "'"); }

    /**
     * Converts {@code p} into a new tensor owned by the caller.
     *
     * @param what how to name the tensor in messages, e.g. {@code initializer 'W'}
     */
    public Tensor read(TensorProto p, String what) {
        DataType dtype = dataType(p.getDataType(), what);
        long[] dims = dims(p.getDimsList(), what);
        long n = elementCount(dims, what);
        if (p.hasSegment()) throw fail(what + ": segmented tensors (TensorProto.segment) are not supported");
        if (p.getDataLocation() == TensorProto.DataLocation.EXTERNAL) return readExternal(p, dtype, dims, n, what);
        if (p.hasRawData()) {
            if (dtype == DataType.STRING) throw fail(what + ": a STRING tensor cannot use raw_data");
            ByteString raw = p.getRawData();
            long need = dtype.storageBytes(n);
            if (raw.size() != need)
                throw fail(what + ": raw_data has " + raw.size() + " bytes, but " + dtype + Shape.toString(dims) + " needs " + need);
            return Tensor.fromBytes(dtype, dims, raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
        }
        return readTyped(p, dtype, dims, n, what);
    }

    private Tensor readTyped(TensorProto p, DataType dtype, long[] dims, long n, String what) {
        switch (dtype) {
            case FLOAT, COMPLEX64 -> {
                long want = dtype.isComplex() ? 2 * n : n;
                checkCount(what, "float_data", p.getFloatDataCount(), want, dtype, dims);
                Tensor t = Tensor.allocate(dtype, dims);
                for (int i = 0; i < want; i++) t.setScalarDouble(i, p.getFloatData(i));
                return t;
            }
            case DOUBLE, COMPLEX128 -> {
                long want = dtype.isComplex() ? 2 * n : n;
                checkCount(what, "double_data", p.getDoubleDataCount(), want, dtype, dims);
                Tensor t = Tensor.allocate(dtype, dims);
                for (int i = 0; i < want; i++) t.setScalarDouble(i, p.getDoubleData(i));
                return t;
            }
            case INT32, INT16, UINT16, INT8, UINT8, BOOL -> {
                checkCount(what, "int32_data", p.getInt32DataCount(), n, dtype, dims);
                Tensor t = Tensor.allocate(dtype, dims);
                for (int i = 0; i < n; i++) t.setScalarLong(i, p.getInt32Data(i));
                return t;
            }
            case FLOAT16, BFLOAT16 -> {
                checkCount(what, "int32_data", p.getInt32DataCount(), n, dtype, dims);
                Tensor t = Tensor.allocate(dtype, dims);
                MemorySegment s = t.segment();
                for (int i = 0; i < n; i++) s.setAtIndex(I16, i, (short) p.getInt32Data(i));
                return t;
            }
            case FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ -> {
                checkCount(what, "int32_data", p.getInt32DataCount(), n, dtype, dims);
                Tensor t = Tensor.allocate(dtype, dims);
                MemorySegment s = t.segment();
                for (int i = 0; i < n; i++) s.set(ValueLayout.JAVA_BYTE, i, (byte) p.getInt32Data(i));
                return t;
            }
            case INT4, UINT4, FLOAT4E2M1 -> {
                // two 4-bit values per int32 entry (first in the low nibble), as the packed bytes of raw_data
                long bytes = dtype.storageBytes(n);
                checkCount(what, "int32_data", p.getInt32DataCount(), bytes, dtype, dims);
                Tensor t = Tensor.allocate(dtype, dims);
                MemorySegment s = t.segment();
                for (int i = 0; i < bytes; i++) s.set(ValueLayout.JAVA_BYTE, i, (byte) p.getInt32Data(i));
                return t;
            }
            case INT64 -> {
                checkCount(what, "int64_data", p.getInt64DataCount(), n, dtype, dims);
                Tensor t = Tensor.allocate(dtype, dims);
                for (int i = 0; i < n; i++) t.setScalarLong(i, p.getInt64Data(i));
                return t;
            }
            case UINT32, UINT64 -> {
                checkCount(what, "uint64_data", p.getUint64DataCount(), n, dtype, dims);
                Tensor t = Tensor.allocate(dtype, dims);
                for (int i = 0; i < n; i++) t.setScalarLong(i, p.getUint64Data(i));
                return t;
            }
            case STRING -> {
                if (n > Integer.MAX_VALUE) throw fail(what + ": " + n + " strings is too many for one tensor");
                checkCount(what, "string_data", p.getStringDataCount(), n, dtype, dims);
                String[] s = new String[(int) n];
                for (int i = 0; i < n; i++) s[i] = p.getStringData(i).toString(StandardCharsets.UTF_8);
                return Tensor.of(s).reshape(dims);
            }
            default -> throw fail(what + ": data type " + dtype + " has no typed data field");
        }
    }

    private void checkCount(String what, String field, long have, long want, DataType dtype, long[] dims) {
        if (have != want)
            throw fail(what + ": " + field + " has " + have + " values, but " + dtype + Shape.toString(dims) + " needs " + want);
    }

    private Tensor readExternal(TensorProto p, DataType dtype, long[] dims, long n, String what) {
        if (dtype == DataType.STRING) throw fail(what + ": a STRING tensor cannot use external data");
        String location = null;
        long offset = 0, length = -1;
        for (StringStringEntryProto e : p.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parseLong(e.getValue(), what, "offset");
                case "length" -> length = parseLong(e.getValue(), what, "length");
                default -> { } // checksum and other keys are informative
            }
        }
        if (location == null || location.isEmpty()) throw fail(what + ": external data without a 'location'");
        if (baseDir == null) throw fail(what + ": external data '" + location + "' needs the model's directory (parse the model from a file)");
        Path base = baseDir.toAbsolutePath().normalize();
        Path file = base.resolve(location).normalize();
        if (Path.of(location).isAbsolute() || !file.startsWith(base))
            throw fail(what + ": external data location '" + location + "' must be a relative path inside the model's directory");
        if (!Files.isRegularFile(file)) throw fail(what + ": external data file '" + location + "' not found (looked for " + file + ")");
        long need = dtype.storageBytes(n);
        if (length >= 0 && length != need)
            throw fail(what + ": external data length " + length + " does not match " + dtype + Shape.toString(dims) + " (" + need + " bytes)");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = ch.size();
            if (offset < 0 || offset > size || size - offset < need)
                throw fail(what + ": external data file '" + location + "' has " + size + " bytes, too few for " + need + " bytes at offset " + offset);
            Tensor t = Tensor.allocate(dtype, dims);
            if (need > 0) {
                MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, offset, need, arena);
                MemorySegment.copy(mapped, 0, t.segment(), 0, need);
            }
            return t;
        } catch (IOException e) {
            throw new OnnxParseException(source, what + ": cannot read external data file '" + location + "': " + e.getMessage(), e);
        }
    }

    private long parseLong(String s, String what, String key) {
        try {
            long v = Long.parseLong(s.trim());
            if (v < 0) throw new NumberFormatException("negative");
            return v;
        } catch (NumberFormatException e) {
            throw fail(what + ": external data '" + key + "' is not a non-negative integer: '" + s + "'");
        }
    }

    /** Makes a sparse tensor dense: zeros everywhere but at the listed indices. */
    public Tensor readSparse(SparseTensorProto sp, String what) {
        if (!sp.hasValues()) throw fail(what + ": sparse tensor without values");
        long[] dims = dims(sp.getDimsList(), what);
        long n = elementCount(dims, what);
        try (Tensor values = read(sp.getValues(), what + " (values)")) {
            if (values.rank() != 1) throw fail(what + ": sparse values must be 1-D, got " + Shape.toString(values.shape()));
            long nnz = values.dim(0);
            if (nnz > n) throw fail(what + ": " + nnz + " sparse values for only " + n + " elements");
            long[] flat = new long[(int) nnz];
            if (nnz > 0) {
                if (!sp.hasIndices()) throw fail(what + ": sparse tensor with values but no indices");
                try (Tensor idx = read(sp.getIndices(), what + " (indices)")) {
                    if (idx.dtype() != DataType.INT64) throw fail(what + ": sparse indices must be INT64, got " + idx.dtype());
                    long[] iv = idx.toLongArray();
                    if (idx.rank() == 1 && idx.dim(0) == nnz) {
                        for (int i = 0; i < nnz; i++) flat[i] = iv[i];
                    } else if (idx.rank() == 2 && idx.dim(0) == nnz && idx.dim(1) == dims.length) {
                        for (int i = 0; i < nnz; i++) {
                            long f = 0;
                            for (int d = 0; d < dims.length; d++) {
                                long x = iv[i * dims.length + d];
                                if (x < 0 || x >= dims[d]) throw fail(what + ": sparse index " + x + " out of range for dim " + d + " of " + Shape.toString(dims));
                                f = f * dims[d] + x;
                            }
                            flat[i] = f;
                        }
                    } else {
                        throw fail(what + ": sparse indices of shape " + Shape.toString(idx.shape()) + " fit neither [" + nnz + "] nor [" + nnz + "," + dims.length + "]");
                    }
                }
            }
            for (long f : flat) if (f < 0 || f >= n) throw fail(what + ": sparse index " + f + " out of range for " + n + " elements");
            Tensor dense = Tensor.allocate(values.dtype(), dims);
            if (values.dtype() == DataType.STRING) {
                for (long i = 0; i < n; i++) dense.setString(i, "");
                for (int i = 0; i < nnz; i++) dense.setString(flat[i], values.getString(i));
            } else {
                long elemBytes = values.dtype().bits() / 8;
                if (elemBytes == 0) throw fail(what + ": sparse tensors of " + values.dtype() + " are not supported");
                for (int i = 0; i < nnz; i++)
                    MemorySegment.copy(values.segment(), i * elemBytes, dense.segment(), flat[i] * elemBytes, elemBytes);
            }
            return dense;
        }
    }

    // ---------------------------------------------------------------- test data values

    /**
     * Reads a serialised value of the given kind: a {@code TensorProto} for tensors, a {@code SequenceProto}
     * for sequences, an {@code OptionalProto} for optionals. {@code type} may be null (= tensor).
     */
    public Value readValue(byte[] bytes, TensorDesc type, String what) {
        ValueKind kind = type == null ? ValueKind.TENSOR : type.kind();
        try {
            return switch (kind) {
                case TENSOR -> read(TensorProto.parseFrom(bytes), what);
                case SEQUENCE -> readSequence(SequenceProto.parseFrom(bytes), type, what);
                case OPTIONAL_TENSOR, OPTIONAL_SEQUENCE -> readOptional(OptionalProto.parseFrom(bytes), type, what);
                case MAP -> throw fail(what + ": map values are not supported");
            };
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxParseException(source, what + ": not a valid " + kind.name().toLowerCase() + " protobuf: " + e.getMessage(), e);
        }
    }

    private TensorSequence readSequence(SequenceProto sp, TensorDesc type, String what) {
        if (sp.getSequenceValuesCount() > 0 || sp.getMapValuesCount() > 0 || sp.getOptionalValuesCount() > 0)
            throw fail(what + ": sequences of sequences, maps or optionals are not supported");
        List<Tensor> tensors = new ArrayList<>();
        try {
            for (int i = 0; i < sp.getTensorValuesCount(); i++) tensors.add(read(sp.getTensorValues(i), what + " element " + i));
            for (int i = 0; i < sp.getSparseTensorValuesCount(); i++) tensors.add(readSparse(sp.getSparseTensorValues(i), what + " sparse element " + i));
            DataType et = !tensors.isEmpty() ? tensors.get(0).dtype() : type == null ? DataType.UNDEFINED : type.dtype();
            for (Tensor t : tensors)
                if (t.dtype() != et) throw fail(what + ": sequence mixes " + et + " and " + t.dtype() + " elements");
            return new TensorSequence(et, tensors);
        } catch (RuntimeException e) {
            tensors.forEach(Tensor::close);
            throw e;
        }
    }

    private OptionalValue readOptional(OptionalProto op, TensorDesc type, String what) {
        TensorDesc elem = type == null ? TensorDesc.UNKNOWN : type.withKind(type.kind() == ValueKind.OPTIONAL_SEQUENCE ? ValueKind.SEQUENCE : ValueKind.TENSOR);
        int et = op.getElemType();
        if (op.hasTensorValue() && et != OptionalProto.DataType.SEQUENCE_VALUE)
            return new OptionalValue(elem.withKind(ValueKind.TENSOR), read(op.getTensorValue(), what));
        if (op.hasSparseTensorValue())
            return new OptionalValue(elem.withKind(ValueKind.TENSOR), readSparse(op.getSparseTensorValue(), what));
        if (op.hasSequenceValue())
            return new OptionalValue(elem.withKind(ValueKind.SEQUENCE), readSequence(op.getSequenceValue(), elem, what));
        if (op.hasMapValue() || op.hasOptionalValue()) throw fail(what + ": optionals of maps or optionals are not supported");
        return OptionalValue.empty(elem);
    }

    // ---------------------------------------------------------------- writing

    /** A {@code TensorProto} holding {@code t} ({@code raw_data}, or {@code string_data} for strings). */
    public static TensorProto toProto(Tensor t, String name) {
        TensorProto.Builder b = TensorProto.newBuilder().setDataType(t.dtype().onnxCode());
        if (name != null) b.setName(name);
        for (long d : t.shape()) b.addDims(d);
        if (t.dtype() == DataType.STRING) {
            for (String s : t.toStringArray()) b.addStringData(ByteString.copyFromUtf8(s));
        } else {
            b.setRawData(ByteString.copyFrom(t.toByteArray()));
        }
        return b.build();
    }

    // ---------------------------------------------------------------- helpers

    DataType dataType(int code, String what) {
        DataType t;
        try {
            t = DataType.fromOnnx(code);
        } catch (IllegalArgumentException e) {
            throw fail(what + ": unknown data type code " + code);
        }
        if (t == DataType.UNDEFINED) throw fail(what + ": data type is UNDEFINED (0)");
        return t;
    }

    long[] dims(List<Long> dims, String what) {
        long[] a = new long[dims.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = dims.get(i);
            if (a[i] < 0) throw fail(what + ": negative dimension " + a[i] + " in " + dims);
        }
        return a;
    }

    long elementCount(long[] dims, String what) {
        try {
            long n = 1;
            for (long d : dims) n = Math.multiplyExact(n, d);
            return n;
        } catch (ArithmeticException e) {
            throw fail(what + ": shape " + Shape.toString(dims) + " has too many elements");
        }
    }

    OnnxParseException fail(String message) { return new OnnxParseException(source, message); }
}
