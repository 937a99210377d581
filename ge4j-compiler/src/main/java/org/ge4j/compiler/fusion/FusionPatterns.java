package org.ge4j.compiler.fusion;

import java.util.List;
import org.ge4j.compiler.pattern.Pattern;

/** The built-in fusion patterns. */
public final class FusionPatterns {
    private FusionPatterns() {}

    public static List<Pattern> all() { return List.of(); }
}
