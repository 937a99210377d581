package org.ge4j.compiler.simplify;

import java.util.Set;
import org.ge4j.compiler.pattern.Matchers;
import org.ge4j.compiler.pattern.Rewriter;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ops.Trait;

/**
 * A view op (trait VIEW: Reshape, Flatten, Squeeze, Unsqueeze...) whose output has exactly its input's shape
 * (all dims known, symbolic dims by name) is the identity → {@code x}. Also, a view of a view whose final
 * shape is the original input's → {@code x} (views keep the row-major element order).
 */
final class ViewElimination implements SimplifyPattern {
    @Override public String name() { return "view-elimination"; }

    @Override public Set<String> rootTypes() { return Set.of(); }

    @Override public boolean precondition(Node n, Rewriter rw) { return n.outputCount() == 1 && rw.has(n, Trait.VIEW); }

    @Override public boolean rewrite(Node n, Rewriter rw) {
        OutDataAnchor x = n.inputValue(0);
        if (x == null) return false;
        OutDataAnchor y = n.output(0);
        if (x.desc().dtype() == y.desc().dtype() && Matchers.sameKnownShape(x, y)) {
            rw.replace(y, x);
            return true;
        }
        Node inner = x.node();
        if (inner.outputCount() == 1 && rw.has(inner, Trait.VIEW) && inner.inputValue(0) != null) {
            OutDataAnchor orig = inner.inputValue(0);
            if (orig.desc().dtype() == y.desc().dtype() && Matchers.sameKnownShape(orig, y)) {
                rw.replace(y, orig);
                return true;
            }
        }
        return false;
    }
}
