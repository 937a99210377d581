package org.ge4j.compiler.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.compiler.PassTests.assertSameFunction;
import static org.ge4j.compiler.PassTests.count;
import static org.ge4j.compiler.PassTests.only;
import static org.ge4j.compiler.PassTests.runPass;

import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.ge4j.compiler.Compiler;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.OptLevel;
import org.ge4j.compiler.PassTests;
import org.ge4j.compiler.pass.PassManager;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.api.GraphBuilder;
import org.ge4j.ops.blocked.Blocking;
import org.ge4j.ops.vector.VectorOps;
import org.junit.jupiter.api.Test;

class NchwcLayoutTest {
    private static final String CONV = "ge4j::BlockedConv", TO = "ge4j::ReorderToBlocked", FROM = "ge4j::ReorderFromBlocked";

    private static CompilerOptions options(int block) {
        return PassTests.options().toBuilder().optPassOptions(new NchwcLayout.Options(block)).build();
    }

    /** Runs the layout pass alone with block 8, checks the function is kept, returns the rewritten graph. */
    private static Graph layout(Supplier<Graph> make) {
        Graph g = make.get();
        assertThat(runPass(new NchwcLayout(options(8)), g)).as("layout changed the graph").isTrue();
        assertSameFunction(make, x -> runPass(new NchwcLayout(options(8)), x), 5);
        return g;
    }

    private static Tensor random(long seed, long... shape) {
        Random r = new Random(seed);
        float[] v = new float[(int) Shape.elementCount(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian() * 0.5f;
        return Tensor.of(v, shape);
    }

    private static OutDataAnchor conv(GraphBuilder b, OutDataAnchor x, long cin, long cout, int k, int stride, long seed) {
        return b.conv(x, b.constant(random(seed, cout, cin, k, k)), b.constant(random(seed + 1, cout)), stride, k / 2, 1);
    }

    private static OutDataAnchor depthwise(GraphBuilder b, OutDataAnchor x, long c, long seed) {
        return b.conv(x, b.constant(random(seed, c, 1, 3, 3)), b.constant(random(seed + 1, c)), 1, 1, (int) c);
    }

    private static List<Node> nodes(Graph g, String type) { return g.nodes().stream().filter(n -> n.qualifiedType().equals(type)).toList(); }

    /** Stem on 3 channels, then a chain of convs and Relus. */
    static Graph chain() {
        GraphBuilder b = GraphBuilder.create("chain");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 3, 9, 9);
        OutDataAnchor c1 = b.relu(conv(b, x, 3, 8, 3, 2, 1));
        OutDataAnchor c2 = b.relu(conv(b, c1, 8, 12, 3, 1, 3));
        return b.output("y", conv(b, c2, 12, 16, 1, 1, 5)).build();
    }

    @Test
    void convChainStaysBlockedFromTheStemReadingRgbToOneReorderAtTheOutput() {
        Graph g = layout(NchwcLayoutTest::chain);
        assertThat(count(g, CONV)).isEqualTo(3);
        assertThat(count(g, "Conv")).isZero();
        assertThat(count(g, "Relu")).isEqualTo(2); // on the 5-D tensors
        assertThat(count(g, TO)).isZero();
        assertThat(count(g, FROM)).isEqualTo(1);
        Node stem = g.input("x").peers().get(0).node();
        assertThat(stem.qualifiedType()).isEqualTo(CONV);
        assertThat(stem.attrInt("input_blocked", -1)).isZero();
        assertThat(stem.attrInt("block", -1)).isEqualTo(8);
        assertThat(stem.output(0).desc().shape()).isEqualTo(Shape.of(1, 1, 5, 5, 8));
        for (Node r : nodes(g, "Relu")) assertThat(r.inputValue(0).desc().shape().rank()).isEqualTo(5);
        Node out = g.outputs().get(0).value().node();
        assertThat(out.qualifiedType()).isEqualTo(FROM);
        assertThat(out.attrInt("channels", -1)).isEqualTo(16);
        assertThat(g.outputs().get(0).value().desc().shape()).isEqualTo(Shape.of(1, 16, 5, 5));
    }

    /** Two convs on a 16-channel input, added (two blocked values) and the sum added to the input (a plain one). */
    static Graph residual() {
        GraphBuilder b = GraphBuilder.create("residual");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 2, 16, 6, 6);
        OutDataAnchor a = conv(b, x, 16, 16, 3, 1, 1), c = b.relu(conv(b, x, 16, 16, 1, 1, 3));
        OutDataAnchor s = b.relu(b.add(a, c));
        OutDataAnchor m = b.mul(s, conv(b, s, 16, 16, 1, 1, 7));
        return b.output("y", b.add(m, x)).build();
    }

