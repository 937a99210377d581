package org.ge4j.ops.onnx.control;

import java.util.EnumSet;
import java.util.Set;
import org.ge4j.ir.DataType;
import org.ge4j.ops.DataTypes;

/**
 * Element-type sets of this family's type constraints. The checker compares element types only, so a
 * sequence or optional parameter is constrained by the set of its element types.
 */
final class ControlTypes {
    private ControlTypes() {}

    /** ONNX's "all tensor types" before bfloat16 was added (IR 4). */
    static final Set<DataType> TENSOR = Set.copyOf(EnumSet.of(
            DataType.UINT8, DataType.UINT16, DataType.UINT32, DataType.UINT64,
            DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64,
            DataType.FLOAT16, DataType.FLOAT, DataType.DOUBLE, DataType.STRING, DataType.BOOL,
            DataType.COMPLEX64, DataType.COMPLEX128));

    /** "All tensor types" including bfloat16 (If/Loop-16, Scan-16). */
    static final Set<DataType> TENSOR_BF16 = DataTypes.union(TENSOR, Set.of(DataType.BFLOAT16));

    static final Set<DataType> FLOAT_TYPES = Set.copyOf(EnumSet.of(DataType.FLOAT16, DataType.FLOAT, DataType.DOUBLE));

    static final Set<DataType> FLOAT_DOUBLE = Set.copyOf(EnumSet.of(DataType.FLOAT, DataType.DOUBLE));
}
