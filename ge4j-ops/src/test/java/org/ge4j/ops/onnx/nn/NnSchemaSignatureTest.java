package org.ge4j.ops.onnx.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ops.DataTypes;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.junit.jupiter.api.Test;

/**
 * Checks every registered NN schema version against the signatures of the ONNX spec (generated from
 * onnx.defs, plus the opset-18 versions): versions, inputs/outputs with arity, allowed types, attributes
 * with required flags and defaults.
 */
class NnSchemaSignatureTest {
    private static List<String[]> signatures() throws IOException {
        List<String[]> l = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                NnSchemaSignatureTest.class.getResourceAsStream("onnx-nn-signatures.txt"), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; )
                if (!line.isBlank() && !line.startsWith("#")) l.add(line.split("\\|", -1));
        }
        return l;
    }

    @Test void everyVersionMatchesTheSpec() throws IOException {
        OpRegistry reg = OpRegistry.global();
        Map<String, Set<Integer>> expectedVersions = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (String[] sig : signatures()) {
            String op = sig[0];
            int v = Integer.parseInt(sig[1]);
            expectedVersions.computeIfAbsent(op, k -> new TreeSet<>()).add(v);
            OpSchema s = reg.schema("", op, v);
            if (s == null || s.sinceVersion() != v) {
                problems.add(op + "-" + v + ": not registered (found " + s + ")");
                continue;
            }
            compareParams(problems, s, "inputs", s.inputs(), sig[2]);
            compareParams(problems, s, "outputs", s.outputs(), sig[3]);
            compareAttrs(problems, s, sig[4]);
        }
        for (Map.Entry<String, Set<Integer>> e : expectedVersions.entrySet()) {
            Set<Integer> got = reg.versions("", e.getKey()).stream().map(OpSchema::sinceVersion).collect(Collectors.toCollection(TreeSet::new));
            if (!got.equals(e.getValue())) problems.add(e.getKey() + ": versions " + got + ", expected " + e.getValue());
        }
        assertThat(problems).isEmpty();
    }

    private static void compareParams(List<String> problems, OpSchema s, String what, List<OpSchema.Param> got, String spec) {
        String[] ps = spec.isEmpty() ? new String[0] : spec.split(";");
        if (ps.length != got.size()) {
            problems.add(s + " " + what + ": " + got.size() + " params, expected " + ps.length + " (" + spec + ")");
            return;
        }
        for (int i = 0; i < ps.length; i++) {
            String[] nt = ps[i].split("=");
            String name = nt[0];
            OpSchema.Arity arity = OpSchema.Arity.SINGLE;
            if (name.endsWith("?")) {
                arity = OpSchema.Arity.OPTIONAL;
                name = name.substring(0, name.length() - 1);
            } else if (name.endsWith("...")) {
                arity = OpSchema.Arity.VARIADIC;
                name = name.substring(0, name.length() - 3);
            }
            OpSchema.Param p = got.get(i);
            if (!p.name().equals(name) || p.arity() != arity)
                problems.add(s + " " + what + "[" + i + "]: " + p.name() + "/" + p.arity() + ", expected " + name + "/" + arity);
            if (nt[1].equals("*")) continue;
            Set<String> want = new TreeSet<>(List.of(nt[1].split(",")));
            Set<DataType> allowed = s.allowedTypes(p);
            if (allowed == null) {
                DataType fixed = DataTypes.parseFixed(p.typeVar());
                allowed = fixed == null ? Set.of() : Set.of(fixed);
            }
            Set<String> have = allowed.stream().map(NnSchemaSignatureTest::onnxName).collect(Collectors.toCollection(TreeSet::new));
            if (!have.equals(want)) problems.add(s + " " + what + " '" + name + "': types " + have + ", expected " + want);
        }
    }

    private static String onnxName(DataType t) {
        return t == DataType.FLOAT16 ? "float16" : t == DataType.BFLOAT16 ? "bfloat16" : t.name().toLowerCase(Locale.ROOT);
    }

    private static void compareAttrs(List<String> problems, OpSchema s, String spec) {
        Map<String, OpSchema.AttrDef> got = s.attrs();
        String[] as = spec.isEmpty() ? new String[0] : spec.split(";");
        Set<String> names = new TreeSet<>();
        for (String a : as) {
            String[] kv = a.split("=", 2);
            String[] nt = kv[0].split(":");
            String name = nt[0];
            boolean required = nt[1].endsWith("!");
            String type = required ? nt[1].substring(0, nt[1].length() - 1) : nt[1];
            names.add(name);
            OpSchema.AttrDef d = got.get(name);
            if (d == null) {
                problems.add(s + ": missing attribute '" + name + "'");
                continue;
            }
            if (!d.type().name().equals(type) || d.required() != required)
                problems.add(s + " attribute '" + name + "': " + d.type() + (d.required() ? "!" : "") + ", expected " + type + (required ? "!" : ""));
            String dflt = kv.length > 1 ? kv[1] : null;
            if (!sameDefault(d.defaultValue(), dflt)) problems.add(s + " attribute '" + name + "': default " + d.defaultValue() + ", expected " + dflt);
        }
        for (String n : got.keySet()) if (!names.contains(n)) problems.add(s + ": extra attribute '" + n + "'");
    }

    private static boolean sameDefault(Attr a, String spec) {
        if (spec == null) return a == null;
        return switch (a) {
            case null -> false;
            case Attr.Int i -> Long.parseLong(spec) == i.value();
            case Attr.Float f -> Float.parseFloat(spec) == f.value();
            case Attr.Str str -> str.value().equals(spec);
            case Attr.Ints i -> java.util.Arrays.toString(i.value()).replace(" ", "").equals(spec);
            default -> false;
        };
    }
}
