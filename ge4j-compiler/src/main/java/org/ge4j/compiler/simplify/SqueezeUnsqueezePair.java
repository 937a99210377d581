package org.ge4j.compiler.simplify;

import java.util.Arrays;
import java.util.Set;
import org.ge4j.compiler.pattern.Matchers;
import org.ge4j.compiler.pattern.Rewriter;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;

/**
 * {@code Squeeze(Unsqueeze(x, a), a)} → {@code x}, and {@code Unsqueeze(Squeeze(x, a), a)} → {@code x}
 * (Squeeze succeeded, so x had size 1 at those axes). Axes come from the attribute (before opset 13) or the
 * constant second input, and are compared normalised against the rank both refer to.
 */
final class SqueezeUnsqueezePair implements SimplifyPattern {
    @Override public String name() { return "squeeze-unsqueeze"; }

    @Override public Set<String> rootTypes() { return Set.of("Squeeze", "Unsqueeze"); }

    @Override public boolean rewrite(Node outer, Rewriter rw) {
        String innerType = outer.type().equals("Squeeze") ? "Unsqueeze" : "Squeeze";
        Node inner = Matchers.producer(outer.inputValue(0), innerType);
        if (inner == null || inner.inputValue(0) == null) return false;
        OutDataAnchor x = inner.inputValue(0), mid = outer.inputValue(0);
        int midRank = Matchers.rank(mid);
        long[] a = Matchers.ints(inner, "axes", 1), b = Matchers.ints(outer, "axes", 1);
        if (a == null || b == null || midRank < 0) return false; // Squeeze without axes squeezes every 1: needs shapes, handled by view-elimination
        // Unsqueeze then Squeeze: both ops' axes refer to the value between them (Unsqueeze's output, Squeeze's
        // input); Squeeze then Unsqueeze: both refer to x's rank (Squeeze's input, Unsqueeze's output)
        int rank = outer.type().equals("Squeeze") ? midRank : midRank + a.length;
        if (!Arrays.equals(normalize(a, rank), normalize(b, rank))) return false;
        rw.replace(outer.output(0), x);
        return true;
    }

    private static long[] normalize(long[] axes, int rank) {
        long[] r = new long[axes.length];
        for (int i = 0; i < axes.length; i++) r[i] = axes[i] < 0 ? axes[i] + rank : axes[i];
        Arrays.sort(r);
        return r;
    }
}
