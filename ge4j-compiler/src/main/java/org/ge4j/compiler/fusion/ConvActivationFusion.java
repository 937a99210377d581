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
 * {@code act(Conv(x, W, B) + Z)}, {@code Conv + Z} or {@code act(Conv)} → {@code ge4j::FusedConv(x, W, B, Z)}
 * with attributes {@code has_residual} and {@code activation} (Relu, Clip, LeakyRelu, Sigmoid, Tanh, Gelu).
 * The residual Z must have exactly the convolution's output shape; every absorbed value must be used only
 * by the next op of the chain.
 */
final class ConvActivationFusion implements FusionPattern {
    static final String[] CONV_ATTRS = {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"};

    @Override public String name() { return "conv-activation"; }

    @Override public Set<String> rootTypes() { return Set.of("Conv"); }

    @Override public int benefit() { return 20; }

    @Override public boolean precondition(Node conv, Rewriter rw) { return FusionSupport.isFloat(conv.output(0)) && conv.inputCount() >= 2; }

    @Override public boolean rewrite(Node conv, Rewriter rw) {
        OutDataAnchor y = conv.output(0), residual = null;
        Node last = conv;
        Node add = FusionSupport.consumer(y, "Add");
        if (add != null) {
            OutDataAnchor z = Matchers.other(add, y);
            if (z != null && z != y && Matchers.sameKnownShape(z, y) && Matchers.sameKnownShape(add.output(0), y)) {
                residual = z;
                last = add;
            }
        }
        FusionSupport.Act act = FusionSupport.activation(Matchers.soleConsumer(last.output(0)));
        Node actNode = act == null ? null : Matchers.soleConsumer(last.output(0));
        if (actNode != null) last = actNode;
        if (residual == null && act == null) return false;
        Map<String, Attr> attrs = new LinkedHashMap<>(FusionSupport.copy(conv, CONV_ATTRS));
        (act == null ? new FusionSupport.Act("", new float[0], null) : act).into(attrs);
        attrs.put("has_residual", new Attr.Int(residual == null ? 0 : 1));
        List<OutDataAnchor> ins = new ArrayList<>();
        ins.add(conv.inputValue(0));
        ins.add(conv.inputValue(1));
        ins.add(conv.inputCount() > 2 ? conv.inputValue(2) : null);
        if (residual != null) ins.add(residual);
        while (ins.get(ins.size() - 1) == null) ins.remove(ins.size() - 1);
        Node fused = rw.create(conv.graph(), Node.GE4J_DOMAIN, "FusedConv", conv.name(), ins, attrs, 1);
        rw.replace(last.output(0), fused.output(0));
        return true;
    }
}
