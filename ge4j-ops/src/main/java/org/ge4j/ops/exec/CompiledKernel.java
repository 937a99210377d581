package org.ge4j.ops.exec;

import java.lang.foreign.MemorySegment;

/**
 * A kernel prepared at compile time for one node with static shapes: the executors' unit of work.
 * {@code args} holds the node's input buffers (in input order; absent optional inputs are
 * {@link MemorySegment#NULL}) followed by its output buffers, each exactly the tensor's bytes. A compiled
 * kernel writes only its outputs, allocates nothing on the Java heap in steady state, and may be run by
 * several threads at once on different buffers (keep per-run state out of fields).
 */
@FunctionalInterface
public interface CompiledKernel {
    void run(MemorySegment[] args);

    /**
     * The choices this kernel made that decide its code paths, for a warm-up that runs a smaller copy of the node
     * ({@link KernelPaths}); none by default. The same as its compiler's {@link KernelCompiler#paths} for the node.
     */
    default KernelPaths paths() { return KernelPaths.NONE; }
}
