package org.ge4j.compiler.simplify;

import java.util.Set;
import org.ge4j.compiler.pattern.Rewriter;
import org.ge4j.ir.Node;

/** {@code Identity(x)} → {@code x}. */
final class IdentityElimination implements SimplifyPattern {
    @Override public String name() { return "identity-elimination"; }

    @Override public Set<String> rootTypes() { return Set.of("Identity"); }

    @Override public boolean rewrite(Node n, Rewriter rw) {
        if (n.inputValue(0) == null || n.outputCount() != 1) return false;
        rw.replace(n.output(0), n.inputValue(0));
        return true;
    }
}
