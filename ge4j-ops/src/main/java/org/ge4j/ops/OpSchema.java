package org.ge4j.ops;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.ge4j.ir.Attr;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;

/**
 * The typed facts about one op over a range of opset versions: inputs, outputs, type constraints,
 * attributes with defaults, traits and shape/type inference. Keyed by (domain, type, since-version);
 * it applies to every opset from {@link #sinceVersion()} up to the next schema's since-version.
 */
public final class OpSchema {
    /** How many values a formal parameter takes. */
    public enum Arity { SINGLE, OPTIONAL, VARIADIC }

    /**
     * A formal input or output. {@code typeVar} names a type constraint (e.g. "T"); all parameters with the
     * same var must have the same type. {@code minArity} applies to variadic parameters.
     */
    public record Param(String name, String typeVar, Arity arity, int minArity) {
        public boolean isOptional() { return arity == Arity.OPTIONAL; }
        public boolean isVariadic() { return arity == Arity.VARIADIC; }
    }

    /** An attribute: its type, and either required or with a default (null default = optional with no default). */
    public record AttrDef(String name, AttrType type, boolean required, Attr defaultValue) {}

    private final String domain;
    private final String type;
    private final int sinceVersion;
    private final String doc;
    private final List<Param> inputs;
    private final List<Param> outputs;
    private final Map<String, AttrDef> attrs;
    private final Map<String, Set<DataType>> typeConstraints;
    private final Set<Trait> traits;
    private final ShapeInference inference;
    private final boolean allowUnknownAttrs;

    private OpSchema(Builder b) {
        this.domain = b.domain;
        this.type = b.type;
        this.sinceVersion = b.sinceVersion;
        this.doc = b.doc;
        this.inputs = List.copyOf(b.inputs);
        this.outputs = List.copyOf(b.outputs);
        this.attrs = Collections.unmodifiableMap(new LinkedHashMap<>(b.attrs));
        this.typeConstraints = Collections.unmodifiableMap(new LinkedHashMap<>(b.typeConstraints));
        this.traits = Collections.unmodifiableSet(b.traits.isEmpty() ? EnumSet.noneOf(Trait.class) : EnumSet.copyOf(b.traits));
        this.inference = b.inference;
        this.allowUnknownAttrs = b.allowUnknownAttrs;
    }

    public static Builder builder(String domain, String type, int sinceVersion) { return new Builder(domain, type, sinceVersion); }

    /** A schema of the ONNX default domain. */
    public static Builder onnx(String type, int sinceVersion) { return new Builder("", type, sinceVersion); }

    public String domain() { return domain; }
    public String type() { return type; }
    public int sinceVersion() { return sinceVersion; }
    public String doc() { return doc; }
    public List<Param> inputs() { return inputs; }
    public List<Param> outputs() { return outputs; }
    public Map<String, AttrDef> attrs() { return attrs; }
    public Map<String, Set<DataType>> typeConstraints() { return typeConstraints; }
    public Set<Trait> traits() { return traits; }
    public boolean has(Trait t) { return traits.contains(t); }
    public ShapeInference inference() { return inference; }
    public boolean allowsUnknownAttrs() { return allowUnknownAttrs; }

    public String qualifiedType() { return domain.isEmpty() ? type : domain + "::" + type; }

    /** Allowed types of a param (its type var's constraint, or null = any). */
    public Set<DataType> allowedTypes(Param p) { return p.typeVar() == null ? null : typeConstraints.get(p.typeVar()); }

    /** Smallest number of actual inputs a node may have (trailing optionals may be omitted). */
    public int minInputs() { return minCount(inputs); }

    /** Largest number of actual inputs, or Integer.MAX_VALUE with a variadic parameter. */
    public int maxInputs() { return maxCount(inputs); }

    public int minOutputs() { return minCount(outputs); }

    public int maxOutputs() { return maxCount(outputs); }

    private static int minCount(List<Param> ps) {
        int last = 0;
        for (int i = 0; i < ps.size(); i++) {
            Param p = ps.get(i);
            if (p.arity() == Arity.SINGLE) last = i + 1;
            else if (p.arity() == Arity.VARIADIC) last = i + p.minArity();
        }
        return last;
    }

    private static int maxCount(List<Param> ps) {
        for (Param p : ps) if (p.arity() == Arity.VARIADIC) return Integer.MAX_VALUE;
        return ps.size();
    }

