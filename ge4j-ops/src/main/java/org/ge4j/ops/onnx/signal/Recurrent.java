package org.ge4j.ops.onnx.signal;

import java.util.ArrayList;
import java.util.List;
import org.ge4j.ir.Attr;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * The ONNX recurrent layers RNN, GRU and LSTM: schemas of every version, shape inference and one reference
 * kernel for the three (forward, reverse and bidirectional; sequence_lens; initial states; peepholes;
 * clip; activation lists; layout 0 and 1).
 *
 * <p>Conventions where the spec is silent: a batch entry whose sequence length is 0 gets zeros in Y and
 * its initial state in Y_h/Y_c; Y is zero past each entry's length.
 */
public final class Recurrent {
    private Recurrent() {}

    /** The three cells: how many gates they have and how many activations each direction takes. */
    enum Cell {
        RNN(1, 1), GRU(3, 2), LSTM(4, 3);

        final int gates;
        final int activations;

        Cell(int gates, int activations) {
            this.gates = gates;
            this.activations = activations;
        }
    }

    public static void register(OpRegistry r) {
        for (int v : new int[] {1, 7, 14}) r.register(schema(Cell.RNN, v));
        for (int v : new int[] {1, 3, 7, 14}) r.register(schema(Cell.GRU, v));
        for (int v : new int[] {1, 7, 14}) r.register(schema(Cell.LSTM, v));
        for (Cell c : Cell.values()) r.registerReference(c.name(), ctx -> compute(c, ctx));
    }

    static OpSchema schema(Cell cell, int version) {
        OpSchema.Builder b = OpSchema.onnx(cell.name(), version)
                .doc("One " + cell + " layer over a sequence (ONNX " + cell + "-" + version + ").")
                .input("X", "T").input("W", "T").input("R", "T").optionalInput("B", "T")
                .optionalInput("sequence_lens", "T1").optionalInput("initial_h", "T");
        if (cell == Cell.LSTM) b.optionalInput("initial_c", "T").optionalInput("P", "T");
        b.optionalOutput("Y", "T");
        if (cell == Cell.GRU && version == 1) b.output("Y_h", "T");
        else b.optionalOutput("Y_h", "T");
        if (cell == Cell.LSTM) b.optionalOutput("Y_c", "T");
        b.types("T", Support.FLOAT3).types("T1", DataType.INT32);
        b.optionalAttr("activation_alpha", AttrType.FLOATS).optionalAttr("activation_beta", AttrType.FLOATS);
        if (cell == Cell.RNN) b.attr("activations", AttrType.STRINGS, Attr.ofStrings(List.of("Tanh", "Tanh")));
        else b.optionalAttr("activations", AttrType.STRINGS);
        b.optionalAttr("clip", AttrType.FLOAT);
        b.attr("direction", cell == Cell.GRU && version == 1 ? "foward" : "forward");
        b.optionalAttr("hidden_size", AttrType.INT);
        if (version < 7) b.attr("output_sequence", 0L);
        if (cell == Cell.GRU && version >= 3) b.attr("linear_before_reset", 0L);
        if (cell == Cell.LSTM) b.attr("input_forget", 0L);
        if (version >= 14) b.attr("layout", 0L);
        return b.traits(Trait.PURE).inference(ctx -> infer(cell, ctx)).build();
    }

    /** Number of directions named by the attribute, or -1 when the name is not one of the three. */
    static int directions(String direction) {
        return switch (direction) {
            case "forward", "foward", "reverse" -> 1;
            case "bidirectional" -> 2;
            default -> -1;
        };
    }

    private static int layout(Attrs a, int opset) {
        return opset >= 14 ? (int) a.getInt("layout", 0) : 0;
    }

    // ------------------------------------------------------------------ inference

