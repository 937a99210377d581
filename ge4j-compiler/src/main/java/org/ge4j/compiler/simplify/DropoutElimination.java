package org.ge4j.compiler.simplify;

import java.util.Set;
import org.ge4j.compiler.pattern.OpFacts;
import org.ge4j.compiler.pattern.Rewriter;
import org.ge4j.ir.Node;
import org.ge4j.ir.Tensor;

/**
 * {@code Dropout(x)} at inference → {@code x}: when its mask output is unused and it is not in training mode
 * ({@code training_mode} absent or a constant false; before opset 7, {@code is_test} set).
 */
final class DropoutElimination implements SimplifyPattern {
    @Override public String name() { return "dropout-elimination"; }

    @Override public Set<String> rootTypes() { return Set.of("Dropout"); }

    @Override public boolean rewrite(Node n, Rewriter rw) {
        if (n.inputValue(0) == null) return false;
        for (int i = 1; i < n.outputCount(); i++) if (n.output(i).isUsed()) return false;
        if (n.inputCount() > 2 && n.inputValue(2) != null) {
            Tensor t = OpFacts.constant(n.inputValue(2));
            if (t == null || t.size() != 1 || t.getScalarLong(0) != 0) return false;
        }
        int opset = n.graph().opset("");
        if (opset >= 0 && opset < 7 && n.attrInt("is_test", 0) == 0) return false;
        rw.replace(n.output(0), n.inputValue(0));
        return true;
    }
}
