package org.ge4j.ops.vector.data;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.ge4j.ir.DataType;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.NodeSpec;

/**
 * Compilers of the ops that only move elements through an affine view of their input — Transpose, Slice,
 * Expand, Tile — and of the ops that are a plain copy when the memory planner did not make them a view
 * (Reshape, Flatten, Squeeze, Unsqueeze, Identity). Each declines (null) what it cannot do statically; the
 * reference kernel then runs and reports any error in the node's terms.
 */
final class Movement {
    private Movement() {}

    /** The element size of input 0, which must match output 0's dtype; -1 when not movable by bytes. */
    private static int sameTypeElementSize(NodeSpec s) {
        DataType t = s.input(0).dtype();
        return t != s.output(0).dtype() ? -1 : DataSpecs.elementSize(t);
    }

    /** A copy of the data that also checks the output's shape is the one computed (the planner's). */
    private static CompiledKernel view(NodeSpec s, int es, long[] dims, long[] strides, long offset) {
        if (!Arrays.equals(dims, s.outputShape(0))) return null;
        return StridedCopy.of(es, dims, strides, offset, 0, s.inputs().size());
    }

    // ---------------------------------------------------------------- plain copies

    /** Reshape, Flatten, Squeeze, Unsqueeze, Identity: the bytes of input 0 as output 0 (nothing when they share memory). */
    static CompiledKernel copy(NodeSpec s, OpSchema schema) {
        if (s.inputs().isEmpty() || s.input(0) == null || s.outputs().size() != 1) return null;
        long[] in = DataSpecs.shape(s.input(0)), out = DataSpecs.shape(s.output(0));
        DataType t = s.input(0).dtype();
        if (in == null || out == null || t != s.output(0).dtype() || DataSpecs.count(in) != DataSpecs.count(out)) return null;
        long bytes = t.storageBytes(DataSpecs.count(in));
        int y = s.inputs().size();
        return new Copy(bytes, y);
    }

    /** A plain copy of {@code bytes} bytes from args[0] to args[y], skipped when both are the same memory. */
    record Copy(long bytes, int y) implements CompiledKernel {
        @Override public void run(MemorySegment[] args) {
            MemorySegment a = args[0], b = args[y];
            if (bytes == 0 || a.equals(b)) return;
            MemorySegment.copy(a, 0, b, 0, bytes);
        }
    }

    // ---------------------------------------------------------------- Transpose

    static CompiledKernel transpose(NodeSpec s, OpSchema schema) {
        if (!DataSpecs.allStatic(s)) return null;
        int es = sameTypeElementSize(s);
        if (es < 0) return null;
        long[] in = s.inputShape(0);
        int r = in.length;
        long[] perm = s.attrs().getInts("perm", null);
        int[] p = new int[r];
        if (perm == null) for (int i = 0; i < r; i++) p[i] = r - 1 - i;
        else {
            if (perm.length != r) return null;
            boolean[] seen = new boolean[r];
            for (int i = 0; i < r; i++) {
                if (perm[i] < 0 || perm[i] >= r || seen[(int) perm[i]]) return null;
                seen[(int) perm[i]] = true;
                p[i] = (int) perm[i];
            }
        }
        long[] st = DataSpecs.strides(in), dims = new long[r], strides = new long[r];
        for (int i = 0; i < r; i++) {
            dims[i] = in[p[i]];
            strides[i] = st[p[i]];
        }
        return view(s, es, dims, strides, 0);
    }

    // ---------------------------------------------------------------- Slice