    static void infer(Cell cell, InferenceContext ctx) {
        Attrs a = ctx.attrs();
        String direction = a.getString("direction", "forward");
        int dirs = directions(direction);
        if (dirs < 0) throw ctx.fail("attribute 'direction' must be forward, reverse or bidirectional, got '" + direction + "'");
        int layout = layout(a, ctx.opset());
        if (layout != 0 && layout != 1) throw ctx.fail("attribute 'layout' must be 0 or 1, got " + layout);
        DataType t = ctx.inputType(0);
        Shape x = ctx.inputShape(0), w = ctx.inputShape(1), r = ctx.inputShape(2);
        Support.checkRank(ctx, 0, x, 3);
        Support.checkRank(ctx, 1, w, 3);
        Support.checkRank(ctx, 2, r, 3);
        long hidden = a.isSet("hidden_size") ? a.getInt("hidden_size") : Support.value(Support.dim(r, 2));
        if (hidden < 0 && Support.value(Support.dim(w, 1)) >= 0) hidden = Support.value(Support.dim(w, 1)) / cell.gates;
        if (a.isSet("hidden_size") && hidden <= 0) throw ctx.fail("attribute 'hidden_size' must be positive, got " + hidden);
        long gh = hidden < 0 ? -1 : cell.gates * hidden;
        Dim seq = Support.dim(x, layout == 0 ? 0 : 1), batch = Support.dim(x, layout == 0 ? 1 : 0);
        Support.checkDim(ctx, 1, w, 0, dirs, "num_directions for direction '" + direction + "'");
        Support.checkDim(ctx, 1, w, 1, gh, cell.gates + " gates x hidden_size");
        Support.checkDim(ctx, 1, w, 2, Support.value(Support.dim(x, 2)), "input_size, X's last dim");
        Support.checkDim(ctx, 2, r, 0, dirs, "num_directions");
        Support.checkDim(ctx, 2, r, 1, gh, cell.gates + " gates x hidden_size");
        Support.checkDim(ctx, 2, r, 2, hidden, "hidden_size");
        if (ctx.hasInput(3)) {
            Shape bs = ctx.inputShape(3);
            Support.checkRank(ctx, 3, bs, 2);
            Support.checkDim(ctx, 3, bs, 0, dirs, "num_directions");
            Support.checkDim(ctx, 3, bs, 1, gh < 0 ? -1 : 2 * gh, "2 x gates x hidden_size");
        }
        if (ctx.hasInput(4)) {
            Shape ls = ctx.inputShape(4);
            Support.checkRank(ctx, 4, ls, 1);
            Support.checkDim(ctx, 4, ls, 0, Support.value(batch), "batch_size");
        }
        int states = cell == Cell.LSTM ? 2 : 1;
        for (int k = 0; k < states; k++) {
            int port = 5 + k;
            if (!ctx.hasInput(port)) continue;
            Shape hs = ctx.inputShape(port);
            Support.checkRank(ctx, port, hs, 3);
            Support.checkDim(ctx, port, hs, layout == 0 ? 0 : 1, dirs, "num_directions");
            Support.checkDim(ctx, port, hs, layout == 0 ? 1 : 0, Support.value(batch), "batch_size");
            Support.checkDim(ctx, port, hs, 2, hidden, "hidden_size");
            batch = Support.unify(batch, Support.dim(hs, layout == 0 ? 1 : 0));
        }
        if (cell == Cell.LSTM && ctx.hasInput(7)) {
            Shape ps = ctx.inputShape(7);
            Support.checkRank(ctx, 7, ps, 2);
            Support.checkDim(ctx, 7, ps, 0, dirs, "num_directions");
            Support.checkDim(ctx, 7, ps, 1, hidden < 0 ? -1 : 3 * hidden, "3 x hidden_size");
        }
        Dim h = hidden < 0 ? Dim.UNKNOWN : Dim.of(hidden), d = Dim.of(dirs);
        Shape y = layout == 0 ? Support.shape(seq, d, batch, h) : Support.shape(batch, seq, d, h);
        Shape state = layout == 0 ? Support.shape(d, batch, h) : Support.shape(batch, d, h);
        ctx.setOutput(0, t, y);
        ctx.setOutput(1, t, state);
        if (cell == Cell.LSTM) ctx.setOutput(2, t, state);
    }

