package org.ge4j.compiler.simplify;

import java.util.Set;
import org.ge4j.compiler.pattern.Matchers;
import org.ge4j.compiler.pattern.Rewriter;
import org.ge4j.ir.Node;

/** {@code Transpose(x, perm)} with the identity permutation → {@code x}. */
final class TransposeElimination implements SimplifyPattern {
    @Override public String name() { return "transpose-elimination"; }

    @Override public Set<String> rootTypes() { return Set.of("Transpose"); }

    @Override public boolean rewrite(Node n, Rewriter rw) {
        if (n.inputValue(0) == null) return false;
        long[] perm = Perms.of(n, Matchers.rank(n.inputValue(0)));
        if (perm == null || !Perms.isIdentity(perm)) return false;
        rw.replace(n.output(0), n.inputValue(0));
        return true;
    }
}
