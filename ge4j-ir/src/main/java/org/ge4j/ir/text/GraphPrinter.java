package org.ge4j.ir.text;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.ControlAnchor;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Format;
import org.ge4j.ir.Fp16;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Graph;
import org.ge4j.ir.InDataAnchor;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;

/**
 * Prints a graph in ge4j's text form, which {@link GraphTextParser} reads back into a structurally equal
 * graph. An example:
 *
 * <pre>
 * graph main {
 *   opset "" = 17
 *   meta "producer" = "pytorch"
 *   input %x : f32[N,3,224,224]
 *   %w = Constant() {value = tensor&lt;f32[2]&gt; [1.0, 2.0]} : f32[2]
 *   conv1: %y = Conv(%x, %w, _) {strides = [1, 1]} : f32[N,16,?,?]
 *   %a, %b = com.acme::Split2(%y)
 *   %c = If(%cond) {
 *     then_branch = graph then {
 *       return %a
 *     },
 *     else_branch = graph else {
 *       return %b
 *     }
 *   }
 *   ctrl %a -&gt; %c
 *   return %y, out2 = %b
 * }
 * </pre>
 *
 * A statement {@code label: results = [domain::]Op(operands) {attributes} : types} creates a node; the label
 * (node name) is omitted when it equals the first result's name, {@code _} is an absent input, and the types
 * are omitted when all unknown ({@code ?} marks one unknown). Types read {@code f32[N,3,?]},
 * {@code f32[*]} (unknown rank), {@code f32[1,3,8,8]@NCHW}, {@code seq<i64[*]>}, {@code opt<...>},
 * {@code map<...>}. Values from enclosing graphs are referenced by name. {@code ctrl a -> b} is a control
 * edge between nodes named by a result ({@code %v}), a unique node name ({@code @name}) or their position
 * among the graph's statements ({@code #3}). Floats print in shortest exact decimal form, {@code inf},
 * {@code -inf}, {@code nan} or {@code nan(0x7fc00001)} (NaN with its exact bits); tensors print every
 * element. Nodes are printed in a stable topological order.
 */
public final class GraphPrinter {
    private final StringBuilder sb = new StringBuilder();

    private GraphPrinter() {}

    /** The text form of {@code graph} and its subgraphs. */
    public static String print(Graph graph) {
        GraphPrinter p = new GraphPrinter();
        p.graph(graph, 0);
        return p.sb.append('\n').toString();
    }

    /** The text form of one attribute value (subgraphs included), as it appears after {@code name =}. */
    public static String printAttr(Attr a) {
        GraphPrinter p = new GraphPrinter();
        p.attrValue(a, 0);
        return p.sb.toString();
    }

    /** The text form of a type, e.g. {@code f32[N,3,?]} or {@code ?} when nothing is known. */
    public static String printType(TensorDesc d) {
        StringBuilder b = new StringBuilder();
        type(b, d);
        return b.toString();
    }

    // ---------------------------------------------------------------- graphs

    private void indent(int level) { sb.append("  ".repeat(level)); }

    private void graph(Graph g, int level) {
        sb.append("graph ").append(Syntax.name(g.name())).append(" {\n");
        int in = level + 1;
        if (g.isRoot())
            for (Map.Entry<String, Integer> e : g.opsetImports().entrySet()) {
                indent(in);
                sb.append("opset ").append(Syntax.quote(e.getKey())).append(" = ").append(e.getValue()).append('\n');
            }
        for (Map.Entry<String, String> e : g.metadata().entrySet()) {
            indent(in);
            sb.append("meta ").append(Syntax.quote(e.getKey())).append(" = ").append(Syntax.quote(e.getValue())).append('\n');
        }
        List<Node> order = statementOrder(g);
        for (Node n : order) {
            indent(in);
            if (g.inputNodes().contains(n)) input(n, in);
            else node(n, in);
            sb.append('\n');
        }
        controlEdges(g, order, in);
        indent(in);
        sb.append("return");
        for (int i = 0; i < g.outputs().size(); i++) {
            Graph.Output o = g.outputs().get(i);
            sb.append(i == 0 ? " " : ", ");
            if (!o.name().equals(o.value().name())) sb.append(Syntax.name(o.name())).append(" = ");
            sb.append(Syntax.value(o.value().name()));
        }
        sb.append('\n');
        indent(level);
        sb.append('}');
    }

