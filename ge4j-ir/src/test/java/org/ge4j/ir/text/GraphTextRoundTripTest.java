package org.ge4j.ir.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Format;
import org.ge4j.ir.Graph;
import org.ge4j.ir.GraphVerifier;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.ValueKind;
import org.junit.jupiter.api.Test;

class GraphTextRoundTripTest {

    /** parse(print(g)) is structurally equal to g, verifies, and prints to the same text again. */
    private static Graph roundTrip(Graph g) {
        assertThat(GraphVerifier.check(g)).as("the test graph itself is well formed").isEmpty();
        String text = GraphPrinter.print(g);
        Graph back = GraphTextParser.parse(text);
        assertThat(GraphEquality.diff(g, back)).as("diff after round trip of\n%s", text).isEmpty();
        assertThat(GraphEquality.diff(back, g)).isEmpty();
        assertThat(GraphVerifier.check(back)).isEmpty();
        assertThat(GraphPrinter.print(back)).isEqualTo(text);
        return back;
    }

    private static TensorDesc f32(Object... dims) { return new TensorDesc(DataType.FLOAT, Shape.of(dims)); }

    private static Tensor randomFloats(Random r, long... shape) {
        float[] v = new float[(int) Shape.elementCount(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return Tensor.of(v, shape);
    }

    @Test
    void smallCnn() {
        Random r = new Random(42);
        Graph g = new Graph("cnn");
        g.setOpset("", 17).setOpset("com.microsoft", 1);
        g.metadata().put("producer_name", "pytorch");
        g.metadata().put("doc", "a small \"CNN\"\nwith two lines");
        OutDataAnchor x = g.addInput("input.1", f32("batch", 3L, 32L, 32L));
        Node w = g.addNode("Constant", "conv1.weight", List.of(), 1);
        w.setAttr("value", Attr.of(randomFloats(r, 8, 3, 3, 3)));
        w.output(0).setDesc(f32(8L, 3L, 3L, 3L));
        Node b = g.addNode("Constant", "conv1.bias", List.of(), 1);
        b.setAttr("value", Attr.of(randomFloats(r, 8)));
        Node conv = g.addNode("Conv", "/conv1/Conv", List.of(x, w.output(0), b.output(0)), 1);
        conv.setAttr("strides", Attr.of(1L, 1L)).setAttr("pads", Attr.of(1L, 1L, 1L, 1L)).setAttr("group", Attr.of(1L))
                .setAttr("auto_pad", Attr.of("NOTSET"));
        conv.output(0).setDesc(f32("batch", 8L, 32L, 32L));
        Node relu = g.addNode("Relu", "/relu/Relu", List.of(conv.output(0)), 1);
        Node pool = g.addNode("MaxPool", "/pool/MaxPool", List.of(relu.output(0)), 2);
        pool.setAttr("kernel_shape", Attr.of(2L, 2L)).setAttr("strides", Attr.of(2L, 2L));
        pool.output(0).setDesc(f32("batch", 8L, 16L, 16L));
        pool.output(1).setDesc(new TensorDesc(DataType.INT64, Shape.of("batch", 8L, 16L, 16L)));
        Node flat = g.addNode("Flatten", "/Flatten", List.of(pool.output(0)), 1);
        flat.setAttr("axis", Attr.of(1L));
        Node fcw = g.addNode("Constant", "fc.weight", List.of(), 1);
        fcw.setAttr("value", Attr.of(randomFloats(r, 10, 2048)));
        Node gemm = g.addNode("Gemm", "/fc/Gemm", Arrays.asList(flat.output(0), fcw.output(0), null), 1);
        gemm.setAttr("transB", Attr.of(1L)).setAttr("alpha", Attr.of(1.0f)).setAttr("beta", Attr.of(0.5f));
        Node soft = g.addNode("Softmax", "/Softmax", List.of(gemm.output(0)), 1);
        soft.output(0).setDesc(f32("batch", 10L));
        g.addOutput("probabilities", soft.output(0));
        g.addOutput(gemm.output(0));
        Graph back = roundTrip(g);
        assertThat(back.findNode("/conv1/Conv").attrInts("pads", null)).containsExactly(1, 1, 1, 1);
        assertThat(back.findNode("fc.weight").attrTensor("value").contentEquals(fcw.attrTensor("value"))).isTrue();
        assertThat(back.metadata()).containsEntry("doc", "a small \"CNN\"\nwith two lines");
        assertThat(back.opset("com.microsoft")).isEqualTo(1);
    }

    /** A tensor of every bit pattern of a narrow float type, written as raw bytes. */
    private static Tensor allPatterns(DataType t) {
        int n = 1 << t.bits();
        ByteBuffer bb = ByteBuffer.allocate((int) t.storageBytes(n));
        for (int c = 0; c < n; c++) {
            if (t.bits() == 16) bb.putShort((short) c);
            else if (t.bits() == 8) bb.put((byte) c);
        }
        if (t.bits() == 4) for (int c = 0; c < n; c += 2) bb.put((byte) (c | (c + 1) << 4));
        bb.flip();
        return Tensor.fromBytes(t, new long[] {n}, bb.order(java.nio.ByteOrder.LITTLE_ENDIAN));
    }

    private static List<Tensor> tensorOfEveryType() {
        List<Tensor> l = new ArrayList<>();
        l.add(Tensor.of(new float[] {1.5f, -0.0f, 0.0f, Float.intBitsToFloat(0x7fc00001), Float.NaN, Float.intBitsToFloat(0xffc00000),
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, Float.MAX_VALUE, 0.1f, 1e-30f}, 3, 4));
        l.add(Tensor.of(new double[] {Math.PI, -0.0, Double.longBitsToDouble(0x7ff0000000000001L), Double.NaN, Double.MIN_VALUE,
                Double.MAX_VALUE, Double.NEGATIVE_INFINITY, 0.1}));
        l.add(Tensor.scalar(7.25f));
        l.add(Tensor.of(new float[0], 0, 3));
        l.add(Tensor.of(new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}, 2, 2));
        l.add(Tensor.of(new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}));
        l.add(Tensor.of(new short[] {Short.MIN_VALUE, -1, 0, Short.MAX_VALUE}));
        l.add(Tensor.of(new byte[] {Byte.MIN_VALUE, -1, 0, Byte.MAX_VALUE}));
        l.add(Tensor.fromLongs(DataType.UINT8, new long[] {3}, new long[] {0, 128, 255}));
        l.add(Tensor.fromLongs(DataType.UINT16, new long[] {3}, new long[] {0, 32768, 65535}));
        l.add(Tensor.fromLongs(DataType.UINT32, new long[] {3}, new long[] {0, 1L << 31, 0xffffffffL}));
        l.add(Tensor.fromLongs(DataType.UINT64, new long[] {3}, new long[] {0, Long.MIN_VALUE, -1L}));
        l.add(Tensor.fromLongs(DataType.INT4, new long[] {5}, new long[] {-8, -1, 0, 3, 7}));
        l.add(Tensor.fromLongs(DataType.UINT4, new long[] {3}, new long[] {0, 9, 15}));
        l.add(Tensor.of(new boolean[] {true, false, true}, 3, 1));
        l.add(Tensor.fromBytes(DataType.BOOL, new long[] {2}, ByteBuffer.wrap(new byte[] {2, 1})));
        l.add(Tensor.of(new String[] {"", "plain", "quote\" backslash\\ newline\n tab\t", "unicode é 😀", "\u0001\u007f"}, 5));
        l.add(Tensor.of(new String[] {"scalar"}).reshape());
        l.add(Tensor.fromDoubles(DataType.COMPLEX64, new long[] {2}, new double[] {1, -2, Double.NaN, Double.POSITIVE_INFINITY}));
        l.add(Tensor.fromDoubles(DataType.COMPLEX128, new long[] {1}, new double[] {Math.E, -0.0}));
        for (DataType t : List.of(DataType.FLOAT16, DataType.BFLOAT16, DataType.FLOAT8E4M3FN, DataType.FLOAT8E4M3FNUZ, DataType.FLOAT8E5M2,
                DataType.FLOAT8E5M2FNUZ, DataType.FLOAT4E2M1))
            l.add(allPatterns(t));
        return l;
    }

