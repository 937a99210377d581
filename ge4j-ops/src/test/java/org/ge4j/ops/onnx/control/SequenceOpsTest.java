package org.ge4j.ops.onnx.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorSequence;
import org.ge4j.ir.Value;
import org.ge4j.ops.OpException;
import org.ge4j.ops.util.NodeRunner;
import org.junit.jupiter.api.Test;

class SequenceOpsTest {
    private final NodeRunner runner = new NodeRunner(TestOps.REGISTRY);

    private Value run(String op, Map<String, Attr> attrs, Value... inputs) {
        return runner.run(op, 11, attrs, Arrays.asList(inputs), 1).get(0);
    }

    private static TensorSequence seq(Tensor... ts) { return new TensorSequence(ts[0].dtype(), List.of(ts)); }

    @Test void constructAndLength() {
        try (Tensor a = Tensor.of(new int[] {1, 2}); Tensor b = Tensor.of(new int[] {3});
             TensorSequence s = (TensorSequence) run("SequenceConstruct", Map.of(), a, b);
             Tensor n = (Tensor) run("SequenceLength", Map.of(), s)) {
            assertThat(s.elementType()).isEqualTo(DataType.INT32);
            assertThat(s.get(0).toIntArray()).containsExactly(1, 2);
            assertThat(s.get(1).toIntArray()).containsExactly(3);
            assertThat(s.get(0)).isNotSameAs(a);
            assertThat(n.rank()).isZero();
            assertThat(n.toLongArray()).containsExactly(2);
        }
    }

    @Test void constructRejectsMixedTypes() {
        try (Tensor a = Tensor.of(new int[] {1}); Tensor b = Tensor.of(new float[] {3})) {
            assertThatThrownBy(() -> run("SequenceConstruct", Map.of(), a, b)).isInstanceOf(OpException.class)
                    .hasMessageContaining("must agree");
        }
    }

    @Test void emptyHasTheRequestedType() {
        try (TensorSequence s = (TensorSequence) run("SequenceEmpty", Map.of("dtype", Attr.of((long) DataType.INT64.onnxCode())));
             TensorSequence d = (TensorSequence) run("SequenceEmpty", Map.of())) {
            assertThat(s.size()).isZero();
            assertThat(s.elementType()).isEqualTo(DataType.INT64);
            assertThat(d.elementType()).isEqualTo(DataType.FLOAT);
        }
    }

    @Test void atCountsNegativePositionsFromTheBack() {
        try (TensorSequence s = seq(Tensor.of(new float[] {1}), Tensor.of(new float[] {2}), Tensor.of(new float[] {3}));
             Tensor p = Tensor.scalar(-1L); Tensor q = Tensor.of(new int[] {1});
             Tensor last = (Tensor) run("SequenceAt", Map.of(), s, p)) {
            assertThat(last.toFloatArray()).containsExactly(3);
            try (Tensor second = (Tensor) run("SequenceAt", Map.of(), s, q)) {
                assertThat(second.toFloatArray()).containsExactly(2);
            }
            try (Tensor bad = Tensor.scalar(3L)) {
                assertThatThrownBy(() -> run("SequenceAt", Map.of(), s, bad)).isInstanceOf(OpException.class)
                        .hasMessageContaining("outside [-3, 2]");
            }
        }
    }

    @Test void insertAtPositionOrAtTheBack() {
        try (TensorSequence s = seq(Tensor.of(new float[] {1}), Tensor.of(new float[] {2}));
             Tensor x = Tensor.of(new float[] {9}); Tensor front = Tensor.scalar(0L); Tensor end = Tensor.scalar(2L);
             TensorSequence a = (TensorSequence) run("SequenceInsert", Map.of(), s, x);
             TensorSequence b = (TensorSequence) run("SequenceInsert", Map.of(), s, x, front);
             TensorSequence c = (TensorSequence) run("SequenceInsert", Map.of(), s, x, end)) {
            assertThat(a.tensors().stream().map(t -> t.toFloatArray()[0]).toList()).containsExactly(1f, 2f, 9f);
            assertThat(b.tensors().stream().map(t -> t.toFloatArray()[0]).toList()).containsExactly(9f, 1f, 2f);
            assertThat(c.tensors().stream().map(t -> t.toFloatArray()[0]).toList()).containsExactly(1f, 2f, 9f);
            assertThat(s.size()).isEqualTo(2); // the input is unchanged
        }
    }

    @Test void insertRejectsAnotherElementType() {
        try (TensorSequence s = seq(Tensor.of(new float[] {1})); Tensor x = Tensor.of(new long[] {9})) {
            assertThatThrownBy(() -> run("SequenceInsert", Map.of(), s, x)).isInstanceOf(OpException.class)
                    .hasMessageContaining("'tensor'");
        }
    }

