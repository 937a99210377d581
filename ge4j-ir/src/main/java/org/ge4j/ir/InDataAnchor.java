package org.ge4j.ir;

/** An input port of a node: connected to at most one producer ({@link OutDataAnchor}); unconnected = absent optional input. */
public final class InDataAnchor {
    private final Node node;
    private final int index;
    OutDataAnchor peer;

    InDataAnchor(Node node, int index) {
        this.node = node;
        this.index = index;
    }

    public Node node() { return node; }

    public int index() { return index; }

    /** The producer, or null when this (optional) input is absent. */
    public OutDataAnchor peer() { return peer; }

    public boolean isConnected() { return peer != null; }

    /** Connects to {@code src}, replacing any previous producer and keeping both ends consistent. */
    public void connect(OutDataAnchor src) {
        disconnect();
        if (src != null) {
            peer = src;
            src.peers.add(this);
        }
    }

    /** Disconnects from the producer, if any, on both ends. */
    public void disconnect() {
        if (peer != null) {
            peer.peers.remove(this);
            peer = null;
        }
    }

    @Override public String toString() { return node.describe() + " input " + index; }
}
