package org.ge4j.ops;

/**
 * Computes a node's outputs from its inputs. One kernel serves every opset version of its op (it reads
 * {@link KernelContext#opset()} where semantics changed). Outputs must be fresh tensors that do not alias
 * the inputs; a kernel never closes its inputs.
 */
@FunctionalInterface
public interface Kernel {
    void compute(KernelContext ctx);
}
