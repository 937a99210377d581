package org.ge4j.ops.vector;

import static org.ge4j.ops.vector.Sgemm.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.ge4j.ops.Attrs;

/**
 * An activation applied lane-wise as the last step of a fused kernel (the fused ops' {@code activation}
 * attribute) or as a standalone unary op: its kind and up to two parameters.
 *
 * <p>Each kind has its own small loop over contiguous floats, and callers dispatch once per row, never
 * per vector: one method holding every activation would be too big for C2 to inline into a vector loop,
 * and a vector passed to a call that is not inlined is boxed (an allocation per vector).
 */
record Act(int kind, float p0, float p1) {
    static final int NONE = 0, RELU = 1, LEAKY_RELU = 2, CLIP = 3, SIGMOID = 4, TANH = 5, GELU = 6, GELU_TANH = 7, ERF = 8, EXP = 9;

    static final Act IDENTITY = new Act(NONE, 0, 0);

    private static final VectorSpecies<Float> S = VMath.S;
    private static final int L = S.length();

    /**
     * The activation named by a fused op's attributes ({@code activation}, {@code activation_params},
     * {@code approximate}); null for a name this library does not know (the caller declines).
     */
    static Act ofFusedAttrs(Attrs a) { return ofFusedAttrs(a, ""); }

    /** {@link #ofFusedAttrs(Attrs)} from the attributes {@code prefix + "activation"}, {@code ..._params}, {@code prefix + "approximate"}. */
    static Act ofFusedAttrs(Attrs a, String prefix) {
        String name = a.getString(prefix + "activation", "");
        float[] p = a.getFloats(prefix + "activation_params", new float[0]);
        return switch (name) {
            case "" -> IDENTITY;
            case "Relu" -> new Act(RELU, 0, 0);
            case "LeakyRelu" -> new Act(LEAKY_RELU, p.length > 0 ? p[0] : 0.01f, 0);
            case "Clip" -> new Act(CLIP, p.length > 0 ? p[0] : Float.NEGATIVE_INFINITY, p.length > 1 ? p[1] : Float.POSITIVE_INFINITY);
            case "Sigmoid" -> new Act(SIGMOID, 0, 0);
            case "Tanh" -> new Act(TANH, 0, 0);
            case "Gelu" -> switch (a.getString(prefix + "approximate", "none")) {
                case "none" -> new Act(GELU, 0, 0);
                case "tanh" -> new Act(GELU_TANH, 0, 0);
                default -> null;
            };
            default -> null;
        };
    }

    boolean isIdentity() { return kind == NONE; }

    /** y[i] = act(x[i]) for i in [0, n); x and y may be the same memory. */
    void apply(MemorySegment x, long xo, MemorySegment y, long yo, long n) {
        switch (kind) {
            case NONE -> { if (x != y || xo != yo) MemorySegment.copy(x, xo, y, yo, n * 4); }
            case RELU -> relu(x, xo, y, yo, n);
            case LEAKY_RELU -> leakyRelu(x, xo, y, yo, n, p0);
            case CLIP -> clip(x, xo, y, yo, n, p0, p1);
            case SIGMOID -> sigmoid(x, xo, y, yo, n);
            case TANH -> tanh(x, xo, y, yo, n);
            case GELU -> gelu(x, xo, y, yo, n);
            case GELU_TANH -> geluTanh(x, xo, y, yo, n);
            case ERF -> erf(x, xo, y, yo, n);
            case EXP -> exp(x, xo, y, yo, n);
            default -> throw new IllegalStateException("activation kind " + kind);
        }
    }

    /** Applies the activation in place to rows × cols floats at {@code co} with row stride ldc bytes. */
    void applyRows(MemorySegment c, long co, long ldc, int rows, int cols) {
        if (kind == NONE) return;
        for (int r = 0; r < rows; r++, co += ldc) apply(c, co, c, co, cols);
    }

    // one loop per kind; the tail is a masked vector

