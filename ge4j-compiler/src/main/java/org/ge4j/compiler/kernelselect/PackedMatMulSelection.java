package org.ge4j.compiler.kernelselect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ge4j.compiler.pattern.Pattern;
import org.ge4j.compiler.pattern.Rewriter;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.packed.PackedBias;
import org.ge4j.ops.packed.PackedLayout;
import org.ge4j.ops.packed.PackedMatMulOp;

/**
 * MatMul / Gemm / {@code ge4j::FusedMatMul} with a constant 2-D float B → {@code ge4j::PackedMatMul} whose B
 * is a new constant holding B packed in panels of {@code nr} columns (a transposed B is packed as its
 * transpose, so transB disappears). Kept: a transposed A ({@code trans_a}), alpha, Gemm's C with beta (as
 * the bias), FusedMatMul's bias and activation. Declined: non-float products, a bias whose broadcast the
 * vector epilogue cannot apply. One packed copy per (weight, transposition) is shared by all its users.
 */
final class PackedMatMulSelection implements Pattern {
    static final String NAME = "packed-matmul";

    private final int nr;
    private final Map<OutDataAnchor, OutDataAnchor> packed = new HashMap<>(), packedTransposed = new HashMap<>();

    PackedMatMulSelection(int nr) { this.nr = nr; }

    @Override public String name() { return NAME; }

    @Override public String pass() { return KernelSelection.NAME; }

    @Override public Set<String> rootTypes() { return Set.of("MatMul", "Gemm", Node.GE4J_DOMAIN + "::FusedMatMul"); }

    @Override public boolean precondition(Node n, Rewriter rw) {
        return n.inputCount() >= 2 && n.inputValue(0) != null && n.inputValue(1) != null && n.outputCount() == 1
                && n.output(0).desc().dtype() == DataType.FLOAT && n.inputValue(0).desc().dtype() == DataType.FLOAT;
    }

    @Override public boolean rewrite(Node n, Rewriter rw) {
        OutDataAnchor a = n.inputValue(0), b = n.inputValue(1);
        Tensor w = rw.constant(b);
        if (w == null || w.dtype() != DataType.FLOAT || w.rank() != 2 || w.size() == 0) return false;
        Shape as = a.desc().shape();
        if (as.hasRank() && as.rank() == 0) return false;
        boolean gemm = n.domain().isEmpty() && n.type().equals("Gemm"), fused = n.domain().equals(Node.GE4J_DOMAIN);
        boolean ta = false, tb = false;
        float alpha = 1f, beta = 1f;
        OutDataAnchor bias = null;
        Map<String, Attr> attrs = new LinkedHashMap<>();
        if (gemm) {
            if (as.hasRank() && as.rank() != 2) return false;
            ta = n.attrInt("transA", 0) != 0;
            tb = n.attrInt("transB", 0) != 0;
            alpha = n.attrFloat("alpha", 1f);
            beta = n.attrFloat("beta", 1f);
            if (n.inputCount() > 2 && beta != 0f) bias = n.inputValue(2);
        } else if (fused) {
            ta = n.attrInt("trans_a", 0) != 0;
            tb = n.attrInt("trans_b", 0) != 0;
            alpha = n.attrFloat("alpha", 1f);
            if (n.inputCount() > 2) bias = n.inputValue(2);
            for (String k : List.of("activation", "activation_params", "approximate")) if (n.hasAttr(k)) attrs.put(k, n.attr(k));
        } else if (n.inputCount() != 2) return false;
        if (bias != null && (bias.desc().dtype() != DataType.FLOAT || !PackedBias.supported(bias.desc().shape(), n.output(0).desc().shape()))) {
            rw.context().note(n.describe() + ": not prepacked, its bias " + bias.desc().shape() + " is not a form the packed GEMM's epilogue applies");
            return false;
        }
        long k = tb ? w.dim(1) : w.dim(0), cols = tb ? w.dim(0) : w.dim(1);
        Map<String, Attr> all = new LinkedHashMap<>();
        all.put("k", new Attr.Int(k));
        all.put("n", new Attr.Int(cols));
        all.put("nr", new Attr.Int(nr));
        if (ta) all.put("trans_a", new Attr.Int(1));
        if (alpha != 1f) all.put("alpha", new Attr.Float(alpha));
        if (bias != null && beta != 1f) all.put("beta", new Attr.Float(beta));
        all.putAll(attrs);
        OutDataAnchor wp = (tb ? packedTransposed : packed).get(b);
        if (wp == null || wp.node().graph() == null) {
            wp = rw.constant(n.graph(), b.name() + "_packed", PackedLayout.pack(w, tb, nr));
            (tb ? packedTransposed : packed).put(b, wp);
        }
        List<OutDataAnchor> ins = new ArrayList<>(List.of(a, wp));
        if (bias != null) ins.add(bias);
        Node p = rw.create(n.graph(), Node.GE4J_DOMAIN, PackedMatMulOp.TYPE, n.name(), ins, all, 1);
        rw.replace(n.output(0), p.output(0));
        return true;
    }
}
