package org.ge4j.ops.onnx.control;

import java.util.Set;
import java.util.SplittableRandom;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.DataTypes;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * The random generators: RandomNormal, RandomUniform, RandomNormalLike, RandomUniformLike (opset 1),
 * Multinomial (7) and Bernoulli (15). With a {@code seed} attribute a node draws the same values on every
 * run (a {@link SplittableRandom} seeded from the seed's bits); without one, each run draws fresh values.
 */
public final class RandomOps {
    private RandomOps() {}

    private static final Set<DataType> BERNOULLI_OUT = DataTypes.union(ControlTypes.FLOAT_TYPES, Set.of(DataType.BFLOAT16),
            DataTypes.INTS, Set.of(DataType.BOOL));

    public static void register(OpRegistry r) {
        var f = ControlTypes.FLOAT_TYPES;
        r.register(OpSchema.onnx("RandomNormal", 1).doc("A tensor of the given shape drawn from N(mean, scale^2).")
                .output("output", "T").types("T", f)
                .attr("dtype", (long) DataType.FLOAT.onnxCode()).attr("mean", 0f).attr("scale", 1f)
                .optionalAttr("seed", AttrType.FLOAT).requiredAttr("shape", AttrType.INTS)
                .traits(Trait.RANDOM).inference(RandomOps::inferGenerator).build());
        r.register(OpSchema.onnx("RandomUniform", 1).doc("A tensor of the given shape drawn uniformly from [low, high).")
                .output("output", "T").types("T", f)
                .attr("dtype", (long) DataType.FLOAT.onnxCode()).attr("high", 1f).attr("low", 0f)
                .optionalAttr("seed", AttrType.FLOAT).requiredAttr("shape", AttrType.INTS)
                .traits(Trait.RANDOM).inference(RandomOps::inferGenerator).build());
        r.register(OpSchema.onnx("RandomNormalLike", 1).doc("Like RandomNormal, with the shape (and by default the type) of the input.")
                .input("input", "T1").output("output", "T2").types("T1", ControlTypes.TENSOR).types("T2", f)
                .optionalAttr("dtype", AttrType.INT).attr("mean", 0f).attr("scale", 1f).optionalAttr("seed", AttrType.FLOAT)
                .traits(Trait.RANDOM).inference(RandomOps::inferLike).build());
        r.register(OpSchema.onnx("RandomUniformLike", 1).doc("Like RandomUniform, with the shape (and by default the type) of the input.")
                .input("input", "T1").output("output", "T2").types("T1", ControlTypes.TENSOR).types("T2", f)
                .optionalAttr("dtype", AttrType.INT).attr("high", 1f).attr("low", 0f).optionalAttr("seed", AttrType.FLOAT)
                .traits(Trait.RANDOM).inference(RandomOps::inferLike).build());
        r.register(OpSchema.onnx("Multinomial", 7).doc("sample_size draws per batch row from the categorical distribution of the row's unnormalised log-probabilities.")
                .input("input", "T1").output("output", "T2").types("T1", f).types("T2", DataType.INT32, DataType.INT64)
                .attr("dtype", (long) DataType.INT32.onnxCode()).attr("sample_size", 1L).optionalAttr("seed", AttrType.FLOAT)
                .traits(Trait.RANDOM).inference(RandomOps::inferMultinomial).build());
        r.register(OpSchema.onnx("Bernoulli", 15).doc("1 with probability p (the input), else 0.")
                .input("input", "T1").output("output", "T2").types("T1", f).types("T2", BERNOULLI_OUT)
                .optionalAttr("dtype", AttrType.INT).optionalAttr("seed", AttrType.FLOAT)
                .traits(Trait.RANDOM).inference(RandomOps::inferBernoulli).build());
        r.registerReference("RandomNormal", ctx -> generate(ctx, shapeAttr(ctx), true));
        r.registerReference("RandomUniform", ctx -> generate(ctx, shapeAttr(ctx), false));
        r.registerReference("RandomNormalLike", ctx -> generate(ctx, ctx.requireInput(0).shape(), true));
        r.registerReference("RandomUniformLike", ctx -> generate(ctx, ctx.requireInput(0).shape(), false));
        r.registerReference("Multinomial", RandomOps::multinomial);
        r.registerReference("Bernoulli", RandomOps::bernoulli);
    }

    // ------------------------------------------------------------------ inference

    /** The output type from attribute 'dtype' (or {@code dflt} when unset), which must be in {@code allowed}. */
    private static DataType dtype(Attrs a, DataType dflt, Set<DataType> allowed, java.util.function.Function<String, RuntimeException> fail) {
        DataType t = dflt;
        if (a.get("dtype") != null) {
            long code = a.getInt("dtype");
            try {
                t = DataType.fromOnnx((int) code);
            } catch (IllegalArgumentException e) {
                throw fail.apply("attribute 'dtype' is not a data type code: " + code);
            }
        }
        if (t == null || t == DataType.UNDEFINED) return DataType.UNDEFINED;
        if (!allowed.contains(t))
            throw fail.apply("output type " + t.shortName() + " (attribute 'dtype' or the input's type) must be one of "
                    + allowed.stream().map(DataType::shortName).sorted().toList());
        return t;
    }

    static void inferGenerator(InferenceContext ctx) {
        DataType t = dtype(ctx.attrs(), DataType.FLOAT, ControlTypes.FLOAT_TYPES, ctx::fail);
        long[] shape = ctx.attrs().getInts("shape");
        for (long d : shape) if (d < 0) throw ctx.fail("attribute 'shape' has a negative dimension " + d);
        ctx.setOutput(0, t, Shape.of(shape));
    }

    static void inferLike(InferenceContext ctx) {
        TensorDesc in = ctx.requireInput(0);
        ctx.setOutput(0, dtype(ctx.attrs(), in.dtype(), ControlTypes.FLOAT_TYPES, ctx::fail), in.shape());
    }

    static void inferBernoulli(InferenceContext ctx) {
        TensorDesc in = ctx.requireInput(0);
        ctx.setOutput(0, dtype(ctx.attrs(), in.dtype(), BERNOULLI_OUT, ctx::fail), in.shape());
    }

    static void inferMultinomial(InferenceContext ctx) {
        DataType t = dtype(ctx.attrs(), DataType.INT32, DataTypes.INDEX, ctx::fail);
        long n = ctx.attrs().getInt("sample_size");
        if (n < 1) throw ctx.fail("attribute 'sample_size' must be >= 1, got " + n);
        Shape s = ctx.inputShape(0);
        if (s.hasRank() && s.rank() != 2) throw ctx.fail("input 0 ('input') must be [batch_size, class_size], got " + s);
        Dim batch = s.hasRank() ? s.dim(0) : Dim.UNKNOWN;
        ctx.setOutput(0, t, Shape.of(java.util.List.of(batch, Dim.of(n))));
    }

    // ------------------------------------------------------------------ kernels

    /** A generator seeded from attribute 'seed' when set (reproducible), else from fresh entropy. */
    static SplittableRandom random(KernelContext ctx) {
        return ctx.attrs().get("seed") != null
                ? new SplittableRandom(Double.doubleToLongBits(ctx.attrs().getFloat("seed")) * 0x9E3779B97F4A7C15L)
                : new SplittableRandom();
    }

    private static long[] shapeAttr(KernelContext ctx) {
        long[] s = ctx.attrs().getInts("shape");
        for (long d : s) if (d < 0) throw ctx.fail("attribute 'shape' has a negative dimension " + d);
        return s;
    }

    private static void generate(KernelContext ctx, long[] shape, boolean normal) {
        DataType dflt = ctx.hasInput(0) ? ctx.requireInput(0).dtype() : DataType.FLOAT;
        DataType t = dtype(ctx.attrs(), dflt, ControlTypes.FLOAT_TYPES, ctx::fail);
        SplittableRandom rng = random(ctx);
        Tensor out = Tensor.allocate(t, shape);
        if (normal) {
            double mean = ctx.attrs().getFloat("mean"), scale = ctx.attrs().getFloat("scale");
            for (long i = 0; i < out.size(); i++) out.setScalarDouble(i, mean + scale * rng.nextGaussian());
        } else {
            double low = ctx.attrs().getFloat("low"), high = ctx.attrs().getFloat("high");
            if (!(high >= low)) {
                out.close();
                throw ctx.fail("attribute 'high' (" + high + ") must be >= 'low' (" + low + ")");
            }
            for (long i = 0; i < out.size(); i++) {
                // rounding to a narrower type may reach 'high': redraw to keep the interval half-open
                int tries = 0;
                do out.setScalarDouble(i, low + (high - low) * rng.nextDouble());
                while (high > low && out.getScalarDouble(i) >= high && ++tries < 64);
                if (high > low && out.getScalarDouble(i) >= high) out.setScalarDouble(i, low);
            }
        }
        ctx.setOutput(0, out);
    }

    static void bernoulli(KernelContext ctx) {
        Tensor p = ctx.requireInput(0);
        DataType t = dtype(ctx.attrs(), p.dtype(), BERNOULLI_OUT, ctx::fail);
        SplittableRandom rng = random(ctx);
        Tensor out = Tensor.allocate(t, p.shape());
        for (long i = 0; i < p.size(); i++) {
            double pi = p.getScalarDouble(i);
            if (!(pi >= 0 && pi <= 1)) {
                out.close();
                throw ctx.fail("input 0 ('input') holds probability " + pi + " outside [0, 1] at index " + i);
            }
            out.setScalarLong(i, rng.nextDouble() < pi ? 1 : 0);
        }
        ctx.setOutput(0, out);
    }

    static void multinomial(KernelContext ctx) {
        Tensor x = ctx.requireInput(0);
        if (x.rank() != 2) throw ctx.fail("input 0 ('input') must be [batch_size, class_size], got " + Shape.toString(x.shape()));
        DataType t = dtype(ctx.attrs(), DataType.INT32, DataTypes.INDEX, ctx::fail);
        long n = ctx.attrs().getInt("sample_size");
        if (n < 1) throw ctx.fail("attribute 'sample_size' must be >= 1, got " + n);
        int batch = (int) x.dim(0), classes = (int) x.dim(1);
        if (classes < 1) throw ctx.fail("input 0 ('input') has no classes");
        double[] logits = x.toDoubleArray();
        SplittableRandom rng = random(ctx);
        Tensor out = Tensor.allocate(t, batch, n);
        double[] cum = new double[classes];
        for (int b = 0; b < batch; b++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) max = Math.max(max, logits[b * classes + c]);
            double total = 0;
            for (int c = 0; c < classes; c++) {
                total += Math.exp(logits[b * classes + c] - max);
                cum[c] = total;
            }
            for (long s = 0; s < n; s++) {
                double u = rng.nextDouble() * total;
                int c = 0;
                while (c < classes - 1 && cum[c] <= u) c++;
                out.setScalarLong(b * n + s, c);
            }
        }
        ctx.setOutput(0, out);
    }
}