    @Test
    void addAndMulOfBlockedValuesStayOnTheBlockedTensorsAndAPlainInputIsReorderedOnce() {
        Graph g = layout(NchwcLayoutTest::residual);
        assertThat(count(g, CONV)).isEqualTo(3);
        assertThat(count(g, TO)).as("x is reordered once, for both convs and the last Add").isEqualTo(1);
        assertThat(count(g, FROM)).as("only the output").isEqualTo(1);
        Node last = g.outputs().get(0).value().node();
        assertThat(last.qualifiedType()).isEqualTo(FROM);
        Node add = last.inputValue(0).node();
        assertThat(add.type()).isEqualTo("Add");
        assertThat(add.inputValue(1).node().qualifiedType()).isEqualTo(TO);
        assertThat(only(g, "Mul").output(0).desc().shape()).isEqualTo(Shape.of(2, 2, 6, 6, 8));
    }

    @Test
    void aPlainSideLargerThanTheBlockedOneOrOtherChannelsKeepsTheBinaryOpPlain() {
        Supplier<Graph> make = () -> {
            GraphBuilder b = GraphBuilder.create("bigplain");
            OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 3, 6, 6), big = b.input("big", DataType.FLOAT, 1, 8, 6, 6);
            OutDataAnchor pooled = b.op("GlobalAveragePool").in(b.relu(conv(b, x, 3, 8, 3, 1, 1))).call1();
            OutDataAnchor c = conv(b, x, 3, 8, 3, 1, 3);
            return b.output("y", b.mul(pooled, big)).output("z", b.add(c, b.input("one", DataType.FLOAT, 1, 1, 6, 6))).build();
        };
        Graph g = layout(make);
        assertThat(count(g, TO)).isZero();
        assertThat(only(g, "Mul").output(0).desc().shape().rank()).isEqualTo(4);
        assertThat(only(g, "Add").output(0).desc().shape().rank()).isEqualTo(4);
    }

    /** Two ResNet basic blocks: relu(conv(relu(conv(x))) + x), the fused convs take the Add and the Relus. */
    static Graph basicBlocks() {
        GraphBuilder b = GraphBuilder.create("basic");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 16, 6, 6);
        for (int i = 0; i < 2; i++) x = b.relu(b.add(conv(b, b.relu(conv(b, x, 16, 16, 3, 1, 10 * i)), 16, 16, 3, 1, 10 * i + 5), x));
        return b.output("y", x).build();
    }

    @Test
    void theWholeO3PipelineFusesFirstAndConvertsFusedConvsWithTheirResidual() {
        Supplier<Graph> make = NchwcLayoutTest::basicBlocks;
        CompilerOptions on = options(8).toBuilder().setLevel(OptLevel.O3).optSwitches("layout:on").build();
        Graph g = make.get();
        Compiler.optimize(g, on);
        assertThat(count(g, "ge4j::FusedConv") + count(g, "Conv") + count(g, "Add") + count(g, "Relu")).isZero();
        assertThat(count(g, CONV)).isEqualTo(4);
        assertThat(nodes(g, CONV).stream().filter(n -> n.attrInt("has_residual", 0) == 1)).hasSize(2);
        assertThat(count(g, TO)).as("x, read by the first conv and as the first residual").isEqualTo(1);
        assertThat(count(g, FROM)).isEqualTo(1);
        assertSameFunction(make, x -> Compiler.optimize(x, on), 11);
    }

    /** A squeeze-and-excitation block: x * sigmoid(conv(relu(conv(gap(x))))), the gate broadcast over H and W. */
    static Graph squeezeExcite() {
        GraphBuilder b = GraphBuilder.create("se");
        OutDataAnchor in = b.input("x", DataType.FLOAT, 1, 3, 6, 6);
        OutDataAnchor x = b.relu(conv(b, in, 3, 16, 3, 1, 1));
        OutDataAnchor s = b.relu(conv(b, b.globalAveragePool(x), 16, 8, 1, 1, 3));
        OutDataAnchor gate = b.sigmoid(conv(b, s, 8, 16, 1, 1, 5));
        OutDataAnchor sum = b.add(b.mul(x, gate), b.globalAveragePool(x)); // broadcast on both sides
        return b.output("y", conv(b, sum, 16, 8, 1, 1, 7)).build();
    }

    @Test
    void broadcastingBinaryOpsOfBlockedValuesStayBlocked() {
        Graph g = layout(NchwcLayoutTest::squeezeExcite);
        assertThat(count(g, CONV)).isEqualTo(4);
        assertThat(only(g, "Mul").output(0).desc().shape()).isEqualTo(Shape.of(1, 2, 6, 6, 8));
        assertThat(only(g, "Add").output(0).desc().shape()).isEqualTo(Shape.of(1, 2, 6, 6, 8));
        assertThat(only(g, "Sigmoid").output(0).desc().shape()).isEqualTo(Shape.of(1, 16, 1, 1)); // plain: sigmoid(0) is not 0
        assertThat(count(g, TO)).as("the sigmoid's [1,16,1,1] back to blocked").isEqualTo(1);
        assertThat(count(g, FROM)).as("the gate's conv for the Sigmoid, and the output").isEqualTo(2);
    }

    @Test
    void isOnByDefaultAtO3AndSwitchedOffByTheOptionsOrTheSystemProperty() {
        CompilerOptions dflt = options(8).toBuilder().setLevel(OptLevel.O3).build();
        assertThat(new PassManager(dflt).passNames()).contains(NchwcLayout.NAME);
        CompilerOptions off = dflt.toBuilder().optSwitches("layout:off").build();
        assertThat(new PassManager(off).passNames()).doesNotContain(NchwcLayout.NAME);
        Graph g = chain();
        Compiler.optimize(g, off);
        assertThat(count(g, CONV)).isZero();
        String old = System.getProperty(NchwcLayout.PROPERTY);
        System.setProperty(NchwcLayout.PROPERTY, "false");
        try {
            assertThat(new PassManager(dflt).passNames()).doesNotContain(NchwcLayout.NAME);
            assertThat(new PassManager(dflt.toBuilder().optSwitches("layout:on").build()).passNames()).contains(NchwcLayout.NAME);
            assertThat(new PassManager(dflt.toBuilder().setLevel(OptLevel.O2).build()).passNames()).doesNotContain(NchwcLayout.NAME);
        } finally {
            if (old == null) System.clearProperty(NchwcLayout.PROPERTY);
            else System.setProperty(NchwcLayout.PROPERTY, old);
        }
    }

    @Test
    void theBlockIsTheFloatVectorLengthUnlessAPropertySetsIt() {
        assertThat(NchwcLayout.Options.defaults().block()).isEqualTo(Blocking.nativeBlock()).isEqualTo(VectorOps.floatLanes());
        String old = System.getProperty(NchwcLayout.BLOCK_PROPERTY);
        System.setProperty(NchwcLayout.BLOCK_PROPERTY, "8");
        try {
            assertThat(NchwcLayout.Options.defaults().block()).isEqualTo(8);
            Graph g = chain();
            runPass(new NchwcLayout(PassTests.options()), g);
            assertThat(nodes(g, CONV)).allMatch(n -> n.attrInt("block", 0) == 8);
        } finally {
            if (old == null) System.clearProperty(NchwcLayout.BLOCK_PROPERTY);
            else System.setProperty(NchwcLayout.BLOCK_PROPERTY, old);
        }
    }

    @Test
    void doesNothingBelowABlockOf8OrWithoutAConv() {
        assertThat(runPass(new NchwcLayout(options(4)), chain())).isFalse();
        GraphBuilder b = GraphBuilder.create("noconv");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 16, 4, 4);
        Graph g = b.output("y", b.relu(b.maxPool(b.relu(x), 2, 2))).build();
        assertThat(runPass(new NchwcLayout(options(8)), g)).isFalse();
        assertThat(count(g, "MaxPool")).isEqualTo(1);
    }

    /** Depthwise separable: 1x1 expand to 20 (not a multiple of 8), depthwise 3x3, Clip(0, 6), 1x1 project. */
    static Graph depthwiseBlock() {
        GraphBuilder b = GraphBuilder.create("dw");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 8, 7, 7);
        OutDataAnchor e = b.op("Clip").in(conv(b, x, 8, 20, 1, 1, 1), b.constant(Tensor.scalar(0f)), b.constant(Tensor.scalar(6f))).call1();
        OutDataAnchor d = b.op("LeakyRelu").in(depthwise(b, e, 20, 3)).attr("alpha", 0.1f).call1();
        return b.output("y", conv(b, d, 20, 8, 1, 1, 5)).build();
    }

    @Test
    void depthwiseConvsWithChannelsOffTheBlockAndZeroKeepingActivationsStayBlocked() {
        Graph g = layout(NchwcLayoutTest::depthwiseBlock);
        assertThat(count(g, CONV)).isEqualTo(3);
        assertThat(nodes(g, CONV).stream().filter(n -> n.attrInt("group", 1) == 20)).hasSize(1);
        assertThat(count(g, "Clip") + count(g, "LeakyRelu")).isEqualTo(2);
        assertThat(only(g, "Clip").output(0).desc().shape()).isEqualTo(Shape.of(1, 3, 7, 7, 8));
        assertThat(count(g, TO)).isEqualTo(1); // x has 8 channels: not fewer than the block
        assertThat(count(g, FROM)).isEqualTo(1);
    }

    @Test
    void clipThatMovesZeroAndSigmoidGoBackToPlain() {
        Supplier<Graph> make = () -> {
            GraphBuilder b = GraphBuilder.create("clip");
            OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 3, 5, 5);
            OutDataAnchor c = conv(b, x, 3, 8, 3, 1, 1);
            OutDataAnchor clip = b.op("Clip").in(c, b.constant(Tensor.scalar(0.5f)), b.constant(Tensor.scalar(6f))).call1();
            return b.output("y", conv(b, b.sigmoid(clip), 8, 8, 1, 1, 3)).build();
        };
        Graph g = layout(make);
        assertThat(only(g, "Clip").inputValue(0).node().qualifiedType()).isEqualTo(FROM);
        assertThat(only(g, "Sigmoid").output(0).desc().shape().rank()).isEqualTo(4);
        assertThat(count(g, TO)).isEqualTo(1);
    }

    /** Concat of two 8-channel convs (multiples of the block) and of an 8- and a 4-channel one (not). */
    static Graph concats() {
        GraphBuilder b = GraphBuilder.create("concat");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 8, 6, 6);
        OutDataAnchor a = conv(b, x, 8, 8, 1, 1, 1), c = conv(b, x, 8, 8, 3, 1, 3), d = conv(b, x, 8, 4, 3, 1, 5);
        OutDataAnchor whole = b.concat(1, a, c), ragged = b.concat(-3, a, d);
        return b.output("y", conv(b, whole, 16, 8, 1, 1, 7)).output("z", conv(b, ragged, 12, 8, 1, 1, 9)).build();
    }

    @Test
    void concatOfMultiplesOfTheBlockStaysBlockedOthersArePlain() {
        Graph g = layout(NchwcLayoutTest::concats);
        assertThat(count(g, CONV)).isEqualTo(5);
        List<Node> cats = nodes(g, "Concat");
        assertThat(cats).hasSize(2);
        Node blockedCat = cats.stream().filter(n -> n.output(0).desc().shape().rank() == 5).findFirst().orElseThrow();
        assertThat(blockedCat.attrInt("axis", 0)).isEqualTo(1);
        assertThat(blockedCat.output(0).desc().shape()).isEqualTo(Shape.of(1, 2, 6, 6, 8));
        Node plainCat = cats.stream().filter(n -> n.output(0).desc().shape().rank() == 4).findFirst().orElseThrow();
        assertThat(plainCat.inputValue(0).node().qualifiedType()).isEqualTo(FROM);
        assertThat(plainCat.inputValue(1).node().qualifiedType()).isEqualTo(FROM);
        assertThat(plainCat.output(0).peers().get(0).node().qualifiedType()).isEqualTo(TO);
        assertThat(count(g, TO)).isEqualTo(2); // x, and the ragged concat
        assertThat(count(g, FROM)).isEqualTo(4); // a and d for the ragged concat, y and z
    }

    /** Pools: MaxPool, AveragePool with padding, MaxPool whose Indices are used (stays plain). */
    static Graph pools() {
        GraphBuilder b = GraphBuilder.create("pools");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 3, 12, 12);
        OutDataAnchor c = conv(b, x, 3, 12, 3, 1, 1);
        OutDataAnchor m = b.maxPool(c, 3, 2);
        OutDataAnchor a = b.op("AveragePool").in(m).attr("kernel_shape", 3L, 3L).attr("pads", 1L, 1L, 1L, 1L).attr("count_include_pad", 0L).call1();
        List<OutDataAnchor> mi = b.op("MaxPool").in(a).attr("kernel_shape", 2L, 2L).outputs(2).call();
        return b.output("y", conv(b, a, 12, 8, 1, 1, 3)).output("m", mi.get(0)).output("i", mi.get(1)).build();
    }

    @Test
    void poolsBecomeBlockedPoolsUnlessTheirIndicesAreUsed() {
        Graph g = layout(NchwcLayoutTest::pools);
        assertThat(count(g, "ge4j::BlockedMaxPool")).isEqualTo(1);
        assertThat(count(g, "ge4j::BlockedAveragePool")).isEqualTo(1);
        assertThat(only(g, "MaxPool").inputValue(0).node().qualifiedType()).isEqualTo(FROM);
        assertThat(count(g, FROM)).isEqualTo(2); // the output y and the plain MaxPool's input
        assertThat(count(g, TO)).isZero();
    }

    /** Classifier tail: conv, global average pool, flatten, Gemm; and a global max pool as an output. */
    static Graph tail() {
        GraphBuilder b = GraphBuilder.create("tail");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 3, 6, 6);
        OutDataAnchor c = b.relu(conv(b, x, 3, 12, 3, 1, 1));
        OutDataAnchor f = b.flatten(b.globalAveragePool(c), 1);
        OutDataAnchor gm = b.op("GlobalMaxPool").in(c).call1();
        return b.output("y", b.gemm(f, b.constant(random(3, 5, 12)), b.constant(random(4, 5)), true)).output("g", gm).build();
    }

    @Test
    void globalPoolsStayBlockedAndTheTailReadsThemPlain() {
        Graph g = layout(NchwcLayoutTest::tail);
        assertThat(count(g, "ge4j::BlockedGlobalAveragePool")).isEqualTo(1);
        assertThat(count(g, "ge4j::BlockedGlobalMaxPool")).isEqualTo(1);
        assertThat(only(g, "Flatten").inputValue(0).node().qualifiedType()).isEqualTo(FROM);
        assertThat(only(g, "Flatten").inputValue(0).desc().shape()).isEqualTo(Shape.of(1, 12, 1, 1));
        assertThat(count(g, FROM)).isEqualTo(2);
        assertThat(count(g, "Gemm")).isEqualTo(1);
    }

    /** A conv whose output feeds a conv (blocked), a Softmax (plain) and the graph outputs. */
    static Graph sharedUse() {
        GraphBuilder b = GraphBuilder.create("shared");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 16, 4, 4);
        OutDataAnchor c = conv(b, x, 16, 16, 3, 1, 1);
        return b.output("y", conv(b, c, 16, 8, 1, 1, 3)).output("s", b.softmax(c, 1)).output("c", c).build();
    }

    @Test
    void aBlockedValueWithPlainUsesIsReorderedBackOnceForAllOfThem() {
        Graph g = layout(NchwcLayoutTest::sharedUse);
        assertThat(count(g, CONV)).isEqualTo(2);
        assertThat(count(g, TO)).isEqualTo(1);
        assertThat(count(g, FROM)).isEqualTo(2); // c (for the Softmax and the output c), and y
        OutDataAnchor plainC = only(g, "Softmax").inputValue(0);
        assertThat(plainC.node().qualifiedType()).isEqualTo(FROM);
        assertThat(g.outputs().get(2).value()).isSameAs(plainC);
        Node second = g.outputs().get(0).value().node().inputValue(0).node();
        assertThat(second.qualifiedType()).isEqualTo(CONV);
        assertThat(second.inputValue(0).node().qualifiedType()).isEqualTo(CONV);
    }

    /** Batch 2, a dilated conv with auto_pad SAME_UPPER, a strided 1x1 conv without bias. */
    static Graph dilated() {
        GraphBuilder b = GraphBuilder.create("dilated");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 2, 5, 9, 7);
        OutDataAnchor d = b.op("Conv").in(x, b.constant(random(1, 9, 5, 3, 3)), b.constant(random(2, 9))).attr("dilations", 2L, 2L)
                .attr("auto_pad", "SAME_UPPER").call1();
        OutDataAnchor s = b.op("Conv").in(b.relu(d), b.constant(random(3, 8, 9, 1, 1))).attr("strides", 2L, 2L).call1();
        return b.output("y", s).build();
    }

    @Test
    void dilationsAutoPadStridesAndBatchesAreKept() {
        Graph g = layout(NchwcLayoutTest::dilated);
        assertThat(count(g, CONV)).isEqualTo(2);
        Node first = g.input("x").peers().get(0).node();
        assertThat(first.attrInts("dilations", null)).containsExactly(2, 2);
        assertThat(first.attrString("auto_pad", "")).isEqualTo("SAME_UPPER");
        assertThat(first.output(0).desc().shape()).isEqualTo(Shape.of(2, 2, 9, 7, 8));
        assertThat(g.outputs().get(0).value().desc().shape()).isEqualTo(Shape.of(2, 8, 5, 4));
    }

    /** A dynamic batch: the convs, the pool and the Add convert, the shapes keep the symbolic N. */
    static Graph dynamicBatch() {
        GraphBuilder b = GraphBuilder.create("dynbatch");
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of("N", 3, 8, 8));
        OutDataAnchor c = b.relu(conv(b, x, 3, 16, 3, 1, 1));
        OutDataAnchor m = b.maxPool(c, 2, 2);
        return b.output("y", b.add(conv(b, m, 16, 16, 3, 1, 3), m)).build();
    }

    @Test
    void aSymbolicBatchIsKept() {
        Graph g = layout(NchwcLayoutTest::dynamicBatch);
        assertThat(count(g, CONV)).isEqualTo(2);
        assertThat(count(g, "ge4j::BlockedMaxPool")).isEqualTo(1);
        assertThat(only(g, "Add").output(0).desc().shape()).isEqualTo(Shape.of("N", 2, 4, 4, 8));
        assertThat(g.outputs().get(0).value().desc().shape()).isEqualTo(Shape.of("N", 16, 4, 4));
    }

    @Test
    void convsThatAreNotPlainOrDepthwiseOrHaveDynamicSpatialShapesStayPlain() {
        GraphBuilder b = GraphBuilder.create("others");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 16, 5, 5);
        OutDataAnchor grouped = b.conv(x, b.constant(random(1, 16, 8, 3, 3)), null, 1, 1, 2);
        OutDataAnchor dyn = b.input("d", DataType.FLOAT, Shape.of(1, 16, "H", "W"));
        OutDataAnchor dynConv = conv(b, dyn, 16, 8, 1, 1, 3);
        OutDataAnchor w = b.input("w", DataType.FLOAT, 8, 16, 1, 1);
        OutDataAnchor weightInput = b.conv(x, w, null, 1, 0, 1);
        Graph g = b.output("y", grouped).output("z", dynConv).output("v", weightInput).build();
        assertThat(runPass(new NchwcLayout(options(8)), g)).isFalse();
        assertThat(count(g, "Conv")).isEqualTo(3);
    }

    /** An inverted-residual block: 1×1 expand, depthwise 3×3 (stride 1 or 2), 1×1 project; the expand's output read twice when shared. */
    static Graph invertedResidual(int stride, boolean shared) {
        GraphBuilder b = GraphBuilder.create("block");
        OutDataAnchor x = b.input("x", DataType.FLOAT, 1, 8, 9, 9);
        OutDataAnchor t = conv(b, x, 8, 24, 1, 1, 1);
        OutDataAnchor d = b.conv(t, b.constant(random(3, 24, 1, 3, 3)), b.constant(random(4, 24)), stride, 1, 24);
        OutDataAnchor y = conv(b, d, 24, 8, 1, 1, 5);
        return shared ? b.output("y", y).output("t", t).build() : b.output("y", y).build();
    }

    private static CompilerOptions fusing(boolean on) {
        return PassTests.options().toBuilder().optPassOptions(new NchwcLayout.Options(8, on, 1)).build();
    }

    @Test
    void expandThenDepthwiseBecomesOnePointwiseDepthwiseOp() {
        for (int stride : new int[] {1, 2}) {
            Supplier<Graph> make = () -> invertedResidual(stride, false);
            Graph g = make.get();
            assertThat(runPass(new NchwcLayout(fusing(true)), g)).isTrue();
            assertThat(count(g, "ge4j::BlockedPointwiseDepthwise")).isEqualTo(1);
            assertThat(count(g, CONV)).isEqualTo(1); // the project conv
            assertSameFunction(make, x -> runPass(new NchwcLayout(fusing(true)), x), 5);
        }
    }

    @Test
    void pointwiseDepthwiseFusionLeavesASharedIntermediateAndCanBeSwitchedOff() {
        Graph shared = invertedResidual(1, true);
        runPass(new NchwcLayout(fusing(true)), shared);
        assertThat(count(shared, "ge4j::BlockedPointwiseDepthwise")).isZero();
        Graph off = invertedResidual(1, false);
        runPass(new NchwcLayout(fusing(false)), off);
        assertThat(count(off, "ge4j::BlockedPointwiseDepthwise")).isZero();
        assertThat(count(off, CONV)).isEqualTo(3);
        Graph small = invertedResidual(1, false); // the default smallest plane (28x28) is larger than 9x9
        runPass(new NchwcLayout(options(8)), small);
        assertThat(count(small, "ge4j::BlockedPointwiseDepthwise")).isZero();
    }
}
