package org.ge4j.ops.exec;

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
}
