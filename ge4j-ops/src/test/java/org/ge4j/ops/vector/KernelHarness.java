package org.ge4j.ops.vector;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.KernelCompiler;
import org.ge4j.ops.exec.NodeSpec;
import org.ge4j.ops.exec.ReferenceKernelAdapter;

/**
 * Builds one-node graphs the way the static executor sees them (a {@link NodeSpec} with static shapes and
 * constant inputs), compiles the vector kernel, runs it and the reference kernel (through
 * {@link ReferenceKernelAdapter}) on the same buffers, and compares.
 */
final class KernelHarness {
    static final OpRegistry R = OpRegistry.global();

    /** A node ready to compile, with its concrete input values. */
    record Case(NodeSpec spec, OpSchema schema, List<Tensor> inputs) {}

    /** Fluent description of one node. */
    static final class Builder {
        private final String domain, type;
        private int opset = 17;
        private final Map<String, Attr> attrs = new LinkedHashMap<>();
        private final List<Tensor> inputs = new ArrayList<>();
        private final List<Boolean> constant = new ArrayList<>();
        private int outputs = 1;

        Builder(String domain, String type) {
            this.domain = domain;
            this.type = type;
        }

        Builder opset(int v) { opset = v; return this; }

        Builder attr(String name, long v) { attrs.put(name, new Attr.Int(v)); return this; }

        Builder attr(String name, float v) { attrs.put(name, new Attr.Float(v)); return this; }

        Builder attr(String name, String v) { attrs.put(name, new Attr.Str(v)); return this; }

        Builder attr(String name, long... v) { attrs.put(name, new Attr.Ints(v)); return this; }

        Builder attrFloats(String name, float... v) { attrs.put(name, new Attr.Floats(v)); return this; }

        /** An ints attribute (also for a single value, which {@link #attr(String, long)} would make an int). */
        Builder ints(String name, long... v) { attrs.put(name, new Attr.Ints(v)); return this; }

        Builder in(Tensor t) { inputs.add(t); constant.add(false); return this; }

        /** An input that is a constant of the graph (a weight: the compiler may prepack it). */
        Builder constIn(Tensor t) { inputs.add(t); constant.add(true); return this; }

        Builder absent() { inputs.add(null); constant.add(false); return this; }

        Builder outputs(int n) { outputs = n; return this; }

