package org.ge4j.ops.autofuse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.ge4j.ir.Shape;

/**
 * The expression a {@code ge4j::FusedElementwise} node computes: a straight-line program evaluated once
 * per element of a flat iteration space of {@link #elementCount()} elements. Its text is the node's
 * {@code program} attribute, statements separated by {@code ;}:
 *
 * <pre>
 * in x0[8,8]; in x1[64]; t0 = add(x0, 0.01f); t1 = mul(t0, x1); t2 = relu(t1); out t2[8,8]; out t0[1,64]
 * </pre>
 *
 * <ul>
 *   <li>{@code in xK[frame]} declares input K (in order): the node's input K broadcasts (numpy rules) to the
 *       frame shape, and element i of the iteration reads the frame's flat element i;</li>
 *   <li>{@code tJ = op(operands)} computes temp J (in order) with an {@link Opcode}; operands are inputs
 *       {@code xK}, earlier temps {@code tJ} or literals ({@code 0.5}, {@code 0.01f} = the float nearest 0.01,
 *       {@code inf}, {@code -inf}, {@code nan});</li>
 *   <li>{@code out tJ[shape]} declares output K (in order): temp J, written in flat order into a tensor of that shape.</li>
 * </ul>
 *
 * Every frame and output shape has the same element count (views that keep the element order, such as
 * Reshape, are free inside a program). Each instruction is evaluated in double and rounded to the
 * element type before its result is used, exactly as the unfused ops would round.
 */
public final class FusedProgram {
    /** An operand: an input, an earlier temp, or a literal. */
    public sealed interface Operand permits Input, Temp, Literal {}

    public record Input(int index) implements Operand {
        @Override public String toString() { return "x" + index; }
    }

    public record Temp(int index) implements Operand {
        @Override public String toString() { return "t" + index; }
    }

    public record Literal(double value) implements Operand {
        @Override public String toString() { return formatLiteral(value); }
    }

    /** One statement {@code tJ = op(args)}. */
    public record Instruction(Opcode op, List<Operand> args) {
        public Instruction {
            args = List.copyOf(args);
            if (args.size() != op.arity())
                throw new IllegalArgumentException(op.text() + " takes " + op.arity() + " operand(s), got " + args.size());
        }

        public Operand arg(int i) { return args.get(i); }
    }

    /** An output: the temp it writes and the shape it has. */
    public record Output(int temp, long[] shape) {
        public Output { shape = shape.clone(); }

        @Override public long[] shape() { return shape.clone(); }

        @Override public boolean equals(Object o) { return o instanceof Output x && x.temp == temp && Arrays.equals(x.shape, shape); }

        @Override public int hashCode() { return temp * 31 + Arrays.hashCode(shape); }
    }

    private final List<long[]> frames;
    private final List<Instruction> code;
    private final List<Output> outputs;
    private final long elementCount;

    private FusedProgram(List<long[]> frames, List<Instruction> code, List<Output> outputs) {
        this.frames = frames.stream().map(long[]::clone).toList();
        this.code = List.copyOf(code);
        this.outputs = List.copyOf(outputs);
        if (this.outputs.isEmpty()) throw new IllegalArgumentException("a fused program needs at least one output");
        this.elementCount = Shape.elementCount(this.outputs.get(0).shape);
        for (int k = 0; k < this.frames.size(); k++) checkCount("frame of x" + k, this.frames.get(k));
        for (Output o : this.outputs) {
            checkCount("shape of output t" + o.temp, o.shape);
            if (o.temp < 0 || o.temp >= this.code.size()) throw new IllegalArgumentException("output t" + o.temp + " is not a temp of the program (it has " + this.code.size() + ")");
        }
        for (int j = 0; j < this.code.size(); j++)
            for (Operand a : this.code.get(j).args()) {
                if (a instanceof Temp t && (t.index() < 0 || t.index() >= j))
                    throw new IllegalArgumentException("t" + j + " uses " + t + ", which is not an earlier temp");
                if (a instanceof Input in && (in.index() < 0 || in.index() >= this.frames.size()))
                    throw new IllegalArgumentException("t" + j + " uses " + in + ", but the program declares " + this.frames.size() + " input(s)");
            }
    }

