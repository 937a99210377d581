package org.ge4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.api.GraphBuilder;
import org.ge4j.parser.onnx.proto.GraphProto;
import org.ge4j.parser.onnx.proto.ModelProto;
import org.ge4j.parser.onnx.proto.NodeProto;
import org.ge4j.parser.onnx.proto.OperatorSetIdProto;
import org.ge4j.parser.onnx.proto.TensorProto;
import org.ge4j.parser.onnx.proto.TensorShapeProto;
import org.ge4j.parser.onnx.proto.TypeProto;
import org.ge4j.parser.onnx.proto.ValueInfoProto;

/** y = relu(x W + b) with x [batch, 4], W [4, 3], b [3]: as a Graph API graph and as an ONNX file. */
final class TinyModels {
    static final float[] W = {0.5f, -0.2f, 0.1f, 0.3f, 0.8f, -0.5f, -0.6f, 0.1f, 0.9f, 0.2f, -0.3f, 0.4f};
    static final float[] B = {0.1f, 0f, -0.1f};

    private TinyModels() {}

    static Graph graph() {
        GraphBuilder b = GraphBuilder.create("tiny");
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of(1, 4));
        OutDataAnchor y = b.relu(b.add(b.matMul(x, b.constant("w", Tensor.of(W, 4, 3))), b.constant("b", Tensor.of(B, 3))));
        return b.output("y", y).build();
    }

    /** y for one row x, computed directly. */
    static double[] expected(float[] x) {
        double[] y = new double[3];
        for (int j = 0; j < 3; j++) {
            double s = B[j];
            for (int k = 0; k < 4; k++) s += (double) x[k] * W[k * 3 + j];
            y[j] = Math.max(0, s);
        }
        return y;
    }

    /** Writes the model as ONNX (opset 13); {@code dynamicBatch} makes x's first dim the symbol N. */
    static Path writeOnnx(Path dir, String name, boolean dynamicBatch) throws IOException {
        TensorShapeProto.Dimension batch = dynamicBatch ? TensorShapeProto.Dimension.newBuilder().setDimParam("N").build()
                : TensorShapeProto.Dimension.newBuilder().setDimValue(1).build();
        TypeProto xType = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(
                TensorShapeProto.newBuilder().addDim(batch).addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(4)))).build();
        TypeProto yType = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(1)).build();
        TensorProto.Builder w = TensorProto.newBuilder().setName("w").setDataType(1).addDims(4).addDims(3);
        for (float v : W) w.addFloatData(v);
        TensorProto.Builder bias = TensorProto.newBuilder().setName("b").setDataType(1).addDims(3);
        for (float v : B) bias.addFloatData(v);
        GraphProto g = GraphProto.newBuilder().setName(name)
                .addInput(ValueInfoProto.newBuilder().setName("x").setType(xType))
                .addOutput(ValueInfoProto.newBuilder().setName("y").setType(yType))
                .addInitializer(w).addInitializer(bias)
                .addNode(NodeProto.newBuilder().setOpType("MatMul").addInput("x").addInput("w").addOutput("xw"))
                .addNode(NodeProto.newBuilder().setOpType("Add").addInput("xw").addInput("b").addOutput("xwb"))
                .addNode(NodeProto.newBuilder().setOpType("Relu").addInput("xwb").addOutput("y"))
                .build();
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setProducerName("ge4j-bench-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
        Path f = dir.resolve(name + ".onnx");
        Files.write(f, m.toByteArray());
        return f;
    }
}
