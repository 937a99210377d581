package org.ge4j.ops.onnx.control;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ge4j.ir.Graph;
import org.ge4j.ir.InDataAnchor;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.util.Broadcast;

/**
 * Reference kernel of {@code ai.onnx.preview.training::Gradient}: reverse-mode automatic differentiation of
 * the part of the node's graph that computes tensor {@code y} from the tensors named in {@code xs} (and the
 * non-differentiated {@code zs}). The node's inputs are the values of xs then zs; the forward pass is
 * recomputed from them. Differentiable ops: Add, Sub, Mul, Div, Neg, Identity, Relu, Sigmoid, Tanh, Exp,
 * MatMul (2-D) and constants; others fail naming the op.
 */
final class GradientKernel {
    private GradientKernel() {}

    /** A value in double precision with its shape. */
    private record Val(double[] v, long[] shape) {}

    static void compute(KernelContext ctx) {
        Node self = ctx.node();
        Graph g = self.graph();
        List<String> xs = ctx.attrs().getStrings("xs", List.of());
        List<String> zs = ctx.attrs().getStrings("zs", List.of());
        String yName = ctx.attrs().getString("y");
        OutDataAnchor y = find(g, yName);
        if (y == null) throw ctx.fail("attribute 'y' names tensor '" + yName + "', which graph '" + g.name() + "' does not compute");
        // the leaves: xs then zs, bound to the node's inputs in that order
        Map<OutDataAnchor, Val> fwd = new HashMap<>();
        List<OutDataAnchor> xAnchors = new ArrayList<>();
        List<String> leaves = new ArrayList<>(xs);
        leaves.addAll(zs);
        for (int i = 0; i < leaves.size(); i++) {
            OutDataAnchor a = find(g, leaves.get(i));
            if (a == null) throw ctx.fail("tensor '" + leaves.get(i) + "' named in xs/zs is not in graph '" + g.name() + "'");
            Tensor t = ctx.requireInput(i);
            fwd.put(a, new Val(t.toDoubleArray(), t.shape()));
            if (i < xs.size()) xAnchors.add(a);
        }
        // the nodes between the leaves and y, in topological order
        List<Node> path = new ArrayList<>();
        Set<Node> seen = new HashSet<>();
        collect(ctx, y.node(), fwd, path, seen);
        for (Node n : path) forward(ctx, n, fwd);
        // backward from dy = 1
        Map<OutDataAnchor, double[]> grad = new HashMap<>();
        Val yv = fwd.get(y);
        double[] seed = new double[yv.v().length];
        Arrays.fill(seed, 1);
        grad.put(y, seed);
        for (int k = path.size() - 1; k >= 0; k--) backward(ctx, path.get(k), fwd, grad);
        for (int i = 0; i < ctx.outputCount(); i++) {
            OutDataAnchor x = xAnchors.get(i);
            Val xv = fwd.get(x);
            double[] gx = grad.getOrDefault(x, new double[xv.v().length]);
            ctx.setOutput(i, Tensor.fromDoubles(ctx.requireInput(i).dtype(), xv.shape(), gx));
        }
    }

    private static OutDataAnchor find(Graph g, String name) {
        for (Graph s = g; s != null; s = s.enclosingGraph()) {
            OutDataAnchor a = s.findValue(name);
            if (a != null) return a;
        }
        return null;
    }

    private static void collect(KernelContext ctx, Node n, Map<OutDataAnchor, Val> leaves, List<Node> out, Set<Node> seen) {
        if (!seen.add(n)) return;
        for (InDataAnchor in : n.inputs()) {
            OutDataAnchor p = in.peer();
            if (p == null || leaves.containsKey(p)) continue;
            if (p.node().isData())
                throw ctx.fail("y depends on graph input '" + p.name() + "', which is in neither xs nor zs");
            collect(ctx, p.node(), leaves, out, seen);
        }
        out.add(n);
    }

    private static Val in(KernelContext ctx, Node n, int i, Map<OutDataAnchor, Val> fwd) {
        Val v = fwd.get(n.inputValue(i));
        if (v == null) throw ctx.fail("no forward value for input " + i + " of " + n.describe());
        return v;
    }

