package org.ge4j.ops.api;

import java.util.ArrayList;
import java.util.List;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.SchemaChecker;

/**
 * The Graph API: builds IR graphs by hand, checking every op call against its schema and inferring
 * output types and shapes as it goes, so a wrong arity, dtype or missing attribute fails at the call that
 * caused it. Values are the {@link OutDataAnchor}s the calls return.
 *
 * <pre>{@code
 * GraphBuilder b = GraphBuilder.create("mlp");
 * OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of("N", 4));
 * OutDataAnchor h = b.relu(b.add(b.matMul(x, b.constant("w", w)), b.constant("b", bias)));
 * Graph g = b.output("y", h).build();
 * }</pre>
 */
public final class GraphBuilder {
    /** The ONNX opset new graphs import unless told otherwise. */
    public static final int DEFAULT_OPSET = 18;

    private final Graph graph;
    private final OpRegistry registry;
    private final GraphInference inference;
    private boolean built;

    private GraphBuilder(Graph graph, OpRegistry registry) {
        this.graph = graph;
        this.registry = registry;
        this.inference = new GraphInference(registry, true);
    }

    /** A builder for a new graph importing the ONNX default domain at {@link #DEFAULT_OPSET}, using the global op registry. */
    public static GraphBuilder create(String name) { return create(name, OpRegistry.global()); }

    public static GraphBuilder create(String name, OpRegistry registry) {
        Graph g = new Graph(name);
        g.setOpset("", DEFAULT_OPSET);
        return new GraphBuilder(g, registry);
    }

    /** A builder adding to an existing graph (e.g. a subgraph made with {@link Graph#newSubgraph}). */
    public static GraphBuilder extend(Graph g, OpRegistry registry) { return new GraphBuilder(g, registry); }

    /** Sets the version imported for {@code domain} ("" = ONNX). */
    public GraphBuilder opset(String domain, int version) {
        graph.setOpset(domain, version);
        return this;
    }

    public GraphBuilder opset(int onnxVersion) { return opset("", onnxVersion); }

    public Graph graph() { return graph; }

    // ---------------------------------------------------------------- inputs, constants, outputs

    public OutDataAnchor input(String name, DataType dtype, Shape shape) {
        checkOpen();
        if (graph.isNameTaken(name)) throw new OpException(null, "graph '" + graph.name() + "': input name '" + name + "' is already used");
        return graph.addInput(name, new TensorDesc(dtype, shape));
    }

    public OutDataAnchor input(String name, DataType dtype, long... shape) { return input(name, dtype, Shape.of(shape)); }

    /** A constant; the graph takes ownership of {@code value}. */
    public OutDataAnchor constant(String name, Tensor value) {
        return op("Constant").name(name).attr("value", value).call1();
    }

    public OutDataAnchor constant(Tensor value) { return constant(null, value); }

    public GraphBuilder output(String name, OutDataAnchor value) {
        checkOpen();
        checkMine(value, "output '" + name + "'");
        graph.addOutput(name, value);
        return this;
    }

    public GraphBuilder output(OutDataAnchor value) { return output(value.name(), value); }

    /** Finishes the graph: it must have at least one output. The builder accepts no more calls. */
    public Graph build() {
        checkOpen();
        if (graph.outputs().isEmpty()) throw new OpException(null, "graph '" + graph.name() + "' has no outputs: call output(...) before build()");
        graph.topologicalOrder(); // acyclic by construction; cheap sanity check
        built = true;
        return graph;
    }

    // ---------------------------------------------------------------- generic op call

    /** Starts a call of an op of the ONNX default domain. */
    public OpCall op(String type) { return new OpCall(Node.ONNX_DOMAIN, type); }

    /** Starts a call of an op of another domain (custom ops). */
    public OpCall op(String domain, String type) { return new OpCall(domain, type); }

    /** One op call being assembled: inputs, attributes, output count, then {@link #call()}. */
    public final class OpCall {
        private final String domain;
        private final String type;
        private String name;
        private final List<OutDataAnchor> inputs = new ArrayList<>();
        private final List<String[]> attrNames = new ArrayList<>();
        private final List<Attr> attrs = new ArrayList<>();
        private int outputs = -1;

        private OpCall(String domain, String type) {
            this.domain = domain;
            this.type = type;
        }

        public OpCall name(String n) { this.name = n; return this; }

        /** Appends inputs; a null entry is an absent optional input. */
        public OpCall in(OutDataAnchor... values) {
            for (OutDataAnchor v : values) inputs.add(v);
            return this;
        }

        public OpCall in(List<OutDataAnchor> values) {
            inputs.addAll(values);
            return this;
        }

        /** Appends an absent optional input. */
        public OpCall absent() {
            inputs.add(null);
            return this;
        }

        public OpCall attr(String n, Attr v) { attrNames.add(new String[] {n}); attrs.add(v); return this; }
        public OpCall attr(String n, long v) { return attr(n, Attr.of(v)); }
        public OpCall attr(String n, float v) { return attr(n, Attr.of(v)); }
        public OpCall attr(String n, String v) { return attr(n, Attr.of(v)); }
        public OpCall attr(String n, long... v) { return attr(n, Attr.of(v)); }
        public OpCall attr(String n, float... v) { return attr(n, Attr.of(v)); }
        public OpCall attr(String n, Tensor v) { return attr(n, Attr.of(v)); }
        public OpCall attr(String n, Graph v) { return attr(n, Attr.of(v)); }

        /** Number of outputs wanted (default: the schema's required outputs, at least one). */
        public OpCall outputs(int n) { this.outputs = n; return this; }

