package org.ge4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ge4j} command. */
@Command(name = "ge4j", mixinStandardHelpOptions = true, version = "ge4j 0.1.0",
        description = "ge4j: a graph compiler and executor for neural networks on the JVM.",
        subcommands = {DemoCommand.class, ConformanceCommand.class})
public final class Main implements Runnable {
    @Override public void run() { CommandLine.usage(this, System.out); }

    public static void main(String[] args) {
        int code = new CommandLine(new Main()).setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("ge4j: " + ex.getMessage());
            if (System.getenv("GE4J_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            return 1;
        }).execute(args);
        System.exit(code);
    }
}
