package org.ge4j.ops.onnx.tensor;

import java.util.EnumSet;
import java.util.Set;
import org.ge4j.ir.DataType;
import org.ge4j.ops.DataTypes;

/** The element-type sets the ONNX data-movement ops are declared over. */
final class TensorTypes {
    private TensorTypes() {}

    /** ONNX's "all tensor types" before opset 13: every numeric type, string, bool and complex, but no bfloat16. */
    static final Set<DataType> ALL_V1 = Set.copyOf(EnumSet.of(
            DataType.UINT8, DataType.UINT16, DataType.UINT32, DataType.UINT64,
            DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64,
            DataType.FLOAT16, DataType.FLOAT, DataType.DOUBLE,
            DataType.STRING, DataType.BOOL, DataType.COMPLEX64, DataType.COMPLEX128));

    /** ONNX's "all tensor types" from opset 13: {@link #ALL_V1} plus bfloat16. */
    static final Set<DataType> ALL_V13 = DataTypes.union(ALL_V1, Set.of(DataType.BFLOAT16));

    /** float16, float, double: the types of the opset-1 ops. */
    static final Set<DataType> FLOATS_V1 = Set.of(DataType.FLOAT16, DataType.FLOAT, DataType.DOUBLE);

    /** The plain numeric types without bfloat16 (Pad-11, OneHot's indices). */
    static final Set<DataType> NUMERIC_V1 = Set.copyOf(EnumSet.of(
            DataType.UINT8, DataType.UINT16, DataType.UINT32, DataType.UINT64,
            DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64,
            DataType.FLOAT16, DataType.FLOAT, DataType.DOUBLE));

    /** Numeric types and bool, without bfloat16 (ConstantOfShape, EyeLike). */
    static final Set<DataType> NUMERIC_BOOL_V1 = DataTypes.union(NUMERIC_V1, Set.of(DataType.BOOL));

    /** The "all tensor types" set of a schema since-version: {@link #ALL_V13} from opset 13, else {@link #ALL_V1}. */
    static Set<DataType> all(int since) { return since >= 13 ? ALL_V13 : ALL_V1; }
}
