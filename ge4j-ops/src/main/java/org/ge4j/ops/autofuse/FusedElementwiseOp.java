package org.ge4j.ops.autofuse;

import java.util.List;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Node;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;
import org.ge4j.ops.util.Broadcast;

/**
 * {@code ge4j::FusedElementwise}: a chain or small DAG of elementwise ops made one node by the compiler's
 * auto-fusion. Inputs X (variadic, all of one float type), outputs Y (variadic), attribute {@code program}:
 * the {@link FusedProgram} text. The reference kernel interprets the program element by element (the
 * oracle for the generated kernels).
 */
public final class FusedElementwiseOp {
    private FusedElementwiseOp() {}

    /** The op type, in domain {@code ge4j}. */
    public static final String TYPE = "FusedElementwise";
    /** The attribute holding the program text. */
    public static final String PROGRAM = "program";
    /** The element types a fused program computes on. */
    public static final List<DataType> TYPES = List.of(DataType.FLOAT, DataType.DOUBLE);

    static void register(OpRegistry r) {
        r.register(OpSchema.builder(Node.GE4J_DOMAIN, TYPE, 1)
                .doc("Evaluates the elementwise program in attribute 'program' (see FusedProgram) once per element; outputs as the program declares.")
                .variadicInput("X", "T", 1).variadicOutput("Y", "T", 1).types("T", DataType.FLOAT, DataType.DOUBLE)
                .requiredAttr(PROGRAM, AttrType.STRING)
                .traits(Trait.PURE, Trait.IN_PLACE)
                .inference(FusedElementwiseOp::infer).build());
        r.registerKernel(OpRegistry.REFERENCE, Node.GE4J_DOMAIN, TYPE, FusedElementwiseOp::compute);
    }

    /** The node's program, parsed; a bad program fails naming the node. */
    public static FusedProgram program(Attrs attrs) {
        try {
            return FusedProgram.parse(attrs.getString(PROGRAM));
        } catch (IllegalArgumentException e) {
            throw new OpException(attrs.node(), "attribute 'program' is not a valid fused program: " + e.getMessage());
        }
    }

    private static void infer(InferenceContext ctx) {
        FusedProgram p = program(ctx.attrs());
        if (ctx.inputCount() != p.inputCount())
            throw ctx.fail("the program declares " + p.inputCount() + " input(s), the node has " + ctx.inputCount());
        if (ctx.outputCount() != p.outputs().size())
            throw ctx.fail("the program declares " + p.outputs().size() + " output(s), the node has " + ctx.outputCount());
        DataType t = ctx.inputType(0);
        for (int k = 0; k < ctx.inputCount(); k++) {
            Shape s = ctx.inputShape(k);
            if (s.isStatic() && !p.broadcastsToFrame(k, s.toArray()))
                throw ctx.fail("input " + k + " of shape " + s + " does not broadcast to its frame " + Shape.toString(p.frame(k)));
        }
        for (int o = 0; o < p.outputs().size(); o++) ctx.setOutput(o, t, Shape.of(p.outputs().get(o).shape()));
    }

    private static void compute(KernelContext ctx) {
        FusedProgram p = program(ctx.attrs());
        int nIn = ctx.inputCount();
        if (nIn != p.inputCount()) throw ctx.fail("the program declares " + p.inputCount() + " input(s), the node has " + nIn);
        DataType t = ctx.requireInput(0).dtype();
        if (!TYPES.contains(t)) throw ctx.fail("input 0 has type " + t.shortName() + "; fused programs compute on f32 or f64");
        int n = Math.toIntExact(p.elementCount());
        double[][] in = new double[nIn][];
        int[][] index = new int[nIn][];
        for (int k = 0; k < nIn; k++) {
            Tensor x = ctx.requireInput(k);
            if (x.dtype() != t) throw ctx.fail("input " + k + " has type " + x.dtype().shortName() + ", input 0 has " + t.shortName());
            if (!p.broadcastsToFrame(k, x.shape()))
                throw ctx.fail("input " + k + " of shape " + Shape.toString(x.shape()) + " does not broadcast to its frame " + Shape.toString(p.frame(k)));
            in[k] = x.toDoubleArray();
            index[k] = Broadcast.indexMap(x.shape(), p.frame(k));
        }
        List<FusedProgram.Instruction> code = p.code();
        double[] temps = new double[code.size()];
        double[][] out = new double[p.outputs().size()][n];
        boolean f32 = t == DataType.FLOAT;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < code.size(); j++) {
                FusedProgram.Instruction ins = code.get(j);
                double a = operand(ins, 0, i, in, index, temps), b = operand(ins, 1, i, in, index, temps), c = operand(ins, 2, i, in, index, temps);
                double v = ins.op().apply(a, b, c);
                temps[j] = f32 ? (double) (float) v : v;
            }
            for (int o = 0; o < out.length; o++) out[o][i] = temps[p.outputs().get(o).temp()];
        }
        for (int o = 0; o < out.length; o++) if (ctx.wantsOutput(o)) ctx.setOutput(o, Tensor.fromDoubles(t, p.outputs().get(o).shape(), out[o]));
    }

    private static double operand(FusedProgram.Instruction ins, int a, int i, double[][] in, int[][] index, double[] temps) {
        if (a >= ins.args().size()) return 0;
        return switch (ins.arg(a)) {
            case FusedProgram.Input x -> in[x.index()][index[x.index()][i]];
            case FusedProgram.Temp tj -> temps[tj.index()];
            case FusedProgram.Literal l -> l.value();
        };
    }
}
