package org.ge4j.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ge4j} command. Every error ends the command with one line on stderr ({@code ge4j: ...}) and
 * exit code 1; the stack trace is printed too only when the environment variable {@code GE4J_DEBUG} is set.
 */
@Command(name = "ge4j", mixinStandardHelpOptions = true, version = "ge4j 0.1.0",
        description = "ge4j: a graph compiler and executor for neural networks on the JVM.")
public final class Main implements Runnable {
    /** The subcommands by name, in the order of the usage help. */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> m = new LinkedHashMap<>();
        m.put("compile", CompileCommand::new);
        m.put("run", RunCommand::new);
        m.put("inspect", InspectCommand::new);
        m.put("compare", CompareCommand::new);
        m.put("demo", DemoCommand::new);
        m.put("conformance", ConformanceCommand::new);
        m.put("train-aot", AotTrainingCommand::new);
        return m;
    }

    @Override public void run() { CommandLine.usage(this, System.out); }

    /** The configured command line with every subcommand (tests run it in-process with their own out/err writers). */
    public static CommandLine commandLine() { return commandLine(null); }

    /**
     * The configured command line for arguments starting with {@code first}: only that subcommand when it names
     * one (picocli reads every added command's annotations up front, a tenth of a second of a cold start for all
     * of them), else all of them (usage help, unknown names).
     */
    static CommandLine commandLine(String first) {
        CommandLine cl = new CommandLine(new Main());
        Supplier<Object> only = first == null ? null : SUBCOMMANDS.get(first);
        if (only != null) cl.addSubcommand(first, only.get());
        else SUBCOMMANDS.forEach((name, make) -> cl.addSubcommand(name, make.get()));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> report(ex, cmd.getErr()));
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            String name = ex.getCommandLine().getCommandName();
            err.println((name.equals("ge4j") ? "ge4j" : "ge4j " + name) + ": " + ex.getMessage() + " (see --help)");
            if (debug()) ex.printStackTrace(err);
            err.flush();
            return 1;
        });
        return cl;
    }

    static boolean debug() { return System.getenv("GE4J_DEBUG") != null; }

    /** Reports a command's failure: one line on {@code err} (and the stack trace when debugging); exit code 1. */
    static int report(Throwable ex, PrintWriter err) {
        err.println("ge4j: " + message(ex));
        if (debug()) ex.printStackTrace(err);
        err.flush();
        return 1;
    }

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
        // commands that compile or run models need the op registry: fill it while picocli starts up
        if (args.length > 0 && java.util.Set.of("run", "compile", "compare", "inspect", "conformance", "train-aot").contains(args[0]))
            org.ge4j.runtime.CompiledModel.initRegistryInBackground();
        int code;
        try {
            // a plain `ge4j run MODEL [options]` skips picocli's start-up (FastRun); everything else goes through it
            RunCommand fast = args.length > 1 && args[0].equals("run") && !"off".equals(System.getenv("GE4J_FAST_RUN")) ? FastRun.parse(args, 1) : null;
            code = fast != null ? FastRun.execute(fast, new PrintWriter(System.out), new PrintWriter(System.err))
                    : commandLine(args.length > 0 ? args[0] : null).execute(args);
        } catch (Throwable t) { // errors picocli does not handle (OutOfMemoryError, StackOverflowError)
            System.err.println("ge4j: " + message(t));
            if (debug()) t.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }
}
