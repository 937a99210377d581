package org.ge4j.compiler.simplify;

import org.ge4j.compiler.passes.AlgebraicSimplification;
import org.ge4j.compiler.pattern.Pattern;

/** A pattern of the {@code simplify} pass: benefit 1, all in one tier. */
interface SimplifyPattern extends Pattern {
    @Override default String pass() { return AlgebraicSimplification.NAME; }
}
