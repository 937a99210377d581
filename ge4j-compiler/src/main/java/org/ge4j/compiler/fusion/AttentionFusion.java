package org.ge4j.compiler.fusion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ge4j.compiler.pattern.Matchers;
import org.ge4j.compiler.pattern.Rewriter;
import org.ge4j.ir.Attr;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;

/**
 * Scaled dot-product attention → {@code ge4j::Attention(Q, K, V, mask)}:
 * <pre>
 *   s = MatMul(Q, Kt); [s = s / c or s * c]; [s = s + mask]; p = Softmax(s, last axis); y = MatMul(p, V)
 * </pre>
 * c is a one-element constant (scale = 1/c or c); constant scalings of Q or Kt before the product (Q / c,
 * Q * c) are folded into the scale too. When Kt is {@code Transpose(K)} swapping the last two
 * axes, K itself is passed ({@code k_transposed = 0}); otherwise Kt is passed with {@code k_transposed = 1}.
 * Every intermediate must be used only inside the pattern; the mask must not grow the scores' shape.
 */
final class AttentionFusion implements FusionPattern {
    @Override public String name() { return "attention"; }

    @Override public Set<String> rootTypes() { return Set.of("Softmax"); }

    @Override public int benefit() { return 100; }

    @Override public boolean rewrite(Node softmax, Rewriter rw) {
        OutDataAnchor s = softmax.inputValue(0);
        if (s == null || !FusionSupport.isFloat(s)) return false;
        int rank = Matchers.rank(s);
        if (rank < 2) return false;
        long axis = softmax.attrInt("axis", softmax.graph().opset("") >= 13 || softmax.graph().opset("") < 0 ? -1 : 1);
        if ((axis < 0 ? axis + rank : axis) != rank - 1) return false;
        Node pv = FusionSupport.consumer(softmax.output(0), "MatMul");
        if (pv == null || pv.inputValue(0) != softmax.output(0) || pv.inputValue(1) == null) return false;
        OutDataAnchor v = pv.inputValue(1);

        OutDataAnchor scores = s, mask = null;
        Node n = s.node();
        if (Matchers.is(n, "Add") && Matchers.onlyUsedBy(s, softmax)) {
            for (int side = 0; side < 2 && mask == null; side++) {
                OutDataAnchor a = n.inputValue(side), b = n.inputValue(1 - side);
                if (a != null && b != null && a != b && leadsToQk(a, n) && Matchers.sameKnownShape(s, a)) {
                    scores = a;
                    mask = b;
                }
            }
            if (mask == null) return false;
        }
        Node consumerOfScores = mask != null ? n : softmax;
        double scale = 1;
        Node sn = scores.node();
        OutDataAnchor qk = scores;
        if ((Matchers.is(sn, "Div") || Matchers.is(sn, "Mul")) && Matchers.onlyUsedBy(scores, consumerOfScores)) {
            OutDataAnchor other;
            Double c;
            if (Matchers.is(sn, "Div")) {
                other = sn.inputValue(0);
                c = Matchers.scalar(sn.inputValue(1));
                if (c != null) c = 1 / c;
            } else {
                Double c1 = Matchers.scalar(sn.inputValue(1)), c0 = Matchers.scalar(sn.inputValue(0));
                other = c1 != null ? sn.inputValue(0) : sn.inputValue(1);
                c = c1 != null ? c1 : c0;
            }
            if (c == null || !isQk(other, sn)) return false;
            scale = c;
            qk = other;
            consumerOfScores = sn;
        }
        if (!isQk(qk, consumerOfScores)) return false;
        Node mm = qk.node();
        OutDataAnchor q = mm.inputValue(0), kt = mm.inputValue(1);
        // exporters often scale Q (or Q and K) before the product: fold those constants into the scale
        Scaled sq = scaled(q, mm), sk = scaled(kt, mm);
        if (sq != null) {
            q = sq.base();
            scale *= sq.factor();
        }
        if (sk != null) {
            kt = sk.base();
            scale *= sk.factor();
        }
        OutDataAnchor k = kt;
        long kTransposed = 1;
        Node t = Matchers.producer(kt, "Transpose");
        if (t != null && swapsLastTwo(t.attrInts("perm", null), Matchers.rank(kt))) {
            k = t.inputValue(0);
            kTransposed = 0;
        }
        if (Matchers.rank(q) < 2 || Matchers.rank(k) < 2 || Matchers.rank(v) < 2) return false;
        Map<String, Attr> attrs = new LinkedHashMap<>();
        attrs.put("scale", new Attr.Float((float) scale));
        attrs.put("k_transposed", new Attr.Int(kTransposed));
        List<OutDataAnchor> ins = new ArrayList<>(List.of(q, k, v));
        if (mask != null) ins.add(mask);
        Node att = rw.create(softmax.graph(), Node.GE4J_DOMAIN, "Attention", pv.name(), ins, attrs, 1);
        rw.replace(pv.output(0), att.output(0));
        return true;
    }

    /** {@code base * factor}: a value scaled by a one-element constant. */
    private record Scaled(OutDataAnchor base, double factor) {}

    /** {@code a} as Div(base, c), Mul(base, c) or Mul(c, base) used only by {@code user}, else null. */
    private static Scaled scaled(OutDataAnchor a, Node user) {
        Node n = a == null ? null : a.node();
        if (n == null || n.inputCount() != 2 || !Matchers.onlyUsedBy(a, user)) return null;
        if (Matchers.is(n, "Div")) {
            Double c = Matchers.scalar(n.inputValue(1));
            return c == null || c == 0 || Matchers.scalar(n.inputValue(0)) != null ? null : new Scaled(n.inputValue(0), 1 / c);
        }
        if (Matchers.is(n, "Mul")) {
            Double c1 = Matchers.scalar(n.inputValue(1)), c0 = Matchers.scalar(n.inputValue(0));
            if (c1 != null && c0 == null) return new Scaled(n.inputValue(0), c1);
            if (c0 != null && c1 == null) return new Scaled(n.inputValue(1), c0);
        }
        return null;
    }

    /** True when {@code a} is a MatMul output used only by {@code user}. */
    private static boolean isQk(OutDataAnchor a, Node user) {
        return a != null && Matchers.is(a.node(), "MatMul") && Matchers.onlyUsedBy(a, user) && a.node().inputValue(0) != null && a.node().inputValue(1) != null;
    }

    /** True when {@code a} is Q@Kt, possibly scaled by a constant, feeding {@code user}. */
    private static boolean leadsToQk(OutDataAnchor a, Node user) {
        if (isQk(a, user)) return true;
        Node n = a.node();
        if (!(Matchers.is(n, "Div") || Matchers.is(n, "Mul")) || !Matchers.onlyUsedBy(a, user)) return false;
        return isQk(n.inputValue(0), n) || Matchers.is(n, "Mul") && isQk(n.inputValue(1), n);
    }

    private static boolean swapsLastTwo(long[] perm, int rank) {
        if (perm == null || perm.length != rank || rank < 2) return false;
        for (int i = 0; i < rank - 2; i++) if (perm[i] != i) return false;
        return perm[rank - 2] == rank - 1 && perm[rank - 1] == rank - 2;
    }
}
