package org.ge4j.ops.blocked;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.Node;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.Value;
import org.ge4j.ops.DataTypes;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpLibrary;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;
import org.ge4j.ops.util.NodeRunner;

/**
 * The blocked-layout ops (package doc): {@code ReorderToBlocked}, {@code ReorderFromBlocked},
 * {@code BlockedConv}, {@code BlockedMaxPool}, {@code BlockedAveragePool}, {@code BlockedGlobalAveragePool},
 * {@code BlockedGlobalMaxPool}, {@code BlockedPointwiseDepthwise} (a 1×1 conv and a depthwise conv of its output). Each carries the plain op's attributes plus {@code block} (b, the channels per
 * block). The reference kernels unblock the inputs, run the plain op's reference kernel and block the result.
 */
public final class BlockedOps implements OpLibrary {
    public static final String TO_BLOCKED = "ReorderToBlocked", FROM_BLOCKED = "ReorderFromBlocked", CONV = "BlockedConv",
            MAX_POOL = "BlockedMaxPool", AVERAGE_POOL = "BlockedAveragePool", GLOBAL_AVERAGE_POOL = "BlockedGlobalAveragePool",
            GLOBAL_MAX_POOL = "BlockedGlobalMaxPool", POINTWISE_DEPTHWISE = "BlockedPointwiseDepthwise";
    /** The prefix of a BlockedPointwiseDepthwise's attributes that belong to its 1×1 conv (the others are the depthwise conv's). */
    public static final String POINTWISE_PREFIX = "pointwise_";

    /** The plain op each pool runs as, with the ONNX opset whose attributes it carries. */
    private record Plain(String domain, String type, int opset) {}

    private static final Map<String, Plain> POOLS = Map.of(
            MAX_POOL, new Plain("", "MaxPool", 12), AVERAGE_POOL, new Plain("", "AveragePool", 11),
            GLOBAL_AVERAGE_POOL, new Plain("", "GlobalAveragePool", 1), GLOBAL_MAX_POOL, new Plain("", "GlobalMaxPool", 1));

    private static final Plain FUSED_CONV = new Plain(Node.GE4J_DOMAIN, "FusedConv", 1);

    @Override public String name() { return "ge4j-blocked"; }

