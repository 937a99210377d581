package org.ge4j.compiler.passes;

import java.util.List;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.pass.Pass;
import org.ge4j.compiler.pass.PassContext;
import org.ge4j.compiler.pattern.Matchers;
import org.ge4j.compiler.pattern.OpFacts;
import org.ge4j.compiler.pattern.Rewriter;
import org.ge4j.compiler.pattern.ShapeValues;
import org.ge4j.ir.Attr;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.Value;
import org.ge4j.ops.Kernel;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;

/**
 * Constant folding: a pure node whose inputs are all constants is evaluated at compile time with its
 * reference kernel and replaced by {@code Constant}s. Random ops and nodes with subgraphs are never
 * folded; a fold whose result would be large ({@link Options#maxOutputBytes}) or would grow the model by
 * more than {@link Options#maxGrowthBytes} over its inputs (Expand, Tile, ConstantOfShape...) is skipped.
 * Shapes are folded too: {@code Size} of a static shape, and the shape arithmetic exporters emit
 * ({@code Shape}, then {@code Gather}, {@code Slice}, {@code Concat}, {@code Unsqueeze}, {@code Squeeze},
 * {@code Cast}) whenever the elements it selects are static, even when other dims are symbolic
 * ({@link ShapeValues}).
 */
public final class ConstantFolding implements Pass {
    public static final String NAME = "const-fold";

    /**
     * @param maxOutputBytes largest folded result kept
     * @param maxGrowthBytes how many bytes a fold may add to the model beyond the bytes of its inputs
     */
    public record Options(long maxOutputBytes, long maxGrowthBytes) {
        public static final Options DEFAULT = new Options(64L << 20, 1L << 20);
    }

    private final Options options;

    public ConstantFolding(CompilerOptions o) { this.options = o.passOptions(Options.class, Options.DEFAULT); }

    public ConstantFolding(Options options) { this.options = options; }

    @Override public String name() { return NAME; }

    @Override public boolean run(Graph graph, PassContext ctx) {
        boolean changed = false;
        Rewriter rw = new Rewriter(ctx);
        for (Graph g : Graphs.withSubgraphs(graph)) {
            for (Node n : g.topologicalOrder()) {
                if (n.graph() != g || n.isData()) continue;
                if (OpFacts.isConstantNode(n)) {
                    changed |= canonicalize(n);
                    continue;
                }
                boolean folded = foldShape(n, rw) || foldByKernel(n, rw, ctx);
                if (folded) {
                    rw.commit();
                    changed = true;
                }
            }
        }
        return changed;
    }

    /**
     * Rewrites a {@code Constant} given by {@code value_float(s)}, {@code value_int(s)} or {@code value_string(s)}
     * into the canonical {@code value} tensor form the other passes read.
     */
    private static boolean canonicalize(Node n) {
        if (n.hasAttr("value")) return false;
        Tensor t = null;
        String key = null;
        for (var e : n.attrs().entrySet()) {
            key = e.getKey();
            t = switch (key + ":" + e.getValue().type()) {
                case "value_float:FLOAT" -> Tensor.scalar(((Attr.Float) e.getValue()).value());
                case "value_floats:FLOATS" -> {
                    float[] v = ((Attr.Floats) e.getValue()).value();
                    yield Tensor.of(v, v.length);
                }
                case "value_int:INT" -> Tensor.scalar(((Attr.Int) e.getValue()).value());
                case "value_ints:INTS" -> {
                    long[] v = ((Attr.Ints) e.getValue()).value();
                    yield Tensor.of(v, v.length);
                }
                case "value_string:STRING" -> stringScalar(((Attr.Str) e.getValue()).value());
                case "value_strings:STRINGS" -> {
                    java.util.List<String> v = ((Attr.Strs) e.getValue()).value();
                    yield Tensor.of(v.toArray(new String[0]), v.size());
                }
                default -> null;
            };
            if (t != null) break;
        }
        if (t == null) return false;
        n.removeAttr(key);
        n.setAttr("value", new Attr.TensorValue(t));
        return true;
    }

    private static Tensor stringScalar(String v) {
        Tensor t = Tensor.allocate(org.ge4j.ir.DataType.STRING);
        t.setString(0, v);
        return t;
    }

    // ---------------------------------------------------------------- evaluation with the reference kernel

