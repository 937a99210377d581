package org.ge4j.ops.onnx.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpException;
import org.ge4j.ops.Trait;
import org.ge4j.ops.util.NodeRunner;
import org.junit.jupiter.api.Test;

class RandomOpsTest {
    private final NodeRunner runner = new NodeRunner(TestOps.REGISTRY);

    private static Map<String, Attr> attrs(Object... kv) {
        Map<String, Attr> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], (Attr) kv[i + 1]);
        return m;
    }

    private static double mean(double[] v) { return Arrays.stream(v).average().orElse(Double.NaN); }

    private static double std(double[] v) {
        double m = mean(v);
        return Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / v.length);
    }

    @Test void allAreMarkedRandom() {
        for (String op : new String[] {"RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli"})
            assertThat(TestOps.REGISTRY.schema("", op, 17).has(Trait.RANDOM)).as(op).isTrue();
    }

    @Test void seededUniformIsReproducibleAndInRange() {
        Map<String, Attr> a = attrs("shape", Attr.of(new long[] {100, 50}), "low", Attr.of(-2f), "high", Attr.of(3f), "seed", Attr.of(7f));
        try (Tensor x = runner.run1("RandomUniform", 1, a); Tensor y = runner.run1("RandomUniform", 1, a)) {
            assertThat(x.dtype()).isEqualTo(DataType.FLOAT);
            assertThat(x.shape()).containsExactly(100, 50);
            assertThat(x.contentEquals(y)).isTrue();
            double[] v = x.toDoubleArray();
            assertThat(Arrays.stream(v).min().getAsDouble()).isGreaterThanOrEqualTo(-2);
            assertThat(Arrays.stream(v).max().getAsDouble()).isLessThan(3);
            assertThat(mean(v)).isCloseTo(0.5, within(0.1)); // 5000 draws: the mean's std error is ~0.02
        }
        a.put("seed", Attr.of(8f));
        try (Tensor x = runner.run1("RandomUniform", 1, attrs("shape", Attr.of(new long[] {10}), "seed", Attr.of(7f)));
             Tensor z = runner.run1("RandomUniform", 1, attrs("shape", Attr.of(new long[] {10}), "seed", Attr.of(8f)))) {
            assertThat(x.contentEquals(z)).isFalse();
        }
    }

    @Test void seededNormalHasTheRequestedMoments() {
        Map<String, Attr> a = attrs("shape", Attr.of(new long[] {20000}), "mean", Attr.of(5f), "scale", Attr.of(2f),
                "seed", Attr.of(1f), "dtype", Attr.of((long) DataType.DOUBLE.onnxCode()));
        try (Tensor x = runner.run1("RandomNormal", 1, a); Tensor y = runner.run1("RandomNormal", 1, a)) {
            assertThat(x.dtype()).isEqualTo(DataType.DOUBLE);
            assertThat(x.contentEquals(y)).isTrue();
            assertThat(mean(x.toDoubleArray())).isCloseTo(5, within(0.1));
            assertThat(std(x.toDoubleArray())).isCloseTo(2, within(0.1));
        }
    }

    @Test void likeVariantsTakeShapeAndTypeFromTheInput() {
        try (Tensor in = Tensor.of(new double[6], 2, 3);
             Tensor u = runner.run1("RandomUniformLike", 1, attrs("seed", Attr.of(3f)), in);
             Tensor n = runner.run1("RandomNormalLike", 1, attrs("dtype", Attr.of((long) DataType.FLOAT16.onnxCode())), in)) {
            assertThat(u.dtype()).isEqualTo(DataType.DOUBLE);
            assertThat(u.shape()).containsExactly(2, 3);
            assertThat(n.dtype()).isEqualTo(DataType.FLOAT16);
            assertThat(n.shape()).containsExactly(2, 3);
        }
        try (Tensor ints = Tensor.of(new int[] {1, 2})) {
            assertThatThrownBy(() -> runner.run1("RandomUniformLike", 1, Map.of(), ints)).isInstanceOf(OpException.class)
                    .hasMessageContaining("must be one of");
        }
    }

    @Test void bernoulliFollowsTheProbabilities() {
        double[] p = new double[3000];
        for (int i = 0; i < p.length; i++) p[i] = i % 3 == 0 ? 0 : i % 3 == 1 ? 1 : 0.25;
        try (Tensor in = Tensor.of(p); Tensor a = runner.run1("Bernoulli", 15, attrs("seed", Attr.of(2f)), in);
             Tensor b = runner.run1("Bernoulli", 15, attrs("seed", Attr.of(2f)), in);
             Tensor bools = runner.run1("Bernoulli", 15, attrs("dtype", Attr.of((long) DataType.BOOL.onnxCode())), in)) {
            assertThat(a.dtype()).isEqualTo(DataType.DOUBLE);
            assertThat(a.contentEquals(b)).isTrue();
            double[] v = a.toDoubleArray();
            int quarter = 0;
            for (int i = 0; i < v.length; i++) {
                if (i % 3 == 0) assertThat(v[i]).isEqualTo(0);
                else if (i % 3 == 1) assertThat(v[i]).isEqualTo(1);
                else quarter += (int) v[i];
            }
            assertThat(quarter / 1000.0).isCloseTo(0.25, within(0.05));
            assertThat(bools.dtype()).isEqualTo(DataType.BOOL);
        }
        try (Tensor bad = Tensor.of(new float[] {1.5f})) {
            assertThatThrownBy(() -> runner.run1("Bernoulli", 15, Map.of(), bad)).isInstanceOf(OpException.class)
                    .hasMessageContaining("outside [0, 1]");
        }
    }

    @Test void multinomialDrawsFromTheSoftmax() {
        // row 0: log-probabilities favour class 2 overwhelmingly; row 1: classes 0 and 1 equally likely
        float[] logits = {-100, -100, 0, 0, 0, -1000};
        try (Tensor in = Tensor.of(logits, 2, 3);
             Tensor s = runner.run1("Multinomial", 7, attrs("sample_size", Attr.of(2000L), "seed", Attr.of(5f),
                     "dtype", Attr.of((long) DataType.INT64.onnxCode())), in)) {
            assertThat(s.dtype()).isEqualTo(DataType.INT64);
            assertThat(s.shape()).containsExactly(2, 2000);
            long[] v = s.toLongArray();
            int ones = 0;
            for (int i = 0; i < 2000; i++) assertThat(v[i]).isEqualTo(2);
            for (int i = 2000; i < 4000; i++) {
                assertThat(v[i]).isBetween(0L, 1L);
                ones += (int) v[i];
            }
            assertThat(ones / 2000.0).isCloseTo(0.5, within(0.05));
        }
        try (Tensor in = Tensor.of(new float[] {0, 0}, 1, 2); Tensor s = runner.run1("Multinomial", 7, Map.of(), in)) {
            assertThat(s.dtype()).isEqualTo(DataType.INT32);
            assertThat(s.shape()).containsExactly(1, 1);
        }
    }

    @Test void generatorsRejectNonFloatTypes() {
        assertThatThrownBy(() -> runner.run1("RandomNormal", 1, attrs("shape", Attr.of(new long[] {2}), "dtype", Attr.of(7L))))
                .isInstanceOf(OpException.class).hasMessageContaining("'dtype'");
    }
}
