/** Model front ends: ONNX to the ge4j IR. */
package org.ge4j.parser;
