package org.ge4j.ops.fused;

import org.ge4j.ops.Attrs;

/**
 * The packed-heads form of {@code ge4j::Attention} ({@code num_heads} = H &ge; 1): Q is [B, Lq, Cq], K is
 * [B, Lk, Ck] and V is [B, Lk, Cv], each holding its H heads side by side in a window of columns of its last
 * axis: attributes {@code q_columns}, {@code k_columns}, {@code v_columns} = [start, end) (default: the whole
 * axis). Head h of Q is columns {@code qStart + h*Dk} to {@code qStart + (h+1)*Dk} (Dk = window width / H), the
 * same for K (Dk) and V (Dv); K is never given transposed. Y is [B, Lq, H*Dv], heads side by side. This is the
 * layout of a Q/K/V projection's output, [B, L, 3E] with Q, K and V at columns 0, E and 2E, read in place
 * instead of being sliced, reshaped and transposed into per-head tensors; the optional Mask broadcasts to
 * [B, H, Lq, Lk].
 *
 * @param heads  H
 * @param qStart first column of Q's window
 * @param dk     head size of Q and K, -1 when not known (a symbolic last axis without a window)
 * @param kStart first column of K's window
 * @param vStart first column of V's window
 * @param dv     head size of V, -1 when not known
 */
public record AttentionHeads(int heads, long qStart, long dk, long kStart, long vStart, long dv) {
    /** The attribute naming H (0 = the per-head form). */
    public static final String NUM_HEADS = "num_heads";
    /** The attributes naming the column windows of Q, K and V. */
    public static final String Q_COLUMNS = "q_columns", K_COLUMNS = "k_columns", V_COLUMNS = "v_columns";

    /** True when {@code a} asks for the packed-heads form. */
    public static boolean isPacked(Attrs a) { return a.getInt(NUM_HEADS, 0) != 0; }

    /**
     * The geometry for the last-axis lengths cq, ck, cv of Q, K and V (-1 = unknown); throws
     * IllegalArgumentException naming the attribute when the windows do not fit or do not split into H equal heads.
     */
    public static AttentionHeads of(Attrs a, long cq, long ck, long cv) {
        long h = a.getInt(NUM_HEADS, 0);
        if (h < 1 || h > Integer.MAX_VALUE) throw new IllegalArgumentException(NUM_HEADS + " must be >= 1, got " + h);
        if (a.getInt("k_transposed", 0) != 0) throw new IllegalArgumentException("k_transposed must be 0 when " + NUM_HEADS + " is set");
        long[] q = window(a, Q_COLUMNS, cq, h), k = window(a, K_COLUMNS, ck, h), v = window(a, V_COLUMNS, cv, h);
        long dk = q[1] < 0 ? k[1] : q[1];
        if (q[1] >= 0 && k[1] >= 0 && q[1] != k[1])
            throw new IllegalArgumentException("the head sizes of Q (" + q[1] + ") and K (" + k[1] + ") differ");
        return new AttentionHeads((int) h, q[0], dk, k[0], v[0], v[1]);
    }

    /** [start, head size] of one window (head size -1 when not known). */
    private static long[] window(Attrs a, String name, long c, long h) {
        long[] w = a.getInts(name, null);
        if (w == null) {
            if (c >= 0 && c % h != 0) throw new IllegalArgumentException("the last axis (" + c + ") does not split into " + h + " heads");
            return new long[] {0, c < 0 ? -1 : c / h};
        }
        if (w.length != 2 || w[0] < 0 || w[1] <= w[0] || c >= 0 && w[1] > c)
            throw new IllegalArgumentException(name + " must be [start, end) within the last axis (" + c + "), got " + java.util.Arrays.toString(w));
        if ((w[1] - w[0]) % h != 0) throw new IllegalArgumentException(name + " " + java.util.Arrays.toString(w) + " does not split into " + h + " heads");
        return new long[] {w[0], (w[1] - w[0]) / h};
    }

    /** Element offset of head {@code h}'s first column of Q, K or V in a row. */
    public long qColumn(int h) { return qStart + h * dk; }

    public long kColumn(int h) { return kStart + h * dk; }

    public long vColumn(int h) { return vStart + h * dv; }
}
