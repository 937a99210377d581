package org.ge4j.ops.onnx.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpException;
import org.ge4j.ops.util.NodeRunner;
import org.junit.jupiter.api.Test;

class TfIdfVectorizerTest {
    private final NodeRunner runner = new NodeRunner(TestOps.REGISTRY);

    /** The pool of the ONNX examples: unigrams 2,3,5,4 and bigrams (5,6), (7,8), (6,7). */
    private static Map<String, Attr> attrs(String mode, long minN, long maxN, long skip) {
        Map<String, Attr> a = new HashMap<>();
        a.put("mode", Attr.of(mode));
        a.put("min_gram_length", Attr.of(minN));
        a.put("max_gram_length", Attr.of(maxN));
        a.put("max_skip_count", Attr.of(skip));
        a.put("ngram_counts", Attr.of(new long[] {0, 4}));
        a.put("ngram_indexes", Attr.of(new long[] {0, 1, 2, 3, 4, 5, 6}));
        a.put("pool_int64s", Attr.of(new long[] {2, 3, 5, 4, 5, 6, 7, 8, 6, 7}));
        return a;
    }

    private static final int[] X = {1, 1, 3, 3, 3, 7, 8, 6, 7, 5, 6, 8};

    private float[] run(Map<String, Attr> attrs, Tensor x) {
        try (Tensor y = runner.run1("TfIdfVectorizer", 9, attrs, x)) {
            return y.toFloatArray();
        }
    }

    @Test void bigramsWithoutSkips() {
        try (Tensor x = Tensor.of(X)) {
            assertThat(run(attrs("TF", 2, 2, 0), x)).containsExactly(0, 0, 0, 0, 1, 1, 1);
        }
    }

    @Test void bigramsWithSkipsCountEachSkipDistance() {
        try (Tensor x = Tensor.of(X)) {
            // (7,8) at distances 1, 6 and 3
            assertThat(run(attrs("TF", 2, 2, 5), x)).containsExactly(0, 0, 0, 0, 1, 3, 1);
        }
    }

    @Test void unigramsAreCountedOnce() {
        try (Tensor x = Tensor.of(X)) {
            assertThat(run(attrs("TF", 1, 2, 5), x)).containsExactly(0, 3, 1, 0, 1, 3, 1);
        }
    }

    @Test void batchRowsAreCountedSeparately() {
        try (Tensor x = Tensor.of(X, 2, 6); Tensor y = runner.run1("TfIdfVectorizer", 9, attrs("TF", 1, 2, 5), x)) {
            assertThat(y.shape()).containsExactly(2, 7);
            assertThat(y.toFloatArray()).containsExactly(0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1);
        }
    }

    @Test void emptyLevelsOfThePool() {
        Map<String, Attr> a = attrs("TF", 2, 2, 0);
        a.put("ngram_counts", Attr.of(new long[] {0, 0}));
        a.put("ngram_indexes", Attr.of(new long[] {0, 1, 2}));
        a.put("pool_int64s", Attr.of(new long[] {5, 6, 7, 8, 6, 7}));
        try (Tensor x = Tensor.of(X)) {
            assertThat(run(a, x)).containsExactly(1, 1, 1);
        }
    }

    @Test void idfAndTfidfUseWeights() {
        Map<String, Attr> idf = attrs("IDF", 1, 2, 5);
        idf.put("weights", Attr.of(new float[] {1, 2, 3, 4, 5, 6, 7}));
        Map<String, Attr> tfidf = new HashMap<>(idf);
        tfidf.put("mode", Attr.of("TFIDF"));
        try (Tensor x = Tensor.of(X)) {
            assertThat(run(idf, x)).containsExactly(0, 2, 3, 0, 5, 6, 7);
            assertThat(run(tfidf, x)).containsExactly(0, 6, 3, 0, 5, 18, 7);
        }
    }

    @Test void stringPoolAndOutputIndexes() {
        Map<String, Attr> a = new HashMap<>();
        a.put("mode", Attr.of("TF"));
        a.put("min_gram_length", Attr.of(1L));
        a.put("max_gram_length", Attr.of(2L));
        a.put("max_skip_count", Attr.of(0L));
        a.put("ngram_counts", Attr.of(new long[] {0, 2}));
        a.put("ngram_indexes", Attr.of(new long[] {2, 0, 1}));
        a.put("pool_strings", Attr.ofStrings(List.of("a", "b", "a", "b")));
        try (Tensor x = Tensor.of(new String[] {"a", "b", "a", "b", "c"})) {
            // "a" x2 -> slot 2, "b" x2 -> slot 0, "a b" x2 -> slot 1
            assertThat(run(a, x)).containsExactly(2, 2, 2);
        }
    }

    @Test void poolMustMatchTheInputType() {
        try (Tensor x = Tensor.of(new String[] {"a"})) {
            assertThatThrownBy(() -> run(attrs("TF", 1, 1, 0), x)).isInstanceOf(OpException.class)
                    .hasMessageContaining("pool holds integers");
        }
    }

    @Test void badModeIsRejected() {
        try (Tensor x = Tensor.of(X)) {
            assertThatThrownBy(() -> run(attrs("BM25", 1, 1, 0), x)).isInstanceOf(OpException.class)
                    .hasMessageContaining("'mode'");
        }
    }
}
