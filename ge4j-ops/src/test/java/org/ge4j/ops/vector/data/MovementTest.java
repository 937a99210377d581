package org.ge4j.ops.vector.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.vector.data.DataHarness.assertDeclines;
import static org.ge4j.ops.vector.data.DataHarness.assertSame;
import static org.ge4j.ops.vector.data.DataHarness.floats;
import static org.ge4j.ops.vector.data.DataHarness.longs;
import static org.ge4j.ops.vector.data.DataHarness.op;
import static org.ge4j.ops.vector.data.DataHarness.random;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpException;
import org.ge4j.ops.exec.CompiledKernel;
import org.junit.jupiter.api.Test;

/** Transpose, Slice, Expand, Tile, Concat, Split, Gather and the plain copies against their reference kernels. */
class MovementTest {
    private static final DataType[] TYPES = {DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.BFLOAT16, DataType.INT32, DataType.INT64,
            DataType.INT8, DataType.UINT8, DataType.BOOL, DataType.INT16, DataType.COMPLEX64};

    /** Every permutation of 0..n-1. */
    private static List<long[]> perms(int n) {
        List<long[]> out = new ArrayList<>();
        permute(new long[n], new boolean[n], 0, out);
        return out;
    }

    private static void permute(long[] p, boolean[] used, int i, List<long[]> out) {
        if (i == p.length) {
            out.add(p.clone());
            return;
        }
        for (int v = 0; v < p.length; v++) {
            if (used[v]) continue;
            used[v] = true;
            p[i] = v;
            permute(p, used, i + 1, out);
            used[v] = false;
        }
    }

    @Test
    void transposeEveryPermutationOfRanks1To4() {
        long[][] shapes = {{7}, {8, 8}, {3, 17}, {1, 64}, {2, 3, 4}, {5, 1, 33}, {2, 3, 4, 5}, {1, 6, 1, 7}, {3, 2, 17, 19}};
        long seed = 1;
        for (long[] shape : shapes)
            for (long[] p : perms(shape.length))
                assertSame(op("Transpose").ints("perm", p).in(floats(seed++, shape)).build());
    }

    @Test
    void transposeRank5And6AndDefaultPerm() {
        assertSame(op("Transpose").ints("perm", 4, 2, 0, 3, 1).in(floats(1, 2, 3, 4, 5, 6)).build());
        assertSame(op("Transpose").ints("perm", 0, 2, 4, 1, 3, 5).in(floats(2, 2, 3, 2, 3, 2, 5)).build());
        assertSame(op("Transpose").in(floats(3, 3, 4, 5)).build()); // reversed
        assertSame(op("Transpose").in(floats(4)).build()); // a scalar
    }

    @Test
    void transposeEveryDtype() {
        long seed = 10;
        for (DataType t : TYPES) {
            assertSame(op("Transpose").ints("perm", 1, 0).in(random(t, seed++, 37, 45)).build());
            assertSame(op("Transpose").ints("perm", 1, 2, 0).in(random(t, seed++, 9, 5, 13)).build());
            assertSame(op("Transpose").ints("perm", 0, 2, 1).in(random(t, seed++, 3, 33, 70)).build());
            assertSame(op("Transpose").ints("perm", 2, 0, 1).in(random(t, seed++, 4, 6, 3)).build());
        }
        assertSame(op("Transpose").ints("perm", 1, 0).in(random(DataType.COMPLEX128, 5, 6, 7)).build());
    }

