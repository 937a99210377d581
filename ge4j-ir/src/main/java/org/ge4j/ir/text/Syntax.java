package org.ge4j.ir.text;

import java.util.Set;

/** Lexical rules shared by the printer and the parser: which names print bare, and how strings are escaped. */
final class Syntax {
    private Syntax() {}

    /** Words with a meaning in the text form; names spelled like them are quoted. */
    static final Set<String> KEYWORDS = Set.of("graph", "input", "return", "opset", "meta", "ctrl", "tensor", "type",
            "ints", "floats", "strings", "tensors", "graphs", "types", "inf", "nan", "true", "false", "seq", "opt", "map", "_");

    static boolean isIdentStart(char c) { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'; }

    static boolean isIdentPart(char c) { return isIdentStart(c) || c >= '0' && c <= '9' || c == '.'; }

    /** Characters allowed in a bare value name after {@code %}. */
    static boolean isValuePart(char c) { return isIdentPart(c) || c == '/' || c == '$'; }

    /** A name (node, op, domain, attribute, graph, output, symbolic dim): bare when an identifier, else quoted. */
    static String name(String s) {
        if (s.isEmpty() || !isIdentStart(s.charAt(0)) || KEYWORDS.contains(s)) return quote(s);
        for (int i = 1; i < s.length(); i++) if (!isIdentPart(s.charAt(i))) return quote(s);
        return s;
    }

    /** A value reference: {@code %x}, or {@code %"odd name"}. */
    static String value(String s) {
        if (s.isEmpty()) return "%" + quote(s);
        for (int i = 0; i < s.length(); i++) if (!isValuePart(s.charAt(i))) return "%" + quote(s);
        return "%" + s;
    }

    /** A double-quoted string literal; control characters, quotes, backslashes and lone surrogates escaped. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    boolean loneSurrogate = Character.isHighSurrogate(c) && (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1)))
                            || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
                    if (c < 0x20 || c == 0x7f || loneSurrogate) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
