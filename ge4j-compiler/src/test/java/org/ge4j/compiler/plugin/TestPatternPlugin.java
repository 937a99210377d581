package org.ge4j.compiler.plugin;

import java.util.List;
import java.util.Set;
import org.ge4j.compiler.PatternProvider;
import org.ge4j.compiler.pattern.Matchers;
import org.ge4j.compiler.pattern.Pattern;
import org.ge4j.compiler.pattern.Rewriter;
import org.ge4j.ir.Node;

/**
 * A pattern plugin defined only in test code and found by ServiceLoader
 * (src/test/resources/META-INF/services/org.ge4j.compiler.PatternProvider): proves users can add rewrites
 * without touching ge4j. Its pattern removes double negation, {@code Neg(Neg(x))} → {@code x}.
 */
public final class TestPatternPlugin implements PatternProvider {
    @Override public String name() { return "test-plugin"; }

    @Override public List<Pattern> patterns() { return List.of(new DoubleNegation()); }

    /** {@code Neg(Neg(x))} → {@code x}. */
    public static final class DoubleNegation implements Pattern {
        @Override public String name() { return "double-negation"; }

        @Override public Set<String> rootTypes() { return Set.of("Neg"); }

        @Override public boolean rewrite(Node outer, Rewriter rw) {
            Node inner = Matchers.producer(outer.inputValue(0), "Neg");
            if (inner == null) return false;
            rw.replace(outer.output(0), inner.inputValue(0));
            return true;
        }
    }
}
