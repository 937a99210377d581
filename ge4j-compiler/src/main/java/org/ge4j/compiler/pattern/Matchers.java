package org.ge4j.compiler.pattern;

import java.util.List;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Graph;
import org.ge4j.ir.InDataAnchor;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;

/** Small helpers patterns use to look around a root node. */
public final class Matchers {
    private Matchers() {}

    /** True when {@code n} is the ONNX op {@code type}. */
    public static boolean is(Node n, String type) { return n != null && n.domain().isEmpty() && n.type().equals(type); }

    /** True when {@code n} is the ge4j-domain op {@code type}. */
    public static boolean isGe4j(Node n, String type) { return n != null && n.domain().equals(Node.GE4J_DOMAIN) && n.type().equals(type); }

    /** The producer of {@code a} when it is the ONNX op {@code type}, else null. */
    public static Node producer(OutDataAnchor a, String type) { return a != null && is(a.node(), type) ? a.node() : null; }

    /**
     * The only consumer of {@code a}, when exactly one input anywhere reads it, that input's node is in the
     * same graph, and it is not a graph output; else null. Used to absorb a value into a fused op safely.
     */
    public static Node soleConsumer(OutDataAnchor a) {
        if (a == null || a.peers().size() != 1) return null;
        Graph g = a.node().graph();
        if (g == null || g.isOutput(a)) return null;
        Node c = a.peers().get(0).node();
        return c.graph() == g ? c : null;
    }

    /** True when every use of {@code a} is an input of {@code n} (so {@code a} dies when {@code n} is replaced). */
    public static boolean onlyUsedBy(OutDataAnchor a, Node n) {
        if (a.node().graph() == null || a.node().graph().isOutput(a)) return false;
        for (InDataAnchor c : a.peers()) if (c.node() != n) return false;
        return true;
    }

    /** For a two-input node, the input that is not {@code known} (or {@code known} if both are); null if neither. */
    public static OutDataAnchor other(Node binary, OutDataAnchor known) {
        if (binary.inputCount() != 2) return null;
        OutDataAnchor a = binary.inputValue(0), b = binary.inputValue(1);
        if (a == known) return b;
        if (b == known) return a;
        return null;
    }

    /** The value of a one-element constant, else null. */
    public static Double scalar(OutDataAnchor a) {
        Tensor t = OpFacts.constant(a);
        if (t == null || t.size() != 1 || !(t.dtype().isFloatingPoint() || t.dtype().isInteger())) return null;
        return t.getScalarDouble(0);
    }

    /** True when {@code a} is a one-element constant within relative tolerance {@code tol} of {@code expected}. */
    public static boolean isScalar(OutDataAnchor a, double expected, double tol) {
        Double v = scalar(a);
        return v != null && Math.abs(v - expected) <= tol * Math.max(1, Math.abs(expected));
    }

    /** Integer values from attribute {@code attr} when set, else from the constant input {@code input}; null if neither. */
    public static long[] ints(Node n, String attr, int input) {
        long[] v = n.attrInts(attr, null);
        if (v != null) return v;
        if (input >= 0 && input < n.inputCount()) {
            Tensor t = OpFacts.constant(n.inputValue(input));
            if (t != null && t.dtype().isInteger()) return t.toLongArray();
        }
        return null;
    }

    /** True when both values have known ranks and identical dims with no unknown dim (symbolic names compare by name). */
    public static boolean sameKnownShape(OutDataAnchor a, OutDataAnchor b) {
        Shape x = a.desc().shape(), y = b.desc().shape();
        if (!x.hasRank() || !y.hasRank() || x.rank() != y.rank()) return false;
        for (int i = 0; i < x.rank(); i++) {
            Dim d = x.dim(i);
            if (d instanceof Dim.Unknown || !d.equals(y.dim(i))) return false;
        }
        return true;
    }

    /** The rank of {@code a}, or -1 when unknown. */
    public static int rank(OutDataAnchor a) { return a.desc().shape().hasRank() ? a.desc().shape().rank() : -1; }

    /** The node's inputs as a list (nulls for absent). */
    public static List<OutDataAnchor> inputs(Node n) {
        OutDataAnchor[] a = new OutDataAnchor[n.inputCount()];
        for (int i = 0; i < a.length; i++) a[i] = n.inputValue(i);
        return java.util.Arrays.asList(a);
    }
}
