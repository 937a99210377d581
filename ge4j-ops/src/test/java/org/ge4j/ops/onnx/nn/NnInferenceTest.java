package org.ge4j.ops.onnx.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.junit.jupiter.api.Test;

/** Shape/type inference with symbolic and unknown dims, without running kernels. */
class NnInferenceTest {
    /** Builds one node over inputs (a TensorDesc becomes a graph input, a Tensor a Constant) and infers it. */
    private static List<TensorDesc> infer(String op, int opset, Map<String, Attr> attrs, int outputs, Object... inputs) {
        Graph g = new Graph(op);
        g.setOpset("", opset);
        Node n = g.addNode("", op, op.toLowerCase(), 0);
        for (int i = 0; i < inputs.length; i++) {
            Object in = inputs[i];
            if (in == null) n.addInput(null);
            else if (in instanceof TensorDesc d) n.addInput(g.addInput("in" + i, d));
            else {
                Tensor t = (Tensor) in;
                Node c = g.addNode("", "Constant", "c" + i, 0);
                c.setAttr("value", Attr.of(t));
                n.addInput(c.addOutput("c" + i, t.desc()));
            }
        }
        if (attrs != null) attrs.forEach(n::setAttr);
        for (int i = 0; i < outputs; i++) g.addOutput(n.addOutput("out" + i, null));
        new GraphInference(OpRegistry.global(), true).infer(g);
        return n.outputs().stream().map(OutDataAnchor::desc).toList();
    }

    private static TensorDesc f32(Object... dims) { return new TensorDesc(DataType.FLOAT, dims.length == 0 ? Shape.SCALAR : Shape.of(dims)); }

    @Test void matmulKeepsSymbolicBatchDims() {
        assertThat(infer("MatMul", 13, null, 1, f32("B", "S", 64), f32(64, 32)).get(0)).isEqualTo(f32("B", "S", 32));
        assertThat(infer("MatMul", 13, null, 1, f32("B", 1, "M", 8), f32(3, 8, "N")).get(0)).isEqualTo(f32("B", 3, "M", "N"));
        assertThat(infer("MatMul", 13, null, 1, f32(8), f32("B", 8, 4)).get(0)).isEqualTo(f32("B", 4));
        assertThat(infer("MatMul", 13, null, 1, new TensorDesc(DataType.FLOAT, Shape.UNKNOWN_RANK), f32(8, 4)).get(0).shape().hasRank()).isFalse();
        assertThatThrownBy(() -> infer("MatMul", 13, null, 1, f32("B", 3), f32(4, 2))).isInstanceOf(OpException.class).hasMessageContaining("inner dimensions");
    }

    @Test void gemmAndConvTransposeAndPools() {
        assertThat(infer("Gemm", 13, NnTesting.attrs("transB", 1), 1, f32("N", 64), f32(10, 64), f32(10)).get(0)).isEqualTo(f32("N", 10));
        assertThat(infer("ConvTranspose", 13, NnTesting.attrs("strides", new long[] {2, 2}), 1, f32("N", 4, 7, 7), f32(4, 3, 3, 3)).get(0))
                .isEqualTo(f32("N", 3, 15, 15));
        assertThat(infer("ConvTranspose", 13, NnTesting.attrs("output_shape", new long[] {9, 9}), 1, f32("N", 4, "H", "W"), f32(4, 3, 3, 3)).get(0))
                .isEqualTo(f32("N", 3, 9, 9));
        List<TensorDesc> mp = infer("MaxPool", 12, NnTesting.attrs("kernel_shape", new long[] {3, 3}, "strides", new long[] {2, 2}, "pads", new long[] {1, 1, 1, 1}), 2,
                f32("N", 64, 112, "W"));
        assertThat(mp.get(0)).isEqualTo(f32("N", 64, 56, "?"));
        assertThat(mp.get(1).dtype()).isEqualTo(DataType.INT64);
        assertThat(infer("GlobalAveragePool", 1, null, 1, f32("N", 2048, 7, 7)).get(0)).isEqualTo(f32("N", 2048, 1, 1));
    }

