package org.ge4j.compiler.layout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.pass.Pass;
import org.ge4j.compiler.pass.PassContext;
import org.ge4j.compiler.pass.Pipelines;
import org.ge4j.compiler.pattern.OpFacts;
import org.ge4j.compiler.pattern.Rewriter;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.blocked.BlockedOps;
import org.ge4j.ops.blocked.Blocking;

/**
 * The {@code layout} pass: rewrites the convolutions of a convnet into the blocked channel layout NCHWc
 * ({@link org.ge4j.ops.blocked}). Every Conv and {@code ge4j::FusedConv} with 4-D float shapes (static but for
 * a named symbolic batch), a constant W and group 1 or depthwise becomes {@code ge4j::BlockedConv}; the
 * blocked region then grows through the consumers that work on blocked tensors as they are: 2-D pools and global pools (their blocked
 * ops), Relu / LeakyRelu / Clip (which map 0 to 0, so the padding lanes stay 0), Add / Mul / Sub of a blocked
 * value and another of the same channels (other dims equal or broadcast from 1; a plain one no larger than the
 * blocked one is reordered to blocked), and Concat on the channel axis of blocked values whose channel counts
 * are multiples of the block. A plain value entering the region is reordered once
 * ({@code ge4j::ReorderToBlocked}, shared by all its blocked consumers), except that a convolution reads a
 * plain input of fewer channels than the block directly (the RGB stem); a blocked value with plain
 * consumers (any other op, a graph output, a subgraph) is reordered back once ({@code ge4j::ReorderFromBlocked}).
 * Then a blocked 1×1 conv read only by a depthwise blocked conv becomes one {@code ge4j::BlockedPointwiseDepthwise}
 * with it ({@link Options#fuseDepthwise()}; {@code -Dge4j.nchwc.fuseDw=false} switches it off).
 *
 * <p>The block is this machine's float vector length ({@link Blocking#nativeBlock()}; {@code -Dge4j.nchwc.block=B}
 * overrides it); below 8 the pass does nothing. It is on by default at O3: {@code --optimization_switch "layout:off"}
 * or {@code -Dge4j.nchwc=false} switch it off ({@link #enabled}). It runs at the {@link Pipelines#LAYOUT_HOOK}
 * hook of O3, after fusion and before kernel selection, on the root graph only.
 */
public final class NchwcLayout implements Pass {
    public static final String NAME = Pipelines.LAYOUT_HOOK;
    /** The system property that switches the pass on when the options do not say. */
    public static final String PROPERTY = "ge4j.nchwc";
    /** The system property that overrides the block (tests). */
    public static final String BLOCK_PROPERTY = "ge4j.nchwc.block";
    public static final String DESCRIPTION = "convnets to the blocked channel layout NCHWc (ge4j::BlockedConv, blocked pools, reorders)";

    /** The system property that switches the pointwise-depthwise fusion off ({@code -Dge4j.nchwc.fuseDw=false}). */
    public static final String FUSE_DW_PROPERTY = "ge4j.nchwc.fuseDw";
    /** The system property with the smallest plane (H·W of the 1×1 conv's output) the fusion takes. */
    public static final String FUSE_DW_MIN_PLANE_PROPERTY = "ge4j.nchwc.fuseDwMinPlane";

    /**
     * @param block channels per block (b)
     * @param fuseDepthwise whether a blocked 1×1 conv whose only consumer is a depthwise conv becomes one
     *        {@code ge4j::BlockedPointwiseDepthwise} with it (the M-channel intermediate then never goes to memory)
     * @param fuseMinPlane the smallest intermediate plane (H·W) fused: small intermediates stay in cache anyway
     */
    public record Options(int block, boolean fuseDepthwise, long fuseMinPlane) {
        public Options {
            if (block < 1 || block > 64) throw new IllegalArgumentException("layout: block must be in 1..64, got " + block);
        }

        /** The block with the fusion as {@code -Dge4j.nchwc.fuseDw} and {@code -Dge4j.nchwc.fuseDwMinPlane} say (default: on, planes of 28×28 and more). */
        public Options(int block) {
            this(block, Boolean.parseBoolean(System.getProperty(FUSE_DW_PROPERTY, "true")), Long.getLong(FUSE_DW_MIN_PLANE_PROPERTY, 28 * 28));
        }

        /** This machine's block, or {@code -Dge4j.nchwc.block}; null when the Vector API is not available. */
        public static Options defaults() {
            int b = Integer.getInteger(BLOCK_PROPERTY, Blocking.nativeBlock());
            return b < 1 ? null : new Options(b);
        }
    }

