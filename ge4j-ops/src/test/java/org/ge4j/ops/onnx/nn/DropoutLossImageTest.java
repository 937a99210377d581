package org.ge4j.ops.onnx.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.nn.NnTesting.*;

import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.Trait;
import org.junit.jupiter.api.Test;

class DropoutLossImageTest {
    private static final Tensor X = f(shape(2, 2), 1, 2, 3, 4);

    @Test void dropoutInferenceIsIdentityWithTrueMask() {
        List<Value> out = run("Dropout", 13, null, 2, X);
        assertFloat(out.get(0), shape(2, 2), 1, 2, 3, 4);
        assertLongs(out.get(1), DataType.BOOL, shape(2, 2), 1, 1, 1, 1);
        List<Value> v7 = run("Dropout", 7, attrs("ratio", 0.3), 2, X);
        assertFloat(v7.get(1), shape(2, 2), 1, 1, 1, 1);
        List<Value> zero = run("Dropout", 12, null, 2, X, f(shape(), 0), Tensor.of(new boolean[] {true}, new long[0]));
        assertFloat(zero.get(0), shape(2, 2), 1, 2, 3, 4);
    }

    @Test void dropoutTrainingIsSeededAndScaled() {
        Tensor x = f(shape(1000), fill(1000, 1));
        var seed = attrs("seed", 7);
        Tensor ratio = f(shape(), 0.25), on = Tensor.of(new boolean[] {true}, new long[0]);
        List<Value> a = run("Dropout", 13, seed, 2, x, ratio, on), b = run("Dropout", 13, seed, 2, x, ratio, on);
        assertThat(((Tensor) a.get(0)).contentEquals((Tensor) b.get(0))).isTrue();
        double[] y = ((Tensor) a.get(0)).toDoubleArray();
        boolean[] mask = ((Tensor) a.get(1)).toBooleanArray();
        int kept = 0;
        for (int i = 0; i < y.length; i++) {
            assertThat(y[i]).isCloseTo(mask[i] ? 1 / 0.75 : 0, org.assertj.core.api.Assertions.within(1e-6));
            if (mask[i]) kept++;
        }
        assertThat(kept).isBetween(650, 850);
    }

    @Test void dropoutTraitsAndIdentityHelper() {
        OpRegistry r = OpRegistry.global();
        assertThat(r.schema("", "Dropout", 10).has(Trait.VIEW)).isTrue();
        assertThat(r.schema("", "Dropout", 13).has(Trait.RANDOM)).isTrue();
        Graph g = new Graph("d");
        g.setOpset("", 13);
        Node n = g.addNode("", "Dropout", "d", 0);
        n.addInput(g.addInput("x", X.desc()));
        assertThat(DropoutOps.isIdentity(n)).isTrue();
        n.addInput(null);
        n.addInput(g.addInput("t", org.ge4j.ir.TensorDesc.of(DataType.BOOL)));
        assertThat(DropoutOps.isIdentity(n)).isFalse();
    }

    @Test void negativeLogLikelihood() {
        Tensor in = f(shape(2, 3), -1, -2, -3, -4, -5, -6), tgt = i64(shape(2), 0, 2);
        assertFloat(run1("NegativeLogLikelihoodLoss", 13, null, in, tgt), shape(), 3.5);
        assertFloat(run1("NegativeLogLikelihoodLoss", 13, attrs("reduction", "sum"), in, tgt), shape(), 7);
        assertFloat(run1("NegativeLogLikelihoodLoss", 13, attrs("reduction", "none"), in, tgt), shape(2), 1, 6);
        assertFloat(run1("NegativeLogLikelihoodLoss", 12, null, in, tgt, f(shape(3), 1, 2, 3)), shape(), 4.75);
        assertFloat(run1("NegativeLogLikelihoodLoss", 13, attrs("ignore_index", 2), in, tgt), shape(), 1);
        Tensor in3 = f(shape(1, 2, 2), -1, -2, -3, -4);
        assertFloat(run1("NegativeLogLikelihoodLoss", 13, attrs("reduction", "none"), in3, Tensor.of(new int[] {1, 0}, 1, 2)), shape(1, 2), 3, 2);
        assertThatThrownBy(() -> run1("NegativeLogLikelihoodLoss", 13, null, in, i64(shape(2), 0, 3))).isInstanceOf(OpException.class).hasMessageContaining("class 3");
        assertThatThrownBy(() -> run1("NegativeLogLikelihoodLoss", 13, attrs("reduction", "avg"), in, tgt)).isInstanceOf(OpException.class).hasMessageContaining("reduction");
    }

    @Test void softmaxCrossEntropy() {
        List<Value> out = run("SoftmaxCrossEntropyLoss", 13, null, 2, f(shape(1, 2), 0, 0), i64(shape(1), 1));
        assertFloat(out.get(0), shape(), Math.log(2));
        assertFloat(out.get(1), shape(1, 2), -Math.log(2), -Math.log(2));
        assertFloat(run1("SoftmaxCrossEntropyLoss", 13, attrs("reduction", "none", "ignore_index", -1), f(shape(2, 2), 0, 0, 1, 1), i64(shape(2), -1, 0)),
                shape(2), 0, Math.log(2));
    }

    @Test void col2im() {
        Tensor x = f(shape(1, 5, 5), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25);
        assertFloat(run1("Col2Im", 18, null, x, i64(shape(2), 5, 5), i64(shape(2), 1, 5)), shape(1, 1, 5, 5),
                1, 6, 11, 16, 21, 2, 7, 12, 17, 22, 3, 8, 13, 18, 23, 4, 9, 14, 19, 24, 5, 10, 15, 20, 25);
        // overlapping blocks sum
        assertFloat(run1("Col2Im", 18, null, f(shape(1, 2, 2), 1, 2, 10, 20), i64(shape(2), 1, 3), i64(shape(2), 1, 2)), shape(1, 1, 1, 3), 1, 12, 20);
        assertThatThrownBy(() -> run1("Col2Im", 18, null, f(shape(1, 2, 3), iota(6)), i64(shape(2), 1, 3), i64(shape(2), 1, 2)))
                .isInstanceOf(OpException.class).hasMessageContaining("L = 3");
    }

    @Test void centerCropPad() {
        Tensor x = f(shape(4), 1, 2, 3, 4);
        assertFloat(run1("CenterCropPad", 18, null, x, i64(shape(1), 2)), shape(2), 2, 3);
        assertFloat(run1("CenterCropPad", 18, null, x, i64(shape(1), 3)), shape(3), 1, 2, 3);
        assertFloat(run1("CenterCropPad", 18, null, f(shape(2), 1, 2), i64(shape(1), 5)), shape(5), 0, 1, 2, 0, 0);
        Tensor m = Tensor.of(new int[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertLongs(run1("CenterCropPad", 18, attrs("axes", new long[] {-1}), m, Tensor.of(new int[] {1}, 1)), DataType.INT32, shape(2, 1), 2, 5);
        Tensor s = Tensor.of(new String[] {"a", "b", "c"}, 3);
        assertThat(run1("CenterCropPad", 18, null, s, i64(shape(1), 1)).toStringArray()).containsExactly("b");
    }
}
