package org.ge4j.compiler.fusion;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ge4j.compiler.pattern.Matchers;
import org.ge4j.compiler.pattern.Rewriter;
import org.ge4j.ir.Attr;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;

/**
 * GELU from its decomposed forms → {@code ge4j::Gelu(x)}:
 * <ul>
 *   <li>{@code gelu-erf}: x * 0.5 * (1 + erf(x / sqrt 2)), erf's argument {@code x / 1.4142...} or {@code x * 0.7071...};
 *   <li>{@code gelu-tanh}: x * 0.5 * (1 + tanh(0.7978... * (x + 0.044715 * x^3))), x^3 as {@code Pow(x, 3)} or products,
 *       giving {@code approximate = "tanh"}.
 * </ul>
 * The three factors x, 0.5 and (1 + ...) may be multiplied in any order and grouping; constants match
 * within 1e-3 relative (exports round them).
 */
final class GeluFusion implements FusionPattern {
    private static final double TOL = 1e-3;
    private final boolean tanh;

    private GeluFusion(boolean tanh) { this.tanh = tanh; }

    static GeluFusion erf() { return new GeluFusion(false); }

    static GeluFusion tanh() { return new GeluFusion(true); }

    @Override public String name() { return tanh ? "gelu-tanh" : "gelu-erf"; }

    @Override public Set<String> rootTypes() { return Set.of(tanh ? "Tanh" : "Erf"); }

    @Override public int benefit() { return 40; }

    @Override public boolean rewrite(Node root, Rewriter rw) {
        OutDataAnchor x = tanh ? tanhArgument(root) : erfArgument(root);
        if (x == null || !FusionSupport.isFloat(x)) return false;
        Node onePlus = FusionSupport.consumer(root.output(0), "Add");
        if (onePlus == null || FusionSupport.otherThanScalar(onePlus, 1.0, TOL) != root.output(0)) return false;
        OutDataAnchor result = halfXTimes(onePlus.output(0), x);
        // the other factors are one-element constants: with equal ranks they cannot broadcast x's shape
        if (result == null || Matchers.rank(x) < 0 || Matchers.rank(result) != Matchers.rank(x)) return false;
        Map<String, Attr> attrs = tanh ? Map.of("approximate", new Attr.Str("tanh")) : Map.of();
        Node gelu = rw.create(root.graph(), Node.GE4J_DOMAIN, "Gelu", result.node().name(), List.of(x), attrs, 1);
        rw.replace(result, gelu.output(0));
        return true;
    }

    /** x for erf(x / sqrt2) or erf(x * (1/sqrt2)), with the scaling node used only by the Erf. */
    private static OutDataAnchor erfArgument(Node erf) {
        Node scale = erf.inputValue(0) == null ? null : erf.inputValue(0).node();
        if (scale == null || !Matchers.onlyUsedBy(scale.output(0), erf)) return null;
        if (Matchers.is(scale, "Div") && Matchers.isScalar(scale.inputValue(1), Math.sqrt(2), TOL)) return scale.inputValue(0);
        if (Matchers.is(scale, "Mul")) return FusionSupport.otherThanScalar(scale, Math.sqrt(0.5), TOL);
        return null;
    }

    /** x for tanh(c * (x + 0.044715 * x^3)), c = sqrt(2/pi), every intermediate used only inside the pattern. */
    private static OutDataAnchor tanhArgument(Node tanhNode) {
        Node outer = tanhNode.inputValue(0) == null ? null : tanhNode.inputValue(0).node();
        if (!Matchers.is(outer, "Mul") || !Matchers.onlyUsedBy(outer.output(0), tanhNode)) return null;
        OutDataAnchor inner = FusionSupport.otherThanScalar(outer, Math.sqrt(2 / Math.PI), TOL);
        Node sum = inner == null ? null : inner.node();
        if (!Matchers.is(sum, "Add") || !Matchers.onlyUsedBy(sum.output(0), outer)) return null;
        for (int side = 0; side < 2; side++) {
            OutDataAnchor x = sum.inputValue(side), cubic = sum.inputValue(1 - side);
            Node k = cubic.node();
            if (!Matchers.is(k, "Mul") || !Matchers.onlyUsedBy(cubic, sum)) continue;
            OutDataAnchor cube = FusionSupport.otherThanScalar(k, 0.044715, TOL);
            if (cube != null && isCube(cube, x)) return x;
        }
        return null;
    }

    /** True when {@code v} is x^3: Pow(x, 3), x * (x * x) or (x * x) * x. */
    private static boolean isCube(OutDataAnchor v, OutDataAnchor x) {
        Node n = v.node();
        if (Matchers.is(n, "Pow")) return n.inputValue(0) == x && Matchers.isScalar(n.inputValue(1), 3, 0);
        if (!Matchers.is(n, "Mul")) return false;
        OutDataAnchor a = n.inputValue(0), b = n.inputValue(1);
        return a == x && isSquare(b, x) || b == x && isSquare(a, x);
    }

    private static boolean isSquare(OutDataAnchor v, OutDataAnchor x) {
        Node n = v.node();
        if (Matchers.is(n, "Pow")) return n.inputValue(0) == x && Matchers.isScalar(n.inputValue(1), 2, 0);
        return Matchers.is(n, "Mul") && n.inputValue(0) == x && n.inputValue(1) == x;
    }

    /**
     * The value equal to x * 0.5 * {@code onePlus} when the graph multiplies the three factors in some order
     * starting from {@code onePlus} (every intermediate used once), else null.
     */
    private static OutDataAnchor halfXTimes(OutDataAnchor onePlus, OutDataAnchor x) {
        Node m1 = FusionSupport.consumer(onePlus, "Mul");
        if (m1 == null) return null;
        OutDataAnchor o = Matchers.other(m1, onePlus);
        if (o == null) return null;
        // (1 + ...) * (x * 0.5)
        if (Matchers.is(o.node(), "Mul") && FusionSupport.otherThanScalar(o.node(), 0.5, TOL) == x) return m1.output(0);
        // ((1 + ...) * x) * 0.5  and  ((1 + ...) * 0.5) * x
        boolean timesX = o == x, timesHalf = Matchers.isScalar(o, 0.5, TOL);
        if (!timesX && !timesHalf) return null;
        Node m2 = FusionSupport.consumer(m1.output(0), "Mul");
        if (m2 == null) return null;
        OutDataAnchor o2 = Matchers.other(m2, m1.output(0));
        if (timesX && Matchers.isScalar(o2, 0.5, TOL) || timesHalf && o2 == x) return m2.output(0);
        return null;
    }
}
