/**
 * The ONNX front end: {@link org.ge4j.parser.onnx.OnnxParser} reads {@code .onnx} files into the ge4j IR;
 * {@link org.ge4j.parser.onnx.OnnxOpMapper} plugins rewrite ONNX nodes of a (domain, type, opset range).
 * The protobuf classes in {@code org.ge4j.parser.onnx.proto} are generated at build time from ge4j's own
 * {@code ge4j_onnx.proto}.
 */
package org.ge4j.parser.onnx;
