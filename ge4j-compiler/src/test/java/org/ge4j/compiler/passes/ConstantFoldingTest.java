package org.ge4j.compiler.passes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.compiler.PassTests.assertSameFunction;
import static org.ge4j.compiler.PassTests.count;
import static org.ge4j.compiler.PassTests.runPass;

import org.ge4j.compiler.CompilerOptions;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.api.GraphBuilder;
import org.junit.jupiter.api.Test;

class ConstantFoldingTest {
    private static final ConstantFolding FOLD = new ConstantFolding(ConstantFolding.Options.DEFAULT);

    /** y = x * relu(c1 + c2): the constant subtree folds into one constant. */
    static Graph chain() {
        GraphBuilder b = GraphBuilder.create("chain");
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of("N", 3));
        OutDataAnchor c1 = b.constant("c1", Tensor.of(new float[] {1, -2, 3}));
        OutDataAnchor c2 = b.constant("c2", Tensor.of(new float[] {0.5f, 0.5f, -4}));
        OutDataAnchor r = b.relu(b.add(c1, c2));
        return b.output("y", b.mul(x, r)).build();
    }

    private static Tensor constantFeeding(Node n, int input) {
        return n.inputValue(input).node().attrTensor("value");
    }

    @Test
    void foldsAPureConstantSubtree() {
        Graph g = chain();
        String reluName = g.nodes().stream().filter(n -> n.type().equals("Relu")).findFirst().orElseThrow().output(0).name();
        assertThat(runPass(FOLD, g)).isTrue();
        assertThat(count(g, "Add")).isZero();
        assertThat(count(g, "Relu")).isZero();
        assertThat(count(g, "Constant")).isEqualTo(1);
        Node mul = g.nodes().stream().filter(n -> n.type().equals("Mul")).findFirst().orElseThrow();
        assertThat(constantFeeding(mul, 1).toFloatArray()).containsExactly(1.5f, 0f, 0f);
        assertThat(mul.inputValue(1).name()).as("the folded value keeps its name").isEqualTo(reluName);
        assertThat(runPass(FOLD, g)).as("nothing left to fold").isFalse();
        assertSameFunction(ConstantFoldingTest::chain, x -> runPass(FOLD, x), 1);
    }

    @Test
    void neverFoldsRandomOps() {
        GraphBuilder b = GraphBuilder.create("rnd");
        OutDataAnchor c = b.constant("c", Tensor.of(new float[] {1, 2}));
        OutDataAnchor r = b.op("RandomNormalLike").in(c).call1();
        Graph g = b.output("y", b.add(r, c)).build();
        assertThat(runPass(FOLD, g)).isFalse();
        assertThat(count(g, "RandomNormalLike")).isEqualTo(1);
        assertThat(count(g, "Add")).isEqualTo(1);
    }

    static Graph expand() {
        GraphBuilder b = GraphBuilder.create("expand");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1);
        OutDataAnchor big = b.op("Expand").in(b.constant("one", Tensor.of(new float[] {1f}, 1)), b.constant("shape", Tensor.of(new long[] {512, 1024}, 2))).call1();
        return b.output("y", b.add(x, big)).build();
    }

    @Test
    void skipsFoldsThatWouldGrowTheModel() {
        Graph g = expand();
        assertThat(runPass(FOLD, g)).isFalse(); // 2 MiB out of 12 bytes in
        assertThat(count(g, "Expand")).isEqualTo(1);
        ConstantFolding generous = new ConstantFolding(new ConstantFolding.Options(64L << 20, 4L << 20));
        assertThat(runPass(generous, g)).isTrue();
        assertThat(count(g, "Expand")).isZero();
        ConstantFolding viaOptions = new ConstantFolding(CompilerOptions.builder().optPassOptions(new ConstantFolding.Options(64L << 20, 4L << 20)).build());
        Graph h = expand();
        assertThat(runPass(viaOptions, h)).isTrue();
    }

    @Test
    void foldsShapeAndSizeOfStaticShapes() {
        GraphBuilder b = GraphBuilder.create("shape");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 2, 3, 4);
        OutDataAnchor s = b.op("Shape").in(x).call1();
        OutDataAnchor tail = b.op("Shape").in(x).attr("start", 1L).call1();
        OutDataAnchor n = b.op("Size").in(x).call1();
        Graph g = b.output("s", s).output("tail", tail).output("n", n).build();
        assertThat(runPass(FOLD, g)).isTrue();
        assertThat(count(g, "Shape")).isZero();
        assertThat(count(g, "Size")).isZero();
        assertThat(g.outputs().get(0).value().node().attrTensor("value").toLongArray()).containsExactly(2, 3, 4);
        assertThat(g.outputs().get(1).value().node().attrTensor("value").toLongArray()).containsExactly(3, 4);
        Tensor size = g.outputs().get(2).value().node().attrTensor("value");
        assertThat(size.rank()).isZero();
        assertThat(size.toLongArray()).containsExactly(24);
    }

    /** Shape of x[N,3,4] sliced and gathered: the static dims fold, N does not. */
    static Graph partialShape() {
        GraphBuilder b = GraphBuilder.create("partial");
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of("N", 3, 4));
        OutDataAnchor s = b.op("Shape").in(x).call1();
        OutDataAnchor c = b.op("Gather").in(s, b.constant("i1", Tensor.scalar(1L))).attr("axis", 0L).call1();
        OutDataAnchor hw = b.op("Slice").in(s, b.constant("st", Tensor.of(new long[] {-2}, 1)), b.constant("en", Tensor.of(new long[] {100}, 1))).call1();
        OutDataAnchor batch = b.op("Gather").in(s, b.constant("i0", Tensor.of(new long[] {0}, 1))).attr("axis", 0L).call1();
        return b.output("c", c).output("hw", hw).output("batch", batch).build();
    }

    @Test
    void foldsStaticDimsReadOutOfASymbolicShape() {
        Graph g = partialShape();
        assertThat(runPass(FOLD, g)).isTrue();
        Node c = g.outputs().get(0).value().node(), hw = g.outputs().get(1).value().node(), batch = g.outputs().get(2).value().node();
        assertThat(c.type()).isEqualTo("Constant");
        assertThat(c.attrTensor("value").rank()).isZero();
        assertThat(c.attrTensor("value").toLongArray()).containsExactly(3);
        assertThat(hw.attrTensor("value").toLongArray()).containsExactly(3, 4);
        assertThat(batch.type()).as("N is symbolic").isEqualTo("Gather");
        assertThat(count(g, "Shape")).isEqualTo(1);
        assertSameFunction(ConstantFoldingTest::partialShape, x -> runPass(FOLD, x), 2);
    }

    @Test
    void canonicalisesConstantAttributeFormsAndFoldsThem() {
        GraphBuilder b = GraphBuilder.create("forms");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 2);
        OutDataAnchor f = b.op("Constant").attr("value_floats", new float[] {2, 3}).call1();
        OutDataAnchor two = b.op("Constant").attr("value_float", 2f).call1();
        Graph g = b.output("y", b.add(x, b.mul(f, two))).build();
        assertThat(runPass(FOLD, g)).isTrue();
        assertThat(count(g, "Mul")).isZero();
        Node add = g.nodes().stream().filter(n -> n.type().equals("Add")).findFirst().orElseThrow();
        assertThat(constantFeeding(add, 1).toFloatArray()).containsExactly(4f, 6f);
        assertThat(add.inputValue(1).node().attr("value")).isInstanceOf(Attr.TensorValue.class);
    }
}