    @Override public void register(OpRegistry r) {
        String ge = Node.GE4J_DOMAIN;
        r.register(OpSchema.builder(ge, TO_BLOCKED, 1)
                .doc("Y[n, c / block, spatial..., c % block] = X[n, c, spatial...]; the lanes past the last channel are 0.")
                .input("X", "T").output("Y", "T").types("T", DataTypes.FLOATS).requiredAttr("block", AttrType.INT)
                .traits(Trait.PURE).inference(BlockedOps::inferToBlocked).build());
        r.registerKernel(OpRegistry.REFERENCE, ge, TO_BLOCKED, ctx -> ctx.setOutput(0, Blocking.block(ctx.requireInput(0), block(ctx.attrs().getInt("block"), ctx::fail))));
        r.register(OpSchema.builder(ge, FROM_BLOCKED, 1)
                .doc("Y[n, c, spatial...] = X[n, c / block, spatial..., c % block] for the first 'channels' channels.")
                .input("X", "T").output("Y", "T").types("T", DataTypes.FLOATS).requiredAttr("block", AttrType.INT).requiredAttr("channels", AttrType.INT)
                .traits(Trait.PURE).inference(BlockedOps::inferFromBlocked).build());
        r.registerKernel(OpRegistry.REFERENCE, ge, FROM_BLOCKED, ctx -> ctx.setOutput(0, Blocking.unblock(ctx.requireInput(0), ctx.attrs().getInt("channels"))));
        r.register(OpSchema.builder(ge, CONV, 1)
                .doc("ge4j::FusedConv on blocked tensors: Y and Z are blocked; X is blocked when input_blocked = 1, plain NCHW when 0. "
                        + "W [M, C/group, kH, kW] and B [M] keep the plain layout. group is 1 or the channel count (depthwise).")
                .input("X", "T").input("W", "T").optionalInput("B", "T").optionalInput("Z", "T").output("Y", "T")
                .types("T", DataTypes.FLOATS)
                .attr("auto_pad", "NOTSET").optionalAttr("dilations", AttrType.INTS).attr("group", 1L)
                .optionalAttr("kernel_shape", AttrType.INTS).optionalAttr("pads", AttrType.INTS).optionalAttr("strides", AttrType.INTS)
                .attr("activation", "").optionalAttr("activation_params", AttrType.FLOATS).attr("approximate", "none").attr("has_residual", 0L)
                .requiredAttr("block", AttrType.INT).attr("input_blocked", 1L)
                .traits(Trait.PURE).inference(BlockedOps::inferConv).build());
        r.registerKernel(OpRegistry.REFERENCE, ge, CONV, BlockedOps::computeConv);
        r.register(OpSchema.builder(ge, POINTWISE_DEPTHWISE, 1)
                .doc("A blocked 1x1 conv and the depthwise conv of its output, in one op: T = FusedConv(X, W, B) with the pointwise_* "
                        + "activation (1x1, stride 1, no pads, group 1), Y = FusedConv(T, DW, DB) with the window attributes and activation "
                        + "(group = the channels of T). X and Y are blocked; W [M, C, 1, 1], DW [M, 1, kH, kW], B and DB [M] keep the plain layout.")
                .input("X", "T").input("W", "T").input("DW", "T").optionalInput("B", "T").optionalInput("DB", "T").output("Y", "T")
                .types("T", DataTypes.FLOATS)
                .attr("auto_pad", "NOTSET").optionalAttr("dilations", AttrType.INTS).optionalAttr("kernel_shape", AttrType.INTS)
                .optionalAttr("pads", AttrType.INTS).optionalAttr("strides", AttrType.INTS)
                .attr("activation", "").optionalAttr("activation_params", AttrType.FLOATS).attr("approximate", "none")
                .attr(POINTWISE_PREFIX + "activation", "").optionalAttr(POINTWISE_PREFIX + "activation_params", AttrType.FLOATS)
                .attr(POINTWISE_PREFIX + "approximate", "none").requiredAttr("block", AttrType.INT)
                .traits(Trait.PURE).inference(BlockedOps::inferPointwiseDepthwise).build());
        r.registerKernel(OpRegistry.REFERENCE, ge, POINTWISE_DEPTHWISE, BlockedOps::computePointwiseDepthwise);
        poolSchema(r, MAX_POOL, b -> b.attr("auto_pad", "NOTSET").attr("ceil_mode", 0L).optionalAttr("dilations", AttrType.INTS)
                .requiredAttr("kernel_shape", AttrType.INTS).optionalAttr("pads", AttrType.INTS).attr("storage_order", 0L).optionalAttr("strides", AttrType.INTS));
        poolSchema(r, AVERAGE_POOL, b -> b.attr("auto_pad", "NOTSET").attr("ceil_mode", 0L).attr("count_include_pad", 0L)
                .requiredAttr("kernel_shape", AttrType.INTS).optionalAttr("pads", AttrType.INTS).optionalAttr("strides", AttrType.INTS));
        poolSchema(r, GLOBAL_AVERAGE_POOL, b -> b);
        poolSchema(r, GLOBAL_MAX_POOL, b -> b);
    }

    private static void poolSchema(OpRegistry r, String type, java.util.function.UnaryOperator<OpSchema.Builder> attrs) {
        Plain p = POOLS.get(type);
        r.register(attrs.apply(OpSchema.builder(Node.GE4J_DOMAIN, type, 1)
                        .doc("ONNX " + p.type() + " (opset " + p.opset() + " attributes) on a blocked X, giving a blocked Y.")
                        .input("X", "T").output("Y", "T").types("T", DataTypes.FLOATS).requiredAttr("block", AttrType.INT))
                .traits(Trait.PURE).inference(ctx -> inferPool(ctx, p)).build());
        r.registerKernel(OpRegistry.REFERENCE, Node.GE4J_DOMAIN, type, ctx -> computePool(ctx, p));
    }

