package org.ge4j.compiler.simplify;

import java.util.List;
import org.ge4j.compiler.pattern.Pattern;

/** The built-in algebraic simplification patterns. */
public final class SimplifyPatterns {
    private SimplifyPatterns() {}

    public static List<Pattern> all() { return List.of(); }
}
