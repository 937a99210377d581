package org.ge4j.compiler;

import java.util.List;
import org.ge4j.compiler.pass.PassRegistry;

/**
 * A plugin adding passes, found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/org.ge4j.compiler.PassProvider}. A pass whose name matches a hook of the
 * pipeline (e.g. {@code layout}, {@code kernel-select}) runs there; any other is run only when switched
 * on by name and then runs at the end of the pipeline.
 */
public interface PassProvider {
    /** A short name for listings. */
    String name();

    List<PassRegistry.Entry> passes();
}