    private final Options options;

    public NchwcLayout(CompilerOptions o) { this.options = o.passOptions(Options.class, Options.defaults()); }

    /** The options' switch ({@code layout:on}/{@code layout:off}) or, when they say nothing, {@code -Dge4j.nchwc} (default true). */
    public static boolean enabled(CompilerOptions o) {
        Boolean sw = o.switchFor(NAME);
        return sw != null ? sw : Boolean.parseBoolean(System.getProperty(PROPERTY, "true"));
    }

    @Override public String name() { return NAME; }

    @Override public String description() { return DESCRIPTION; }

    @Override public boolean run(Graph graph, PassContext ctx) {
        if (options == null || options.block() < 8) {
            ctx.note("layout: not converted to NCHWc, the float vector has " + (options == null ? "no" : options.block()) + " lanes (needs 8 or more)");
            return false;
        }
        boolean changed = new Rewrite(graph, ctx, options.block()).run();
        if (changed && options.fuseDepthwise()) new PointwiseDepthwise(graph, ctx, options.fuseMinPlane()).run();
        return changed;
    }

    /**
     * A blocked 1×1 conv (stride 1, no pads, no residual, an activation that is none, Relu or a Clip keeping 0)
     * whose output only a depthwise blocked conv (no residual) reads, with an intermediate plane of at least
     * minPlane positions, becomes {@code ge4j::BlockedPointwiseDepthwise}: the depthwise conv's attributes, the
     * 1×1 conv's activation as {@code pointwise_*}. MobileNet's inverted residual blocks are such pairs.
     */
    private record PointwiseDepthwise(Graph g, PassContext ctx, long minPlane) {
        void run() {
            if (g.nodes().stream().anyMatch(n -> !n.subgraphs().isEmpty())) return; // a subgraph might read an intermediate
            Rewriter rw = new Rewriter(ctx);
            for (Node d : g.topologicalOrder()) {
                if (d.graph() == null || !isBlockedConv(d) || d.attrInt("group", 1) == 1) continue;
                OutDataAnchor t = d.inputValue(0);
                Node p = t == null ? null : t.node();
                if (p == null || !isBlockedConv(p) || p.attrInt("group", 1) != 1 || !isPointwise(p) || !keepsZero(p)) continue;
                if (t.peers().size() != 1 || g.isOutput(t)) continue;
                Shape ts = t.desc().shape();
                if (!ts.isStatic() || ts.dim(2).valueOr(0) * ts.dim(3).valueOr(0) < minPlane) continue;
                List<OutDataAnchor> ins = new ArrayList<>(List.of(p.inputValue(0), p.inputValue(1), d.inputValue(1)));
                ins.add(p.inputCount() > 2 ? p.inputValue(2) : null);
                ins.add(d.inputCount() > 2 ? d.inputValue(2) : null);
                Map<String, Attr> attrs = new LinkedHashMap<>(d.attrs());
                for (String k : List.of("group", "has_residual", "input_blocked")) attrs.remove(k);
                for (String k : List.of("activation", "activation_params", "approximate"))
                    if (p.hasAttr(k)) attrs.put(BlockedOps.POINTWISE_PREFIX + k, p.attr(k));
                Node f = rw.create(g, Node.GE4J_DOMAIN, BlockedOps.POINTWISE_DEPTHWISE, d.name() + "_pw", ins, attrs, 1);
                rw.replace(d.output(0), f.output(0));
                rw.erase(d);
                ctx.recordRewrite("nchwc-pointwise-depthwise");
            }
            rw.commit();
        }

        /** A blocked conv of a blocked input, without residual. */
        private static boolean isBlockedConv(Node n) {
            return n.domain().equals(Node.GE4J_DOMAIN) && n.type().equals(BlockedOps.CONV) && n.attrInt("input_blocked", 1) != 0
                    && n.attrInt("has_residual", 0) == 0 && n.inputCount() >= 2 && n.outputCount() == 1 && !Rewrite.hasControlEdges(n);
        }

        /** A 1×1 window with stride 1 and no pads. */
        private static boolean isPointwise(Node n) {
            Tensor w = OpFacts.constant(n.inputValue(1));
            if (w == null || w.rank() != 4 || w.dim(2) != 1 || w.dim(3) != 1) return false;
            String auto = n.attrString("auto_pad", "NOTSET");
            if (!auto.equals("NOTSET") && !auto.equals("VALID")) return false;
            if (java.util.Arrays.stream(n.attrInts("strides", new long[0])).anyMatch(v -> v != 1)) return false;
            return java.util.Arrays.stream(n.attrInts("pads", new long[0])).allMatch(v -> v == 0);
        }