    private boolean foldByKernel(Node n, Rewriter rw, PassContext ctx) {
        OpRegistry reg = ctx.registry();
        if (!OpFacts.isPure(n, reg) || n.outputCount() == 0) return false;
        OpSchema schema = reg.schemaFor(n);
        Value[] in = new Value[n.inputCount()];
        long inBytes = 0;
        boolean anyInput = false;
        for (int i = 0; i < in.length; i++) {
            OutDataAnchor a = n.inputValue(i);
            if (a == null) continue;
            Tensor t = OpFacts.constant(a);
            if (t == null) return false;
            in[i] = t;
            inBytes += t.byteSize();
            anyInput = true;
        }
        if (!anyInput) return false;
        long predicted = 0;
        for (OutDataAnchor o : n.outputs()) {
            if (!o.isUsed()) continue;
            TensorDesc d = o.desc();
            if (d.kind() != org.ge4j.ir.ValueKind.TENSOR) return false;
            long count = d.shape().elementCount();
            if (count >= 0 && d.isKnown()) predicted += d.dtype().storageBytes(count);
        }
        if (!fits(predicted, inBytes)) return false;
        Kernel k = reg.kernel(OpRegistry.REFERENCE, n.domain(), n.type());
        if (k == null) {
            ctx.note("cannot fold " + n.describe() + ": no reference kernel");
            return false;
        }
        KernelContext kc = new KernelContext(n, schema, in, null);
        try {
            k.compute(kc);
        } catch (RuntimeException e) {
            close(kc.outputs());
            ctx.note("cannot fold " + n.describe() + ": " + e.getMessage());
            return false;
        }
        Value[] out = kc.outputs();
        long outBytes = 0;
        for (int i = 0; i < out.length; i++) {
            if (!n.output(i).isUsed()) continue;
            if (!(out[i] instanceof Tensor t)) {
                close(out);
                return false;
            }
            outBytes += t.byteSize();
        }
        if (!fits(outBytes, inBytes)) {
            close(out);
            return false;
        }
        for (int i = 0; i < out.length; i++) {
            OutDataAnchor o = n.output(i);
            Value v = out[i];
            if (!o.isUsed()) {
                if (v != null) v.close();
                continue;
            }
            for (Value x : in) if (x == v) v = ((Tensor) v).copy(); // kernels must not alias; be safe anyway
            rw.replace(o, rw.constant(n.graph(), o.name(), (Tensor) v));
        }
        return true;
    }

    private boolean fits(long outBytes, long inBytes) {
        return outBytes <= options.maxOutputBytes && outBytes <= inBytes + options.maxGrowthBytes;
    }

    private static void close(Value[] vs) {
        for (Value v : vs) if (v != null) v.close();
    }

    // ---------------------------------------------------------------- shapes

    /** Ops whose small integer outputs {@link ShapeValues} can tell symbolically. */
    private static final java.util.Set<String> SHAPE_ARITHMETIC = java.util.Set.of("Shape", "Gather", "Slice", "Concat", "Unsqueeze", "Squeeze", "Cast");

    private static boolean foldShape(Node n, Rewriter rw) {
        if (Matchers.is(n, "Size")) {
            long c = n.inputValue(0) == null ? -1 : n.inputValue(0).desc().shape().elementCount();
            if (c < 0) return false;
            rw.replace(n.output(0), rw.constant(n.graph(), n.output(0).name(), Tensor.fromLongs(n.output(0).desc().isKnown() ? n.output(0).desc().dtype() : org.ge4j.ir.DataType.INT64, new long[0], new long[] {c})));
            return true;
        }
        if (!n.domain().isEmpty() || !SHAPE_ARITHMETIC.contains(n.type()) || n.outputCount() != 1) return false;
        TensorDesc d = n.output(0).desc();
        if (!d.dtype().isInteger() || !d.shape().hasRank() || d.shape().rank() > 1) return false;
        List<Dim> dims = ShapeValues.of(n.output(0));
        long[] v = dims == null ? null : ShapeValues.staticValues(dims);
        if (v == null || d.shape().rank() == 0 && v.length != 1) return false;
        long[] shape = d.shape().rank() == 0 ? new long[0] : new long[] {v.length};
        rw.replace(n.output(0), rw.constant(n.graph(), n.output(0).name(), Tensor.fromLongs(d.dtype(), shape, v)));
        return true;
    }
}
