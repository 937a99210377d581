package org.ge4j.ops.exec;

import java.util.function.BiFunction;
import org.ge4j.ops.OpSchema;

/**
 * Prepares a {@link CompiledKernel} for one node whose input and output descriptions are static (GE's
 * "operator online compilation": kernels specialised to the shapes on the graph), or declines with null
 * so that the next provider (ultimately the reference adapter) is asked. Constant inputs (weights) can be
 * read and prepacked here.
 */
@FunctionalInterface
public interface KernelCompiler {
    CompiledKernel compile(NodeSpec node, OpSchema schema);

    /**
     * The choices {@link #compile} makes for {@code node} that decide its kernel's code paths ({@link KernelPaths};
     * what the kernel's {@link CompiledKernel#paths} reports), without preparing the kernel (no weights packed), for a
     * warm-up that runs a smaller copy of the node; choices forced on {@code node} ({@link KernelPaths#forcedOn})
     * taken. None by default (a compiler whose kernels' paths follow from shapes a miniature keeps).
     */
    default KernelPaths paths(NodeSpec node, OpSchema schema) { return KernelPaths.NONE; }

    /** {@code compile}, whose {@link #paths} are {@code paths}. */
    static KernelCompiler withPaths(KernelCompiler compile, BiFunction<NodeSpec, OpSchema, KernelPaths> paths) {
        return new KernelCompiler() {
            @Override public CompiledKernel compile(NodeSpec node, OpSchema schema) { return compile.compile(node, schema); }

            @Override public KernelPaths paths(NodeSpec node, OpSchema schema) { return paths.apply(node, schema); }
        };
    }
}
