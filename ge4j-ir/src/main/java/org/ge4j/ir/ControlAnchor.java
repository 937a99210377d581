package org.ge4j.ir;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A node's control port. Each node has one in and one out control anchor; a control edge from A's out to
 * B's in means "A runs before B" with no data flowing.
 */
public final class ControlAnchor {
    private final Node node;
    private final boolean in;
    final Set<ControlAnchor> peers = new LinkedHashSet<>();

    ControlAnchor(Node node, boolean in) {
        this.node = node;
        this.in = in;
    }

    public Node node() { return node; }

    public boolean isIn() { return in; }

    public Set<ControlAnchor> peers() { return Collections.unmodifiableSet(peers); }

    @Override public String toString() { return node.describe() + (in ? " control-in" : " control-out"); }
}