    @Test
    void everyAttributeKindAndDataType() {
        Graph g = new Graph("attrs");
        g.setOpset("", 17).setOpset("com.test", 3);
        OutDataAnchor x = g.addInput("x", TensorDesc.UNKNOWN);
        Node n = g.addNode("com.test", "Everything", "all", 0);
        n.addInput(x);
        n.setAttr("int", Attr.of(42L)).setAttr("neg", Attr.of(-7L)).setAttr("min", Attr.of(Long.MIN_VALUE)).setAttr("max", Attr.of(Long.MAX_VALUE));
        n.setAttr("float", Attr.of(0.1f)).setAttr("nan", Attr.of(Float.NaN)).setAttr("nan_payload", Attr.of(Float.intBitsToFloat(0x7f800123)))
                .setAttr("negzero", Attr.of(-0.0f)).setAttr("inf", Attr.of(Float.POSITIVE_INFINITY)).setAttr("ninf", Attr.of(Float.NEGATIVE_INFINITY))
                .setAttr("tiny", Attr.of(Float.MIN_VALUE)).setAttr("whole", Attr.of(3.0f));
        n.setAttr("string", Attr.of("a \"quoted\" \\ string\nwith\ttabs, é, 😀 and \u0000"));
        n.setAttr("empty_string", Attr.of(""));
        n.setAttr("ints", Attr.of(1L, -2L, 3L)).setAttr("no_ints", new Attr.Ints(new long[0]));
        n.setAttr("floats", Attr.of(1.0f, Float.NaN, -0.0f, 2.5e-8f)).setAttr("no_floats", new Attr.Floats(new float[0]));
        n.setAttr("strings", Attr.ofStrings(List.of("a", "", "c d"))).setAttr("no_strings", new Attr.Strs(List.of()));
        List<Tensor> tensors = tensorOfEveryType();
        for (Tensor t : tensors) n.setAttr("t_" + t.dtype().shortName() + "_" + t.rank() + "_" + t.size(), Attr.of(t));
        n.setAttr("tensors", new Attr.Tensors(tensors.subList(0, 3))).setAttr("no_tensors", new Attr.Tensors(List.of()));
        n.setAttr("type", new Attr.TypeValue(new TensorDesc(DataType.FLOAT16, Shape.of("N", -1L), Format.ND, ValueKind.OPTIONAL_SEQUENCE)));
        n.setAttr("types", new Attr.Types(List.of(TensorDesc.UNKNOWN, TensorDesc.of(DataType.INT64, Shape.UNKNOWN_RANK).withKind(ValueKind.SEQUENCE),
                TensorDesc.of(DataType.STRING, Shape.SCALAR).withKind(ValueKind.MAP), TensorDesc.of(DataType.UINT8, 2L).withKind(ValueKind.OPTIONAL_TENSOR))));
        n.setAttr("no_types", new Attr.Types(List.of()));
        Graph sub = Graph.newSubgraph("body", g);
        Node id = sub.addNode("Identity", "inner", List.of(x), 1);
        sub.addOutput("r", id.output(0));
        n.setAttr("graph", Attr.of(sub));
        Graph s1 = Graph.newSubgraph("first", g);
        s1.addOutput("x_again", x);
        Graph s2 = Graph.newSubgraph("second", g);
        OutDataAnchor si = s2.addInput("s2_in", TensorDesc.of(DataType.INT32, 1L));
        s2.addOutput(si);
        n.setAttr("graphs", new Attr.Graphs(List.of(s1, s2))).setAttr("no_graphs", new Attr.Graphs(List.of()));
        n.addOutput("out", TensorDesc.UNKNOWN);
        Graph back = roundTrip(g);
        Node m = back.findNode("all");
        assertThat(Float.floatToRawIntBits(m.attrFloat("nan_payload", 0))).isEqualTo(0x7f800123);
        assertThat(Float.floatToRawIntBits(m.attrFloat("negzero", 0))).isEqualTo(0x80000000);
        for (Tensor t : tensors) {
            Tensor u = m.attrTensor("t_" + t.dtype().shortName() + "_" + t.rank() + "_" + t.size());
            assertThat(u.contentEquals(t)).as("%s", t).isTrue();
            if (t.dtype() != DataType.STRING) assertThat(u.toByteArray()).isEqualTo(t.toByteArray());
        }
    }

