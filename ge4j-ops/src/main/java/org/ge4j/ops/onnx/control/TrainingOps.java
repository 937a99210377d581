package org.ge4j.ops.onnx.control;

import java.util.Arrays;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * The optimiser ops of domain {@code ai.onnx.preview.training} (opset 1): Adagrad, Adam and Momentum, each
 * updating n tensors at once from inputs {@code R, T, X_1..X_n, G_1..G_n, <state>_1..n}; and the schema of
 * {@code Gradient} (reverse-mode differentiation of the graph slice from xs to y, see {@link GradientKernel}).
 */
public final class TrainingOps {
    private TrainingOps() {}

    /** The domain of ONNX's training preview ops. */
    public static final String DOMAIN = "ai.onnx.preview.training";

    public static void register(OpRegistry r) {
        r.register(optimizer("Adagrad", "ADAGRAD update: r = R / (1 + T*decay_factor); H += G'^2; X -= r * G' / (sqrt(H) + epsilon).")
                .attr("decay_factor", 0f).attr("epsilon", 1e-6f).attr("norm_coefficient", 0f)
                .inference(ctx -> inferOptimizer(ctx, 3, 2)).build());
        r.register(optimizer("Adam", "Adam update of X with first (V) and second (H) moment estimates.")
                .attr("alpha", 0.9f).attr("beta", 0.999f).attr("epsilon", 1e-6f)
                .attr("norm_coefficient", 0f).attr("norm_coefficient_post", 0f)
                .inference(ctx -> inferOptimizer(ctx, 4, 3)).build());
        r.register(optimizer("Momentum", "SGD with standard or Nesterov momentum.")
                .requiredAttr("alpha", AttrType.FLOAT).requiredAttr("beta", AttrType.FLOAT)
                .requiredAttr("mode", AttrType.STRING).requiredAttr("norm_coefficient", AttrType.FLOAT)
                .inference(ctx -> inferOptimizer(ctx, 3, 2)).build());
        r.register(OpSchema.builder(DOMAIN, "Gradient", 1)
                .doc("Gradients of tensor 'y' with respect to the tensors named in 'xs', by reverse-mode automatic differentiation.")
                .variadicInput("Inputs", null, 1).variadicOutput("Outputs", "T2", 1)
                .types("T1", ControlTypes.TENSOR).types("T2", ControlTypes.FLOAT_TYPES)
                .requiredAttr("xs", AttrType.STRINGS).requiredAttr("y", AttrType.STRING).optionalAttr("zs", AttrType.STRINGS)
                .traits(Trait.TRAINING, Trait.GRAPH_REFLECTIVE).inference(TrainingOps::inferGradient).build());
        r.registerKernel(OpRegistry.REFERENCE, DOMAIN, "Adagrad", TrainingOps::adagrad);
        r.registerKernel(OpRegistry.REFERENCE, DOMAIN, "Adam", TrainingOps::adam);
        r.registerKernel(OpRegistry.REFERENCE, DOMAIN, "Momentum", TrainingOps::momentum);
        r.registerKernel(OpRegistry.REFERENCE, DOMAIN, "Gradient", GradientKernel::compute);
    }

    private static OpSchema.Builder optimizer(String type, String doc) {
        return OpSchema.builder(DOMAIN, type, 1).doc(doc)
                .input("R", "T1").input("T", "T2").variadicInput("inputs", "T3", 1).variadicOutput("outputs", "T3", 1)
                .types("T1", ControlTypes.FLOAT_DOUBLE).types("T2", DataType.INT64).types("T3", ControlTypes.FLOAT_DOUBLE)
                .traits(Trait.PURE, Trait.TRAINING);
    }

    // ------------------------------------------------------------------ inference

    /** Inputs R, T, then {@code groups} groups of n tensors; outputs {@code outGroups} groups of n, shaped like X_i. */
    private static void inferOptimizer(InferenceContext ctx, int groups, int outGroups) {
        int n = tensorCount(ctx.inputCount(), groups, ctx::fail);
        for (int i : new int[] {0, 1}) {
            TensorDesc d = ctx.requireInput(i);
            if (d.shape().hasRank() && d.shape().elementCount() > 1)
                throw ctx.fail("input " + i + ctx.portName(i) + " must be a scalar, got shape " + d.shape());
        }
        if (ctx.outputCount() > outGroups * n)
            throw ctx.fail("has " + ctx.outputCount() + " outputs, expected " + outGroups * n + " for " + n + " optimised tensors");
        for (int i = 0; i < n; i++) {
            TensorDesc x = ctx.requireInput(2 + i);
            for (int g = 1; g < groups; g++) {
                Shape s = ctx.inputShape(2 + g * n + i);
                if (x.shape().isStatic() && s.isStatic() && !x.shape().equals(s))
                    throw ctx.fail("input " + (2 + g * n + i) + " has shape " + s + " but the tensor it belongs to (input " + (2 + i) + ") has " + x.shape());
            }
            for (int g = 0; g < outGroups; g++) {
                // X_new is shaped like X; each state output like its state input
                TensorDesc src = g == 0 ? x : ctx.requireInput(2 + (g + groups - outGroups) * n + i);
                ctx.setOutput(g * n + i, new TensorDesc(x.dtype(), src.shape()));
            }
        }
    }

    private static int tensorCount(int inputs, int groups, java.util.function.Function<String, RuntimeException> fail) {
        int rest = inputs - 2;
        if (rest < groups || rest % groups != 0)
            throw fail.apply("expects R, T and " + groups + " groups of n tensors, got " + inputs + " inputs");
        return rest / groups;
    }

