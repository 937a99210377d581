package org.ge4j.compiler.pass;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.PassProvider;
import org.ge4j.compiler.autofuse.AutoFusion;
import org.ge4j.compiler.kernelselect.KernelSelection;
import org.ge4j.compiler.layout.NchwcLayout;
import org.ge4j.compiler.passes.AlgebraicSimplification;
import org.ge4j.compiler.passes.CommonSubexpressionElimination;
import org.ge4j.compiler.passes.ConstantFolding;
import org.ge4j.compiler.passes.DeadCodeElimination;
import org.ge4j.compiler.passes.PatternFusion;
import org.ge4j.compiler.passes.ShapeInferencePass;
import org.ge4j.ir.Ge4jException;

/** The passes known by name: the built-in ones, plugins' ({@link PassProvider}) and any registered by hand. */
public final class PassRegistry {
    /** A pass known by name, made fresh for each compilation from the options. */
    public record Entry(String name, String description, Function<CompilerOptions, Pass> factory) {
        public Entry {
            if (!Pass.isValidName(name)) throw new IllegalArgumentException("pass name '" + name + "' is not kebab-case");
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** An empty registry. */
    public PassRegistry() {}

    /** The built-in passes, plus plugins' passes when {@code options.loadPlugins()}. */
    public static PassRegistry load(CompilerOptions options) {
        PassRegistry r = new PassRegistry();
        r.register(new Entry(ShapeInferencePass.NAME, "shape and type inference (static and symbolic)", o -> new ShapeInferencePass()));
        r.register(new Entry(ConstantFolding.NAME, "evaluate pure nodes with constant inputs; fold Shape/Size of static shapes", ConstantFolding::new));
        r.register(new Entry(AlgebraicSimplification.NAME, "remove no-ops; collapse reshape, transpose, cast and squeeze chains", AlgebraicSimplification::new));
        r.register(new Entry(CommonSubexpressionElimination.NAME, "merge identical pure nodes and equal constants", o -> new CommonSubexpressionElimination()));
        r.register(new Entry(DeadCodeElimination.NAME, "remove unused pure nodes and unused optional outputs", o -> new DeadCodeElimination()));
        r.register(new Entry(PatternFusion.NAME, "fuse op patterns (Conv+BN+act, MatMul+bias+act, LayerNorm, GELU, attention)", PatternFusion::new));
        r.register(new Entry(AutoFusion.NAME, "fuse connected elementwise ops into one generated kernel (ge4j::FusedElementwise)", o -> new AutoFusion()));
        if (NchwcLayout.enabled(options)) // on by default: layout:off or -Dge4j.nchwc=false
            r.register(new Entry(NchwcLayout.NAME, NchwcLayout.DESCRIPTION, NchwcLayout::new));
        r.register(new Entry(KernelSelection.NAME, "pack constant GEMM weights for the vector kernels (ge4j::PackedMatMul)", KernelSelection::new));
        if (options.loadPlugins()) {
            for (PassProvider p : ServiceLoader.load(PassProvider.class, PassRegistry.class.getClassLoader())) {
                for (Entry e : p.passes()) {
                    if (r.entries.containsKey(e.name()))
                        throw new Ge4jException("pass plugin '" + p.name() + "' registers pass '" + e.name() + "', which already exists");
                    r.register(e);
                }
            }
        }
        return r;
    }

    public PassRegistry register(Entry e) {
        entries.put(e.name(), e);
        return this;
    }

    public boolean has(String name) { return entries.containsKey(name); }

    public Entry entry(String name) { return entries.get(name); }

    public Map<String, Entry> entries() { return Collections.unmodifiableMap(entries); }

    /** Makes the pass {@code name}; throws listing the known names when there is none. */
    public Pass create(String name, CompilerOptions options) {
        Entry e = entries.get(name);
        if (e == null) throw new Ge4jException("unknown pass '" + name + "' (known: " + String.join(", ", entries.keySet()) + ")");
        Pass p = e.factory().apply(options);
        if (!p.name().equals(name)) throw new Ge4jException("pass factory for '" + name + "' made a pass named '" + p.name() + "'");
        return p;
    }
}