    @Test
    void nestedLoopAndIfWithCaptures() {
        Graph g = new Graph("main");
        g.setOpset("", 16);
        OutDataAnchor x = g.addInput("x", f32("N", 4L));
        OutDataAnchor trips = g.addInput("trips", TensorDesc.of(DataType.INT64));
        Node scale = g.addNode("Constant", "scale", List.of(), 1);
        scale.setAttr("value", Attr.of(Tensor.scalar(2.0f)));
        Node loop = g.addNode("Loop", "loop", Arrays.asList(trips, null, x), 2);
        Graph body = Graph.newSubgraph("body", g);
        OutDataAnchor iter = body.addInput("i", TensorDesc.of(DataType.INT64));
        OutDataAnchor cond = body.addInput("cond_in", TensorDesc.of(DataType.BOOL));
        OutDataAnchor carried = body.addInput("carried", f32("N", 4L));
        Node mul = body.addNode("Mul", "mul", List.of(carried, scale.output(0)), 1); // reads the root's %scale_out0
        Node cast = body.addNode("Cast", "cast", List.of(iter), 1);
        cast.setAttr("to", Attr.of(1L));
        Node greater = body.addNode("Greater", "greater", List.of(cast.output(0), scale.output(0)), 1);
        Node iff = body.addNode("If", "branch", List.of(greater.output(0)), 1);
        Graph then = Graph.newSubgraph("then", body);
        Node add = then.addNode("Add", "add", List.of(mul.output(0), x), 1); // reads the body's %mul_out0 and the root's %x
        then.addOutput("then_out", add.output(0));
        Graph els = Graph.newSubgraph("else", body);
        els.addOutput("else_out", carried); // a subgraph output that is a value of the enclosing body
        iff.setAttr("then_branch", Attr.of(then)).setAttr("else_branch", Attr.of(els));
        body.addOutput("cond_out", cond);
        body.addOutput("carried_out", iff.output(0));
        body.addOutput("scan", mul.output(0));
        loop.setAttr("body", Attr.of(body));
        g.addOutput("final", loop.output(0));
        g.addOutput("scanned", loop.output(1));
        Graph back = roundTrip(g);
        Node l2 = back.findNode("loop");
        assertThat(l2.capturedValues()).extracting(OutDataAnchor::name).containsExactlyInAnyOrder("scale_out0", "x");
    }