    /** Graph inputs first, then the other nodes in topological order (insertion order if there is a cycle). */
    static List<Node> statementOrder(Graph g) {
        List<Node> order = new ArrayList<>(g.inputNodes());
        List<Node> rest;
        try {
            rest = g.topologicalOrder();
        } catch (Ge4jException e) {
            rest = new ArrayList<>(g.nodes());
        }
        for (Node n : rest) if (!g.inputNodes().contains(n)) order.add(n);
        return order;
    }

    private void input(Node n, int level) {
        OutDataAnchor v = n.outputCount() == 1 ? n.output(0) : null;
        if (v == null || !n.name().equals(v.name())) sb.append(Syntax.name(n.name())).append(": ");
        sb.append("input ").append(v == null ? "%\"\"" : Syntax.value(v.name())).append(" : ");
        type(sb, v == null ? TensorDesc.UNKNOWN : v.desc());
        Map<String, Attr> attrs = new java.util.LinkedHashMap<>(n.attrs());
        attrs.remove("index");
        if (!attrs.isEmpty()) {
            sb.append(' ');
            attrs(attrs, level);
        }
    }

    private void node(Node n, int level) {
        if (n.outputCount() == 0 || !n.name().equals(n.output(0).name())) sb.append(Syntax.name(n.name())).append(": ");
        for (int i = 0; i < n.outputCount(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(Syntax.value(n.output(i).name()));
        }
        if (n.outputCount() > 0) sb.append(" = ");
        if (!n.domain().isEmpty()) sb.append(Syntax.name(n.domain())).append("::");
        sb.append(Syntax.name(n.type())).append('(');
        for (int i = 0; i < n.inputCount(); i++) {
            if (i > 0) sb.append(", ");
            OutDataAnchor p = n.input(i).peer();
            sb.append(p == null ? "_" : Syntax.value(p.name()));
        }
        sb.append(')');
        if (!n.attrs().isEmpty()) {
            sb.append(' ');
            attrs(n.attrs(), level);
        }
        boolean anyKnown = false;
        for (OutDataAnchor o : n.outputs()) anyKnown |= !o.desc().equals(TensorDesc.UNKNOWN);
        if (anyKnown) {
            sb.append(" : ");
            for (int i = 0; i < n.outputCount(); i++) {
                if (i > 0) sb.append(", ");
                type(sb, n.output(i).desc());
            }
        }
    }

    private void controlEdges(Graph g, List<Node> order, int level) {
        Map<String, Integer> nameCount = new HashMap<>();
        for (Node n : order) nameCount.merge(n.name(), 1, Integer::sum);
        Map<Node, Integer> position = new IdentityHashMap<>();
        for (int i = 0; i < order.size(); i++) position.put(order.get(i), i);
        for (Node n : order)
            for (ControlAnchor c : n.controlOut().peers()) {
                Node to = c.node();
                if (!position.containsKey(to)) continue; // an edge leaving the graph cannot be written (the verifier rejects it)
                indent(level);
                sb.append("ctrl ").append(ref(n, nameCount, position)).append(" -> ").append(ref(to, nameCount, position)).append('\n');
            }
    }

    private static String ref(Node n, Map<String, Integer> nameCount, Map<Node, Integer> position) {
        if (n.outputCount() > 0) return Syntax.value(n.output(0).name());
        if (nameCount.get(n.name()) == 1) return "@" + Syntax.name(n.name());
        return "#" + position.get(n);
    }

    // ---------------------------------------------------------------- attributes

    private void attrs(Map<String, Attr> attrs, int level) {
        boolean multiline = false;
        for (Attr a : attrs.values()) multiline |= a instanceof Attr.GraphValue || a instanceof Attr.Graphs gs && !gs.value().isEmpty();
        sb.append('{');
        int i = 0;
        for (Map.Entry<String, Attr> e : attrs.entrySet()) {
            if (multiline) {
                sb.append(i > 0 ? ",\n" : "\n");
                indent(level + 1);
            } else if (i > 0) {
                sb.append(", ");
            }
            sb.append(Syntax.name(e.getKey())).append(" = ");
            attrValue(e.getValue(), level + 1);
            i++;
        }
        if (multiline) {
            sb.append('\n');
            indent(level);
        }
        sb.append('}');
    }

    private void attrValue(Attr a, int level) {
        switch (a) {
            case Attr.Int i -> sb.append(i.value());
            case Attr.Float f -> sb.append(floatText(f.value()));
            case Attr.Str s -> sb.append(Syntax.quote(s.value()));
            case Attr.TensorValue t -> tensor(sb, t.value());
            case Attr.GraphValue g -> graph(g.value(), level);
            case Attr.TypeValue t -> {
                sb.append("type<");
                type(sb, t.value());
                sb.append('>');
            }
            case Attr.Ints is -> {
                if (is.value().length == 0) sb.append("ints");
                sb.append('[');
                for (int k = 0; k < is.value().length; k++) sb.append(k > 0 ? ", " : "").append(is.value()[k]);
                sb.append(']');
            }
            case Attr.Floats fs -> {
                if (fs.value().length == 0) sb.append("floats");
                sb.append('[');
                for (int k = 0; k < fs.value().length; k++) sb.append(k > 0 ? ", " : "").append(floatText(fs.value()[k]));
                sb.append(']');
            }
            case Attr.Strs ss -> {
                if (ss.value().isEmpty()) sb.append("strings");
                sb.append('[');
                for (int k = 0; k < ss.value().size(); k++) sb.append(k > 0 ? ", " : "").append(Syntax.quote(ss.value().get(k)));
                sb.append(']');
            }
            case Attr.Tensors ts -> {
                if (ts.value().isEmpty()) sb.append("tensors");
                sb.append('[');
                for (int k = 0; k < ts.value().size(); k++) {
                    if (k > 0) sb.append(", ");
                    tensor(sb, ts.value().get(k));
                }
                sb.append(']');
            }
            case Attr.Graphs gs -> {
                if (gs.value().isEmpty()) sb.append("graphs");
                sb.append('[');
                for (int k = 0; k < gs.value().size(); k++) {
                    if (k > 0) sb.append(", ");
                    graph(gs.value().get(k), level);
                }
                sb.append(']');
            }
            case Attr.Types ts -> {
                if (ts.value().isEmpty()) sb.append("types");
                sb.append('[');
                for (int k = 0; k < ts.value().size(); k++) {
                    sb.append(k > 0 ? ", " : "").append("type<");
                    type(sb, ts.value().get(k));
                    sb.append('>');
                }
                sb.append(']');
            }
        }
    }

    // ---------------------------------------------------------------- types

    static void type(StringBuilder b, TensorDesc d) {
        if (d.equals(TensorDesc.UNKNOWN)) {
            b.append('?');
            return;
        }
        String open = switch (d.kind()) {
            case TENSOR -> "";
            case SEQUENCE -> "seq<";
            case OPTIONAL_TENSOR -> "opt<";
            case OPTIONAL_SEQUENCE -> "opt<seq<";
            case MAP -> "map<";
        };
        b.append(open).append(d.dtype().shortName());
        shape(b, d.shape());
        if (d.format() != Format.ND) b.append('@').append(d.format().name());
        b.append(switch (d.kind()) {
            case TENSOR -> "";
            case OPTIONAL_SEQUENCE -> ">>";
            default -> ">";
        });
    }

    private static void shape(StringBuilder b, Shape s) {
        if (!s.hasRank()) {
            b.append("[*]");
            return;
        }
        b.append('[');
        for (int i = 0; i < s.rank(); i++) {
            if (i > 0) b.append(',');
            Dim d = s.dim(i);
            switch (d) {
                case Dim.Static st -> b.append(st.value());
                case Dim.Unknown u -> b.append('?');
                case Dim.Symbolic sy -> b.append(Syntax.name(sy.name()));
            }
        }
        b.append(']');
    }

    // ---------------------------------------------------------------- tensors

    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** {@code tensor<f32[2,2]> [1.0, 2.0, 3.0, 4.0]}: every element, row-major; complex elements as {@code (re, im)}. */
    static void tensor(StringBuilder b, Tensor t) {
        DataType dt = t.dtype();
        b.append("tensor<").append(dt.shortName()).append(Shape.toString(t.shape())).append("> [");
        MemorySegment seg = dt == DataType.STRING ? null : t.segment();
        String[] strings = dt == DataType.STRING ? t.toStringArray() : null;
        for (long i = 0; i < t.size(); i++) {
            if (i > 0) b.append(", ");
            switch (dt) {
                case STRING -> b.append(Syntax.quote(strings[(int) i]));
                case FLOAT -> b.append(floatText(seg.getAtIndex(I32, i)));
                case DOUBLE -> b.append(doubleText(seg.getAtIndex(I64, i)));
                case COMPLEX64 -> b.append('(').append(floatText(seg.getAtIndex(I32, 2 * i))).append(", ").append(floatText(seg.getAtIndex(I32, 2 * i + 1))).append(')');
                case COMPLEX128 -> b.append('(').append(doubleText(seg.getAtIndex(I64, 2 * i))).append(", ").append(doubleText(seg.getAtIndex(I64, 2 * i + 1))).append(')');
                case FLOAT16 -> {
                    short h = seg.getAtIndex(I16, i);
                    b.append(narrowText(Fp16.halfToFloat(h), h & 0xffff, Fp16.floatToHalf(Float.NaN) & 0xffff, 4));
                }
                case BFLOAT16 -> {
                    short h = seg.getAtIndex(I16, i);
                    b.append(narrowText(Fp16.bf16ToFloat(h), h & 0xffff, Fp16.floatToBf16(Float.NaN) & 0xffff, 4));
                }
                case FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ -> {
                    byte v = seg.get(ValueLayout.JAVA_BYTE, i);
                    b.append(narrowText(Fp16.fp8ToFloat(dt, v), v & 0xff, Fp16.toFp8(dt, Double.NaN, true) & 0xff, 2));
                }
                case FLOAT4E2M1 -> b.append(floatText(Float.floatToRawIntBits((float) t.getScalarDouble(i))));
                case BOOL -> {
                    int v = seg.get(ValueLayout.JAVA_BYTE, i) & 0xff;
                    b.append(v == 0 ? "false" : v == 1 ? "true" : Integer.toString(v));
                }
                case UINT64 -> b.append(Long.toUnsignedString(t.getScalarLong(i)));
                default -> b.append(t.getScalarLong(i));
            }
        }
        b.append(']');
    }

    /** A float in shortest exact form: {@code 1.0}, {@code -0.0}, {@code 1.0E-5}, {@code inf}, {@code nan}, {@code nan(0x7fc00001)}. */
    static String floatText(float f) { return floatText(Float.floatToRawIntBits(f)); }

    private static String floatText(int bits) {
        float f = Float.intBitsToFloat(bits);
        if (Float.isNaN(f)) return bits == 0x7fc00000 ? "nan" : String.format("nan(0x%08x)", bits);
        if (Float.isInfinite(f)) return f > 0 ? "inf" : "-inf";
        return Float.toString(f);
    }

    private static String doubleText(long bits) {
        double d = Double.longBitsToDouble(bits);
        if (Double.isNaN(d)) return bits == 0x7ff8000000000000L ? "nan" : String.format("nan(0x%016x)", bits);
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        return Double.toString(d);
    }

    /** A narrow float by its decoded value (exact in float); NaN other than the canonical one by its bits. */
    private static String narrowText(float value, int bits, int canonicalNaN, int hexDigits) {
        if (Float.isNaN(value)) return bits == canonicalNaN ? "nan" : String.format("nan(0x%0" + hexDigits + "x)", bits);
        if (Float.isInfinite(value)) return value > 0 ? "inf" : "-inf";
        return Float.toString(value);
    }

    /** For messages: the operands of a node as printed, e.g. {@code (%x, _)}. */
    static String operands(Node n) {
        StringBuilder b = new StringBuilder("(");
        for (InDataAnchor a : n.inputs()) {
            if (a.index() > 0) b.append(", ");
            b.append(a.peer() == null ? "_" : Syntax.value(a.peer().name()));
        }
        return b.append(')').toString();
    }
}