    /** Slice with constant starts/ends/axes/steps (inputs from opset 10, attributes before). */
    static CompiledKernel slice(NodeSpec s, OpSchema schema) {
        if (!DataSpecs.allStatic(s)) return null;
        int es = sameTypeElementSize(s);
        if (es < 0) return null;
        long[] in = s.inputShape(0);
        int r = in.length;
        long[] starts, ends, axes, steps;
        if (schema.sinceVersion() < 10) {
            starts = s.attrs().getInts("starts", null);
            ends = s.attrs().getInts("ends", null);
            axes = s.attrs().getInts("axes", null);
            steps = null;
        } else {
            starts = DataSpecs.longs(s.constant(1));
            ends = DataSpecs.longs(s.constant(2));
            axes = s.input(3) == null ? null : DataSpecs.longs(s.constant(3));
            steps = s.input(4) == null ? null : DataSpecs.longs(s.constant(4));
            if (s.input(3) != null && axes == null || s.input(4) != null && steps == null) return null;
        }
        if (starts == null || ends == null || starts.length != ends.length) return null;
        int k = starts.length;
        if (axes != null && axes.length != k || steps != null && steps.length != k || axes == null && k > r) return null;
        long[] st = DataSpecs.strides(in), dims = in.clone(), strides = st.clone();
        long offset = 0;
        boolean[] seen = new boolean[r];
        for (int i = 0; i < k; i++) {
            int a = axes == null ? i : DataSpecs.axis(axes[i], r);
            if (a < 0 || seen[a]) return null;
            seen[a] = true;
            long step = steps == null ? 1 : steps[i];
            if (step == 0) return null;
            long[] range = clamp(starts[i], ends[i], step, in[a]);
            dims[a] = range[1];
            if (range[1] == 0) continue;
            offset += range[0] * st[a];
            strides[a] = st[a] * step;
        }
        return view(s, es, dims, strides, offset);
    }

    /** ONNX's clamping of one axis' bounds: {first index, count}. */
    static long[] clamp(long start, long end, long step, long dim) {
        if (dim == 0) return new long[] {0, 0};
        if (start < 0) start += dim;
        if (end < 0) end += dim;
        long count;
        if (step > 0) {
            start = Math.clamp(start, 0, dim);
            end = Math.clamp(end, 0, dim);
            count = end > start ? (end - start + step - 1) / step : 0;
        } else {
            start = Math.clamp(start, 0, dim - 1);
            end = Math.clamp(end, -1, dim - 1);
            count = start > end ? (start - end - step - 1) / -step : 0;
        }
        return new long[] {start, Math.max(count, 0)};
    }

    // ---------------------------------------------------------------- Expand, Tile

    /** Expand: input 0 broadcast to the (static) output shape. */
    static CompiledKernel expand(NodeSpec s, OpSchema schema) {
        if (!DataSpecs.allStatic(s)) return null;
        int es = sameTypeElementSize(s);
        if (es < 0) return null;
        long[] in = s.inputShape(0), out = s.outputShape(0);
        if (in.length > out.length) return null;
        long[] st = DataSpecs.strides(in), strides = new long[out.length];
        int shift = out.length - in.length;
        for (int i = 0; i < out.length; i++) {
            int j = i - shift;
            if (j < 0 || in[j] == 1) strides[i] = 0;
            else if (in[j] == out[i]) strides[i] = st[j];
            else return null;
        }
        return view(s, es, out, strides, 0);
    }

    /** Tile: output dim i = input dim i × repeats[i]; viewed as (repeat, dim) pairs with stride 0 on the repeats. */
    static CompiledKernel tile(NodeSpec s, OpSchema schema) {
        if (!DataSpecs.allStatic(s)) return null;
        int es = sameTypeElementSize(s);
        if (es < 0) return null;
        long[] in = s.inputShape(0), out = s.outputShape(0);
        int r = in.length;
        if (out.length != r) return null;
        long[] st = DataSpecs.strides(in), dims = new long[2 * r], strides = new long[2 * r];
        long[] reps = DataSpecs.longs(s.constant(1));
        for (int i = 0; i < r; i++) {
            long rep = in[i] == 0 ? (reps != null && reps.length == r ? reps[i] : 0) : out[i] / in[i];
            if (in[i] * rep != out[i] || reps != null && reps.length == r && in[i] != 0 && reps[i] != rep) return null;
            dims[2 * i] = rep;
            dims[2 * i + 1] = in[i];
            strides[2 * i + 1] = st[i];
        }
        if (DataSpecs.count(out) == 0) return args -> {};
        return StridedCopy.of(es, dims, strides, 0, 0, s.inputs().size());
    }
}
