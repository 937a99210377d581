package org.ge4j.compiler.fusion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ge4j.compiler.pattern.Matchers;
import org.ge4j.compiler.pattern.OpFacts;
import org.ge4j.compiler.pattern.Rewriter;
import org.ge4j.ir.Attr;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;

/**
 * {@code act(MatMul(a, b) + bias)}, {@code MatMul(a, b) + bias} or {@code act(MatMul(a, b))} →
 * {@code ge4j::FusedMatMul(a, b, bias)} (act: Relu, Gelu, LeakyRelu, Clip, Sigmoid, Tanh). The bias must be
 * a constant or 1-D (a bias vector, not an attention mask) and must not grow the product's shape.
 */
final class MatMulAddFusion implements FusionPattern {
    @Override public String name() { return "matmul-add"; }

    @Override public Set<String> rootTypes() { return Set.of("MatMul"); }

    @Override public int benefit() { return 10; }

    @Override public boolean precondition(Node mm, Rewriter rw) {
        return mm.inputCount() == 2 && mm.inputValue(0) != null && mm.inputValue(1) != null && FusionSupport.isFloat(mm.output(0));
    }

    @Override public boolean rewrite(Node mm, Rewriter rw) {
        OutDataAnchor y = mm.output(0), bias = null;
        Node last = mm;
        Node add = FusionSupport.consumer(y, "Add");
        if (add != null) {
            OutDataAnchor b = Matchers.other(add, y);
            if (b != null && b != y && (OpFacts.constant(b) != null || Matchers.rank(b) == 1) && Matchers.sameKnownShape(add.output(0), y)) {
                bias = b;
                last = add;
            }
        }
        Node actNode = Matchers.soleConsumer(last.output(0));
        FusionSupport.Act act = FusionSupport.activation(actNode);
        if (act != null) last = actNode;
        if (bias == null && act == null) return false;
        Map<String, Attr> attrs = new LinkedHashMap<>();
        if (act != null) act.into(attrs);
        List<OutDataAnchor> ins = new ArrayList<>(List.of(mm.inputValue(0), mm.inputValue(1)));
        if (bias != null) ins.add(bias);
        Node fused = rw.create(mm.graph(), Node.GE4J_DOMAIN, "FusedMatMul", mm.name(), ins, attrs, 1);
        rw.replace(last.output(0), fused.output(0));
        return true;
    }
}