    // ------------------------------------------------------------------ kernel

    /** Everything the kernel needs about one node, checked. */
    private record Problem(Cell cell, int dirs, boolean reverse, int layout, int seq, int batch, int input, int hidden,
                           double[] x, double[] w, double[] r, double[] b, int[] lens, double[] h0, double[] c0, double[] p,
                           Activation[] acts, double clip, boolean linearBeforeReset, boolean inputForget) {}

    static void compute(Cell cell, KernelContext ctx) {
        Problem pb = problem(cell, ctx);
        int dirs = pb.dirs, seq = pb.seq, batch = pb.batch, hid = pb.hidden;
        double[] y = new double[seq * dirs * batch * hid];
        double[] yh = new double[dirs * batch * hid];
        double[] yc = new double[dirs * batch * hid];
        for (int d = 0; d < dirs; d++) {
            boolean reverse = pb.reverse || d == 1;
            for (int bt = 0; bt < batch; bt++) run(pb, d, bt, reverse, y, yh, yc);
        }
        DataType t = ctx.requireInput(0).dtype();
        long[] yShape = pb.layout == 0 ? new long[] {seq, dirs, batch, hid} : new long[] {batch, seq, dirs, hid};
        long[] sShape = pb.layout == 0 ? new long[] {dirs, batch, hid} : new long[] {batch, dirs, hid};
        if (ctx.wantsOutput(0)) ctx.setOutput(0, Tensor.fromDoubles(t, yShape, y));
        if (ctx.wantsOutput(1)) ctx.setOutput(1, Tensor.fromDoubles(t, sShape, yh));
        if (cell == Cell.LSTM && ctx.wantsOutput(2)) ctx.setOutput(2, Tensor.fromDoubles(t, sShape, yc));
    }

    private static int yIndex(Problem pb, int t, int d, int b) {
        return pb.layout == 0 ? ((t * pb.dirs + d) * pb.batch + b) * pb.hidden : ((b * pb.seq + t) * pb.dirs + d) * pb.hidden;
    }

    private static int stateIndex(Problem pb, int d, int b) {
        return pb.layout == 0 ? (d * pb.batch + b) * pb.hidden : (b * pb.dirs + d) * pb.hidden;
    }

    private static int xIndex(Problem pb, int t, int b) {
        return pb.layout == 0 ? (t * pb.batch + b) * pb.input : (b * pb.seq + t) * pb.input;
    }

