package org.ge4j.cli.io;

import java.util.Locale;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;

/** One-line summaries of tensors: type and shape, min / max / mean, and the first values. */
public final class TensorSummary {
    private TensorSummary() {}

    public static String of(String name, Tensor t, int first) {
        StringBuilder sb = new StringBuilder();
        sb.append(name).append(": ").append(t.dtype().shortName()).append(Shape.toString(t.shape()));
        long n = t.size();
        if (t.dtype() == DataType.STRING) {
            String[] s = t.toStringArray();
            sb.append(" first [");
            for (int i = 0; i < Math.min(first, s.length); i++) sb.append(i == 0 ? "\"" : ", \"").append(s[i]).append('"');
            return sb.append(s.length > first ? ", ...]" : "]").toString();
        }
        if (n == 0) return sb.append(" (empty)").toString();
        long count = t.scalarCount();
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0;
        long nan = 0;
        for (long i = 0; i < count; i++) {
            double v = t.getScalarDouble(i);
            if (Double.isNaN(v)) { nan++; continue; }
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        sb.append(String.format(Locale.ROOT, " min %s max %s mean %s", num(min), num(max), num(sum / Math.max(1, count - nan))));
        if (nan > 0) sb.append(" nan ").append(nan);
        sb.append(" first [");
        for (long i = 0; i < Math.min(first, count); i++) sb.append(i == 0 ? "" : ", ").append(num(t.getScalarDouble(i)));
        return sb.append(count > first ? ", ...]" : "]").toString();
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