    private static void relu(MemorySegment x, long xo, MemorySegment y, long yo, long n) {
        long i = 0;
        for (; i + L <= n; i += L) FloatVector.fromMemorySegment(S, x, xo + i * 4, LE).max(0f).intoMemorySegment(y, yo + i * 4, LE);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromMemorySegment(S, x, xo + i * 4, LE, m).max(0f).intoMemorySegment(y, yo + i * 4, LE, m);
        }
    }

    private static void leakyRelu(MemorySegment x, long xo, MemorySegment y, long yo, long n, float alpha) {
        long i = 0;
        for (; i + L <= n; i += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, xo + i * 4, LE);
            v.blend(v.mul(alpha), v.lt(0f)).intoMemorySegment(y, yo + i * 4, LE);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromMemorySegment(S, x, xo + i * 4, LE, m);
            v.blend(v.mul(alpha), v.lt(0f)).intoMemorySegment(y, yo + i * 4, LE, m);
        }
    }

    static void clip(MemorySegment x, long xo, MemorySegment y, long yo, long n, float lo, float hi) {
        long i = 0;
        for (; i + L <= n; i += L) FloatVector.fromMemorySegment(S, x, xo + i * 4, LE).max(lo).min(hi).intoMemorySegment(y, yo + i * 4, LE);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromMemorySegment(S, x, xo + i * 4, LE, m).max(lo).min(hi).intoMemorySegment(y, yo + i * 4, LE, m);
        }
    }

    // The transcendental loops run one masked iteration pattern so their (long) bodies appear once; the
    // math is written out in each loop, never in a helper taking a vector (see the class comment).

    private static void sigmoid(MemorySegment x, long xo, MemorySegment y, long yo, long n) {
        for (long i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromMemorySegment(S, x, xo + i * 4, LE, m);
            FloatVector e = v.neg().lanewise(VectorOperators.EXP);
            FloatVector.broadcast(S, 1f).div(e.add(1f)).intoMemorySegment(y, yo + i * 4, LE, m);
        }
    }

    private static void tanh(MemorySegment x, long xo, MemorySegment y, long yo, long n) {
        for (long i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromMemorySegment(S, x, xo + i * 4, LE, m).lanewise(VectorOperators.TANH).intoMemorySegment(y, yo + i * 4, LE, m);
        }
    }

    private static void exp(MemorySegment x, long xo, MemorySegment y, long yo, long n) {
        for (long i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromMemorySegment(S, x, xo + i * 4, LE, m).lanewise(VectorOperators.EXP).intoMemorySegment(y, yo + i * 4, LE, m);
        }
    }

    /** x/2 (1 + tanh(√(2/π) (x + 0.044715 x³))). */
    private static void geluTanh(MemorySegment x, long xo, MemorySegment y, long yo, long n) {
        for (long i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromMemorySegment(S, x, xo + i * 4, LE, m);
            FloatVector inner = v.mul(v).mul(0.044715f).add(1f).mul(v).mul(VMath.SQRT_2_OVER_PI);
            v.mul(0.5f).mul(inner.lanewise(VectorOperators.TANH).add(1f)).intoMemorySegment(y, yo + i * 4, LE, m);
        }
    }

    /** x Φ(x) = x/2 (1 + erf(x/√2)), through erfc for x &lt; 0 (no cancellation in the tail); see {@link VMath}. */
    private static void gelu(MemorySegment x, long xo, MemorySegment y, long yo, long n) {
        for (long i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromMemorySegment(S, x, xo + i * 4, LE, m);
            FloatVector u = v.abs().mul(VMath.SQRT_HALF);
            // erfc(u) = exp(-u²) t Q(t), t = 1 / (1 + u/2)
            FloatVector t = FloatVector.broadcast(S, 1f).div(u.fma(0.5f, 1f));
            FloatVector q = t.fma(VMath.C9, VMath.C8).fma(t, FloatVector.broadcast(S, VMath.C7)).fma(t, FloatVector.broadcast(S, VMath.C6))
                    .fma(t, FloatVector.broadcast(S, VMath.C5)).fma(t, FloatVector.broadcast(S, VMath.C4)).fma(t, FloatVector.broadcast(S, VMath.C3))
                    .fma(t, FloatVector.broadcast(S, VMath.C2)).fma(t, FloatVector.broadcast(S, VMath.C1)).fma(t, FloatVector.broadcast(S, VMath.C0));
            FloatVector erfc = u.mul(u).neg().lanewise(VectorOperators.EXP).mul(t).mul(q);
            // below 0.5: erf(u) = u P(u²)
            FloatVector s2 = u.mul(u);
            FloatVector p = s2.fma(VMath.E4, VMath.E3).fma(s2, FloatVector.broadcast(S, VMath.E2)).fma(s2, FloatVector.broadcast(S, VMath.E1))
                    .fma(s2, FloatVector.broadcast(S, VMath.E0));
            erfc = erfc.blend(u.mul(p).neg().add(1f), u.lt(0.5f));
            FloatVector onePlusErf = erfc.neg().add(2f).blend(erfc, v.lt(0f));
            v.mul(0.5f).mul(onePlusErf).intoMemorySegment(y, yo + i * 4, LE, m);
        }
    }

    private static void erf(MemorySegment x, long xo, MemorySegment y, long yo, long n) {
        for (long i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromMemorySegment(S, x, xo + i * 4, LE, m);
            FloatVector u = v.abs();
            FloatVector t = FloatVector.broadcast(S, 1f).div(u.fma(0.5f, 1f));
            FloatVector q = t.fma(VMath.C9, VMath.C8).fma(t, FloatVector.broadcast(S, VMath.C7)).fma(t, FloatVector.broadcast(S, VMath.C6))
                    .fma(t, FloatVector.broadcast(S, VMath.C5)).fma(t, FloatVector.broadcast(S, VMath.C4)).fma(t, FloatVector.broadcast(S, VMath.C3))
                    .fma(t, FloatVector.broadcast(S, VMath.C2)).fma(t, FloatVector.broadcast(S, VMath.C1)).fma(t, FloatVector.broadcast(S, VMath.C0));
            FloatVector big = u.mul(u).neg().lanewise(VectorOperators.EXP).mul(t).mul(q).neg().add(1f);
            FloatVector s2 = u.mul(u);
            FloatVector p = s2.fma(VMath.E4, VMath.E3).fma(s2, FloatVector.broadcast(S, VMath.E2)).fma(s2, FloatVector.broadcast(S, VMath.E1))
                    .fma(s2, FloatVector.broadcast(S, VMath.E0));
            FloatVector r = big.blend(u.mul(p), u.lt(0.5f));
            r = r.blend(r.neg(), v.lt(0f)).blend(v, v.test(VectorOperators.IS_NAN));
            r.intoMemorySegment(y, yo + i * 4, LE, m);
        }
    }
}
