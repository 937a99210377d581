package org.ge4j.ir.text;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Format;
import org.ge4j.ir.Fp16;
import org.ge4j.ir.Graph;
import org.ge4j.ir.InDataAnchor;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.ValueKind;
import org.ge4j.ir.text.Lexer.Kind;
import org.ge4j.ir.text.Lexer.Token;

/**
 * Reads the text form written by {@link GraphPrinter} (see there for the syntax) back into a {@link Graph}.
 * Values may be used before the statement defining them; values of enclosing graphs are visible in
 * subgraphs. Errors are {@link TextParseException}s giving line:column and what was expected.
 */
public final class GraphTextParser {
    private record PendingInput(InDataAnchor anchor, Token ref, Graph scope) {}

    private record PendingOutput(String name, Token ref) {}

    private record PendingCtrl(Token from, Token to) {}

    private record Scope(Map<String, OutDataAnchor> values, List<Node> statements, List<PendingOutput> outputs, List<PendingCtrl> ctrl) {}

    private final Lexer lexer;
    private final List<Token> toks;
    private int p;
    private final Map<String, Token> definedAt = new HashMap<>();
    private final Map<String, Graph> definedIn = new HashMap<>();
    private final Map<Graph, Scope> scopes = new IdentityHashMap<>();
    private final List<Graph> graphs = new ArrayList<>();
    private final List<PendingInput> pendingInputs = new ArrayList<>();

    private GraphTextParser(String text) {
        this.lexer = new Lexer(text);
        this.toks = lexer.tokens();
    }

    /** Parses one graph (with its subgraphs) from its text form. */
    public static Graph parse(String text) {
        GraphTextParser parser = new GraphTextParser(text);
        Graph g = parser.graph(null);
        parser.expectKind(Kind.EOF, "end of input after the graph");
        parser.resolve();
        return g;
    }

    // ---------------------------------------------------------------- tokens

    private Token peek() { return toks.get(p); }

    private Token peek(int ahead) { return toks.get(Math.min(p + ahead, toks.size() - 1)); }

    private Token next() {
        Token t = toks.get(p);
        if (t.kind() != Kind.EOF) p++;
        return t;
    }

    private TextParseException error(Token at, String msg) { return lexer.error(msg, at.line(), at.column()); }

    private TextParseException expected(String what) { return error(peek(), "expected " + what + ", found " + peek().show()); }

    private Token expect(String punct, String context) {
        if (!peek().is(punct)) throw expected("'" + punct + "' " + context);
        return next();
    }

    private Token expectKind(Kind kind, String what) {
        if (peek().kind() != kind) throw expected(what);
        return next();
    }

    private boolean accept(String punct) {
        if (!peek().is(punct)) return false;
        next();
        return true;
    }

    /** An identifier or a quoted string. */
    private String name(String what) {
        Token t = peek();
        if (t.kind() != Kind.IDENT && t.kind() != Kind.STRING) throw expected(what);
        return next().text();
    }

    private boolean isName(Token t) { return t.kind() == Kind.IDENT || t.kind() == Kind.STRING; }

    // ---------------------------------------------------------------- graphs

