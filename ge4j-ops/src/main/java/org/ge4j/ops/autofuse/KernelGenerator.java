package org.ge4j.ops.autofuse;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_double;
import static java.lang.constant.ConstantDescs.CD_float;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;
import static java.lang.constant.ConstantDescs.INIT_NAME;
import static java.lang.constant.ConstantDescs.MTD_void;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AccessFlag;
import java.lang.constant.ConstantDescs;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ops.autofuse.FusedProgram.Input;
import org.ge4j.ops.autofuse.FusedProgram.Instruction;
import org.ge4j.ops.autofuse.FusedProgram.Literal;
import org.ge4j.ops.autofuse.FusedProgram.Operand;
import org.ge4j.ops.autofuse.FusedProgram.Temp;
import org.ge4j.ops.autofuse.IterationSpace.Access;

/**
 * Turns a {@link FusedProgram}, specialised to an element type and static input shapes, into the class
 * file of a {@link GeneratedKernel} (with {@code java.lang.classfile}) and loads it as a hidden class.
 * The kernel's {@code run} reads each input segment at its (broadcast) index, evaluates every instruction
 * into a local, and writes the outputs: one pass over memory instead of one per op. Float programs keep
 * values in float locals; add, sub, mul, div and neg run in float (exactly what double-then-round gives),
 * the other ops call their double function in {@link Opcode#owner()} and round, so the kernel computes
 * the same bits as the reference interpreter. Generation is deterministic: the same program, type and
 * shapes give the same bytes.
 */
public final class KernelGenerator {
    private KernelGenerator() {}

    private static final ClassDesc CD_THIS = ClassDesc.of(KernelGenerator.class.getPackageName() + ".FusedKernel");
    private static final ClassDesc CD_SEGMENT = ClassDesc.of(MemorySegment.class.getName());
    private static final ClassDesc CD_SEGMENT_ARRAY = CD_SEGMENT.arrayType();
    private static final ClassDesc CD_BYTES = ClassDesc.ofDescriptor("[B");
    private static final ClassDesc CD_KERNEL = ClassDesc.of(GeneratedKernel.class.getName());
    private static final ClassDesc CD_SUPPORT = ClassDesc.of(KernelSupport.class.getName());
    private static final ClassDesc CD_OF_FLOAT = ClassDesc.of(ValueLayout.OfFloat.class.getName());
    private static final ClassDesc CD_OF_DOUBLE = ClassDesc.of(ValueLayout.OfDouble.class.getName());
    private static final ClassDesc CD_VMATH = ClassDesc.of(KernelGenerator.class.getPackageName() + ".VectorMath");
    private static final ClassDesc CD_FLOAT_VECTOR = ClassDesc.of("jdk.incubator.vector.FloatVector");
    private static final ClassDesc CD_SPECIES = ClassDesc.of("jdk.incubator.vector.VectorSpecies");
    private static final ClassDesc CD_BYTE_ORDER = ClassDesc.of(ByteOrder.class.getName());

    /** Opcodes {@link VectorMath} has no method for: programs using them get the scalar loop only. */
    private static final Set<Opcode> SCALAR_ONLY = EnumSet.of(Opcode.FLOOR, Opcode.CEIL, Opcode.ROUND);
    /**
     * How much Vector API code one kernel may hold, in {@link #vectorCost} units. Past roughly 100 units C2
     * stops inlining inside the loop and boxes vectors (measured on JDK 25: allocation per run appears and the
     * kernel turns 10-50x slower); programs over this budget get the scalar loop, and the compiler's
     * auto-fusion splits its groups so that each program fits.
     */
    public static final int VECTOR_BUDGET = 80;
    private static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** How the kernel loops. */
    public enum Mode {
        /** Element by element, bit for bit the reference interpreter's results. */
        SCALAR,
        /** f32 programs of vectorisable ops: whole vectors with the Vector API, the rest of each row element by element. */
        VECTOR
    }

    /** The mode {@link #generate(FusedProgram, DataType, List)} picks: vector when the program, type and JVM allow it. */
    public static Mode defaultMode(FusedProgram p, DataType dtype) {
        if (!VECTOR_API || dtype != DataType.FLOAT || vectorCost(p) > VECTOR_BUDGET) return Mode.SCALAR;
        for (Instruction in : p.code()) if (SCALAR_ONLY.contains(in.op())) return Mode.SCALAR;
        return Mode.VECTOR;
    }

