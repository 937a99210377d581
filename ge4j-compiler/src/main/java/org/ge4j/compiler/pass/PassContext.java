package org.ge4j.compiler.pass;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.OpRegistry;

/**
 * What a pass sees besides the graph: the op registry (schemas, traits, kernels), the compiler options,
 * and counters the passes feed into the {@link org.ge4j.compiler.CompileReport} (rewrites applied by
 * pattern name, notes such as folds skipped).
 */
public final class PassContext {
    private final OpRegistry registry;
    private final CompilerOptions options;
    private final GraphInference inference;
    private final Map<String, Integer> rewrites = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private String currentPass = "";

    public PassContext(CompilerOptions options) {
        this.options = options;
        this.registry = options.registry();
        this.inference = new GraphInference(registry, false);
    }

    public OpRegistry registry() { return registry; }

    public CompilerOptions options() { return options; }

    /** Lenient shape inference (unknown ops are skipped) over this context's registry. */
    public GraphInference inference() { return inference; }

    /** The pass now running (set by the driver). */
    public String currentPass() { return currentPass; }

    void setCurrentPass(String name) { this.currentPass = name; }

    /** Counts one application of the rewrite (pattern) {@code name}. */
    public void recordRewrite(String name) { rewrites.merge(name, 1, Integer::sum); }

    /** Rewrites applied so far by pattern name, in first-applied order. */
    public Map<String, Integer> rewrites() { return Collections.unmodifiableMap(rewrites); }

    /** Records a remark for the report (e.g. a node that could not be folded and why). */
    public void note(String message) {
        if (notes.size() < 1000) notes.add(currentPass.isEmpty() ? message : currentPass + ": " + message);
    }

    public List<String> notes() { return Collections.unmodifiableList(notes); }
}
