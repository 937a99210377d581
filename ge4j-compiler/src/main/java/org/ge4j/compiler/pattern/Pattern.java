package org.ge4j.compiler.pattern;

import java.util.Set;
import org.ge4j.ir.Node;

/**
 * A local rewrite: the op types it is rooted at, a cheap precondition, the rewrite, and a benefit.
 * The {@link PatternDriver} offers every node of a root type to the pattern and repeats until nothing
 * applies. Patterns of higher benefit are applied, over the whole graph, before patterns of lower benefit
 * are tried (so an attention pattern claims its MatMul before MatMul+Add fusion does).
 *
 * <p>A rewrite reads the graph around the root, then either declines (returns false without changing
 * anything) or builds its replacement through the {@link Rewriter} and returns true. Nodes the
 * replacement leaves unused are erased by the driver; values keep their names.
 *
 * <p>Users add patterns from a plugin ({@link org.ge4j.compiler.PatternProvider}) or with
 * {@link org.ge4j.compiler.CompilerOptions.Builder#optPattern}; each can be switched off by its name.
 */
public interface Pattern {
    /** Stable kebab-case name, used in reports and switches ({@code conv-bn:off}). */
    String name();

    /**
     * Qualified op types the pattern is rooted at: {@code Conv}, {@code ge4j::FusedMatMul}; the empty set
     * means every op (for patterns keyed on a trait, checked in {@link #precondition}).
     */
    Set<String> rootTypes();

    /** Higher benefits are applied first; built-in fusions use 10 (small) to 100 (attention). */
    default int benefit() { return 1; }

    /** The pattern pass this pattern belongs to: {@code fusion} (default) or {@code simplify}. */
    default String pass() { return "fusion"; }

    /** A cheap test before {@link #rewrite} is tried (attributes, types); default: always. */
    default boolean precondition(Node root, Rewriter rw) { return true; }

    /** Rewrites around {@code root} and returns true, or returns false having changed nothing. */
    boolean rewrite(Node root, Rewriter rw);
}
