package org.ge4j.ops.packed;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.ge4j.ops.autofuse.VectorMath;

/**
 * What {@link PackedGemmKernel} applies to a finished block of Y while it is in cache:
 * {@code y = act(alpha * y + beta * bias)} with the bias in one of the {@link PackedBias} forms.
 *
 * <p>Each activation has its own small loop over one row, and the row loop dispatches once per row: a
 * method holding every activation's vector code would be too big for C2 to inline, and a vector passed
 * to a call that is not inlined is boxed.
 */
final class PackedEpilogue {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    private static final int NONE = 0, SCALAR = 1, COLUMN = 2, ROW = 3, MATRIX = 4;

    private final float alpha, beta;
    private final int biasKind;
    private final long period, rowStride;
    private final PackedActivation act;

    PackedEpilogue(float alpha, float beta, PackedBias bias, PackedActivation act) {
        this.alpha = alpha;
        this.beta = beta;
        this.biasKind = switch (bias.kind()) {
            case NONE -> NONE;
            case SCALAR -> SCALAR;
            case COLUMN -> COLUMN;
            case ROW -> ROW;
            case MATRIX -> MATRIX;
        };
        this.period = bias.period();
        this.rowStride = bias.rowStride();
        this.act = act;
    }

    /** True when {@link #apply} would change nothing (no bias, alpha 1, no activation). */
    boolean trivial() { return biasKind == NONE && alpha == 1f && act.kind() == PackedActivation.NONE; }

    /**
     * Applies to {@code rows} × {@code cols} floats of y at {@code yo} (row stride ldy bytes), whose first row
     * is row {@code row0} of Y seen as rows of N and whose first column is column {@code col0}.
     */
    void apply(MemorySegment y, long yo, long ldy, int rows, int cols, MemorySegment bias, long row0, int col0) {
        for (int r = 0; r < rows; r++, yo += ldy) {
            switch (biasKind) {
                case NONE -> { if (alpha != 1f) scaleAdd(y, yo, cols, alpha, 0f); }
                case SCALAR -> scaleAdd(y, yo, cols, alpha, beta * bias.get(F, 0));
                case ROW -> scaleAdd(y, yo, cols, alpha, beta * bias.get(F, ((row0 + r) % period) * 4));
                case COLUMN -> addRow(y, yo, cols, alpha, beta, bias, col0 * 4L);
                default -> addRow(y, yo, cols, alpha, beta, bias, (((row0 + r) % period) * rowStride + col0) * 4);
            }
            switch (act.kind()) {
                case PackedActivation.NONE -> {}
                case PackedActivation.RELU -> relu(y, yo, cols);
                case PackedActivation.LEAKY_RELU -> leakyRelu(y, yo, cols, act.p0());
                case PackedActivation.CLIP -> clip(y, yo, cols, act.p0(), act.p1());
                case PackedActivation.SIGMOID -> sigmoid(y, yo, cols);
                case PackedActivation.TANH -> tanh(y, yo, cols);
                case PackedActivation.GELU -> gelu(y, yo, cols);
                case PackedActivation.GELU_TANH -> geluTanh(y, yo, cols);
                default -> throw new IllegalStateException("activation kind " + act.kind());
            }
        }
    }

