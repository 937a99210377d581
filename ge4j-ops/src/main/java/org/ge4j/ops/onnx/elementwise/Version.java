package org.ge4j.ops.onnx.elementwise;

import java.util.Set;
import java.util.function.UnaryOperator;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ops.OpSchema;

/**
 * One since-version of an elementwise op: its main type set and what else the schema of that version
 * declares (attributes, mostly).
 */
record Version(int since, Set<DataType> types, UnaryOperator<OpSchema.Builder> extra) {
    /** Opset 1's {@code consumed_inputs}: a legacy memory hint, accepted and ignored. */
    static final UnaryOperator<OpSchema.Builder> CONSUMED = b -> b.optionalAttr("consumed_inputs", AttrType.INTS);

    /** Opsets 1-6 of binary ops: unidirectional broadcasting switched on by {@code broadcast}, placed by {@code axis}. */
    static final UnaryOperator<OpSchema.Builder> LEGACY_BROADCAST = b -> b.attr("broadcast", 0L).optionalAttr("axis", AttrType.INT);

    static final UnaryOperator<OpSchema.Builder> LEGACY_BROADCAST_CONSUMED = b -> CONSUMED.apply(LEGACY_BROADCAST.apply(b));

    static Version v(int since, Set<DataType> types) { return new Version(since, types, UnaryOperator.identity()); }

    static Version v(int since, Set<DataType> types, UnaryOperator<OpSchema.Builder> extra) { return new Version(since, types, extra); }

    /** True when the schema declares the legacy broadcast attributes. */
    static boolean isLegacyBroadcast(OpSchema s) { return s.attrs().containsKey("broadcast"); }
}
