/**
 * Local rewrites as patterns: {@link org.ge4j.compiler.pattern.Pattern} (root op types, cheap precondition,
 * rewrite, benefit), the {@link org.ge4j.compiler.pattern.Rewriter} patterns change the graph through, the
 * {@link org.ge4j.compiler.pattern.PatternDriver} that applies a set of them to a fixed point, and helpers to
 * look around a node ({@link org.ge4j.compiler.pattern.Matchers}, {@link org.ge4j.compiler.pattern.OpFacts},
 * {@link org.ge4j.compiler.pattern.ShapeValues}).
 */
package org.ge4j.compiler.pattern;
