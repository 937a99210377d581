/**
 * The ONNX shape and data-movement ops: schemas for every since-version up to opset 18, shape/type
 * inference that keeps symbolic dims, and reference kernels that move elements exactly for every type.
 */
package org.ge4j.ops.onnx.tensor;
