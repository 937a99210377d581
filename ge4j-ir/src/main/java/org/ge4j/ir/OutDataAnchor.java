package org.ge4j.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * An output port of a node: produces one value, described by a {@link TensorDesc}, consumed by any number
 * of in-data anchors (fan-out). Its name is the value's name (unique within the model).
 */
public final class OutDataAnchor {
    private final Node node;
    private final int index;
    private String name;
    private TensorDesc desc = TensorDesc.UNKNOWN;
    final List<InDataAnchor> peers = new ArrayList<>();

    OutDataAnchor(Node node, int index, String name) {
        this.node = node;
        this.index = index;
        this.name = name;
    }

    public Node node() { return node; }

    public int index() { return index; }

    public String name() { return name; }

    /**
     * Renames the value; the caller keeps names unique (see {@link Graph#claimName}). The new name is
     * recorded in the model's name table so that later {@code claimName} calls avoid it.
     */
    public void setName(String name) {
        this.name = Objects.requireNonNull(name);
        if (node.graph() != null) node.graph().registerName(name);
    }

    public TensorDesc desc() { return desc; }

    public void setDesc(TensorDesc desc) { this.desc = Objects.requireNonNull(desc); }

    /** The consumers, in connection order. */
    public List<InDataAnchor> peers() { return Collections.unmodifiableList(peers); }

    /** True when a consumer, an output of its graph or an output of a nested subgraph uses this value. */
    public boolean isUsed() { return !peers.isEmpty() || node.graph() != null && node.graph().isOutputHereOrNested(this); }

    @Override public String toString() { return "%" + name + " (" + node.describe() + " output " + index + ")"; }
}
