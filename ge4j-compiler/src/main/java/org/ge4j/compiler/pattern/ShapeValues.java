package org.ge4j.compiler.pattern;

import java.util.ArrayList;
import java.util.List;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.util.Broadcast;

/**
 * Symbolic values of small integer "shape tensors": what the elements of a value computed from
 * {@code Shape(x)} by Gather, Slice, Concat, Unsqueeze, Squeeze and Cast are, as dims (static, symbolic
 * like {@code N}, or unknown), when that can be told without running the graph. Negative constants (a
 * Reshape's -1) are reported as {@link #INFER}. Used by shape folding and symbolic shape inference.
 */
public final class ShapeValues {
    private ShapeValues() {}

    /** The element that stands for a negative constant (-1 in a Reshape shape): to be inferred. */
    public static final Dim INFER = new Dim.Symbolic("<infer>");

    private static final int MAX_DEPTH = 16;
    private static final int MAX_ELEMENTS = 64;

    /** The elements of the 0-D or 1-D integer value {@code a}, or null when they cannot be told. */
    public static List<Dim> of(OutDataAnchor a) { return of(a, 0); }

    private static List<Dim> of(OutDataAnchor a, int depth) {
        if (a == null || depth > MAX_DEPTH || !a.desc().dtype().isInteger() && a.desc().isKnown()) return null;
        Tensor t = OpFacts.constant(a);
        if (t != null) {
            if (!t.dtype().isInteger() || t.rank() > 1 || t.size() > MAX_ELEMENTS) return null;
            List<Dim> l = new ArrayList<>();
            for (long v : t.toLongArray()) l.add(v < 0 ? INFER : Dim.of(v));
            return l;
        }
        Node n = a.node();
        if (!n.domain().isEmpty() || n.outputCount() != 1) return null;
        return switch (n.type()) {
            case "Shape" -> shapeDims(n);
            case "Cast", "Identity" -> n.inputCount() > 0 ? of(n.inputValue(0), depth + 1) : null;
            case "Unsqueeze", "Squeeze" -> {
                List<Dim> v = of(n.inputValue(0), depth + 1);
                yield v != null && v.size() == 1 ? v : null; // scalar <-> [1]
            }
            case "Gather" -> {
                if (n.attrInt("axis", 0) != 0 || n.inputCount() < 2) yield null;
                List<Dim> v = of(n.inputValue(0), depth + 1);
                Tensor idx = OpFacts.constant(n.inputValue(1));
                if (v == null || idx == null || !idx.dtype().isInteger() || idx.rank() > 1) yield null;
                List<Dim> out = new ArrayList<>();
                for (long i : idx.toLongArray()) {
                    long j = i < 0 ? i + v.size() : i;
                    if (j < 0 || j >= v.size()) yield null;
                    out.add(v.get((int) j));
                }
                yield out;
            }
            case "Concat" -> {
                if (n.attrInt("axis", 0) != 0 && n.attrInt("axis", 0) != -1) yield null;
                List<Dim> out = new ArrayList<>();
                for (int i = 0; i < n.inputCount(); i++) {
                    List<Dim> v = of(n.inputValue(i), depth + 1);
                    if (v == null) yield null;
                    out.addAll(v);
                }
                yield out.size() <= MAX_ELEMENTS ? out : null;
            }
            case "Slice" -> {
                List<Dim> v = of(n.inputValue(0), depth + 1);
                yield v == null ? null : slice(n, v);
            }
            default -> null;
        };
    }

    /** The dims a {@code Shape} node outputs (after its start/end attributes), or null when the rank is unknown. */
    public static List<Dim> shapeDims(Node shapeNode) {
        OutDataAnchor x = shapeNode.inputValue(0);
        if (x == null || !x.desc().shape().hasRank()) return null;
        List<Dim> all = x.desc().shape().dims();
        int r = all.size();
        long start = clamp(shapeNode.attrInt("start", 0), r);
        long end = shapeNode.hasAttr("end") ? clamp(shapeNode.attrInt("end", r), r) : r;
        return end <= start ? List.of() : new ArrayList<>(all.subList((int) start, (int) end));
    }

    private static long clamp(long a, int r) {
        if (a < 0) a += r;
        return Math.max(0, Math.min(r, a));
    }

    /** The part of the 1-D {@code v} a {@code Slice} node with constant parameters selects, or null. */
    private static List<Dim> slice(Node n, List<Dim> v) {
        long[] starts = Matchers.ints(n, "starts", 1), ends = Matchers.ints(n, "ends", 2);
        long[] axes = Matchers.ints(n, "axes", 3), steps = n.inputCount() > 4 ? Matchers.ints(n, "steps", 4) : null;
        if (starts == null || ends == null || starts.length != 1 || ends.length != 1) return null;
        if (n.inputCount() > 3 && n.inputValue(3) != null && axes == null) return null;
        if (n.inputCount() > 4 && n.inputValue(4) != null && steps == null) return null;
        if (axes != null && (axes.length != 1 || axes[0] != 0 && axes[0] != -1)) return null;
        long step = steps == null ? 1 : steps[0];
        if (step == 0) return null;
        long len = v.size(), s = starts[0], e = ends[0];
        if (s < 0) s += len;
        if (e < 0) e += len;
        List<Dim> out = new ArrayList<>();
        if (step > 0) {
            s = Math.max(0, Math.min(len, s));
            e = Math.max(0, Math.min(len, e));
            for (long i = s; i < e; i += step) out.add(v.get((int) i));
        } else {
            s = Math.max(-1, Math.min(len - 1, s));
            e = Math.max(-1, Math.min(len - 1, e));
            for (long i = s; i > e; i += step) out.add(v.get((int) i));
        }
        return out;
    }

