package org.ge4j.ops.onnx.elementwise;

import static org.ge4j.ir.DataType.*;

import java.util.Set;
import org.ge4j.ir.DataType;
import org.ge4j.ops.DataTypes;

/** The type sets the elementwise schemas use, named after the ONNX version that introduced them. */
final class Types {
    private Types() {}

    /** float16, float, double: the classic float set. */
    static final Set<DataType> F3 = Set.of(FLOAT16, FLOAT, DOUBLE);
    /** F3 and bfloat16 (opset 13 added bfloat16 almost everywhere). */
    static final Set<DataType> F4 = DataTypes.FLOATS;
    static final Set<DataType> FLOAT_DOUBLE = Set.of(FLOAT, DOUBLE);
    static final Set<DataType> INTS = DataTypes.INTS;
    static final Set<DataType> UINTS = DataTypes.UNSIGNED_INTS;
    /** Every integer and F3 (the "all numeric" set of opsets 9-12). */
    static final Set<DataType> NUM = DataTypes.union(INTS, F3);
    /** Every integer and F4. */
    static final Set<DataType> NUM_BF = DataTypes.NUMERIC;
    /** The 32/64-bit integers and F3: Add/Sub/Mul/Div from opset 6 to 13. */
    static final Set<DataType> WIDE = DataTypes.union(Set.of(INT32, INT64, UINT32, UINT64), F3);
    static final Set<DataType> WIDE_BF = DataTypes.union(WIDE, Set.of(BFLOAT16));
    /** Signed types of Neg and Relu. */
    static final Set<DataType> SIGNED = DataTypes.union(Set.of(INT8, INT16, INT32, INT64), F3);
    static final Set<DataType> SIGNED_BF = DataTypes.union(SIGNED, Set.of(BFLOAT16));
    static final Set<DataType> BOOL_ONLY = Set.of(BOOL);
    /** Types Cast handles before opset 9 (no strings). */
    static final Set<DataType> CAST6 = DataTypes.union(NUM, Set.of(BOOL));
    static final Set<DataType> CAST9 = DataTypes.union(CAST6, Set.of(STRING));
    static final Set<DataType> CAST13 = DataTypes.union(CAST9, Set.of(BFLOAT16));
    static final Set<DataType> CAST19 = DataTypes.union(CAST13, DataTypes.FLOAT8);
    /** Where's value types (opset 9): everything but bfloat16. */
    static final Set<DataType> WHERE9 = DataTypes.union(NUM, Set.of(BOOL, STRING, COMPLEX64, COMPLEX128));
    static final Set<DataType> WHERE16 = DataTypes.union(WHERE9, Set.of(BFLOAT16));
    /** Pow's base types from opset 12. */
    static final Set<DataType> POW_BASE = Set.of(INT32, INT64, FLOAT16, FLOAT, DOUBLE);
    static final Set<DataType> POW_BASE_BF = Set.of(INT32, INT64, FLOAT16, FLOAT, DOUBLE, BFLOAT16);
    /** PRelu from opset 9. */
    static final Set<DataType> PRELU9 = Set.of(FLOAT16, FLOAT, DOUBLE, UINT32, UINT64, INT32, INT64);
    static final Set<DataType> PRELU16 = DataTypes.union(PRELU9, Set.of(BFLOAT16));
    static final Set<DataType> EQUAL7 = Set.of(BOOL, INT32, INT64);
    static final Set<DataType> EQUAL11 = DataTypes.union(NUM, Set.of(BOOL));
    static final Set<DataType> EQUAL13 = DataTypes.union(NUM_BF, Set.of(BOOL));
}
