package org.ge4j.compiler.fusion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ge4j.compiler.pattern.Matchers;
import org.ge4j.compiler.pattern.Rewriter;
import org.ge4j.ir.Attr;
import org.ge4j.ir.InDataAnchor;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;

/**
 * Layer normalisation from its decomposed form → {@code ge4j::LayerNormalization(x, gamma, beta)}:
 * <pre>
 *   m = ReduceMean(x, trailing axes); d = x - m; v = ReduceMean(d^2 or d*d, same axes)
 *   y = d / Sqrt(v + eps)            (or d * Reciprocal(Sqrt(v + eps)))
 *   [y = y * gamma] [y = y + beta]
 * </pre>
 * The reduced axes must be the last k axes (keepdims on), every intermediate used only inside the pattern,
 * and gamma and beta must not grow y's shape.
 */
final class LayerNormFusion implements FusionPattern {
    @Override public String name() { return "layer-norm"; }

    @Override public Set<String> rootTypes() { return Set.of("ReduceMean"); }

    @Override public int benefit() { return 50; }

    @Override public boolean rewrite(Node mean, Rewriter rw) {
        OutDataAnchor x = mean.inputValue(0);
        if (x == null || !FusionSupport.isFloat(x) || Matchers.rank(x) < 1) return false;
        int rank = Matchers.rank(x);
        long[] axes = trailingAxes(mean, rank);
        if (axes == null) return false;
        Node sub = FusionSupport.consumer(mean.output(0), "Sub");
        if (sub == null || sub.inputValue(0) != x || sub.inputValue(1) != mean.output(0)) return false;
        OutDataAnchor d = sub.output(0);
        // d feeds exactly the square and the division
        Node square = null, div = null;
        for (InDataAnchor c : d.peers()) {
            Node n = c.node();
            if (n.graph() != mean.graph()) return false;
            if (Matchers.is(n, "Pow") && n.inputValue(0) == d && Matchers.isScalar(n.inputValue(1), 2, 0)
                    || Matchers.is(n, "Mul") && n.inputValue(0) == d && n.inputValue(1) == d) square = n;
            else if ((Matchers.is(n, "Div") || Matchers.is(n, "Mul")) && n.inputValue(0) == d) div = n;
            else return false;
        }
        if (square == null || div == null || mean.graph().isOutput(d)) return false;
        Node varMean = FusionSupport.consumer(square.output(0), "ReduceMean");
        if (varMean == null || !Arrays.equals(trailingAxes(varMean, rank), axes)) return false;
        Node addEps = FusionSupport.consumer(varMean.output(0), "Add");
        if (addEps == null) return false;
        OutDataAnchor epsValue = Matchers.other(addEps, varMean.output(0));
        Double eps = Matchers.scalar(epsValue);
        if (eps == null) return false;
        Node sqrt = FusionSupport.consumer(addEps.output(0), "Sqrt");
        if (sqrt == null) return false;
        if (Matchers.is(div, "Div")) {
            if (div.inputValue(1) != sqrt.output(0) || Matchers.soleConsumer(sqrt.output(0)) != div) return false;
        } else {
            Node recip = FusionSupport.consumer(sqrt.output(0), "Reciprocal");
            if (recip == null || div.inputValue(1) != recip.output(0) || Matchers.soleConsumer(recip.output(0)) != div) return false;
        }
        OutDataAnchor y = div.output(0), gamma = null, beta = null;
        Node mul = FusionSupport.consumer(y, "Mul");
        if (mul != null) {
            OutDataAnchor g = Matchers.other(mul, y);
            if (g != null && g != y && Matchers.sameKnownShape(mul.output(0), x)) {
                gamma = g;
                y = mul.output(0);
            }
        }
        Node add = FusionSupport.consumer(y, "Add");
        if (add != null) {
            OutDataAnchor b = Matchers.other(add, y);
            if (b != null && b != y && Matchers.sameKnownShape(add.output(0), x)) {
                beta = b;
                y = add.output(0);
            }
        }
        if (!Matchers.sameKnownShape(y, x)) return false;
        Map<String, Attr> attrs = new LinkedHashMap<>();
        attrs.put("axis", new Attr.Int(-axes.length));
        attrs.put("epsilon", new Attr.Float(eps.floatValue()));
        List<OutDataAnchor> ins = new ArrayList<>(Arrays.asList(x, gamma, beta));
        while (ins.get(ins.size() - 1) == null) ins.remove(ins.size() - 1);
        Node ln = rw.create(mean.graph(), Node.GE4J_DOMAIN, "LayerNormalization", y.node().name(), ins, attrs, 1);
        rw.replace(y, ln.output(0));
        return true;
    }

    /** The normalised axes of a keepdims ReduceMean when they are exactly the last k axes, else null. */
    private static long[] trailingAxes(Node reduce, int rank) {
        if (reduce.attrInt("keepdims", 1) == 0) return null;
        long[] axes = Matchers.ints(reduce, "axes", 1);
        if (axes == null || axes.length == 0) return null;
        long[] a = new long[axes.length];
        for (int i = 0; i < a.length; i++) a[i] = axes[i] < 0 ? axes[i] + rank : axes[i];
        Arrays.sort(a);
        for (int i = 0; i < a.length; i++) if (a[i] != rank - a.length + i) return null;
        return a;
    }
}
