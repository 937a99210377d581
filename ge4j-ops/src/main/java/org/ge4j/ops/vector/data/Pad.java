package org.ge4j.ops.vector.data;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.NodeSpec;

/**
 * Pad in modes constant, edge, reflect and wrap, with pads known at compile time (attributes before opset
 * 11, a constant input after; negative pads crop). Each output dim gets a table of source indices (-1 for
 * the constant); the outer dims walk their tables, a row whose source is the constant is one fill, and the
 * innermost dim is cut at compile time into runs: a memcpy for consecutive sources, a fill for the constant,
 * single moves for reflected or repeated edges. The constant value is read from input 2 at run time when
 * given there.
 */
final class Pad implements CompiledKernel {
    private final int es, rank, y;
    private final long[] dims, srcStride, dstStride; // bytes
    private final int[][] map; // per outer dim: source index per output index, -1 = constant
    private final long[] runDst, runLen, runSrc; // innermost runs (bytes); runSrc -1 = constant, else source byte offset
    private final boolean[] runSingle;
    private final MemorySegment fixedValue; // the constant when not an input
    private final int valueArg;

    private Pad(int es, long[] dims, long[] srcStride, int[][] map, List<long[]> runs, MemorySegment fixedValue, int valueArg, int y) {
        this.es = es;
        this.rank = dims.length;
        this.dims = dims;
        this.srcStride = srcStride;
        this.map = map;
        this.fixedValue = fixedValue;
        this.valueArg = valueArg;
        this.y = y;
        dstStride = new long[rank];
        long k = es;
        for (int i = rank - 1; i >= 0; i--) {
            dstStride[i] = k;
            k *= dims[i];
        }
        int n = runs.size();
        runDst = new long[n];
        runLen = new long[n];
        runSrc = new long[n];
        runSingle = new boolean[n];
        for (int i = 0; i < n; i++) {
            long[] r = runs.get(i);
            runDst[i] = r[0];
            runLen[i] = r[1];
            runSrc[i] = r[2];
            runSingle[i] = r[1] == es && r[2] >= 0;
        }
    }

    static CompiledKernel compile(NodeSpec s, OpSchema schema) {
        if (!DataSpecs.allStatic(s)) return null;
        DataType t = s.input(0).dtype();
        int es = DataSpecs.elementSize(t);
        if (es < 0 || es > 8 || s.output(0).dtype() != t) return null;
        int mode = switch (s.attrs().getString("mode", "constant")) {
            case "constant" -> 0;
            case "edge" -> 1;
            case "reflect" -> 2;
            case "wrap" -> 3;
            default -> -1;
        };
        if (mode < 0) return null;
        long[] in = s.inputShape(0), out = s.outputShape(0);
        int r = in.length;
        int v = schema.sinceVersion();
        long[] pads;
        int[] axes;
        MemorySegment fixed = null;
        int valueArg = -1;
        if (v < 11) {
            pads = s.attrs().getInts(v < 2 ? "paddings" : "pads", null);
            axes = null;
            Tensor c = Tensor.scalar(t, s.attrs().getFloat("value", 0f));
            fixed = DataSpecs.copyOf(c);
            c.close();
        } else {
            pads = DataSpecs.longs(s.constant(1));
            long[] ax = v >= 18 && s.input(3) != null ? DataSpecs.longs(s.constant(3)) : null;
            if (v >= 18 && s.input(3) != null && ax == null) return null;
            axes = null;
            if (ax != null) {
                axes = new int[ax.length];
                for (int i = 0; i < ax.length; i++) if ((axes[i] = DataSpecs.axis(ax[i], r)) < 0) return null;
            }
            if (s.input(2) != null) {
                if (DataSpecs.count(s.inputShape(2)) != 1 || s.input(2).dtype() != t) return null;
                valueArg = 2;
            } else fixed = DataSpecs.allocate(8);
        }
        if (pads == null) return null;
        if (axes == null) {
            axes = new int[r];
            for (int i = 0; i < r; i++) axes[i] = i;
        }
        if (pads.length != 2 * axes.length) return null;
        long[] begin = new long[r], end = new long[r];
        for (int i = 0; i < axes.length; i++) {
            begin[axes[i]] = pads[i];
            end[axes[i]] = pads[i + axes.length];
        }
        long[] st = DataSpecs.strides(in);
        int[][] map = new int[r][];
        for (int d = 0; d < r; d++) {
            long size = in[d] + begin[d] + end[d];
            if (size != out[d] || size > Integer.MAX_VALUE) return null;
            long lo = Math.max(0, -begin[d]), len = in[d] - lo - Math.max(0, -end[d]), before = Math.max(begin[d], 0);
            if (len <= 0 && size > 0 && mode != 0) return null; // nothing to repeat: the reference reports it
            map[d] = new int[(int) size];
            for (int o = 0; o < size; o++) {
                long j = o - before;
                if (j < 0 || j >= len) {
                    j = switch (mode) {
                        case 0 -> -1;
                        case 1 -> j < 0 ? 0 : len - 1;
                        case 3 -> Math.floorMod(j, len);
                        default -> reflect(j, len);
                    };
                }
                map[d][o] = j < 0 ? -1 : (int) (lo + j);
            }
        }
        int y = s.inputs().size();
        if (DataSpecs.count(out) == 0) return args -> {};
        long[] srcStride = new long[r];
        for (int d = 0; d < r; d++) srcStride[d] = st[d] * es;
        if (r == 0) return new Movement.Copy(es, y);
        return new Pad(es, out, srcStride, map, runs(map[r - 1], es, srcStride[r - 1]), fixed, valueArg, y);
    }

    /** Index j reflected into [0, len) without repeating the edge. */
    private static long reflect(long j, long len) {
        if (len == 1) return 0;
        long period = 2 * (len - 1);
        long m = Math.floorMod(j, period);
        return m < len ? m : period - m;
    }

    /** The innermost dim's table as runs {dst byte, byte length, src byte or -1}. */
    private static List<long[]> runs(int[] m, int es, long stride) {
        List<long[]> runs = new ArrayList<>();
        int o = 0;
        while (o < m.length) {
            int e = o + 1;
            if (m[o] < 0) while (e < m.length && m[e] < 0) e++;
            else while (e < m.length && m[e] == m[e - 1] + 1) e++;
            runs.add(new long[] {(long) o * es, (long) (e - o) * es, m[o] < 0 ? -1 : m[o] * stride});
            o = e;
        }
        return runs;
    }

    @Override public void run(MemorySegment[] args) {
        MemorySegment value = valueArg >= 0 ? args[valueArg] : fixedValue;
        level(0, args[0], 0, args[y], 0, value);
    }

    private void level(int d, MemorySegment src, long so, MemorySegment dst, long dO, MemorySegment value) {
        if (d == rank - 1) {
            for (int i = 0; i < runDst.length; i++) {
                long from = runSrc[i], to = dO + runDst[i];
                if (from < 0) StridedCopy.fill(es, value, 0, dst, to, runLen[i] / es);
                else if (runSingle[i]) StridedCopy.gather(es, src, so + from, 0, dst, to, 1);
                else MemorySegment.copy(src, so + from, dst, to, runLen[i]);
            }
            return;
        }
        int[] m = map[d];
        long ss = srcStride[d], ds = dstStride[d], block = ds / es;
        for (int o = 0; o < m.length; o++) {
            if (m[o] < 0) StridedCopy.fill(es, value, 0, dst, dO + o * ds, block);
            else level(d + 1, src, so + m[o] * ss, dst, dO + o * ds, value);
        }
    }

    @Override public String toString() { return "Pad" + Arrays.toString(dims); }
}
