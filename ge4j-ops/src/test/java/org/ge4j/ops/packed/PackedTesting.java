package org.ge4j.ops.packed;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
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
import org.ge4j.ops.util.NodeRunner;

/** Helpers of the packed-op tests: random tensors, running reference kernels, compiling the vector kernel. */
final class PackedTesting {
    static final OpRegistry R = OpRegistry.global();

    private PackedTesting() {}

    static Tensor random(long seed, long... shape) {
        Tensor t = Tensor.allocate(DataType.FLOAT, shape);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < t.size(); i++) t.setScalarDouble(i, r.nextDouble(-1, 1));
        return t;
    }

    /** Runs the reference kernel of {@code domain::type}; returns output 0. */
    static Tensor reference(String domain, String type, Map<String, Attr> attrs, Tensor... inputs) {
        List<Tensor> in = new ArrayList<>(java.util.Arrays.asList(inputs));
        return (Tensor) new NodeRunner(R).run(domain, type, domain.isEmpty() ? 17 : 1, attrs, in, 1).get(0);
    }

    /** PackedMatMul's attributes for B k×n packed with nr, plus {@code more}. */
    static Map<String, Attr> packedAttrs(long k, long n, int nr, Map<String, Attr> more) {
        Map<String, Attr> m = new LinkedHashMap<>();
        m.put("k", new Attr.Int(k));
        m.put("n", new Attr.Int(n));
        m.put("nr", new Attr.Int(nr));
        m.putAll(more);
        return m;
    }

    /**
     * A PackedMatMul node as the static executor sees it: A (and Bias) runtime inputs, B a constant; compiled by
     * the vector provider (null when it declines).
     */
    static CompiledKernel compileVector(Map<String, Attr> attrs, Tensor a, Tensor packed, Tensor bias) {
        Graph g = new Graph("packed_case");
        g.setOpset(Node.GE4J_DOMAIN, 1);
        g.setOpset("", 17);
        OutDataAnchor ai = g.addInput("a", a.desc());
        Node c = g.addNode("", "Constant", "w", 0);
        c.setAttr("value", new Attr.TensorValue(packed));
        OutDataAnchor wi = c.addOutput("w", packed.desc());
        OutDataAnchor bi = bias == null ? null : g.addInput("bias", bias.desc());
        Node n = g.addNode(Node.GE4J_DOMAIN, PackedMatMulOp.TYPE, "mm", 0);
        n.addInput(ai);
        n.addInput(wi);
        if (bi != null) n.addInput(bi);
        attrs.forEach(n::setAttr);
        g.addOutput(n.addOutput("y", null));
        new GraphInference(R, true).infer(g);
        OpSchema schema = R.schemaFor(n);
        List<TensorDesc> in = new ArrayList<>(List.of(a.desc(), packed.desc()));
        List<Tensor> consts = new ArrayList<>(java.util.Arrays.asList(null, packed));
        if (bias != null) {
            in.add(bias.desc());
            consts.add(null);
        }
        NodeSpec spec = new NodeSpec(n, new Attrs(n, schema), in, List.of(n.output(0).desc()), consts, 1);
        KernelCompiler k = R.compiler(OpRegistry.VECTOR, Node.GE4J_DOMAIN, PackedMatMulOp.TYPE);
        assertThat(k).as("vector compiler of ge4j::PackedMatMul").isNotNull();
        return k.compile(spec, schema);
    }

    /** Runs a compiled PackedMatMul kernel into a fresh output of {@code yShape} (twice: no state between runs). */
    static Tensor runVector(CompiledKernel k, Tensor a, Tensor packed, Tensor bias, long[] yShape) {
        Tensor y = Tensor.allocate(DataType.FLOAT, yShape);
        List<MemorySegment> args = new ArrayList<>(List.of(a.segment(), packed.segment()));
        if (bias != null) args.add(bias.segment());
        args.add(y.segment());
        MemorySegment[] arr = args.toArray(MemorySegment[]::new);
        k.run(arr);
        k.run(arr);
        return y;
    }

    /** |actual - expected| <= rtol (|expected| + rms(expected)) + atol, element by element. */
    static void assertClose(Tensor actual, Tensor expected, double rtol, String what) {
        assertThat(actual.shape()).as(what + ": shape").containsExactly(expected.shape());
        double[] a = actual.toDoubleArray(), e = expected.toDoubleArray();
        double rms = 0;
        for (double v : e) rms += v * v;
        rms = Math.sqrt(rms / Math.max(1, e.length));
        for (int i = 0; i < a.length; i++) {
            double tol = rtol * (Math.abs(e[i]) + rms) + 1e-6;
            if (!(Math.abs(a[i] - e[i]) <= tol))
                throw new AssertionError(what + " [" + i + "]: expected " + e[i] + " but got " + a[i] + " (tolerance " + tol + ")");
        }
    }
}
