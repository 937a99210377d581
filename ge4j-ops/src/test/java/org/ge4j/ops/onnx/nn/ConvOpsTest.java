package org.ge4j.ops.onnx.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.nn.NnTesting.*;

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

class ConvOpsTest {
    private static final Tensor X5 = f(shape(1, 1, 5, 5), iota(25));
    private static final Tensor ONES3 = f(shape(1, 1, 3, 3), fill(9, 1));

    @Test void conv2dWithAndWithoutPadding() {
        assertFloat(run1("Conv", 11, attrs("kernel_shape", new long[] {3, 3}), X5, ONES3), shape(1, 1, 3, 3),
                54, 63, 72, 99, 108, 117, 144, 153, 162);
        assertFloat(run1("Conv", 11, attrs("pads", new long[] {1, 1, 1, 1}), X5, ONES3), shape(1, 1, 5, 5),
                12, 21, 27, 33, 24, 33, 54, 63, 72, 51, 63, 99, 108, 117, 81, 93, 144, 153, 162, 111, 72, 111, 117, 123, 84);
    }

    @Test void conv2dStridesAndAsymmetricPads() {
        Tensor x = f(shape(1, 1, 7, 5), iota(35));
        assertFloat(run1("Conv", 11, attrs("pads", new long[] {1, 1, 1, 1}, "strides", new long[] {2, 2}), x, ONES3), shape(1, 1, 4, 3),
                12, 27, 24, 63, 108, 81, 123, 198, 141, 112, 177, 124);
        assertFloat(run1("Conv", 11, attrs("pads", new long[] {1, 0, 1, 0}, "strides", new long[] {2, 2}), x, ONES3), shape(1, 1, 4, 2),
                21, 33, 99, 117, 189, 207, 171, 183);
    }

    @Test void conv1dWithDilation() {
        Tensor x = f(shape(1, 1, 5), 1, 2, 4, 8, 16), w = f(shape(1, 1, 2), 1, -1);
        // y[i] = x[i] - x[i+2]
        assertFloat(run1("Conv", 11, attrs("dilations", new long[] {2}), x, w), shape(1, 1, 3), -3, -6, -12);
    }

    @Test void groupsWithBias() {
        Tensor x = f(shape(1, 2, 3), 1, 2, 3, 4, 5, 6);
        Tensor w = f(shape(4, 1, 1), 2, 3, -1, 10);
        Tensor b = f(shape(4), 1, 0, 0, -1);
        // group 2: channels 0,1 of Y use X channel 0; channels 2,3 use X channel 1
        assertFloat(run1("Conv", 11, attrs("group", 2), x, w, b), shape(1, 4, 3), 3, 5, 7, 3, 6, 9, -4, -5, -6, 39, 49, 59);
    }

    @Test void autoPadSameUpperAndLowerWithEvenKernel() {
        Tensor x = f(shape(1, 1, 4), 1, 2, 3, 4), w = f(shape(1, 1, 2), 1, 10);
        assertFloat(run1("Conv", 11, attrs("auto_pad", "SAME_UPPER"), x, w), shape(1, 1, 4), 21, 32, 43, 4);
        assertFloat(run1("Conv", 11, attrs("auto_pad", "SAME_LOWER"), x, w), shape(1, 1, 4), 10, 21, 32, 43);
        assertFloat(run1("Conv", 11, attrs("auto_pad", "VALID", "strides", new long[] {2}), x, w), shape(1, 1, 2), 21, 43);
        // SAME with stride 2: out = ceil(4/2) = 2, pad total = (2-1)*2 + 2 - 4 = 0
        assertFloat(run1("Conv", 11, attrs("auto_pad", "SAME_UPPER", "strides", new long[] {2}), x, w), shape(1, 1, 2), 21, 43);
    }

    @Test void conv3dAndDoubleAndHalf() {
        assertTensor(run1("Conv", 11, null, t(DataType.DOUBLE, shape(1, 1, 2, 2, 2), iota(8)), t(DataType.DOUBLE, shape(1, 1, 2, 2, 2), fill(8, 0.5))),
                DataType.DOUBLE, shape(1, 1, 1, 1, 1), 1e-12, 14);
        assertTensor(run1("Conv", 1, null, t(DataType.FLOAT16, shape(1, 1, 2, 2), 1, 2, 3, 4), t(DataType.FLOAT16, shape(2, 1, 1, 1), 1, 0.5)),
                DataType.FLOAT16, shape(1, 2, 2, 2), 1e-3, 1, 2, 3, 4, 0.5, 1, 1.5, 2);
    }

