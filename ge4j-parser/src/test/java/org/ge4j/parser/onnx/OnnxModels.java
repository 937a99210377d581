package org.ge4j.parser.onnx;

import com.google.protobuf.ByteString;
import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.parser.onnx.proto.AttributeProto;
import org.ge4j.parser.onnx.proto.GraphProto;
import org.ge4j.parser.onnx.proto.ModelProto;
import org.ge4j.parser.onnx.proto.NodeProto;
import org.ge4j.parser.onnx.proto.OperatorSetIdProto;
import org.ge4j.parser.onnx.proto.TensorProto;
import org.ge4j.parser.onnx.proto.TensorShapeProto;
import org.ge4j.parser.onnx.proto.TypeProto;
import org.ge4j.parser.onnx.proto.ValueInfoProto;

/** Small builders of ONNX protobufs for tests (models are written from Java, never committed as files). */
final class OnnxModels {
    private OnnxModels() {}

    /** A tensor type; dims are Long (static), String (symbolic) or null (unknown). */
    static TypeProto tensorType(DataType t, Object... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder db = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof Number n) db.setDimValue(n.longValue());
            else if (d instanceof String p) db.setDimParam(p);
            s.addDim(db);
        }
        return TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(t.onnxCode()).setShape(s)).build();
    }

    static ValueInfoProto value(String name, DataType t, Object... dims) {
        return ValueInfoProto.newBuilder().setName(name).setType(tensorType(t, dims)).build();
    }

    static ValueInfoProto value(String name, TypeProto t) { return ValueInfoProto.newBuilder().setName(name).setType(t).build(); }

    static NodeProto node(String type, List<String> in, List<String> out, AttributeProto... attrs) {
        return node("", type, type.toLowerCase() + "_" + String.join("_", out), in, out, attrs);
    }

    static NodeProto node(String domain, String type, String name, List<String> in, List<String> out, AttributeProto... attrs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(type).setName(name).addAllInput(in).addAllOutput(out);
        if (!domain.isEmpty()) b.setDomain(domain);
        for (AttributeProto a : attrs) b.addAttribute(a);
        return b.build();
    }

    static AttributeProto attr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    static AttributeProto attr(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    static AttributeProto attr(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(v)).build();
    }

    static AttributeProto attr(String name, TensorProto t) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR).setT(t).build();
    }

    static AttributeProto attr(String name, GraphProto g) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.GRAPH).setG(g).build();
    }

    static TensorProto floats(String name, long[] dims, float... v) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(DataType.FLOAT.onnxCode());
        for (long d : dims) b.addDims(d);
        for (float f : v) b.addFloatData(f);
        return b.build();
    }

    static GraphProto graph(String name, List<NodeProto> nodes, List<ValueInfoProto> in, List<ValueInfoProto> out, TensorProto... inits) {
        GraphProto.Builder b = GraphProto.newBuilder().setName(name).addAllNode(nodes).addAllInput(in).addAllOutput(out);
        for (TensorProto t : inits) b.addInitializer(t);
        return b.build();
    }

    static OperatorSetIdProto opset(String domain, long version) {
        return OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version).build();
    }

    static ModelProto model(GraphProto g, OperatorSetIdProto... opsets) {
        ModelProto.Builder b = ModelProto.newBuilder().setIrVersion(8).setProducerName("ge4j-test").setGraph(g);
        if (opsets.length == 0) b.addOpsetImport(opset("", 17));
        for (OperatorSetIdProto o : opsets) b.addOpsetImport(o);
        return b.build();
    }

    /** X[N,3] + Y[N,3] = Z. */
    static ModelProto addModel() {
        return model(graph("add", List.of(node("Add", List.of("X", "Y"), List.of("Z"))),
                List.of(value("X", DataType.FLOAT, "N", 3L), value("Y", DataType.FLOAT, "N", 3L)),
                List.of(value("Z", DataType.FLOAT, "N", 3L))));
    }
}
