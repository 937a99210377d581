package org.ge4j.parser.conformance;

/** The outcome of one conformance test. */
public enum TestStatus {
    /** Every output of every data set matched. */
    PASS,
    /** The model ran, but an output differed from the expected one. */
    FAIL,
    /** The test could not run to the end: parse error, unknown op, kernel error, timeout, crash. */
    ERROR
}
