package org.ge4j.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;
import org.ge4j.ops.exec.KernelPaths;
import org.ge4j.ops.exec.NodeSpec;
import org.ge4j.ops.fused.AttentionHeads;

/**
 * A small copy of a node for warming its kernel's code up: the same op and attributes on shrunken float
 * shapes, so that compiling it with the same kernel compiler gives a kernel that takes the same code paths
 * (stride, padding, pointwise or not, transposes, bias and residual forms, full and partial vector panels,
 * row remainders) at a tiny fraction of the work. The shapes are chosen from the op's semantics only:
 * <ul>
 *   <li>Conv, ge4j::FusedConv: one image, at most 4–5 input channels (the parity of C kept), output rows
 *       {@link #rows}, output planes of at most 2 rows of {@link #row} outputs with the padding and strides of the original;
 *       depthwise convs keep depthwise (4 channels); other grouped convs are skipped.</li>
 *   <li>MaxPool, AveragePool: the same planes, 3 channels. Global pools: 3 channels, small planes.</li>
 *   <li>The blocked (NCHWc) ops: ge4j::BlockedConv as Conv, but with whole blocks: input channels: one
 *       or two blocks (a partial last block kept), output channels at most {@code 4b + M mod 4b} (the kernels work
 *       on up to four output blocks at a time; 1×1 convs: {@link #groupedOutputChannels}), depthwise at most
 *       {@code b + C mod b} channels and kernel height + 1 output rows; an input read plain keeps its channels
 *       (few, the stem); 3×3 stride-1 convs keep up to {@link #WINOGRAD_ROWS} output rows. The blocked
 *       pools as the plain ones with one block; the reorders on two rows of {@link #row} positions;
 *       ge4j::BlockedPointwiseDepthwise with its 1×1 conv's channels as a blocked 1×1 conv's and its depthwise
 *       conv's rows as a blocked depthwise conv's.</li>
 *   <li>MatMul, Gemm, ge4j::FusedMatMul, ge4j::PackedMatMul: M by {@link #rows}, K at most 23, N one full
 *       32-column panel plus the original remainder; batch dims at most 2; the bias broadcast kept; packed
 *       weights repacked geometry (attributes k, n) with the same panel width.</li>
 *   <li>ge4j::Attention: Lq by {@link #rows}, Dk at most 23, Lk and Dv as GEMM columns, batch dims at most 2; in the
 *       packed-heads form at most 2 heads, their windows laid out as in one Q/K/V projection (attributes adjusted).
 *       Transpose: every dim at most 47 (its remainder mod 16 kept).</li>
 *   <li>elementwise ops, Softmax, LayerNormalization: the last dim at most 47 (its remainder mod 16 kept),
 *       the others at most 2, broadcast dims (1) kept.</li>
 * </ul>
 * The output shapes come from the op's own shape inference on a one-node graph. Constant inputs (weights)
 * become views of the first bytes of the original constant, so the kernel sees the same kind of memory. What
 * the shapes alone would not repeat (the Winograd tile and strips, a 1×1 conv's group width, split input blocks,
 * a short last segment...) the original's kernel reports as {@link KernelPaths}, set on the miniature's node: the
 * rules here only keep the shapes on which those choices are possible (e.g. two input blocks to split).
 */
final class Miniature {
    private Miniature() {}

    /** Output rows of a miniature GEMM: up to 16 kept, else 8 plus the remainder mod 8 (8-, 4- and 1-row tiles as before). */
    static long rows(long m) { return m <= 16 ? m : 8 + m % 8; }

    static long inner(long k) { return k <= 24 ? k : 16 + k % 8; }

    static long columns(long n) { return n <= 40 ? n : 32 + n % 32; }

    static long last(long d) { return d <= 40 ? d : 32 + d % 16; }

    /**
     * Output row length of a miniature conv or pool: kept up to 40 (kernels choose their method by row length,
     * e.g. implicit GEMM for rows of 24 and more, one-vector rows for narrow planes), else one 32-wide block plus
     * the remainder mod 32 (so a row of 56 keeps its 32 + 24 split into panels).
     */
    static long row(long ow) { return ow <= 40 ? ow : ow % 32 == 0 ? 32 : 32 + ow % 32; }

