package org.ge4j.ops.onnx.control;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * ONNX {@code TfIdfVectorizer} (opset 9): counts the n-grams of a pool in each input row, where an n-gram's
 * items may be spaced by up to {@code max_skip_count} skipped tokens, and writes the counts (TF), their
 * presence times a weight (IDF) or counts times a weight (TFIDF) at the n-gram's {@code ngram_indexes} slot.
 *
 * <p>Unigrams are counted once per position; longer n-grams once per (position, skip distance), skip
 * distances 0..max_skip_count — the counting of the ONNX backend tests and ONNX Runtime.
 */
public final class TfIdfVectorizer {
    private TfIdfVectorizer() {}

    public static void register(OpRegistry r) {
        r.register(OpSchema.onnx("TfIdfVectorizer", 9)
                .doc("n-gram counting (TF/IDF/TFIDF) of a 1-D [C] or 2-D [N, C] input against a pool of n-grams.")
                .input("X", "T").output("Y", "T1")
                .types("T", DataType.STRING, DataType.INT32, DataType.INT64).types("T1", DataType.FLOAT)
                .requiredAttr("max_gram_length", AttrType.INT).requiredAttr("max_skip_count", AttrType.INT)
                .requiredAttr("min_gram_length", AttrType.INT).requiredAttr("mode", AttrType.STRING)
                .requiredAttr("ngram_counts", AttrType.INTS).requiredAttr("ngram_indexes", AttrType.INTS)
                .optionalAttr("pool_int64s", AttrType.INTS).optionalAttr("pool_strings", AttrType.STRINGS)
                .optionalAttr("weights", AttrType.FLOATS)
                .traits(Trait.PURE).inference(TfIdfVectorizer::infer).build());
        r.registerReference("TfIdfVectorizer", TfIdfVectorizer::compute);
    }

    /** The parsed attributes: n-gram (as a list of items) → pool index, and the output layout. */
    private record Config(String mode, int minN, int maxN, int maxSkip, Map<List<Object>, Integer> pool,
                          long[] indexes, float[] weights, int outSize, boolean strings) {}

    private static Config config(Attrs a, java.util.function.Function<String, RuntimeException> fail) {
        String mode = a.getString("mode");
        if (!mode.equals("TF") && !mode.equals("IDF") && !mode.equals("TFIDF"))
            throw fail.apply("attribute 'mode' must be TF, IDF or TFIDF, got '" + mode + "'");
        long minN = a.getInt("min_gram_length"), maxN = a.getInt("max_gram_length"), skip = a.getInt("max_skip_count");
        if (minN < 1 || maxN < minN) throw fail.apply("need 1 <= min_gram_length <= max_gram_length, got " + minN + " and " + maxN);
        if (skip < 0) throw fail.apply("attribute 'max_skip_count' must be >= 0, got " + skip);
        long[] ints = a.getInts("pool_int64s", null);
        List<String> strs = a.getStrings("pool_strings", null);
        if ((ints == null) == (strs == null)) throw fail.apply("exactly one of 'pool_int64s' and 'pool_strings' must be set");
        int poolSize = ints != null ? ints.length : strs.size();
        long[] counts = a.getInts("ngram_counts");
        long[] indexes = a.getInts("ngram_indexes");
        float[] weights = a.getFloats("weights", null);
        Map<List<Object>, Integer> pool = new HashMap<>();
        int id = 0;
        for (int g = 0; g < counts.length; g++) {
            int n = g + 1;
            long start = counts[g], end = g + 1 < counts.length ? counts[g + 1] : poolSize;
            if (start < 0 || end < start || end > poolSize)
                throw fail.apply("attribute 'ngram_counts' " + Arrays.toString(counts) + " does not fit a pool of " + poolSize);
            if ((end - start) % n != 0)
                throw fail.apply("the pool holds " + (end - start) + " items for " + n + "-grams, not a multiple of " + n);
            for (long p = start; p < end; p += n, id++) {
                List<Object> key = new ArrayList<>(n);
                for (int j = 0; j < n; j++) key.add(ints != null ? (Object) ints[(int) (p + j)] : strs.get((int) (p + j)));
                pool.putIfAbsent(key, id);
            }
        }
        if (indexes.length != id)
            throw fail.apply("attribute 'ngram_indexes' has " + indexes.length + " entries but the pool holds " + id + " n-grams");
        if (weights != null && weights.length != id)
            throw fail.apply("attribute 'weights' has " + weights.length + " entries but the pool holds " + id + " n-grams");
        long max = -1;
        for (long x : indexes) {
            if (x < 0) throw fail.apply("attribute 'ngram_indexes' entries must be >= 0, got " + x);
            max = Math.max(max, x);
        }
        return new Config(mode, (int) minN, (int) maxN, (int) skip, pool, indexes, weights, (int) (max + 1), strs != null);
    }

