package org.ge4j.ops;

import org.ge4j.ir.Attr;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.Tensor;
import java.util.List;

/** A node's attributes seen through its schema: missing attributes take the schema's default. */
public final class Attrs {
    private final Node node;
    private final OpSchema schema;

    public Attrs(Node node, OpSchema schema) {
        this.node = node;
        this.schema = schema;
    }

    public Node node() { return node; }

    /** The attribute as set on the node, else the schema default, else null. */
    public Attr get(String name) {
        Attr a = node.attr(name);
        if (a == null && schema != null) {
            OpSchema.AttrDef d = schema.attrs().get(name);
            if (d != null) a = d.defaultValue();
        }
        return a;
    }

    /** True when the node sets the attribute itself (defaults do not count). */
    public boolean isSet(String name) { return node.hasAttr(name); }

    private Attr require(String name, AttrType type) {
        Attr a = get(name);
        if (a == null) throw new OpException(node, "missing required attribute '" + name + "' (" + type.name().toLowerCase() + ")");
        if (a.type() != type) throw new OpException(node, "attribute '" + name + "' must be " + type.name().toLowerCase() + ", got " + a.type().name().toLowerCase());
        return a;
    }

    public long getInt(String name) { return ((Attr.Int) require(name, AttrType.INT)).value(); }

    public long getInt(String name, long dflt) { return get(name) instanceof Attr.Int i ? i.value() : dflt; }

    public float getFloat(String name) { return ((Attr.Float) require(name, AttrType.FLOAT)).value(); }

    public float getFloat(String name, float dflt) { return get(name) instanceof Attr.Float f ? f.value() : dflt; }

    public String getString(String name) { return ((Attr.Str) require(name, AttrType.STRING)).value(); }

    public String getString(String name, String dflt) { return get(name) instanceof Attr.Str s ? s.value() : dflt; }

    /** The ints, or {@code dflt} when absent (returns a copy). */
    public long[] getInts(String name, long[] dflt) { return get(name) instanceof Attr.Ints i ? i.value().clone() : dflt; }

    public long[] getInts(String name) { return ((Attr.Ints) require(name, AttrType.INTS)).value().clone(); }

    public float[] getFloats(String name, float[] dflt) { return get(name) instanceof Attr.Floats f ? f.value().clone() : dflt; }

    public List<String> getStrings(String name, List<String> dflt) { return get(name) instanceof Attr.Strs s ? s.value() : dflt; }

    public Tensor getTensor(String name) { return get(name) instanceof Attr.TensorValue t ? t.value() : null; }

    public Graph getGraph(String name) { return get(name) instanceof Attr.GraphValue g ? g.value() : null; }

    public Graph requireGraph(String name) { return ((Attr.GraphValue) require(name, AttrType.GRAPH)).value(); }
}
