package org.ge4j.compiler.simplify;

import java.util.Set;
import org.ge4j.compiler.pattern.Matchers;
import org.ge4j.compiler.pattern.OpFacts;
import org.ge4j.compiler.pattern.Rewriter;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;

/**
 * Arithmetic with a neutral constant → the other operand: {@code x + 0}, {@code 0 + x}, {@code x - 0},
 * {@code x * 1}, {@code 1 * x}, {@code x / 1}, {@code x ^ 1}, when the result has x's type and exactly x's
 * shape (the constant does not broadcast x to something bigger).
 */
final class NeutralElementElimination implements SimplifyPattern {
    @Override public String name() { return "neutral-elimination"; }

    @Override public Set<String> rootTypes() { return Set.of("Add", "Sub", "Mul", "Div", "Pow"); }

    @Override public boolean rewrite(Node n, Rewriter rw) {
        if (n.inputCount() != 2 || n.inputValue(0) == null || n.inputValue(1) == null) return false;
        double neutral = switch (n.type()) {
            case "Add", "Sub" -> 0;
            default -> 1;
        };
        boolean commutes = n.type().equals("Add") || n.type().equals("Mul");
        for (int side = 0; side < (commutes ? 2 : 1); side++) {
            OutDataAnchor x = n.inputValue(side), c = n.inputValue(1 - side);
            if (isAll(OpFacts.constant(c), neutral) && x.desc().dtype() == n.output(0).desc().dtype() && Matchers.sameKnownShape(x, n.output(0))) {
                rw.replace(n.output(0), x);
                return true;
            }
        }
        return false;
    }

    private static boolean isAll(Tensor t, double v) {
        if (t == null || !(t.dtype().isFloatingPoint() || t.dtype().isInteger())) return false;
        for (long i = 0; i < t.size(); i++) if (t.getScalarDouble(i) != v) return false;
        return true;
    }
}
