package org.ge4j.ops.packed;

import org.ge4j.ir.Shape;

/**
 * How the bias of a {@code ge4j::PackedMatMul} broadcasts over the product Y seen as R = batch·M rows of N
 * columns: the element added at (row r, column j) is {@code bias[(r % period) * rowStride + j * colStride]}.
 * These are the forms the vector kernel applies in its epilogue: none, a scalar, a column vector ([N],
 * [1, N], …), a row vector ([M, 1]), a matrix ([M, N] shared by every batch item, or the whole of Y).
 *
 * @param kind      the form
 * @param period    rows after which the bias repeats
 * @param rowStride floats between the bias values of consecutive rows (0: the same for every row)
 * @param colStride floats between the bias values of consecutive columns (0 or 1)
 */
public record PackedBias(Kind kind, long period, long rowStride, long colStride) {
    /** The forms. */
    public enum Kind { NONE, SCALAR, COLUMN, ROW, MATRIX }

    public static final PackedBias NONE = new PackedBias(Kind.NONE, 1, 0, 0);

    /**
     * The form of a bias of static shape {@code bs} added to a product of static shape {@code ys} (rank &gt;= 1,
     * its last dim N, the one before M, the rest batch dims); null when it is none of the forms (including
     * when it does not broadcast to ys without growing it).
     */
    public static PackedBias classify(long[] bs, long[] ys) {
        int r = ys.length, rb = bs.length;
        if (r == 0 || rb > r) return null;
        for (int i = 0; i < rb; i++) if (bs[i] != 1 && bs[i] != ys[r - rb + i]) return null;
        long n = ys[r - 1], m = r >= 2 ? ys[r - 2] : 1, rows = Shape.elementCount(ys) / Math.max(1, n);
        if (Shape.elementCount(bs) == 1) return new PackedBias(Kind.SCALAR, 1, 0, 0);
        long bn = rb >= 1 ? bs[rb - 1] : 1, bm = rb >= 2 ? bs[rb - 2] : 1;
        boolean batchOnes = true;
        for (int i = 0; i < rb - 2; i++) batchOnes &= bs[i] == 1;
        if (batchOnes) {
            if (bm == 1) return new PackedBias(Kind.COLUMN, 1, 0, 1);
            return bn == 1 ? new PackedBias(Kind.ROW, m, 1, 0) : new PackedBias(Kind.MATRIX, m, n, 1);
        }
        // batch dims present: only a bias covering every batch dim of Y, laid out like Y's rows
        for (int i = 0; i < rb - 2; i++) if (bs[i] != ys[r - rb + i]) return null;
        for (int i = 0; i < r - rb; i++) if (ys[i] != 1) return null;
        if (bm != m) return null;
        return bn == 1 ? new PackedBias(Kind.ROW, rows, 1, 0) : new PackedBias(Kind.MATRIX, rows, n, 1);
    }

    /**
     * Whether a bias of shape {@code bias} will take one of the forms for every value of {@code y}'s
     * symbolic dims: it must be static with only 1s before its last two dims (or, for a static y,
     * classify).
     */
    public static boolean supported(Shape bias, Shape y) {
        if (!bias.hasRank() || !bias.isStatic() || !y.hasRank() || bias.rank() > y.rank()) return false;
        long[] bs = bias.toArray();
        if (y.isStatic()) return classify(bs, y.toArray()) != null;
        if (Shape.elementCount(bs) == 1) return true;
        for (int i = 0; i < bs.length - 2; i++) if (bs[i] != 1) return false;
        return true;
    }
}
