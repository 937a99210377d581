package org.ge4j.parser.onnx;

import java.util.ArrayList;
import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.ValueKind;
import org.ge4j.parser.onnx.proto.TensorShapeProto;
import org.ge4j.parser.onnx.proto.TypeProto;

/**
 * ONNX types ({@code TypeProto}) to ge4j {@link TensorDesc}s and back. Sequences and optionals become
 * descs of their element tensor with the matching {@link ValueKind}; sparse tensors are described as the
 * dense tensors the parser turns them into; a map is described by its value type with kind MAP.
 */
public final class OnnxTypes {
    private OnnxTypes() {}

    /** The desc of {@code t}; an unset type is {@link TensorDesc#UNKNOWN}. Unknown element types fail. */
    public static TensorDesc toDesc(TypeProto t, String what, String source) {
        return switch (t.getValueCase()) {
            case TENSOR_TYPE -> tensor(t.getTensorType().getElemType(), t.getTensorType().hasShape() ? t.getTensorType().getShape() : null, what, source);
            case SPARSE_TENSOR_TYPE -> tensor(t.getSparseTensorType().getElemType(),
                    t.getSparseTensorType().hasShape() ? t.getSparseTensorType().getShape() : null, what, source);
            case SEQUENCE_TYPE -> {
                TensorDesc e = toDesc(t.getSequenceType().getElemType(), what, source);
                if (e.kind() != ValueKind.TENSOR) throw new OnnxParseException(source, what + ": sequences of " + e.kind() + " are not supported");
                yield e.withKind(ValueKind.SEQUENCE);
            }
            case OPTIONAL_TYPE -> {
                TensorDesc e = toDesc(t.getOptionalType().getElemType(), what, source);
                yield switch (e.kind()) {
                    case TENSOR -> e.withKind(ValueKind.OPTIONAL_TENSOR);
                    case SEQUENCE -> e.withKind(ValueKind.OPTIONAL_SEQUENCE);
                    default -> throw new OnnxParseException(source, what + ": optionals of " + e.kind() + " are not supported");
                };
            }
            case MAP_TYPE -> toDesc(t.getMapType().getValueType(), what, source).withKind(ValueKind.MAP);
            case VALUE_NOT_SET -> TensorDesc.UNKNOWN;
        };
    }

    private static TensorDesc tensor(int elemType, TensorShapeProto shape, String what, String source) {
        DataType dt;
        try {
            dt = DataType.fromOnnx(elemType);
        } catch (IllegalArgumentException e) {
            throw new OnnxParseException(source, what + ": unknown element type code " + elemType);
        }
        return new TensorDesc(dt, shape == null ? Shape.UNKNOWN_RANK : toShape(shape));
    }

    /** Dims: {@code dim_value} is static (negative = unknown), a non-empty {@code dim_param} symbolic, else unknown. */
    public static Shape toShape(TensorShapeProto s) {
        List<Dim> dims = new ArrayList<>(s.getDimCount());
        for (TensorShapeProto.Dimension d : s.getDimList()) {
            if (d.hasDimValue()) dims.add(d.getDimValue() < 0 ? Dim.UNKNOWN : Dim.of(d.getDimValue()));
            else if (d.hasDimParam() && !d.getDimParam().isEmpty()) dims.add(Dim.of(d.getDimParam()));
            else dims.add(Dim.UNKNOWN);
        }
        return Shape.of(dims);
    }

    /** The ONNX type of a desc (the inverse of {@link #toDesc} for tensors, sequences and optionals). */
    public static TypeProto toType(TensorDesc d) {
        TypeProto.Tensor.Builder tb = TypeProto.Tensor.newBuilder().setElemType(d.dtype().onnxCode());
        if (d.shape().hasRank()) {
            TensorShapeProto.Builder sb = TensorShapeProto.newBuilder();
            for (Dim x : d.shape().dims()) {
                TensorShapeProto.Dimension.Builder db = TensorShapeProto.Dimension.newBuilder();
                if (x instanceof Dim.Static s) db.setDimValue(s.value());
                else if (x instanceof Dim.Symbolic s) db.setDimParam(s.name());
                sb.addDim(db);
            }
            tb.setShape(sb);
        }
        TypeProto tensor = TypeProto.newBuilder().setTensorType(tb).build();
        TypeProto seq = TypeProto.newBuilder().setSequenceType(TypeProto.Sequence.newBuilder().setElemType(tensor)).build();
        return switch (d.kind()) {
            case TENSOR -> tensor;
            case SEQUENCE -> seq;
            case OPTIONAL_TENSOR -> TypeProto.newBuilder().setOptionalType(TypeProto.Optional.newBuilder().setElemType(tensor)).build();
            case OPTIONAL_SEQUENCE -> TypeProto.newBuilder().setOptionalType(TypeProto.Optional.newBuilder().setElemType(seq)).build();
            case MAP -> TypeProto.newBuilder().setMapType(TypeProto.Map.newBuilder().setKeyType(DataType.INT64.onnxCode()).setValueType(tensor)).build();
        };
    }
}
