/**
 * The ONNX backend conformance runner ({@code ./ge4j conformance}): runs the test data of Debian's
 * {@code libonnx-testdata} with the reference interpreter and compares the outputs.
 */
package org.ge4j.parser.conformance;
