package org.ge4j.compiler.simplify;

import java.util.List;
import org.ge4j.compiler.pattern.Pattern;

/** The built-in algebraic simplification patterns (the {@code simplify} pass). */
public final class SimplifyPatterns {
    private SimplifyPatterns() {}

    public static List<Pattern> all() {
        return List.of(new IdentityElimination(), new DropoutElimination(), new CastElimination(), new ViewElimination(),
                new TransposeElimination(), new ReshapeChain(), new TransposeChain(), new CastChain(), new SqueezeUnsqueezePair(),
                new NeutralElementElimination());
    }
}