    @Test void multiChannelBatch() {
        // N=2, C=2, 2x2 input, W [1,2,2,2]: each output = sum(x[c] * w[c])
        Tensor x = f(shape(2, 2, 2, 2), iota(16));
        Tensor w = f(shape(1, 2, 2, 2), 1, 0, 0, 0, 0, 0, 0, 1);
        assertFloat(run1("Conv", 11, null, x, w), shape(2, 1, 1, 1), 0 + 7, 8 + 15);
    }

    @Test void channelMismatchNamesW() {
        Tensor x = f(shape(1, 3, 5, 5), fill(75, 1)), w = f(shape(2, 2, 3, 3), fill(36, 1));
        assertThatThrownBy(() -> run1("Conv", 11, null, x, w)).isInstanceOf(OpException.class)
                .hasMessageContaining("'W'").hasMessageContaining("expected 3");
        Tensor wg = f(shape(2, 2, 3, 3), fill(36, 1));
        assertThatThrownBy(() -> run1("Conv", 11, attrs("group", 3), x, wg)).isInstanceOf(OpException.class)
                .hasMessageContaining("'W'").hasMessageContaining("expected 1");
    }

    @Test void badAttributesFail() {
        assertThatThrownBy(() -> run1("Conv", 11, attrs("pads", new long[] {1, 1}), X5, ONES3)).isInstanceOf(OpException.class).hasMessageContaining("pads");
        assertThatThrownBy(() -> run1("Conv", 11, attrs("auto_pad", "SAME"), X5, ONES3)).isInstanceOf(OpException.class).hasMessageContaining("auto_pad");
        assertThatThrownBy(() -> run1("Conv", 11, null, f(shape(1, 1, 2, 2), iota(4)), ONES3)).isInstanceOf(OpException.class).hasMessageContaining("does not fit");
    }

    @Test void inferenceKeepsSymbolicBatch() {
        Graph g = new Graph("conv");
        g.setOpset("", 13);
        OutDataAnchor x = g.addInput("x", new TensorDesc(DataType.FLOAT, Shape.of("N", 3, 224, 224)));
        OutDataAnchor w = g.addInput("w", TensorDesc.of(DataType.FLOAT, 64, 3, 7, 7));
        Node n = g.addNode("", "Conv", "conv", 0);
        n.addInput(x);
        n.addInput(w);
        n.setAttr("strides", org.ge4j.ir.Attr.of(2L, 2L));
        n.setAttr("pads", org.ge4j.ir.Attr.of(3L, 3L, 3L, 3L));
        OutDataAnchor y = n.addOutput("y", null);
        g.addOutput(y);
        new GraphInference(OpRegistry.global(), true).infer(g);
        assertThat(y.desc().shape()).isEqualTo(Shape.of("N", 64, 112, 112));

        Graph g2 = new Graph("conv2");
        g2.setOpset("", 13);
        OutDataAnchor x2 = g2.addInput("x", new TensorDesc(DataType.FLOAT, Shape.of("N", 3, "H", 32)));
        OutDataAnchor w2 = g2.addInput("w", TensorDesc.of(DataType.FLOAT, 8, 3, 3, 3));
        Node n2 = g2.addNode("", "Conv", "conv", 0);
        n2.addInput(x2);
        n2.addInput(w2);
        n2.setAttr("auto_pad", org.ge4j.ir.Attr.of("SAME_UPPER"));
        OutDataAnchor y2 = n2.addOutput("y", null);
        new GraphInference(OpRegistry.global(), true).infer(g2);
        assertThat(y2.desc().shape()).isEqualTo(Shape.of("N", 8, "H", 32));
    }

    @Test void convTransposeBasic() {
        Tensor x = f(shape(1, 1, 3, 3), iota(9)), w = f(shape(1, 2, 3, 3), fill(18, 1));
        double[] plane = {0, 1, 3, 3, 2, 3, 8, 15, 12, 7, 9, 21, 36, 27, 15, 9, 20, 33, 24, 13, 6, 13, 21, 15, 8};
        double[] both = new double[50];
        System.arraycopy(plane, 0, both, 0, 25);
        System.arraycopy(plane, 0, both, 25, 25);
        assertFloat(run1("ConvTranspose", 11, null, x, w), shape(1, 2, 5, 5), both);
    }

