package org.ge4j.ops.onnx.elementwise;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;

/**
 * Cast's string rules. Numbers print as numpy's {@code str()} does: the shortest digits that read back to
 * the same value of the source type, positional for 1e-4 &lt;= |x| &lt; 1e16 (with at least one decimal),
 * scientific otherwise ({@code 1e-05}, {@code 1.5e+16}); {@code nan}, {@code inf}, {@code -inf};
 * bool as {@code True}/{@code False}. Strings parse leniently: surrounding blanks ignored, case-insensitive
 * {@code inf}/{@code infinity}/{@code nan} with an optional sign, decimal and scientific notation; integers
 * also accept a decimal form (truncated); bool accepts true/false or a number (non-zero is true).
 */
final class StringConversions {
    private StringConversions() {}

    /** Scratch tensor used to round a double to a narrow float type (one per conversion call). */
    static final class Rounder {
        private final DataType type;
        private Tensor scratch;

        Rounder(DataType type) { this.type = type; }

        double round(double v) {
            if (scratch == null) scratch = Tensor.allocate(type, 1);
            scratch.setScalarDouble(0, v);
            return scratch.getScalarDouble(0);
        }

        void close() {
            if (scratch != null) scratch.close();
        }
    }

    /** Element {@code i} of {@code t} as text. */
    static String format(Tensor t, long i, Rounder rounder) {
        DataType d = t.dtype();
        if (d == DataType.BOOL) return t.getScalarLong(i) != 0 ? "True" : "False";
        if (d == DataType.UINT64) return Long.toUnsignedString(t.getScalarLong(i));
        if (d.isInteger()) return Long.toString(t.getScalarLong(i));
        return formatReal(t.getScalarDouble(i), d, rounder);
    }

    static String formatReal(double v, DataType type, Rounder rounder) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return (1 / v < 0) ? "-0.0" : "0.0";
        BigDecimal d = shortest(v, type, rounder).stripTrailingZeros();
        double abs = Math.abs(v);
        if (abs >= 1e-4 && abs < 1e16) {
            String s = d.toPlainString();
            return s.indexOf('.') >= 0 ? s : s + ".0";
        }
        String digits = d.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - d.scale();
        StringBuilder sb = new StringBuilder();
        if (v < 0) sb.append('-');
        sb.append(digits.charAt(0));
        if (digits.length() > 1) sb.append('.').append(digits, 1, digits.length());
        sb.append('e').append(exp < 0 ? '-' : '+');
        int ae = Math.abs(exp);
        if (ae < 10) sb.append('0');
        return sb.append(ae).toString();
    }

    /** The shortest decimal that reads back as {@code v} in {@code type} (nearest to v among the shortest). */
    private static BigDecimal shortest(double v, DataType type, Rounder rounder) {
        if (type == DataType.DOUBLE) return new BigDecimal(Double.toString(v));
        if (type == DataType.FLOAT) return new BigDecimal(Float.toString((float) v));
        BigDecimal exact = new BigDecimal(v);
        for (int p = 1; p < 17; p++) {
            BigDecimal c = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (rounder.round(c.doubleValue()) == v) return c;
        }
        return exact;
    }

    /** Parses {@code s} and stores it as element {@code i} of {@code out}; throws NumberFormatException when unreadable. */
    static void parseInto(String s, Tensor out, long i) {
        String t = s.strip();
        DataType d = out.dtype();
        if (d == DataType.BOOL) {
            if (t.equalsIgnoreCase("true")) out.setScalarLong(i, 1);
            else if (t.equalsIgnoreCase("false")) out.setScalarLong(i, 0);
            else out.setScalarLong(i, parseReal(t) != 0 ? 1 : 0);
        } else if (d.isInteger()) {
            String u = t.startsWith("+") ? t.substring(1) : t;
            try {
                out.setScalarLong(i, d == DataType.UINT64 && !u.startsWith("-") ? Long.parseUnsignedLong(u) : Long.parseLong(u));
            } catch (NumberFormatException e) {
                out.setScalarDouble(i, parseReal(t));
            }
        } else if (d == DataType.FLOAT && special(t) == null) {
            out.setScalarDouble(i, Float.parseFloat(checkDecimal(t)));
        } else {
            out.setScalarDouble(i, parseReal(t));
        }
    }

    /** A real number from text (decimal or scientific, or inf/infinity/nan with an optional sign). */
    static double parseReal(String s) {
        String t = s.strip();
        Double sp = special(t);
        return sp != null ? sp : Double.parseDouble(checkDecimal(t));
    }

    private static Double special(String t) {
        String l = t.toLowerCase(Locale.ROOT);
        boolean neg = l.startsWith("-");
        if (l.startsWith("-") || l.startsWith("+")) l = l.substring(1);
        return switch (l) {
            case "inf", "infinity" -> neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> null;
        };
    }

    /** Rejects Java-only number forms (hex floats, 'f'/'d' suffixes) that are not decimal notation. */
    private static String checkDecimal(String t) {
        for (int k = 0; k < t.length(); k++) {
            char c = t.charAt(k);
            if (!(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'))
                throw new NumberFormatException("not a decimal number: \"" + t + "\"");
        }
        return t;
    }
}
