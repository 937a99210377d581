/**
 * The fast kernels: Vector API kernels compiled per node for static float shapes ({@link org.ge4j.ops.vector.VectorOps}).
 *
 * <p>Rules these kernels follow, each learned from a measured failure (a kernel that breaks one of them still
 * computes the right numbers, but in the Vector API's Java fallback: ~100x slower and allocating a vector
 * object per operation):
 * <ul>
 *   <li>No method takes or returns a vector or a mask. Unless C2 inlines the call the vector is boxed, and C2
 *       refuses to inline a method it already compiled on its own into big code ({@code InlineSmallCode}).
 *       Math is written out in each loop; activations have one loop method per kind, dispatched per row.</li>
 *   <li>No method with many vector operations: C1 fails on it ("out of virtual registers"), and a method
 *       first compiled at tier 2 (C2 busy) whose tier-3 compile fails never reaches C2. A masked 8×32 GEMM
 *       kernel was such a method; edges now go through a full tile in scratch.</li>
 *   <li>Masks only from non-negative offsets ({@code indexInRange(i, n)} with i &gt;= 0) and no load that
 *       starts before its segment: both take a slow, allocating path.</li>
 *   <li>Few call layers between a kernel's {@code run} and its vector loops (no lambdas in between): the
 *       Vector API's own calls use most of C2's inlining depth (15), and an intrinsic past it falls back.</li>
 *   <li>Per-run memory is per-thread scratch ({@code Scratch}), grown once; tests assert no heap allocation
 *       per run once warm.</li>
 * </ul>
 */
package org.ge4j.ops.vector;
