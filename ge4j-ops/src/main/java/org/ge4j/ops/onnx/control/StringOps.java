package org.ge4j.ops.onnx.control;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;
import org.ge4j.ops.util.Broadcast;

/**
 * String ops: {@code StringNormalizer} (opset 10: stop-word removal and case change), and the opset-20
 * {@code RegexFullMatch} and {@code StringConcat}.
 */
public final class StringOps {
    private StringOps() {}

    public static void register(OpRegistry r) {
        r.register(OpSchema.onnx("StringNormalizer", 10)
                .doc("Removes stopwords from a [C] or [1, C] string tensor, then lower- or upper-cases what is left.")
                .input("X", "tensor(string)").output("Y", "tensor(string)")
                .attr("case_change_action", "NONE").attr("is_case_sensitive", 0L)
                .optionalAttr("locale", AttrType.STRING).optionalAttr("stopwords", AttrType.STRINGS)
                .traits(Trait.PURE).inference(StringOps::inferNormalizer).build());
        r.register(OpSchema.onnx("RegexFullMatch", 20)
                .doc("True where the whole string matches the regular expression 'pattern'.")
                .input("X", "T1").output("Y", "T2").types("T1", DataType.STRING).types("T2", DataType.BOOL)
                .optionalAttr("pattern", AttrType.STRING)
                .traits(Trait.PURE, Trait.ELEMENTWISE).inference(StringOps::inferRegex).build());
        r.register(OpSchema.onnx("StringConcat", 20)
                .doc("Concatenates strings elementwise with numpy-style broadcasting.")
                .input("X", "T").input("Y", "T").output("Z", "T").types("T", DataType.STRING)
                .traits(Trait.PURE, Trait.ELEMENTWISE).inference(StringOps::inferConcat).build());
        r.registerReference("StringNormalizer", StringOps::normalize);
        r.registerReference("RegexFullMatch", StringOps::regexFullMatch);
        r.registerReference("StringConcat", StringOps::concat);
    }

    // ------------------------------------------------------------------ StringNormalizer

    private static String action(String a, java.util.function.Function<String, RuntimeException> fail) {
        if (!a.equals("NONE") && !a.equals("LOWER") && !a.equals("UPPER"))
            throw fail.apply("attribute 'case_change_action' must be NONE, LOWER or UPPER, got '" + a + "'");
        return a;
    }

    static void inferNormalizer(InferenceContext ctx) {
        action(ctx.attrs().getString("case_change_action"), ctx::fail);
        Shape s = ctx.inputShape(0);
        if (!s.hasRank()) {
            ctx.setOutput(0, DataType.STRING, Shape.UNKNOWN_RANK);
            return;
        }
        checkNormalizerShape(s.rank(), s.rank() == 2 ? s.dim(0).valueOr(-1) : 1, ctx::fail);
        boolean noStops = ctx.attrs().getStrings("stopwords", List.of()).isEmpty();
        Dim c = noStops ? s.dim(s.rank() - 1) : Dim.UNKNOWN;
        if (noStops && c.valueOr(-1) == 0) c = Dim.of(1); // an empty result is one empty string
        ctx.setOutput(0, DataType.STRING, s.rank() == 1 ? Shape.of(List.of(c)) : Shape.of(List.of(Dim.of(1), c)));
    }

    private static void checkNormalizerShape(int rank, long rows, java.util.function.Function<String, RuntimeException> fail) {
        if (rank != 1 && rank != 2) throw fail.apply("input 0 ('X') must be [C] or [1, C], got rank " + rank);
        if (rank == 2 && rows >= 0 && rows != 1) throw fail.apply("input 0 ('X') must be [C] or [1, C], got " + rows + " rows");
    }

    /** Case mapping one code point at a time (like C's towupper: 'ß' stays 'ß'). */
    private static String changeCase(String s, boolean upper) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> sb.appendCodePoint(upper ? Character.toUpperCase(cp) : Character.toLowerCase(cp)));
        return sb.toString();
    }

    static void normalize(KernelContext ctx) {
        Tensor x = ctx.requireInput(0);
        checkNormalizerShape(x.rank(), x.rank() == 2 ? x.dim(0) : 1, ctx::fail);
        String action = action(ctx.attrs().getString("case_change_action"), ctx::fail);
        boolean caseSensitive = ctx.attrs().getInt("is_case_sensitive") != 0;
        // 'locale' is accepted; case mapping is per code point and locale-independent
        Set<String> stops = new HashSet<>();
        for (String w : ctx.attrs().getStrings("stopwords", List.of())) stops.add(caseSensitive ? w : changeCase(w, false));
        List<String> kept = new ArrayList<>();
        for (String s : x.toStringArray()) {
            if (stops.contains(caseSensitive ? s : changeCase(s, false))) continue;
            kept.add(switch (action) {
                case "LOWER" -> changeCase(s, false);
                case "UPPER" -> changeCase(s, true);
                default -> s;
            });
        }
        if (kept.isEmpty()) kept.add("");
        long c = kept.size();
        ctx.setOutput(0, Tensor.of(kept.toArray(new String[0]), x.rank() == 1 ? new long[] {c} : new long[] {1, c}));
    }

    // ------------------------------------------------------------------ RegexFullMatch, StringConcat

    private static Pattern pattern(String p, java.util.function.Function<String, RuntimeException> fail) {
        if (p == null) throw fail.apply("attribute 'pattern' is required");
        try {
            return Pattern.compile(p);
        } catch (PatternSyntaxException e) {
            throw fail.apply("attribute 'pattern' is not a valid regular expression: " + e.getDescription());
        }
    }

    static void inferRegex(InferenceContext ctx) {
        pattern(ctx.attrs().getString("pattern", null), ctx::fail);
        ctx.setOutput(0, DataType.BOOL, ctx.inputShape(0));
    }

    static void regexFullMatch(KernelContext ctx) {
        Pattern p = pattern(ctx.attrs().getString("pattern", null), ctx::fail);
        Tensor x = ctx.requireInput(0);
        String[] s = x.toStringArray();
        Tensor y = Tensor.allocate(DataType.BOOL, x.shape());
        for (int i = 0; i < s.length; i++) y.setScalarLong(i, p.matcher(s[i]).matches() ? 1 : 0);
        ctx.setOutput(0, y);
    }

    static void inferConcat(InferenceContext ctx) {
        Shape s = Broadcast.shape(ctx.inputShape(0), ctx.inputShape(1));
        if (s == null) throw ctx.fail("inputs of shapes " + ctx.inputShape(0) + " and " + ctx.inputShape(1) + " cannot be broadcast");
        ctx.setOutput(0, new TensorDesc(DataType.STRING, s));
    }

    static void concat(KernelContext ctx) {
        Tensor a = ctx.requireInput(0), b = ctx.requireInput(1);
        long[] shape;
        try {
            shape = Broadcast.shape(a.shape(), b.shape());
        } catch (IllegalArgumentException e) {
            throw ctx.fail(e.getMessage());
        }
        int[] ia = Broadcast.indexMap(a.shape(), shape), ib = Broadcast.indexMap(b.shape(), shape);
        String[] sa = a.toStringArray(), sb = b.toStringArray();
        String[] out = new String[ia.length];
        for (int i = 0; i < out.length; i++) out[i] = sa[ia[i]] + sb[ib[i]];
        ctx.setOutput(0, Values.strings(out, shape));
    }
}
