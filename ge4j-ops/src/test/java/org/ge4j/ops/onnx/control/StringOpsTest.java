package org.ge4j.ops.onnx.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpException;
import org.ge4j.ops.util.NodeRunner;
import org.junit.jupiter.api.Test;

class StringOpsTest {
    private final NodeRunner runner = new NodeRunner(TestOps.REGISTRY);

    private Tensor normalize(Map<String, Attr> attrs, Tensor x) { return runner.run1("StringNormalizer", 10, attrs, x); }

    private static final String[] DAYS = {"monday", "tuesday", "wednesday", "thursday"};

    @Test void withoutStopwordsOrCaseChangeItIsIdentity() {
        try (Tensor x = Tensor.of(new String[] {"monday", "tuesday"}); Tensor y = normalize(Map.of("is_case_sensitive", Attr.of(1L)), x)) {
            assertThat(y.toStringArray()).containsExactly("monday", "tuesday");
        }
    }

    @Test void removesStopwordsAndChangesCase() {
        Map<String, Attr> a = Map.of("is_case_sensitive", Attr.of(1L), "stopwords", Attr.ofStrings(List.of("monday")),
                "case_change_action", Attr.of("UPPER"));
        try (Tensor x = Tensor.of(DAYS); Tensor y = normalize(a, x)) {
            assertThat(y.shape()).containsExactly(3);
            assertThat(y.toStringArray()).containsExactly("TUESDAY", "WEDNESDAY", "THURSDAY");
        }
    }

    @Test void caseInsensitiveStopwordsOnA1xCInput() {
        Map<String, Attr> a = Map.of("stopwords", Attr.ofStrings(List.of("monday")), "case_change_action", Attr.of("LOWER"));
        try (Tensor x = Tensor.of(new String[] {"Monday", "TUESDAY", "MONDAY", "Grüße"}, 1, 4); Tensor y = normalize(a, x)) {
            assertThat(y.shape()).containsExactly(1, 2);
            assertThat(y.toStringArray()).containsExactly("tuesday", "grüße");
        }
    }

    @Test void caseSensitiveStopwordsKeepOtherCases() {
        Map<String, Attr> a = Map.of("is_case_sensitive", Attr.of(1L), "stopwords", Attr.ofStrings(List.of("monday")));
        try (Tensor x = Tensor.of(new String[] {"Monday", "monday"}); Tensor y = normalize(a, x)) {
            assertThat(y.toStringArray()).containsExactly("Monday");
        }
    }

    @Test void everythingRemovedGivesOneEmptyString() {
        Map<String, Attr> a = Map.of("is_case_sensitive", Attr.of(1L), "stopwords", Attr.ofStrings(List.of("monday")));
        try (Tensor x = Tensor.of(new String[] {"monday", "monday"}); Tensor y = normalize(a, x);
             Tensor x2 = Tensor.of(new String[] {"monday"}, 1, 1); Tensor y2 = normalize(a, x2)) {
            assertThat(y.shape()).containsExactly(1);
            assertThat(y.toStringArray()).containsExactly("");
            assertThat(y2.shape()).containsExactly(1, 1);
        }
    }

    @Test void rejectsOtherShapesAndActions() {
        try (Tensor x = Tensor.of(DAYS, 2, 2)) {
            assertThatThrownBy(() -> normalize(Map.of(), x)).isInstanceOf(OpException.class).hasMessageContaining("[1, C]");
        }
        try (Tensor x = Tensor.of(DAYS)) {
            assertThatThrownBy(() -> normalize(Map.of("case_change_action", Attr.of("TITLE")), x)).isInstanceOf(OpException.class)
                    .hasMessageContaining("'case_change_action'");
        }
    }

    @Test void regexFullMatch() {
        try (Tensor x = Tensor.of(new String[] {"www.google.com", "www.facebook.com", "www.bbc.co.uk"}, 3, 1);
             Tensor y = runner.run1("RegexFullMatch", 20, Map.of("pattern", Attr.of("www\\.[\\w.-]+\\.\\bcom\\b")), x)) {
            assertThat(y.dtype()).isEqualTo(DataType.BOOL);
            assertThat(y.shape()).containsExactly(3, 1);
            assertThat(y.toBooleanArray()).containsExactly(true, true, false);
        }
        try (Tensor x = Tensor.of(new String[] {"a"})) {
            assertThatThrownBy(() -> runner.run1("RegexFullMatch", 20, Map.of("pattern", Attr.of("(")), x))
                    .isInstanceOf(OpException.class).hasMessageContaining("'pattern'");
        }
    }

    @Test void stringConcatBroadcasts() {
        try (Tensor x = Tensor.of(new String[] {"a", "b"}, 2, 1); Tensor y = Tensor.of(new String[] {"1", "2", "3"}, 1, 3);
             Tensor z = runner.run1("StringConcat", 20, Map.of(), x, y)) {
            assertThat(z.shape()).containsExactly(2, 3);
            assertThat(z.toStringArray()).containsExactly("a1", "a2", "a3", "b1", "b2", "b3");
        }
        try (Tensor x = Tensor.allocate(DataType.STRING); Tensor y = Tensor.allocate(DataType.STRING)) {
            x.setString(0, "ab");
            y.setString(0, "cd");
            try (Tensor z = runner.run1("StringConcat", 20, Map.of(), x, y)) {
                assertThat(z.rank()).isZero();
                assertThat(z.getString(0)).isEqualTo("abcd");
            }
        }
    }
}
