package org.ge4j.ops.onnx.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.ge4j.ops.OpException;

/**
 * A parsed Einsum equation: each term as label codes (ASCII letters) with {@link #ELLIPSIS} for "...".
 * Without "->" the output is the ellipsis (if any) followed by the labels used exactly once, sorted.
 */
record EinsumEquation(List<int[]> inputs, int[] output) {
    static final int ELLIPSIS = 0;

    static EinsumEquation parse(String equation, int operands, Function<String, OpException> fail) {
        String eq = equation.replace(" ", "");
        int arrow = eq.indexOf("->");
        String lhs = arrow < 0 ? eq : eq.substring(0, arrow);
        String[] terms = lhs.split(",", -1);
        if (terms.length != operands)
            throw fail.apply("attribute 'equation' \"" + equation + "\" has " + terms.length + " operand terms but the node has " + operands + " inputs");
        List<int[]> ins = new ArrayList<>();
        int[] count = new int[128];
        boolean anyEllipsis = false;
        for (String t : terms) {
            int[] term = term(t, equation, fail);
            for (int c : term) {
                if (c == ELLIPSIS) anyEllipsis = true;
                else count[c]++;
            }
            ins.add(term);
        }
        int[] out;
        if (arrow >= 0) {
            out = term(eq.substring(arrow + 2), equation, fail);
            boolean[] seen = new boolean[128];
            for (int c : out) {
                if (c == ELLIPSIS) {
                    if (!anyEllipsis) throw fail.apply("attribute 'equation' \"" + equation + "\": '...' in the output but in no input");
                    continue;
                }
                if (count[c] == 0) throw fail.apply("attribute 'equation' \"" + equation + "\": output label '" + (char) c + "' appears in no input");
                if (seen[c]) throw fail.apply("attribute 'equation' \"" + equation + "\": output label '" + (char) c + "' is repeated");
                seen[c] = true;
            }
        } else {
            List<Integer> l = new ArrayList<>();
            if (anyEllipsis) l.add(ELLIPSIS);
            for (int c = 1; c < 128; c++) if (count[c] == 1) l.add(c);
            out = l.stream().mapToInt(Integer::intValue).toArray();
        }
        return new EinsumEquation(ins, out);
    }

    private static int[] term(String t, String equation, Function<String, OpException> fail) {
        List<Integer> l = new ArrayList<>();
        boolean ell = false;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '.') {
                if (!t.startsWith("...", i) || ell)
                    throw fail.apply("attribute 'equation' \"" + equation + "\": malformed or repeated '...' in term \"" + t + "\"");
                ell = true;
                l.add(ELLIPSIS);
                i += 2;
            } else if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
                l.add((int) c);
            } else {
                throw fail.apply("attribute 'equation' \"" + equation + "\": unexpected character '" + c + "' (labels are letters)");
            }
        }
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    boolean hasEllipsis() {
        for (int[] t : inputs) for (int c : t) if (c == ELLIPSIS) return true;
        return false;
    }

    /** How many dims the "..." of operand i covers, given its rank; fails when the rank does not fit the term. */
    int ellipsisRank(int i, int rank, Function<String, OpException> fail) {
        int[] term = inputs.get(i);
        int letters = 0;
        boolean ell = false;
        for (int c : term) {
            if (c == ELLIPSIS) ell = true;
            else letters++;
        }
        if (ell ? rank < letters : rank != letters)
            throw fail.apply("input " + i + " has rank " + rank + " but its equation term has " + letters + " labels" + (ell ? " plus '...'" : ""));
        return ell ? rank - letters : 0;
    }
}
