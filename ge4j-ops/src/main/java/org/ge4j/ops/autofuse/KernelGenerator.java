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
import java.util.List;
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

    /**
     * The class file of the kernel for {@code p} on {@code dtype} (f32 or f64) with inputs of {@code inputShapes},
     * or null when the generator does not handle the case (the caller falls back to another kernel).
     */
    public static byte[] generate(FusedProgram p, DataType dtype, List<long[]> inputShapes) {
        if (dtype != DataType.FLOAT && dtype != DataType.DOUBLE) return null;
        if (inputShapes.size() != p.inputCount()) throw new IllegalArgumentException("the program has " + p.inputCount() + " inputs, " + inputShapes.size() + " shapes given");
        for (int k = 0; k < inputShapes.size(); k++)
            if (!p.broadcastsToFrame(k, inputShapes.get(k))) throw new IllegalArgumentException("input " + k + " does not broadcast to its frame");
        IterationSpace space = IterationSpace.of(p, inputShapes);
        if (space == null) return null;
        Emitter e = new Emitter(p, dtype == DataType.FLOAT, space);
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
        byte[] b = generate(p, dtype, inputShapes);
        return b == null ? null : load(b);
    }

    /** Emits the body of {@code run} for one program and iteration space. */
    private static final class Emitter {
        private final FusedProgram p;
        private final boolean f32;
        private final IterationSpace space;
        private final TypeKind kind;
        private final ClassDesc layoutDesc;
        private final ClassDesc elemDesc;
        private final int elemShift;
        private int[] segLocal;    // per input, then per output: the segment local
        private int[] scalarLocal; // per scalar input: its value local
        private int[][] baseLocal; // per partial input, per loop level: its base index local
        private int[] counter;     // per loop level: its counter local
        private int flat;          // the flat element index local
        private int[] valueLocal;  // per input read this element: its value local
        private int[] tempLocal;   // per instruction: its value local
        private final boolean[] inputUsed;

        Emitter(FusedProgram p, boolean f32, IterationSpace space) {
            this.p = p;
            this.f32 = f32;
            this.space = space;
            this.kind = f32 ? TypeKind.FLOAT : TypeKind.DOUBLE;
            this.layoutDesc = f32 ? CD_OF_FLOAT : CD_OF_DOUBLE;
            this.elemDesc = f32 ? CD_float : CD_double;
            this.elemShift = f32 ? 2 : 3;
            inputUsed = new boolean[p.inputCount()];
            for (Instruction in : p.code()) for (Operand a : in.args()) if (a instanceof Input x) inputUsed[x.index()] = true;
        }

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
            int levels = space.sizes().length;
            counter = new int[levels];
            baseLocal = new int[nIn][];
            for (int k = 0; k < nIn; k++) {
                if (space.access()[k] != Access.PARTIAL || !inputUsed[k]) continue;
                baseLocal[k] = new int[levels];
                for (int d = 0; d < levels; d++) baseLocal[k][d] = c.allocateLocal(TypeKind.INT);
            }
            for (int d = 0; d < levels; d++) counter[d] = c.allocateLocal(TypeKind.INT);
            flat = c.allocateLocal(TypeKind.INT);
            valueLocal = new int[nIn];
            for (int k = 0; k < nIn; k++) if (inputUsed[k] && space.access()[k] != Access.SCALAR) valueLocal[k] = c.allocateLocal(kind);
            tempLocal = new int[p.code().size()];
            for (int j = 0; j < tempLocal.length; j++) tempLocal[j] = c.allocateLocal(kind);
            c.iconst_0();
            c.istore(flat);
            if (space.count() > 0) loop(c, 0);
            c.return_();
        }

        /** Loop level {@code d}: for (counter = 0; counter < size; counter++) { bases; inner level or body }. */
        private void loop(CodeBuilder c, int d) {
            int levels = space.sizes().length;
            Label head = c.newLabel(), end = c.newLabel();
            c.iconst_0();
            c.istore(counter[d]);
            c.labelBinding(head);
            c.iload(counter[d]);
            c.loadConstant((int) space.sizes()[d]);
            c.if_icmpge(end);
            for (int k = 0; k < p.inputCount(); k++) {
                if (baseLocal[k] == null) continue;
                // base[d] = base[d-1] + counter[d] * stride[d]
                long stride = space.strides()[k][d];
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
            if (d == levels - 1) {
                body(c);
                c.iinc(flat, 1);
            } else {
                loop(c, d + 1);
            }
            c.iinc(counter[d], 1);
            c.goto_(head);
            c.labelBinding(end);
        }

        /** One element: read the inputs, evaluate the instructions, write the outputs. */
        private void body(CodeBuilder c) {
            int last = space.sizes().length - 1;
            for (int k = 0; k < p.inputCount(); k++) {
                if (!inputUsed[k] || space.access()[k] == Access.SCALAR) continue;
                c.aload(segLocal[k]);
                c.getstatic(CD_SUPPORT, f32 ? "F32" : "F64", layoutDesc);
                c.iload(space.access()[k] == Access.FULL ? flat : baseLocal[k][last]);
                c.i2l();
                c.loadConstant(elemShift);
                c.lshl();
                c.invokeinterface(CD_SEGMENT, "get", MethodTypeDesc.of(elemDesc, layoutDesc, CD_long));
                store(c, valueLocal[k]);
            }
            List<Instruction> code = p.code();
            for (int j = 0; j < code.size(); j++) {
                instruction(c, code.get(j));
                store(c, tempLocal[j]);
            }
            int nIn = p.inputCount();
            for (int o = 0; o < p.outputs().size(); o++) {
                c.aload(segLocal[nIn + o]);
                c.getstatic(CD_SUPPORT, f32 ? "F32" : "F64", layoutDesc);
                c.iload(flat);
                c.i2l();
                c.loadConstant(elemShift);
                c.lshl();
                load(c, tempLocal[p.outputs().get(o).temp()]);
                c.invokeinterface(CD_SEGMENT, "set", MethodTypeDesc.of(CD_void, layoutDesc, CD_long, elemDesc));
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
