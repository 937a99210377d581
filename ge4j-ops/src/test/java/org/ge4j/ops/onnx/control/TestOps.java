package org.ge4j.ops.onnx.control;

import java.util.List;
import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.Value;
import org.ge4j.ops.DataTypes;
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpLibrary;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.ReferenceInterpreter;
import org.ge4j.ops.Trait;
import org.ge4j.ops.core.CoreOps;
import org.ge4j.ops.onnx.ControlFlowOps;
import org.ge4j.ops.util.Broadcast;

/**
 * Minimal stand-ins for ops of other families (Identity, Add, Sub, Less, Not, Constant) so the control-flow
 * tests can build bodies without depending on them; installed only in the tests' own registry.
 */
final class TestOps implements OpLibrary {
    /** CoreOps + this family + the stand-ins. */
    static final OpRegistry REGISTRY = registry();

    private static OpRegistry registry() {
        OpRegistry r = new OpRegistry();
        r.install(new CoreOps());
        r.install(new ControlFlowOps());
        r.install(new TestOps());
        return r;
    }

    @Override public String name() { return "control-test-ops"; }

    @Override public void register(OpRegistry r) {
        var all = DataTypes.union(DataTypes.ALL);
        r.register(OpSchema.onnx("Identity", 1).input("input", "T").output("output", "T").types("T", all)
                .traits(Trait.PURE).inference(c -> c.setOutput(0, c.requireInput(0))).build());
        r.registerReference("Identity", c -> c.setOutput(0, Values.copy(c.value(0))));
        for (String op : List.of("Add", "Sub", "Less")) {
            r.register(OpSchema.onnx(op, 1).input("A", "T").input("B", "T").output("C", op.equals("Less") ? "tensor(bool)" : "T")
                    .types("T", DataTypes.NUMERIC).traits(Trait.PURE)
                    .inference(c -> {
                        Shape s = Broadcast.shape(c.inputShape(0), c.inputShape(1));
                        c.setOutput(0, op.equals("Less") ? DataType.BOOL : c.inputType(0), s);
                    }).build());
            r.registerReference(op, c -> binary(c, op));
        }
        r.register(OpSchema.onnx("Not", 1).input("X", "T").output("Y", "T").types("T", DataType.BOOL)
                .inference(c -> c.setOutput(0, c.requireInput(0))).build());
        r.registerReference("Not", c -> {
            Tensor x = c.requireInput(0);
            Tensor y = Tensor.allocate(DataType.BOOL, x.shape());
            for (long i = 0; i < x.size(); i++) y.setScalarLong(i, x.getScalarLong(i) == 0 ? 1 : 0);
            c.setOutput(0, y);
        });
        r.register(OpSchema.onnx("Constant", 1).output("output", "T").types("T", all)
                .requiredAttr("value", org.ge4j.ir.AttrType.TENSOR)
                .inference(c -> c.setOutput(0, c.attrs().getTensor("value").desc())).build());
        r.registerReference("Constant", c -> c.setOutput(0, c.attrs().getTensor("value").copy()));
    }

    private static void binary(KernelContext c, String op) {
        Tensor a = c.requireInput(0), b = c.requireInput(1);
        long[] s = Broadcast.shape(a.shape(), b.shape());
        int[] ia = Broadcast.indexMap(a.shape(), s), ib = Broadcast.indexMap(b.shape(), s);
        Tensor out = Tensor.allocate(op.equals("Less") ? DataType.BOOL : a.dtype(), s);
        for (int i = 0; i < ia.length; i++) {
            double x = a.getScalarDouble(ia[i]), y = b.getScalarDouble(ib[i]);
            double v = switch (op) {
                case "Add" -> x + y;
                case "Sub" -> x - y;
                default -> x < y ? 1 : 0;
            };
            out.setScalarDouble(i, v);
        }
        c.setOutput(0, out);
    }

    // ------------------------------------------------------------------ graph-building helpers

    /** A root graph importing the default domain at {@code opset}. */
    static Graph graph(String name, int opset) {
        Graph g = new Graph(name);
        g.setOpset("", opset);
        return g;
    }

    static OutDataAnchor node(Graph g, String type, List<OutDataAnchor> inputs, Map<String, Attr> attrs) {
        Node n = g.addNode(type, null, inputs, 1);
        if (attrs != null) attrs.forEach(n::setAttr);
        return n.output(0);
    }

    static OutDataAnchor op(Graph g, String type, OutDataAnchor... inputs) {
        return node(g, type, java.util.Arrays.asList(inputs), null);
    }

    static OutDataAnchor constant(Graph g, Tensor value) {
        return node(g, "Constant", List.of(), Map.of("value", Attr.of(value)));
    }

    static TensorDesc desc(DataType t, long... shape) { return TensorDesc.of(t, shape); }

    static Shape shape(long... dims) { return Shape.of(dims); }

    /** Strict inference, then a run with the reference kernels. */
    static Map<String, Value> run(Graph g, Map<String, ? extends Value> feeds) {
        new GraphInference(REGISTRY, true).infer(g);
        return new ReferenceInterpreter(REGISTRY).run(g, feeds);
    }

    static void closeAll(Map<String, Value> m) { m.values().forEach(Value::close); }

    static Tensor bool(boolean b) { return Values.boolScalar(b); }
}
