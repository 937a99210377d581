package org.ge4j.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parsers for atc's shape options: {@code --input_shape "x:1,3,224,224;ids:-1,-1"} (-1 marks a dynamic
 * dim), {@code --dynamic_batch_size "1,2,4,8"} and {@code --dynamic_dims "1,128;2,256"}. Malformed text is an
 * {@link IllegalArgumentException} saying what was expected.
 */
public final class ShapeSpecs {
    /** The most gears a model may have (atc's limit). */
    public static final int MAX_GEARS = 100;

    private ShapeSpecs() {}

    /** {@code name:d0,d1;name2:d0} to an ordered map; an input may be a scalar ({@code name:}). */
    public static Map<String, long[]> parseInputShape(String spec) {
        Map<String, long[]> m = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) return m;
        for (String entry : spec.split(";")) {
            String e = entry.trim();
            if (e.isEmpty()) continue;
            int c = e.lastIndexOf(':');
            if (c <= 0) throw new IllegalArgumentException("input shape '" + e + "' must read NAME:d0,d1,... (e.g. x:1,3,224,224)");
            String name = e.substring(0, c).trim();
            String dims = e.substring(c + 1).trim();
            long[] shape = dims.isEmpty() ? new long[0] : parseLongs(dims, "input shape of '" + name + "'");
            for (long d : shape)
                if (d < -1) throw new IllegalArgumentException("input shape of '" + name + "': dim " + d + " must be -1 (dynamic) or at least 0");
            if (m.put(name, shape) != null) throw new IllegalArgumentException("input shape: '" + name + "' is given twice");
        }
        return m;
    }

    /** {@code 1,2,4,8} to the batch sizes, each positive, no repeats, at most {@link #MAX_GEARS}. */
    public static List<Long> parseBatchSizes(String spec) {
        List<Long> l = new ArrayList<>();
        for (long v : parseLongs(spec, "dynamic batch size")) {
            if (v < 1) throw new IllegalArgumentException("dynamic batch size " + v + " must be at least 1");
            if (l.contains(v)) throw new IllegalArgumentException("dynamic batch size " + v + " is given twice");
            l.add(v);
        }
        checkCount(l.size());
        return l;
    }

    /** {@code 1,128;2,256} to the gears' values, each gear the same count of positive values, no repeats. */
    public static List<long[]> parseDims(String spec) {
        List<long[]> l = new ArrayList<>();
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException("dynamic dims: no gears given (expected e.g. \"1,128;2,256\")");
        for (String g : spec.split(";")) {
            if (g.isBlank()) continue;
            long[] v = parseLongs(g.trim(), "dynamic dims");
            for (long x : v) if (x < 1) throw new IllegalArgumentException("dynamic dims gear '" + g.trim() + "': value " + x + " must be at least 1");
            if (!l.isEmpty() && l.get(0).length != v.length)
                throw new IllegalArgumentException("dynamic dims gear '" + g.trim() + "' has " + v.length + " values, the first gear has " + l.get(0).length);
            for (long[] o : l) if (java.util.Arrays.equals(o, v)) throw new IllegalArgumentException("dynamic dims gear '" + g.trim() + "' is given twice");
            l.add(v);
        }
        checkCount(l.size());
        return l;
    }

    private static void checkCount(int n) {
        if (n == 0) throw new IllegalArgumentException("no gears given");
        if (n > MAX_GEARS) throw new IllegalArgumentException(n + " gears given, at most " + MAX_GEARS + " are allowed");
    }

    private static long[] parseLongs(String s, String what) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException(what + ": no values given");
        String[] p = s.split(",");
        long[] v = new long[p.length];
        for (int i = 0; i < p.length; i++) {
            try {
                v[i] = Long.parseLong(p[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + ": '" + p[i].trim() + "' is not an integer (in \"" + s + "\")");
            }
        }
        return v;
    }
}