    /** y = alpha y + t. */
    private static void scaleAdd(MemorySegment y, long yo, int n, float alpha, float t) {
        int j = 0;
        for (; j + L <= n; j += L) FloatVector.fromMemorySegment(S, y, yo + j * 4L, LE).fma(alpha, t).intoMemorySegment(y, yo + j * 4L, LE);
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector.fromMemorySegment(S, y, yo + j * 4L, LE, m).fma(alpha, t).intoMemorySegment(y, yo + j * 4L, LE, m);
        }
    }

    /** y = alpha y + beta u (u contiguous). */
    private static void addRow(MemorySegment y, long yo, int n, float alpha, float beta, MemorySegment u, long uo) {
        int j = 0;
        if (alpha == 1f && beta == 1f) {
            for (; j + L <= n; j += L)
                FloatVector.fromMemorySegment(S, y, yo + j * 4L, LE).add(FloatVector.fromMemorySegment(S, u, uo + j * 4L, LE)).intoMemorySegment(y, yo + j * 4L, LE);
        } else {
            for (; j + L <= n; j += L) {
                FloatVector uv = FloatVector.fromMemorySegment(S, u, uo + j * 4L, LE).mul(beta);
                FloatVector.fromMemorySegment(S, y, yo + j * 4L, LE).fma(FloatVector.broadcast(S, alpha), uv).intoMemorySegment(y, yo + j * 4L, LE);
            }
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector uv = FloatVector.fromMemorySegment(S, u, uo + j * 4L, LE, m).mul(beta);
            FloatVector.fromMemorySegment(S, y, yo + j * 4L, LE, m).fma(FloatVector.broadcast(S, alpha), uv).intoMemorySegment(y, yo + j * 4L, LE, m);
        }
    }

    private static void relu(MemorySegment y, long yo, int n) {
        int j = 0;
        for (; j + L <= n; j += L) FloatVector.fromMemorySegment(S, y, yo + j * 4L, LE).max(0f).intoMemorySegment(y, yo + j * 4L, LE);
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector.fromMemorySegment(S, y, yo + j * 4L, LE, m).max(0f).intoMemorySegment(y, yo + j * 4L, LE, m);
        }
    }

    private static void leakyRelu(MemorySegment y, long yo, int n, float alpha) {
        FloatVector a = FloatVector.broadcast(S, alpha);
        int j = 0;
        for (; j + L <= n; j += L) VectorMath.leakyRelu(FloatVector.fromMemorySegment(S, y, yo + j * 4L, LE), a).intoMemorySegment(y, yo + j * 4L, LE);
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            VectorMath.leakyRelu(FloatVector.fromMemorySegment(S, y, yo + j * 4L, LE, m), a).intoMemorySegment(y, yo + j * 4L, LE, m);
        }
    }

    private static void clip(MemorySegment y, long yo, int n, float lo, float hi) {
        int j = 0;
        for (; j + L <= n; j += L) FloatVector.fromMemorySegment(S, y, yo + j * 4L, LE).max(lo).min(hi).intoMemorySegment(y, yo + j * 4L, LE);
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector.fromMemorySegment(S, y, yo + j * 4L, LE, m).max(lo).min(hi).intoMemorySegment(y, yo + j * 4L, LE, m);
        }
    }

    private static void sigmoid(MemorySegment y, long yo, int n) {
        int j = 0;
        for (; j + L <= n; j += L) VectorMath.sigmoid(FloatVector.fromMemorySegment(S, y, yo + j * 4L, LE)).intoMemorySegment(y, yo + j * 4L, LE);
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            VectorMath.sigmoid(FloatVector.fromMemorySegment(S, y, yo + j * 4L, LE, m)).intoMemorySegment(y, yo + j * 4L, LE, m);
        }
    }

    private static void tanh(MemorySegment y, long yo, int n) {
        int j = 0;
        for (; j + L <= n; j += L) VectorMath.tanh(FloatVector.fromMemorySegment(S, y, yo + j * 4L, LE)).intoMemorySegment(y, yo + j * 4L, LE);
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            VectorMath.tanh(FloatVector.fromMemorySegment(S, y, yo + j * 4L, LE, m)).intoMemorySegment(y, yo + j * 4L, LE, m);
        }
    }

    private static void gelu(MemorySegment y, long yo, int n) {
        int j = 0;
        for (; j + L <= n; j += L) VectorMath.gelu(FloatVector.fromMemorySegment(S, y, yo + j * 4L, LE)).intoMemorySegment(y, yo + j * 4L, LE);
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            VectorMath.gelu(FloatVector.fromMemorySegment(S, y, yo + j * 4L, LE, m)).intoMemorySegment(y, yo + j * 4L, LE, m);
        }
    }

    private static void geluTanh(MemorySegment y, long yo, int n) {
        int j = 0;
        for (; j + L <= n; j += L) VectorMath.geluTanh(FloatVector.fromMemorySegment(S, y, yo + j * 4L, LE)).intoMemorySegment(y, yo + j * 4L, LE);
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            VectorMath.geluTanh(FloatVector.fromMemorySegment(S, y, yo + j * 4L, LE, m)).intoMemorySegment(y, yo + j * 4L, LE, m);
        }
    }
}
