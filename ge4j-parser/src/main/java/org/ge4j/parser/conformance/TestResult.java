package org.ge4j.parser.conformance;

import java.util.List;

/**
 * The result of one conformance test: status, a one-line reason (empty for PASS), the op types of its
 * model (qualified, {@code domain::Type} outside the default domain) and the time it took.
 */
public record TestResult(TestCase test, TestStatus status, String reason, List<String> ops, long millis) {
    public TestResult {
        reason = oneLine(reason);
        ops = List.copyOf(ops);
    }

    public boolean passed() { return status == TestStatus.PASS; }

    /** Tabs and line breaks become spaces; long reasons are cut to 400 characters. */
    static String oneLine(String s) {
        if (s == null) return "";
        String t = s.replaceAll("[\\t\\r\\n]+", " ").strip();
        return t.length() > 400 ? t.substring(0, 397) + "..." : t;
    }
}