    private static int block(long b, java.util.function.Function<String, ? extends RuntimeException> fail) {
        if (b < 1 || b > 64) throw fail.apply("attribute 'block' must be in 1..64, got " + b);
        return (int) b;
    }

    private static int block(InferenceContext ctx) { return block(ctx.attrs().getInt("block"), ctx::fail); }

    /** The logical channel count of a blocked input, or -1 when the shape does not tell it. */
    private static Shape requireBlocked(InferenceContext ctx, int input, int block) {
        Shape s = ctx.inputShape(input);
        if (!s.hasRank()) return s;
        if (s.rank() < 4) throw ctx.fail("input " + input + " ('" + ctx.portName(input) + "') must be blocked [N, C/b, spatial..., b], got " + s);
        long last = s.dim(s.rank() - 1).valueOr(-1);
        if (last >= 0 && last != block) throw ctx.fail("input " + input + " ('" + ctx.portName(input) + "') " + s + " must end in the block size " + block);
        return s;
    }

    static void inferToBlocked(InferenceContext ctx) {
        Shape x = ctx.inputShape(0);
        if (x.hasRank() && x.rank() < 3) throw ctx.fail("input 0 ('X') must be [N, C, spatial...], got " + x);
        ctx.setOutput(0, ctx.inputType(0), Blocking.blockedShape(x, block(ctx)));
    }

    static void inferFromBlocked(InferenceContext ctx) {
        int b = block(ctx);
        Shape x = requireBlocked(ctx, 0, b);
        long c = ctx.attrs().getInt("channels");
        if (x.hasRank()) {
            long cb = x.dim(1).valueOr(-1);
            if (c < 1 || (cb >= 0 && Blocking.blocks(c, b) != cb))
                throw ctx.fail("attribute 'channels' = " + c + " does not fit input 0 ('X') " + x + " with " + cb + " blocks of " + b);
        }
        ctx.setOutput(0, ctx.inputType(0), Blocking.plainShape(x, c));
    }

    /** Logical input channels of a BlockedConv: W's C/group times group. */
    private static long convChannels(Shape w, long group) {
        return w.hasRank() && w.rank() >= 2 && w.dim(1).isStatic() ? w.dim(1).valueOr(-1) * group : -1;
    }

    static void inferConv(InferenceContext ctx) {
        int b = block(ctx);
        boolean blockedIn = ctx.attrs().getInt("input_blocked") != 0;
        Shape w = ctx.inputShape(1);
        long group = ctx.attrs().getInt("group"), c = convChannels(w, group);
        if (group != 1 && !(w.hasRank() && w.rank() >= 2 && w.dim(1).valueOr(-1) == 1 && w.dim(0).valueOr(-1) == group))
            throw ctx.fail("attribute 'group' = " + group + ": a blocked convolution is plain (group 1) or depthwise (W [C, 1, ...] with group C), W is " + w);
        Shape x = blockedIn ? requireBlocked(ctx, 0, b) : ctx.inputShape(0);
        if (blockedIn && x.hasRank() && c >= 0 && x.dim(1).isStatic() && x.dim(1).valueOr(-1) != Blocking.blocks(c, b))
            throw ctx.fail("input 0 ('X') " + x + " must hold " + Blocking.blocks(c, b) + " blocks for the " + c + " channels W " + w + " expects");
        Shape plainX = blockedIn ? Blocking.plainShape(x, c) : x;
        List<TensorDesc> ins = new ArrayList<>();
        ins.add(new TensorDesc(ctx.inputType(0), plainX));
        ins.add(ctx.requireInput(1));
        ins.add(ctx.hasInput(2) ? ctx.input(2) : null);
        TensorDesc y = Blocking.inferPlain(ctx.node(), FUSED_CONV.domain(), FUSED_CONV.type(), FUSED_CONV.opset(), withoutResidual(Blocking.plainAttrs(ctx.node())), ins);
        Shape ys = Blocking.blockedShape(y.shape(), b);
        if (ctx.attrs().getInt("has_residual") != (ctx.hasInput(3) ? 1 : 0))
            throw ctx.fail("attribute 'has_residual' = " + ctx.attrs().getInt("has_residual") + " but input 3 ('Z') is " + (ctx.hasInput(3) ? "present" : "absent"));
        if (ctx.hasInput(3) && ys.isStatic() && ctx.inputShape(3).isStatic() && !ys.equals(ctx.inputShape(3)))
            throw ctx.fail("input 3 ('Z') " + ctx.inputShape(3) + " must have the blocked output's shape " + ys);
        ctx.setOutput(0, ctx.inputType(0), ys);
    }

