package org.ge4j.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ge4j} command. Every error ends the command with one line on stderr ({@code ge4j: ...}) and
 * exit code 1; the stack trace is printed too only when the environment variable {@code GE4J_DEBUG} is set.
 */
@Command(name = "ge4j", mixinStandardHelpOptions = true, version = "ge4j 0.1.0",
        description = "ge4j: a graph compiler and executor for neural networks on the JVM.",
        subcommands = {CompileCommand.class, RunCommand.class, InspectCommand.class, CompareCommand.class, DemoCommand.class, ConformanceCommand.class})
public final class Main implements Runnable {
    @Override public void run() { CommandLine.usage(this, System.out); }

    /** The configured command line (tests run it in-process with their own out/err writers). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println("ge4j: " + message(ex));
            if (debug()) ex.printStackTrace(err);
            err.flush();
            return 1;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("ge4j " + ex.getCommandLine().getCommandName() + ": " + ex.getMessage() + " (see --help)");
            if (debug()) ex.printStackTrace(err);
            err.flush();
            return 1;
        });
        return cl;
    }

    static boolean debug() { return System.getenv("GE4J_DEBUG") != null; }

    /** The one-line message of an error (its class name when it has none). */
    static String message(Throwable ex) {
        Throwable t = ex;
        while (t.getMessage() == null && t.getCause() != null) t = t.getCause();
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t instanceof OutOfMemoryError) m = "out of memory (" + m + "): raise the heap with GE4J_JAVA_OPTS=-Xmx...";
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    public static void main(String[] args) {
        int code;
        try {
            code = commandLine().execute(args);
        } catch (Throwable t) { // errors picocli does not handle (OutOfMemoryError, StackOverflowError)
            System.err.println("ge4j: " + message(t));
            if (debug()) t.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }
}