    static void infer(InferenceContext ctx) {
        Config c = config(ctx.attrs(), ctx::fail);
        DataType t = ctx.inputType(0);
        if (t != DataType.UNDEFINED && (t == DataType.STRING) != c.strings)
            throw ctx.fail("input 0 ('X') is " + t.shortName() + " but the pool holds " + (c.strings ? "strings" : "integers"));
        Shape s = ctx.inputShape(0);
        if (!s.hasRank()) {
            ctx.setOutput(0, DataType.FLOAT, Shape.UNKNOWN_RANK);
            return;
        }
        if (s.rank() == 1) ctx.setOutput(0, DataType.FLOAT, Shape.of(new long[] {c.outSize}));
        else if (s.rank() == 2) ctx.setOutput(0, DataType.FLOAT, Shape.of(List.of(s.dim(0), (Dim) Dim.of(c.outSize))));
        else throw ctx.fail("input 0 ('X') must be [C] or [N, C], got " + s);
    }

    static void compute(KernelContext ctx) {
        Config c = config(ctx.attrs(), ctx::fail);
        Tensor x = ctx.requireInput(0);
        if ((x.dtype() == DataType.STRING) != c.strings)
            throw ctx.fail("input 0 ('X') is " + x.dtype().shortName() + " but the pool holds " + (c.strings ? "strings" : "integers"));
        if (x.rank() != 1 && x.rank() != 2) throw ctx.fail("input 0 ('X') must be [C] or [N, C], got " + Shape.toString(x.shape()));
        int rows = x.rank() == 1 ? 1 : (int) x.dim(0);
        int cols = (int) x.dim(x.rank() - 1);
        Object[] items = new Object[(int) x.size()];
        if (c.strings) System.arraycopy(x.toStringArray(), 0, items, 0, items.length);
        else {
            long[] v = x.toLongArray();
            for (int i = 0; i < v.length; i++) items[i] = v[i];
        }
        int nGrams = c.indexes.length;
        double[] out = new double[rows * c.outSize];
        for (int r = 0; r < rows; r++) {
            int[] counts = new int[nGrams];
            int base = r * cols;
            if (c.minN == 1)
                for (int p = 0; p < cols; p++) count(c, counts, List.of(items[base + p]));
            if (c.maxN >= 2) {
                for (int skip = 0; skip <= c.maxSkip; skip++) {
                    int step = skip + 1;
                    for (int p = 0; p < cols; p++) {
                        List<Object> gram = new ArrayList<>();
                        gram.add(items[base + p]);
                        for (int n = 2; n <= c.maxN; n++) {
                            int at = p + (n - 1) * step;
                            if (at >= cols) break;
                            gram.add(items[base + at]);
                            if (n >= c.minN) count(c, counts, gram);
                        }
                    }
                }
            }
            for (int g = 0; g < nGrams; g++) {
                if (counts[g] == 0) continue;
                double w = c.weights == null ? 1 : c.weights[g];
                double v = switch (c.mode) {
                    case "TF" -> counts[g];
                    case "IDF" -> w;
                    default -> counts[g] * w;
                };
                out[r * c.outSize + (int) c.indexes[g]] = v;
            }
        }
        long[] shape = x.rank() == 1 ? new long[] {c.outSize} : new long[] {rows, c.outSize};
        ctx.setOutput(0, Tensor.fromDoubles(DataType.FLOAT, shape, out));
    }

    private static void count(Config c, int[] counts, List<Object> gram) {
        Integer id = c.pool.get(gram);
        if (id != null) counts[id]++;
    }
}
