package org.ge4j.ir.text;

import org.ge4j.ir.Ge4jException;

/** The text of a graph is malformed: the message says where (line:column) and what was expected. */
public final class TextParseException extends Ge4jException {
    private final int line;
    private final int column;

    TextParseException(String message, int line, int column, String sourceLine) {
        super("line " + line + ":" + column + ": " + message + excerpt(sourceLine, column));
        this.line = line;
        this.column = column;
    }

    /** 1-based line of the error. */
    public int line() { return line; }

    /** 1-based column of the error. */
    public int column() { return column; }

    private static String excerpt(String sourceLine, int column) {
        if (sourceLine == null) return "";
        String l = sourceLine.length() > 200 ? sourceLine.substring(0, 200) + "..." : sourceLine;
        StringBuilder sb = new StringBuilder("\n  ").append(l).append("\n  ");
        for (int i = 1; i < column && i <= l.length(); i++) sb.append(l.charAt(i - 1) == '\t' ? '\t' : ' ');
        return sb.append('^').toString();
    }
}
