package org.ge4j.parser.onnx;

import org.ge4j.ir.Ge4jException;

/**
 * A model that cannot be read: not a valid ONNX protobuf, or inconsistent (an undefined value, a tensor
 * whose data does not fill its shape, a missing external data file ...). The message starts with the
 * model's source (its file name, or {@code <bytes>}) and names the node or tensor at fault.
 */
public class OnnxParseException extends Ge4jException {
    private final String source;

    public OnnxParseException(String source, String message) {
        super(source + ": " + message);
        this.source = source;
    }

    public OnnxParseException(String source, String message, Throwable cause) {
        super(source + ": " + message, cause);
        this.source = source;
    }

    /** The model the error is about: a file path or {@code <bytes>}. */
    public String source() { return source; }
}