    private Graph graph(Graph enclosing) {
        Token kw = peek();
        if (!kw.isWord("graph")) throw expected(enclosing == null ? "'graph' to start the text" : "'graph'");
        next();
        String name = name("a graph name after 'graph'");
        Graph g = enclosing == null ? new Graph(name) : Graph.newSubgraph(name, enclosing);
        Scope scope = new Scope(new HashMap<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        scopes.put(g, scope);
        graphs.add(g);
        expect("{", "to open the body of graph '" + name + "'");
        while (true) {
            Token t = peek();
            if (t.is("}")) break;
            if (t.kind() == Kind.EOF) throw error(t, "expected '}' to close graph '" + name + "', found end of input");
            Token after = peek(1);
            boolean keyword = t.kind() == Kind.IDENT && !after.is(":") && !after.is("(") && !after.is("::");
            if (keyword && t.text().equals("opset")) opset(g, enclosing == null);
            else if (keyword && t.text().equals("meta")) meta(g);
            else if (keyword && t.text().equals("ctrl")) ctrl(scope);
            else if (keyword && t.text().equals("return")) {
                ret(scope);
                if (!peek().is("}")) throw expected("'}' after the return statement of graph '" + name + "'");
                break;
            } else statement(g, scope);
        }
        next();
        return g;
    }

    private void opset(Graph g, boolean root) {
        Token kw = next();
        if (!root) throw error(kw, "opset imports belong to the root graph, not to subgraph '" + g.name() + "'");
        String domain = expectKind(Kind.STRING, "a quoted domain after 'opset' (\"\" for the ONNX domain)").text();
        expect("=", "after the opset domain");
        Token v = expectKind(Kind.INT, "an opset version number");
        g.setOpset(domain, (int) intValue(v, Integer.MIN_VALUE, Integer.MAX_VALUE, "opset version"));
    }

    private void meta(Graph g) {
        next();
        String key = expectKind(Kind.STRING, "a quoted metadata key after 'meta'").text();
        expect("=", "after the metadata key");
        g.metadata().put(key, expectKind(Kind.STRING, "a quoted metadata value").text());
    }

    private void ctrl(Scope scope) {
        next();
        Token from = nodeRef();
        expect("->", "between the two nodes of a control edge");
        Token to = nodeRef();
        scope.ctrl().add(new PendingCtrl(from, to));
    }

    /** {@code %value}, {@code @name} or {@code #position}; returns the token holding the reference. */
    private Token nodeRef() {
        Token t = peek();
        if (t.kind() == Kind.VALUE) return next();
        if (t.is("@") || t.is("#")) {
            next();
            Token r = peek();
            if (t.is("@") ? !isName(r) : r.kind() != Kind.INT) throw expected(t.is("@") ? "a node name after '@'" : "a statement number after '#'");
            next();
            return new Token(r.kind(), t.text() + r.text(), t.line(), t.column());
        }
        throw expected("a node reference (%value, @name or #position)");
    }

    private void ret(Scope scope) {
        next();
        if (peek().is("}")) return;
        do {
            Token t = peek();
            if (t.kind() == Kind.VALUE) {
                next();
                scope.outputs().add(new PendingOutput(t.text(), t));
            } else if (isName(t) && peek(1).is("=")) {
                String outName = next().text();
                next();
                scope.outputs().add(new PendingOutput(outName, expectKind(Kind.VALUE, "a %value after '" + outName + " ='")));
            } else {
                throw expected("a graph output (%value or name = %value)");
            }
        } while (accept(","));
    }

    // ---------------------------------------------------------------- node statements

    private void statement(Graph g, Scope scope) {
        String label = null;
        if (isName(peek()) && peek(1).is(":")) {
            label = next().text();
            next();
        }
        if (peek().isWord("input") && peek(1).kind() == Kind.VALUE) {
            input(g, scope, label);
            return;
        }
        List<Token> results = new ArrayList<>();
        if (peek().kind() == Kind.VALUE) {
            do {
                results.add(define(expectKind(Kind.VALUE, "a result %value"), g));
            } while (accept(","));
            expect("=", "after the results");
        }
        String type = name(results.isEmpty() && label == null ? "a statement (input, a node, ctrl or return)" : "an op type");
        String domain = Node.ONNX_DOMAIN;
        if (accept("::")) {
            domain = type;
            type = name("an op type after '" + domain + "::'");
        }
        expect("(", "to open the operands of " + type);
        List<Token> operands = new ArrayList<>();
        if (!peek().is(")")) {
            do {
                Token o = peek();
                if (o.kind() == Kind.VALUE) operands.add(next());
                else if (o.isWord("_")) {
                    next();
                    operands.add(null);
                } else throw expected("an operand (%value, or _ for an absent input)");
            } while (accept(","));
        }
        expect(")", "to close the operands of " + type);
        Map<String, Attr> attrs = peek().is("{") ? attrs(g) : Map.of();
        List<TensorDesc> types = new ArrayList<>();
        if (peek().is(":")) {
            Token colon = next();
            if (results.isEmpty()) throw error(colon, "types given for " + type + ", which has no results");
            do {
                types.add(desc());
            } while (accept(","));
            if (types.size() != results.size())
                throw error(colon, types.size() + " types given for the " + results.size() + " results of " + type);
        }
        String nodeName = label != null ? label : results.isEmpty() ? null : results.get(0).text();
        Node n = g.addNode(domain, type, nodeName, 0);
        if (label != null) n.setName(label);
        for (Token o : operands) {
            InDataAnchor a = n.addInput(null);
            if (o != null) pendingInputs.add(new PendingInput(a, o, g));
        }
        attrs.forEach(n::setAttr);
        for (int i = 0; i < results.size(); i++) {
            OutDataAnchor out = n.addOutput(results.get(i).text(), types.isEmpty() ? null : types.get(i));
            scope.values().put(out.name(), out);
        }
        scope.statements().add(n);
    }

    private void input(Graph g, Scope scope, String label) {
        next(); // input
        Token v = define(next(), g);
        expect(":", "and a type after input " + Syntax.value(v.text()) + " (? if unknown)");
        TensorDesc d = desc();
        OutDataAnchor out = g.addInput(v.text(), d);
        Node n = out.node();
        if (label != null) n.setName(label);
        if (peek().is("{")) attrs(g).forEach(n::setAttr);
        scope.values().put(out.name(), out);
        scope.statements().add(n);
    }

    /** Records a value definition, rejecting a name defined before anywhere in the model. */
    private Token define(Token v, Graph g) {
        Token prev = definedAt.putIfAbsent(v.text(), v);
        if (prev != null)
            throw error(v, "value " + Syntax.value(v.text()) + " is defined twice (first at line " + prev.line() + ":" + prev.column() + "); value names are unique in a model");
        definedIn.put(v.text(), g);
        return v;
    }

    // ---------------------------------------------------------------- attributes

    private Map<String, Attr> attrs(Graph g) {
        expect("{", "to open the attributes");
        Map<String, Attr> out = new LinkedHashMap<>();
        if (accept("}")) return out;
        do {
            Token at = peek();
            String key = name("an attribute name");
            expect("=", "after attribute '" + key + "'");
            Attr a = attrValue(g, key);
            if (out.put(key, a) != null) throw error(at, "attribute '" + key + "' is given twice");
        } while (accept(","));
        expect("}", "to close the attributes");
        return out;
    }

    private Attr attrValue(Graph g, String key) {
        Token t = peek();
        switch (t.kind()) {
            case INT -> {
                next();
                return Attr.of(intValue(t, Long.MIN_VALUE, Long.MAX_VALUE, "attribute '" + key + "'"));
            }
            case FLOAT -> {
                return Attr.of(parseFloat(next()));
            }
            case STRING -> {
                next();
                return Attr.of(t.text());
            }
            case IDENT -> {
                switch (t.text()) {
                    case "inf", "nan" -> {
                        return Attr.of(floatLiteral());
                    }
                    case "tensor" -> {
                        return Attr.of(tensor());
                    }
                    case "graph" -> {
                        return Attr.of(graph(g));
                    }
                    case "type" -> {
                        return new Attr.TypeValue(typeAttr());
                    }
                    case "ints", "floats", "strings", "tensors", "graphs", "types" -> {
                        next();
                        return list(g, key, t.text());
                    }
                    default -> { }
                }
            }
            case PUNCT -> {
                if (t.is("[")) return list(g, key, null);
            }
            default -> { }
        }
        throw expected("a value for attribute '" + key + "' (number, \"string\", [list], tensor<...>, graph, type<...>)");
    }

    private TensorDesc typeAttr() {
        next(); // type
        expect("<", "after 'type'");
        TensorDesc d = desc();
        expect(">", "to close type<...>");
        return d;
    }

    /** A list; {@code kind} is the list type word if given ({@code ints}, ...), else it follows the elements. */
    private Attr list(Graph g, String key, String kind) {
        Token open = expect("[", kind == null ? "to open a list" : "after '" + kind + "'");
        List<Attr> items = new ArrayList<>();
        List<Token> at = new ArrayList<>();
        if (!peek().is("]")) {
            do {
                at.add(peek());
                items.add(attrValue(g, key));
            } while (accept(","));
        }
        expect("]", "to close the list of attribute '" + key + "'");
        if (kind == null) {
            if (items.isEmpty())
                throw error(open, "an empty list needs its element type: ints[], floats[], strings[], tensors[], graphs[] or types[]");
            kind = switch (items.get(0)) {
                case Attr.Int i -> items.stream().anyMatch(x -> x instanceof Attr.Float) ? "floats" : "ints";
                case Attr.Float f -> "floats";
                case Attr.Str s -> "strings";
                case Attr.TensorValue tv -> "tensors";
                case Attr.GraphValue gv -> "graphs";
                case Attr.TypeValue tv -> "types";
                default -> throw error(at.get(0), "attribute '" + key + "': lists of lists are not attributes");
            };
        }
        for (int i = 0; i < items.size(); i++) {
            Attr a = items.get(i);
            boolean ok = switch (kind) {
                case "ints" -> a instanceof Attr.Int;
                case "floats" -> a instanceof Attr.Int || a instanceof Attr.Float;
                case "strings" -> a instanceof Attr.Str;
                case "tensors" -> a instanceof Attr.TensorValue;
                case "graphs" -> a instanceof Attr.GraphValue;
                default -> a instanceof Attr.TypeValue;
            };
            if (!ok) throw error(at.get(i), "attribute '" + key + "' is a list of " + kind + ", but element " + i + " is " + a.type().name().toLowerCase());
        }
        return switch (kind) {
            case "ints" -> {
                long[] v = new long[items.size()];
                for (int i = 0; i < v.length; i++) v[i] = ((Attr.Int) items.get(i)).value();
                yield new Attr.Ints(v);
            }
            case "floats" -> {
                float[] v = new float[items.size()];
                for (int i = 0; i < v.length; i++) v[i] = items.get(i) instanceof Attr.Float f ? f.value() : (float) ((Attr.Int) items.get(i)).value();
                yield new Attr.Floats(v);
            }
            case "strings" -> new Attr.Strs(items.stream().map(a -> ((Attr.Str) a).value()).toList());
            case "tensors" -> new Attr.Tensors(items.stream().map(a -> ((Attr.TensorValue) a).value()).toList());
            case "graphs" -> new Attr.Graphs(items.stream().map(a -> ((Attr.GraphValue) a).value()).toList());
            default -> new Attr.Types(items.stream().map(a -> ((Attr.TypeValue) a).value()).toList());
        };
    }

    // ---------------------------------------------------------------- numbers

    private long intValue(Token t, long min, long max, String what) {
        BigInteger v = bigInt(t);
        if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0)
            throw error(t, t.text() + " is out of range for " + what + " [" + min + ", " + max + "]");
        return v.longValue();
    }

