/**
 * GEMM with weights packed at compile time: {@code ge4j::PackedMatMul}, the op the compiler's
 * {@code kernel-select} pass makes of MatMul, Gemm and {@code ge4j::FusedMatMul} whose B is a constant 2-D
 * float matrix. Its weight input holds B already in the panel layout the vector GEMM reads
 * ({@link org.ge4j.ops.vector.Sgemm#gemmPacked}), so a loaded {@code .om} runs straight on its memory-mapped
 * weights: nothing is packed or copied at load, and every plan variant shares them.
 *
 * <p>{@link PackedLayout} packs and reads the layout; {@link PackedMatMulOp} is the schema, shape inference
 * and the naive reference kernel (the oracle, reading the packed layout directly); {@link PackedGemmKernel}
 * is the vector kernel.
 */
package org.ge4j.ops.packed;
