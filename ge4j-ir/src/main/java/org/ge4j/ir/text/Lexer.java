package org.ge4j.ir.text;

import java.util.ArrayList;
import java.util.List;

/** Splits graph text into tokens with 1-based line and column; {@code //} starts a comment to the end of the line. */
final class Lexer {
    enum Kind { IDENT, STRING, VALUE, INT, FLOAT, PUNCT, EOF }

    /** A token; {@code text} is the identifier, the unescaped string, the value name, the number or the punctuation. */
    record Token(Kind kind, String text, int line, int column) {
        boolean is(String punct) { return kind == Kind.PUNCT && text.equals(punct); }

        boolean isWord(String word) { return kind == Kind.IDENT && text.equals(word); }

        /** How the token reads in a message. */
        String show() {
            return switch (kind) {
                case EOF -> "end of input";
                case STRING -> "string " + Syntax.quote(text);
                case VALUE -> "value " + Syntax.value(text);
                case INT, FLOAT -> "number " + text;
                case IDENT -> "'" + text + "'";
                case PUNCT -> "'" + text + "'";
            };
        }
    }

    private final String src;
    private final String[] lines;
    private int pos;
    private int line = 1;
    private int lineStart;

    Lexer(String src) {
        this.src = src;
        this.lines = src.split("\r?\n", -1);
    }

    String sourceLine(int l) { return l >= 1 && l <= lines.length ? lines[l - 1] : null; }

    TextParseException error(String msg, int l, int c) { return new TextParseException(msg, l, c, sourceLine(l)); }

    List<Token> tokens() {
        List<Token> out = new ArrayList<>();
        while (true) {
            skipSpace();
            int col = pos - lineStart + 1;
            if (pos >= src.length()) {
                out.add(new Token(Kind.EOF, "", line, col));
                return out;
            }
            out.add(next(col));
        }
    }

    private void skipSpace() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '\n') {
                pos++;
                line++;
                lineStart = pos;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
            } else if (c == '/' && pos + 1 < src.length() && src.charAt(pos + 1) == '/') {
                while (pos < src.length() && src.charAt(pos) != '\n') pos++;
            } else {
                return;
            }
        }
    }

    private Token next(int col) {
        char c = src.charAt(pos);
        if (c == '"') return new Token(Kind.STRING, string(col), line, col);
        if (c == '%') {
            pos++;
            if (pos < src.length() && src.charAt(pos) == '"') return new Token(Kind.VALUE, string(col + 1), line, col);
            int start = pos;
            while (pos < src.length() && Syntax.isValuePart(src.charAt(pos))) pos++;
            if (pos == start) throw error("expected a value name after '%'", line, col + 1);
            return new Token(Kind.VALUE, src.substring(start, pos), line, col);
        }
        if (Syntax.isIdentStart(c)) {
            int start = pos;
            while (pos < src.length() && Syntax.isIdentPart(src.charAt(pos))) pos++;
            return new Token(Kind.IDENT, src.substring(start, pos), line, col);
        }
        if (c >= '0' && c <= '9' || c == '-' && pos + 1 < src.length() && (Character.isDigit(src.charAt(pos + 1)) || src.startsWith("inf", pos + 1)))
            return number(col);
        if (src.startsWith("::", pos) || src.startsWith("->", pos)) {
            pos += 2;
            return new Token(Kind.PUNCT, src.substring(pos - 2, pos), line, col);
        }
        if ("{}()[]<>,=:@#?*".indexOf(c) >= 0) {
            pos++;
            return new Token(Kind.PUNCT, String.valueOf(c), line, col);
        }
        throw error("unexpected character '" + c + "'", line, col);
    }

    private Token number(int col) {
        int start = pos;
        if (src.charAt(pos) == '-') pos++;
        if (src.startsWith("inf", pos)) {
            pos += 3;
            return new Token(Kind.FLOAT, "-inf", line, col);
        }
        if (src.startsWith("0x", pos) || src.startsWith("0X", pos)) {
            pos += 2;
            int digits = pos;
            while (pos < src.length() && Character.digit(src.charAt(pos), 16) >= 0) pos++;
            if (pos == digits) throw error("expected hexadecimal digits after '0x'", line, col);
            return new Token(Kind.INT, src.substring(start, pos), line, col);
        }
        boolean isFloat = false;
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) pos++;
        if (pos < src.length() && src.charAt(pos) == '.') {
            isFloat = true;
            pos++;
            while (pos < src.length() && Character.isDigit(src.charAt(pos))) pos++;
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int save = pos;
            pos++;
            if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) pos++;
            int digits = pos;
            while (pos < src.length() && Character.isDigit(src.charAt(pos))) pos++;
            if (pos == digits) pos = save;
            else isFloat = true;
        }
        if (pos < src.length() && Syntax.isIdentStart(src.charAt(pos)))
            throw error("malformed number '" + src.substring(start, pos + 1) + "'", line, col);
        return new Token(isFloat ? Kind.FLOAT : Kind.INT, src.substring(start, pos), line, col);
    }

    private String string(int col) {
        int l = line;
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length() || src.charAt(pos) == '\n') throw error("unterminated string", l, col);
            char c = src.charAt(pos++);
            if (c == '"') return sb.toString();
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= src.length()) throw error("unterminated string", l, col);
            char e = src.charAt(pos++);
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'u' -> {
                    if (pos + 4 > src.length()) throw error("expected 4 hexadecimal digits after \\u", line, pos - lineStart);
                    int v = 0;
                    for (int i = 0; i < 4; i++) {
                        int d = Character.digit(src.charAt(pos + i), 16);
                        if (d < 0) throw error("expected 4 hexadecimal digits after \\u", line, pos - lineStart + i + 1);
                        v = v * 16 + d;
                    }
                    pos += 4;
                    sb.append((char) v);
                }
                default -> throw error("unknown escape '\\" + e + "' in string (use \\\" \\\\ \\n \\t \\r or \\uXXXX)", line, pos - lineStart - 1);
            }
        }
    }
}
