package org.ge4j.compiler.kernelselect;

import java.util.List;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.pass.Pass;
import org.ge4j.compiler.pass.PassContext;
import org.ge4j.compiler.pattern.PatternDriver;
import org.ge4j.ir.Graph;
import org.ge4j.ops.packed.PackedLayout;

/**
 * The {@code kernel-select} pass: rewrites MatMul, Gemm and {@code ge4j::FusedMatMul} whose B is a constant
 * 2-D float matrix into {@code ge4j::PackedMatMul} with B packed at compile time ({@link PackedMatMulSelection},
 * pattern {@code packed-matmul}). The panel width is this machine's (the vector GEMM's NR) unless the options
 * say otherwise; a model packed for another width still runs elsewhere (repacked at load, with a warning).
 */
public final class KernelSelection implements Pass {
    public static final String NAME = "kernel-select";

    /**
     * @param nr panel width to pack for (columns per panel); the machine's own by default
     */
    public record Options(int nr) {
        public Options {
            if (nr < 1 || nr > 4096) throw new IllegalArgumentException("kernel-select: panel width nr must be in [1, 4096], got " + nr);
        }

        /** Packing for this machine's vector GEMM; null when the Vector API is not available here. */
        public static Options defaults() {
            int nr = PackedLayout.nativeNr();
            return nr < 1 ? null : new Options(nr);
        }
    }

    private final Options options;

    public KernelSelection(CompilerOptions o) { this.options = o.passOptions(Options.class, Options.defaults()); }

    @Override public String name() { return NAME; }

    @Override public String description() { return "pack constant GEMM weights for the vector kernels (ge4j::PackedMatMul)"; }

    @Override public boolean run(Graph graph, PassContext ctx) {
        if (options == null) {
            ctx.note("weights not prepacked: the Vector API (jdk.incubator.vector) is not available to choose a panel width");
            return false;
        }
        return PatternDriver.apply(graph, List.of(new PackedMatMulSelection(options.nr())), ctx) > 0;
    }
}
