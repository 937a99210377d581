/**
 * Kernel selection with weight prepacking, the {@code kernel-select} hook of the pipeline (O3): GEMMs whose
 * B is a constant float matrix become {@code ge4j::PackedMatMul} with B packed once, here, into the panel
 * layout of the vector GEMM, so that the {@code .om} stores the packed weights and a loaded model runs on
 * them memory-mapped, with no copy per load or per plan variant.
 *
 * <p>The {@code layout} hook before it holds the NCHWc pass ({@link org.ge4j.compiler.layout}, on by default),
 * which turns convolutions into {@code ge4j::BlockedConv}; their kernels pack W themselves when they are compiled.
 */
package org.ge4j.compiler.kernelselect;