    /**
     * The miniature of {@code s} (an op of {@code schema}), or null when there is no rule for the op, an
     * input is not a float tensor of static shape, or the shrunken node does not infer. {@code paths}: the choices
     * of the kernel that runs s ({@link org.ge4j.ops.exec.KernelCompiler#paths}), set on the miniature's node so
     * that its kernel makes them too (after shape inference: they are in no op's schema).
     */
    static NodeSpec of(NodeSpec s, OpSchema schema, OpRegistry registry, KernelPaths paths) {
        Node n = s.node();
        for (TensorDesc d : s.inputs()) if (d != null && !floatStatic(d)) return null;
        for (TensorDesc d : s.outputs()) if (d == null || !floatStatic(d)) return null;
        long[][] in = new long[s.inputs().size()][];
        Map<String, Attr> overrides = Map.of();
        String op = n.domain().isEmpty() ? n.type() : n.domain() + "::" + n.type();
        switch (op) {
            case "Conv", "ge4j::FusedConv" -> {
                overrides = conv(s, in);
                if (overrides == null) return null;
            }
            case "MaxPool", "AveragePool" -> {
                if (!pool(s, in)) return null;
            }
            case "ge4j::BlockedConv" -> {
                overrides = blockedConv(s, in);
                if (overrides == null) return null;
            }
            case "ge4j::BlockedPointwiseDepthwise" -> {
                if (!pointwiseDepthwise(s, in)) return null;
            }
            case "ge4j::BlockedMaxPool", "ge4j::BlockedAveragePool" -> {
                if (!blockedPool(s, in)) return null;
            }
            case "ge4j::ReorderToBlocked", "ge4j::ReorderFromBlocked" -> {
                overrides = reorder(s, in, op.endsWith("FromBlocked"));
                if (overrides == null) return null;
            }
            case "MatMul" -> { if (!matMul(s, in, false, false)) return null; }
            case "Gemm" -> { if (!matMul(s, in, s.attrs().getInt("transA", 0) != 0, s.attrs().getInt("transB", 0) != 0)) return null; }
            case "ge4j::FusedMatMul" -> { if (!matMul(s, in, s.attrs().getInt("trans_a", 0) != 0, s.attrs().getInt("trans_b", 0) != 0)) return null; }
            case "ge4j::PackedMatMul" -> {
                overrides = packedMatMul(s, in);
                if (overrides == null) return null;
            }
            case "ge4j::Attention" -> {
                if (AttentionHeads.isPacked(s.attrs())) {
                    overrides = packedAttention(s, in);
                    if (overrides == null) return null;
                } else if (!attention(s, in)) return null;
            }
            case "Transpose" -> {
                long[] x = s.inputShape(0).clone();
                for (int i = 0; i < x.length; i++) x[i] = last(x[i]);
                in[0] = x;
            }
            case "GlobalAveragePool", "GlobalMaxPool", "ge4j::BlockedGlobalAveragePool", "ge4j::BlockedGlobalMaxPool", "Softmax", "LayerNormalization", "ge4j::LayerNormalization" -> broadcast(s, in);
            default -> {
                if (!schema.traits().contains(Trait.ELEMENTWISE) || s.outputs().size() != 1) return null;
                broadcast(s, in);
            }
        }
        NodeSpec mini = build(s, schema, registry, in, overrides);
        if (mini != null) paths.forceOn(mini.node());
        return mini;
    }

    /** A group-1 blocked conv over a blocked input with a 3×3 stride-1 undilated window: one the Winograd kernel may take. */
    private static boolean winogradShaped(NodeSpec s) {
        long[] ws = s.inputShape(1);
        return s.attrs().getInt("group", 1) == 1 && s.attrs().getInt("input_blocked", 1) != 0 && ws.length == 4 && ws[2] == 3 && ws[3] == 3
                && Arrays.equals(s.attrs().getInts("strides", ones(2)), ones(2)) && Arrays.equals(s.attrs().getInts("dilations", ones(2)), ones(2));
    }

