package org.ge4j.compiler.om;

import org.ge4j.ir.Ge4jException;

/** A {@code .om} file (or one of its partitions) that cannot be read: wrong version, truncated or corrupt. */
public final class OmFormatException extends Ge4jException {
    public OmFormatException(String message) { super(message); }

    public OmFormatException(String message, Throwable cause) { super(message, cause); }
}
