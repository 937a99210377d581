package org.ge4j.compiler.fusion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ge4j.compiler.pattern.Matchers;
import org.ge4j.compiler.pattern.Rewriter;
import org.ge4j.ir.Attr;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.fused.AttentionHeads;

/**
 * Per-head {@code ge4j::Attention} whose Q, K (or K') and V are split off one projection and whose output is
 * merged back → the packed-heads form ({@link AttentionHeads}), reading the projection in place:
 * <pre>
 *   X [N, L, C] (or [L, 1, C]) -[Slice of the last axis]- Reshape [.., L, H, D] - Transpose → Q [.., H, L, D]  (K, V alike)
 *   Y = Attention(Q, K, V [, mask]) [.., H, Lq, Dv] - Transpose → [.., Lq, H, Dv] (then reshaped to [.., Lq, H*Dv])
 * </pre>
 * becomes {@code Attention(X', X', X') {num_heads = H, q/k/v_columns = the slices}} with X' = X viewed as
 * [N, L, C], its output [N, Lq, H*Dv] viewed as the merging Transpose's output. torch's MultiheadAttention
 * (vit, bert) exports this with one in-projection of 3E columns: the three Slice copies, the per-head
 * Transposes of Q, K and V and the Transpose of the output disappear. Every step is checked on static shapes
 * by the element strides it implies: each operand must be, per head, rows of D consecutive floats of X (L rows
 * C apart, heads D apart, batch L*C apart), and the output's Transpose must lay Y out as [N, Lq, H, Dv]. A
 * mask must not have batch dims (it then broadcasts alike in both forms). Each intermediate must be used
 * only on this path.
 */
final class AttentionHeadsFusion implements FusionPattern {
    @Override public String name() { return "attention-heads"; }

    @Override public Set<String> rootTypes() { return Set.of("ge4j::Attention"); }

    /** After every attention fusion (100) has made its node. */
    @Override public int benefit() { return 95; }

    @Override public boolean precondition(Node att, Rewriter rw) { return att.attrInt(AttentionHeads.NUM_HEADS, 0) == 0; }

    /** One operand as columns of a projection X: batch n (stride l*c), l rows (stride c), h heads of d columns from start. */
    private record Operand(OutDataAnchor x, long n, long l, long h, long d, long start, long c, long[] batch, int nAxis, int hAxis) {}

    @Override public boolean rewrite(Node att, Rewriter rw) {
        if (att.outputCount() != 1 || att.inputCount() < 3) return false;
        boolean kt = att.attrInt("k_transposed", 0) != 0;
        OutDataAnchor mask = att.inputCount() > 3 ? att.inputValue(3) : null;
        if (mask != null && (Matchers.rank(mask) < 0 || Matchers.rank(mask) > 2)) return false;
        Operand q = operand(att.inputValue(0), att, false), k = operand(att.inputValue(1), att, kt), v = operand(att.inputValue(2), att, false);
        if (q == null || k == null || v == null) return false;
        for (Operand o : List.of(k, v))
            if (o.n() != q.n() || o.h() != q.h() || o.nAxis() != q.nAxis() || o.hAxis() != q.hAxis() || !Arrays.equals(o.batch(), q.batch())) return false;
        if (k.d() != q.d() || v.l() != k.l()) return false;
        OutDataAnchor y = att.output(0);
        Node t = Matchers.soleConsumer(y);
        if (!Matchers.is(t, "Transpose") || !mergesHeads(t, y, q, v.d())) return false;
        Map<OutDataAnchor, OutDataAnchor> views = new HashMap<>();
        Map<String, Attr> attrs = new LinkedHashMap<>();
        attrs.put("scale", new Attr.Float(att.attrFloat("scale", 1f)));
        attrs.put(AttentionHeads.NUM_HEADS, new Attr.Int(q.h()));
        attrs.put(AttentionHeads.Q_COLUMNS, new Attr.Ints(new long[] {q.start(), q.start() + q.h() * q.d()}));
        attrs.put(AttentionHeads.K_COLUMNS, new Attr.Ints(new long[] {k.start(), k.start() + k.h() * k.d()}));
        attrs.put(AttentionHeads.V_COLUMNS, new Attr.Ints(new long[] {v.start(), v.start() + v.h() * v.d()}));
        List<OutDataAnchor> ins = new ArrayList<>();
        for (Operand o : List.of(q, k, v))
            ins.add(views.computeIfAbsent(o.x(), x -> view(rw, x, new long[] {o.n(), o.l(), o.c()}, att.name() + "_in" + views.size())));
        if (mask != null) ins.add(mask);
        Node packed = rw.create(att.graph(), Node.GE4J_DOMAIN, "Attention", att.name(), ins, attrs, 1);
        rw.replace(t.output(0), view(rw, packed.output(0), t.output(0).desc().shape().toArray(), t.name()));
        return true;
    }

    /** {@code x} viewed as {@code shape} (itself when it already has it). */
    private static OutDataAnchor view(Rewriter rw, OutDataAnchor x, long[] shape, String name) {
        if (x.desc().shape().isStatic() && Arrays.equals(x.desc().shape().toArray(), shape)) return x;
        OutDataAnchor s = rw.constant(x.node().graph(), name + "_shape", Tensor.of(shape, shape.length));
        return rw.op(x.node().graph(), "Reshape", name + "_view", List.of(x, s), Map.of());
    }

