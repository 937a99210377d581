package org.ge4j.compiler.pattern;

import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/** Facts about nodes the passes share, read from the op registry's traits (never from op names). */
public final class OpFacts {
    private OpFacts() {}

    public static boolean has(Node n, Trait t, OpRegistry r) {
        OpSchema s = r.schemaFor(n);
        return s != null && s.has(t);
    }

    /** Deterministic and free of side effects, with no subgraphs: may be folded, merged or removed. */
    public static boolean isPure(Node n, OpRegistry r) {
        OpSchema s = r.schemaFor(n);
        return s != null && s.has(Trait.PURE) && !s.has(Trait.RANDOM) && n.subgraphs().isEmpty();
    }

    /** May be removed when none of its outputs is used: pure or random ops (and subgraph holders of those). */
    public static boolean isRemovableWhenUnused(Node n, OpRegistry r) {
        if (n.isData()) return false;
        OpSchema s = r.schemaFor(n);
        if (s == null) return false;
        if (!(s.has(Trait.PURE) || s.has(Trait.RANDOM))) return false;
        for (Graph sub : n.subgraphs()) for (Node m : sub.nodes()) if (!m.isData() && !isRemovableWhenUnused(m, r)) return false;
        return true;
    }

    /** True when no output of {@code n} is consumed or is a graph output. */
    public static boolean isUnused(Node n) {
        for (OutDataAnchor o : n.outputs()) if (o.isUsed()) return false;
        return true;
    }

    /** The compile-time value of {@code a} (the output of a {@code Constant} node), or null. */
    public static Tensor constant(OutDataAnchor a) { return a == null ? null : GraphInference.constantValue(a); }

    /** True when {@code n} is an ONNX {@code Constant} node. */
    public static boolean isConstantNode(Node n) { return n.domain().isEmpty() && n.type().equals("Constant"); }
}