    private BigInteger bigInt(Token t) {
        String s = t.text();
        boolean neg = s.startsWith("-");
        String body = neg ? s.substring(1) : s;
        BigInteger v = body.startsWith("0x") || body.startsWith("0X") ? new BigInteger(body.substring(2), 16) : new BigInteger(body);
        return neg ? v.negate() : v;
    }

    private float parseFloat(Token t) {
        if (t.text().equals("-inf")) return Float.NEGATIVE_INFINITY;
        return Float.parseFloat(t.text());
    }

    /** A float: number, inf, -inf, nan or nan(0xBITS); returns its bits as a float (exact NaN payloads kept). */
    private float floatLiteral() {
        Token t = peek();
        if (t.kind() == Kind.INT || t.kind() == Kind.FLOAT) return parseFloat(next());
        if (t.isWord("inf")) {
            next();
            return Float.POSITIVE_INFINITY;
        }
        if (t.isWord("nan")) {
            next();
            if (!accept("(")) return Float.NaN;
            int bits = (int) nanBits(32);
            float f = Float.intBitsToFloat(bits);
            return f;
        }
        throw expected("a float (e.g. 1.5, -2.0E-3, inf, -inf, nan)");
    }

    /** After {@code nan(}: the hexadecimal bits and {@code )}; checks they are a NaN of {@code bits} width. */
    private long nanBits(int width) {
        Token b = expectKind(Kind.INT, "the hexadecimal bits of a NaN, e.g. nan(0x7fc00001)");
        if (!b.text().startsWith("0x") && !b.text().startsWith("0X")) throw error(b, "NaN bits must be hexadecimal (0x...)");
        BigInteger v = bigInt(b);
        if (v.bitLength() > width) throw error(b, b.text() + " has more than " + width + " bits");
        expect(")", "to close nan(...)");
        return v.longValue();
    }

