package org.ge4j.compiler.fusion;

import org.ge4j.compiler.passes.PatternFusion;
import org.ge4j.compiler.pattern.Pattern;

/** A pattern of the {@code fusion} pass. */
interface FusionPattern extends Pattern {
    @Override default String pass() { return PatternFusion.NAME; }
}