    @Test void eraseAtPositionOrTheLast() {
        try (TensorSequence s = seq(Tensor.of(new float[] {1}), Tensor.of(new float[] {2}), Tensor.of(new float[] {3}));
             Tensor p = Tensor.scalar(-3L);
             TensorSequence a = (TensorSequence) run("SequenceErase", Map.of(), s);
             TensorSequence b = (TensorSequence) run("SequenceErase", Map.of(), s, p)) {
            assertThat(a.tensors().stream().map(t -> t.toFloatArray()[0]).toList()).containsExactly(1f, 2f);
            assertThat(b.tensors().stream().map(t -> t.toFloatArray()[0]).toList()).containsExactly(2f, 3f);
        }
    }

    @Test void splitIntoSizeOnePartsWithAndWithoutTheAxis() {
        try (Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
             TensorSequence keep = (TensorSequence) run("SplitToSequence", Map.of("axis", Attr.of(1L)), x);
             TensorSequence drop = (TensorSequence) run("SplitToSequence", Map.of("axis", Attr.of(1L), "keepdims", Attr.of(0L)), x)) {
            assertThat(keep.size()).isEqualTo(3);
            assertThat(keep.get(1).shape()).containsExactly(2, 1);
            assertThat(keep.get(1).toFloatArray()).containsExactly(2, 5);
            assertThat(drop.get(2).shape()).containsExactly(2);
            assertThat(drop.get(2).toFloatArray()).containsExactly(3, 6);
        }
    }

    @Test void splitBySizesAndByChunk() {
        try (Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5}); Tensor sizes = Tensor.of(new long[] {2, 0, 3}); Tensor chunk = Tensor.scalar(2L);
             TensorSequence a = (TensorSequence) run("SplitToSequence", Map.of(), x, sizes);
             TensorSequence b = (TensorSequence) run("SplitToSequence", Map.of(), x, chunk)) {
            assertThat(a.tensors().stream().map(t -> t.shape()[0]).toList()).containsExactly(2L, 0L, 3L);
            assertThat(a.get(2).toFloatArray()).containsExactly(3, 4, 5);
            assertThat(b.tensors().stream().map(t -> t.shape()[0]).toList()).containsExactly(2L, 2L, 1L);
            assertThat(b.get(2).toFloatArray()).containsExactly(5);
        }
    }

    @Test void splitSizesMustSumToTheAxis() {
        try (Tensor x = Tensor.of(new float[] {1, 2, 3}); Tensor sizes = Tensor.of(new long[] {1, 1})) {
            assertThatThrownBy(() -> run("SplitToSequence", Map.of(), x, sizes)).isInstanceOf(OpException.class)
                    .hasMessageContaining("sums to 2").hasMessageContaining("size 3");
        }
    }

    @Test void concatAlongAnAxisOrStackOnANewOne() {
        try (TensorSequence s = seq(Tensor.of(new long[] {1, 2}, 1, 2), Tensor.of(new long[] {3, 4}, 1, 2));
             Tensor rows = (Tensor) run("ConcatFromSequence", Map.of("axis", Attr.of(0L)), s);
             Tensor cols = (Tensor) run("ConcatFromSequence", Map.of("axis", Attr.of(-1L)), s);
             Tensor stacked = (Tensor) run("ConcatFromSequence", Map.of("axis", Attr.of(2L), "new_axis", Attr.of(1L)), s)) {
            assertThat(rows.shape()).containsExactly(2, 2);
            assertThat(rows.toLongArray()).containsExactly(1, 2, 3, 4);
            assertThat(cols.shape()).containsExactly(1, 4);
            assertThat(cols.toLongArray()).containsExactly(1, 2, 3, 4);
            assertThat(stacked.shape()).containsExactly(1, 2, 2);
            assertThat(stacked.toLongArray()).containsExactly(1, 3, 2, 4);
        }
    }

    @Test void concatOfStringsAndMismatchedShapes() {
        try (TensorSequence s = seq(Tensor.of(new String[] {"a"}), Tensor.of(new String[] {"b", "c"}));
             Tensor r = (Tensor) run("ConcatFromSequence", Map.of("axis", Attr.of(0L)), s)) {
            assertThat(r.toStringArray()).containsExactly("a", "b", "c");
            assertThatThrownBy(() -> run("ConcatFromSequence", Map.of("axis", Attr.of(0L), "new_axis", Attr.of(1L)), s))
                    .isInstanceOf(OpException.class).hasMessageContaining("all must agree");
        }
    }

    @Test void concatAxisOutOfRange() {
        try (TensorSequence s = seq(Tensor.of(new float[] {1}))) {
            assertThatThrownBy(() -> run("ConcatFromSequence", Map.of("axis", Attr.of(1L)), s))
                    .isInstanceOf(OpException.class).hasMessageContaining("'axis'");
        }
    }
}
