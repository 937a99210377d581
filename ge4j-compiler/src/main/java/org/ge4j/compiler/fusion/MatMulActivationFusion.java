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
 * An activation after a matrix product that has none yet → one {@code ge4j::FusedMatMul}:
 * {@code act(ge4j::FusedMatMul(...))} with no activation, and {@code act(Gemm(a, b, c))} with beta = 1 (or no
 * C), whose alpha, transA and transB carry over.
 */
final class MatMulActivationFusion implements FusionPattern {
    @Override public String name() { return "matmul-activation"; }

    @Override public Set<String> rootTypes() { return Set.of("ge4j::FusedMatMul", "Gemm"); }

    @Override public int benefit() { return 10; }

    @Override public boolean rewrite(Node mm, Rewriter rw) {
        if (!FusionSupport.isFloat(mm.output(0))) return false;
        Node actNode = Matchers.soleConsumer(mm.output(0));
        FusionSupport.Act act = FusionSupport.activation(actNode);
        if (act == null) return false;
        Map<String, Attr> attrs = new LinkedHashMap<>();
        List<OutDataAnchor> ins = new ArrayList<>(Matchers.inputs(mm));
        if (Matchers.isGe4j(mm, "FusedMatMul")) {
            if (!mm.attrString("activation", "").isEmpty()) return false;
            attrs.putAll(mm.attrs());
        } else {
            boolean hasC = mm.inputCount() > 2 && mm.inputValue(2) != null;
            if (hasC && mm.attrFloat("beta", 1f) != 1f || mm.attrInt("broadcast", 1) == 0) return false;
            attrs.put("trans_a", new Attr.Int(mm.attrInt("transA", 0)));
            attrs.put("trans_b", new Attr.Int(mm.attrInt("transB", 0)));
            attrs.put("alpha", new Attr.Float(mm.attrFloat("alpha", 1f)));
        }
        act.into(attrs);
        Node fused = rw.create(mm.graph(), Node.GE4J_DOMAIN, "FusedMatMul", mm.name(), ins, attrs, 1);
        rw.replace(actNode.output(0), fused.output(0));
        return true;
    }
}
