package org.ge4j.ops.autofuse;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The instructions of a {@link FusedProgram}: scalar functions of one to three operands, each computed in
 * double precision (then rounded to the program's element type by whoever evaluates it). {@link #apply}
 * is the reference meaning; the code generator emits the same computation as a JVM arithmetic opcode
 * ({@link #isArithmetic()}) or a static call of {@link #owner()}.{@link #method()} with double arguments.
 */
public enum Opcode {
    ADD("add", 2, null, null),
    SUB("sub", 2, null, null),
    MUL("mul", 2, null, null),
    DIV("div", 2, null, null),
    NEG("neg", 1, null, null),
    MAX("max", 2, Math.class, "max"),
    MIN("min", 2, Math.class, "min"),
    POW("pow", 2, Math.class, "pow"),
    ABS("abs", 1, Math.class, "abs"),
    EXP("exp", 1, Math.class, "exp"),
    LOG("log", 1, Math.class, "log"),
    SQRT("sqrt", 1, Math.class, "sqrt"),
    TANH("tanh", 1, Math.class, "tanh"),
    FLOOR("floor", 1, Math.class, "floor"),
    CEIL("ceil", 1, Math.class, "ceil"),
    ROUND("round", 1, Math.class, "rint"),
    SIN("sin", 1, Math.class, "sin"),
    COS("cos", 1, Math.class, "cos"),
    RELU("relu", 1, ScalarMath.class, "relu"),
    SIGMOID("sigmoid", 1, ScalarMath.class, "sigmoid"),
    RECIPROCAL("reciprocal", 1, ScalarMath.class, "reciprocal"),
    SOFTPLUS("softplus", 1, ScalarMath.class, "softplus"),
    SOFTSIGN("softsign", 1, ScalarMath.class, "softsign"),
    MISH("mish", 1, ScalarMath.class, "mish"),
    HARD_SWISH("hardswish", 1, ScalarMath.class, "hardSwish"),
    ERF("erf", 1, ScalarMath.class, "erf"),
    GELU("gelu", 1, ScalarMath.class, "gelu"),
    GELU_TANH("gelu_tanh", 1, ScalarMath.class, "geluTanh"),
    LEAKY_RELU("leakyrelu", 2, ScalarMath.class, "leakyRelu"),
    PRELU("prelu", 2, ScalarMath.class, "prelu"),
    ELU("elu", 2, ScalarMath.class, "elu"),
    CELU("celu", 2, ScalarMath.class, "celu"),
    THRESHOLDED_RELU("thresholdedrelu", 2, ScalarMath.class, "thresholdedRelu"),
    HARD_SIGMOID("hardsigmoid", 3, ScalarMath.class, "hardSigmoid"),
    SELU("selu", 3, ScalarMath.class, "selu"),
    CLIP("clip", 3, ScalarMath.class, "clip");

    private static final Map<String, Opcode> BY_NAME = new HashMap<>();

    static {
        for (Opcode o : values()) BY_NAME.put(o.text, o);
    }

    private final String text;
    private final int arity;
    private final Class<?> owner;
    private final String method;

    Opcode(String text, int arity, Class<?> owner, String method) {
        this.text = text;
        this.arity = arity;
        this.owner = owner;
        this.method = method;
    }

    /** The name in the program text, e.g. {@code add}, {@code gelu_tanh}. */
    public String text() { return text; }

    /** The number of operands. */
    public int arity() { return arity; }

    /** True for add, sub, mul, div and neg: JVM arithmetic, exact in float (no double detour needed). */
    public boolean isArithmetic() { return owner == null; }

    /** The class of the static double function that computes this op (null for arithmetic). */
    public Class<?> owner() { return owner; }

    /** The name of that function. */
    public String method() { return method; }

    /** The opcode named {@code text} in program text, or null. */
    public static Opcode byText(String text) { return BY_NAME.get(text.toLowerCase(Locale.ROOT)); }

    /** The reference meaning, in double; unused operands are ignored. */
    public double apply(double a, double b, double c) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case NEG -> -a;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case POW -> Math.pow(a, b);
            case ABS -> Math.abs(a);
            case EXP -> Math.exp(a);
            case LOG -> Math.log(a);
            case SQRT -> Math.sqrt(a);
            case TANH -> Math.tanh(a);
            case FLOOR -> Math.floor(a);
            case CEIL -> Math.ceil(a);
            case ROUND -> Math.rint(a);
            case SIN -> Math.sin(a);
            case COS -> Math.cos(a);
            case RELU -> ScalarMath.relu(a);
            case SIGMOID -> ScalarMath.sigmoid(a);
            case RECIPROCAL -> ScalarMath.reciprocal(a);
            case SOFTPLUS -> ScalarMath.softplus(a);
            case SOFTSIGN -> ScalarMath.softsign(a);
            case MISH -> ScalarMath.mish(a);
            case HARD_SWISH -> ScalarMath.hardSwish(a);
            case ERF -> ScalarMath.erf(a);
            case GELU -> ScalarMath.gelu(a);
            case GELU_TANH -> ScalarMath.geluTanh(a);
            case LEAKY_RELU -> ScalarMath.leakyRelu(a, b);
            case PRELU -> ScalarMath.prelu(a, b);
            case ELU -> ScalarMath.elu(a, b);
            case CELU -> ScalarMath.celu(a, b);
            case THRESHOLDED_RELU -> ScalarMath.thresholdedRelu(a, b);
            case HARD_SIGMOID -> ScalarMath.hardSigmoid(a, b, c);
            case SELU -> ScalarMath.selu(a, b, c);
            case CLIP -> ScalarMath.clip(a, b, c);
        };
    }
}