    /** The formal parameter that actual input {@code i} binds to (the variadic one repeats), or null. */
    public Param inputParam(int i) { return paramAt(inputs, i); }

    public Param outputParam(int i) { return paramAt(outputs, i); }

    private static Param paramAt(List<Param> ps, int i) {
        if (i < ps.size()) return ps.get(i);
        if (!ps.isEmpty() && ps.get(ps.size() - 1).isVariadic()) return ps.get(ps.size() - 1);
        return null;
    }

    @Override public String toString() { return qualifiedType() + "-" + sinceVersion; }

    /** Fluent builder: {@code OpSchema.onnx("Add", 14).input("A", "T").input("B", "T").output("C", "T")...}. */
    public static final class Builder {
        private final String domain;
        private final String type;
        private final int sinceVersion;
        private String doc = "";
        private final List<Param> inputs = new ArrayList<>();
        private final List<Param> outputs = new ArrayList<>();
        private final Map<String, AttrDef> attrs = new LinkedHashMap<>();
        private final Map<String, Set<DataType>> typeConstraints = new LinkedHashMap<>();
        private final Set<Trait> traits = EnumSet.noneOf(Trait.class);
        private ShapeInference inference;
        private boolean allowUnknownAttrs;

        private Builder(String domain, String type, int sinceVersion) {
            this.domain = domain == null || domain.equals("ai.onnx") ? "" : domain;
            this.type = Objects.requireNonNull(type);
            this.sinceVersion = sinceVersion;
        }

        public Builder doc(String d) { this.doc = d; return this; }
        public Builder input(String name, String typeVar) { inputs.add(new Param(name, typeVar, Arity.SINGLE, 1)); return this; }
        public Builder optionalInput(String name, String typeVar) { inputs.add(new Param(name, typeVar, Arity.OPTIONAL, 0)); return this; }
        public Builder variadicInput(String name, String typeVar, int min) { inputs.add(new Param(name, typeVar, Arity.VARIADIC, min)); return this; }
        public Builder output(String name, String typeVar) { outputs.add(new Param(name, typeVar, Arity.SINGLE, 1)); return this; }
        public Builder optionalOutput(String name, String typeVar) { outputs.add(new Param(name, typeVar, Arity.OPTIONAL, 0)); return this; }
        public Builder variadicOutput(String name, String typeVar, int min) { outputs.add(new Param(name, typeVar, Arity.VARIADIC, min)); return this; }

        /** Constrains a type variable to a set of element types. */
        public Builder types(String typeVar, Set<DataType> allowed) { typeConstraints.put(typeVar, Set.copyOf(allowed)); return this; }
        public Builder types(String typeVar, DataType... allowed) { return types(typeVar, Set.of(allowed)); }

        public Builder attr(String name, AttrType t, Attr dflt) { attrs.put(name, new AttrDef(name, t, false, dflt)); return this; }
        public Builder attr(String name, long dflt) { return attr(name, AttrType.INT, Attr.of(dflt)); }
        public Builder attr(String name, float dflt) { return attr(name, AttrType.FLOAT, Attr.of(dflt)); }
        public Builder attr(String name, String dflt) { return attr(name, AttrType.STRING, Attr.of(dflt)); }
        /** An optional attribute with no default. */
        public Builder optionalAttr(String name, AttrType t) { attrs.put(name, new AttrDef(name, t, false, null)); return this; }
        public Builder requiredAttr(String name, AttrType t) { attrs.put(name, new AttrDef(name, t, true, null)); return this; }
        /** Accept attributes not declared (for ops with open attribute sets). */
        public Builder allowUnknownAttrs() { this.allowUnknownAttrs = true; return this; }

        public Builder traits(Trait... ts) { traits.addAll(List.of(ts)); return this; }
        public Builder inference(ShapeInference f) { this.inference = f; return this; }

        public OpSchema build() {
            for (Param p : inputs) checkVar(p);
            for (Param p : outputs) checkVar(p);
            return new OpSchema(this);
        }

        private void checkVar(Param p) {
            if (p.typeVar() != null && !typeConstraints.containsKey(p.typeVar()) && DataTypes.parseFixed(p.typeVar()) == null)
                throw new IllegalStateException(domain + "::" + type + "-" + sinceVersion + ": param '" + p.name() + "' uses undeclared type var '" + p.typeVar() + "'");
        }
    }
}
