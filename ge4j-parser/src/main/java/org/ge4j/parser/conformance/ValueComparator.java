package org.ge4j.parser.conformance;

import java.util.Arrays;
import org.ge4j.ir.DataType;
import org.ge4j.ir.OptionalValue;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorSequence;
import org.ge4j.ir.Value;

/**
 * Compares an actual value with the expected one as the conformance runner does: same kind, element type
 * and shape; floating-point elements within {@code |a - e| <= atol + rtol * |e|} (NaN equals NaN, infinities
 * equal when of the same sign); integers, booleans and strings exactly.
 */
public final class ValueComparator {
    public static final double DEFAULT_RTOL = 1e-3;
    public static final double DEFAULT_ATOL = 1e-5;

    private final double rtol;
    private final double atol;

    public ValueComparator(double rtol, double atol) {
        this.rtol = rtol;
        this.atol = atol;
    }

    public ValueComparator() { this(DEFAULT_RTOL, DEFAULT_ATOL); }

    /** Null when {@code actual} matches {@code expected}, else why not (one line). */
    public String compare(Value expected, Value actual) {
        if (actual == null) return "no value produced";
        if (expected instanceof Tensor e) {
            if (!(actual instanceof Tensor a)) return "expected a tensor, got a " + actual.kind();
            return compareTensors(e, a);
        }
        if (expected instanceof TensorSequence e) {
            if (!(actual instanceof TensorSequence a)) return "expected a sequence, got a " + actual.kind();
            if (e.size() != a.size()) return "sequence length: expected " + e.size() + ", got " + a.size();
            for (int i = 0; i < e.size(); i++) {
                String r = compareTensors(e.get(i), a.get(i));
                if (r != null) return "sequence element " + i + ": " + r;
            }
            return null;
        }
        if (expected instanceof OptionalValue e) {
            if (!(actual instanceof OptionalValue a)) return "expected an optional, got a " + actual.kind();
            if (e.isPresent() != a.isPresent()) return "optional: expected " + (e.isPresent() ? "a value" : "none") + ", got " + (a.isPresent() ? "a value" : "none");
            return e.isPresent() ? compare(e.value(), a.value()) : null;
        }
        return "cannot compare " + expected.kind();
    }

    private String compareTensors(Tensor e, Tensor a) {
        if (e.dtype() != a.dtype()) return "element type: expected " + e.dtype() + ", got " + a.dtype();
        if (!Arrays.equals(e.shape(), a.shape())) return "shape: expected " + Shape.toString(e.shape()) + ", got " + Shape.toString(a.shape());
        long n = e.scalarCount();
        if (e.dtype() == DataType.STRING) {
            for (long i = 0; i < n; i++)
                if (!e.getString(i).equals(a.getString(i)))
                    return "element " + i + ": expected \"" + e.getString(i) + "\", got \"" + a.getString(i) + "\"";
            return null;
        }
        if (e.dtype().isFloatingPoint() || e.dtype().isComplex()) {
            long bad = 0, first = -1;
            double worst = 0;
            for (long i = 0; i < n; i++) {
                double x = e.getScalarDouble(i), y = a.getScalarDouble(i);
                if (close(x, y)) continue;
                if (first < 0) first = i;
                bad++;
                double d = Double.isNaN(x) || Double.isNaN(y) ? Double.POSITIVE_INFINITY : Math.abs(x - y);
                if (d > worst || Double.isNaN(worst)) worst = d;
            }
            if (bad == 0) return null;
            return bad + " of " + n + " values differ (rtol " + rtol + ", atol " + atol + "); first at " + first + ": expected "
                    + e.getScalarDouble(first) + ", got " + a.getScalarDouble(first) + "; max abs diff " + worst;
        }
        long bad = 0, first = -1;
        for (long i = 0; i < n; i++) {
            if (e.getScalarLong(i) != a.getScalarLong(i)) {
                if (first < 0) first = i;
                bad++;
            }
        }
        if (bad == 0) return null;
        return bad + " of " + n + " values differ; first at " + first + ": expected " + e.getScalarLong(first) + ", got " + a.getScalarLong(first);
    }

    /** The elementwise rule: NaN matches NaN, infinities match when equal, else within tolerance of the expected value. */
    public boolean close(double expected, double actual) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) return Double.isNaN(expected) && Double.isNaN(actual);
        if (Double.isInfinite(expected) || Double.isInfinite(actual)) return expected == actual;
        return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
    }
}
