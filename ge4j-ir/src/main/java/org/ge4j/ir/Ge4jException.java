package org.ge4j.ir;

/** Base of every error ge4j reports: messages name the model, node, port and what was expected. */
public class Ge4jException extends RuntimeException {
    public Ge4jException(String message) { super(message); }

    public Ge4jException(String message, Throwable cause) { super(message, cause); }
}