    /**
     * A rough count of the multiply-adds or element moves of a node: output elements times the reduced length
     * for convolutions (C/group·kernel) and products (K); queries times keys times head dims for attention;
     * elements read and written otherwise. Only ratios of these counts matter (a model against its miniatures).
     */
    static double work(NodeSpec s) {
        Node n = s.node();
        String op = n.domain().isEmpty() ? n.type() : n.domain() + "::" + n.type();
        try {
            double out = 0, io = 0;
            for (TensorDesc d : s.outputs()) if (d != null && d.shape().isStatic()) out += d.shape().elementCount();
            io = out;
            for (TensorDesc d : s.inputs()) if (d != null && d.shape().isStatic()) io += d.shape().elementCount();
            return switch (op) {
                case "Conv", "ge4j::FusedConv", "ge4j::BlockedConv" -> {
                    long[] w = s.inputShape(1);
                    double k = 1;
                    for (int i = 1; i < w.length; i++) k *= w[i];
                    yield out * k;
                }
                case "MatMul", "Gemm", "ge4j::FusedMatMul" -> {
                    long[] a = s.inputShape(0);
                    boolean ta = s.attrs().getInt("transA", 0) != 0 || s.attrs().getInt("trans_a", 0) != 0;
                    yield out * (a.length == 1 ? a[0] : a[ta ? a.length - 2 : a.length - 1]);
                }
                case "ge4j::PackedMatMul" -> out * s.attrs().getInt("k", 1);
                case "ge4j::BlockedPointwiseDepthwise" -> {
                    long[] x = s.inputShape(0), w = s.inputShape(1), d = s.inputShape(2);
                    yield (double) x[0] * x[2] * x[3] * w[0] * w[1] + out * d[2] * d[3];
                }
                case "ge4j::Attention" -> {
                    long[] q = s.inputShape(0), v = s.inputShape(2);
                    if (AttentionHeads.isPacked(s.attrs())) {
                        AttentionHeads h = AttentionHeads.of(s.attrs(), q[2], s.inputShape(1)[2], v[2]);
                        yield out / h.dv() * v[1] * (h.dk() + h.dv());
                    }
                    yield out / v[v.length - 1] * v[v.length - 2] * (q[q.length - 1] + v[v.length - 1]);
                }
                default -> io;
            };
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static boolean floatStatic(TensorDesc d) {
        return d.dtype() == DataType.FLOAT && d.shape().hasRank() && d.shape().isStatic();
    }

    // ---------------------------------------------------------------- shape rules

    /** Every input right-aligned against output 0: its dims of 1 stay 1, the others follow the output's shrunken dim. */
    private static void broadcast(NodeSpec s, long[][] in) {
        long[] y = s.outputShape(0);
        long[] my = new long[y.length];
        for (int i = 0; i < y.length; i++) my[i] = i == y.length - 1 ? last(y[i]) : Math.min(y[i], 2);
        for (int k = 0; k < in.length; k++) {
            if (s.input(k) == null) continue;
            long[] x = s.inputShape(k);
            long[] mx = new long[x.length];
            for (int i = 0; i < x.length; i++) {
                int j = y.length - x.length + i;
                mx[i] = x[i] == 1 || j < 0 ? Math.min(x[i], 1) : j == y.length - 1 ? last(x[i]) : Math.min(x[i], 2);
            }
            in[k] = mx;
        }
    }

    /** Conv and FusedConv; returns the attributes to override (group), or null to skip. */
    private static Map<String, Attr> conv(NodeSpec s, long[][] in) {
        long[] xs = s.inputShape(0), ws = s.inputShape(1), ys = s.outputShape(0);
        int sp = xs.length - 2;
        if (sp < 1 || ws.length != xs.length || ys.length != xs.length) return null;
        long c = xs[1], m = ws[0], g = s.attrs().getInt("group", 1);
        long mc, mm, mg;
        if (g == 1) {
            mc = Math.min(c, 4 + c % 2);
            mm = rows(m);
            mg = 1;
        } else if (g == c && ws[1] == 1 && m == c) {
            mc = mm = mg = Math.min(c, 4);
        } else {
            return null;
        }
        long[] x = new long[xs.length];
        x[0] = 1;
        x[1] = mc;
        if (!spatial(s, xs, ys, Arrays.copyOfRange(ws, 2, ws.length), x)) return null;
        long[] w = ws.clone();
        w[0] = mm;
        w[1] = mc / mg;
        in[0] = x;
        in[1] = w;
        if (s.input(2) != null) in[2] = new long[] {mm};
        if (in.length > 3 && s.input(3) != null) in[3] = null; // the residual: output-shaped, set once inferred
        return g == 1 ? Map.of() : Map.of("group", new Attr.Int(mg));
    }

    /** The block size of a blocked op (its {@code block} attribute), or -1. */
    private static int block(NodeSpec s) {
        long b = s.attrs().getInt("block", -1);
        return b < 1 || b > 64 ? -1 : (int) b;
    }

    /** Logical [N, C, spatial...] of a blocked shape with {@code c} channels. */
    private static long[] plain(long[] blocked, long c) {
        long[] p = Arrays.copyOf(blocked, blocked.length - 1);
        p[1] = c;
        return p;
    }

    private static long[] blocked(long[] plain, int b) {
        long[] x = Arrays.copyOf(plain, plain.length + 1);
        x[1] = (plain[1] + b - 1) / b;
        x[plain.length] = b;
        return x;
    }

    /** Output rows of the miniature of a 3×3 stride-1 blocked conv: the Winograd kernel's minimum plane (NchwcWinograd). */
    static final long WINOGRAD_ROWS = 10;

    /** ge4j::BlockedConv (plain or depthwise; X blocked or plain); returns the attributes to override, or null to skip. */
    private static Map<String, Attr> blockedConv(NodeSpec s, long[][] in) {
        int b = block(s);
        long[] ws = s.inputShape(1), ys = s.outputShape(0), xs = s.inputShape(0);
        if (b < 0 || ws.length != 4 || ys.length != 5) return null;
        boolean blockedIn = s.attrs().getInt("input_blocked", 1) != 0;
        long g = s.attrs().getInt("group", 1), m = ws[0], c = ws[1] * g;
        long mc, mm, mg;
        if (g == 1) {
            boolean flat = ws[2] == 1 && ws[3] == 1 && Arrays.equals(s.attrs().getInts("pads", new long[4]), new long[4]);
            mc = blockedIn ? blockedInputChannels(c, b) : c;
            mm = flat && blockedIn ? groupedOutputChannels(m, b) : Math.min(m, 4L * b + m % (4L * b));
            mg = 1;
        } else if (g == c && ws[1] == 1 && m == c && blockedIn) {
            mc = mm = mg = Math.min(c, b + c % b);
        } else {
            return null;
        }
        long[] px = blockedIn ? plain(xs, c) : xs, py = plain(ys, m);
        if (px.length != 4) return null;
        long[] x = new long[4];
        x[0] = 1;
        x[1] = mc;
        // a 3×3 stride-1 conv keeps up to WINOGRAD_ROWS output rows: the Winograd kernel takes planes that tall, and
        // reads the input directly (not through a bordered copy) from the second row of 4-row tiles on
        boolean winograd = winogradShaped(s);
        // a depthwise conv keeps kernel height + 1 output rows: rows whose window lies inside the input take their own
        // path (2 rows of a padded 3x3 are both edge rows, and the first real run deoptimised the kernel's row loop)
        long rows = winograd ? WINOGRAD_ROWS : g > 1 ? Math.max(2, ws[2] + 1) : 2;
        if (!spatial(s, px, py, Arrays.copyOfRange(ws, 2, 4), x, rows)) return null;
        long[] w = ws.clone();
        w[0] = mm;
        w[1] = mc / mg;
        in[0] = blockedIn ? blocked(x, b) : x;
        in[1] = w;
        if (s.input(2) != null) in[2] = new long[] {mm};
        if (in.length > 3 && s.input(3) != null) in[3] = null; // the residual: output-shaped, set once inferred
        return g == 1 ? Map.of() : Map.of("group", new Attr.Int(mg));
    }

    /**
     * Input channels of a group-1 blocked conv's miniature: all when they fit in one block, else two blocks, the
     * last one as partial as the original's: the kernels loop over input blocks with the last block as a separate
     * case (a conv with several input blocks that warmed up on one would deoptimise on its first real run), and
     * a kernel that splits its input blocks into parts needs two to split.
     */
    static long blockedInputChannels(long c, long b) {
        return c <= b ? c : b + (c % b == 0 ? b : c % b);
    }

    /**
     * Output channels of the miniature of a flat (1×1, unpadded) group-1 blocked conv, whose kernel computes its
     * output blocks in groups of 1 to 4 (a width it chooses per conv and is given on the miniature): up to 16 blocks
     * all, else the fewest blocks, at least 5, congruent to the original's modulo 12: for every group width the
     * original's last group and at least two groups; the last block as partial as the original's.
     */
    static long groupedOutputChannels(long m, long b) {
        long mb = (m + b - 1) / b, r = mb % 12;
        long k = mb <= 16 ? mb : r >= 5 ? r : 12 + r;
        long last = m % b == 0 ? b : m % b;
        return Math.min(m, (k - 1) * b + last);
    }

    /**
     * ge4j::BlockedPointwiseDepthwise (X blocked [N, C/b, H, W, b], W [M, C, 1, 1], DW [M, 1, kH, kW], biases [M]):
     * the 1×1 conv's channels as a blocked 1×1 conv's miniature ({@link #blockedInputChannels},
     * {@link #groupedOutputChannels}: the kernel runs the 1×1 conv's group width and last group), the depthwise conv's
     * rows as a blocked depthwise conv's (kernel height + 1, so that interior rows run), with its window (the
     * unprefixed attributes) on the intermediate, which has X's plane.
     */
    private static boolean pointwiseDepthwise(NodeSpec s, long[][] in) {
        int b = block(s);
        long[] xs = s.inputShape(0), ws = s.inputShape(1), ds = s.inputShape(2), ys = s.outputShape(0);
        if (b < 0 || xs.length != 5 || ws.length != 4 || ds.length != 4 || ys.length != 5) return false;
        long m = ws[0], c = ws[1];
        long mc = blockedInputChannels(c, b), mm = groupedOutputChannels(m, b);
        long[] x = new long[4];
        x[0] = 1;
        x[1] = mc;
        if (!spatial(s, plain(xs, c), plain(ys, m), new long[] {ds[2], ds[3]}, x, Math.max(2, ds[2] + 1))) return false;
        in[0] = blocked(x, b);
        in[1] = new long[] {mm, mc, 1, 1};
        in[2] = new long[] {mm, 1, ds[2], ds[3]};
        for (int k = 3; k < Math.min(in.length, 5); k++) if (s.input(k) != null) in[k] = new long[] {mm};
        return true;
    }

    private static boolean blockedPool(NodeSpec s, long[][] in) {
        int b = block(s);
        long[] xs = s.inputShape(0), ys = s.outputShape(0);
        if (b < 0 || xs.length < 4 || ys.length != xs.length) return false;
        long[] kernel = s.attrs().getInts("kernel_shape", null);
        long[] px = plain(xs, xs[1] * b), py = plain(ys, ys[1] * b);
        if (kernel == null || kernel.length != px.length - 2) return false;
        long[] x = new long[px.length];
        x[0] = 1;
        x[1] = b;
        if (!spatial(s, px, py, kernel, x)) return false;
        in[0] = blocked(x, b);
        return true;
    }

    /** The reorders: one image, two rows of {@link #row} positions, at most {@code b + C mod b} channels. */
    private static Map<String, Attr> reorder(NodeSpec s, long[][] in, boolean fromBlocked) {
        int b = block(s);
        long[] xs = s.inputShape(0);
        if (b < 0) return null;
        long[] px = fromBlocked ? plain(xs, s.attrs().getInt("channels", -1)) : xs.clone();
        if (px.length < 3 || px[1] < 1) return null;
        long c = Math.min(px[1], b + px[1] % b);
        px[0] = 1;
        px[1] = c;
        for (int i = 2; i < px.length; i++) px[i] = i == px.length - 1 ? row(px[i]) : Math.min(px[i], 2);
        in[0] = fromBlocked ? blocked(px, b) : px;
        return fromBlocked ? Map.of("channels", new Attr.Int(c)) : Map.of();
    }

    private static boolean pool(NodeSpec s, long[][] in) {
        long[] xs = s.inputShape(0), ys = s.outputShape(0);
        if (xs.length < 3 || ys.length != xs.length) return false;
        long[] kernel = s.attrs().getInts("kernel_shape", null);
        if (kernel == null || kernel.length != xs.length - 2) return false;
        long[] x = new long[xs.length];
        x[0] = 1;
        x[1] = Math.min(xs[1], 3);
        if (!spatial(s, xs, ys, kernel, x)) return false;
        in[0] = x;
        return true;
    }

    /**
     * Input spatial sizes giving output planes of at most 2 rows of {@link #row} outputs with the original's
     * kernel, strides, dilations and padding, written into {@code x[2..]}.
     */
    private static boolean spatial(NodeSpec s, long[] xs, long[] ys, long[] kernel, long[] x) { return spatial(s, xs, ys, kernel, x, 2); }

    /** {@link #spatial(NodeSpec, long[], long[], long[], long[])} with up to {@code rows} output rows (2-D). */
    private static boolean spatial(NodeSpec s, long[] xs, long[] ys, long[] kernel, long[] x, long rows) {
        int sp = xs.length - 2;
        long[] strides = s.attrs().getInts("strides", ones(sp)), dil = s.attrs().getInts("dilations", ones(sp));
        long[] pads = s.attrs().getInts("pads", new long[2 * sp]);
        String autoPad = s.attrs().getString("auto_pad", "NOTSET");
        if (strides.length != sp || dil.length != sp || pads.length != 2 * sp || kernel.length != sp) return false;
        for (int i = 0; i < sp; i++) {
            long o = i == sp - 1 ? row(ys[2 + i]) : Math.min(ys[2 + i], rows);
            long extent = (kernel[i] - 1) * dil[i] + 1;
            long n = switch (autoPad) {
                case "SAME_UPPER", "SAME_LOWER" -> (o - 1) * strides[i] + 1;
                case "VALID" -> (o - 1) * strides[i] + extent;
                default -> (o - 1) * strides[i] + extent - pads[i] - pads[i + sp];
            };
            if (n < 1 || n > xs[2 + i]) return false;
            x[2 + i] = n;
        }
        return true;
    }

    private static long[] ones(int n) {
        long[] a = new long[n];
        Arrays.fill(a, 1);
        return a;
    }

    /** MatMul-like: A[..., M, K] (or transposed), B[..., K, N] (or transposed), optional bias broadcast to [..., M, N]. */
    private static boolean matMul(NodeSpec s, long[][] in, boolean ta, boolean tb) {
        long[] as = s.inputShape(0), bs = s.inputShape(1);
        if (as.length == 0 || bs.length == 0) return false;
        long[] a = as.clone(), b = bs.clone();
        int ra = as.length, rb = bs.length;
        if (ra == 1) {
            a[0] = inner(as[0]);
        } else {
            for (int i = 0; i < ra - 2; i++) a[i] = Math.min(as[i], 2);
            a[ta ? ra - 1 : ra - 2] = rows(as[ta ? ra - 1 : ra - 2]);
            a[ta ? ra - 2 : ra - 1] = inner(as[ta ? ra - 2 : ra - 1]);
        }
        if (rb == 1) {
            b[0] = inner(bs[0]);
        } else {
            for (int i = 0; i < rb - 2; i++) b[i] = Math.min(bs[i], 2);
            b[tb ? rb - 1 : rb - 2] = inner(bs[tb ? rb - 1 : rb - 2]);
            b[tb ? rb - 2 : rb - 1] = columns(bs[tb ? rb - 2 : rb - 1]);
        }
        in[0] = a;
        in[1] = b;
        if (in.length > 2 && s.input(2) != null) {
            long[] cs = s.inputShape(2), c = new long[cs.length];
            for (int i = 0; i < cs.length; i++) {
                int fromEnd = cs.length - 1 - i;
                c[i] = cs[i] == 1 ? 1 : fromEnd == 0 ? columns(cs[i]) : fromEnd == 1 ? rows(cs[i]) : Math.min(cs[i], 2);
            }
            in[2] = c;
        }
        for (int k = 3; k < in.length; k++) if (s.input(k) != null) return false;
        return true;
    }

    /** ge4j::Attention: Q[..., Lq, Dk], K[..., Lk, Dk] (or [..., Dk, Lk]), V[..., Lk, Dv], Mask broadcast to [..., Lq, Lk]. */
    private static boolean attention(NodeSpec s, long[][] in) {
        long[] q = s.inputShape(0), k = s.inputShape(1), v = s.inputShape(2);
        if (q.length < 2 || k.length != q.length || v.length != q.length) return false;
        boolean kt = s.attrs().getInt("k_transposed", 0) != 0;
        int r = q.length;
        long[] mq = q.clone(), mk = k.clone(), mv = v.clone();
        for (int i = 0; i < r - 2; i++) {
            mq[i] = Math.min(q[i], 2);
            mk[i] = Math.min(k[i], 2);
            mv[i] = Math.min(v[i], 2);
        }
        long lq = rows(q[r - 2]), dk = inner(q[r - 1]), lk = columns(v[r - 2]);
        mq[r - 2] = lq;
        mq[r - 1] = dk;
        mk[kt ? r - 2 : r - 1] = dk;
        mk[kt ? r - 1 : r - 2] = lk;
        mv[r - 2] = lk;
        mv[r - 1] = columns(v[r - 1]);
        in[0] = mq;
        in[1] = mk;
        in[2] = mv;
        attentionMask(s, in, lq, lk);
        return true;
    }

    /** The attention mask (input 3, if any) shrunk like the scores [..., Lq, Lk] it broadcasts to (its dims of 1 kept). */
    private static void attentionMask(NodeSpec s, long[][] in, long lq, long lk) {
        if (in.length <= 3 || s.input(3) == null) return;
        long[] ms = s.inputShape(3), mm = new long[ms.length];
        for (int i = 0; i < ms.length; i++) {
            int fromEnd = ms.length - 1 - i;
            mm[i] = ms[i] == 1 ? 1 : fromEnd == 0 ? lk : fromEnd == 1 ? lq : Math.min(ms[i], 2);
        }
        in[3] = mm;
    }

    /**
     * ge4j::Attention in the packed-heads form: batch and heads at most 2, Lq, Lk, Dk, Dv as the per-head form; every
     * input is one Q/K/V projection [B, L, C'] with Q, K and V side by side (C' = 2 H Dk + H Dv), whatever the
     * original's windows: the kernel takes the same paths for any row stride and window.
     */
    private static Map<String, Attr> packedAttention(NodeSpec s, long[][] in) {
        long[] q = s.inputShape(0), k = s.inputShape(1), v = s.inputShape(2);
        if (q.length != 3 || k.length != 3 || v.length != 3) return null;
        AttentionHeads h;
        try {
            h = AttentionHeads.of(s.attrs(), q[2], k[2], v[2]);
        } catch (IllegalArgumentException e) {
            return null;
        }
        long nh = Math.min(h.heads(), 2), dk = inner(h.dk()), dv = columns(h.dv()), b = Math.min(q[0], 2), lq = rows(q[1]), lk = columns(k[1]);
        long c = nh * (2 * dk + dv);
        in[0] = new long[] {b, lq, c};
        in[1] = new long[] {b, lk, c};
        in[2] = new long[] {b, lk, c};
        attentionMask(s, in, lq, lk);
        return Map.of(AttentionHeads.NUM_HEADS, new Attr.Int(nh), AttentionHeads.Q_COLUMNS, new Attr.Ints(new long[] {0, nh * dk}),
                AttentionHeads.K_COLUMNS, new Attr.Ints(new long[] {nh * dk, 2 * nh * dk}), AttentionHeads.V_COLUMNS, new Attr.Ints(new long[] {2 * nh * dk, c}));
    }

    /**
     * ge4j::PackedMatMul: B is packed, float[ceil(n/nr), k, nr], with its geometry in attributes k, n, nr; A and
     * the bias shrink as for MatMul and B becomes the packed form of a K'×N' matrix (same nr).
     */
    private static Map<String, Attr> packedMatMul(NodeSpec s, long[][] in) {
        long k = s.attrs().getInt("k", -1), n = s.attrs().getInt("n", -1), nr = s.attrs().getInt("nr", -1);
        long[] bs = s.inputShape(1);
        if (k < 1 || n < 1 || nr < 1 || bs.length != 3) return null;
        long mk = inner(k), mn = columns(n);
        long[] as = s.inputShape(0), a = as.clone();
        int ra = as.length;
        boolean ta = s.attrs().getInt("trans_a", 0) != 0;
        if (ra == 1) a[0] = mk;
        else {
            for (int i = 0; i < ra - 2; i++) a[i] = Math.min(as[i], 2);
            a[ta ? ra - 1 : ra - 2] = rows(as[ta ? ra - 1 : ra - 2]);
            a[ta ? ra - 2 : ra - 1] = mk;
        }
        in[0] = a;
        in[1] = new long[] {(mn + nr - 1) / nr, mk, nr};
        if (in.length > 2 && s.input(2) != null) {
            long[] cs = s.inputShape(2), c = new long[cs.length];
            for (int i = 0; i < cs.length; i++) {
                int fromEnd = cs.length - 1 - i;
                c[i] = cs[i] == 1 ? 1 : fromEnd == 0 ? mn : fromEnd == 1 ? rows(cs[i]) : Math.min(cs[i], 2);
            }
            in[2] = c;
        }
        return Map.of("k", new Attr.Int(mk), "n", new Attr.Int(mn));
    }

    // ---------------------------------------------------------------- the node

    private static NodeSpec build(NodeSpec s, OpSchema schema, OpRegistry registry, long[][] in, Map<String, Attr> overrides) {
        Node orig = s.node();
        boolean residual = s.attrs().getInt("has_residual", 0) != 0 && in.length > 3 && s.input(3) != null; // FusedConv, BlockedConv
        if (residual) {
            // infer the output without the residual first: it has the output's shape
            long[][] first = in.clone();
            first[3] = null;
            Map<String, Attr> o = new java.util.HashMap<>(overrides);
            o.put("has_residual", new Attr.Int(0));
            NodeSpec noZ = infer(s, schema, registry, first, o);
            if (noZ == null) return null;
            in[3] = noZ.outputShape(0);
        }
        NodeSpec mini = infer(s, schema, registry, in, overrides);
        if (mini == null) return null;
        for (TensorDesc d : mini.outputs()) if (d == null || !floatStatic(d)) return null;
        return mini;
    }

    /** A one-node graph with the original's attributes (and overrides) on inputs of shapes {@code in}, inferred. */
    private static NodeSpec infer(NodeSpec s, OpSchema schema, OpRegistry registry, long[][] in, Map<String, Attr> overrides) {
        Node orig = s.node();
        Graph g = new Graph("warm-up");
        if (orig.graph() != null) orig.graph().opsetImports().forEach(g::setOpset);
        Node n = g.addNode(orig.domain(), orig.type(), "mini", 0);
        List<TensorDesc> ins = new ArrayList<>();
        List<Tensor> consts = new ArrayList<>();
        for (int k = 0; k < s.inputs().size(); k++) {
            if (s.input(k) == null || in[k] == null) {
                n.addInput(null);
                ins.add(null);
                consts.add(null);
                continue;
            }
            TensorDesc d = TensorDesc.of(DataType.FLOAT, in[k]);
            OutDataAnchor a = g.addInput("in" + k, d);
            n.addInput(a);
            ins.add(d);
            consts.add(constantView(s.constant(k), in[k]));
        }
        for (int i = 0; i < s.outputs().size(); i++) n.addOutput("out" + i, null);
        orig.attrs().forEach(n::setAttr);
        overrides.forEach(n::setAttr);
        try {
            new GraphInference(registry, false).inferNode(n);
        } catch (RuntimeException e) {
            return null;
        }
        List<TensorDesc> outs = new ArrayList<>();
        for (int i = 0; i < n.outputCount(); i++) outs.add(n.output(i).desc());
        int opset = g.opset(orig.domain());
        return new NodeSpec(n, new Attrs(n, schema), ins, outs, consts, opset < 0 ? s.opset() : opset);
    }

    /** A view of the first bytes of constant {@code c} as a tensor of {@code shape}, or null when c is null or too small. */
    private static Tensor constantView(Tensor c, long[] shape) {
        if (c == null) return null;
        long bytes = 4;
        for (long d : shape) bytes *= d;
        if (c.dtype() != DataType.FLOAT || c.byteSize() < bytes) return null;
        return Tensor.wrap(DataType.FLOAT, shape, c.segment().asSlice(0, bytes));
    }
}