    /** Runs direction {@code d} over batch entry {@code bt}, writing its Y rows and final states. */
    private static void run(Problem pb, int d, int bt, boolean reverse, double[] y, double[] yh, double[] yc) {
        int hid = pb.hidden, g = pb.cell.gates, in = pb.input;
        int s0 = stateIndex(pb, d, bt);
        double[] h = new double[hid], c = new double[hid];
        if (pb.h0 != null) System.arraycopy(pb.h0, s0, h, 0, hid);
        if (pb.c0 != null) System.arraycopy(pb.c0, s0, c, 0, hid);
        int wOff = d * g * hid * in, rOff = d * g * hid * hid, bOff = d * 2 * g * hid, pOff = d * 3 * hid;
        Activation[] act = new Activation[pb.cell.activations];
        System.arraycopy(pb.acts, d * act.length, act, 0, act.length);
        double[] wx = new double[g * hid], rh = new double[g * hid];
        int len = pb.lens[bt];
        for (int step = 0; step < len; step++) {
            int t = reverse ? len - 1 - step : step;
            int xo = xIndex(pb, t, bt);
            for (int row = 0; row < g * hid; row++) {
                double sx = pb.b == null ? 0 : pb.b[bOff + row];
                int wr = wOff + row * in;
                for (int i = 0; i < in; i++) sx += pb.w[wr + i] * pb.x[xo + i];
                wx[row] = sx;
                double sh = pb.b == null ? 0 : pb.b[bOff + g * hid + row];
                int rr = rOff + row * hid;
                for (int j = 0; j < hid; j++) sh += pb.r[rr + j] * h[j];
                rh[row] = sh;
            }
            double[] hn = new double[hid];
            switch (pb.cell) {
                case RNN -> {
                    for (int k = 0; k < hid; k++) hn[k] = act[0].apply(clip(pb, wx[k] + rh[k]));
                }
                case GRU -> {
                    double[] z = new double[hid], rg = new double[hid];
                    for (int k = 0; k < hid; k++) {
                        z[k] = act[0].apply(clip(pb, wx[k] + rh[k]));
                        rg[k] = act[0].apply(clip(pb, wx[hid + k] + rh[hid + k]));
                    }
                    for (int k = 0; k < hid; k++) {
                        double pre;
                        if (pb.linearBeforeReset) {
                            pre = wx[2 * hid + k] + rg[k] * rh[2 * hid + k];
                        } else {
                            double s = pb.b == null ? 0 : pb.b[bOff + g * hid + 2 * hid + k];
                            int rr = rOff + (2 * hid + k) * hid;
                            for (int j = 0; j < hid; j++) s += pb.r[rr + j] * (rg[j] * h[j]);
                            pre = wx[2 * hid + k] + s;
                        }
                        double cand = act[1].apply(clip(pb, pre));
                        hn[k] = (1 - z[k]) * cand + z[k] * h[k];
                    }
                }
                case LSTM -> {
                    double[] cn = new double[hid];
                    for (int k = 0; k < hid; k++) {
                        double pi = pb.p == null ? 0 : pb.p[pOff + k];
                        double po = pb.p == null ? 0 : pb.p[pOff + hid + k];
                        double pf = pb.p == null ? 0 : pb.p[pOff + 2 * hid + k];
                        double ig = act[0].apply(clip(pb, wx[k] + rh[k] + pi * c[k]));
                        double fg = pb.inputForget ? 1 - ig : act[0].apply(clip(pb, wx[2 * hid + k] + rh[2 * hid + k] + pf * c[k]));
                        double cg = act[1].apply(clip(pb, wx[3 * hid + k] + rh[3 * hid + k]));
                        cn[k] = fg * c[k] + ig * cg;
                        double og = act[0].apply(clip(pb, wx[hid + k] + rh[hid + k] + po * cn[k]));
                        hn[k] = og * act[2].apply(cn[k]);
                    }
                    c = cn;
                }
            }
            h = hn;
            System.arraycopy(h, 0, y, yIndex(pb, t, d, bt), hid);
        }
        System.arraycopy(h, 0, yh, s0, hid);
        System.arraycopy(c, 0, yc, s0, hid);
    }

    private static double clip(Problem pb, double v) {
        if (Double.isNaN(pb.clip)) return v;
        return Math.max(-pb.clip, Math.min(pb.clip, v));
    }

