package org.ge4j.compiler;

import java.util.List;
import org.ge4j.compiler.pattern.Pattern;

/**
 * A plugin adding rewrite patterns, found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/org.ge4j.compiler.PatternProvider}. Each pattern joins the pattern pass its
 * {@link Pattern#pass()} names ({@code fusion} by default) and can be switched off by its own name.
 */
public interface PatternProvider {
    /** A short name for listings. */
    String name();

    List<Pattern> patterns();
}
