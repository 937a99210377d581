/**
 * ONNX neural-network ops: schemas for every since-version up to opset 18, shape/type inference and
 * naive reference kernels for MatMul/Gemm, convolutions, pooling, normalisations, Softmax family,
 * reductions, TopK, Einsum, Det, Dropout, losses, Col2Im and CenterCropPad. Registered by
 * {@link org.ge4j.ops.onnx.NnOps}.
 */
package org.ge4j.ops.onnx.nn;
