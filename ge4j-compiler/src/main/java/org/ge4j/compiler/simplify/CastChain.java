package org.ge4j.compiler.simplify;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ge4j.compiler.pattern.Matchers;
import org.ge4j.compiler.pattern.Rewriter;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;

/**
 * {@code Cast(Cast(x: A → B) → C)} → {@code Cast(x → C)}, or {@code x} when C = A, provided B holds every
 * value of A exactly (a widening cast: i8 → i32, f16 → f32, i32 → f64, bool → anything...).
 */
final class CastChain implements SimplifyPattern {
    @Override public String name() { return "cast-chain"; }

    @Override public Set<String> rootTypes() { return Set.of("Cast"); }

    @Override public boolean rewrite(Node outer, Rewriter rw) {
        Node inner = Matchers.producer(outer.inputValue(0), "Cast");
        if (inner == null || inner.inputValue(0) == null) return false;
        OutDataAnchor x = inner.inputValue(0);
        DataType a = x.desc().dtype(), b = inner.output(0).desc().dtype(), c = outer.output(0).desc().dtype();
        if (a == DataType.UNDEFINED || b == DataType.UNDEFINED || c == DataType.UNDEFINED || !isExact(a, b)) return false;
        if (c == a) {
            rw.replace(outer.output(0), x);
            return true;
        }
        Map<String, Attr> attrs = Map.of("to", new Attr.Int(c.onnxCode()));
        rw.replace(outer.output(0), rw.op(outer.graph(), "Cast", outer.name(), List.of(x), attrs));
        return true;
    }

    /** True when every value of {@code from} converts to {@code to} and back unchanged. */
    static boolean isExact(DataType from, DataType to) {
        if (from == to) return true;
        if (from == DataType.BOOL) return to.isInteger() || to.isFloatingPoint() && to.bits() >= 8;
        int mant = mantissaBits(to); // integers up to 2^mant are exact in a float type
        return switch (from) {
            case INT8 -> to == DataType.INT16 || to == DataType.INT32 || to == DataType.INT64 || mant >= 8;
            case UINT8 -> to == DataType.INT16 || to == DataType.UINT16 || to == DataType.INT32 || to == DataType.UINT32
                    || to == DataType.INT64 || to == DataType.UINT64 || mant >= 8;
            case INT16 -> to == DataType.INT32 || to == DataType.INT64 || mant >= 16;
            case UINT16 -> to == DataType.INT32 || to == DataType.UINT32 || to == DataType.INT64 || to == DataType.UINT64 || mant >= 16;
            case INT32 -> to == DataType.INT64 || mant >= 32;
            case UINT32 -> to == DataType.INT64 || to == DataType.UINT64 || mant >= 32;
            case FLOAT16, BFLOAT16 -> to == DataType.FLOAT || to == DataType.DOUBLE;
            case FLOAT -> to == DataType.DOUBLE;
            default -> false;
        };
    }

    /** Significand bits including the implicit one, or 0 for non-float types. */
    private static int mantissaBits(DataType t) {
        return switch (t) {
            case DOUBLE -> 53;
            case FLOAT -> 24;
            case FLOAT16 -> 11;
            case BFLOAT16 -> 8;
            default -> 0;
        };
    }
}
