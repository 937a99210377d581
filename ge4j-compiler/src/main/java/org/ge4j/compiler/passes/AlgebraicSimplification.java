package org.ge4j.compiler.passes;

import java.util.List;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.pass.Pass;
import org.ge4j.compiler.pass.PassContext;
import org.ge4j.compiler.pattern.Pattern;
import org.ge4j.compiler.pattern.PatternDriver;
import org.ge4j.ir.Graph;

/**
 * Algebraic simplification: the {@code simplify} patterns (see {@link org.ge4j.compiler.simplify.SimplifyPatterns})
 * run to a fixed point by the {@link PatternDriver}: no-ops removed (Identity, Dropout at inference, Cast to
 * the same type, Reshape to the same shape, identity Transpose, Add of zero, Mul by one), Reshape and
 * Transpose chains collapsed, lossless Cast pairs folded, Squeeze/Unsqueeze pairs cancelled.
 */
public final class AlgebraicSimplification implements Pass {
    public static final String NAME = "simplify";

    private final List<Pattern> patterns;

    public AlgebraicSimplification(CompilerOptions o) { this.patterns = PatternSets.forPass(NAME, o); }

    @Override public String name() { return NAME; }

    @Override public boolean run(Graph graph, PassContext ctx) { return PatternDriver.apply(graph, patterns, ctx) > 0; }
}