    static void inferGradient(InferenceContext ctx) {
        var xs = ctx.attrs().getStrings("xs", java.util.List.of());
        if (ctx.outputCount() > xs.size())
            throw ctx.fail("has " + ctx.outputCount() + " outputs but attribute 'xs' names " + xs.size() + " tensors");
        if (xs.size() > ctx.inputCount())
            throw ctx.fail("attribute 'xs' names " + xs.size() + " tensors but the node has " + ctx.inputCount() + " inputs");
        for (int i = 0; i < ctx.outputCount(); i++) {
            TensorDesc x = ctx.requireInput(i); // dY/dX_i is shaped like X_i
            ctx.setOutput(i, x);
        }
    }

    // ------------------------------------------------------------------ kernels

    private record Step(int n, double r, long t) {}

    private static Step step(KernelContext ctx, int groups) {
        int n = tensorCount(ctx.inputCount(), groups, ctx::fail);
        Tensor r = ctx.requireInput(0), t = ctx.requireInput(1);
        if (r.size() != 1) throw ctx.fail("input 0 ('R') must be a scalar, got shape " + Shape.toString(r.shape()));
        return new Step(n, r.getScalarDouble(0), Values.scalarLong(ctx, t, "input 1 ('T')"));
    }

    /** The i-th tensor of group g, checked to be shaped like X_i. */
    private static double[] group(KernelContext ctx, Step s, int g, int i) {
        Tensor x = ctx.requireInput(2 + i), v = ctx.requireInput(2 + g * s.n + i);
        if (!Arrays.equals(x.shape(), v.shape()))
            throw ctx.fail("input " + (2 + g * s.n + i) + " has shape " + Shape.toString(v.shape()) + " but X (input " + (2 + i) + ") has " + Shape.toString(x.shape()));
        return v.toDoubleArray();
    }

    private static void out(KernelContext ctx, int index, Tensor like, double[] v) {
        ctx.setOutput(index, Tensor.fromDoubles(like.dtype(), like.shape(), v));
    }

    static void adagrad(KernelContext ctx) {
        Step s = step(ctx, 3);
        double decay = ctx.attrs().getFloat("decay_factor"), eps = ctx.attrs().getFloat("epsilon"), norm = ctx.attrs().getFloat("norm_coefficient");
        double r = s.r / (1 + s.t * decay);
        for (int i = 0; i < s.n; i++) {
            Tensor xt = ctx.requireInput(2 + i);
            double[] x = xt.toDoubleArray(), g = group(ctx, s, 1, i), h = group(ctx, s, 2, i);
            for (int k = 0; k < x.length; k++) {
                double gr = norm * x[k] + g[k];
                h[k] = h[k] + gr * gr;
                x[k] = x[k] - r * gr / (Math.sqrt(h[k]) + eps);
            }
            out(ctx, i, xt, x);
            out(ctx, s.n + i, ctx.requireInput(2 + 2 * s.n + i), h);
        }
    }

    static void adam(KernelContext ctx) {
        Step s = step(ctx, 4);
        double alpha = ctx.attrs().getFloat("alpha"), beta = ctx.attrs().getFloat("beta"), eps = ctx.attrs().getFloat("epsilon");
        double norm = ctx.attrs().getFloat("norm_coefficient"), post = ctx.attrs().getFloat("norm_coefficient_post");
        double r = s.t > 0 ? s.r * Math.sqrt(1 - Math.pow(beta, s.t)) / (1 - Math.pow(alpha, s.t)) : s.r;
        for (int i = 0; i < s.n; i++) {
            Tensor xt = ctx.requireInput(2 + i);
            double[] x = xt.toDoubleArray(), g = group(ctx, s, 1, i), v = group(ctx, s, 2, i), h = group(ctx, s, 3, i);
            for (int k = 0; k < x.length; k++) {
                double gr = norm * x[k] + g[k];
                v[k] = alpha * v[k] + (1 - alpha) * gr;
                h[k] = beta * h[k] + (1 - beta) * gr * gr;
                double xn = x[k] - r * v[k] / (Math.sqrt(h[k]) + eps);
                x[k] = (1 - post) * xn;
            }
            out(ctx, i, xt, x);
            out(ctx, s.n + i, ctx.requireInput(2 + 2 * s.n + i), v);
            out(ctx, 2 * s.n + i, ctx.requireInput(2 + 3 * s.n + i), h);
        }
    }

    static void momentum(KernelContext ctx) {
        Step s = step(ctx, 3);
        double alpha = ctx.attrs().getFloat("alpha"), beta = ctx.attrs().getFloat("beta"), norm = ctx.attrs().getFloat("norm_coefficient");
        String mode = ctx.attrs().getString("mode");
        if (!mode.equals("standard") && !mode.equals("nesterov"))
            throw ctx.fail("attribute 'mode' must be 'standard' or 'nesterov', got '" + mode + "'");
        boolean nesterov = mode.equals("nesterov");
        double b = s.t > 0 ? beta : 1;
        for (int i = 0; i < s.n; i++) {
            Tensor xt = ctx.requireInput(2 + i);
            double[] x = xt.toDoubleArray(), g = group(ctx, s, 1, i), v = group(ctx, s, 2, i);
            for (int k = 0; k < x.length; k++) {
                double gr = norm * x[k] + g[k];
                v[k] = alpha * v[k] + b * gr;
                x[k] = nesterov ? x[k] - s.r * (gr + alpha * v[k]) : x[k] - s.r * v[k];
            }
            out(ctx, i, xt, x);
            out(ctx, s.n + i, ctx.requireInput(2 + 2 * s.n + i), v);
        }
    }
}
