package org.ge4j.ops.autofuse;

import org.ge4j.ops.exec.CompiledKernel;

/**
 * A kernel whose class was generated as bytecode for one fused program and one set of static shapes.
 * {@link #classBytes()} gives the class file, for the {@code .om} writer to store; {@link KernelGenerator#load}
 * defines it again (and generating it again from the program and shapes gives the same bytes).
 */
public interface GeneratedKernel extends CompiledKernel {
    /** The class file of this kernel's class (a copy). */
    byte[] classBytes();
}
