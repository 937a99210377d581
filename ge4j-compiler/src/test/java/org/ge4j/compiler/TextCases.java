package org.ge4j.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import org.ge4j.compiler.pass.Pass;
import org.ge4j.compiler.pass.PassContext;
import org.ge4j.compiler.passes.ShapeInferencePass;
import org.ge4j.ir.Graph;
import org.ge4j.ir.text.GraphEquality;
import org.ge4j.ir.text.GraphPrinter;
import org.ge4j.ir.text.GraphTextParser;

/**
 * Before/after text tests of passes (STYLE.md 9-10): the "before" graph is parsed from the IR text form,
 * its shapes inferred, the pass run with the verifier on; the result must equal the "after" text
 * structurally ({@link GraphEquality}, after shape inference on it too, so types need only be written on
 * inputs), and must compute the same outputs as "before" on seeded random inputs.
 */
public final class TextCases {
    private TextCases() {}

    /** Parses and infers shapes. */
    public static Graph graph(String text) {
        Graph g = GraphTextParser.parse(text);
        new ShapeInferencePass().run(g, new PassContext(PassTests.options()));
        return g;
    }

    /** Runs {@code pass} on {@code before} and checks the result against {@code after}, structurally and numerically. */
    public static Graph assertRewrites(Pass pass, String before, String after) {
        Graph g = graph(before);
        PassTests.runPass(pass, g);
        Graph expected = graph(after);
        assertThat(GraphEquality.diff(expected, g)).as("pass '%s' produced:%n%s", pass.name(), GraphPrinter.print(g)).isEmpty();
        PassTests.assertSameOutputs(graph(before), g, 31);
        return g;
    }

    /** Checks that {@code pass} leaves {@code text} unchanged (and says so). */
    public static void assertUnchanged(Pass pass, String text) {
        Graph g = graph(text);
        assertThat(PassTests.runPass(pass, g)).as("pass '%s' reported a change", pass.name()).isFalse();
        assertThat(GraphEquality.diff(graph(text), g)).isEmpty();
    }
}
