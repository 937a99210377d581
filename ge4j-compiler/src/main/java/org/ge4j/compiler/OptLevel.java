package org.ge4j.compiler;

import java.util.Locale;

/**
 * Optimisation levels, as atc's {@code --oo_level}: each pass of {@link org.ge4j.compiler.pass.Pipelines}
 * runs from a minimum level on.
 */
public enum OptLevel {
    /** Shape inference only: the graph runs as written. */
    O0,
    /** Cheap clean-ups: constant folding, algebraic simplification, dead code elimination. */
    O1,
    /** O1 plus common subexpression elimination, to a fixed point. */
    O2,
    /** O2 plus pattern fusion (Conv+BN+act, MatMul+bias+act, LayerNorm, GELU, attention). */
    O3;

    /** Parses {@code O2}, {@code o2} or {@code 2}. */
    public static OptLevel parse(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        if (!t.startsWith("O")) t = "O" + t;
        for (OptLevel l : values()) if (l.name().equals(t)) return l;
        throw new IllegalArgumentException("unknown optimisation level '" + s + "' (expected O0, O1, O2 or O3)");
    }

    public boolean atLeast(OptLevel o) { return ordinal() >= o.ordinal(); }
}
