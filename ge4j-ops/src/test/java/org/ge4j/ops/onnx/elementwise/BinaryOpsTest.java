package org.ge4j.ops.onnx.elementwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.elementwise.Ops.*;

import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.Trait;
import org.junit.jupiter.api.Test;

class BinaryOpsTest {
    @Test void addBroadcastsRowAgainstMatrix() {
        Tensor a = f32(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = f32(new float[] {10, 20, 30}, 3);
        Tensor c = run("Add", 14, a, b);
        assertThat(c.shape()).containsExactly(2, 3);
        assertThat(c.toFloatArray()).containsExactly(11, 22, 33, 14, 25, 36);
    }

    @Test void mulBroadcastsBothWays() {
        // [2,1] x [1,3] -> [2,3]
        Tensor c = run("Mul", 14, longs(DataType.INT32, new long[] {2, 3}, 2, 1), longs(DataType.INT32, new long[] {1, 10, 100}, 1, 3));
        assertThat(c.shape()).containsExactly(2, 3);
        assertThat(c.toLongArray()).containsExactly(2, 20, 200, 3, 30, 300);
        // scalar times a vector
        assertThat(run("Mul", 14, Tensor.scalar(2.5f), f32(new float[] {2, 4}, 2)).toFloatArray()).containsExactly(5, 10);
    }

    @Test void integerArithmeticWrapsLikeC() {
        assertThat(run("Add", 14, longs(DataType.INT8, new long[] {100, -100}), longs(DataType.INT8, new long[] {100, -100})).toLongArray())
                .containsExactly(-56, 56);
        assertThat(run("Sub", 14, longs(DataType.UINT8, new long[] {1}), longs(DataType.UINT8, new long[] {2})).toLongArray()).containsExactly(255);
        assertThat(run("Mul", 14, longs(DataType.UINT32, new long[] {0xffffffffL}), longs(DataType.UINT32, new long[] {2})).toLongArray())
                .containsExactly(0xfffffffeL);
    }

    @Test void integerDivisionTruncatesTowardZero() {
        Tensor a = longs(DataType.INT32, new long[] {7, -7, 7, -7}), b = longs(DataType.INT32, new long[] {2, 2, -2, -2});
        assertThat(run("Div", 14, a, b).toLongArray()).containsExactly(3, -3, -3, 3);
        // uint64 above 2^63: 2^64-2 / 2 = 2^63-1
        assertThat(run("Div", 14, longs(DataType.UINT64, new long[] {-2}), longs(DataType.UINT64, new long[] {2})).toLongArray())
                .containsExactly(Long.MAX_VALUE);
        assertThat(run("Div", 14, f32(new float[] {1, -1, 0}, 3), f32(new float[] {0, 0, 0}, 3)).toFloatArray())
                .containsExactly(Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN);
    }

    @Test void integerDivisionByZeroIsAnOpException() {
        assertThatThrownBy(() -> run("Div", 14, longs(DataType.INT64, new long[] {1}), longs(DataType.INT64, new long[] {0})))
                .isInstanceOf(OpException.class).hasMessageContaining("node 'Div'").hasMessageContaining("division by zero");
    }

    @Test void modFollowsDivisorSignOrDividendSign() {
        Tensor a = longs(DataType.INT32, new long[] {-4, 7, 5, -7}), b = longs(DataType.INT32, new long[] {3, -3, 2, -3});
        // Python-style: sign of the divisor
        assertThat(run("Mod", 13, a, b).toLongArray()).containsExactly(2, -2, 1, -1);
        // C fmod: sign of the dividend
        assertThat(run("Mod", 13, attrs("fmod", 1L), a, b).toLongArray()).containsExactly(-1, 1, 1, -1);
        Tensor fa = f32(new float[] {-4.5f, 7f}, 2), fb = f32(new float[] {3f, -3f}, 2);
        assertThat(run("Mod", 13, attrs("fmod", 1L), fa, fb).toFloatArray()).containsExactly(-1.5f, 1f);
        assertThatThrownBy(() -> run("Mod", 13, fa, fb)).isInstanceOf(OpException.class).hasMessageContaining("fmod=1");
        // uint64 uses unsigned remainder: (2^64-1) mod 10 = 5
        assertThat(run("Mod", 13, longs(DataType.UINT64, new long[] {-1}), longs(DataType.UINT64, new long[] {10})).toLongArray()).containsExactly(5);
    }

    @Test void powWithMixedTypes() {
        Tensor xi = longs(DataType.INT64, new long[] {1, 2, 3}), yi = longs(DataType.INT64, new long[] {4, 5, 6});
        assertThat(run("Pow", 15, xi, yi).toLongArray()).containsExactly(1, 32, 729);
        Tensor yf = f32(new float[] {0.5f, 2f, 1.5f}, 3);
        Tensor zf = run("Pow", 15, longs(DataType.INT32, new long[] {4, 3, 4}), yf);
        assertThat(zf.dtype()).isEqualTo(DataType.INT32);
        assertThat(zf.toLongArray()).containsExactly(2, 9, 8);
        Tensor zx = run("Pow", 15, f32(new float[] {2, 3, -2}, 3), longs(DataType.INT64, new long[] {3, -1, 2}));
        assertThat(zx.dtype()).isEqualTo(DataType.FLOAT);
        assertThat(zx.toFloatArray()).containsExactly(8f, 1f / 3, 4f);
        // Pow-7 requires both of one type
        assertThatThrownBy(() -> run("Pow", 7, f32(new float[] {2}, 1), Tensor.of(new double[] {2}))).isInstanceOf(OpException.class);
    }

    @Test void comparisonsIncludingNaNAndUnsigned() {
        Tensor a = f32(new float[] {1, 2, Float.NaN}, 3), b = f32(new float[] {2, 2, Float.NaN}, 3);
        assertThat(run("Equal", 13, a, b).toBooleanArray()).containsExactly(false, true, false);
        assertThat(run("Less", 13, a, b).toBooleanArray()).containsExactly(true, false, false);
        assertThat(run("LessOrEqual", 16, a, b).toBooleanArray()).containsExactly(true, true, false);
        assertThat(run("Greater", 13, a, b).toBooleanArray()).containsExactly(false, false, false);
        assertThat(run("GreaterOrEqual", 16, a, b).toBooleanArray()).containsExactly(false, true, false);
        // 2^64-1 > 1 as unsigned
        Tensor big = longs(DataType.UINT64, new long[] {-1}), one = longs(DataType.UINT64, new long[] {1});
        assertThat(run("Greater", 13, big, one).toBooleanArray()).containsExactly(true);
        assertThat(run("Less", 13, longs(DataType.INT64, new long[] {-1}), longs(DataType.INT64, new long[] {1})).toBooleanArray()).containsExactly(true);
        assertThat(run("Equal", 11, Tensor.of(new boolean[] {true, false}), Tensor.of(new boolean[] {true, true})).toBooleanArray())
                .containsExactly(true, false);
        assertThat(run("Equal", 13, a, b).dtype()).isEqualTo(DataType.BOOL);
    }

    @Test void logicBroadcasts() {
        Tensor a = Tensor.of(new boolean[] {true, true, false, false}, 2, 2), b = Tensor.of(new boolean[] {true, false}, 2);
        assertThat(run("And", 7, a, b).toBooleanArray()).containsExactly(true, false, false, false);
        assertThat(run("Or", 7, a, b).toBooleanArray()).containsExactly(true, true, true, false);
        assertThat(run("Xor", 7, a, b).toBooleanArray()).containsExactly(false, true, true, false);
    }

    @Test void bitwiseAndShifts() {
        Tensor a = longs(DataType.UINT8, new long[] {0b1100, 255, 16}), b = longs(DataType.UINT8, new long[] {0b1010, 1, 2});
        assertThat(run("BitwiseAnd", 18, a, b).toLongArray()).containsExactly(0b1000, 1, 0);
        assertThat(run("BitwiseOr", 18, a, b).toLongArray()).containsExactly(0b1110, 255, 18);
        assertThat(run("BitwiseXor", 18, a, b).toLongArray()).containsExactly(0b0110, 254, 18);
        assertThat(run("BitwiseAnd", 18, longs(DataType.INT16, new long[] {-1}), longs(DataType.INT16, new long[] {-256})).toLongArray())
                .containsExactly(-256);
        // uint8: 255 << 1 wraps to 254; a shift by 8 or more empties it
        assertThat(run("BitShift", 11, attrs("direction", "LEFT"), a, longs(DataType.UINT8, new long[] {1, 1, 8})).toLongArray())
                .containsExactly(24, 254, 0);
        assertThat(run("BitShift", 11, attrs("direction", "RIGHT"), longs(DataType.UINT64, new long[] {-1, 16}), longs(DataType.UINT64, new long[] {60, 2}))
                .toLongArray()).containsExactly(15, 4);
        assertThatThrownBy(() -> run("BitShift", 11, attrs("direction", "UP"), a, b)).isInstanceOf(OpException.class).hasMessageContaining("'direction'");
    }

    @Test void preluSlopeBroadcastsToX() {
        Tensor x = f32(new float[] {-1, 2, -3, 4, -5, 6}, 2, 3);
        assertThat(run("PRelu", 16, x, f32(new float[] {0.5f, 0.5f, 2f}, 3)).toFloatArray()).containsExactly(-0.5f, 2, -6, 4, -2.5f, 6);
        assertThat(run("PRelu", 9, longs(DataType.INT32, new long[] {-4, 4}), longs(DataType.INT32, new long[] {3})).toLongArray()).containsExactly(-12, 4);
        // slope may not enlarge X
        assertThatThrownBy(() -> run("PRelu", 16, f32(new float[] {1, 2}, 2), f32(new float[] {1, 2, 3, 4}, 2, 2)))
                .isInstanceOf(OpException.class).hasMessageContaining("slope").hasMessageContaining("[2,2]").hasMessageContaining("[2]");
    }

    @Test void legacyPreluIsPerChannel() {
        // opset 6: slope [C] applies along axis 1 of [N,C,H]
        Tensor x = f32(new float[] {-1, -1, -1, -1}, 1, 2, 2);
        assertThat(run("PRelu", 6, x, f32(new float[] {2, 3}, 2)).toFloatArray()).containsExactly(-2, -2, -3, -3);
    }

    @Test void legacyBroadcastWithAxis() {
        Tensor a = f32(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        // B of shape [2] placed at axis 0: broadcast along the columns
        Tensor c = run("Add", 6, attrs("broadcast", 1L, "axis", 0L), a, f32(new float[] {10, 20}, 2));
        assertThat(c.toFloatArray()).containsExactly(11, 12, 13, 24, 25, 26);
        // default: B matches A's trailing dims
        assertThat(run("Sub", 1, attrs("broadcast", 1L), a, f32(new float[] {1, 2, 3}, 3)).toFloatArray()).containsExactly(0, 0, 0, 3, 3, 3);
        assertThat(run("Mul", 6, attrs("broadcast", 1L), a, Tensor.scalar(2f)).toFloatArray()).containsExactly(2, 4, 6, 8, 10, 12);
        // without broadcast=1 shapes must be equal
        assertThatThrownBy(() -> run("Add", 6, a, f32(new float[] {1, 2, 3}, 3)))
                .isInstanceOf(OpException.class).hasMessageContaining("broadcast=0").hasMessageContaining("[2,3]").hasMessageContaining("[3]");
        assertThatThrownBy(() -> run("Add", 6, attrs("broadcast", 1L, "axis", 1L), a, f32(new float[] {1, 2}, 2)))
                .isInstanceOf(OpException.class).hasMessageContaining("[2]");
        // the legacy comparisons share the mechanism
        assertThat(run("Greater", 1, attrs("broadcast", 1L), a, f32(new float[] {3}, 1)).toBooleanArray())
                .containsExactly(false, false, false, true, true, true);
    }

    @Test void incompatibleShapesNameNodeAndBothShapes() {
        Tensor a = f32(new float[6], 2, 3), b = f32(new float[4], 4);
        assertThatThrownBy(() -> run("Add", 14, a, b))
                .isInstanceOf(OpException.class)
                .hasMessageContaining("node 'Add'")
                .hasMessageContaining("input 0 ('A') of shape [2,3]")
                .hasMessageContaining("input 1 ('B') of shape [4]");
    }

    @Test void kernelChecksShapesItself() {
        // inference sees symbolic dims and cannot object; the kernel must
        org.ge4j.ir.Graph g = new org.ge4j.ir.Graph("g");
        g.setOpset("", 14);
        var x = g.addInput("x", new TensorDesc(DataType.FLOAT, Shape.of("N")));
        var y = g.addInput("y", new TensorDesc(DataType.FLOAT, Shape.of("M")));
        org.ge4j.ir.Node n = g.addNode("", "Sub", "sub", 0);
        n.addInput(x);
        n.addInput(y);
        g.addOutput(n.addOutput("z", null));
        new org.ge4j.ops.GraphInference(OpRegistry.global(), true).infer(g);
        assertThat(n.output(0).desc().shape()).isEqualTo(Shape.of("?"));
        try (Tensor tx = f32(new float[3], 3); Tensor ty = f32(new float[2], 2)) {
            assertThatThrownBy(() -> new org.ge4j.ops.ReferenceInterpreter(OpRegistry.global()).run(g, java.util.Map.of("x", tx, "y", ty)))
                    .isInstanceOf(OpException.class).hasMessageContaining("node 'sub'").hasMessageContaining("[3]").hasMessageContaining("[2]");
        }
    }

    @Test void inferenceWithSymbolicDims() {
        TensorDesc d = infer("Add", 14, null, new TensorDesc(DataType.FLOAT, Shape.of("N", 1, 4)), new TensorDesc(DataType.FLOAT, Shape.of(new long[] {3, 1})));
        assertThat(d).isEqualTo(new TensorDesc(DataType.FLOAT, Shape.of("N", 3, 4)));
        TensorDesc e = infer("Equal", 13, null, new TensorDesc(DataType.INT64, Shape.of("N")), new TensorDesc(DataType.INT64, Shape.of("N")));
        assertThat(e).isEqualTo(new TensorDesc(DataType.BOOL, Shape.of("N")));
        TensorDesc u = infer("Add", 14, null, new TensorDesc(DataType.FLOAT, Shape.UNKNOWN_RANK), new TensorDesc(DataType.FLOAT, Shape.of(new long[] {3})));
        assertThat(u.shape().hasRank()).isFalse();
        assertThatThrownBy(() -> infer("Add", 14, null, TensorDesc.of(DataType.FLOAT, 2), TensorDesc.of(DataType.INT32, 2)))
                .isInstanceOf(OpException.class).hasMessageContaining("must agree");
    }

    @Test void traits() {
        OpRegistry r = OpRegistry.global();
        assertThat(r.schema("", "Add", 14).traits()).contains(Trait.ELEMENTWISE, Trait.PURE, Trait.COMMUTATIVE, Trait.IN_PLACE);
        assertThat(r.schema("", "Sub", 14).traits()).doesNotContain(Trait.COMMUTATIVE);
        assertThat(r.schema("", "Equal", 13).traits()).contains(Trait.COMMUTATIVE).doesNotContain(Trait.IN_PLACE);
        assertThat(r.schema("", "And", 7).traits()).contains(Trait.COMMUTATIVE, Trait.ASSOCIATIVE, Trait.IN_PLACE);
        assertThat(r.schema("", "BitwiseXor", 18).traits()).contains(Trait.COMMUTATIVE, Trait.ASSOCIATIVE);
        assertThat(r.versions("", "Add")).extracting(s -> s.sinceVersion()).containsExactly(1, 6, 7, 13, 14);
        assertThat(r.versions("", "Pow")).extracting(s -> s.sinceVersion()).containsExactly(1, 7, 12, 13, 15);
    }
}
