package org.ge4j.compiler;

import org.ge4j.ir.Ge4jException;

/** A failure inside a compiler pass (or in the graph it left behind); the message names the pass. */
public final class PassException extends Ge4jException {
    private final String pass;

    public PassException(String pass, String message, Throwable cause) {
        super("pass '" + pass + "': " + message, cause);
        this.pass = pass;
    }

    public PassException(String pass, String message) { this(pass, message, null); }

    /** The name of the pass at fault. */
    public String pass() { return pass; }
}
