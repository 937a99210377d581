package org.ge4j.compiler.simplify;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ge4j.compiler.pattern.Rewriter;
import org.ge4j.ir.Attr;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.Trait;

/**
 * {@code Reshape(view(x), s)} → {@code Reshape(x, s)} where view is any view op (Reshape, Flatten, Squeeze,
 * Unsqueeze): the element order is the same. Kept only when {@code s} does not copy dims from its input
 * (no 0 entries with allowzero=0); otherwise, when the result's shape is static, that shape is used.
 */
final class ReshapeChain implements SimplifyPattern {
    @Override public String name() { return "reshape-chain"; }

    @Override public Set<String> rootTypes() { return Set.of("Reshape"); }

    @Override public boolean rewrite(Node outer, Rewriter rw) {
        OutDataAnchor mid = outer.inputValue(0), shape = outer.inputValue(1);
        if (mid == null || shape == null) return false;
        Node inner = mid.node();
        if (inner.isData() || inner.outputCount() != 1 || !rw.has(inner, Trait.VIEW) || inner.inputValue(0) == null) return false;
        OutDataAnchor x = inner.inputValue(0);
        Tensor s = rw.constant(shape);
        boolean copiesDims = false;
        if (outer.attrInt("allowzero", 0) == 0) {
            if (s == null) return false;
            for (long d : s.toLongArray()) copiesDims |= d == 0;
        }
        if (copiesDims) {
            Shape out = outer.output(0).desc().shape();
            if (!out.isStatic()) return false;
            long[] dims = out.toArray();
            shape = rw.constant(outer.graph(), outer.name() + "_shape", Tensor.of(dims, dims.length));
        }
        Map<String, Attr> attrs = outer.hasAttr("allowzero") ? Map.of("allowzero", outer.attr("allowzero")) : Map.of();
        OutDataAnchor r = rw.op(outer.graph(), "Reshape", outer.name(), List.of(x, shape), attrs);
        rw.replace(outer.output(0), r);
        return true;
    }
}