        /** Adds the node, checks it against its schema, infers its outputs, returns them. */
        public List<OutDataAnchor> call() {
            checkOpen();
            int opset = graph.opset(domain);
            OpSchema schema = registry.schema(domain, type, opset);
            String q = domain.isEmpty() ? type : domain + "::" + type;
            if (schema == null)
                throw new OpException(null, "graph '" + graph.name() + "': unknown op " + q + " at opset " + opset
                        + (registry.isKnown(domain, type) ? " (it exists only in later opsets)" : " (no op library registers it)"));
            for (int i = 0; i < inputs.size(); i++)
                if (inputs.get(i) != null) checkMine(inputs.get(i), q + " input " + i);
            int nOut = outputs >= 0 ? outputs : Math.max(1, schema.minOutputs());
            Node n = graph.addNode(domain, type, name, 0);
            try {
                for (OutDataAnchor v : inputs) n.addInput(v);
                for (int i = 0; i < attrs.size(); i++) n.setAttr(attrNames.get(i)[0], attrs.get(i));
                for (int i = 0; i < nOut; i++) {
                    OpSchema.Param p = schema.outputParam(i);
                    n.addOutput(n.name() + "_" + (p == null ? "out" + i : p.name()), null);
                }
                SchemaChecker.check(n, schema);
                inference.inferNode(n);
            } catch (RuntimeException e) {
                graph.removeNode(n);
                throw e instanceof OpException ? e : new OpException(null, q + ": " + e.getMessage(), e);
            }
            return n.outputs();
        }

        /** {@link #call()} for a single-output op. */
        public OutDataAnchor call1() {
            List<OutDataAnchor> o = call();
            return o.get(0);
        }
    }

    // ---------------------------------------------------------------- typed helpers for common ops

    public OutDataAnchor add(OutDataAnchor a, OutDataAnchor b) { return op("Add").in(a, b).call1(); }
    public OutDataAnchor sub(OutDataAnchor a, OutDataAnchor b) { return op("Sub").in(a, b).call1(); }
    public OutDataAnchor mul(OutDataAnchor a, OutDataAnchor b) { return op("Mul").in(a, b).call1(); }
    public OutDataAnchor div(OutDataAnchor a, OutDataAnchor b) { return op("Div").in(a, b).call1(); }
    public OutDataAnchor relu(OutDataAnchor x) { return op("Relu").in(x).call1(); }
    public OutDataAnchor sigmoid(OutDataAnchor x) { return op("Sigmoid").in(x).call1(); }
    public OutDataAnchor tanh(OutDataAnchor x) { return op("Tanh").in(x).call1(); }
    public OutDataAnchor exp(OutDataAnchor x) { return op("Exp").in(x).call1(); }
    public OutDataAnchor matMul(OutDataAnchor a, OutDataAnchor b) { return op("MatMul").in(a, b).call1(); }

    /** Gemm: alpha*A'*B' + beta*C. */
    public OutDataAnchor gemm(OutDataAnchor a, OutDataAnchor b, OutDataAnchor c, boolean transB) {
        return op("Gemm").in(a, b, c).attr("transB", transB ? 1L : 0L).call1();
    }

    /** 2-D convolution with symmetric padding; bias may be null. */
    public OutDataAnchor conv(OutDataAnchor x, OutDataAnchor w, OutDataAnchor bias, int stride, int pad, int groups) {
        OpCall c = op("Conv").in(x, w);
        if (bias != null) c.in(bias);
        return c.attr("strides", (long) stride, (long) stride).attr("pads", (long) pad, (long) pad, (long) pad, (long) pad)
                .attr("group", (long) groups).call1();
    }

    public OutDataAnchor maxPool(OutDataAnchor x, int kernel, int stride) {
        return op("MaxPool").in(x).attr("kernel_shape", (long) kernel, (long) kernel).attr("strides", (long) stride, (long) stride).call1();
    }

    public OutDataAnchor globalAveragePool(OutDataAnchor x) { return op("GlobalAveragePool").in(x).call1(); }
    public OutDataAnchor softmax(OutDataAnchor x, long axis) { return op("Softmax").in(x).attr("axis", axis).call1(); }
    public OutDataAnchor flatten(OutDataAnchor x, long axis) { return op("Flatten").in(x).attr("axis", axis).call1(); }
    public OutDataAnchor transpose(OutDataAnchor x, long... perm) { return op("Transpose").in(x).attr("perm", perm).call1(); }
    public OutDataAnchor reshape(OutDataAnchor x, long... shape) { return op("Reshape").in(x, constant(Tensor.of(shape))).call1(); }
    public OutDataAnchor concat(long axis, OutDataAnchor... xs) { return op("Concat").in(xs).attr("axis", axis).call1(); }
    public OutDataAnchor cast(OutDataAnchor x, DataType to) { return op("Cast").in(x).attr("to", (long) to.onnxCode()).call1(); }

    public OutDataAnchor layerNorm(OutDataAnchor x, OutDataAnchor scale, OutDataAnchor bias, long axis, float epsilon) {
        return op("LayerNormalization").in(x, scale, bias).attr("axis", axis).attr("epsilon", epsilon).call1();
    }

    // ---------------------------------------------------------------- checks

    private void checkOpen() {
        if (built) throw new IllegalStateException("graph '" + graph.name() + "' is already built");
    }

    private void checkMine(OutDataAnchor v, String where) {
        if (v.node().graph() == null)
            throw new OpException(null, "graph '" + graph.name() + "': " + where + " uses value %" + v.name() + " of a removed node");
        for (Graph g = graph; g != null; g = g.enclosingGraph()) if (v.node().graph() == g) return;
        throw new OpException(null, "graph '" + graph.name() + "': " + where + " uses value %" + v.name() + " of another graph ('" + v.node().graph().name() + "')");
    }
}