        Case build() {
            Graph g = new Graph(type + "_case");
            g.setOpset(domain, opset);
            if (!domain.isEmpty()) g.setOpset("", 17);
            List<OutDataAnchor> ins = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                Tensor t = inputs.get(i);
                if (t == null) ins.add(null);
                else if (constant.get(i)) {
                    Node c = g.addNode("", "Constant", "c" + i, 0);
                    c.setAttr("value", new Attr.TensorValue(t));
                    ins.add(c.addOutput("c" + i, t.desc()));
                } else ins.add(g.addInput("in" + i, t.desc()));
            }
            Node n = g.addNode(domain, type, type, 0);
            for (OutDataAnchor a : ins) n.addInput(a);
            attrs.forEach(n::setAttr);
            for (int i = 0; i < outputs; i++) g.addOutput(n.addOutput("out" + i, null));
            new GraphInference(R, true).infer(g);
            OpSchema schema = R.schemaFor(n);
            List<TensorDesc> in = new ArrayList<>(), out = new ArrayList<>();
            List<Tensor> consts = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                in.add(inputs.get(i) == null ? null : inputs.get(i).desc());
                consts.add(constant.get(i) ? inputs.get(i) : null);
            }
            for (int i = 0; i < outputs; i++) out.add(n.output(i).desc());
            NodeSpec spec = new NodeSpec(n, new Attrs(n, schema), in, out, consts, opset);
            return new Case(spec, schema, inputs);
        }
    }

    static Builder op(String type) { return new Builder("", type); }

    static Builder fused(String type) { return new Builder(Node.GE4J_DOMAIN, type); }

    /** A float tensor of uniform values in [lo, hi), seeded. */
    static Tensor uniform(long seed, double lo, double hi, long... shape) {
        Tensor t = Tensor.allocate(DataType.FLOAT, shape);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < t.size(); i++) t.setScalarDouble(i, lo + (hi - lo) * r.nextDouble());
        return t;
    }

    static Tensor random(long seed, long... shape) { return uniform(seed, -1, 1, shape); }

    /** The vector kernel of the case, or null if its compiler declines. */
    static CompiledKernel compile(Case c) {
        Node n = c.spec().node();
        KernelCompiler k = R.compiler(OpRegistry.VECTOR, n.domain(), n.type());
        return k == null ? null : k.compile(c.spec(), c.schema());
    }

    /** Argument buffers for the case: its inputs, then freshly allocated outputs. */
    static MemorySegment[] args(Case c) {
        List<MemorySegment> a = new ArrayList<>();
        for (Tensor t : c.inputs()) a.add(t == null ? MemorySegment.NULL : t.segment());
        for (TensorDesc d : c.spec().outputs()) a.add(Tensor.allocate(d.dtype(), d.shape().toArray()).segment());
        return a.toArray(MemorySegment[]::new);
    }

    static Tensor output(Case c, MemorySegment[] args, int i) {
        TensorDesc d = c.spec().output(i);
        return Tensor.wrap(d.dtype(), d.shape().toArray(), args[c.inputs().size() + i]);
    }

    /** Runs the reference kernel of the case; returns its output i. */
    static Tensor reference(Case c, int i) {
        Node n = c.spec().node();
        MemorySegment[] args = args(c);
        new ReferenceKernelAdapter(c.spec(), c.schema(), R.kernel(OpRegistry.REFERENCE, n.domain(), n.type())).run(args);
        return output(c, args, i);
    }

    /** Compiles the vector kernel (it must accept), runs it and the reference, and compares output 0 within rtol. */
    static CompiledKernel assertMatchesReference(Case c, double rtol) {
        CompiledKernel k = compile(c);
        assertThat(k).as("vector kernel for %s %s", c.spec().node().qualifiedType(), c.spec().inputs()).isNotNull();
        MemorySegment[] args = args(c);
        invoke(k, args);
        invoke(k, args); // a second run must give the same (no state carried between runs)
        assertClose(output(c, args, 0), reference(c, 0), rtol, c.spec().node().qualifiedType() + " " + c.spec().inputs());
        return k;
    }

    /** |actual - expected| <= rtol * (|expected| + rms(expected)) element by element; NaN where NaN. */
    static void assertClose(Tensor actual, Tensor expected, double rtol, String what) {
        assertThat(actual.shape()).as(what).containsExactly(expected.shape());
        float[] a = actual.toFloatArray(), e = expected.toFloatArray();
        double rms = 0;
        for (float v : e) if (Float.isFinite(v)) rms += (double) v * v;
        rms = Math.sqrt(rms / Math.max(1, e.length));
        for (int i = 0; i < a.length; i++) {
            if (Float.isNaN(e[i])) {
                assertThat(a[i]).as("%s [%d]", what, i).isNaN();
                continue;
            }
            if (Float.isInfinite(e[i])) {
                assertThat(a[i]).as("%s [%d]", what, i).isEqualTo(e[i]);
                continue;
            }
            double tol = rtol * (Math.abs(e[i]) + rms) + 1e-30;
            if (Math.abs(a[i] - e[i]) > tol)
                throw new AssertionError(what + " [" + i + "]: expected " + e[i] + " but got " + a[i] + " (tolerance " + tol + ")");
        }
    }

    /** Bytes this thread allocates on the heap while running the kernel {@code runs} times. */
    static long allocatedBytes(CompiledKernel k, MemorySegment[] args, int runs) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < runs; i++) invoke(k, args);
        return mx.getCurrentThreadAllocatedBytes() - before;
    }

    /**
     * Runs a kernel through a call site that has seen several kernel classes, as the executor's task loop
     * has: C2 then calls the kernel instead of inlining it into the caller's loop. (A test loop calling one
     * kernel would inline the whole kernel into the loop, a deeper inlining tree than the executor ever
     * builds, and measure something else.)
     */
    static void invoke(CompiledKernel k, MemorySegment[] args) { k.run(args); }

    static {
        CompiledKernel[] dummies = {a -> {}, a -> a.clone(), a -> java.util.Objects.requireNonNull(a)};
        MemorySegment[] none = new MemorySegment[0];
        for (int i = 0; i < 30_000; i++) invoke(dummies[i % 3], none);
    }

    static final Set<String> NONE = Set.of();
}
