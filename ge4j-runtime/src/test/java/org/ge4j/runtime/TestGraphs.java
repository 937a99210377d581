package org.ge4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.SplittableRandom;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.ReferenceInterpreter;
import org.ge4j.ops.api.GraphBuilder;

/** Small graphs and helpers shared by the runtime tests. */
final class TestGraphs {
    private TestGraphs() {}

    static Tensor random(long seed, long... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(Shape.elementCount(shape))];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        return Tensor.of(v, shape);
    }

    /** conv -> relu -> flatten (a view) -> matmul -> add -> relu, plus the conv output itself; batch may be symbolic. */
    static Graph smallCnn(Object batch) {
        GraphBuilder b = GraphBuilder.create("small_cnn").opset(17);
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of(batch, 3, 8, 8));
        OutDataAnchor c = b.conv(x, b.constant("w", random(1, 4, 3, 3, 3)), b.constant("b", random(2, 4)), 1, 1, 1);
        OutDataAnchor r = b.relu(c);
        OutDataAnchor f = b.flatten(r, 1);
        OutDataAnchor m = b.add(b.matMul(f, b.constant("w2", random(3, 256, 10))), b.constant("b2", random(4, 10)));
        OutDataAnchor y = b.relu(m);
        return b.output("y", y).output("conv", c).build();
    }

    /** x[B,S,8] -> matmul w[8,4] -> add -> softmax over the last axis; B and S symbolic. */
    static Graph sequenceModel() {
        GraphBuilder b = GraphBuilder.create("seq").opset(17);
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of("B", "S", 8));
        OutDataAnchor m = b.add(b.matMul(x, b.constant("w", random(5, 8, 4))), b.constant("bias", random(6, 4)));
        return b.output("p", b.softmax(m, -1)).build();
    }

    /** Outputs of the reference interpreter on a fresh graph. */
    static Map<String, Value> reference(Graph g, Map<String, Tensor> inputs) { return new ReferenceInterpreter().run(g, inputs); }

    static void assertClose(String what, Tensor actual, Tensor expected, float tol) {
        assertThat(actual.shape()).as(what + " shape").containsExactly(expected.shape());
        float[] a = actual.toFloatArray(), e = expected.toFloatArray();
        for (int i = 0; i < a.length; i++) assertThat(a[i]).as(what + "[" + i + "]").isCloseTo(e[i], org.assertj.core.data.Offset.offset(tol));
    }

    static void closeAll(Map<String, ? extends Value> m) { m.values().forEach(Value::close); }
}