    private static Problem problem(Cell cell, KernelContext ctx) {
        Attrs a = ctx.attrs();
        String direction = a.getString("direction", "forward");
        int dirs = directions(direction);
        if (dirs < 0) throw ctx.fail("attribute 'direction' must be forward, reverse or bidirectional, got '" + direction + "'");
        int layout = layout(a, ctx.opset());
        if (layout != 0 && layout != 1) throw ctx.fail("attribute 'layout' must be 0 or 1, got " + layout);
        Tensor xt = Support.requireRank(ctx, 0, 3), wt = Support.requireRank(ctx, 1, 3), rt = Support.requireRank(ctx, 2, 3);
        int seq = (int) xt.dim(layout == 0 ? 0 : 1), batch = (int) xt.dim(layout == 0 ? 1 : 0), input = (int) xt.dim(2);
        int hidden = a.isSet("hidden_size") ? Support.toInt(ctx, a.getInt("hidden_size"), "attribute 'hidden_size'") : (int) rt.dim(2);
        int g = cell.gates;
        expectShape(ctx, 1, wt, dirs, (long) g * hidden, input);
        expectShape(ctx, 2, rt, dirs, (long) g * hidden, hidden);
        double[] b = null;
        if (ctx.hasInput(3)) {
            Tensor bt = ctx.input(3);
            expectShape(ctx, 3, bt, dirs, 2L * g * hidden);
            b = bt.toDoubleArray();
        }
        int[] lens = new int[batch];
        java.util.Arrays.fill(lens, seq);
        if (ctx.hasInput(4)) {
            Tensor lt = ctx.input(4);
            expectShape(ctx, 4, lt, batch);
            long[] lv = lt.toLongArray();
            for (int i = 0; i < batch; i++) {
                if (lv[i] < 0 || lv[i] > seq)
                    throw ctx.fail("input 4 ('sequence_lens') value " + lv[i] + " at batch " + i + " must be in [0, " + seq + "] (seq_length)");
                lens[i] = (int) lv[i];
            }
        }
        double[] h0 = state(ctx, 5, layout, dirs, batch, hidden);
        double[] c0 = cell == Cell.LSTM ? state(ctx, 6, layout, dirs, batch, hidden) : null;
        double[] p = null;
        if (cell == Cell.LSTM && ctx.hasInput(7)) {
            Tensor pt = ctx.input(7);
            expectShape(ctx, 7, pt, dirs, 3L * hidden);
            p = pt.toDoubleArray();
        }
        Activation[] acts = activations(cell, ctx, dirs);
        double clip = a.get("clip") instanceof Attr.Float f ? f.value() : Double.NaN;
        if (!Double.isNaN(clip) && clip < 0) throw ctx.fail("attribute 'clip' must be non-negative, got " + clip);
        boolean lbr = cell == Cell.GRU && a.getInt("linear_before_reset", 0) != 0;
        boolean inputForget = cell == Cell.LSTM && a.getInt("input_forget", 0) != 0;
        return new Problem(cell, dirs, direction.equals("reverse"), layout, seq, batch, input, hidden,
                xt.toDoubleArray(), wt.toDoubleArray(), rt.toDoubleArray(), b, lens, h0, c0, p, acts, clip, lbr, inputForget);
    }

    private static double[] state(KernelContext ctx, int port, int layout, int dirs, int batch, int hidden) {
        if (!ctx.hasInput(port)) return null;
        Tensor t = ctx.input(port);
        if (layout == 0) expectShape(ctx, port, t, dirs, batch, hidden);
        else expectShape(ctx, port, t, batch, dirs, hidden);
        return t.toDoubleArray();
    }

    private static void expectShape(KernelContext ctx, int port, Tensor t, long... dims) {
        if (!java.util.Arrays.equals(t.shape(), dims))
            throw ctx.fail("input " + port + ctx.portName(port) + " must have shape " + Shape.toString(dims) + ", got " + Shape.toString(t.shape()));
    }

    /** The activations of every direction in order (f, g[, h]) x directions, defaults filled in. */
    private static Activation[] activations(Cell cell, KernelContext ctx, int dirs) {
        Attrs a = ctx.attrs();
        int per = cell.activations;
        List<String> names = a.getStrings("activations", null);
        if (names == null) {
            names = new ArrayList<>();
            for (int d = 0; d < dirs; d++) {
                if (cell == Cell.RNN) names.add("Tanh");
                else if (cell == Cell.GRU) names.addAll(List.of("Sigmoid", "Tanh"));
                else names.addAll(List.of("Sigmoid", "Tanh", "Tanh"));
            }
        } else if (names.size() == per && dirs == 2) {
            List<String> twice = new ArrayList<>(names);
            twice.addAll(names);
            names = twice;
        } else if (names.size() > per * dirs && cell == Cell.RNN && dirs == 1) {
            names = names.subList(0, per);
        }
        if (names.size() != per * dirs)
            throw ctx.fail("attribute 'activations' must list " + per * dirs + " functions (" + per + " per direction), got " + names);
        String[] unknown = new String[1];
        Activation[] r = Activation.resolve(names, a.getFloats("activation_alpha", null), a.getFloats("activation_beta", null), unknown);
        if (r == null) throw ctx.fail("attribute 'activations' names an unknown function '" + unknown[0] + "'");
        return r;
    }
}