    private static void forward(KernelContext ctx, Node n, Map<OutDataAnchor, Val> fwd) {
        Val r;
        switch (n.type()) {
            case "Constant" -> {
                Tensor t = n.attrTensor("value");
                if (t == null) throw ctx.fail("cannot differentiate through " + n.describe() + " without a 'value' tensor");
                r = new Val(t.toDoubleArray(), t.shape());
            }
            case "Add", "Sub", "Mul", "Div" -> {
                Val a = in(ctx, n, 0, fwd), b = in(ctx, n, 1, fwd);
                long[] s = Broadcast.shape(a.shape(), b.shape());
                int[] ia = Broadcast.indexMap(a.shape(), s), ib = Broadcast.indexMap(b.shape(), s);
                double[] o = new double[ia.length];
                for (int i = 0; i < o.length; i++) {
                    double x = a.v()[ia[i]], z = b.v()[ib[i]];
                    o[i] = switch (n.type()) { case "Add" -> x + z; case "Sub" -> x - z; case "Mul" -> x * z; default -> x / z; };
                }
                r = new Val(o, s);
            }
            case "Neg", "Identity", "Relu", "Sigmoid", "Tanh", "Exp" -> {
                Val a = in(ctx, n, 0, fwd);
                double[] o = new double[a.v().length];
                for (int i = 0; i < o.length; i++) {
                    double x = a.v()[i];
                    o[i] = switch (n.type()) {
                        case "Neg" -> -x; case "Identity" -> x; case "Relu" -> Math.max(0, x);
                        case "Sigmoid" -> 1 / (1 + Math.exp(-x)); case "Tanh" -> Math.tanh(x); default -> Math.exp(x);
                    };
                }
                r = new Val(o, a.shape());
            }
            case "MatMul" -> {
                Val a = in(ctx, n, 0, fwd), b = in(ctx, n, 1, fwd);
                if (a.shape().length != 2 || b.shape().length != 2) throw ctx.fail("Gradient supports 2-D MatMul only, got " + n.describe());
                int m = (int) a.shape()[0], k = (int) a.shape()[1], p = (int) b.shape()[1];
                double[] o = new double[m * p];
                for (int i = 0; i < m; i++) for (int j = 0; j < p; j++) {
                    double s = 0;
                    for (int q = 0; q < k; q++) s += a.v()[i * k + q] * b.v()[q * p + j];
                    o[i * p + j] = s;
                }
                r = new Val(o, new long[] {m, p});
            }
            default -> throw ctx.fail("cannot differentiate through " + n.describe() + ": op " + n.qualifiedType() + " is not supported by Gradient");
        }
        fwd.put(n.output(0), r);
    }

    /** Adds the gradient {@code gOut} (shaped like the broadcast output) into the gradient of input {@code i}. */
    private static void accumulate(Node n, int i, double[] gOut, long[] outShape, Map<OutDataAnchor, Val> fwd, Map<OutDataAnchor, double[]> grad) {
        OutDataAnchor a = n.inputValue(i);
        long[] s = fwd.get(a).shape();
        int[] map = Broadcast.indexMap(s, outShape);
        double[] g = grad.computeIfAbsent(a, k -> new double[Math.toIntExact(Shape.elementCount(s))]);
        for (int j = 0; j < map.length; j++) g[map[j]] += gOut[j]; // sum over broadcast dims
    }

    private static void backward(KernelContext ctx, Node n, Map<OutDataAnchor, Val> fwd, Map<OutDataAnchor, double[]> grad) {
        double[] go = grad.get(n.output(0));
        if (go == null || n.type().equals("Constant")) return;
        Val out = fwd.get(n.output(0));
        switch (n.type()) {
            case "Add", "Sub", "Mul", "Div" -> {
                Val a = in(ctx, n, 0, fwd), b = in(ctx, n, 1, fwd);
                int[] ia = Broadcast.indexMap(a.shape(), out.shape()), ib = Broadcast.indexMap(b.shape(), out.shape());
                double[] ga = new double[go.length], gb = new double[go.length];
                for (int i = 0; i < go.length; i++) {
                    double x = a.v()[ia[i]], z = b.v()[ib[i]];
                    switch (n.type()) {
                        case "Add" -> { ga[i] = go[i]; gb[i] = go[i]; }
                        case "Sub" -> { ga[i] = go[i]; gb[i] = -go[i]; }
                        case "Mul" -> { ga[i] = go[i] * z; gb[i] = go[i] * x; }
                        default -> { ga[i] = go[i] / z; gb[i] = -go[i] * x / (z * z); }
                    }
                }
                accumulate(n, 0, ga, out.shape(), fwd, grad);
                accumulate(n, 1, gb, out.shape(), fwd, grad);
            }
            case "Neg", "Identity", "Relu", "Sigmoid", "Tanh", "Exp" -> {
                Val a = in(ctx, n, 0, fwd);
                double[] ga = new double[go.length];
                for (int i = 0; i < go.length; i++) {
                    double x = a.v()[i], y = out.v()[i];
                    ga[i] = go[i] * switch (n.type()) {
                        case "Neg" -> -1; case "Identity" -> 1; case "Relu" -> x > 0 ? 1 : 0;
                        case "Sigmoid" -> y * (1 - y); case "Tanh" -> 1 - y * y; default -> y;
                    };
                }
                accumulate(n, 0, ga, a.shape(), fwd, grad);
            }
            case "MatMul" -> {
                Val a = in(ctx, n, 0, fwd), b = in(ctx, n, 1, fwd);
                int m = (int) a.shape()[0], k = (int) a.shape()[1], p = (int) b.shape()[1];
                double[] ga = new double[m * k], gb = new double[k * p];
                for (int i = 0; i < m; i++) for (int j = 0; j < p; j++) {
                    double gij = go[i * p + j];
                    for (int q = 0; q < k; q++) {
                        ga[i * k + q] += gij * b.v()[q * p + j];
                        gb[q * p + j] += a.v()[i * k + q] * gij;
                    }
                }
                accumulate(n, 0, ga, a.shape(), fwd, grad);
                accumulate(n, 1, gb, b.shape(), fwd, grad);
            }
            default -> throw ctx.fail("cannot differentiate through " + n.describe());
        }
    }
}
