package org.ge4j.ops;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;

/** Checks a node against its schema: input/output counts, attributes, and type constraints. */
public final class SchemaChecker {
    private SchemaChecker() {}

    /** Throws an {@link OpException} naming the node and the port or attribute at fault. */
    public static void check(Node node, OpSchema schema) {
        int nIn = node.inputCount();
        // trailing absent optionals are fine; count present arity
        if (nIn < schema.minInputs())
            throw new OpException(node, "expects at least " + schema.minInputs() + " inputs (" + names(schema) + "), got " + nIn);
        if (nIn > schema.maxInputs())
            throw new OpException(node, "expects at most " + schema.maxInputs() + " inputs (" + names(schema) + "), got " + nIn);
        for (int i = 0; i < nIn; i++) {
            OpSchema.Param p = schema.inputParam(i);
            if (p != null && !p.isOptional() && !node.input(i).isConnected() && !(p.isVariadic() && i >= schema.inputs().size() - 1 + p.minArity()))
                throw new OpException(node, "input " + i + " ('" + p.name() + "') is required but not connected");
        }
        int nOut = node.outputCount();
        if (nOut > schema.maxOutputs())
            throw new OpException(node, "has " + nOut + " outputs, but " + schema.qualifiedType() + " produces at most " + schema.maxOutputs());
        checkAttrs(node, schema);
        checkTypes(node, schema);
    }

    /**
     * Attributes only: every required one is present, none is unknown (unless the schema allows it), each has the
     * schema's type. For nodes whose edges are not a graph's (a compiled model's tasks).
     */
    public static void checkAttrs(Node node, OpSchema schema) {
        for (OpSchema.AttrDef d : schema.attrs().values())
            if (d.required() && !node.hasAttr(d.name()))
                throw new OpException(node, "missing required attribute '" + d.name() + "' (" + d.type().name().toLowerCase() + ")");
        for (Map.Entry<String, Attr> e : node.attrs().entrySet()) {
            OpSchema.AttrDef d = schema.attrs().get(e.getKey());
            if (d == null) {
                if (!schema.allowsUnknownAttrs())
                    throw new OpException(node, "unknown attribute '" + e.getKey() + "' for " + schema.qualifiedType() + "-" + schema.sinceVersion()
                            + " (known: " + String.join(", ", schema.attrs().keySet()) + ")");
            } else if (d.type() != e.getValue().type()) {
                throw new OpException(node, "attribute '" + e.getKey() + "' must be " + d.type().name().toLowerCase() + ", got " + e.getValue().type().name().toLowerCase());
            }
        }
    }

    /** Type constraints: each known input type is allowed, and inputs sharing a type var agree. */
    public static void checkTypes(Node node, OpSchema schema) {
        Map<String, DataType> bound = new HashMap<>();
        Map<String, Integer> boundAt = new HashMap<>();
        for (int i = 0; i < node.inputCount(); i++) {
            OutDataAnchor a = node.inputValue(i);
            OpSchema.Param p = schema.inputParam(i);
            if (a == null || p == null || p.typeVar() == null) continue;
            DataType t = a.desc().dtype();
            if (t == DataType.UNDEFINED) continue;
            DataType fixed = schema.typeConstraints().containsKey(p.typeVar()) ? null : DataTypes.parseFixed(p.typeVar());
            Set<DataType> allowed = fixed != null ? Set.of(fixed) : schema.typeConstraints().get(p.typeVar());
            if (allowed != null && !allowed.contains(t))
                throw new OpException(node, "input " + i + " ('" + p.name() + "') has type " + t.shortName() + ", expected one of " + shortNames(allowed));
            if (fixed != null) continue;
            DataType prev = bound.putIfAbsent(p.typeVar(), t);
            if (prev != null && prev != t)
                throw new OpException(node, "input " + i + " ('" + p.name() + "') has type " + t.shortName() + " but input " + boundAt.get(p.typeVar())
                        + " has " + prev.shortName() + "; both are type " + p.typeVar() + " and must agree");
            boundAt.putIfAbsent(p.typeVar(), i);
        }
    }

    private static String names(OpSchema s) {
        StringBuilder sb = new StringBuilder();
        for (OpSchema.Param p : s.inputs()) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(p.name()).append(p.isOptional() ? "?" : p.isVariadic() ? "..." : "");
        }
        return sb.toString();
    }

    private static String shortNames(Set<DataType> ts) {
        return ts.stream().map(DataType::shortName).sorted().toList().toString();
    }
}