        /** No activation, Relu, or a Clip whose range holds 0 (the fused kernel's 1×1 part clamps). */
        private static boolean keepsZero(Node n) {
            String a = n.attrString("activation", "");
            if (a.isEmpty() || a.equals("Relu")) return true;
            if (!a.equals("Clip")) return false;
            float[] q = n.attrFloats("activation_params", new float[0]);
            return (q.length < 1 || q[0] <= 0) && (q.length < 2 || q[1] >= 0);
        }
    }

    /** A blocked value and the logical channel count it holds. */
    private record Blocked(OutDataAnchor value, long channels) {}

    /** One run of the pass over a graph. */
    private static final class Rewrite {
        private static final String CONV = "Conv", FUSED_CONV = Node.GE4J_DOMAIN + "::FusedConv";

        final Graph g;
        final PassContext ctx;
        final int b;
        final Rewriter rw;
        /** Old (plain) value → its blocked counterpart. */
        final Map<OutDataAnchor, Blocked> blocked = new HashMap<>();
        /** Plain value → its ReorderToBlocked output. */
        final Map<OutDataAnchor, OutDataAnchor> toBlocked = new HashMap<>();
        /** Old nodes replaced by blocked ones, in topological order. */
        final List<Node> converted = new ArrayList<>();

        Rewrite(Graph g, PassContext ctx, int b) {
            this.g = g;
            this.ctx = ctx;
            this.b = b;
            this.rw = new Rewriter(ctx);
        }

        boolean run() {
            List<Node> order = g.topologicalOrder();
            if (order.stream().noneMatch(n -> isConvertibleConv(n) && !hasControlEdges(n))) return false;
            for (Node n : order) {
                Blocked y = convert(n);
                if (y == null) continue;
                blocked.put(n.output(0), y);
                converted.add(n);
                ctx.recordRewrite(rewriteName(y.value().node()));
            }
            if (converted.isEmpty()) return false;
            for (int i = converted.size() - 1; i >= 0; i--) {
                Node n = converted.get(i);
                OutDataAnchor v = n.output(0);
                if (v.isUsed()) rw.replace(v, fromBlocked(blocked.get(v)));
                rw.erase(n);
            }
            rw.commit();
            return true;
        }

        /** What the compile report counts: nchwc-conv, nchwc-conv-plain-input, nchwc-pool, nchwc-relu, nchwc-concat, ... */
        private static String rewriteName(Node m) {
            if (m.type().equals(BlockedOps.CONV)) return m.attrInt("input_blocked", 1) == 0 ? "nchwc-conv-plain-input" : "nchwc-conv";
            if (m.domain().equals(Node.GE4J_DOMAIN)) return "nchwc-pool";
            return "nchwc-" + m.type().toLowerCase(java.util.Locale.ROOT);
        }

        /** The blocked node replacing {@code n}, or null when {@code n} stays as it is. */
        private Blocked convert(Node n) {
            if (n.outputCount() < 1 || n.inputCount() < 1 || hasControlEdges(n)) return null;
            if (isConvertibleConv(n)) return conv(n);
            if (!n.domain().isEmpty()) return null;
            if (n.type().equals("Add") || n.type().equals("Mul") || n.type().equals("Sub")) return binary(n);
            Blocked x = blocked.get(n.inputValue(0));
            if (x == null || !isStatic4dFloat(n.output(0))) return null;
            return switch (n.type()) {
                case "MaxPool" -> n.outputCount() == 1 || !n.output(1).isUsed() ? pool(n, BlockedOps.MAX_POOL, x) : null;
                case "AveragePool" -> n.hasAttr("dilations") ? null : pool(n, BlockedOps.AVERAGE_POOL, x);
                case "GlobalAveragePool" -> pool(n, BlockedOps.GLOBAL_AVERAGE_POOL, x);
                case "GlobalMaxPool" -> pool(n, BlockedOps.GLOBAL_MAX_POOL, x);
                case "Relu", "LeakyRelu" -> n.inputCount() == 1 ? same(n, x, List.of(x.value()), n.attrs()) : null;
                case "Clip" -> clipKeepsZero(n) ? same(n, x, clipInputs(n, x), n.attrs()) : null;
                case "Concat" -> concat(n);
                default -> null;
            };
        }

