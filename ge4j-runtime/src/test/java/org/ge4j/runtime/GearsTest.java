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
import org.ge4j.ir.Shape;
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
