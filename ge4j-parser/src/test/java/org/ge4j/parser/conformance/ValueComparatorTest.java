package org.ge4j.parser.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.OptionalValue;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.TensorSequence;
import org.junit.jupiter.api.Test;

class ValueComparatorTest {
    private final ValueComparator cmp = new ValueComparator();

    @Test void toleranceIsAbsolutePlusRelativeToTheExpectedValue() {
        // 1000 * 1e-3 + 1e-5 = 1.00001
        assertThat(cmp.close(1000, 1001.0)).isTrue();
        assertThat(cmp.close(1000, 1001.00002)).isFalse();
        assertThat(cmp.close(0, 1e-5)).isTrue();
        assertThat(cmp.close(0, 2e-5)).isFalse();
        assertThat(cmp.close(-2, -2.002)).isTrue();
    }

    @Test void nanAndInfinities() {
        assertThat(cmp.close(Double.NaN, Double.NaN)).isTrue();
        assertThat(cmp.close(Double.NaN, 0)).isFalse();
        assertThat(cmp.close(0, Double.NaN)).isFalse();
        assertThat(cmp.close(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY)).isTrue();
        assertThat(cmp.close(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY)).isTrue();
        assertThat(cmp.close(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)).isFalse();
        assertThat(cmp.close(Double.POSITIVE_INFINITY, 1e308)).isFalse();
    }

    @Test void tensors() {
        assertThat(cmp.compare(Tensor.of(new float[] {1, Float.NaN}), Tensor.of(new float[] {1.0005f, Float.NaN}))).isNull();
        assertThat(cmp.compare(Tensor.of(new float[] {1, 2}), Tensor.of(new float[] {1, 2.5f})))
                .isEqualTo("1 of 2 values differ (rtol 0.001, atol 1.0E-5); first at 1: expected 2.0, got 2.5; max abs diff 0.5");
        assertThat(cmp.compare(Tensor.of(new long[] {1, 2}), Tensor.of(new long[] {1, 3}))).isEqualTo("1 of 2 values differ; first at 1: expected 2, got 3");
        assertThat(cmp.compare(Tensor.of(new long[] {5}), Tensor.of(new int[] {5}))).isEqualTo("element type: expected INT64, got INT32");
        assertThat(cmp.compare(Tensor.of(new float[] {1, 2}, 1, 2), Tensor.of(new float[] {1, 2}, 2, 1))).isEqualTo("shape: expected [1,2], got [2,1]");
        assertThat(cmp.compare(Tensor.of(new String[] {"a", "b"}), Tensor.of(new String[] {"a", "B"}))).isEqualTo("element 1: expected \"b\", got \"B\"");
        assertThat(cmp.compare(Tensor.of(new boolean[] {true}), Tensor.of(new boolean[] {true}))).isNull();
        // integers are exact even where a float tolerance would accept
        assertThat(cmp.compare(Tensor.of(new long[] {100000}), Tensor.of(new long[] {100001}))).isNotNull();
    }

    @Test void sequencesAndOptionals() {
        TensorSequence a = new TensorSequence(DataType.FLOAT, List.of(Tensor.of(new float[] {1}), Tensor.of(new float[] {2})));
        TensorSequence b = new TensorSequence(DataType.FLOAT, List.of(Tensor.of(new float[] {1}), Tensor.of(new float[] {3})));
        TensorSequence c = new TensorSequence(DataType.FLOAT, List.of(Tensor.of(new float[] {1})));
        assertThat(cmp.compare(a, a)).isNull();
        assertThat(cmp.compare(a, b)).startsWith("sequence element 1: 1 of 1 values differ");
        assertThat(cmp.compare(a, c)).isEqualTo("sequence length: expected 2, got 1");
        assertThat(cmp.compare(a, Tensor.of(new float[] {1}))).isEqualTo("expected a sequence, got a TENSOR");
        TensorDesc d = TensorDesc.of(DataType.FLOAT, 1);
        assertThat(cmp.compare(OptionalValue.empty(d), OptionalValue.empty(d))).isNull();
        assertThat(cmp.compare(OptionalValue.empty(d), new OptionalValue(d, Tensor.of(new float[] {1})))).isEqualTo("optional: expected none, got a value");
        assertThat(cmp.compare(new OptionalValue(d, Tensor.of(new float[] {1})), new OptionalValue(d, Tensor.of(new float[] {1})))).isNull();
    }
}