    /** A double-precision element; {@code nanBits} receives explicit NaN bits (or stays null). */
    private double doubleLiteral(long[] nanBits, int width) {
        Token t = peek();
        if (t.kind() == Kind.INT || t.kind() == Kind.FLOAT) {
            next();
            return t.text().equals("-inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(t.text());
        }
        if (t.isWord("inf")) {
            next();
            return Double.POSITIVE_INFINITY;
        }
        if (t.isWord("nan")) {
            next();
            if (accept("(")) nanBits[0] = nanBits(width);
            return Double.NaN;
        }
        throw expected("a number (e.g. 1.5, -2.0E-3, inf, -inf, nan)");
    }

    // ---------------------------------------------------------------- tensors

    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Tensor tensor() {
        next(); // tensor
        expect("<", "after 'tensor'");
        DataType dt = dtype();
        if (dt == DataType.UNDEFINED) throw error(toks.get(p - 1), "a tensor needs a defined element type");
        expect("[", "to open the shape of the tensor (static dims)");
        List<Long> dims = new ArrayList<>();
        if (!peek().is("]")) {
            do {
                dims.add(intValue(expectKind(Kind.INT, "a static dimension"), 0, Long.MAX_VALUE, "a dimension"));
            } while (accept(","));
        }
        expect("]", "to close the shape of the tensor");
        expect(">", "to close tensor<...>");
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        expect("[", "to open the tensor's elements");
        long count = Shape.elementCount(shape);
        if (dt == DataType.STRING) {
            List<String> s = new ArrayList<>();
            if (!peek().is("]")) {
                do {
                    s.add(expectKind(Kind.STRING, "a quoted string element").text());
                } while (accept(","));
            }
            Token close = expect("]", "to close the tensor's elements");
            if (s.size() != count) throw error(close, s.size() + " elements given for a tensor of shape " + Shape.toString(shape) + " (" + count + " elements)");
            return Tensor.of(s.toArray(String[]::new), new long[] {count}).reshape(shape);
        }
        Tensor t = Tensor.allocate(dt, shape);
        MemorySegment seg = t.segment();
        long i = 0;
        if (!peek().is("]")) {
            do {
                Token at = peek();
                if (i >= count) throw error(at, "more elements than the " + count + " of a tensor of shape " + Shape.toString(shape));
                element(t, seg, dt, i++, at);
            } while (accept(","));
        }
        Token close = expect("]", "to close the tensor's elements");
        if (i != count) throw error(close, i + " elements given for a tensor of shape " + Shape.toString(shape) + " (" + count + " elements)");
        return t;
    }

    private void element(Tensor t, MemorySegment seg, DataType dt, long i, Token at) {
        long[] nan = {Long.MIN_VALUE};
        switch (dt) {
            case FLOAT -> seg.setAtIndex(I32, i, Float.floatToRawIntBits(floatLiteral()));
            case DOUBLE -> {
                double d = doubleLiteral(nan, 64);
                seg.setAtIndex(I64, i, nan[0] != Long.MIN_VALUE ? nan[0] : Double.doubleToRawLongBits(d));
            }
            case COMPLEX64, COMPLEX128 -> {
                expect("(", "to open a complex element (re, im)");
                for (int k = 0; k < 2; k++) {
                    if (k == 1) expect(",", "between the real and imaginary parts");
                    if (dt == DataType.COMPLEX64) seg.setAtIndex(I32, 2 * i + k, Float.floatToRawIntBits(floatLiteral()));
                    else {
                        nan[0] = Long.MIN_VALUE;
                        double d = doubleLiteral(nan, 64);
                        seg.setAtIndex(I64, 2 * i + k, nan[0] != Long.MIN_VALUE ? nan[0] : Double.doubleToRawLongBits(d));
                    }
                }
                expect(")", "to close a complex element");
            }
            case FLOAT16, BFLOAT16 -> {
                double d = doubleLiteral(nan, 16);
                short bits = nan[0] != Long.MIN_VALUE ? (short) nan[0] : dt == DataType.FLOAT16 ? Fp16.doubleToHalf(d) : Fp16.doubleToBf16(d);
                seg.setAtIndex(I16, i, bits);
            }
            case FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ -> {
                double d = doubleLiteral(nan, 8);
                seg.set(ValueLayout.JAVA_BYTE, i, nan[0] != Long.MIN_VALUE ? (byte) nan[0] : Fp16.toFp8(dt, d, false));
            }
            case FLOAT4E2M1 -> {
                double d = doubleLiteral(nan, 4);
                if (nan[0] != Long.MIN_VALUE || Double.isNaN(d)) throw error(at, "f4e2m1 has no NaN");
                t.setScalarDouble(i, d);
            }
            case BOOL -> {
                Token b = next();
                if (b.isWord("true")) seg.set(ValueLayout.JAVA_BYTE, i, (byte) 1);
                else if (b.isWord("false")) seg.set(ValueLayout.JAVA_BYTE, i, (byte) 0);
                else if (b.kind() == Kind.INT) seg.set(ValueLayout.JAVA_BYTE, i, (byte) intValue(b, 0, 255, "a bool byte"));
                else throw error(b, "expected true or false, found " + b.show());
            }
            case UINT64 -> {
                Token v = expectKind(Kind.INT, "an integer element");
                BigInteger b = bigInt(v);
                if (b.signum() < 0 || b.bitLength() > 64) throw error(v, v.text() + " is out of range for u64 [0, 18446744073709551615]");
                t.setScalarLong(i, b.longValue());
            }
            default -> {
                Token v = expectKind(Kind.INT, "an integer element");
                long[] range = intRange(dt);
                t.setScalarLong(i, intValue(v, range[0], range[1], dt.shortName()));
            }
        }
    }

    private static long[] intRange(DataType dt) {
        return switch (dt) {
            case INT8 -> new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE};
            case UINT8 -> new long[] {0, 255};
            case INT16 -> new long[] {Short.MIN_VALUE, Short.MAX_VALUE};
            case UINT16 -> new long[] {0, 65535};
            case INT32 -> new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
            case UINT32 -> new long[] {0, 0xffffffffL};
            case INT4 -> new long[] {-8, 7};
            case UINT4 -> new long[] {0, 15};
            default -> new long[] {Long.MIN_VALUE, Long.MAX_VALUE};
        };
    }

