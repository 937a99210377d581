package org.ge4j.compiler.simplify;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ge4j.compiler.pattern.Matchers;
import org.ge4j.compiler.pattern.Rewriter;
import org.ge4j.ir.Attr;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;

/** {@code Transpose(Transpose(x, p1), p2)} → {@code Transpose(x, p1∘p2)}, or {@code x} when that is the identity. */
final class TransposeChain implements SimplifyPattern {
    @Override public String name() { return "transpose-chain"; }

    @Override public Set<String> rootTypes() { return Set.of("Transpose"); }

    @Override public boolean rewrite(Node outer, Rewriter rw) {
        Node inner = Matchers.producer(outer.inputValue(0), "Transpose");
        if (inner == null || inner.inputValue(0) == null) return false;
        OutDataAnchor x = inner.inputValue(0);
        int rank = Matchers.rank(x);
        long[] p1 = Perms.of(inner, rank), p2 = Perms.of(outer, rank < 0 ? -1 : rank);
        if (p1 == null || p2 == null) return false;
        long[] p = Perms.compose(p1, p2);
        if (p == null) return false;
        if (Perms.isIdentity(p)) {
            rw.replace(outer.output(0), x);
            return true;
        }
        OutDataAnchor t = rw.op(outer.graph(), "Transpose", outer.name(), List.of(x), Map.of("perm", new Attr.Ints(p)));
        rw.replace(outer.output(0), t);
        return true;
    }
}