        boolean isConvertibleConv(Node n) {
            String t = n.qualifiedType();
            if (!t.equals(CONV) && !t.equals(FUSED_CONV) || n.outputCount() != 1 || n.inputCount() < 2) return false;
            OutDataAnchor x = n.inputValue(0);
            Tensor w = OpFacts.constant(n.inputValue(1));
            if (x == null || w == null || w.dtype() != DataType.FLOAT || w.rank() != 4) return false;
            if (!isStatic4dFloat(x) || !isStatic4dFloat(n.output(0))) return false;
            long c = x.desc().shape().dim(1).valueOr(-1), group = n.attrInt("group", 1);
            boolean plain = group == 1 && w.dim(1) == c, depthwise = group > 1 && group == c && w.dim(0) == c && w.dim(1) == 1;
            if (!plain && !depthwise) return false;
            if (n.inputCount() > 2 && n.inputValue(2) != null && n.inputValue(2).desc().dtype() != DataType.FLOAT) return false;
            if (n.attrInt("has_residual", 0) != 0) {
                OutDataAnchor z = n.inputCount() > 3 ? n.inputValue(3) : null;
                return z != null && isStatic4dFloat(z) && z.desc().shape().equals(n.output(0).desc().shape());
            }
            return n.inputCount() <= 3 || n.inputValue(3) == null;
        }

        private Blocked conv(Node n) {
            OutDataAnchor x = n.inputValue(0);
            long c = channels(x);
            Blocked xb = blocked.get(x);
            boolean direct = xb == null && c < b;
            Map<String, Attr> attrs = new LinkedHashMap<>(n.attrs());
            attrs.put("block", new Attr.Int(b));
            attrs.put("input_blocked", new Attr.Int(direct ? 0 : 1));
            List<OutDataAnchor> ins = new ArrayList<>();
            ins.add(direct ? x : xb != null ? xb.value() : toBlocked(x));
            ins.add(n.inputValue(1));
            boolean residual = n.attrInt("has_residual", 0) != 0;
            if (n.inputCount() > 2 || residual) ins.add(n.inputCount() > 2 ? n.inputValue(2) : null);
            if (residual) ins.add(blockedOrReordered(n.inputValue(3)));
            return create(n, BlockedOps.CONV, ins, attrs, channels(n.output(0)));
        }

        private Blocked pool(Node n, String type, Blocked x) {
            Map<String, Attr> attrs = new LinkedHashMap<>(n.attrs());
            if (type.equals(BlockedOps.MAX_POOL)) attrs.remove("storage_order");
            attrs.put("block", new Attr.Int(b));
            return create(n, type, List.of(x.value()), attrs, x.channels());
        }

        /** {@code n} itself on the blocked tensor (an op that maps zeros to zeros lane by lane). */
        private Blocked same(Node n, Blocked x, List<OutDataAnchor> ins, Map<String, Attr> attrs) {
            Node m = rw.create(g, n.domain(), n.type(), n.name() + "_nchwc", ins, attrs, 1);
            return new Blocked(m.output(0), x.channels());
        }

        /**
         * Add / Mul / Sub with a blocked input and the same channels on both sides, the other dims equal or 1
         * (an SE block's [N, C, 1, 1] gate times [N, C, H, W]): the blocked 5-D tensors broadcast the same way, and
         * zero padding lanes on both sides give zero. A plain side no larger than the blocked one is reordered to
         * blocked (shared with the other users of that reorder) rather than the blocked side back to plain.
         */
        private Blocked binary(Node n) {
            if (n.inputCount() != 2 || !isStatic4dFloat(n.output(0))) return null;
            OutDataAnchor a = n.inputValue(0), c = n.inputValue(1);
            Blocked ba = blocked.get(a), bc = blocked.get(c);
            if (ba == null && bc == null || a == null || c == null || !isStatic4dFloat(a) || !isStatic4dFloat(c)) return null;
            long ch = channels(n.output(0));
            if (channels(a) != ch || channels(c) != ch) return null;
            Shape sa = a.desc().shape(), sc = c.desc().shape();
            for (int i : new int[] {0, 2, 3}) {
                Dim p = sa.dim(i), q = sc.dim(i);
                if (!p.equals(q) && p.valueOr(-1) != 1 && q.valueOr(-1) != 1) return null;
            }
            if (ba == null) {
                if (plane(a) > plane(c)) return null;
                ba = new Blocked(toBlocked(a), ch);
            }
            if (bc == null) {
                if (plane(c) > plane(a)) return null;
                bc = new Blocked(toBlocked(c), ch);
            }
            return same(n, ba, List.of(ba.value(), bc.value()), n.attrs());
        }

