package org.ge4j.cli.io;

import java.util.Collection;
import java.util.Map;

/** Writes maps, lists, strings, numbers and booleans as JSON (pretty-printed, keys in map order). */
public final class Json {
    private Json() {}

    public static String write(Object v) {
        StringBuilder sb = new StringBuilder();
        value(sb, v, 0);
        return sb.append('\n').toString();
    }

    private static void value(StringBuilder sb, Object v, int indent) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> string(sb, s);
            case Boolean b -> sb.append(b);
            case Double d -> sb.append(d.isNaN() || d.isInfinite() ? "null" : d.toString());
            case Float f -> sb.append(f.isNaN() || f.isInfinite() ? "null" : f.toString());
            case Number n -> sb.append(n);
            case Map<?, ?> m -> {
                if (m.isEmpty()) { sb.append("{}"); return; }
                sb.append("{\n");
                int i = 0;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    sb.append("  ".repeat(indent + 1));
                    string(sb, String.valueOf(e.getKey()));
                    sb.append(": ");
                    value(sb, e.getValue(), indent + 1);
                    sb.append(++i < m.size() ? ",\n" : "\n");
                }
                sb.append("  ".repeat(indent)).append('}');
            }
            case Collection<?> c -> {
                if (c.isEmpty()) { sb.append("[]"); return; }
                boolean simple = c.stream().allMatch(x -> !(x instanceof Map) && !(x instanceof Collection));
                sb.append(simple ? "[" : "[\n");
                int i = 0;
                for (Object x : c) {
                    if (!simple) sb.append("  ".repeat(indent + 1));
                    value(sb, x, indent + 1);
                    boolean more = ++i < c.size();
                    sb.append(simple ? (more ? ", " : "") : (more ? ",\n" : "\n"));
                }
                if (!simple) sb.append("  ".repeat(indent));
                sb.append(']');
            }
            default -> string(sb, v.toString());
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