    @Test
    void transposeBlockSizesAndTheirEdges() {
        long seed = 100;
        long[][] shapes = {{16, 16}, {32, 48}, {17, 33}, {24, 8}, {8, 24}, {40, 9}, {4, 4}, {12, 20}, {64, 5}};
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.INT64, DataType.INT32, DataType.DOUBLE})
            for (long[] s : shapes) {
                assertSame(op("Transpose").ints("perm", 1, 0).in(random(t, seed++, s)).build());
                assertSame(op("Transpose").ints("perm", 2, 1, 0).in(random(t, seed++, s[0], 3, s[1])).build());
                assertSame(op("Transpose").ints("perm", 1, 2, 0).in(random(t, seed++, s[0], 2, s[1])).build());
            }
    }

    @Test
    void transposeShapesOfTheTransformers() {
        // bert/vit attention: heads out of the sequence, keys transposed, and back
        assertSame(op("Transpose").ints("perm", 1, 0, 2).in(floats(1, 128, 12, 64)).build());
        assertSame(op("Transpose").ints("perm", 1, 2, 0).in(floats(2, 128, 12, 64)).build());
        assertSame(op("Transpose").ints("perm", 1, 0, 2).in(floats(3, 128, 1, 768)).build());
        assertSame(op("Transpose").ints("perm", 0, 2, 1).in(floats(4, 1, 768, 196)).build());
        assertSame(op("Transpose").ints("perm", 0, 2, 1, 3).in(floats(5, 1, 197, 12, 64)).build());
    }

    @Test
    void transposeSimplifiesToTheRightLoop() {
        assertThat(kernel(op("Transpose").ints("perm", 1, 0).in(floats(1, 8, 8)).build())).extracting(StridedCopy::mode).isEqualTo(StridedCopy.Mode.TILE);
        assertThat(kernel(op("Transpose").ints("perm", 1, 0, 2).in(floats(1, 128, 12, 64)).build())).extracting(StridedCopy::mode).isEqualTo(StridedCopy.Mode.ROWS);
        // a dim of 1 moved around: a plain copy
        assertThat(kernel(op("Transpose").ints("perm", 1, 0, 2).in(floats(1, 128, 1, 768)).build())).extracting(StridedCopy::mode).isEqualTo(StridedCopy.Mode.ROWS);
    }

    private static StridedCopy kernel(DataHarness.Case c) { return (StridedCopy) DataHarness.compile(c); }

    @Test
    void largeTransposeRunsOnThePoolAndMatches() {
        assertSame(op("Transpose").ints("perm", 1, 0).in(floats(7, 700, 520)).build());
        assertSame(op("Transpose").ints("perm", 2, 1, 0).in(floats(8, 40, 30, 300)).build());
    }

    @Test
    void copiesOfReshapeFlattenSqueezeUnsqueezeIdentity() {
        for (DataType t : TYPES) {
            assertSame(op("Reshape").in(random(t, 1, 2, 3, 4)).constIn(longs(6, 4)).build());
            assertSame(op("Flatten").attr("axis", 2L).in(random(t, 2, 2, 3, 4)).build());
            assertSame(op("Squeeze").in(random(t, 3, 1, 3, 1, 4)).constIn(longs(0, 2)).build());
            assertSame(op("Unsqueeze").in(random(t, 4, 3, 4)).constIn(longs(0, 3)).build());
            assertSame(op("Identity").in(random(t, 5, 5, 7)).build());
        }
    }

    @Test
    void copyOntoItselfIsANoOp() {
        DataHarness.Case c = op("Identity").in(floats(1, 4, 5)).build();
        CompiledKernel k = DataHarness.compile(c);
        MemorySegment x = c.inputs().get(0).segment();
        float before = x.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 3);
        k.run(new MemorySegment[] {x, x});
        assertThat(x.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 3)).isEqualTo(before);
    }

    @Test
    void sliceStepsNegativeStepsAndClamping() {
        Tensor x = floats(1, 6, 7, 8);
        assertSame(op("Slice").in(x).constIn(longs(1)).constIn(longs(5)).build());
        assertSame(op("Slice").in(x).constIn(longs(1, 2)).constIn(longs(5, -1)).constIn(longs(0, 2)).build());
        assertSame(op("Slice").in(x).constIn(longs(0, 1)).constIn(longs(6, 8)).constIn(longs(-1, 0)).constIn(longs(3, 2)).build());
        assertSame(op("Slice").in(x).constIn(longs(-1)).constIn(longs(Long.MIN_VALUE)).constIn(longs(1)).constIn(longs(-1)).build());
        assertSame(op("Slice").in(x).constIn(longs(7, 100)).constIn(longs(-100, -200)).constIn(longs(2, 0)).constIn(longs(-3, -2)).build());
        assertSame(op("Slice").in(x).constIn(longs(2)).constIn(longs(Long.MAX_VALUE)).constIn(longs(-1)).build());
        assertSame(op("Slice").in(x).constIn(longs(4)).constIn(longs(2)).constIn(longs(1)).build()); // empty
        assertSame(op("Slice").in(x).constIn(Tensor.of(new int[] {1, 0})).constIn(Tensor.of(new int[] {3, 5})).constIn(Tensor.of(new int[] {2, 1})).build());
        // opset 1: attributes
        assertSame(op("Slice").opset(9).ints("starts", 1, 0).ints("ends", 3, 100).ints("axes", 0, 2).in(x).build());
        // bert: the q/k/v thirds of a fused projection
        Tensor qkv = floats(2, 128, 1, 2304);
        for (long k = 0; k < 3; k++) assertSame(op("Slice").in(qkv).constIn(longs(768 * k)).constIn(longs(768 * (k + 1))).constIn(longs(-1)).constIn(longs(1)).build());
        for (DataType t : TYPES) assertSame(op("Slice").in(random(t, 3, 5, 9)).constIn(longs(4, 8)).constIn(longs(0, 1)).constIn(longs(0, 1)).constIn(longs(-2, -3)).build());
    }

    @Test
    void sliceWithRuntimeBoundsIsDeclined() {
        assertDeclines(op("Slice").in(floats(1, 6, 7)).in(longs(1)).constIn(longs(5)).build());
    }

    @Test
    void expandAndTile() {
        for (DataType t : TYPES) {
            assertSame(op("Expand").in(random(t, 1, 3, 1)).constIn(longs(2, 3, 5)).build());
            assertSame(op("Tile").in(random(t, 2, 2, 3)).constIn(longs(3, 2)).build());
        }
        assertSame(op("Expand").in(floats(1, 1)).constIn(longs(4, 1, 6)).build());
        assertSame(op("Expand").in(floats(2, 1, 7, 1)).constIn(longs(3, 1, 5)).build());
        assertSame(op("Expand").in(floats(3, 4, 1, 6)).constIn(longs(4, 5, 1)).build());
        assertSame(op("Tile").in(floats(3, 2, 1, 3)).constIn(longs(1, 4, 2)).build());
        assertSame(op("Tile").in(floats(4, 5)).constIn(longs(3)).build());
        assertSame(op("Tile").in(floats(5, 2, 3)).constIn(longs(0, 2)).build());
    }

    @Test
    void concatAndSplitOnEveryAxis() {
        for (DataType t : TYPES) {
            for (int axis = -3; axis < 3; axis++) {
                long[] a = {2, 3, 4}, b = {2, 3, 4};
                a[(axis + 3) % 3] = 1;
                b[(axis + 3) % 3] = 5;
                assertSame(op("Concat").attr("axis", (long) axis).in(random(t, 1, a)).in(random(t, 2, b)).in(random(t, 3, 2, 3, 4)).build());
                assertSame(op("Split").attr("axis", (long) axis).in(random(t, 4, 6, 6, 6)).constIn(longs(1, 2, 3)).outputs(3).build());
            }
        }
        assertSame(op("Concat").attr("axis", 1L).in(floats(1, 1, 64, 28, 28)).in(floats(2, 1, 128, 28, 28)).in(floats(3, 1, 32, 28, 28)).build());
        assertSame(op("Concat").attr("axis", 0L).in(floats(1, 0, 3)).in(floats(2, 2, 3)).build());
        // copies of >= 64 KB are cut into byte ranges on the pool: ranges that end inside runs, several outer rows
        assertSame(op("Concat").attr("axis", 2L).in(floats(4, 2, 3, 37, 101)).in(floats(5, 2, 3, 50, 101)).in(floats(6, 2, 3, 1, 101)).build());
        assertSame(op("Split").attr("axis", 1L).in(floats(7, 3, 300, 57)).constIn(longs(11, 250, 39)).outputs(3).build());
        assertSame(op("Concat").attr("axis", 3L).in(random(DataType.UINT8, 8, 1, 2, 300, 77)).in(random(DataType.UINT8, 9, 1, 2, 300, 33)).build());
        assertSame(op("Split").attr("axis", 1L).in(floats(4, 2, 9)).outputs(3).build()); // equal parts
        assertSame(op("Split").opset(18).attr("axis", 0L).attr("num_outputs", 3L).in(floats(4, 7, 2)).outputs(3).build());
    }

    @Test
    void gatherAxesIndexTypesAndNegativeIndices() {
        Tensor data = floats(1, 5, 6, 7);
        Tensor i64 = Tensor.of(new long[] {0, -1, 3, 2, -5, 4}, 2, 3), i32 = Tensor.of(new int[] {4, -2, 0}, 3);
        for (long axis = -3; axis < 3; axis++) {
            Tensor idx = axis == 1 || axis == -2 ? Tensor.of(new long[] {5, -6, 0, 1, 2, 3}, 2, 3) : i64;
            assertSame(op("Gather").attr("axis", axis).in(data).in(idx).build());
            assertSame(op("Gather").attr("axis", axis).in(data).constIn(idx).build());
            assertSame(op("Gather").attr("axis", axis).in(data).in(i32).build());
        }
        assertSame(op("Gather").in(data).in(Tensor.scalar(3L)).build());
        for (DataType t : TYPES) {
            assertSame(op("Gather").attr("axis", 0L).in(random(t, 2, 9, 4)).in(i32).build());
            assertSame(op("Gather").attr("axis", 1L).in(random(t, 3, 3, 9)).in(i64).build());
        }
        // bert: an embedding lookup
        Tensor ids = Tensor.allocate(DataType.INT64, 1, 128);
        for (int i = 0; i < 128; i++) ids.setScalarLong(i, (i * 7919L) % 3000 - (i % 5 == 0 ? 3000 : 0));
        assertSame(op("Gather").in(floats(9, 3000, 768)).in(ids).build());
        // vit: the class token, a scalar index on axis 1
        assertSame(op("Gather").attr("axis", 1L).in(floats(10, 1, 197, 768)).constIn(Tensor.scalar(0L)).build());
    }

    @Test
    void gatherOutOfRangeIndexFailsNamingTheInput() {
        DataHarness.Case c = op("Gather").in(floats(1, 5, 3)).in(Tensor.of(new long[] {1, 5}, 2)).build();
        CompiledKernel k = DataHarness.compile(c);
        assertThatThrownBy(() -> k.run(DataHarness.args(c))).isInstanceOf(OpException.class).hasMessageContaining("input 1 ('indices') holds 5")
                .hasMessageContaining("[-5, 4]");
        // constant and out of range: declined, the reference reports it
        assertDeclines(op("Gather").in(floats(1, 5, 3)).constIn(Tensor.of(new long[] {-6}, 1)).build());
    }
}