    private static Map<String, Attr> withoutResidual(Map<String, Attr> a) {
        a.put("has_residual", new Attr.Int(0));
        return a;
    }

    static void computeConv(KernelContext ctx) {
        Node n = ctx.node();
        Tensor x = ctx.requireInput(0), w = ctx.requireInput(1);
        long group = ctx.attrs().getInt("group");
        long c = w.shape()[1] * group;
        int b = block(ctx.attrs().getInt("block"), ctx::fail);
        Tensor plainX = ctx.attrs().getInt("input_blocked") != 0 ? Blocking.unblock(x, c) : x;
        long m = w.shape()[0];
        List<Value> ins = new ArrayList<>(Arrays.asList(plainX, w, ctx.input(2)));
        if (ctx.hasInput(3)) ins.add(Blocking.unblock(ctx.requireInput(3), m));
        Tensor y = (Tensor) new NodeRunner(OpRegistry.global()).run(FUSED_CONV.domain(), FUSED_CONV.type(), FUSED_CONV.opset(), Blocking.plainAttrs(n), ins, 1).get(0);
        ctx.setOutput(0, Blocking.block(y, b));
    }

    /** The plain FusedConv attributes of a BlockedPointwiseDepthwise's 1×1 conv. */
    private static Map<String, Attr> pointwiseAttrs(Node n) {
        Map<String, Attr> a = new java.util.LinkedHashMap<>();
        n.attrs().forEach((k, v) -> {
            if (k.startsWith(POINTWISE_PREFIX)) a.put(k.substring(POINTWISE_PREFIX.length()), v);
        });
        return a;
    }

    /** The plain FusedConv attributes of a BlockedPointwiseDepthwise's depthwise conv of m channels. */
    private static Map<String, Attr> depthwiseAttrs(Node n, long m) {
        Map<String, Attr> a = Blocking.plainAttrs(n);
        a.keySet().removeIf(k -> k.startsWith(POINTWISE_PREFIX));
        a.put("group", new Attr.Int(m));
        return a;
    }

    /** M and C of a BlockedPointwiseDepthwise from its weights W [M, C, 1, 1] and DW [M, 1, kH, kW] (static). */
    private static long[] pointwiseDepthwiseChannels(Shape w, Shape d, java.util.function.Function<String, ? extends RuntimeException> fail) {
        boolean ok = w.isStatic() && d.isStatic() && w.rank() == 4 && d.rank() == 4 && w.dim(2).valueOr(-1) == 1 && w.dim(3).valueOr(-1) == 1
                && d.dim(0).equals(w.dim(0)) && d.dim(1).valueOr(-1) == 1;
        if (!ok) throw fail.apply("input 1 ('W') must be static [M, C, 1, 1] and input 2 ('DW') [M, 1, kH, kW], got " + w + " and " + d);
        return new long[] {w.dim(0).valueOr(-1), w.dim(1).valueOr(-1)};
    }