    /**
     * {@code a} = Transpose(Reshape([Slice](X))) used only by {@code user}, as head columns of X; null when it is not.
     * {@code kt}: the operand is K' [.., D, L] (else [.., L, D]).
     */
    private static Operand operand(OutDataAnchor a, Node user, boolean kt) {
        Node t = Matchers.producer(a, "Transpose");
        if (t == null || !Matchers.onlyUsedBy(a, user) || !isStatic(a)) return null;
        OutDataAnchor rs = t.inputValue(0);
        Node r = Matchers.producer(rs, "Reshape");
        if (r == null || !Matchers.onlyUsedBy(rs, t) || !isStatic(rs)) return null;
        OutDataAnchor src = r.inputValue(0);
        if (src == null || !isStatic(src)) return null;
        OutDataAnchor x = src;
        long start = 0, width = src.desc().shape().toArray()[Matchers.rank(src) - 1];
        Node sl = Matchers.producer(src, "Slice");
        if (sl != null && Matchers.onlyUsedBy(src, r) && sl.inputValue(0) != null && isStatic(sl.inputValue(0))) {
            x = sl.inputValue(0);
            long[] range = lastAxisRange(sl, Matchers.rank(x), x.desc().shape().toArray());
            if (range == null) return null;
            start = range[0];
            width = range[1] - range[0];
        } else if (sl != null) return null;
        long[] xs = x.desc().shape().toArray(), rsh = rs.desc().shape().toArray(), op = a.desc().shape().toArray();
        int rx = xs.length, rr = rsh.length, ro = op.length;
        if (rx < 2 || rr < 2 || ro < 3 || width <= 0) return null;
        long c = xs[rx - 1], h = rsh[rr - 2], d = rsh[rr - 1];
        if (h * d != width) return null;
        // strides (in elements of X) of the reshaped dims: the leading dims are X's leading dims with unit dims added or removed
        long[] stride = new long[rr];
        long[] xStride = new long[rx];
        long next = 1;
        for (int i = rx - 1; i >= 0; i--) {
            xStride[i] = next;
            next *= xs[i];
        }
        int j = 0;
        for (int i = 0; i < rr - 2; i++) {
            if (rsh[i] == 1) continue;
            while (j < rx - 1 && xs[j] == 1) j++;
            if (j >= rx - 1 || xs[j] != rsh[i]) return null;
            stride[i] = xStride[j++];
        }
        while (j < rx - 1 && xs[j] == 1) j++;
        if (j != rx - 1) return null;
        stride[rr - 2] = d;
        stride[rr - 1] = 1;
        long[] perm = t.attrInts("perm", null);
        if (perm == null || perm.length != rr || ro != rr) return null;
        int lAxis = kt ? ro - 1 : ro - 2, dAxis = kt ? ro - 2 : ro - 1;
        if (perm[dAxis] != rr - 1) return null;
        long l = op[lAxis];
        if (l > 1 && stride[(int) perm[lAxis]] != c) return null;
        long n = 1;
        int nAxis = -1, hAxis = -1;
        for (int i = 0; i < ro - 2; i++) {
            if (op[i] == 1) continue;
            if (perm[i] == rr - 2) {
                if (hAxis >= 0) return null;
                hAxis = i;
            } else if (nAxis < 0 && hAxis < 0 && stride[(int) perm[i]] == l * c) {
                nAxis = i;
                n = op[i];
            } else return null;
        }
        if (h > 1 && hAxis < 0) return null;
        if (Shape.elementCount(xs) != n * l * c) return null;
        return new Operand(x, n, l, h, d, start, c, Arrays.copyOf(op, ro - 2), nAxis, hAxis);
    }

    /** [start, end) of a Slice of the last axis with step 1 (constant starts, ends, axes), clamped; null for another Slice. */
    private static long[] lastAxisRange(Node sl, int rank, long[] shape) {
        long[] starts = Matchers.ints(sl, "starts", 1), ends = Matchers.ints(sl, "ends", 2), axes = Matchers.ints(sl, "axes", 3);
        long[] steps = sl.inputCount() > 4 && sl.inputValue(4) != null ? Matchers.ints(sl, "", 4) : null;
        if (starts == null || ends == null || starts.length != 1 || ends.length != 1) return null;
        if (axes == null ? rank != 1 : axes.length != 1 || (axes[0] < 0 ? axes[0] + rank : axes[0]) != rank - 1) return null;
        if (sl.inputCount() > 4 && sl.inputValue(4) != null && (steps == null || steps.length != 1 || steps[0] != 1)) return null;
        long c = shape[rank - 1];
        long s = starts[0] < 0 ? starts[0] + c : starts[0], e = ends[0] < 0 ? ends[0] + c : ends[0];
        s = Math.max(0, Math.min(s, c));
        e = Math.max(0, Math.min(e, c));
        return e > s ? new long[] {s, e} : null;
    }

    /** True when Transpose {@code t} of Y (batch as the operands', [.., Lq, Dv]) lays it out as [N, Lq, H, Dv]. */
    private static boolean mergesHeads(Node t, OutDataAnchor y, Operand q, long dv) {
        if (!isStatic(y) || !isStatic(t.output(0))) return false;
        long[] ys = y.desc().shape().toArray(), perm = t.attrInts("perm", null);
        int r = ys.length;
        if (perm == null || perm.length != r || r != q.batch().length + 2 || ys[r - 1] != dv) return false;
        int[] want = {q.nAxis(), r - 2, q.hAxis(), r - 1};
        int w = 0;
        for (long p : perm) {
            if (ys[(int) p] == 1) continue;
            while (w < want.length && (want[w] < 0 || ys[want[w]] == 1)) w++;
            if (w == want.length || want[w] != p) return false;
            w++;
        }
        return true;
    }

    private static boolean isStatic(OutDataAnchor a) { return a != null && a.desc().shape().hasRank() && a.desc().shape().isStatic(); }
}
