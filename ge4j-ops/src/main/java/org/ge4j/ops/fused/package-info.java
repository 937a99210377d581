/**
 * ge4j's fused ops (domain {@code ge4j}), made by the compiler's fusion patterns: {@code FusedConv},
 * {@code FusedMatMul}, {@code LayerNormalization}, {@code Gelu} and {@code Attention}. Each has a schema,
 * shape/type inference and a naive reference kernel that computes in double and rounds once at the end;
 * fast kernels are selected later by the compiler.
 */
package org.ge4j.ops.fused;