    // ---------------------------------------------------------------- types

    private DataType dtype() {
        Token t = peek();
        if (t.kind() != Kind.IDENT) throw expected("an element type (f32, i64, bool, ...)");
        try {
            DataType d = DataType.fromShortName(t.text());
            next();
            return d;
        } catch (IllegalArgumentException e) {
            throw error(t, "unknown element type '" + t.text() + "' (expected one of "
                    + String.join(", ", Arrays.stream(DataType.values()).map(DataType::shortName).toList()) + ")");
        }
    }

    /** A value type: {@code ?}, {@code f32[N,3]}, {@code f32[*]}, {@code f32[1,3,8,8]@NCHW}, {@code seq<...>}, {@code opt<...>}, {@code map<...>}. */
    private TensorDesc desc() {
        if (accept("?")) return TensorDesc.UNKNOWN;
        Token t = peek();
        ValueKind kind = ValueKind.TENSOR;
        int closes = 0;
        if (t.isWord("seq") || t.isWord("map")) {
            next();
            expect("<", "after '" + t.text() + "'");
            kind = t.text().equals("seq") ? ValueKind.SEQUENCE : ValueKind.MAP;
            closes = 1;
        } else if (t.isWord("opt")) {
            next();
            expect("<", "after 'opt'");
            kind = ValueKind.OPTIONAL_TENSOR;
            closes = 1;
            if (peek().isWord("seq")) {
                next();
                expect("<", "after 'seq'");
                kind = ValueKind.OPTIONAL_SEQUENCE;
                closes = 2;
            }
        }
        DataType dt = dtype();
        Shape shape = shape();
        Format format = Format.ND;
        if (accept("@")) {
            Token f = expectKind(Kind.IDENT, "a format after '@' (ND, NCHW, NHWC, NCHWc8, NCHWc16)");
            try {
                format = Format.valueOf(f.text());
            } catch (IllegalArgumentException e) {
                throw error(f, "unknown format '" + f.text() + "' (expected one of " + Arrays.toString(Format.values()) + ")");
            }
        }
        for (int i = 0; i < closes; i++) expect(">", "to close the type");
        return new TensorDesc(dt, shape, format, kind);
    }

