package org.ge4j.ops.vector.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * One-node graphs as the static executor sees them (a {@link NodeSpec} with static shapes and constant
 * inputs): compiles the vector kernel, runs it and the reference kernel (through {@link ReferenceKernelAdapter})
 * on the same inputs, and compares outputs byte for byte (or within a tolerance for float results).
 */
final class DataHarness {
    static final OpRegistry R = OpRegistry.global();

    record Case(NodeSpec spec, OpSchema schema, List<Tensor> inputs) {
        String what() { return spec.node().type() + " " + spec.inputs() + " " + spec.node().attrs() + " -> " + spec.outputs(); }
    }

    static final class Builder {
        private final String type;
        private int opset = 17;
        private final Map<String, Attr> attrs = new LinkedHashMap<>();
        private final List<Tensor> inputs = new ArrayList<>();
        private final List<Boolean> constant = new ArrayList<>();
        private int outputs = 1;

        Builder(String type) { this.type = type; }

        Builder opset(int v) { opset = v; return this; }

        Builder attr(String name, long v) { attrs.put(name, new Attr.Int(v)); return this; }

        Builder attr(String name, float v) { attrs.put(name, new Attr.Float(v)); return this; }

        Builder attr(String name, String v) { attrs.put(name, new Attr.Str(v)); return this; }

        Builder attr(String name, Tensor v) { attrs.put(name, new Attr.TensorValue(v)); return this; }

        Builder ints(String name, long... v) { attrs.put(name, new Attr.Ints(v)); return this; }

        Builder in(Tensor t) { inputs.add(t); constant.add(false); return this; }

        Builder constIn(Tensor t) { inputs.add(t); constant.add(true); return this; }

        Builder absent() { inputs.add(null); constant.add(false); return this; }

        Builder outputs(int n) { outputs = n; return this; }

        Case build() {
            Graph g = new Graph(type + "_case");
            g.setOpset("", opset);
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
            Node n = g.addNode("", type, type, 0);
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
            return new Case(new NodeSpec(n, new Attrs(n, schema), in, out, consts, opset), schema, inputs);
        }
    }

    static Builder op(String type) { return new Builder(type); }

    /** A tensor of {@code t} with seeded values: floats in [-4, 4), integers in [-50, 50) (unsigned [0, 100)), bools 0/1. */
    static Tensor random(DataType t, long seed, long... shape) {
        Tensor x = Tensor.allocate(t, shape);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < x.size(); i++) {
            if (t.isFloatingPoint()) x.setScalarDouble(i, r.nextDouble(-4, 4));
            else if (t == DataType.BOOL) x.setScalarLong(i, r.nextInt(2));
            else if (t.isUnsignedInteger()) x.setScalarLong(i, r.nextInt(100));
            else x.setScalarLong(i, r.nextInt(-50, 50));
        }
        return x;
    }

    static Tensor floats(long seed, long... shape) { return random(DataType.FLOAT, seed, shape); }

    static Tensor longs(long... v) { return Tensor.of(v); }

    /** The vector kernel of the case, or null if no compiler accepts it. */
    static CompiledKernel compile(Case c) {
        Node n = c.spec().node();
        KernelCompiler k = R.compiler(OpRegistry.VECTOR, n.domain(), n.type());
        return k == null ? null : k.compile(c.spec(), c.schema());
    }

    static MemorySegment[] args(Case c) {
        List<MemorySegment> a = new ArrayList<>();
        for (Tensor t : c.inputs()) a.add(t == null ? MemorySegment.NULL : t.segment());
        for (TensorDesc d : c.spec().outputs()) {
            Tensor t = Tensor.allocate(d.dtype(), d.shape().toArray());
            t.segment().fill((byte) 0x5a); // garbage: a kernel must write every byte
            a.add(t.segment());
        }
        return a.toArray(MemorySegment[]::new);
    }

    static Tensor output(Case c, MemorySegment[] args, int i) {
        TensorDesc d = c.spec().output(i);
        return Tensor.wrap(d.dtype(), d.shape().toArray(), args[c.inputs().size() + i]);
    }

    static MemorySegment[] reference(Case c) {
        Node n = c.spec().node();
        MemorySegment[] args = args(c);
        new ReferenceKernelAdapter(c.spec(), c.schema(), R.kernel(OpRegistry.REFERENCE, n.domain(), n.type())).run(args);
        return args;
    }

    /** Compiles (it must accept), runs twice and compares every output with the reference's, byte for byte. */
    static CompiledKernel assertSame(Case c) {
        CompiledKernel k = compile(c);
        assertThat(k).as("vector kernel for %s", c.what()).isNotNull();
        MemorySegment[] args = args(c);
        k.run(args);
        k.run(args);
        MemorySegment[] ref = reference(c);
        for (int i = 0; i < c.spec().outputs().size(); i++) {
            Tensor a = output(c, args, i), e = output(c, ref, i);
            byte[] ab = a.toByteArray(), eb = e.toByteArray();
            for (int b = 0; b < eb.length; b++)
                if (ab[b] != eb[b])
                    throw new AssertionError(c.what() + ": output " + i + " differs at byte " + b + " (element " + b / Math.max(1, a.dtype().bits() / 8)
                            + "): expected " + e + " but got " + a);
        }
        return k;
    }

    /** As {@link #assertSame} for float outputs, within {@code rtol·(|e| + rms(e))}; NaN where NaN. */
    static CompiledKernel assertClose(Case c, double rtol) {
        CompiledKernel k = compile(c);
        assertThat(k).as("vector kernel for %s", c.what()).isNotNull();
        MemorySegment[] args = args(c);
        k.run(args);
        k.run(args);
        MemorySegment[] ref = reference(c);
        double[] a = output(c, args, 0).toDoubleArray(), e = output(c, ref, 0).toDoubleArray();
        double rms = 0;
        for (double v : e) if (Double.isFinite(v)) rms += v * v;
        rms = Math.sqrt(rms / Math.max(1, e.length));
        for (int i = 0; i < a.length; i++) {
            if (Double.isNaN(e[i])) {
                assertThat(a[i]).as("%s [%d]", c.what(), i).isNaN();
                continue;
            }
            if (Double.isInfinite(e[i])) {
                assertThat(a[i]).as("%s [%d]", c.what(), i).isEqualTo(e[i]);
                continue;
            }
            double tol = rtol * (Math.abs(e[i]) + rms) + 1e-30;
            if (Math.abs(a[i] - e[i]) > tol)
                throw new AssertionError(c.what() + " [" + i + "]: expected " + e[i] + " but got " + a[i] + " (tolerance " + tol + ")");
        }
        return k;
    }

    /** The vector compiler declines the case. */
    static void assertDeclines(Case c) {
        assertThat(compile(c)).as("vector kernel for %s", c.what()).isNull();
    }

    /** Bytes this thread allocates on the heap while running the kernel {@code runs} times. */
    static long allocatedBytes(CompiledKernel k, MemorySegment[] args, int runs) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < runs; i++) k.run(args);
        return mx.getCurrentThreadAllocatedBytes() - before;
    }
}
