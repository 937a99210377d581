package org.ge4j.compiler.fusion;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.ge4j.compiler.pattern.Matchers;
import org.ge4j.compiler.pattern.OpFacts;
import org.ge4j.compiler.pattern.Rewriter;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;

/**
 * {@code BatchNormalization(Conv(x, W, B))} at inference → {@code Conv(x, W', B')} with the normalisation
 * folded into the weights: s = scale / sqrt(var + epsilon), W'[m] = W[m] * s[m], B'[m] = (B[m] - mean[m]) * s[m] + bias[m].
 * Needs W, B and the four statistics constant, the Conv's output used only by the BatchNormalization, and
 * the BatchNormalization's training outputs unused.
 */
final class ConvBatchNormFolding implements FusionPattern {
    @Override public String name() { return "conv-bn"; }

    @Override public Set<String> rootTypes() { return Set.of("BatchNormalization"); }

    @Override public int benefit() { return 30; }

    @Override public boolean precondition(Node bn, Rewriter rw) {
        if (bn.attrInt("training_mode", 0) != 0 || bn.attrInt("spatial", 1) == 0) return false;
        for (int i = 1; i < bn.outputCount(); i++) if (bn.output(i).isUsed()) return false;
        return bn.inputCount() == 5 && Matchers.producer(bn.inputValue(0), "Conv") != null;
    }

    @Override public boolean rewrite(Node bn, Rewriter rw) {
        Node conv = bn.inputValue(0).node();
        if (!Matchers.onlyUsedBy(conv.output(0), bn) || conv.inputValue(1) == null) return false;
        Tensor w = OpFacts.constant(conv.inputValue(1));
        Tensor b = conv.inputCount() > 2 && conv.inputValue(2) != null ? OpFacts.constant(conv.inputValue(2)) : null;
        if (w == null || w.rank() < 3 || conv.inputCount() > 2 && conv.inputValue(2) != null && b == null) return false;
        double[][] p = new double[4][];
        for (int i = 0; i < 4; i++) {
            p[i] = FusionSupport.values(bn.inputValue(i + 1));
            if (p[i] == null || p[i].length != w.dim(0)) return false;
        }
        double eps = bn.attrFloat("epsilon", 1e-5f);
        int m = (int) w.dim(0);
        double[] scale = p[0], bias = p[1], mean = p[2], var = p[3];
        double[] s = new double[m], nb = new double[m];
        double[] ob = b == null ? new double[m] : b.toDoubleArray();
        if (ob.length != m) return false;
        for (int i = 0; i < m; i++) {
            s[i] = scale[i] / Math.sqrt(var[i] + eps);
            nb[i] = (ob[i] - mean[i]) * s[i] + bias[i];
        }
        double[] wv = w.toDoubleArray();
        int per = wv.length / m;
        for (int i = 0; i < wv.length; i++) wv[i] *= s[i / per];
        OutDataAnchor nw = rw.constant(bn.graph(), conv.name() + "_W_bn", Tensor.fromDoubles(w.dtype(), w.shape(), wv));
        OutDataAnchor nbias = rw.constant(bn.graph(), conv.name() + "_B_bn", Tensor.fromDoubles(w.dtype(), new long[] {m}, nb));
        List<OutDataAnchor> ins = new ArrayList<>(List.of(conv.inputValue(0), nw, nbias));
        Node folded = rw.create(bn.graph(), "", "Conv", conv.name(), ins, conv.attrs(), 1);
        rw.replace(bn.output(0), folded.output(0));
        return true;
    }
}
