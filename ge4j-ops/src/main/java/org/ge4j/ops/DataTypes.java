package org.ge4j.ops;

import java.util.EnumSet;
import java.util.Set;
import org.ge4j.ir.DataType;

/** Common sets of element types for schema type constraints. */
public final class DataTypes {
    private DataTypes() {}

    public static final Set<DataType> FLOATS = Set.copyOf(EnumSet.of(DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.BFLOAT16));
    public static final Set<DataType> SIGNED_INTS = Set.copyOf(EnumSet.of(DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64));
    public static final Set<DataType> UNSIGNED_INTS = Set.copyOf(EnumSet.of(DataType.UINT8, DataType.UINT16, DataType.UINT32, DataType.UINT64));
    public static final Set<DataType> INTS = union(SIGNED_INTS, UNSIGNED_INTS);
    public static final Set<DataType> NUMERIC = union(FLOATS, INTS);
    public static final Set<DataType> SIGNED_NUMERIC = union(FLOATS, SIGNED_INTS);
    public static final Set<DataType> COMPLEX = Set.copyOf(EnumSet.of(DataType.COMPLEX64, DataType.COMPLEX128));
    public static final Set<DataType> FLOAT8 = Set.copyOf(EnumSet.of(DataType.FLOAT8E4M3FN, DataType.FLOAT8E4M3FNUZ, DataType.FLOAT8E5M2, DataType.FLOAT8E5M2FNUZ));
    /** Every tensor element type except UNDEFINED. */
    public static final Set<DataType> ALL = allTypes();
    public static final Set<DataType> NUMERIC_AND_BOOL = union(NUMERIC, Set.of(DataType.BOOL));
    public static final Set<DataType> INDEX = Set.copyOf(EnumSet.of(DataType.INT32, DataType.INT64));

    @SafeVarargs
    public static Set<DataType> union(Set<DataType>... sets) {
        EnumSet<DataType> s = EnumSet.noneOf(DataType.class);
        for (Set<DataType> x : sets) s.addAll(x);
        return Set.copyOf(s);
    }

    private static Set<DataType> allTypes() {
        EnumSet<DataType> s = EnumSet.allOf(DataType.class);
        s.remove(DataType.UNDEFINED);
        return Set.copyOf(s);
    }

    /**
     * A param whose type var is a fixed type name ("tensor(int64)" or "i64") instead of a declared var;
     * returns that type or null.
     */
    public static DataType parseFixed(String typeVar) {
        String n = typeVar.startsWith("tensor(") && typeVar.endsWith(")") ? typeVar.substring(7, typeVar.length() - 1) : typeVar;
        try {
            return switch (n) {
                case "float" -> DataType.FLOAT;
                case "double" -> DataType.DOUBLE;
                case "int64" -> DataType.INT64;
                case "int32" -> DataType.INT32;
                case "bool" -> DataType.BOOL;
                case "string" -> DataType.STRING;
                default -> n.length() <= 4 && !n.isEmpty() && Character.isLowerCase(n.charAt(0)) ? DataType.fromShortName(n) : null;
            };
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
