package org.ge4j.ir;

/** The memory layout of a tensor. ONNX models arrive in ND/NCHW; the compiler may choose blocked layouts. */
public enum Format {
    ND, NCHW, NHWC, NCHWc8, NCHWc16
}
