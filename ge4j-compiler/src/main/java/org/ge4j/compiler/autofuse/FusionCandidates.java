package org.ge4j.compiler.autofuse;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.ge4j.compiler.pattern.OpFacts;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.ValueKind;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;
import org.ge4j.ops.autofuse.FusedElementwiseOp;
import org.ge4j.ops.autofuse.Lowering;

/**
 * What auto-fusion may do with each node of one graph, decided from the registry's traits and the
 * fuser's lowering rules (never from op names):
 * <ul>
 *   <li>{@link Role#COMPUTE}: ELEMENTWISE and PURE, one output, a lowering rule for its attributes and
 *       opset, a static f32/f64 output, and every input either a one-element numeric constant (it becomes a
 *       literal) or a static tensor of the output's type that broadcasts to the output's shape;</li>
 *   <li>{@link Role#VIEW}: VIEW and PURE (the output is input 0's elements in the same order), a static
 *       f32/f64 input 0 and output 0 of one element count, other outputs unused;</li>
 *   <li>{@link Role#NONE}: anything else, and any node with control edges or subgraphs.</li>
 * </ul>
 */
final class FusionCandidates {
    enum Role { NONE, COMPUTE, VIEW }

    private final OpRegistry registry;
    private final Graph graph;
    private final Map<Node, Role> roles = new HashMap<>();
    private final Map<Node, Lowering.Rule> rules = new HashMap<>();
    private Set<OutDataAnchor> captured;

    FusionCandidates(Graph graph, OpRegistry registry) {
        this.graph = graph;
        this.registry = registry;
    }

    Role role(Node n) { return roles.computeIfAbsent(n, this::classify); }

    /** The lowering rule of a COMPUTE node. */
    Lowering.Rule rule(Node n) {
        role(n);
        return rules.get(n);
    }

    /** The element type and count a node's group must share, as "type:count" (only for COMPUTE and VIEW nodes). */
    static String space(Node n) {
        TensorDesc d = n.output(0).desc();
        return d.dtype() + ":" + d.shape().elementCount();
    }

    /** The value of a one-element numeric constant (a literal in the program), or null. */
    Tensor scalarConstant(OutDataAnchor v) {
        Tensor c = OpFacts.constant(v);
        if (c == null || c.size() != 1 || !(c.dtype().isFloatingPoint() || c.dtype().isInteger())) return null;
        return c;
    }

    /** Values read by subgraphs of this graph's nodes (uses the fused node must keep as outputs). */
    Set<OutDataAnchor> capturedValues() {
        if (captured == null) {
            captured = new HashSet<>();
            for (Node n : graph.nodes()) captured.addAll(n.capturedValues());
        }
        return captured;
    }

    private Role classify(Node n) {
        if (n.isData() || !n.subgraphs().isEmpty() || !n.controlIn().peers().isEmpty() || !n.controlOut().peers().isEmpty()) return Role.NONE;
        if (n.outputCount() < 1 || !isStaticFloat(n.output(0).desc())) return Role.NONE;
        OpSchema s = registry.schemaFor(n);
        if (s == null || !s.has(Trait.PURE) || s.has(Trait.RANDOM)) return Role.NONE;
        if (s.has(Trait.VIEW)) return view(n) ? Role.VIEW : Role.NONE;
        if (!s.has(Trait.ELEMENTWISE) || n.outputCount() != 1) return Role.NONE;
        Lowering.Rule rule = Lowering.rule(new Attrs(n, s), s);
        if (rule == null) return Role.NONE;
        TensorDesc out = n.output(0).desc();
        long[] shape = out.shape().toArray();
        boolean anyValue = false;
        for (int i = 0; i < n.inputCount(); i++) {
            OutDataAnchor v = n.inputValue(i);
            if (v == null) continue;
            if (scalarConstant(v) != null) continue;
            TensorDesc d = v.desc();
            if (d.dtype() != out.dtype() || !isStaticFloat(d) || !broadcastsTo(d.shape().toArray(), shape)) return Role.NONE;
            anyValue = true;
        }
        if (!anyValue) return Role.NONE; // all constants: constant folding's job
        rules.put(n, rule);
        return Role.COMPUTE;
    }

    private static boolean view(Node n) {
        OutDataAnchor in = n.inputValue(0);
        if (in == null || !isStaticFloat(in.desc())) return false;
        TensorDesc out = n.output(0).desc();
        if (in.desc().dtype() != out.dtype() || in.desc().shape().elementCount() != out.shape().elementCount()) return false;
        for (int i = 1; i < n.outputCount(); i++) if (n.output(i).isUsed()) return false;
        return true;
    }

    private static boolean isStaticFloat(TensorDesc d) {
        return d.kind() == ValueKind.TENSOR && FusedElementwiseOp.TYPES.contains(d.dtype()) && d.shape().isStatic();
    }

    private static boolean broadcastsTo(long[] from, long[] to) {
        if (from.length > to.length) return false;
        for (int i = 0; i < from.length; i++) {
            long f = from[from.length - 1 - i], t = to[to.length - 1 - i];
            if (f != t && f != 1) return false;
        }
        return true;
    }

    static long count(Node n) { return Shape.elementCount(n.output(0).desc().shape().toArray()); }

    static DataType type(Node n) { return n.output(0).desc().dtype(); }
}
