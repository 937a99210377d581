package org.ge4j.ops.autofuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.api.GraphBuilder;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.NodeSpec;
import org.junit.jupiter.api.Test;

class FusedElementwiseCompilerTest {
    private static final String PROGRAM = "in x0[4,8]; in x1[4,8]; t0 = add(x0, x1); t1 = sigmoid(t0); out t1[32]";

    /** The spec of a FusedElementwise node with {@code program} over two float inputs of {@code shape}. */
    private static NodeSpec spec(String program, long... shape) {
        GraphBuilder b = GraphBuilder.create("f").opset(17).opset(Node.GE4J_DOMAIN, 1);
        OutDataAnchor x = b.input("x", DataType.FLOAT, shape), y = b.input("y", DataType.FLOAT, shape);
        Node n = b.op(Node.GE4J_DOMAIN, FusedElementwiseOp.TYPE).in(x, y).attr(FusedElementwiseOp.PROGRAM, program).call1().node();
        OpSchema s = OpRegistry.global().schemaFor(n);
        List<TensorDesc> in = new ArrayList<>(List.of(x.desc(), y.desc()));
        List<Tensor> consts = new ArrayList<>();
        consts.add(null);
        consts.add(null);
        return new NodeSpec(n, new Attrs(n, s), in, List.of(n.output(0).desc()), consts, 1);
    }

    @Test
    void nodesWithTheSameProgramAndShapesShareOneLoadedKernel() {
        FusedElementwiseCompiler c = new FusedElementwiseCompiler();
        CompiledKernel a = c.compile(spec(PROGRAM, 4, 8), null), b = c.compile(spec(PROGRAM, 4, 8), null);
        assertThat(a).isNotNull().isSameAs(b);
        CompiledKernel other = c.compile(spec(PROGRAM.replace("sigmoid", "tanh"), 4, 8), null);
        assertThat(other).isNotNull().isNotSameAs(a);
        assertThat(other.getClass()).isNotSameAs(a.getClass());
    }

    @Test
    void aSharedKernelComputesEachCallersOwnBuffers() {
        CompiledKernel k = new FusedElementwiseCompiler().compile(spec(PROGRAM, 4, 8), null);
        MemorySegment[] first = args(1f), second = args(-1f);
        k.run(first);
        k.run(second);
        // sigmoid(2v): each call wrote its own output only
        assertThat(first[2].getAtIndex(ValueLayout.JAVA_FLOAT, 5)).isCloseTo((float) (1 / (1 + Math.exp(-2))), org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(second[2].getAtIndex(ValueLayout.JAVA_FLOAT, 5)).isCloseTo((float) (1 / (1 + Math.exp(2))), org.assertj.core.data.Offset.offset(1e-6f));
    }

    private static MemorySegment[] args(float v) {
        MemorySegment[] a = new MemorySegment[3];
        for (int i = 0; i < 3; i++) a[i] = java.lang.foreign.Arena.ofAuto().allocate(32 * 4, 64);
        for (int j = 0; j < 32; j++) {
            a[0].setAtIndex(ValueLayout.JAVA_FLOAT, j, v);
            a[1].setAtIndex(ValueLayout.JAVA_FLOAT, j, v);
        }
        return a;
    }
}
