package org.ge4j.ops.autofuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Node;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.util.NodeRunner;
import org.junit.jupiter.api.Test;

/**
 * The generated kernels against the reference interpreter on many seeded random programs and shapes:
 * they must agree bit for bit (same double functions, same rounding points).
 */
class KernelGeneratorTest {
    private static final NodeRunner RUN = new NodeRunner(OpRegistry.global());

    @Test
    void randomProgramsInScalarModeMatchTheReferenceBitForBit() {
        Random r = new Random(20240611);
        int generated = 0;
        for (int trial = 0; trial < 300; trial++) {
            Case c = randomCase(r, Opcode.values());
            if (check(c, r, KernelGenerator.Mode.SCALAR, 0)) generated++;
        }
        assertThat(generated).as("programs the generator handled").isGreaterThan(250);
    }

    /** Ops whose errors do not grow along a chain (bounded or 1-Lipschitz), for the vector loop's tolerance check. */
    private static final Opcode[] TAME = {Opcode.ADD, Opcode.SUB, Opcode.MUL, Opcode.NEG, Opcode.ABS, Opcode.MAX, Opcode.MIN, Opcode.RELU,
        Opcode.SIGMOID, Opcode.TANH, Opcode.SOFTSIGN, Opcode.ERF, Opcode.GELU, Opcode.GELU_TANH, Opcode.LEAKY_RELU, Opcode.PRELU,
        Opcode.HARD_SIGMOID, Opcode.CLIP, Opcode.SOFTPLUS, Opcode.HARD_SWISH, Opcode.MISH, Opcode.ELU, Opcode.THRESHOLDED_RELU};

    @Test
    void randomProgramsInVectorModeMatchTheReferenceClosely() {
        Random r = new Random(777);
        int vector = 0;
        for (int trial = 0; trial < 300; trial++) {
            Case c = randomCase(r, TAME);
            if (c.dtype != DataType.FLOAT) continue;
            boolean fits = KernelGenerator.vectorCost(c.program) <= KernelGenerator.VECTOR_BUDGET;
            assertThat(KernelGenerator.defaultMode(c.program, c.dtype)).isEqualTo(fits ? KernelGenerator.Mode.VECTOR : KernelGenerator.Mode.SCALAR);
            if (fits) vector++;
            check(c, r, KernelGenerator.Mode.VECTOR, 1e-3);
        }
        assertThat(vector).as("programs run with the vector loop").isGreaterThan(150);
    }

    /** Every vectorised op on its own, over long rows (many whole vectors and a tail), within a few float ulp (erf: 2e-7). */
    @Test
    void everyVectorOpIsAccurate() {
        Random r = new Random(99);
        for (Opcode op : Opcode.values()) {
            FusedProgram.Builder b = FusedProgram.builder();
            long[] shape = {3, 37};
            FusedProgram.Operand x = b.input(shape), y = b.input(shape), z = b.input(shape);
            FusedProgram.Operand[] args = switch (op.arity()) {
                case 1 -> new FusedProgram.Operand[] {x};
                case 2 -> new FusedProgram.Operand[] {x, op == Opcode.POW ? b.literal(1.5) : y};
                default -> new FusedProgram.Operand[] {x, op == Opcode.CLIP ? b.literal(-0.5) : y, op == Opcode.CLIP ? b.literal(2) : z};
            };
            b.output(b.op(op, args), shape);
            FusedProgram p = b.build();
            boolean vector = KernelGenerator.defaultMode(p, DataType.FLOAT) == KernelGenerator.Mode.VECTOR;
            assertThat(vector).as(op + " has a vector form").isEqualTo(!java.util.EnumSet.of(Opcode.FLOOR, Opcode.CEIL, Opcode.ROUND).contains(op));
            check(new Case(p, DataType.FLOAT, List.of(shape, new long[] {37}, new long[] {3, 1})), r, KernelGenerator.Mode.VECTOR, 2e-6);
        }
    }

    @Test
    void sameProgramAndShapesGiveTheSameBytes() {
        FusedProgram p = FusedProgram.parse("in x0[4,8]; in x1[4,8]; t0 = add(x0, x1); t1 = sigmoid(t0); out t1[32]");
        List<long[]> shapes = List.of(new long[] {4, 8}, new long[] {8});
        byte[] a = KernelGenerator.generate(p, DataType.FLOAT, shapes), b = KernelGenerator.generate(FusedProgram.parse(p.toString()), DataType.FLOAT, shapes);
        assertThat(a).isEqualTo(b);
        GeneratedKernel k = KernelGenerator.load(a);
        assertThat(k.classBytes()).isEqualTo(a);
        assertThat(KernelGenerator.generate(p, DataType.DOUBLE, shapes)).isNotEqualTo(a);
    }

    @Test
    void declinesPartialInputsWithDifferentFrames() {
        FusedProgram p = FusedProgram.parse("in x0[4,8]; in x1[8,4]; t0 = add(x0, x1); out t0[32]");
        assertThat(KernelGenerator.generate(p, DataType.FLOAT, List.of(new long[] {8}, new long[] {4}))).isNull();
        assertThat(KernelGenerator.generate(p, DataType.FLOAT, List.of(new long[] {8}, new long[] {8, 4}))).isNotNull();
        assertThat(KernelGenerator.generate(p, DataType.INT32, List.of(new long[] {8}, new long[] {8, 4}))).isNull();
    }

