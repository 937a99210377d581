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
import org.ge4j.ir.Tensor;

/**
 * A Gather of constant indices along a row axis (not the last) moved above the row-wise op that made its
 * input, so that op computes the selected rows only: {@code Gather(op(x, ...))} → {@code op(Gather(x), ...)}.
 * A classifier that reads the first token of a transformer's output (ViT: {@code Gather(LayerNorm(h), 0)})
 * then runs its last layer's LayerNorms, feed-forward GEMMs and residual Adds on one row instead of all.
 *
 * <p>The ops it moves through: {@code ge4j::LayerNormalization} normalising only axes after the gathered one;
 * {@code MatMul} and {@code ge4j::FusedMatMul} (A not transposed) with a constant 2-D B and a bias of at most
 * one dim, the gathered axis being a row or batch axis of A; and {@code Add}, {@code Sub}, {@code Mul},
 * {@code Div} whose inputs either have the output's shape (gathered too) or do not reach the gathered axis
 * (kept). The op's output must feed the Gather only. Repeated by the fixed point, the Gather climbs until
 * an op it cannot cross (the attention block's transposes, a value used elsewhere).
 */
final class GatherPushdown implements FusionPattern {
    private static final Set<String> BINARY = Set.of("Add", "Sub", "Mul", "Div");

    @Override public String name() { return "gather-pushdown"; }

    @Override public Set<String> rootTypes() { return Set.of("Gather"); }

    @Override public int benefit() { return 5; }

    @Override public boolean rewrite(Node gather, Rewriter rw) {
        OutDataAnchor data = gather.inputValue(0), indices = gather.inputValue(1);
        Tensor idx = indices == null ? null : rw.constant(indices);
        if (data == null || idx == null || !idx.dtype().isInteger() || !FusionSupport.isFloat(data)) return false;
        int r = Matchers.rank(data);
        if (r < 2) return false;
        long axis = gather.attrInt("axis", 0);
        if (axis < 0) axis += r;
        if (axis < 0 || axis >= r - 1) return false;
        Node op = data.node();
        if (op == null || Matchers.soleConsumer(data) != gather || op.outputCount() != 1) return false;
        int a = (int) axis;
        List<OutDataAnchor> ins = Matchers.inputs(op);
        List<OutDataAnchor> newIns = new ArrayList<>(ins);
        Map<String, Attr> attrs = new LinkedHashMap<>(op.attrs());
        if (Matchers.isGe4j(op, "LayerNormalization")) {
            if (Matchers.rank(ins.get(0)) != r) return false;
            long lnAxis = op.attrInt("axis", -1);
            if (lnAxis < 0) lnAxis += r;
            if (lnAxis <= a) return false;
            attrs.put("axis", new Attr.Int(lnAxis - r)); // counted from the end: the rank may change
            newIns.set(0, select(gather, ins.get(0), rw));
        } else if (Matchers.is(op, "MatMul") || Matchers.isGe4j(op, "FusedMatMul")) {
            if (op.attrInt("trans_a", 0) != 0 || ins.size() < 2 || ins.get(1) == null || rw.constant(ins.get(1)) == null) return false;
            if (Matchers.rank(ins.get(1)) != 2 || Matchers.rank(ins.get(0)) != r) return false;
            if (ins.size() > 2 && ins.get(2) != null && Matchers.rank(ins.get(2)) > 1) return false;
            newIns.set(0, select(gather, ins.get(0), rw));
        } else if (BINARY.contains(op.type()) && op.domain().isEmpty() && ins.size() == 2) {
            for (int i = 0; i < 2; i++) {
                OutDataAnchor in = ins.get(i);
                if (in == null) return false;
                int ri = Matchers.rank(in);
                if (ri < 0) return false;
                if (ri == r && Matchers.sameKnownShape(in, data)) continue;
                if (ri > r - 1 - a) return false;
            }
            for (int i = 0; i < 2; i++)
                if (Matchers.rank(ins.get(i)) == r) newIns.set(i, select(gather, ins.get(i), rw));
        } else {
            return false;
        }
        Node moved = rw.create(gather.graph(), op.domain(), op.type(), op.name(), newIns, attrs, 1);
        rw.replace(gather.output(0), moved.output(0));
        return true;
    }

    /** A copy of {@code gather} reading {@code in}. */
    private static OutDataAnchor select(Node gather, OutDataAnchor in, Rewriter rw) {
        return rw.create(gather.graph(), gather.domain(), gather.type(), gather.name(), List.of(in, gather.inputValue(1)),
                new LinkedHashMap<>(gather.attrs()), 1).output(0);
    }
}
