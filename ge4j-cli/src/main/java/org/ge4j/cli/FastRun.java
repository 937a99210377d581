package org.ge4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ge4j run} without picocli, for plain arguments (a model and the run options, each once and well-formed):
 * picocli reads every option's annotations reflectively, makes a proxy class per annotation type and registers its
 * converters (java.time, java.sql), about 150 ms of a cold start of which a run of a small model is a third. Anything
 * else (help, version, an unknown or malformed option, a second model) returns null and picocli parses it as always,
 * with its messages. {@code FastRunTest} checks that both parse alike and that every option of {@link RunCommand}
 * is handled here.
 */
final class FastRun {
    private FastRun() {}

    /** The {@code run} command for {@code args} (after "run"), or null when picocli must parse them. */
    static RunCommand parse(String[] args, int from) {
        RunCommand c = new RunCommand();
        c.input = new InputOptions();
        c.input.seed = Long.parseLong(InputOptions.DEFAULT_SEED); // the defaultValue of each option, as picocli sets it
        c.input.intRange = InputOptions.DEFAULT_INT_RANGE;
        c.first = Integer.parseInt(RunCommand.DEFAULT_FIRST);
        List<String> seen = new ArrayList<>();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-")) {
                if (c.model != null) return null;
                c.model = Path.of(a);
                continue;
            }
            int eq = a.indexOf('=');
            String name = eq < 0 ? a : a.substring(0, eq), value;
            if (eq >= 0) value = a.substring(eq + 1);
            else if (i + 1 < args.length && !args[i + 1].startsWith("-")) value = args[++i];
            else return null;
            if (!name.equals("--input") && seen.contains(name)) return null;
            seen.add(name);
            try {
                switch (name) {
                    case "--input" -> c.input.inputs.add(value);
                    case "--input-shape", "--input_shape" -> {
                        if (c.input.inputShape != null) return null;
                        c.input.inputShape = value;
                    }
                    case "--seed" -> c.input.seed = Long.parseLong(value);
                    case "--int-range" -> c.input.intRange = value;
                    case "--output-dir" -> c.outputDir = Path.of(value);
                    case "--first" -> c.first = Integer.parseInt(value);
                    case "--warmup" -> c.warmUp = value;
                    default -> { return null; }
                }
            } catch (RuntimeException e) {
                return null; // picocli says what is wrong
            }
        }
        return c.model == null ? null : c;
    }

    /** Runs {@code c} as picocli would: its exit code, errors as one line on {@code err} (see {@link Main}). */
    static int execute(RunCommand c, PrintWriter out, PrintWriter err) {
        c.out = out;
        try {
            return c.call();
        } catch (Exception e) {
            return Main.report(e, err);
        } finally {
            out.flush();
        }
    }
}
