/**
 * Kernel selection with weight prepacking, the {@code kernel-select} hook of the pipeline (O3): GEMMs whose
 * B is a constant float matrix become {@code ge4j::PackedMatMul} with B packed once, here, into the panel
 * layout of the vector GEMM, so that the {@code .om} stores the packed weights and a loaded model runs on
 * them memory-mapped, with no copy per load or per plan variant.
 *
 * <h2>Layout choice: why the {@code layout} hook stays empty</h2>
 * A blocked activation layout (NCHWc) between convolutions was considered and not built. The convolution
 * kernels ({@code org.ge4j.ops.vector.GemmConv}, {@code DepthwiseConv}) read and write NCHW only, so with
 * them a layout pass could only add reorders around every convolution: pure cost. What a blocked layout could
 * win needs new NCHWc convolution kernels, and is bounded by the im2col/panel work they would remove: a JFR
 * profile of resnet50 (1 thread, {@code ge4j bench resnet50 --om --threads 1 --profile r50.jfr}) has 69.7 %
 * of the samples in the GEMM micro-kernel ({@code Sgemm.kernel8}), 14.9 % in {@code GemmConv.im2col},
 * 2.5 % in {@code Sgemm.packPanel} (pointwise panels) and about 9 % in the bias/residual/ReLU epilogue,
 * which a blocked layout would not change. So at most ~17 % of resnet50's time, if an NCHWc micro-kernel
 * ran as fast as the current one; worth revisiting when the convolution kernels offer a blocked variant.
 */
package org.ge4j.compiler.kernelselect;