    @Test
    void controlEdgesIncludingNodesWithoutOutputs() {
        Graph g = new Graph("ctrl");
        OutDataAnchor x = g.addInput("x", TensorDesc.of(DataType.FLOAT, 2L));
        Node a = g.addNode("Relu", "a", List.of(x), 1);
        Node p1 = g.addNode("", "Print", "print", 1);
        p1.input(0).connect(a.output(0));
        Node p2 = g.addNode("", "Print", "print", 1); // same name: referenced by position
        p2.input(0).connect(x);
        Node lone = g.addNode("", "Barrier", "barrier", 0); // unique name, no outputs
        Node b = g.addNode("Neg", "b", List.of(x), 1);
        g.addControlEdge(a, b);
        g.addControlEdge(p1, b);
        g.addControlEdge(p2, lone);
        g.addControlEdge(lone, p1);
        g.addControlEdge(g.inputNodes().get(0), lone);
        g.addOutput(b.output(0));
        Graph back = roundTrip(g);
        assertThat(GraphPrinter.print(g)).contains("ctrl @barrier -> #").contains("ctrl %a_out0 -> %b_out0");
        Node b2 = back.findNode("b");
        assertThat(b2.controlIn().peers()).hasSize(2);
    }

    @Test
    void shapesKindsFormatsAndUnknowns() {
        Graph g = new Graph("types");
        OutDataAnchor s = g.addInput("s", new TensorDesc(DataType.FLOAT, Shape.of(Dim.of("batch size"), Dim.of("_"), Dim.of("seq"), Dim.UNKNOWN)));
        OutDataAnchor u = g.addInput("u", TensorDesc.UNKNOWN);
        OutDataAnchor r = g.addInput("r", new TensorDesc(DataType.UNDEFINED, Shape.of(2L, 3L)));
        Node n = g.addNode("com.x", "Multi", "multi", 0);
        n.addInput(s);
        n.addInput(null);
        n.addInput(u);
        n.addInput(r);
        n.addInput(null);
        n.addOutput("a", new TensorDesc(DataType.FLOAT, Shape.of(1L, 3L, 8L, 8L), Format.NCHW, ValueKind.TENSOR));
        n.addOutput("b", null);
        n.addOutput("c", TensorDesc.of(DataType.INT64, Shape.UNKNOWN_RANK).withKind(ValueKind.SEQUENCE));
        n.addOutput("d", TensorDesc.of(DataType.BOOL, Shape.SCALAR).withKind(ValueKind.OPTIONAL_TENSOR));
        n.addOutput("e", TensorDesc.of(DataType.FLOAT16, Shape.of("n")).withKind(ValueKind.OPTIONAL_SEQUENCE));
        n.addOutput("f", new TensorDesc(DataType.FLOAT, Shape.of(1L, 2L, 4L, 4L, 8L), Format.NCHWc8, ValueKind.TENSOR));
        n.addOutput("g", new TensorDesc(DataType.FLOAT8E5M2, Shape.of("0", "?", "*")));
        Node m = g.addNode("ai.onnx.ml", "ZipMap", "zip", 0);
        m.addInput(n.output(0));
        m.addOutput("h", TensorDesc.of(DataType.STRING, Shape.UNKNOWN_RANK).withKind(ValueKind.MAP));
        for (OutDataAnchor o : n.outputs()) g.addOutput(o);
        g.addOutput(m.output(0));
        roundTrip(g);
        assertThat(GraphPrinter.print(g)).contains("input %s : f32[\"batch size\",\"_\",\"seq\",?]")
                .contains(": f32[1,3,8,8]@NCHW, ?, seq<i64[*]>, opt<bool[]>, opt<seq<f16[n]>>, f32[1,2,4,4,8]@NCHWc8, f8e5m2[\"0\",?,\"*\"]")
                .contains("Multi(%s, _, %u, %r, _)");
    }

