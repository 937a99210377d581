package org.ge4j.compiler.plan;

import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.TensorDesc;

/**
 * A rough estimate of a task's time from its static shapes, for stream planning: multiply-adds of ops that
 * contract with a matrix or filter (recognised by their shapes, not their names), plus the bytes every op
 * reads and writes. The figures (FLOP/s and bytes/s of one core) only need to rank tasks and compare
 * work with the cost of a cross-stream wait.
 */
public final class TaskCost {
    /** Sustained FP32 FLOP per nanosecond assumed for contractions (one core, vector kernels). */
    static final double FLOPS_PER_NS = 40;
    /** Bytes per nanosecond assumed for memory-bound ops. */
    static final double BYTES_PER_NS = 8;

    private TaskCost() {}

    /** The estimated time of {@code n} in nanoseconds (its descriptions must be static). */
    public static double nanos(Node n) { return flops(n) / FLOPS_PER_NS + bytes(n) / BYTES_PER_NS; }

    /** Bytes read and written. */
    static double bytes(Node n) {
        double b = 0;
        for (int i = 0; i < n.inputCount(); i++) if (n.inputValue(i) != null) b += bytesOf(n.inputValue(i).desc());
        for (OutDataAnchor o : n.outputs()) b += bytesOf(o.desc());
        return b;
    }

    /**
     * Floating-point operations of a contraction, 0 for other ops: input 1 a filter {@code [Cout, Cin/g, k...]}
     * of the input's rank whose first dim is the output's channel dim (convolution), or a filter with one dim less than a
     * blocked output {@code [N, ceil(Cout/b), spatial..., b]} (blocked convolution), or input 0 {@code [..., K]}
     * and input 1 {@code [..., K, N]} (matrix product), or a 2-d {@code [N, K]} matrix (transposed Gemm).
     */
    static double flops(Node n) {
        if (n.inputCount() < 2 || n.outputCount() < 1 || n.inputValue(0) == null || n.inputValue(1) == null) return 0;
        long[] x = dims(n.inputValue(0).desc()), w = dims(n.inputValue(1).desc()), y = dims(n.output(0).desc());
        if (x == null || w == null || y == null || w.length < 2 || x.length < 2 || y.length < 2) return 0;
        double out = Shape.elementCount(y);
        if (w.length == x.length && w.length >= 3 && w[0] == y[1]) // convolution: K = Cin/g * kernel
            return 2 * out * (Shape.elementCount(w) / (double) Math.max(1, w[0]));
        long b = y[y.length - 1];
        if (y.length == w.length + 1 && w.length >= 3 && b > 0 && (w[0] + b - 1) / b == y[1]) // blocked convolution: Y [N, Cout/b, spatial..., b]
            return 2 * out * (Shape.elementCount(w) / (double) Math.max(1, w[0]));
        long k = x[x.length - 1];
        if (w[w.length - 2] == k) return 2 * out * k; // matrix product
        if (w.length == 2 && w[1] == k) return 2 * out * k; // transposed B
        return 0;
    }

    private static double bytesOf(TensorDesc d) {
        long[] s = dims(d);
        return s == null ? 0 : d.dtype().storageBytes(Shape.elementCount(s));
    }

    private static long[] dims(TensorDesc d) {
        return d.shape().hasRank() && d.shape().isStatic() ? d.shape().toArray() : null;
    }
}