    private Shape shape() {
        expect("[", "to open a shape");
        if (accept("*")) {
            expect("]", "after '*' (unknown rank)");
            return Shape.UNKNOWN_RANK;
        }
        List<Dim> dims = new ArrayList<>();
        if (!peek().is("]")) {
            do {
                Token d = peek();
                if (d.kind() == Kind.INT) dims.add(Dim.of(intValue(next(), 0, Long.MAX_VALUE, "a dimension")));
                else if (d.is("?")) {
                    next();
                    dims.add(Dim.UNKNOWN);
                } else if (isName(d)) {
                    if (d.text().isEmpty()) throw error(d, "a symbolic dimension needs a name");
                    dims.add(Dim.of(next().text()));
                } else throw expected("a dimension (a size, ? or a symbolic name)");
            } while (accept(","));
        }
        expect("]", "to close the shape");
        return Shape.of(dims);
    }

    // ---------------------------------------------------------------- resolution

    private void resolve() {
        for (PendingInput pi : pendingInputs) pi.anchor().connect(lookup(pi.ref(), pi.scope()));
        for (Graph g : graphs) {
            Scope s = scopes.get(g);
            for (PendingOutput o : s.outputs()) g.addOutput(o.name(), lookup(o.ref(), g));
            for (PendingCtrl c : s.ctrl()) g.addControlEdge(node(c.from(), g, s), node(c.to(), g, s));
        }
    }

