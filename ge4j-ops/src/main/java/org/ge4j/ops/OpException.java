package org.ge4j.ops;

import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Node;

/** An error about one node: the message starts with the node's name and op type. */
public class OpException extends Ge4jException {
    private final transient Node node;

    public OpException(Node node, String message) {
        super(prefix(node) + message);
        this.node = node;
    }

    public OpException(Node node, String message, Throwable cause) {
        super(prefix(node) + message, cause);
        this.node = node;
    }

    private static String prefix(Node node) {
        if (node == null) return "";
        String g = node.graph() == null ? "" : " in graph '" + node.graph().name() + "'";
        return node.describe() + g + ": ";
    }

    /** The node the error is about (may be null). */
    public Node node() { return node; }
}
