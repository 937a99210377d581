package org.ge4j.ops.autofuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.Node;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.util.NodeRunner;
import org.junit.jupiter.api.Test;

class FusedElementwiseOpTest {
    private static final NodeRunner RUN = new NodeRunner(OpRegistry.global());

    private static List<Value> run(String program, int outputs, Tensor... inputs) {
        return RUN.run(Node.GE4J_DOMAIN, FusedElementwiseOp.TYPE, 1, Map.of("program", new Attr.Str(program)), Arrays.asList(inputs), outputs);
    }

    @Test
    void programTextRoundTrips() {
        String text = "in x0[2,3]; in x1[2,3]; t0 = add(x0, 0.01f); t1 = mul(t0, x1); t2 = clip(t1, -inf, 6.0f); t3 = pow(t2, 0.1); out t3[6]; out t0[3,2]";
        FusedProgram p = FusedProgram.parse(text);
        assertThat(p.toString()).isEqualTo(text);
        assertThat(p.inputCount()).isEqualTo(2);
        assertThat(p.elementCount()).isEqualTo(6);
        assertThat(p.code()).hasSize(4);
        assertThat(((FusedProgram.Literal) p.code().get(0).arg(1)).value()).isEqualTo((double) 0.01f);
        assertThat(((FusedProgram.Literal) p.code().get(3).arg(1)).value()).isEqualTo(0.1);
        assertThat(FusedProgram.parse(p.toString())).isEqualTo(p);
    }

    @Test
    void badProgramsAreRejectedWithTheStatement() {
        assertThatThrownBy(() -> FusedProgram.parse("in x0[2]; t0 = frob(x0); out t0[2]"))
                .hasMessageContaining("statement 2 't0 = frob(x0)': unknown op 'frob'");
        assertThatThrownBy(() -> FusedProgram.parse("in x0[2]; t0 = add(x0); out t0[2]")).hasMessageContaining("add takes 2 operand(s), got 1");
        assertThatThrownBy(() -> FusedProgram.parse("in x0[2]; t0 = neg(t1); t1 = neg(x0); out t0[2]")).hasMessageContaining("t0 uses t1, which is not an earlier temp");
        assertThatThrownBy(() -> FusedProgram.parse("in x0[2]; t0 = neg(x1); out t0[2]")).hasMessageContaining("declares 1 input(s)");
        assertThatThrownBy(() -> FusedProgram.parse("in x0[2]; t0 = neg(x0); out t0[3]")).hasMessageContaining("frame of x0 [2] has 2 elements, but the iteration space has 3");
        assertThatThrownBy(() -> FusedProgram.parse("in x1[2]; t0 = neg(x1); out t0[2]")).hasMessageContaining("expected the name x0");
        assertThatThrownBy(() -> FusedProgram.parse("in x0[2]; t0 = neg(x0)")).hasMessageContaining("at least one output");
    }

    @Test
    void evaluatesAChainWithBroadcastingAndRoundsLikeTheUnfusedOps() {
        // y = relu((x + b) * 2) over [2,3] with a row bias b[3]; z = tanh(x + b) as a [3,2] view
        Tensor x = Tensor.of(new float[] {1, -2, 3, -4, 5, -6}, 2, 3), b = Tensor.of(new float[] {0.5f, 1, -1}, 3);
        List<Value> out = run("in x0[2,3]; in x1[2,3]; t0 = add(x0, x1); t1 = mul(t0, 2.0f); t2 = relu(t1); t3 = tanh(t0); out t2[2,3]; out t3[3,2]", 2, x, b);
        Tensor y = (Tensor) out.get(0), z = (Tensor) out.get(1);
        assertThat(y.shape()).containsExactly(2, 3);
        assertThat(y.toFloatArray()).containsExactly(3, 0, 4, 0, 12, 0);
        assertThat(z.shape()).containsExactly(3, 2);
        float[] sums = {1.5f, -1, 2, -3.5f, 6, -7};
        float[] zv = z.toFloatArray();
        for (int i = 0; i < 6; i++) assertThat(zv[i]).isEqualTo((float) Math.tanh(sums[i]));
    }

    @Test
    void scalarAndPerChannelInputsAndDoubles() {
        // [1,2,2,2] scaled per channel by s[2,1,1] then shifted by a scalar
        double[] xv = {1, 2, 3, 4, 5, 6, 7, 8};
        Tensor x = Tensor.of(xv, 1, 2, 2, 2), s = Tensor.of(new double[] {10, 100}, 2, 1, 1), c = Tensor.of(new double[] {0.25});
        Tensor y = (Tensor) run("in x0[1,2,2,2]; in x1[1,2,2,2]; in x2[1,2,2,2]; t0 = mul(x0, x1); t1 = sub(t0, x2); out t1[1,2,2,2]", 1, x, s, c).get(0);
        assertThat(y.toDoubleArray()).containsExactly(9.75, 19.75, 29.75, 39.75, 499.75, 599.75, 699.75, 799.75);
    }

    @Test
    void activationsWithParameters() {
        Tensor x = Tensor.of(new float[] {-2, -0.5f, 0, 1, 8});
        Tensor y = (Tensor) run("in x0[5]; t0 = leakyrelu(x0, 0.1f); t1 = hardsigmoid(x0, 0.2f, 0.5f); t2 = clip(x0, -1.0f, 6.0f); t3 = add(t0, t1); t4 = add(t3, t2); out t4[5]", 1, x).get(0);
        float[] v = y.toFloatArray();
        float[] xs = {-2, -0.5f, 0, 1, 8};
        for (int i = 0; i < 5; i++) {
            double lr = xs[i] >= 0 ? xs[i] : 0.1f * (double) xs[i];
            double hs = Math.max(0, Math.min(1, 0.2f * (double) xs[i] + 0.5f));
            double cl = Math.min(Math.max(xs[i], -1), 6);
            assertThat((double) v[i]).as("element " + i).isCloseTo(lr + hs + cl, within(1e-6));
        }
    }

    @Test
    void inferenceChecksTheProgramAgainstTheNode() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);
        assertThatThrownBy(() -> run("in x0[3]; in x1[3]; t0 = add(x0, x1); out t0[3]", 1, x))
                .isInstanceOf(OpException.class).hasMessageContaining("the program declares 2 input(s), the node has 1");
        assertThatThrownBy(() -> run("in x0[2]; t0 = neg(x0); out t0[2]", 1, x))
                .isInstanceOf(OpException.class).hasMessageContaining("input 0 of shape [3] does not broadcast to its frame [2]");
        assertThatThrownBy(() -> run("in x0[3]; t0 = nope(x0); out t0[3]", 1, x))
                .isInstanceOf(OpException.class).hasMessageContaining("attribute 'program' is not a valid fused program");
    }
}