    /** The weight of a program's vector loop: its instructions plus a load per input and a store per output. */
    public static int vectorCost(FusedProgram p) {
        int c = p.inputCount() + p.outputs().size();
        for (Instruction in : p.code()) c += vectorCost(in.op());
        return c;
    }

    /**
     * The weight of one instruction in the vector loop: its Vector API calls, a transcendental lanewise op
     * (exp, log, tanh, ...) counting 10 (they inline far more code than add or max).
     */
    public static int vectorCost(Opcode op) {
        final int t = 10;
        return switch (op) {
            case ADD, SUB, MUL, DIV, NEG, MAX, MIN, ABS, RELU, RECIPROCAL, SQRT, FLOOR, CEIL, ROUND -> 1;
            case CLIP, THRESHOLDED_RELU -> 2;
            case SOFTSIGN, HARD_SIGMOID, LEAKY_RELU, PRELU -> 3;
            case HARD_SWISH -> 4;
            case EXP, LOG, TANH, SIN, COS, POW -> t;
            case SIGMOID -> t + 3;
            case ELU -> t + 3;
            case CELU, SELU -> t + 5;
            case GELU_TANH -> t + 8;
            case SOFTPLUS -> 2 * t + 4;
            case MISH -> 3 * t + 5;
            case ERF -> t + 26;
            case GELU -> t + 31;
        };
    }

    private static String vectorMethod(Opcode op) { return op.isArithmetic() ? op.text() : op.method(); }

    /**
     * The class file of the kernel for {@code p} on {@code dtype} (f32 or f64) with inputs of {@code inputShapes},
     * or null when the generator does not handle the case (the caller falls back to another kernel).
     */
    public static byte[] generate(FusedProgram p, DataType dtype, List<long[]> inputShapes) {
        return generate(p, dtype, inputShapes, defaultMode(p, dtype));
    }

    /** As {@link #generate(FusedProgram, DataType, List)} with the loop mode chosen (VECTOR falls back to SCALAR where not possible). */
    public static byte[] generate(FusedProgram p, DataType dtype, List<long[]> inputShapes, Mode mode) {
        if (dtype != DataType.FLOAT && dtype != DataType.DOUBLE) return null;
        if (mode == Mode.VECTOR && defaultMode(p, dtype) != Mode.VECTOR) mode = Mode.SCALAR;
        if (inputShapes.size() != p.inputCount()) throw new IllegalArgumentException("the program has " + p.inputCount() + " inputs, " + inputShapes.size() + " shapes given");
        for (int k = 0; k < inputShapes.size(); k++)
            if (!p.broadcastsToFrame(k, inputShapes.get(k))) throw new IllegalArgumentException("input " + k + " does not broadcast to its frame");
        IterationSpace space = IterationSpace.of(p, inputShapes);
        if (space == null) return null;
        Emitter e = new Emitter(p, dtype == DataType.FLOAT, space, mode == Mode.VECTOR);
        return ClassFile.of().build(CD_THIS, cb -> {
            cb.withFlags(AccessFlag.PUBLIC, AccessFlag.FINAL, AccessFlag.SUPER);
            cb.withInterfaceSymbols(CD_KERNEL);
            cb.withField("bytes", CD_BYTES, ClassFile.ACC_PRIVATE | ClassFile.ACC_FINAL);
            cb.withMethodBody(INIT_NAME, MethodTypeDesc.of(CD_void, CD_BYTES), ClassFile.ACC_PUBLIC, c -> {
                c.aload(0);
                c.invokespecial(CD_Object, INIT_NAME, MTD_void);
                c.aload(0);
                c.aload(1);
                c.putfield(CD_THIS, "bytes", CD_BYTES);
                c.return_();
            });
            cb.withMethodBody("classBytes", MethodTypeDesc.of(CD_BYTES), ClassFile.ACC_PUBLIC, c -> {
                c.aload(0);
                c.getfield(CD_THIS, "bytes", CD_BYTES);
                c.invokevirtual(CD_BYTES, "clone", MethodTypeDesc.of(CD_Object));
                c.checkcast(CD_BYTES);
                c.areturn();
            });
            cb.withMethodBody("run", MethodTypeDesc.of(CD_void, CD_SEGMENT_ARRAY), ClassFile.ACC_PUBLIC, e::emitRun);
        });
    }

