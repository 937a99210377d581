package org.ge4j.compiler.simplify;

import java.util.Set;
import org.ge4j.compiler.pattern.Rewriter;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;

/** {@code Cast(x, to=T)} and {@code CastLike(x, y)} where x already has type T → {@code x}. */
final class CastElimination implements SimplifyPattern {
    @Override public String name() { return "cast-elimination"; }

    @Override public Set<String> rootTypes() { return Set.of("Cast", "CastLike"); }

    @Override public boolean rewrite(Node n, Rewriter rw) {
        OutDataAnchor x = n.inputValue(0);
        if (x == null) return false;
        DataType from = x.desc().dtype(), to = n.output(0).desc().dtype();
        if (from == DataType.UNDEFINED || from != to) return false;
        rw.replace(n.output(0), x);
        return true;
    }
}
