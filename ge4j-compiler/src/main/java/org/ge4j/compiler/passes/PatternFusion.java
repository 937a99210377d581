package org.ge4j.compiler.passes;

import java.util.List;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.pass.Pass;
import org.ge4j.compiler.pass.PassContext;
import org.ge4j.compiler.pattern.Pattern;
import org.ge4j.compiler.pattern.PatternDriver;
import org.ge4j.ir.Graph;

/**
 * Pattern fusion: the {@code fusion} patterns (built-in ones, see {@link org.ge4j.compiler.fusion.FusionPatterns},
 * plus plugins') run to a fixed point by the {@link PatternDriver}, largest benefit first. The fused ops are
 * the {@code ge4j} domain ops of {@code org.ge4j.ops.fused}.
 */
public final class PatternFusion implements Pass {
    public static final String NAME = "fusion";

    private final List<Pattern> patterns;

    public PatternFusion(CompilerOptions o) { this.patterns = PatternSets.forPass(NAME, o); }

    @Override public String name() { return NAME; }

    @Override public boolean run(Graph graph, PassContext ctx) { return PatternDriver.apply(graph, patterns, ctx) > 0; }
}