    static void inferPointwiseDepthwise(InferenceContext ctx) {
        int b = block(ctx);
        Shape x = requireBlocked(ctx, 0, b);
        long[] mc = pointwiseDepthwiseChannels(ctx.inputShape(1), ctx.inputShape(2), ctx::fail);
        if (x.hasRank() && x.dim(1).isStatic() && x.dim(1).valueOr(-1) != Blocking.blocks(mc[1], b))
            throw ctx.fail("input 0 ('X') " + x + " must hold " + Blocking.blocks(mc[1], b) + " blocks for the " + mc[1] + " channels W expects");
        List<TensorDesc> ins = new ArrayList<>();
        ins.add(new TensorDesc(ctx.inputType(0), Blocking.plainShape(x, mc[1])));
        ins.add(ctx.requireInput(1));
        ins.add(ctx.hasInput(3) ? ctx.input(3) : null);
        TensorDesc t = Blocking.inferPlain(ctx.node(), FUSED_CONV.domain(), FUSED_CONV.type(), FUSED_CONV.opset(), pointwiseAttrs(ctx.node()), ins);
        List<TensorDesc> dins = new ArrayList<>();
        dins.add(t);
        dins.add(ctx.requireInput(2));
        dins.add(ctx.hasInput(4) ? ctx.input(4) : null);
        TensorDesc y = Blocking.inferPlain(ctx.node(), FUSED_CONV.domain(), FUSED_CONV.type(), FUSED_CONV.opset(), depthwiseAttrs(ctx.node(), mc[0]), dins);
        ctx.setOutput(0, ctx.inputType(0), Blocking.blockedShape(y.shape(), b));
    }

    /** The composition of the two FusedConv reference kernels on the unblocked input. */
    static void computePointwiseDepthwise(KernelContext ctx) {
        Node n = ctx.node();
        Tensor x = ctx.requireInput(0), w = ctx.requireInput(1), d = ctx.requireInput(2);
        int b = block(ctx.attrs().getInt("block"), ctx::fail);
        NodeRunner runner = new NodeRunner(OpRegistry.global());
        Value t = runner.run(FUSED_CONV.domain(), FUSED_CONV.type(), FUSED_CONV.opset(), pointwiseAttrs(n),
                Arrays.asList(Blocking.unblock(x, w.shape()[1]), w, ctx.input(3)), 1).get(0);
        Tensor y = (Tensor) runner.run(FUSED_CONV.domain(), FUSED_CONV.type(), FUSED_CONV.opset(), depthwiseAttrs(n, w.shape()[0]),
                Arrays.asList(t, d, ctx.input(4)), 1).get(0);
        ctx.setOutput(0, Blocking.block(y, b));
    }

    static void inferPool(InferenceContext ctx, Plain p) {
        int b = block(ctx);
        Shape x = requireBlocked(ctx, 0, b);
        long cb = x.hasRank() ? x.dim(1).valueOr(-1) : -1;
        TensorDesc y = Blocking.inferPlain(ctx.node(), p.domain(), p.type(), p.opset(), Blocking.plainAttrs(ctx.node()),
                List.of(new TensorDesc(ctx.inputType(0), Blocking.plainShape(x, cb < 0 ? -1 : cb * b))));
        ctx.setOutput(0, ctx.inputType(0), Blocking.blockedShape(y.shape(), b));
    }

    /** Pools every lane, padding included (a pool maps zeros to zeros), then blocks again. */
    static void computePool(KernelContext ctx, Plain p) {
        Tensor x = ctx.requireInput(0);
        long[] xs = x.shape();
        int b = block(ctx.attrs().getInt("block"), ctx::fail);
        Tensor plain = Blocking.unblock(x, xs[1] * b);
        Tensor y = (Tensor) new NodeRunner(OpRegistry.global()).run(p.domain(), p.type(), p.opset(), Blocking.plainAttrs(ctx.node()), List.of(plain), 1).get(0);
        ctx.setOutput(0, Blocking.block(y, b));
    }
}