    /** Defines {@code bytes} (made by {@link #generate}) as a hidden class and makes its kernel. */
    public static GeneratedKernel load(byte[] bytes) {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup().defineHiddenClass(bytes, true);
            return (GeneratedKernel) l.findConstructor(l.lookupClass(), MethodType.methodType(void.class, byte[].class)).invoke(bytes.clone());
        } catch (Throwable t) {
            throw new Ge4jException("cannot load a generated fused kernel: " + t, t);
        }
    }

    /** Generates and loads the kernel, or returns null when {@link #generate} declines. */
    public static GeneratedKernel compile(FusedProgram p, DataType dtype, List<long[]> inputShapes) {
        return compile(p, dtype, inputShapes, defaultMode(p, dtype));
    }

    public static GeneratedKernel compile(FusedProgram p, DataType dtype, List<long[]> inputShapes, Mode mode) {
        byte[] b = generate(p, dtype, inputShapes, mode);
        return b == null ? null : load(b);
    }

    /**
     * Emits {@code run}: an outer loop nest over the collapsed frame (all but its last dim) and, per row of the
     * last dim, a vector loop over whole vectors (when enabled) followed by a scalar loop over the rest.
     */
    private static final class Emitter {
        private final FusedProgram p;
        private final boolean f32;
        private final boolean vector;
        private final IterationSpace space;
        private final TypeKind kind;
        private final ClassDesc layoutDesc;
        private final ClassDesc elemDesc;
        private final int elemShift;
        private final int levels;
        private final int rowLength;
        private final boolean[] inputUsed;
        private int[] segLocal;     // per input, then per output: the segment
        private int[] scalarLocal;  // per scalar input: its value
        private int[][] baseLocal;  // per partial input, per outer level: its base index
        private int[] counter;      // per outer level
        private int flat;           // flat index of the row's first element
        private int j;              // index in the row
        private int[] valueLocal;   // scalar loop: per input, its value this element
        private int[] tempLocal;    // scalar loop: per instruction
        // vector loop
        private int lanes;          // VectorMath.lanes()
        private int upper;          // the row length rounded down to whole vectors
        private int[] vScalar;      // per scalar input: broadcast vector
        private int[] vRow;         // per partial input broadcast along the row: broadcast vector, per row
        private int[] vValue;       // per input, this vector
        private int[] vTemp;        // per instruction
        private final Map<Integer, Integer> vLiteral = new LinkedHashMap<>(); // float bits -> broadcast vector

        Emitter(FusedProgram p, boolean f32, IterationSpace space, boolean vector) {
            this.p = p;
            this.f32 = f32;
            this.vector = vector;
            this.space = space;
            this.kind = f32 ? TypeKind.FLOAT : TypeKind.DOUBLE;
            this.layoutDesc = f32 ? CD_OF_FLOAT : CD_OF_DOUBLE;
            this.elemDesc = f32 ? CD_float : CD_double;
            this.elemShift = f32 ? 2 : 3;
            this.levels = space.sizes().length;
            this.rowLength = (int) space.sizes()[levels - 1];
            inputUsed = new boolean[p.inputCount()];
            for (Instruction in : p.code()) for (Operand a : in.args()) if (a instanceof Input x) inputUsed[x.index()] = true;
        }

        private boolean partial(int k) { return inputUsed[k] && space.access()[k] == Access.PARTIAL; }

        /** The partial input's stride along the row (0: one value per row, 1: contiguous). */
        private long rowStride(int k) { return space.strides()[k][levels - 1]; }

        void emitRun(CodeBuilder c) {
            int nIn = p.inputCount(), nOut = p.outputs().size();
            segLocal = new int[nIn + nOut];
            for (int i = 0; i < nIn + nOut; i++) {
                segLocal[i] = c.allocateLocal(TypeKind.REFERENCE);
                c.aload(1);
                c.loadConstant(i);
                c.aaload();
                c.astore(segLocal[i]);
            }
            scalarLocal = new int[nIn];
            for (int k = 0; k < nIn; k++) {
                if (space.access()[k] != Access.SCALAR || !inputUsed[k]) continue;
                scalarLocal[k] = c.allocateLocal(kind);
                c.aload(segLocal[k]);
                c.getstatic(CD_SUPPORT, f32 ? "F32" : "F64", layoutDesc);
                c.lconst_0();
                c.invokeinterface(CD_SEGMENT, "get", MethodTypeDesc.of(elemDesc, layoutDesc, CD_long));
                store(c, scalarLocal[k]);
            }
            counter = new int[levels];
            baseLocal = new int[nIn][];
            for (int k = 0; k < nIn; k++) {
                if (!partial(k)) continue;
                baseLocal[k] = new int[levels];
                for (int d = 0; d < levels - 1; d++) baseLocal[k][d] = c.allocateLocal(TypeKind.INT);
            }
            for (int d = 0; d < levels - 1; d++) counter[d] = c.allocateLocal(TypeKind.INT);
            flat = c.allocateLocal(TypeKind.INT);
            j = c.allocateLocal(TypeKind.INT);
            valueLocal = new int[nIn];
            for (int k = 0; k < nIn; k++) if (inputUsed[k] && space.access()[k] != Access.SCALAR) valueLocal[k] = c.allocateLocal(kind);
            tempLocal = new int[p.code().size()];
            for (int t = 0; t < tempLocal.length; t++) tempLocal[t] = c.allocateLocal(kind);
            if (vector) vectorSetup(c);
            c.iconst_0();
            c.istore(flat);
            if (space.count() > 0) outer(c, 0);
            c.return_();
        }

        /** Broadcast vectors of scalar inputs and literals, the lane count and the vector part of a row. */
        private void vectorSetup(CodeBuilder c) {
            int nIn = p.inputCount();
            vScalar = new int[nIn];
            vRow = new int[nIn];
            vValue = new int[nIn];
            for (int k = 0; k < nIn; k++) {
                if (!inputUsed[k]) continue;
                if (space.access()[k] == Access.SCALAR) {
                    vScalar[k] = c.allocateLocal(TypeKind.REFERENCE);
                    c.fload(scalarLocal[k]);
                    c.invokestatic(CD_VMATH, "broadcast", MethodTypeDesc.of(CD_FLOAT_VECTOR, CD_float));
                    c.astore(vScalar[k]);
                } else if (partial(k) && rowStride(k) == 0) {
                    vRow[k] = c.allocateLocal(TypeKind.REFERENCE);
                } else {
                    vValue[k] = c.allocateLocal(TypeKind.REFERENCE);
                }
            }
            for (Instruction in : p.code())
                for (Operand a : in.args()) {
                    if (!(a instanceof Literal l)) continue;
                    int bits = Float.floatToRawIntBits((float) l.value());
                    if (vLiteral.containsKey(bits)) continue;
                    int slot = c.allocateLocal(TypeKind.REFERENCE);
                    c.loadConstant((float) l.value());
                    c.invokestatic(CD_VMATH, "broadcast", MethodTypeDesc.of(CD_FLOAT_VECTOR, CD_float));
                    c.astore(slot);
                    vLiteral.put(bits, slot);
                }
            vTemp = new int[p.code().size()];
            for (int t = 0; t < vTemp.length; t++) vTemp[t] = c.allocateLocal(TypeKind.REFERENCE);
            lanes = c.allocateLocal(TypeKind.INT);
            c.invokestatic(CD_VMATH, "lanes", MethodTypeDesc.of(ConstantDescs.CD_int));
            c.istore(lanes);
            upper = c.allocateLocal(TypeKind.INT);
            c.loadConstant(rowLength);
            c.iload(lanes);
            c.idiv();
            c.iload(lanes);
            c.imul();
            c.istore(upper);
        }

        /** Outer level {@code d}: for (counter = 0; counter < size; counter++) { bases; next level }. */
        private void outer(CodeBuilder c, int d) {
            if (d == levels - 1) {
                row(c);
                return;
            }
            Label head = c.newLabel(), end = c.newLabel();
            c.iconst_0();
            c.istore(counter[d]);
            c.labelBinding(head);
            c.iload(counter[d]);
            c.loadConstant((int) space.sizes()[d]);
            c.if_icmpge(end);
            for (int k = 0; k < p.inputCount(); k++) {
                if (baseLocal[k] == null) continue;
                long stride = space.strides()[k][d]; // base[d] = base[d-1] + counter[d] * stride[d]
                if (d > 0) c.iload(baseLocal[k][d - 1]);
                if (stride == 0) {
                    if (d == 0) c.iconst_0();
                } else {
                    c.iload(counter[d]);
                    if (stride != 1) {
                        c.loadConstant((int) stride);
                        c.imul();
                    }
                    if (d > 0) c.iadd();
                }
                c.istore(baseLocal[k][d]);
            }
            outer(c, d + 1);
            c.iinc(counter[d], 1);
            c.goto_(head);
            c.labelBinding(end);
        }

        /** Pushes the index of the row's first element of partial input {@code k}. */
        private void rowBase(CodeBuilder c, int k) {
            if (levels == 1) c.iconst_0();
            else c.iload(baseLocal[k][levels - 2]);
        }

        /** One row of the last dim: the vector loop, then the scalar loop from where it stopped; then flat += row. */
        private void row(CodeBuilder c) {
            c.iconst_0();
            c.istore(j);
            if (vector) {
                for (int k = 0; k < p.inputCount(); k++) {
                    if (!partial(k) || rowStride(k) != 0) continue;
                    int kk = k;
                    loadElement(c, k, () -> rowBase(c, kk));
                    if (!f32) throw new IllegalStateException("vector loops are f32 only");
                    c.invokestatic(CD_VMATH, "broadcast", MethodTypeDesc.of(CD_FLOAT_VECTOR, CD_float));
                    c.astore(vRow[k]);
                }
                Label head = c.newLabel(), end = c.newLabel();
                c.labelBinding(head);
                c.iload(j);
                c.iload(upper);
                c.if_icmpge(end);
                vectorBody(c);
                c.iload(j);
                c.iload(lanes);
                c.iadd();
                c.istore(j);
                c.goto_(head);
                c.labelBinding(end);
            }
            Label head = c.newLabel(), end = c.newLabel();
            c.labelBinding(head);
            c.iload(j);
            c.loadConstant(rowLength);
            c.if_icmpge(end);
            scalarBody(c);
            c.iinc(j, 1);
            c.goto_(head);
            c.labelBinding(end);
            c.iload(flat);
            c.loadConstant(rowLength);
            c.iadd();
            c.istore(flat);
        }

        /** Pushes the element index of input {@code k} (or of the outputs, k = -1) at row position j. */
        private void elementIndex(CodeBuilder c, int k) {
            if (k < 0 || space.access()[k] == Access.FULL) {
                c.iload(flat);
                c.iload(j);
                c.iadd();
            } else {
                rowBase(c, k);
                if (rowStride(k) != 0) {
                    c.iload(j);
                    c.iadd();
                }
            }
        }

        /** Pushes the byte offset (long) of the element whose int index {@code index} pushes. */
        private void byteOffset(CodeBuilder c, Runnable index) {
            index.run();
            c.i2l();
            c.loadConstant(elemShift);
            c.lshl();
        }

        private void loadElement(CodeBuilder c, int k, Runnable index) {
            c.aload(segLocal[k]);
            c.getstatic(CD_SUPPORT, f32 ? "F32" : "F64", layoutDesc);
            byteOffset(c, index);
            c.invokeinterface(CD_SEGMENT, "get", MethodTypeDesc.of(elemDesc, layoutDesc, CD_long));
        }

        /** One element at row position j: read the inputs, evaluate the instructions, write the outputs. */
        private void scalarBody(CodeBuilder c) {
            for (int k = 0; k < p.inputCount(); k++) {
                if (!inputUsed[k] || space.access()[k] == Access.SCALAR) continue;
                int kk = k;
                loadElement(c, k, () -> elementIndex(c, kk));
                store(c, valueLocal[k]);
            }
            List<Instruction> code = p.code();
            for (int t = 0; t < code.size(); t++) {
                instruction(c, code.get(t));
                store(c, tempLocal[t]);
            }
            int nIn = p.inputCount();
            for (int o = 0; o < p.outputs().size(); o++) {
                c.aload(segLocal[nIn + o]);
                c.getstatic(CD_SUPPORT, f32 ? "F32" : "F64", layoutDesc);
                byteOffset(c, () -> elementIndex(c, -1));
                load(c, tempLocal[p.outputs().get(o).temp()]);
                c.invokeinterface(CD_SEGMENT, "set", MethodTypeDesc.of(CD_void, layoutDesc, CD_long, elemDesc));
            }
        }

        /** One vector at row position j (f32 only). */
        private void vectorBody(CodeBuilder c) {
            for (int k = 0; k < p.inputCount(); k++) {
                if (!inputUsed[k] || space.access()[k] == Access.SCALAR || partial(k) && rowStride(k) == 0) continue;
                int kk = k;
                c.getstatic(CD_VMATH, "SPECIES", CD_SPECIES);
                c.aload(segLocal[k]);
                byteOffset(c, () -> elementIndex(c, kk));
                c.getstatic(CD_BYTE_ORDER, "LITTLE_ENDIAN", CD_BYTE_ORDER);
                c.invokestatic(CD_FLOAT_VECTOR, "fromMemorySegment", MethodTypeDesc.of(CD_FLOAT_VECTOR, CD_SPECIES, CD_SEGMENT, CD_long, CD_BYTE_ORDER));
                c.astore(vValue[k]);
            }
            List<Instruction> code = p.code();
            for (int t = 0; t < code.size(); t++) {
                Instruction in = code.get(t);
                for (Operand a : in.args()) {
                    switch (a) {
                        case Literal l -> c.aload(vLiteral.get(Float.floatToRawIntBits((float) l.value())));
                        case Temp tt -> c.aload(vTemp[tt.index()]);
                        case Input x -> {
                            int k = x.index();
                            c.aload(space.access()[k] == Access.SCALAR ? vScalar[k] : partial(k) && rowStride(k) == 0 ? vRow[k] : vValue[k]);
                        }
                    }
                }
                ClassDesc[] params = new ClassDesc[in.op().arity()];
                java.util.Arrays.fill(params, CD_FLOAT_VECTOR);
                c.invokestatic(CD_VMATH, vectorMethod(in.op()), MethodTypeDesc.of(CD_FLOAT_VECTOR, params));
                c.astore(vTemp[t]);
            }
            int nIn = p.inputCount();
            for (int o = 0; o < p.outputs().size(); o++) {
                c.aload(vTemp[p.outputs().get(o).temp()]);
                c.aload(segLocal[nIn + o]);
                byteOffset(c, () -> elementIndex(c, -1));
                c.getstatic(CD_BYTE_ORDER, "LITTLE_ENDIAN", CD_BYTE_ORDER);
                c.invokevirtual(CD_FLOAT_VECTOR, "intoMemorySegment", MethodTypeDesc.of(CD_void, CD_SEGMENT, CD_long, CD_BYTE_ORDER));
            }
        }

        /** Pushes the instruction's result (of the element type). */
        private void instruction(CodeBuilder c, Instruction in) {
            Opcode op = in.op();
            boolean inFloat = f32 && op.isArithmetic() && in.args().stream().allMatch(Emitter::floatExact);
            if (inFloat || !f32 && op.isArithmetic()) {
                for (Operand a : in.args()) operand(c, a, !f32);
                arithmetic(c, op, f32 ? TypeKind.FLOAT : TypeKind.DOUBLE);
                return;
            }
            for (Operand a : in.args()) operand(c, a, true);
            if (op.isArithmetic()) arithmetic(c, op, TypeKind.DOUBLE);
            else {
                ClassDesc[] params = new ClassDesc[op.arity()];
                java.util.Arrays.fill(params, CD_double);
                c.invokestatic(ClassDesc.of(op.owner().getName()), op.method(), MethodTypeDesc.of(CD_double, params));
            }
            if (f32) c.d2f();
        }

        private static boolean floatExact(Operand a) {
            return !(a instanceof Literal l) || Double.isNaN(l.value()) || (double) (float) l.value() == l.value();
        }

        private static void arithmetic(CodeBuilder c, Opcode op, TypeKind t) {
            boolean f = t == TypeKind.FLOAT;
            switch (op) {
                case ADD -> { if (f) c.fadd(); else c.dadd(); }
                case SUB -> { if (f) c.fsub(); else c.dsub(); }
                case MUL -> { if (f) c.fmul(); else c.dmul(); }
                case DIV -> { if (f) c.fdiv(); else c.ddiv(); }
                case NEG -> { if (f) c.fneg(); else c.dneg(); }
                default -> throw new IllegalStateException(op + " is not arithmetic");
            }
        }

        /** Pushes an operand as a double ({@code asDouble}) or as the element type. */
        private void operand(CodeBuilder c, Operand a, boolean asDouble) {
            switch (a) {
                case Literal l -> {
                    if (asDouble || !f32) c.loadConstant(l.value());
                    else c.loadConstant((float) l.value());
                }
                case Input x -> {
                    load(c, space.access()[x.index()] == Access.SCALAR ? scalarLocal[x.index()] : valueLocal[x.index()]);
                    if (asDouble && f32) c.f2d();
                }
                case Temp t -> {
                    load(c, tempLocal[t.index()]);
                    if (asDouble && f32) c.f2d();
                }
            }
        }

        private void load(CodeBuilder c, int slot) {
            if (f32) c.fload(slot);
            else c.dload(slot);
        }

        private void store(CodeBuilder c, int slot) {
            if (f32) c.fstore(slot);
            else c.dstore(slot);
        }
    }
}