    @Test void reductionsWithConstantAndUnknownAxes() {
        assertThat(infer("ReduceSum", 13, NnTesting.attrs("keepdims", 0), 1, f32("B", "S", 8), NnTesting.i64(NnTesting.shape(1), -1)).get(0)).isEqualTo(f32("B", "S"));
        assertThat(infer("ReduceSum", 13, null, 1, f32("B", 1, 8), new TensorDesc(DataType.INT64, Shape.of(new long[] {1}))).get(0)).isEqualTo(f32("?", 1, "?"));
        assertThat(infer("ReduceSum", 13, NnTesting.attrs("keepdims", 0), 1, f32("B", 1, 8), new TensorDesc(DataType.INT64, Shape.of(new long[] {1}))).get(0).shape().hasRank()).isFalse();
        assertThat(infer("ReduceMean", 18, null, 1, f32("B", 3, 8), NnTesting.i64(NnTesting.shape(2), 1, 2)).get(0)).isEqualTo(f32("B", 1, 1));
        assertThat(infer("ReduceMean", 13, NnTesting.attrs("axes", new long[] {0}, "keepdims", 0), 1, f32("B", 3)).get(0)).isEqualTo(f32(3));
        assertThat(infer("ArgMax", 13, NnTesting.attrs("axis", -1, "keepdims", 0), 1, f32("B", 10)).get(0)).isEqualTo(new TensorDesc(DataType.INT64, Shape.of("B")));
    }

    @Test void topKWithConstantOrRuntimeK() {
        List<TensorDesc> c = infer("TopK", 11, null, 2, f32("B", 10), NnTesting.i64(NnTesting.shape(1), 3));
        assertThat(c.get(0)).isEqualTo(f32("B", 3));
        assertThat(c.get(1)).isEqualTo(new TensorDesc(DataType.INT64, Shape.of("B", 3)));
        assertThat(infer("TopK", 11, null, 2, f32("B", 10), new TensorDesc(DataType.INT64, Shape.of(new long[] {1}))).get(0)).isEqualTo(f32("B", "?"));
        assertThatThrownBy(() -> infer("TopK", 11, null, 2, f32("B", 10), NnTesting.i64(NnTesting.shape(1), 11))).isInstanceOf(OpException.class);
    }

    @Test void normalizationOutputs() {
        List<TensorDesc> ln = infer("LayerNormalization", 17, null, 3, f32("B", "S", 768), f32(768), f32(768));
        assertThat(ln.get(0)).isEqualTo(f32("B", "S", 768));
        assertThat(ln.get(1)).isEqualTo(f32("B", "S", 1));
        List<TensorDesc> bn = infer("BatchNormalization", 15, NnTesting.attrs("training_mode", 1), 3, f32("N", 3, 8, 8), f32(3), f32(3), f32(3), f32(3));
        assertThat(bn.get(1)).isEqualTo(f32(3));
        assertThatThrownBy(() -> infer("BatchNormalization", 15, null, 1, f32("N", 3, 8, 8), f32(4), f32(3), f32(3), f32(3)))
                .isInstanceOf(OpException.class).hasMessageContaining("'scale'");
        assertThat(infer("Softmax", 13, null, 1, f32("B", "S", 10)).get(0)).isEqualTo(f32("B", "S", 10));
    }

    @Test void einsumAndLosses() {
        assertThat(infer("Einsum", 12, NnTesting.attrs("equation", "bij,bjk->bik"), 1, f32("B", 2, 3), f32("B", 3, 4)).get(0)).isEqualTo(f32("B", 2, 4));
        assertThat(infer("Einsum", 12, NnTesting.attrs("equation", "...ij->...ji"), 1, f32("B", "S", 2, 3)).get(0)).isEqualTo(f32("B", "S", 3, 2));
        TensorDesc tgt = new TensorDesc(DataType.INT64, Shape.of("N", 5));
        assertThat(infer("SoftmaxCrossEntropyLoss", 13, NnTesting.attrs("reduction", "none"), 2, f32("N", 10, 5), tgt).get(0)).isEqualTo(f32("N", 5));
        assertThat(infer("NegativeLogLikelihoodLoss", 13, null, 1, f32("N", 10, 5), tgt).get(0)).isEqualTo(f32());
    }
}