    /** The static values of {@code dims}, or null when any is not static. */
    public static long[] staticValues(List<Dim> dims) {
        long[] v = new long[dims.size()];
        for (int i = 0; i < v.length; i++) {
            if (!(dims.get(i) instanceof Dim.Static s)) return null;
            v[i] = s.value();
        }
        return v;
    }

    /**
     * The output shape of {@code Reshape(x, s)} given s's symbolic elements and x's shape: 0 copies x's dim
     * (unless allowzero), one {@link #INFER} is computed from the element count when everything else is
     * static, or taken as the one dim of x left unmatched when the other entries match x's dims one to one.
     * Null when nothing useful is known.
     */
    public static Shape reshapeOutput(Shape x, List<Dim> s, boolean allowZero) {
        List<Dim> out = new ArrayList<>();
        int inferAt = -1;
        for (int i = 0; i < s.size(); i++) {
            Dim d = s.get(i);
            if (d == INFER) {
                if (inferAt >= 0) return null;
                inferAt = i;
                out.add(Dim.UNKNOWN);
            } else if (!allowZero && d instanceof Dim.Static st && st.value() == 0) {
                if (!x.hasRank() || i >= x.rank()) return null;
                out.add(x.dim(i));
            } else out.add(d);
        }
        if (inferAt >= 0 && x.hasRank()) {
            Dim inferred = inferredDim(x.dims(), out, inferAt);
            if (inferred != null) out.set(inferAt, inferred);
        }
        return Shape.of(out);
    }

    /**
     * The dim a Reshape's -1 stands for: the element count of x divided by the other output dims, symbols
     * cancelling by name (N*L*8 / (N*L*2) = 4); or x's dim at the same place when the other entries equal x's
     * dims one to one. Null when it cannot be told.
     */
    private static Dim inferredDim(List<Dim> x, List<Dim> out, int inferAt) {
        if (x.size() == out.size()) {
            boolean same = true;
            for (int i = 0; i < out.size() && same; i++)
                if (i != inferAt) same = out.get(i).equals(x.get(i)) && !(out.get(i) instanceof Dim.Unknown);
            if (same) return x.get(inferAt);
        }
        List<String> symbols = new ArrayList<>();
        long num = 1, den = 1;
        for (Dim d : x) {
            if (d instanceof Dim.Static st) num *= st.value();
            else if (d instanceof Dim.Symbolic sy) symbols.add(sy.name());
            else return null;
        }
        for (int i = 0; i < out.size(); i++) {
            if (i == inferAt) continue;
            Dim d = out.get(i);
            if (d instanceof Dim.Static st) den *= st.value();
            else if (d instanceof Dim.Symbolic sy && symbols.remove(sy.name())) continue;
            else return null;
        }
        if (!symbols.isEmpty() || den == 0 || num % den != 0) return symbols.size() == 1 && num == den ? Dim.of(symbols.get(0)) : null;
        return Dim.of(num / den);
    }

    /** Sharpens the output shape of shape-taking ops from the symbolic value of their shape input. */
    public static void refine(Node n) {
        if (!n.domain().isEmpty() || n.outputCount() != 1 || n.inputCount() < 1) return;
        OutDataAnchor y = n.output(0);
        Shape s = switch (n.type()) {
            case "Reshape" -> {
                List<Dim> v = n.inputCount() > 1 ? of(n.inputValue(1)) : null;
                yield v == null || n.inputValue(0) == null ? null : reshapeOutput(n.inputValue(0).desc().shape(), v, n.attrInt("allowzero", 0) != 0);
            }
            case "ConstantOfShape" -> {
                List<Dim> v = of(n.inputValue(0));
                yield v == null || v.contains(INFER) ? null : Shape.of(v);
            }
            case "Expand" -> {
                List<Dim> v = n.inputCount() > 1 ? of(n.inputValue(1)) : null;
                yield v == null || v.contains(INFER) || n.inputValue(0) == null ? null : Broadcast.shape(n.inputValue(0).desc().shape(), Shape.of(v));
            }
            default -> null;
        };
        if (s == null || !s.hasRank()) return;
        TensorDesc d = y.desc();
        if (d.shape().hasRank() && d.shape().rank() != s.rank()) return; // never contradict the op's own inference
        y.setDesc(GraphInference.merge(d, d.withShape(s)));
    }
}
