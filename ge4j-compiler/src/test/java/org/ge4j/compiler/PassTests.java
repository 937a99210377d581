package org.ge4j.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.ge4j.compiler.pass.GraphCheck;
import org.ge4j.compiler.pass.Pass;
import org.ge4j.compiler.pass.PassContext;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.Value;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.ReferenceInterpreter;

/**
 * Helpers for pass tests: run one pass with the verifier on, check numerically that a rewrite keeps the
 * function (seeded random inputs, reference interpreter, per-dtype tolerance), count ops.
 */
public final class PassTests {
    private PassTests() {}

    /** Options for tests: verification on, plugins loaded. */
    public static CompilerOptions options() { return CompilerOptions.builder().optVerify(true).build(); }

    /** Runs {@code pass} once on {@code g}, verifying the graph before and after; returns "changed". */
    public static boolean runPass(Pass pass, Graph g) { return runPass(pass, g, options()); }

    public static boolean runPass(Pass pass, Graph g, CompilerOptions o) {
        GraphCheck check = new GraphCheck(o.registry());
        check.check(g);
        boolean changed = pass.run(g, new PassContext(o));
        check.check(g);
        return changed;
    }

    /** Op counts by qualified type. */
    public static Map<String, Integer> ops(Graph g) { return org.ge4j.compiler.pass.PassManager.opCounts(g); }

    public static int count(Graph g, String qualifiedType) { return ops(g).getOrDefault(qualifiedType, 0); }

    /**
     * Builds the graph twice, transforms one copy, runs both on the same seeded random inputs (symbolic dims
     * set to {@code symbolicSize}) and asserts the outputs agree within the dtype's tolerance.
     */
    public static void assertSameFunction(Supplier<Graph> make, Consumer<Graph> transform, long seed) {
        Graph before = make.get(), after = make.get();
        transform.accept(after);
        assertSameOutputs(before, after, seed);
    }

    /** Runs both graphs on the same seeded random inputs and compares every output. */
    public static void assertSameOutputs(Graph before, Graph after, long seed) {
        Map<String, Value> feeds = randomInputs(before, seed, 3);
        try {
            Map<String, Value> a = new ReferenceInterpreter(OpRegistry.global()).run(before, feeds);
            Map<String, Value> b = new ReferenceInterpreter(OpRegistry.global()).run(after, feeds);
            assertThat(b.keySet()).containsExactlyElementsOf(a.keySet());
            for (String k : a.keySet()) assertClose(k, (Tensor) a.get(k), (Tensor) b.get(k));
            a.values().forEach(Value::close);
            b.values().forEach(Value::close);
        } finally {
            feeds.values().forEach(Value::close);
        }
    }

    /** Seeded random tensors for every graph input: floats ~ N(0,1), integers in [0, 4), bools. */
    public static Map<String, Value> randomInputs(Graph g, long seed, long symbolicSize) {
        Random r = new Random(seed);
        Map<String, Value> m = new LinkedHashMap<>();
        for (OutDataAnchor in : g.inputs()) {
            TensorDesc d = in.desc();
            List<Dim> dims = d.shape().dims();
            long[] shape = new long[dims.size()];
            for (int i = 0; i < shape.length; i++) shape[i] = dims.get(i).valueOr(symbolicSize);
            int n = (int) Shape.elementCount(shape);
            double[] v = new double[n];
            for (int i = 0; i < n; i++)
                v[i] = d.dtype().isFloatingPoint() ? r.nextGaussian() : d.dtype() == DataType.BOOL ? r.nextInt(2) : r.nextInt(4);
            m.put(in.name(), Tensor.fromDoubles(d.dtype(), shape, v));
        }
        return m;
    }

    /** Per-dtype tolerance: |a-b| <= atol + rtol*|a|. */
    public static void assertClose(String name, Tensor expected, Tensor actual) {
        assertThat(actual.dtype()).as("dtype of output " + name).isEqualTo(expected.dtype());
        assertThat(actual.shape()).as("shape of output " + name).containsExactly(expected.shape());
        double rtol, atol;
        switch (expected.dtype()) {
            case DOUBLE -> { rtol = 1e-10; atol = 1e-12; }
            case FLOAT -> { rtol = 1e-4; atol = 1e-5; }
            case FLOAT16, BFLOAT16 -> { rtol = 2e-2; atol = 1e-2; }
            default -> { rtol = 0; atol = 0; }
        }
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            if (Double.isNaN(e[i])) {
                assertThat(a[i]).as("output " + name + "[" + i + "]").isNaN();
                continue;
            }
            double tol = atol + rtol * Math.abs(e[i]);
            assertThat(Math.abs(a[i] - e[i])).as("output " + name + "[" + i + "]: expected " + e[i] + ", got " + a[i]).isLessThanOrEqualTo(tol);
        }
    }

    /** The single node of {@code type} in {@code g} (fails when there are none or several). */
    public static Node only(Graph g, String qualifiedType) {
        List<Node> l = g.nodes().stream().filter(n -> n.qualifiedType().equals(qualifiedType)).toList();
        assertThat(l).as("nodes of type " + qualifiedType).hasSize(1);
        return l.get(0);
    }
}
