package org.ge4j.compiler.passes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.compiler.PassTests.assertSameFunction;
import static org.ge4j.compiler.PassTests.count;
import static org.ge4j.compiler.PassTests.only;
import static org.ge4j.compiler.PassTests.runPass;

import java.util.function.Supplier;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.PassTests;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.api.GraphBuilder;
import org.junit.jupiter.api.Test;

class AlgebraicSimplificationTest {
    private static AlgebraicSimplification simplify() { return new AlgebraicSimplification(PassTests.options()); }

    /** Runs simplify on a fresh graph, checks it numerically against the original, returns the simplified graph. */
    private static Graph simplified(Supplier<Graph> make) {
        Graph g = make.get();
        assertThat(runPass(simplify(), g)).isTrue();
        assertThat(runPass(simplify(), g)).as("fixed point reached in one run").isFalse();
        assertSameFunction(make, x -> runPass(simplify(), x), 7);
        return g;
    }

    private static GraphBuilder builder(String name) { return GraphBuilder.create(name); }

    static Graph identities() {
        GraphBuilder b = builder("identities");
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of("N", 3));
        OutDataAnchor i = b.op("Identity").in(b.op("Identity").in(x).call1()).call1();
        return b.output("y", b.relu(i)).output("z", b.op("Identity").in(x).call1()).build();
    }

    @Test
    void removesIdentities() {
        Graph g = simplified(AlgebraicSimplificationTest::identities);
        assertThat(count(g, "Identity")).isZero();
        assertThat(only(g, "Relu").inputValue(0)).isSameAs(g.input("x"));
        assertThat(g.outputs().get(1).value()).as("an output may be an input").isSameAs(g.input("x"));
    }

    static Graph sameTypeCasts() {
        GraphBuilder b = builder("casts");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 2, 3);
        OutDataAnchor like = b.input("like", DataType.FLOAT, 1);
        OutDataAnchor c = b.cast(x, DataType.FLOAT);
        OutDataAnchor cl = b.op("CastLike").in(c, like).call1();
        return b.output("y", b.relu(cl)).build();
    }

    @Test
    void removesCastsToTheSameType() {
        Graph g = simplified(AlgebraicSimplificationTest::sameTypeCasts);
        assertThat(count(g, "Cast") + count(g, "CastLike")).isZero();
    }

    static Graph castChains() {
        GraphBuilder b = builder("castchain");
        OutDataAnchor i = b.input("i", DataType.INT32, 4);
        OutDataAnchor s = b.input("s", DataType.INT8, 4);
        OutDataAnchor f = b.input("f", DataType.FLOAT, 4);
        OutDataAnchor back = b.cast(b.cast(i, DataType.DOUBLE), DataType.INT32);       // exact: -> i
        OutDataAnchor wide = b.cast(b.cast(s, DataType.INT32), DataType.FLOAT);        // exact: -> Cast(s, f32)
        OutDataAnchor lossy = b.cast(b.cast(f, DataType.FLOAT16), DataType.FLOAT);     // rounds: kept
        return b.output("back", back).output("wide", wide).output("lossy", lossy).build();
    }

    @Test
    void foldsLosslessCastPairsOnly() {
        String wideName = castChains().outputs().get(1).value().name();
        Graph g = simplified(AlgebraicSimplificationTest::castChains);
        assertThat(g.outputs().get(0).value()).isSameAs(g.input("i"));
        Node wide = g.outputs().get(1).value().node();
        assertThat(wide.type()).isEqualTo("Cast");
        assertThat(wide.inputValue(0)).isSameAs(g.input("s"));
        assertThat(wide.output(0).name()).as("keeps the value name").isEqualTo(wideName);
        Node lossy = g.outputs().get(2).value().node();
        assertThat(lossy.type()).isEqualTo("Cast");
        assertThat(lossy.inputValue(0).node().type()).isEqualTo("Cast");
    }

    static Graph reshapes() {
        GraphBuilder b = builder("reshapes");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 2, 3, 4);
        OutDataAnchor same = b.reshape(x, 2, 3, 4);                               // no-op
        OutDataAnchor chain = b.reshape(b.reshape(same, 6, 4), 3, 8);              // -> Reshape(x, [3,8])
        OutDataAnchor back = b.reshape(b.flatten(x, 1), 2, 3, 4);                 // view of a view back to x
        OutDataAnchor zero = b.reshape(b.reshape(x, 6, 4), 0, 2, 2);              // 0 copies 6: static shape used
        return b.output("chain", chain).output("back", back).output("zero", zero).build();
    }

    @Test
    void collapsesReshapeChainsAndNoOpViews() {
        Graph g = simplified(AlgebraicSimplificationTest::reshapes);
        Node chain = g.outputs().get(0).value().node();
        assertThat(chain.type()).isEqualTo("Reshape");
        assertThat(chain.inputValue(0)).isSameAs(g.input("x"));
        assertThat(g.outputs().get(1).value()).isSameAs(g.input("x"));
        Node zero = g.outputs().get(2).value().node();
        assertThat(zero.inputValue(0)).isSameAs(g.input("x"));
        assertThat(zero.inputValue(1).node().attrTensor("value").toLongArray()).containsExactly(6, 2, 2);
        assertThat(count(g, "Flatten")).isZero();
        assertThat(count(g, "Reshape")).isEqualTo(2);
    }

    static Graph transposes() {
        GraphBuilder b = builder("transposes");
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of("B", 3, 4));
        OutDataAnchor cancel = b.transpose(b.transpose(x, 1, 2, 0), 2, 0, 1);
        OutDataAnchor compose = b.transpose(b.transpose(x, 1, 0, 2), 0, 2, 1);
        OutDataAnchor ident = b.transpose(x, 0, 1, 2);
        return b.output("cancel", cancel).output("compose", compose).output("ident", ident).build();
    }

    @Test
    void composesAndCancelsTransposes() {
        Graph g = simplified(AlgebraicSimplificationTest::transposes);
        assertThat(g.outputs().get(0).value()).isSameAs(g.input("x"));
        assertThat(g.outputs().get(2).value()).isSameAs(g.input("x"));
        Node t = only(g, "Transpose");
        assertThat(t.attrInts("perm", null)).containsExactly(1, 2, 0);
        assertThat(t.inputValue(0)).isSameAs(g.input("x"));
    }

    static Graph squeezes() {
        GraphBuilder b = builder("squeezes");
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of("N", "?"));
        OutDataAnchor one = b.input("one", DataType.FLOAT, Shape.of(2, 1, "?"));
        OutDataAnchor ax1 = b.constant("ax1", Tensor.of(new long[] {1}, 1));
        OutDataAnchor a = b.op("Squeeze").in(b.op("Unsqueeze").in(x, ax1).call1(), ax1).call1();
        OutDataAnchor axm2 = b.constant("axm2", Tensor.of(new long[] {-2}, 1));
        OutDataAnchor c = b.op("Unsqueeze").in(b.op("Squeeze").in(one, ax1).call1(), axm2).call1();
        return b.output("a", a).output("c", c).build();
    }

    @Test
    void cancelsSqueezeUnsqueezePairs() {
        Graph g = simplified(AlgebraicSimplificationTest::squeezes);
        assertThat(g.outputs().get(0).value()).isSameAs(g.input("x"));
        assertThat(g.outputs().get(1).value()).isSameAs(g.input("one"));
        assertThat(count(g, "Squeeze") + count(g, "Unsqueeze")).isZero();
    }

    static Graph neutral() {
        GraphBuilder b = builder("neutral");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 2, 3);
        OutDataAnchor zero = b.constant("zero", Tensor.of(new float[] {0, 0, 0}));
        OutDataAnchor one = b.constant("one", Tensor.of(new float[] {1f}, 1));
        OutDataAnchor y = b.div(b.mul(one, b.add(zero, b.sub(x, zero))), one);
        OutDataAnchor grows = b.add(b.input("v", DataType.FLOAT, 3), b.constant("zeros23", Tensor.of(new float[6], 2, 3)));
        OutDataAnchor notNeutral = b.mul(x, b.constant("two", Tensor.of(new float[] {2f}, 1)));
        return b.output("y", y).output("grows", grows).output("twice", notNeutral).build();
    }

    @Test
    void removesArithmeticWithNeutralConstants() {
        Graph g = simplified(AlgebraicSimplificationTest::neutral);
        assertThat(g.outputs().get(0).value()).isSameAs(g.input("x"));
        assertThat(g.outputs().get(1).value().node().type()).as("broadcasting add kept").isEqualTo("Add");
        assertThat(g.outputs().get(2).value().node().type()).isEqualTo("Mul");
    }

    @Test
    void patternsCanBeSwitchedOffByName() {
        Graph g = transposes();
        AlgebraicSimplification noChains = new AlgebraicSimplification(CompilerOptions.builder().optVerify(true).build());
        runPass(noChains, g, CompilerOptions.builder().optVerify(true).optSwitches("transpose-chain:off").build());
        assertThat(count(g, "Transpose")).as("only the identity transpose went").isEqualTo(4);
    }
}
