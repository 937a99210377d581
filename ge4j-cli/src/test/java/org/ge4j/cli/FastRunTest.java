package org.ge4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code ge4j run} parsed without picocli ({@link FastRun}) ends with the same command as picocli's parse, or with none. */
class FastRunTest {
    private static RunCommand picocli(String... args) {
        CommandLine cl = Main.commandLine("run");
        CommandLine.ParseResult r = cl.parseArgs(args);
        return (RunCommand) r.subcommand().commandSpec().userObject();
    }

    private static RunCommand fast(String... args) { return FastRun.parse(args, 1); }

    private static void assertSame(RunCommand a, RunCommand b) {
        assertThat(b.model).isEqualTo(a.model);
        assertThat(b.outputDir).isEqualTo(a.outputDir);
        assertThat(b.first).isEqualTo(a.first);
        assertThat(b.warmUp).isEqualTo(a.warmUp);
        assertThat(b.input.inputs).isEqualTo(a.input.inputs);
        assertThat(b.input.inputShape).isEqualTo(a.input.inputShape);
        assertThat(b.input.seed).isEqualTo(a.input.seed);
        assertThat(b.input.intRange).isEqualTo(a.input.intRange);
    }

    @Test void parsesLikePicocli() {
        for (String[] args : List.of(
                new String[] {"run", "m.om"},
                new String[] {"run", "--warmup=off", "m.om"},
                new String[] {"run", "m.om", "--warmup", "blocking", "--seed=7", "--first", "3"},
                new String[] {"run", "m.onnx", "--input", "x=a.npy", "--input=y=b.pb", "--input_shape=x:2,4", "--int-range=1,5", "--output-dir", "out"},
                new String[] {"run", "--input-shape", "ids:2,64", "m.om", "--seed=-3"})) {
            RunCommand f = fast(args);
            assertThat(f).as(String.join(" ", args)).isNotNull();
            assertSame(picocli(args), f);
        }
    }

    @Test void leavesEverythingElseToPicocli() {
        for (String[] args : List.of(
                new String[] {"run"}, new String[] {"run", "--help"}, new String[] {"run", "-h"}, new String[] {"run", "-V"},
                new String[] {"run", "a.om", "b.om"}, new String[] {"run", "m.om", "--seed"}, new String[] {"run", "m.om", "--seed=x"},
                new String[] {"run", "m.om", "--first=1", "--first=2"}, new String[] {"run", "m.om", "--bogus=1"},
                new String[] {"run", "m.om", "--input-shape=a:1", "--input_shape=b:2"}, new String[] {"run", "--", "m.om"}))
            assertThat(fast(args)).as(String.join(" ", args)).isNull();
    }

    /** Every option picocli knows for {@code run} (but help and version) is one FastRun handles too. */
    @Test void handlesEveryOptionOfTheCommand() {
        List<Field> fields = new ArrayList<>(List.of(RunCommand.class.getDeclaredFields()));
        fields.addAll(List.of(InputOptions.class.getDeclaredFields()));
        int options = 0;
        for (Field f : fields) {
            Option o = f.getAnnotation(Option.class);
            if (o == null) continue;
            for (String name : o.names()) {
                String value = f.getType() == long.class || f.getType() == int.class ? "3" : name.equals("--int-range") ? "1,2" : "v";
                assertThat(fast("run", "m.om", name + "=" + value)).as(name).isNotNull();
                assertSame(picocli("run", "m.om", name + "=" + value), fast("run", "m.om", name + "=" + value));
                options++;
            }
        }
        assertThat(options).isGreaterThanOrEqualTo(8);
    }
}