    private OutDataAnchor lookup(Token ref, Graph g) {
        for (Graph x = g; x != null; x = x.enclosingGraph()) {
            OutDataAnchor v = scopes.get(x).values().get(ref.text());
            if (v != null) return v;
        }
        Graph home = definedIn.get(ref.text());
        if (home != null) {
            Token def = definedAt.get(ref.text());
            throw error(ref, "value " + Syntax.value(ref.text()) + " is defined in graph '" + home.name() + "' (line " + def.line() + ":" + def.column()
                    + "), which does not enclose graph '" + g.name() + "'");
        }
        throw error(ref, "unknown value " + Syntax.value(ref.text()) + " in graph '" + g.name() + "'");
    }

    private Node node(Token ref, Graph g, Scope s) {
        String r = ref.text();
        if (ref.kind() == Kind.VALUE) {
            OutDataAnchor v = s.values().get(r);
            if (v == null) throw error(ref, "control edge names " + Syntax.value(r) + ", which is not a value defined in graph '" + g.name() + "'");
            return v.node();
        }
        if (r.startsWith("#")) {
            long k = Long.parseLong(r.substring(1));
            if (k >= s.statements().size()) throw error(ref, "control edge names statement " + r + ", but graph '" + g.name() + "' has " + s.statements().size());
            return s.statements().get((int) k);
        }
        String name = r.substring(1);
        Node found = null;
        for (Node n : s.statements()) {
            if (!n.name().equals(name)) continue;
            if (found != null) throw error(ref, "control edge names @" + Syntax.name(name) + ", but several nodes of graph '" + g.name() + "' have that name (use #position)");
            found = n;
        }
        if (found == null) throw error(ref, "control edge names @" + Syntax.name(name) + ", but graph '" + g.name() + "' has no node of that name");
        return found;
    }
}