    private void checkCount(String what, long[] shape) {
        for (long d : shape) if (d < 0) throw new IllegalArgumentException(what + " " + Shape.toString(shape) + " has a negative dimension");
        if (Shape.elementCount(shape) != elementCount)
            throw new IllegalArgumentException(what + " " + Shape.toString(shape) + " has " + Shape.elementCount(shape)
                    + " elements, but the iteration space has " + elementCount + " (the shape of output 0, " + Shape.toString(outputs.get(0).shape) + ")");
    }

    /** The number of inputs. */
    public int inputCount() { return frames.size(); }

    /** The frame input {@code k} broadcasts to. */
    public long[] frame(int k) { return frames.get(k).clone(); }

    public List<Instruction> code() { return code; }

    public List<Output> outputs() { return outputs; }

    /** The size of the iteration space (every frame and output has this many elements). */
    public long elementCount() { return elementCount; }

    /** True when input {@code k} of shape {@code shape} broadcasts to its frame (numpy rules, unidirectional). */
    public boolean broadcastsToFrame(int k, long[] shape) {
        long[] f = frames.get(k);
        if (shape.length > f.length) return false;
        for (int i = 0; i < shape.length; i++) {
            long s = shape[shape.length - 1 - i], t = f[f.length - 1 - i];
            if (s != t && s != 1) return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- text

    /** The program text (parses back to an equal program). */
    @Override public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < frames.size(); k++) sb.append("in x").append(k).append(dims(frames.get(k))).append("; ");
        for (int j = 0; j < code.size(); j++) {
            Instruction in = code.get(j);
            sb.append('t').append(j).append(" = ").append(in.op().text()).append('(');
            for (int a = 0; a < in.args().size(); a++) sb.append(a == 0 ? "" : ", ").append(in.args().get(a));
            sb.append("); ");
        }
        for (int o = 0; o < outputs.size(); o++) sb.append(o == 0 ? "" : "; ").append("out t").append(outputs.get(o).temp).append(dims(outputs.get(o).shape));
        return sb.toString();
    }

    @Override public boolean equals(Object o) { return o instanceof FusedProgram p && p.toString().equals(toString()); }

    @Override public int hashCode() { return toString().hashCode(); }

