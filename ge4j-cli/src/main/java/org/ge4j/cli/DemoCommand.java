package org.ge4j.cli;

import picocli.CommandLine.Command;

/** Builds a small graph with the Graph API, runs it with the reference interpreter, prints the result. */
@Command(name = "demo", description = "Build a small graph with the Graph API, run it, print the result.")
public final class DemoCommand implements Runnable {
    @Override public void run() {
        System.out.println("demo: not yet");
    }
}
