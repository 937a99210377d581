package org.ge4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.runtime.TestGraphs.assertClose;
import static org.ge4j.runtime.TestGraphs.closeAll;
import static org.ge4j.runtime.TestGraphs.random;
import static org.ge4j.runtime.TestGraphs.reference;
import static org.ge4j.runtime.TestGraphs.sequenceModel;
import static org.ge4j.runtime.TestGraphs.smallCnn;

import java.nio.file.Path;
import java.util.Map;
import org.ge4j.compiler.om.ModelDefinition.ExecutionMode;
import org.ge4j.compiler.om.ModelDefinition.GearKind;
import org.ge4j.compiler.om.ModelDefinition.Gear;
import org.ge4j.compiler.plan.ExecutionPlan;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ops.api.GraphBuilder;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GearsTest {
    @TempDir Path dir;

    @Test
    void dynamicBatchSizeGivesOnePlanPerBatch() {
        CompileOptions o = CompileOptions.builder().optInputShape("x:-1,3,8,8").optDynamicBatchSize("1,2,4").build();
        Path file = dir.resolve("gears.om");
        try (CompiledModel m = CompiledModel.compile(smallCnn("N"), o)) {
            assertThat(m.mode()).isEqualTo(ExecutionMode.GEARS);
            assertThat(m.definition().gearKind()).isEqualTo(GearKind.BATCH);
            assertThat(m.gears()).extracting(g -> g.describe()).containsExactly("[1,3,8,8]", "[2,3,8,8]", "[4,3,8,8]");
            assertThat(m.gears().get(2).plan().arenaSize()).isGreaterThan(m.gears().get(0).plan().arenaSize());
            assertThat(m.inputs().get(0).shape()).isEqualTo(Shape.of("N", 3, 8, 8));
            m.save(file);
            for (int n : new int[] {2, 4, 1}) checkAgainstReference(m, n);
            try (Tensor x = random(1, 3, 3, 8, 8)) {
                assertThatThrownBy(() -> m.run(Map.of("x", x)))
                        .hasMessageContaining("input shapes [3,3,8,8] match none of the model's gears: [1,3,8,8] | [2,3,8,8] | [4,3,8,8]");
            }
        }
        try (CompiledModel l = CompiledModel.load(file)) {
            assertThat(l.mode()).isEqualTo(ExecutionMode.GEARS);
            assertThat(l.gears()).hasSize(3);
            for (int n : new int[] {4, 1, 2}) checkAgainstReference(l, n);
        }
    }

    @Test
    void dynamicDimsFillTheMinusOnesInOrder() {
        CompileOptions o = CompileOptions.builder().optInputShape("x:-1,-1,8").optDynamicDims("1,3;2,5").build();
        try (CompiledModel m = CompiledModel.compile(sequenceModel(), o)) {
            assertThat(m.definition().gearKind()).isEqualTo(GearKind.DIMS);
            assertThat(m.gears()).extracting(g -> g.describe()).containsExactly("[1,3,8]", "[2,5,8]");
            for (long[] s : new long[][] {{2, 5, 8}, {1, 3, 8}}) {
                try (Tensor x = random(s[1], s)) {
                    Map<String, Tensor> out = m.run(Map.of("x", x));
                    Map<String, Value> ref = reference(sequenceModel(), Map.of("x", x));
                    assertClose("p", out.get("p"), (Tensor) ref.get("p"), 1e-5f);
                    closeAll(out);
                    closeAll(ref);
                }
            }
        }
    }

    @Test
    void gearMistakesAreExplained() {
        assertThatThrownBy(() -> CompiledModel.compile(sequenceModel(),
                CompileOptions.builder().optInputShape("x:-1,-1,8").optDynamicDims("1;2").build()))
                .hasMessageContaining("--dynamic_dims gears have 1 values each, the input shapes have 2 dynamic dims [x[0], x[1]]");
        assertThatThrownBy(() -> CompiledModel.compile(smallCnn(1), CompileOptions.builder().optDynamicBatchSize("1,2").build()))
                .hasMessageContaining("--dynamic_batch_size needs dynamic dims: mark them -1 in the input shape");
        assertThatThrownBy(() -> CompileOptions.builder().optDynamicBatchSize("1,2").optDynamicDims("1;2").build())
                .hasMessageContaining("either dynamic batch sizes or dynamic dims");
    }

    @Test
    void withoutInputShapeTheModelsSymbolicDimsAreTheBatch() {
        try (CompiledModel m = CompiledModel.compile(smallCnn("N"), CompileOptions.builder().optDynamicBatchSize("2,8").build())) {
            assertThat(m.gears()).extracting(g -> g.describe()).containsExactly("[2,3,8,8]", "[8,3,8,8]");
        }
    }

    /** x[N,3,4] -> Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1])) -> Relu: N read from the shape at run time. */
    static Graph shapeArithmetic() {
        GraphBuilder b = GraphBuilder.create("shape_math").opset(17);
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of("N", 3, 4));
        OutDataAnchor n = b.op("Gather").in(b.op("Shape").in(x).call1(), b.constant(Tensor.scalar(0L))).attr("axis", 0L).call1();
        OutDataAnchor s = b.concat(0, b.op("Unsqueeze").in(n, b.constant(Tensor.of(new long[] {0}))).call1(), b.constant(Tensor.of(new long[] {-1})));
        return b.output("y", b.relu(b.op("Reshape").in(x, s).call1())).build();
    }

    @Test
    void shapeArithmeticIsEvaluatedWhenEachGearIsPlanned() {
        CompileOptions o = CompileOptions.builder().optDynamicBatchSize("2,5").build();
        Path file = dir.resolve("shape_math.om");
        try (CompiledModel m = CompiledModel.compile(shapeArithmetic(), o)) {
            for (Gear g : m.gears()) {
                ExecutionPlan p = g.plan();
                assertThat(p.tasks()).extracting(t -> t.node().type()).doesNotContain("Shape", "Gather", "Unsqueeze", "Concat");
                assertThat(p.values()).anyMatch(v -> v.storage() == ExecutionPlan.Storage.CONSTANT);
            }
            // the shape [N, -1] of the Reshape, evaluated at N = 5 for the second gear
            ExecutionPlan p = m.gears().get(1).plan();
            ExecutionPlan.ValueSlot shape = p.values().stream().filter(v -> v.storage() == ExecutionPlan.Storage.CONSTANT && v.shape().length == 1 && v.shape()[0] == 2)
                    .findFirst().orElseThrow();
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(p.constants(), (int) shape.offset(), 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            assertThat(new long[] {bb.getLong(), bb.getLong()}).containsExactly(5, -1);
            m.save(file);
            checkShapeMath(m);
        }
        try (CompiledModel l = CompiledModel.load(file)) {
            checkShapeMath(l);
        }
    }

    private static void checkShapeMath(CompiledModel m) {
        for (int n : new int[] {5, 2}) {
            try (Tensor x = random(n, n, 3, 4)) {
                Map<String, Tensor> out = m.run(Map.of("x", x));
                Map<String, Value> ref = reference(shapeArithmetic(), Map.of("x", x));
                assertThat(out.get("y").shape()).containsExactly(n, 12);
                assertClose("y", out.get("y"), (Tensor) ref.get("y"), 0f);
                closeAll(out);
                closeAll(ref);
            }
        }
    }

    private static void checkAgainstReference(CompiledModel m, int n) {
        try (Tensor x = random(100 + n, n, 3, 8, 8)) {
            Map<String, Tensor> out = m.run(Map.of("x", x));
            Map<String, Value> ref = reference(smallCnn("N"), Map.of("x", x));
            assertThat(out.get("y").shape()).containsExactly(n, 10);
            assertClose("y@" + n, out.get("y"), (Tensor) ref.get("y"), 1e-4f);
            assertClose("conv@" + n, out.get("conv"), (Tensor) ref.get("conv"), 1e-4f);
            closeAll(out);
            closeAll(ref);
        }
    }
}
