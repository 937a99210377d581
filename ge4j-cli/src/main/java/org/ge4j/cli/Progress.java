package org.ge4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.ge4j.runtime.CompileListener;

/**
 * Shows a compilation's progress on stderr: on a terminal one line rewritten in place
 * ({@code [optimize 5/12] cse  3.2 s}); otherwise one line per stage.
 */
final class Progress implements CompileListener {
    private final PrintWriter err;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private String stage = "";
    private int width;

    Progress(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    @Override public synchronized void progress(String stage, int done, int total, String detail) {
        double s = (System.nanoTime() - start) / 1e9;
        if (terminal) {
            String line = String.format(Locale.ROOT, "[%s %d/%d] %s  %.1f s", stage, done, total, detail, s);
            err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
            width = line.length();
            err.flush();
        } else if (!stage.equals(this.stage)) {
            err.printf(Locale.ROOT, "ge4j: %s... (%.1f s)%n", stage, s);
            err.flush();
        }
        this.stage = stage;
    }

    /** Ends the progress line. */
    synchronized void finish() {
        if (terminal && width > 0) {
            err.print("\r" + " ".repeat(width) + "\r");
            err.flush();
            width = 0;
        }
    }
}