    @Test
    void oddNamesAreQuoted() {
        Graph g = new Graph("my graph");
        g.setOpset("", 17);
        OutDataAnchor x = g.addInput("the input", TensorDesc.of(DataType.FLOAT, 1L));
        x.node().setName("input");
        x.node().setAttr("doc", Attr.of("extra attribute on a Data node"));
        Node n = g.addNode("weird.domain", "return", "", 1);
        n.input(0).connect(x);
        n.addOutput("%odd\"value", TensorDesc.of(DataType.FLOAT, 1L));
        n.setAttr("graph", Attr.of("not a graph"));
        Node k = g.addNode("Identity", "ctrl", List.of(n.output(0)), 1);
        k.output(0).setName("a/b.c$1");
        g.addOutput("output with spaces", k.output(0));
        g.addOutput("_", n.output(0));
        Graph back = roundTrip(g);
        assertThat(back.name()).isEqualTo("my graph");
        assertThat(back.inputNodes().get(0).name()).isEqualTo("input");
        assertThat(GraphPrinter.print(g)).contains("%a/b.c$1");
    }

    @Test
    void handWrittenTextParses() {
        String text = """
                // a hand-written graph: forward references and comments are fine
                graph main {
                  opset "" = 17
                  input %x: f32[N,3,224,224]
                  %y = Conv(%x, %w, _) {strides = [1, 1], pads = [0, 0, 0, 0], dilations = ints[1, 1]} : f32[N,16,?,?]
                  %w = Constant() {value = tensor<f32[2]>[1, 2.5]}
                  %a, %b = com.acme::Split2(%y) {ratio = floats[1, 2]}
                  %c = If(%cond) {then_branch = graph then { return %a }, else_branch = graph else { %e = Neg(%b) return %e }}
                  input %cond: bool[]
                  ctrl %a -> %c
                  return %y, out2 = %b, %c
                }
                """;
        Graph g = GraphTextParser.parse(text);
        assertThat(GraphVerifier.check(g)).isEmpty();
        Node conv = g.findNode("y");
        assertThat(conv.type()).isEqualTo("Conv");
        assertThat(conv.inputValue(1).node().attrTensor("value").toFloatArray()).containsExactly(1.0f, 2.5f);
        assertThat(conv.input(2).isConnected()).isFalse();
        assertThat(g.findNode("a").qualifiedType()).isEqualTo("com.acme::Split2");
        assertThat(g.findNode("a").attrFloats("ratio", null)).containsExactly(1f, 2f);
        assertThat(g.inputNodes()).extracting(Node::name).containsExactly("x", "cond");
        assertThat(g.outputs()).extracting(Graph.Output::name).containsExactly("y", "out2", "c");
        assertThat(g.findNode("c").controlIn().peers()).extracting(c -> c.node().name()).containsExactly("a");
        assertThat(g.findNode("c").attrGraph("else_branch").outputs().get(0).value().name()).isEqualTo("e");
        roundTrip(g);
    }

    @Test
    void largeTensorsPrintInFull() {
        Random r = new Random(7);
        Graph g = new Graph("big");
        Node c = g.addNode("Constant", "big", List.of(), 1);
        double[] v = new double[20_000];
        for (int i = 0; i < v.length; i++) v[i] = r.nextDouble() * 1e6 - 5e5;
        c.setAttr("value", Attr.of(Tensor.of(v, 100, 200)));
        g.addOutput(c.output(0));
        Graph back = roundTrip(g);
        assertThat(back.findNode("big").attrTensor("value").toDoubleArray()).containsExactly(v);
    }
}