        /** Elements per image of a 4-D value (C·H·W, static). */
        private static long plane(OutDataAnchor v) {
            Shape s = v.desc().shape();
            return s.dim(1).valueOr(0) * s.dim(2).valueOr(0) * s.dim(3).valueOr(0);
        }

        private Blocked concat(Node n) {
            long axis = n.attrInt("axis", 0);
            if (axis != 1 && axis != -3) return null;
            List<OutDataAnchor> ins = new ArrayList<>();
            long c = 0;
            for (int i = 0; i < n.inputCount(); i++) {
                Blocked p = blocked.get(n.inputValue(i));
                if (p == null || p.channels() % b != 0) return null;
                ins.add(p.value());
                c += p.channels();
            }
            Map<String, Attr> attrs = new LinkedHashMap<>(n.attrs());
            attrs.put("axis", new Attr.Int(1));
            return same(n, new Blocked(null, c), ins, attrs);
        }

        /** Clip whose bounds are known and keep 0 (min <= 0 <= max). */
        private static boolean clipKeepsZero(Node n) {
            double lo = n.attrFloat("min", -Float.MAX_VALUE), hi = n.attrFloat("max", Float.MAX_VALUE);
            for (int i = 1; i < n.inputCount(); i++) {
                OutDataAnchor a = n.inputValue(i);
                if (a == null) continue;
                Tensor t = OpFacts.constant(a);
                if (t == null || t.size() != 1) return false;
                if (i == 1) lo = t.getScalarDouble(0);
                else hi = t.getScalarDouble(0);
            }
            return lo <= 0 && 0 <= hi;
        }

        private static List<OutDataAnchor> clipInputs(Node n, Blocked x) {
            List<OutDataAnchor> ins = new ArrayList<>();
            ins.add(x.value());
            for (int i = 1; i < n.inputCount(); i++) ins.add(n.inputValue(i));
            return ins;
        }

        private Blocked create(Node n, String type, List<OutDataAnchor> ins, Map<String, Attr> attrs, long channels) {
            Node m = rw.create(g, Node.GE4J_DOMAIN, type, n.name() + "_nchwc", ins, attrs, 1);
            return new Blocked(m.output(0), channels);
        }

        private OutDataAnchor blockedOrReordered(OutDataAnchor v) {
            Blocked p = blocked.get(v);
            return p != null ? p.value() : toBlocked(v);
        }

        /** The one ReorderToBlocked of plain value {@code v}. */
        private OutDataAnchor toBlocked(OutDataAnchor v) {
            return toBlocked.computeIfAbsent(v, k -> {
                ctx.recordRewrite("nchwc-reorder-to-blocked");
                return rw.create(g, Node.GE4J_DOMAIN, BlockedOps.TO_BLOCKED, k.name() + "_to_nchwc", List.of(k),
                        Map.of("block", new Attr.Int(b)), 1).output(0);
            });
        }

        private OutDataAnchor fromBlocked(Blocked v) {
            ctx.recordRewrite("nchwc-reorder-from-blocked");
            return rw.create(g, Node.GE4J_DOMAIN, BlockedOps.FROM_BLOCKED, v.value().node().name() + "_from_nchwc", List.of(v.value()),
                    Map.of("block", new Attr.Int(b), "channels", new Attr.Int(v.channels())), 1).output(0);
        }

        /** Control edges order a node against others; its replacement would not keep them, so it stays. */
        static boolean hasControlEdges(Node n) { return !n.controlIn().peers().isEmpty() || !n.controlOut().peers().isEmpty(); }

        private static long channels(OutDataAnchor v) { return v.desc().shape().dim(1).valueOr(-1); }

        /** A 4-D float value with static C, H and W; the batch is static or a named symbolic dim (a dynamic batch). */
        private static boolean isStatic4dFloat(OutDataAnchor v) {
            TensorDesc d = v.desc();
            Shape s = d.shape();
            if (d.dtype() != DataType.FLOAT || !s.hasRank() || s.rank() != 4) return false;
            for (int i = 1; i < 4; i++) if (s.dim(i).valueOr(-1) < 1) return false;
            return s.dim(0).valueOr(-1) >= 1 || s.dim(0) instanceof Dim.Symbolic;
        }
    }
}
