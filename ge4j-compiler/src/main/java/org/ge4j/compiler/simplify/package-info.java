/** The algebraic simplification patterns of the {@code simplify} pass; {@link org.ge4j.compiler.simplify.SimplifyPatterns} lists them. */
package org.ge4j.compiler.simplify;