    @Test void convTranspose1dStridesPaddingAndOutputShape() {
        Tensor x = f(shape(1, 1, 2), 1, 2), w = f(shape(1, 1, 2), 1, 10);
        // full: y[2i + k] += x[i] * w[k] -> [1, 10, 2, 20]
        assertFloat(run1("ConvTranspose", 11, attrs("strides", new long[] {2}), x, w), shape(1, 1, 4), 1, 10, 2, 20);
        assertFloat(run1("ConvTranspose", 11, attrs("strides", new long[] {2}, "output_padding", new long[] {1}), x, w), shape(1, 1, 5), 1, 10, 2, 20, 0);
        assertFloat(run1("ConvTranspose", 11, attrs("strides", new long[] {2}, "pads", new long[] {1, 0}), x, w), shape(1, 1, 3), 10, 2, 20);
        // output_shape 3: total pad 1, NOTSET puts the odd pad at the beginning
        assertFloat(run1("ConvTranspose", 11, attrs("strides", new long[] {2}, "output_shape", new long[] {3}), x, w), shape(1, 1, 3), 10, 2, 20);
        // output_shape larger than the full result: the negative total pad adds zeros at the end
        assertFloat(run1("ConvTranspose", 11, attrs("strides", new long[] {2}, "output_shape", new long[] {5}), x, w), shape(1, 1, 5), 1, 10, 2, 20, 0);
        // SAME_UPPER: out = 2*2 = 4, no padding needed
        assertFloat(run1("ConvTranspose", 11, attrs("strides", new long[] {2}, "auto_pad", "SAME_UPPER"), x, w), shape(1, 1, 4), 1, 10, 2, 20);
    }

    @Test void convTransposeAsymmetricStridesAndPads() {
        Tensor x = f(shape(1, 1, 3, 3), iota(9)), w = f(shape(1, 2, 3, 3), fill(18, 1));
        Tensor y = run1("ConvTranspose", 11, attrs("strides", new long[] {3, 2}, "pads", new long[] {1, 2, 1, 2}), x, w);
        assertThat(y.shape()).containsExactly(1, 2, 7, 3);
    }

    @Test void convTransposeAutoPadSameUpper() {
        Tensor x = f(shape(1, 1, 3, 3), iota(9)), w = f(shape(1, 1, 3, 3), fill(9, 1));
        assertFloat(run1("ConvTranspose", 11, attrs("auto_pad", "SAME_UPPER", "strides", new long[] {2, 2}), x, w), shape(1, 1, 6, 6),
                0, 0, 1, 1, 3, 2, 0, 0, 1, 1, 3, 2, 3, 3, 8, 5, 12, 7, 3, 3, 7, 4, 9, 5, 9, 9, 20, 11, 24, 13, 6, 6, 13, 7, 15, 8);
    }

    @Test void convTransposeGroupsDilationsBias() {
        // 2 groups, each maps 1 input channel to 1 output channel, kernel [1, 2] dilated by 2
        Tensor x = f(shape(1, 2, 2), 1, 2, 3, 4), w = f(shape(2, 1, 2), 1, 1, 2, 0);
        Tensor b = f(shape(2), 0, 100);
        // ch0: y[i] += x[i]; y[i+2] += x[i] -> len (2-1)+3 = 4: [1,2,1,2]; ch1: y[i] += 2x[i] -> [6,8,0,0]+100
        assertFloat(run1("ConvTranspose", 11, attrs("group", 2, "dilations", new long[] {2}), x, w, b), shape(1, 2, 4), 1, 2, 1, 2, 106, 108, 100, 100);
    }

    @Test void convTransposeChannelMismatch() {
        assertThatThrownBy(() -> run1("ConvTranspose", 11, null, f(shape(1, 2, 3), iota(6)), f(shape(3, 1, 2), iota(6))))
                .isInstanceOf(OpException.class).hasMessageContaining("'W'").hasMessageContaining("expected 2");
    }
}
