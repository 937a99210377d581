package org.ge4j.parser.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.parser.onnx.OnnxModels.*;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.ValueKind;
import org.ge4j.ops.OpRegistry;
import org.ge4j.parser.onnx.proto.AttributeProto;
import org.ge4j.parser.onnx.proto.FunctionProto;
import org.ge4j.parser.onnx.proto.GraphProto;
import org.ge4j.parser.onnx.proto.ModelProto;
import org.ge4j.parser.onnx.proto.SparseTensorProto;
import org.ge4j.parser.onnx.proto.StringStringEntryProto;
import org.ge4j.parser.onnx.proto.TensorProto;
import org.ge4j.parser.onnx.proto.TypeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxParserTest {
    private final OnnxParser parser = OnnxParser.builder().optMappers(new OnnxOpMappers()).build();

    private Graph parse(ModelProto m) { return parser.parse(m.toByteArray()); }

    private static Node only(Graph g, String type) {
        List<Node> l = g.nodes().stream().filter(n -> n.type().equals(type)).toList();
        assertThat(l).as("nodes of type " + type).hasSize(1);
        return l.get(0);
    }

    @Test void readsInputsNodesOutputsTypesAndOpsets() {
        ModelProto m = addModel().toBuilder().addMetadataProps(StringStringEntryProto.newBuilder().setKey("author").setValue("me")).build();
        Graph g = parse(m);
        assertThat(g.name()).isEqualTo("add");
        assertThat(g.inputs()).extracting(OutDataAnchor::name).containsExactly("X", "Y");
        assertThat(g.inputs().get(0).desc()).isEqualTo(new TensorDesc(DataType.FLOAT, Shape.of(List.of(Dim.of("N"), Dim.of(3)))));
        Node add = only(g, "Add");
        assertThat(add.domain()).isEmpty();
        assertThat(add.inputValue(0)).isSameAs(g.inputs().get(0));
        assertThat(add.inputValue(1)).isSameAs(g.inputs().get(1));
        assertThat(g.outputs()).hasSize(1);
        assertThat(g.outputs().get(0).name()).isEqualTo("Z");
        assertThat(g.outputs().get(0).value()).isSameAs(add.output(0));
        assertThat(add.output(0).desc().shape()).isEqualTo(Shape.of("N", 3L));
        assertThat(g.opset("")).isEqualTo(17);
        assertThat(g.metadata()).containsEntry("producer_name", "ge4j-test").containsEntry("ir_version", "8").containsEntry("author", "me");
    }

    @Test void unknownDimsAndUnknownRank() {
        TypeProto noShape = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(DataType.INT64.onnxCode())).build();
        ModelProto m = model(graph("g", List.of(node("Identity", List.of("A"), List.of("B"))),
                List.of(value("A", noShape)), List.of(value("B", DataType.INT64, (Object) null, 2L))));
        Graph g = parse(m);
        assertThat(g.inputs().get(0).desc()).isEqualTo(new TensorDesc(DataType.INT64, Shape.UNKNOWN_RANK));
        assertThat(g.outputs().get(0).value().desc().shape().dims()).containsExactly(Dim.UNKNOWN, Dim.of(2));
    }

    @Test void initializersBecomeConstantsAndShadowTheirInputs() {
        TensorProto w = floats("W", new long[] {2}, 1.5f, -2f);
        // IR 3 style: the weight is listed as an input too
        ModelProto m = model(graph("g", List.of(node("Mul", List.of("X", "W"), List.of("Y"))),
                List.of(value("X", DataType.FLOAT, 2L), value("W", DataType.FLOAT, 2L)), List.of(value("Y", DataType.FLOAT, 2L)), w))
                .toBuilder().setIrVersion(3).build();
        Graph g = parse(m);
        assertThat(g.inputs()).extracting(OutDataAnchor::name).containsExactly("X");
        Node c = only(g, "Constant");
        assertThat(c.domain()).isEmpty();
        assertThat(c.output(0).name()).isEqualTo("W");
        assertThat(c.attrTensor("value").toFloatArray()).containsExactly(1.5f, -2f);
        assertThat(c.output(0).desc()).isEqualTo(TensorDesc.of(DataType.FLOAT, 2));
        assertThat(only(g, "Mul").inputValue(1)).isSameAs(c.output(0));
    }

    @Test void typedTensorFields() {
        OnnxTensors t = new OnnxTensors("m", null);
        TensorProto.Builder b = TensorProto.newBuilder().setName("t").addDims(3);
        assertThat(t.read(b.clone().setDataType(DataType.INT8.onnxCode()).addAllInt32Data(List.of(-1, 127, -128)).build(), "t").toLongArray())
                .containsExactly(-1, 127, -128);
        assertThat(t.read(b.clone().setDataType(DataType.UINT16.onnxCode()).addAllInt32Data(List.of(0, 65535, 7)).build(), "t").toLongArray())
                .containsExactly(0, 65535, 7);
        assertThat(t.read(b.clone().setDataType(DataType.BOOL.onnxCode()).addAllInt32Data(List.of(1, 0, 1)).build(), "t").toBooleanArray())
                .containsExactly(true, false, true);
        // float16 bits: 1.0 = 0x3C00, -2.0 = 0xC000, 0.5 = 0x3800
        assertThat(t.read(b.clone().setDataType(DataType.FLOAT16.onnxCode()).addAllInt32Data(List.of(0x3C00, 0xC000, 0x3800)).build(), "t").toDoubleArray())
                .containsExactly(1.0, -2.0, 0.5);
        // bfloat16 bits: 1.0 = 0x3F80
        assertThat(t.read(b.clone().setDataType(DataType.BFLOAT16.onnxCode()).addAllInt32Data(List.of(0x3F80, 0x4000, 0)).build(), "t").toDoubleArray())
                .containsExactly(1.0, 2.0, 0.0);
        assertThat(t.read(b.clone().setDataType(DataType.INT64.onnxCode()).addAllInt64Data(List.of(Long.MIN_VALUE, 0L, 5L)).build(), "t").toLongArray())
                .containsExactly(Long.MIN_VALUE, 0, 5);
        assertThat(t.read(b.clone().setDataType(DataType.UINT32.onnxCode()).addAllUint64Data(List.of(4294967295L, 1L, 2L)).build(), "t").toLongArray())
                .containsExactly(4294967295L, 1, 2);
        assertThat(t.read(b.clone().setDataType(DataType.DOUBLE.onnxCode()).addAllDoubleData(List.of(0.1, 0.2, 1e300)).build(), "t").toDoubleArray())
                .containsExactly(0.1, 0.2, 1e300);
        assertThat(t.read(b.clone().setDataType(DataType.COMPLEX64.onnxCode()).addAllFloatData(List.of(1f, 2f, 3f, 4f, 5f, 6f)).build(), "t").toFloatArray())
                .containsExactly(1, 2, 3, 4, 5, 6);
        Tensor s = t.read(b.clone().setDataType(DataType.STRING.onnxCode())
                .addStringData(ByteString.copyFromUtf8("a")).addStringData(ByteString.copyFromUtf8("ü")).addStringData(ByteString.EMPTY).build(), "t");
        assertThat(s.toStringArray()).containsExactly("a", "ü", "");
        assertThat(s.shape()).containsExactly(3);
        // raw_data, little endian
        Tensor r = t.read(b.clone().setDataType(DataType.INT32.onnxCode()).setRawData(ByteString.copyFrom(new byte[] {1, 0, 0, 0, 0, 1, 0, 0, -1, -1, -1, -1})).build(), "t");
        assertThat(r.toLongArray()).containsExactly(1, 256, -1);
    }

    @Test void tensorRoundTripThroughProto() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = OnnxTensors.toTensor(OnnxTensors.toProto(a, "a"));
        assertThat(b.contentEquals(a)).isTrue();
        Tensor s = Tensor.of(new String[] {"x", "yz"}, 2);
        assertThat(OnnxTensors.toTensor(OnnxTensors.toProto(s, "s")).toStringArray()).containsExactly("x", "yz");
    }

    /** External data beyond the 2 GiB mark of its file (a sparse file: no real disk use), as in models over 2 GB. */
    @Test void externalDataBeyondTwoGigabytes(@TempDir Path dir) throws Exception {
        long offset = (1L << 31) + 4096 * 3; // past Integer.MAX_VALUE
        Path bin = dir.resolve("big.bin");
        try (var ch = java.nio.channels.FileChannel.open(bin, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.SPARSE)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(7.5f).putFloat(-0.25f).flip();
            ch.write(buf, offset);
        }
        assertThat(Files.size(bin)).isGreaterThan(Integer.MAX_VALUE);
        TensorProto w = TensorProto.newBuilder().setName("W").setDataType(DataType.FLOAT.onnxCode()).addDims(2)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(kv("location", "big.bin")).addExternalData(kv("offset", Long.toString(offset))).addExternalData(kv("length", "8")).build();
        ModelProto m = model(graph("g", List.of(node("Identity", List.of("W"), List.of("Y"))), List.of(), List.of(value("Y", DataType.FLOAT, 2L)), w));
        Path file = dir.resolve("model.onnx");
        Files.write(file, m.toByteArray());
        assertThat(only(parser.parse(file), "Constant").attrTensor("value").toFloatArray()).containsExactly(7.5f, -0.25f);
    }

    @Test void externalData(@TempDir Path dir) throws Exception {
        byte[] bytes = new byte[8 + 12];
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).position(8).putFloat(1f).putFloat(2f).putFloat(-3f);
        Files.createDirectories(dir.resolve("weights"));
        Files.write(dir.resolve("weights/w.bin"), bytes);
        TensorProto w = TensorProto.newBuilder().setName("W").setDataType(DataType.FLOAT.onnxCode()).addDims(3)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(kv("location", "weights/w.bin")).addExternalData(kv("offset", "8")).addExternalData(kv("length", "12")).build();
        ModelProto m = model(graph("g", List.of(node("Identity", List.of("W"), List.of("Y"))), List.of(), List.of(value("Y", DataType.FLOAT, 3L)), w));
        Path file = dir.resolve("model.onnx");
        Files.write(file, m.toByteArray());
        Graph g = parser.parse(file);
        assertThat(only(g, "Constant").attrTensor("value").toFloatArray()).containsExactly(1f, 2f, -3f);

        // missing file, wrong length, escaping path, and no directory when parsed from bytes
        assertThatThrownBy(() -> parser.parse(m.toBuilder().setGraph(withInit(m, w.toBuilder().setExternalData(0, kv("location", "nope.bin")).build())).build().toByteArray(), "model.onnx", dir))
                .isInstanceOf(OnnxParseException.class).hasMessageContaining("model.onnx").hasMessageContaining("initializer 'W'").hasMessageContaining("nope.bin");
        assertThatThrownBy(() -> parser.parse(m.toBuilder().setGraph(withInit(m, w.toBuilder().setExternalData(2, kv("length", "16")).build())).build().toByteArray(), "model.onnx", dir))
                .isInstanceOf(OnnxParseException.class).hasMessageContaining("length 16");
        assertThatThrownBy(() -> parser.parse(m.toBuilder().setGraph(withInit(m, w.toBuilder().setExternalData(0, kv("location", "../w.bin")).build())).build().toByteArray(), "model.onnx", dir))
                .isInstanceOf(OnnxParseException.class).hasMessageContaining("inside the model's directory");
        assertThatThrownBy(() -> parser.parse(m.toByteArray()))
                .isInstanceOf(OnnxParseException.class).hasMessageContaining("<bytes>").hasMessageContaining("directory");
    }

    private static GraphProto withInit(ModelProto m, TensorProto init) { return m.getGraph().toBuilder().setInitializer(0, init).build(); }

    private static StringStringEntryProto kv(String k, String v) { return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build(); }

    private static TensorProto int64s(String name, long[] dims, long... v) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(DataType.INT64.onnxCode());
        for (long d : dims) b.addDims(d);
        for (long x : v) b.addInt64Data(x);
        return b.build();
    }

    @Test void sparseInitializerIsMadeDense() {
        SparseTensorProto sp = SparseTensorProto.newBuilder().addDims(2).addDims(3)
                .setValues(floats("S", new long[] {2}, 7f, 9f)).setIndices(int64s("", new long[] {2}, 1, 5)).build();
        ModelProto m = model(graph("g", List.of(node("Identity", List.of("S"), List.of("Y"))), List.of(), List.of(value("Y", DataType.FLOAT, 2L, 3L))));
        m = m.toBuilder().setGraph(m.getGraph().toBuilder().addSparseInitializer(sp)).build();
        Tensor t = only(parse(m), "Constant").attrTensor("value");
        assertThat(t.shape()).containsExactly(2, 3);
        assertThat(t.toFloatArray()).containsExactly(0, 7, 0, 0, 0, 9);
        // coordinate form [NNZ, rank]
        SparseTensorProto sp2 = sp.toBuilder().setIndices(int64s("", new long[] {2, 2}, 0, 2, 1, 0)).build();
        assertThat(new OnnxTensors("m", null).readSparse(sp2, "s").toFloatArray()).containsExactly(0, 0, 7, 9, 0, 0);
        SparseTensorProto bad = sp.toBuilder().setIndices(int64s("", new long[] {2}, 1, 6)).build();
        assertThatThrownBy(() -> new OnnxTensors("m", null).readSparse(bad, "initializer 'S'")).isInstanceOf(OnnxParseException.class).hasMessageContaining("out of range");
    }

    @Test void constantNodesAreNormalisedToValue() {
        AttributeProto sparse = AttributeProto.newBuilder().setName("sparse_value").setType(AttributeProto.AttributeType.SPARSE_TENSOR)
                .setSparseTensor(SparseTensorProto.newBuilder().addDims(3).setValues(floats("", new long[] {1}, 4f)).setIndices(int64s("", new long[] {1}, 2))).build();
        AttributeProto ints = AttributeProto.newBuilder().setName("value_ints").setType(AttributeProto.AttributeType.INTS).addInts(3).addInts(-4).build();
        AttributeProto strs = AttributeProto.newBuilder().setName("value_strings").setType(AttributeProto.AttributeType.STRINGS)
                .addStrings(ByteString.copyFromUtf8("p")).addStrings(ByteString.copyFromUtf8("q")).build();
        ModelProto m = model(graph("g", List.of(
                        node("Constant", List.of(), List.of("a"), attr("value_float", 2.5f)),
                        node("Constant", List.of(), List.of("b"), ints),
                        node("Constant", List.of(), List.of("c"), strs),
                        node("Constant", List.of(), List.of("d"), sparse),
                        node("Constant", List.of(), List.of("e"), attr("value_int", 7L)),
                        node("Constant", List.of(), List.of("f"), attr("value_string", "hi"))),
                List.of(), List.of(value("a", DataType.FLOAT), value("b", DataType.INT64, 2L), value("c", DataType.STRING, 2L),
                        value("d", DataType.FLOAT, 3L), value("e", DataType.INT64), value("f", DataType.STRING))));
        Graph g = parse(m);
        Tensor[] v = g.outputs().stream().map(o -> o.value().node()).peek(n -> assertThat(n.attrs().keySet()).containsExactly("value"))
                .map(n -> n.attrTensor("value")).toArray(Tensor[]::new);
        assertThat(v[0].shape()).isEmpty();
        assertThat(v[0].toFloatArray()).containsExactly(2.5f);
        assertThat(v[1].dtype()).isEqualTo(DataType.INT64);
        assertThat(v[1].toLongArray()).containsExactly(3, -4);
        assertThat(v[2].toStringArray()).containsExactly("p", "q");
        assertThat(v[3].toFloatArray()).containsExactly(0, 0, 4);
        assertThat(v[4].shape()).isEmpty();
        assertThat(v[4].toLongArray()).containsExactly(7);
        assertThat(v[5].shape()).isEmpty();
        assertThat(v[5].toStringArray()).containsExactly("hi");

        ModelProto two = model(graph("g", List.of(node("Constant", List.of(), List.of("a"), attr("value_float", 2.5f), attr("value_int", 1L))),
                List.of(), List.of(value("a", DataType.FLOAT))));
        assertThatThrownBy(() -> parse(two)).isInstanceOf(OnnxParseException.class).hasMessageContaining("exactly one").hasMessageContaining("value_float, value_int");
    }

    @Test void attributesOfEveryKind() {
        AttributeProto floats = AttributeProto.newBuilder().setName("fs").setType(AttributeProto.AttributeType.FLOATS).addFloats(1f).addFloats(0.5f).build();
        AttributeProto tensors = AttributeProto.newBuilder().setName("ts").setType(AttributeProto.AttributeType.TENSORS).addTensors(floats("", new long[] {1}, 3f)).build();
        AttributeProto tp = AttributeProto.newBuilder().setName("tp").setType(AttributeProto.AttributeType.TYPE_PROTO)
                .setTp(TypeProto.newBuilder().setSequenceType(TypeProto.Sequence.newBuilder().setElemType(tensorType(DataType.INT32, 2L)))).build();
        AttributeProto untyped = AttributeProto.newBuilder().setName("old").setI(9).build(); // no type field: IR 1 style
        AttributeProto empty = AttributeProto.newBuilder().setName("none").setType(AttributeProto.AttributeType.INTS).build();
        ModelProto m = model(graph("g", List.of(node("com.x", "Thing", "t", List.of("X"), List.of("Y"),
                        attr("i", 3L), attr("f", 0.25f), attr("s", "abc"), floats, tensors, tp, untyped, empty)),
                List.of(value("X", DataType.FLOAT)), List.of(value("Y", DataType.FLOAT))), opset("", 17), opset("com.x", 1));
        Node n = only(parse(m), "Thing");
        assertThat(n.domain()).isEqualTo("com.x");
        assertThat(n.attr("i")).isEqualTo(Attr.of(3L));
        assertThat(n.attr("f")).isEqualTo(Attr.of(0.25f));
        assertThat(n.attr("s")).isEqualTo(Attr.of("abc"));
        assertThat(n.attr("fs")).isEqualTo(Attr.of(1f, 0.5f));
        assertThat(((Attr.Tensors) n.attr("ts")).value().get(0).toFloatArray()).containsExactly(3f);
        assertThat(n.attr("tp")).isEqualTo(new Attr.TypeValue(new TensorDesc(DataType.INT32, Shape.of(new long[] {2})).withKind(ValueKind.SEQUENCE)));
        assertThat(n.attr("old")).isEqualTo(Attr.of(9L));
        assertThat(n.attr("none")).isEqualTo(new Attr.Ints(new long[0]));
    }

    @Test void absentOptionalInputsAndUnusedOutputs() {
        ModelProto m = model(graph("g", List.of(node("Clip", List.of("X", "", "hi"), List.of("Y")), node("Dropout", List.of("Y"), List.of("Z", ""))),
                List.of(value("X", DataType.FLOAT, 4L), value("hi", DataType.FLOAT)), List.of(value("Z", DataType.FLOAT, 4L))));
        Graph g = parse(m);
        Node clip = only(g, "Clip");
        assertThat(clip.inputCount()).isEqualTo(3);
        assertThat(clip.inputValue(1)).isNull();
        assertThat(clip.inputValue(2)).isSameAs(g.input("hi"));
        Node drop = only(g, "Dropout");
        assertThat(drop.outputCount()).isEqualTo(2);
        assertThat(drop.output(1).isUsed()).isFalse();
    }

    @Test void subgraphsResolveOuterNamesInnermostFirst() {
        // then-branch reads outer X; else-branch defines its own X (shadowing) and reads outer Y
        GraphProto thenG = graph("then", List.of(node("Identity", List.of("X"), List.of("t_out"))), List.of(), List.of(value("t_out", DataType.FLOAT)));
        GraphProto elseG = graph("else", List.of(node("Neg", List.of("Y"), List.of("X")), node("Identity", List.of("X"), List.of("e_out"))),
                List.of(), List.of(value("e_out", DataType.FLOAT)));
        ModelProto m = model(graph("g", List.of(node("If", List.of("c"), List.of("Z"), attr("then_branch", thenG), attr("else_branch", elseG))),
                List.of(value("c", DataType.BOOL), value("X", DataType.FLOAT), value("Y", DataType.FLOAT)), List.of(value("Z", DataType.FLOAT))));
        Graph g = parse(m);
        Node iff = only(g, "If");
        Graph t = iff.attrGraph("then_branch");
        Graph e = iff.attrGraph("else_branch");
        assertThat(t.parentNode()).isSameAs(iff);
        assertThat(t.enclosingGraph()).isSameAs(g);
        assertThat(only(t, "Identity").inputValue(0)).isSameAs(g.input("X"));
        Node neg = only(e, "Neg");
        assertThat(neg.inputValue(0)).isSameAs(g.input("Y"));
        assertThat(only(e, "Identity").inputValue(0)).isSameAs(neg.output(0));
        assertThat(iff.capturedValues()).containsExactlyInAnyOrder(g.input("X"), g.input("Y"));
        assertThat(t.outputs().get(0).name()).isEqualTo("t_out");
    }

    @Test void loopBodyInputsAreSubgraphInputs() {
        GraphProto body = graph("body", List.of(node("Add", List.of("acc", "step"), List.of("acc_out")), node("Identity", List.of("cond"), List.of("cond_out"))),
                List.of(value("i", DataType.INT64), value("cond", DataType.BOOL), value("acc", DataType.FLOAT)),
                List.of(value("cond_out", DataType.BOOL), value("acc_out", DataType.FLOAT)));
        ModelProto m = model(graph("g", List.of(node("Loop", List.of("n", "", "a0"), List.of("a"), attr("body", body))),
                List.of(value("n", DataType.INT64), value("a0", DataType.FLOAT), value("step", DataType.FLOAT)), List.of(value("a", DataType.FLOAT))));
        Graph g = parse(m);
        Graph b = only(g, "Loop").attrGraph("body");
        assertThat(b.inputs()).hasSize(3);
        assertThat(b.inputs().get(1).desc().dtype()).isEqualTo(DataType.BOOL);
        Node add = only(b, "Add");
        assertThat(add.inputValue(0)).isSameAs(b.inputs().get(2));
        assertThat(add.inputValue(1)).isSameAs(g.input("step"));
    }

    @Test void unsortedNodesAreSortedAndCyclesRejected() {
        ModelProto m = model(graph("g", List.of(node("Neg", List.of("A"), List.of("B")), node("Abs", List.of("X"), List.of("A"))),
                List.of(value("X", DataType.FLOAT)), List.of(value("B", DataType.FLOAT))));
        Graph g = parse(m);
        assertThat(only(g, "Neg").inputValue(0)).isSameAs(only(g, "Abs").output(0));
        ModelProto cyc = model(graph("g", List.of(node("Neg", List.of("A"), List.of("B")), node("Abs", List.of("B"), List.of("A"))),
                List.of(), List.of(value("B", DataType.FLOAT))));
        assertThatThrownBy(() -> parse(cyc)).isInstanceOf(OnnxParseException.class).hasMessageContaining("cycle").hasMessageContaining("'neg_B' (Neg)");
    }

    @Test void inferenceOptionRunsWithoutFailingOnUnknownOps() {
        Graph g = OnnxParser.builder().optMappers(new OnnxOpMappers()).optInference(new OpRegistry()).build().parse(addModel().toByteArray());
        assertThat(g.nodeCount()).isEqualTo(3);
    }

    @Test void validateReportsUnknownOps() {
        ModelProto m = model(graph("g", List.of(node("com.x", "Mystery", "m1", List.of("X"), List.of("Y"))),
                List.of(value("X", DataType.FLOAT)), List.of(value("Y", DataType.FLOAT))), opset("", 13), opset("com.x", 2));
        List<OnnxParser.UnknownOp> u = OnnxParser.validate(parse(m), OpRegistry.global());
        assertThat(u).containsExactly(new OnnxParser.UnknownOp("m1", "com.x", "Mystery", 2));
        assertThat(u.get(0).message()).contains("m1", "com.x::Mystery", "opset 2");
    }

    // ---------------------------------------------------------------- bad input

    @Test void truncatedOrCorruptProtobuf() {
        byte[] b = addModel().toByteArray();
        assertThatThrownBy(() -> parser.parse(java.util.Arrays.copyOf(b, b.length - 5), "bad.onnx", null))
                .isInstanceOf(OnnxParseException.class).hasMessageStartingWith("bad.onnx: ").hasMessageContaining("truncated or corrupt");
        assertThatThrownBy(() -> parser.parse(new byte[] {(byte) 0xff, (byte) 0xff, 0x01}))
                .isInstanceOf(OnnxParseException.class).hasMessageContaining("<bytes>");
    }

    @Test void missingFile(@TempDir Path dir) {
        assertThatThrownBy(() -> parser.parse(dir.resolve("absent.onnx"))).isInstanceOf(OnnxParseException.class)
                .hasMessageContaining("absent.onnx").hasMessageContaining("no such file");
    }

    @Test void unknownDataType() {
        TensorProto w = TensorProto.newBuilder().setName("W").setDataType(99).addDims(1).build();
        ModelProto m = model(graph("g", List.of(node("Identity", List.of("W"), List.of("Y"))), List.of(), List.of(value("Y", DataType.FLOAT)), w));
        assertThatThrownBy(() -> parser.parse(m.toByteArray(), "m.onnx", null)).isInstanceOf(OnnxParseException.class)
                .hasMessage("m.onnx: graph 'g': initializer 'W': unknown data type code 99");
    }

    @Test void initializerSizeMismatch() {
        ModelProto m = model(graph("g", List.of(node("Identity", List.of("W"), List.of("Y"))), List.of(), List.of(value("Y", DataType.FLOAT)),
                floats("W", new long[] {2, 2}, 1f, 2f, 3f)));
        assertThatThrownBy(() -> parse(m)).isInstanceOf(OnnxParseException.class)
                .hasMessageContaining("initializer 'W'").hasMessageContaining("float_data has 3 values").hasMessageContaining("needs 4");
        TensorProto raw = TensorProto.newBuilder().setName("W").setDataType(DataType.FLOAT.onnxCode()).addDims(2).setRawData(ByteString.copyFrom(new byte[7])).build();
        ModelProto m2 = model(graph("g", List.of(node("Identity", List.of("W"), List.of("Y"))), List.of(), List.of(value("Y", DataType.FLOAT)), raw));
        assertThatThrownBy(() -> parse(m2)).isInstanceOf(OnnxParseException.class).hasMessageContaining("raw_data has 7 bytes").hasMessageContaining("needs 8");
        TensorProto huge = TensorProto.newBuilder().setName("W").setDataType(DataType.FLOAT.onnxCode()).addDims(1L << 40).addDims(1L << 40).build();
        ModelProto m3 = model(graph("g", List.of(node("Identity", List.of("W"), List.of("Y"))), List.of(), List.of(value("Y", DataType.FLOAT)), huge));
        assertThatThrownBy(() -> parse(m3)).isInstanceOf(OnnxParseException.class).hasMessageContaining("too many elements");
    }

    @Test void undefinedValue() {
        ModelProto m = model(graph("g", List.of(node("Add", List.of("X", "nowhere"), List.of("Y"))), List.of(value("X", DataType.FLOAT)), List.of(value("Y", DataType.FLOAT))));
        assertThatThrownBy(() -> parse(m)).isInstanceOf(OnnxParseException.class)
                .hasMessageContaining("node 'add_Y' (Add): input 1 'nowhere' is not defined");
        ModelProto out = model(graph("g", List.of(), List.of(value("X", DataType.FLOAT)), List.of(value("ghost", DataType.FLOAT))));
        assertThatThrownBy(() -> parse(out)).isInstanceOf(OnnxParseException.class).hasMessageContaining("output 'ghost' is not defined");
    }

    @Test void duplicateValueNames() {
        ModelProto twoNodes = model(graph("g", List.of(node("Neg", List.of("X"), List.of("Y")), node("Abs", List.of("X"), List.of("Y"))),
                List.of(value("X", DataType.FLOAT)), List.of(value("Y", DataType.FLOAT))));
        assertThatThrownBy(() -> parse(twoNodes)).isInstanceOf(OnnxParseException.class).hasMessageContaining("duplicate value name 'Y'");
        ModelProto inputTwice = model(graph("g", List.of(node("Neg", List.of("X"), List.of("Y"))),
                List.of(value("X", DataType.FLOAT), value("X", DataType.FLOAT)), List.of(value("Y", DataType.FLOAT))));
        assertThatThrownBy(() -> parse(inputTwice)).isInstanceOf(OnnxParseException.class).hasMessageContaining("duplicate value name 'X'");
        ModelProto nodeOverwritesInput = model(graph("g", List.of(node("Neg", List.of("X"), List.of("X"))),
                List.of(value("X", DataType.FLOAT)), List.of(value("X", DataType.FLOAT))));
        assertThatThrownBy(() -> parse(nodeOverwritesInput)).isInstanceOf(OnnxParseException.class).hasMessageContaining("duplicate value name 'X'");
    }

    @Test void missingOpsetImport() {
        ModelProto none = addModel().toBuilder().clearOpsetImport().build();
        assertThatThrownBy(() -> parse(none)).isInstanceOf(OnnxParseException.class).hasMessageContaining("imports no opset");
        ModelProto domain = model(graph("g", List.of(node("com.x", "Thing", "t", List.of("X"), List.of("Y"))),
                List.of(value("X", DataType.FLOAT)), List.of(value("Y", DataType.FLOAT))));
        assertThatThrownBy(() -> parse(domain)).isInstanceOf(OnnxParseException.class)
                .hasMessageContaining("node 't' (com.x::Thing)").hasMessageContaining("no opset import for domain 'com.x'");
    }

    @Test void modelLocalFunctionsAreInlined() {
        AttributeProto refAlpha = AttributeProto.newBuilder().setName("value_float").setType(AttributeProto.AttributeType.FLOAT).setRefAttrName("alpha").build();
        AttributeProto refMode = AttributeProto.newBuilder().setName("mode").setType(AttributeProto.AttributeType.STRING).setRefAttrName("mode").build();
        // com.local::AxpY(X, Y; alpha, mode) = alpha * X + Y, with alpha defaulting to 2
        FunctionProto axpy = FunctionProto.newBuilder().setDomain("com.local").setName("AxpY")
                .addInput("X").addInput("Y").addOutput("Z").addAttribute("mode")
                .addAttributeProto(attr("alpha", 2f))
                .addNode(node("", "Constant", "c", List.of(), List.of("a"), refAlpha))
                .addNode(node("", "Mul", "m", List.of("a", "X"), List.of("t"), refMode))
                .addNode(node("", "Add", "s", List.of("t", "Y"), List.of("Z")))
                .addOpsetImport(opset("", 17)).build();
        ModelProto m = model(graph("g", List.of(
                        node("com.local", "AxpY", "f1", List.of("P", "Q"), List.of("R"), attr("alpha", 3f)),
                        node("com.local", "AxpY", "f2", List.of("R", "P"), List.of("S"), attr("mode", "fast"))),
                List.of(value("P", DataType.FLOAT, 2L), value("Q", DataType.FLOAT, 2L)), List.of(value("S", DataType.FLOAT, 2L))),
                opset("", 17), opset("com.local", 1)).toBuilder().addFunctions(axpy).build();
        Graph g = parse(m);
        assertThat(g.nodes()).extracting(Node::name).containsExactly("P", "Q", "f1/c", "f1/m", "f1/s", "f2/c", "f2/m", "f2/s");
        assertThat(g.findNode("f1/c").attrTensor("value").toFloatArray()).containsExactly(3f);
        assertThat(g.findNode("f2/c").attrTensor("value").toFloatArray()).containsExactly(2f);
        assertThat(g.findNode("f1/m").hasAttr("mode")).isFalse();
        assertThat(g.findNode("f2/m").attr("mode")).isEqualTo(Attr.of("fast"));
        assertThat(g.findNode("f1/m").inputValue(1)).isSameAs(g.input("P"));
        assertThat(g.findNode("f2/m").inputValue(1)).isSameAs(g.findNode("f1/s").output(0));
        assertThat(g.findNode("f2/s").inputValue(1)).isSameAs(g.input("P"));
        assertThat(g.outputs().get(0).value()).isSameAs(g.findNode("f2/s").output(0));
        assertThat(OnnxParser.validate(g, new OpRegistry())).extracting(OnnxParser.UnknownOp::opType).doesNotContain("AxpY");

        // a function body sees only its inputs, not the caller's values
        FunctionProto leaky = axpy.toBuilder().setNode(2, node("", "Add", "s", List.of("t", "Q"), List.of("Z"))).build();
        assertThatThrownBy(() -> parse(m.toBuilder().setFunctions(0, leaky).build())).isInstanceOf(OnnxParseException.class)
                .hasMessageContaining("function 'AxpY'").hasMessageContaining("input 1 'Q' is not defined");
        // ref_attr_name outside a function
        ModelProto bad = model(graph("g", List.of(node("", "Constant", "c", List.of(), List.of("a"), refAlpha)), List.of(), List.of(value("a", DataType.FLOAT))));
        assertThatThrownBy(() -> parse(bad)).isInstanceOf(OnnxParseException.class).hasMessageContaining("only a function body");
        // recursion is cut off
        FunctionProto self = FunctionProto.newBuilder().setDomain("com.local").setName("Self").addInput("X").addOutput("Y")
                .addNode(node("com.local", "Self", "r", List.of("X"), List.of("Y"))).build();
        ModelProto rec = model(graph("g", List.of(node("com.local", "Self", "top", List.of("P"), List.of("R"))),
                List.of(value("P", DataType.FLOAT)), List.of(value("R", DataType.FLOAT))), opset("", 17), opset("com.local", 1)).toBuilder().addFunctions(self).build();
        assertThatThrownBy(() -> parse(rec)).isInstanceOf(OnnxParseException.class).hasMessageContaining("nest more than 64 deep");
    }
}
