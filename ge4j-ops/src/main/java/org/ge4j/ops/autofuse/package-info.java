/**
 * Automatic fusion of elementwise ops: the {@code ge4j::FusedElementwise} op, whose {@link
 * org.ge4j.ops.autofuse.FusedProgram} attribute is a small expression program evaluated per element; its
 * reference kernel (an interpreter, the oracle); the {@link org.ge4j.ops.autofuse.KernelGenerator}, which
 * emits a hidden class per program and static shapes with {@code java.lang.classfile}; and the {@link
 * org.ge4j.ops.autofuse.Lowering} of ONNX elementwise ops into program instructions, which the compiler's
 * auto-fusion pass uses.
 */
package org.ge4j.ops.autofuse;