    record Case(FusedProgram program, DataType dtype, List<long[]> shapes) {}

    /**
     * Runs the case through the reference kernel and the generated one (false when the generator declined):
     * with {@code tol} 0 they must agree bit for bit, else within tol * max(1, largest |expected| of the output).
     */
    private static boolean check(Case c, Random r, KernelGenerator.Mode mode, double tol) {
        List<Tensor> inputs = new ArrayList<>();
        for (long[] s : c.shapes) inputs.add(randomTensor(r, c.dtype, s));
        int nOut = c.program.outputs().size();
        List<Value> expected = RUN.run(Node.GE4J_DOMAIN, FusedElementwiseOp.TYPE, 1, Map.of("program", new Attr.Str(c.program.toString())), inputs, nOut);
        GeneratedKernel k = KernelGenerator.compile(c.program, c.dtype, c.shapes, mode);
        if (k == null) return false;
        MemorySegment[] args = new MemorySegment[inputs.size() + nOut];
        List<Tensor> outs = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) args[i] = inputs.get(i).segment();
        for (int o = 0; o < nOut; o++) {
            Tensor t = Tensor.allocate(c.dtype, c.program.outputs().get(o).shape());
            outs.add(t);
            args[inputs.size() + o] = t.segment();
        }
        for (int rep = 0; rep < 3; rep++) k.run(args);
        for (int o = 0; o < nOut; o++) {
            double[] e = ((Tensor) expected.get(o)).toDoubleArray(), a = outs.get(o).toDoubleArray();
            assertThat(a.length).isEqualTo(e.length);
            double scale = 1;
            for (double v : e) if (Double.isFinite(v)) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < e.length; i++) {
                boolean same = Double.doubleToLongBits(a[i]) == Double.doubleToLongBits(e[i]) || Double.isNaN(a[i]) && Double.isNaN(e[i])
                        || tol > 0 && Math.abs(a[i] - e[i]) <= tol * scale;
                assertThat(same).as("output %d element %d: generated %s, reference %s%nprogram %s%nshapes %s", o, i, a[i], e[i], c.program,
                        c.shapes.stream().map(Shape::toString).toList()).isTrue();
            }
        }
        return true;
    }

    private static Tensor randomTensor(Random r, DataType t, long[] shape) {
        int n = (int) Shape.elementCount(shape);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextInt(10) == 0 ? r.nextInt(3) - 1 : r.nextGaussian() * 3;
        return Tensor.fromDoubles(t, shape, v);
    }

    private static Case randomCase(Random r, Opcode[] ops) {
        DataType t = r.nextInt(4) == 0 ? DataType.DOUBLE : DataType.FLOAT;
        int rank = r.nextInt(5);
        long[] out = new long[rank];
        for (int d = 0; d < rank; d++) out[d] = 1 + r.nextInt(r.nextInt(3) == 0 ? 9 : 4);
        long n = Shape.elementCount(out);
        FusedProgram.Builder b = FusedProgram.builder();
        int nIn = 1 + r.nextInt(4);
        List<long[]> shapes = new ArrayList<>();
        List<FusedProgram.Operand> values = new ArrayList<>();
        for (int k = 0; k < nIn; k++) {
            int kind = r.nextInt(4);
            long[] frame = kind == 2 ? flat(n) : out;             // a full input may sit in another view of the space
            long[] s = switch (kind) {
                case 0 -> new long[0];                       // scalar
                case 1, 2 -> frame.clone();                  // full
                default -> broadcastable(r, out);            // partial
            };
            shapes.add(s);
            values.add(b.input(frame));
        }
        int len = 1 + r.nextInt(12);
        FusedProgram.Temp last = null;
        List<FusedProgram.Temp> temps = new ArrayList<>();
        for (int j = 0; j < len; j++) {
            Opcode op = ops[r.nextInt(ops.length)];
            FusedProgram.Operand[] args = new FusedProgram.Operand[op.arity()];
            for (int a = 0; a < args.length; a++) {
                int pick = r.nextInt(10);
                if (a > 0 && pick < 3) args[a] = b.literal(r.nextInt(2) == 0 ? (float) (r.nextGaussian() * 2) : r.nextGaussian());
                else if (!temps.isEmpty() && pick < 7) args[a] = temps.get(r.nextInt(temps.size()));
                else args[a] = values.get(r.nextInt(values.size()));
            }
            last = b.op(op, args);
            temps.add(last);
        }
        b.output(last, out);
        if (r.nextBoolean()) b.output(temps.get(r.nextInt(temps.size())), flat(n));
        return new Case(b.build(), t, shapes);
    }

    private static long[] flat(long n) { return new long[] {n}; }

    /** A shape that broadcasts to {@code out}: some dims set to 1, some leading dims dropped. */
    private static long[] broadcastable(Random r, long[] out) {
        int drop = out.length == 0 ? 0 : r.nextInt(out.length + 1);
        long[] s = Arrays.copyOfRange(out, drop, out.length);
        for (int d = 0; d < s.length; d++) if (r.nextInt(3) == 0) s[d] = 1;
        return s;
    }
}
