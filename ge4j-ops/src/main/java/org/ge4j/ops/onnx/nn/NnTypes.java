package org.ge4j.ops.onnx.nn;

import java.util.Set;
import org.ge4j.ir.DataType;
import org.ge4j.ops.DataTypes;

/** Type-constraint sets used by the NN op schemas. */
final class NnTypes {
    private NnTypes() {}

    /** float16, float, double. */
    static final Set<DataType> F = Set.of(DataType.FLOAT16, DataType.FLOAT, DataType.DOUBLE);
    /** float16, float, double, bfloat16. */
    static final Set<DataType> FB = DataTypes.FLOATS;
    /** The 32/64-bit integers plus float16/float/double (MatMul-9, Gemm-9, Reduce*-1). */
    static final Set<DataType> NUM32 = DataTypes.union(F, Set.of(DataType.INT32, DataType.INT64, DataType.UINT32, DataType.UINT64));
    /** {@link #NUM32} plus bfloat16. */
    static final Set<DataType> NUM32_B = DataTypes.union(NUM32, Set.of(DataType.BFLOAT16));
    /** Every integer width plus float16/float/double (ArgMax, TopK-11, Einsum). */
    static final Set<DataType> NUM_ALL_INTS = DataTypes.union(F, DataTypes.INTS);
    /** {@link #NUM_ALL_INTS} plus bfloat16. */
    static final Set<DataType> NUM_ALL_INTS_B = DataTypes.union(NUM_ALL_INTS, Set.of(DataType.BFLOAT16));
    /** int32, int64. */
    static final Set<DataType> INDEX = DataTypes.INDEX;
    static final Set<DataType> I64 = Set.of(DataType.INT64);
    static final Set<DataType> BOOL = Set.of(DataType.BOOL);

    /** True when values of this type are computed as 64-bit integers rather than doubles. */
    static boolean isIntegral(DataType t) { return t.isInteger() || t == DataType.BOOL; }
}