    private static String dims(long[] s) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < s.length; i++) sb.append(i == 0 ? "" : ",").append(s[i]);
        return sb.append(']').toString();
    }

    /** A literal as program text: a float value prints with an {@code f} suffix, others in shortest double form. */
    static String formatLiteral(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if ((double) (float) v == v) return Float.toString((float) v) + "f";
        return Double.toString(v);
    }

    /** Parses program text; throws IllegalArgumentException naming the statement that is wrong. */
    public static FusedProgram parse(String text) {
        Objects.requireNonNull(text, "program text");
        List<long[]> frames = new ArrayList<>();
        List<Instruction> code = new ArrayList<>();
        List<Output> outs = new ArrayList<>();
        String[] stmts = text.split(";");
        for (int s = 0; s < stmts.length; s++) {
            String st = stmts[s].strip();
            if (st.isEmpty()) continue;
            try {
                if (st.startsWith("in ")) {
                    String rest = st.substring(3).strip();
                    int b = rest.indexOf('[');
                    if (b < 0) throw new IllegalArgumentException("expected 'in xK[dims]'");
                    expectName(rest.substring(0, b).strip(), "x", frames.size());
                    frames.add(parseDims(rest.substring(b)));
                } else if (st.startsWith("out ")) {
                    String rest = st.substring(4).strip();
                    int b = rest.indexOf('[');
                    if (b < 0) throw new IllegalArgumentException("expected 'out tJ[dims]'");
                    String name = rest.substring(0, b).strip();
                    if (!name.startsWith("t")) throw new IllegalArgumentException("an output must be a temp tJ, got '" + name + "'");
                    outs.add(new Output(index(name), parseDims(rest.substring(b))));
                } else {
                    int eq = st.indexOf('=');
                    int open = st.indexOf('('), close = st.lastIndexOf(')');
                    if (eq < 0 || open < eq || close < open || !st.substring(close + 1).isBlank())
                        throw new IllegalArgumentException("expected 'tJ = op(operands)', 'in xK[dims]' or 'out tJ[dims]'");
                    expectName(st.substring(0, eq).strip(), "t", code.size());
                    String opName = st.substring(eq + 1, open).strip();
                    Opcode op = Opcode.byText(opName);
                    if (op == null) throw new IllegalArgumentException("unknown op '" + opName + "'");
                    List<Operand> args = new ArrayList<>();
                    String inner = st.substring(open + 1, close).strip();
                    if (!inner.isEmpty()) for (String a : inner.split(",")) args.add(parseOperand(a.strip()));
                    code.add(new Instruction(op, args));
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("statement " + (s + 1) + " '" + st + "': " + e.getMessage(), e);
            }
        }
        return new FusedProgram(frames, code, outs);
    }

    private static void expectName(String name, String prefix, int expected) {
        if (!name.equals(prefix + expected))
            throw new IllegalArgumentException("expected the name " + prefix + expected + " (names are numbered in order), got '" + name + "'");
    }

    private static int index(String name) {
        try {
            return Integer.parseInt(name.substring(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad name '" + name + "'");
        }
    }

    private static long[] parseDims(String s) {
        s = s.strip();
        if (!s.startsWith("[") || !s.endsWith("]")) throw new IllegalArgumentException("expected [d0,d1,...], got '" + s + "'");
        String inner = s.substring(1, s.length() - 1).strip();
        if (inner.isEmpty()) return new long[0];
        String[] p = inner.split(",");
        long[] d = new long[p.length];
        for (int i = 0; i < p.length; i++) {
            try {
                d[i] = Long.parseLong(p[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad dimension '" + p[i].strip() + "'");
            }
        }
        return d;
    }

    private static Operand parseOperand(String a) {
        if (a.startsWith("x")) return new Input(index(a));
        if (a.startsWith("t")) return new Temp(index(a));
        switch (a) {
            case "inf", "+inf" -> { return new Literal(Double.POSITIVE_INFINITY); }
            case "-inf" -> { return new Literal(Double.NEGATIVE_INFINITY); }
            case "nan" -> { return new Literal(Double.NaN); }
            default -> { }
        }
        try {
            if (a.endsWith("f") || a.endsWith("F")) return new Literal(Float.parseFloat(a.substring(0, a.length() - 1)));
            return new Literal(Double.parseDouble(a));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad operand '" + a + "' (expected xK, tJ or a number)");
        }
    }

    // ---------------------------------------------------------------- building

    public static Builder builder() { return new Builder(); }

    /** Builds a program statement by statement (the compiler's fusion pass uses it). */
    public static final class Builder {
        private final List<long[]> frames = new ArrayList<>();
        private final List<Instruction> code = new ArrayList<>();
        private final List<Output> outputs = new ArrayList<>();

        private Builder() {}

        /** Declares the next input, broadcast to {@code frame}. */
        public Input input(long[] frame) {
            frames.add(frame.clone());
            return new Input(frames.size() - 1);
        }

        public Literal literal(double v) { return new Literal(v); }

        /** Appends {@code op(args)}; returns its temp. */
        public Temp op(Opcode op, Operand... args) {
            code.add(new Instruction(op, List.of(args)));
            return new Temp(code.size() - 1);
        }

        /** Declares the next output: temp {@code t} with shape {@code shape}. */
        public Builder output(Temp t, long[] shape) {
            outputs.add(new Output(t.index(), shape));
            return this;
        }

        public int inputCount() { return frames.size(); }

        /** The instructions appended so far. */
        public List<Instruction> code() { return java.util.Collections.unmodifiableList(code); }

        public FusedProgram build() { return new FusedProgram(frames, code, outputs); }
    }
}
