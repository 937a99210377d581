package org.ge4j.ops.onnx.control;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.Value;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;
import org.ge4j.ops.util.Axes;

/**
 * ONNX {@code Scan}: iterates a body over slices of the scan inputs, carrying state variables and stacking
 * the per-iteration scan outputs. Opset 8 has a batch axis 0, the sequence axis 1 and optional
 * {@code sequence_lens}; opset 9+ scans any axis in either direction and stacks outputs along any axis,
 * appending or prepending.
 */
public final class ScanOp {
    private ScanOp() {}

    public static void register(OpRegistry r) {
        r.register(OpSchema.onnx("Scan", 8)
                .doc("Scan over batched sequences (batch axis 0, sequence axis 1), with optional sequence lengths.")
                .optionalInput("sequence_lens", "I")
                .variadicInput("initial_state_and_scan_inputs", null, 1)
                .variadicOutput("final_state_and_scan_outputs", null, 1)
                .types("I", DataType.INT64).types("V", ControlTypes.TENSOR)
                .requiredAttr("body", AttrType.GRAPH)
                .requiredAttr("num_scan_inputs", AttrType.INT)
                .optionalAttr("directions", AttrType.INTS)
                .traits(Trait.CONTROL_FLOW)
                .inference(ScanOp::infer8)
                .build());
        r.register(schema9(9, ControlTypes.TENSOR));
        r.register(schema9(11, ControlTypes.TENSOR)); // negative axes allowed
        r.register(schema9(16, ControlTypes.TENSOR_BF16));
        r.registerReference("Scan", ScanOp::compute);
    }

    private static OpSchema schema9(int since, Set<DataType> v) {
        return OpSchema.onnx("Scan", since)
                .doc("Scan over scan_input_axes in scan_input_directions, stacking scan outputs along scan_output_axes.")
                .variadicInput("initial_state_and_scan_inputs", null, 1)
                .variadicOutput("final_state_and_scan_outputs", null, 1)
                .types("V", v)
                .requiredAttr("body", AttrType.GRAPH)
                .requiredAttr("num_scan_inputs", AttrType.INT)
                .optionalAttr("scan_input_axes", AttrType.INTS)
                .optionalAttr("scan_input_directions", AttrType.INTS)
                .optionalAttr("scan_output_axes", AttrType.INTS)
                .optionalAttr("scan_output_directions", AttrType.INTS)
                .traits(Trait.CONTROL_FLOW)
                .inference(ScanOp::infer9)
                .build();
    }

    // ------------------------------------------------------------------ inference

    /** How the node's inputs split: {@code first} = index of the first state, n states, m scan inputs. */
    private record Layout(int first, int n, int m) {}

    private static Layout layout(InferenceContext ctx, boolean v8) {
        int first = v8 ? 1 : 0;
        long m = ctx.attrs().getInt("num_scan_inputs");
        int total = ctx.inputCount() - first;
        if (m < 1 || m > total)
            throw ctx.fail("attribute 'num_scan_inputs' is " + m + " but the node has " + total + " state and scan inputs");
        return new Layout(first, total - (int) m, (int) m);
    }

    private static Layout layout(KernelContext ctx, boolean v8) {
        int first = v8 ? 1 : 0;
        long m = ctx.attrs().getInt("num_scan_inputs");
        int total = ctx.inputCount() - first;
        if (m < 1 || m > total)
            throw ctx.fail("attribute 'num_scan_inputs' is " + m + " but the node has " + total + " state and scan inputs");
        return new Layout(first, total - (int) m, (int) m);
    }

    private static long[] attrInts(InferenceContext ctx, String name, int count, long dflt) {
        long[] a = ctx.attrs().getInts(name, null);
        if (a == null) {
            a = new long[count];
            java.util.Arrays.fill(a, dflt);
        } else if (a.length != count) {
            throw ctx.fail("attribute '" + name + "' has " + a.length + " entries, expected " + count);
        }
        return a;
    }

    private static long[] attrInts(KernelContext ctx, String name, int count, long dflt) {
        long[] a = ctx.attrs().getInts(name, null);
        if (a == null) {
            a = new long[count];
            java.util.Arrays.fill(a, dflt);
        } else if (a.length != count) {
            throw ctx.fail("attribute '" + name + "' has " + a.length + " entries, expected " + count);
        }
        return a;
    }

    private static void checkDirections(InferenceContext ctx, String name, long[] dirs) {
        for (long d : dirs) if (d != 0 && d != 1) throw ctx.fail("attribute '" + name + "' entries must be 0 (forward) or 1 (reverse), got " + d);
    }

    private static Shape without(Shape s, int axis) {
        List<Dim> d = new ArrayList<>(s.dims());
        d.remove(axis);
        return Shape.of(d);
    }

    private static Shape with(Shape s, int axis, Dim dim) {
        List<Dim> d = new ArrayList<>(s.dims());
        d.add(axis, dim);
        return Shape.of(d);
    }

    private static int normalize(InferenceContext ctx, String attr, long axis, int rank) {
        try {
            return Axes.normalize(axis, rank);
        } catch (IllegalArgumentException e) {
            throw ctx.fail("attribute '" + attr + "': " + e.getMessage());
        }
    }

    static void infer9(InferenceContext ctx) {
        Layout l = layout(ctx, false);
        Graph body = ctx.attrs().requireGraph("body");
        if (body.inputs().size() != l.n + l.m)
            throw ctx.fail("body has " + body.inputs().size() + " inputs, expected " + (l.n + l.m) + " (" + l.n + " states and " + l.m + " scan inputs)");
        long[] inAxes = attrInts(ctx, "scan_input_axes", l.m, 0);
        checkDirections(ctx, "scan_input_directions", attrInts(ctx, "scan_input_directions", l.m, 0));
        Set<DataType> allowed = ctx.schema().typeConstraints().get("V");
        List<TensorDesc> in = new ArrayList<>();
        for (int i = 0; i < l.n; i++) {
            TensorDesc d = Descs.requireTensor(ctx, i);
            Descs.checkAllowed(ctx, i, d, allowed);
            in.add(d);
        }
        Dim seqLen = null;
        for (int j = 0; j < l.m; j++) {
            TensorDesc d = Descs.requireTensor(ctx, l.n + j);
            Descs.checkAllowed(ctx, l.n + j, d, allowed);
            Shape s = d.shape();
            if (s.hasRank()) {
                if (s.rank() < 1) throw ctx.fail("scan input " + j + " must have rank >= 1, got " + s);
                int ax = normalize(ctx, "scan_input_axes", inAxes[j], s.rank());
                seqLen = mergeLen(ctx, seqLen, s.dim(ax), j);
                s = without(s, ax);
            }
            in.add(d.withShape(s));
        }
        List<TensorDesc> out = ctx.inferSubgraph(body, in);
        if (out.size() < l.n) throw ctx.fail("body has " + out.size() + " outputs, expected at least " + l.n + " final states");
        int k = out.size() - l.n;
        if (ctx.outputCount() > out.size())
            throw ctx.fail("has " + ctx.outputCount() + " outputs but the body yields " + l.n + " states and " + k + " scan outputs");
        long[] outAxes = attrInts(ctx, "scan_output_axes", k, 0);
        checkDirections(ctx, "scan_output_directions", attrInts(ctx, "scan_output_directions", k, 0));
        for (int i = 0; i < l.n && i < ctx.outputCount(); i++) {
            TensorDesc u = Descs.union(ctx.input(i), out.get(i));
            if (u == null) throw ctx.fail("state " + i + " enters as " + ctx.input(i) + " but the body returns " + out.get(i));
            ctx.setOutput(i, u);
        }
        for (int j = 0; j < k && l.n + j < ctx.outputCount(); j++) {
            TensorDesc e = out.get(l.n + j);
            Shape s = Shape.UNKNOWN_RANK;
            if (e.shape().hasRank()) {
                int ax = normalize(ctx, "scan_output_axes", outAxes[j], e.shape().rank() + 1);
                s = with(e.shape(), ax, seqLen == null ? Dim.UNKNOWN : seqLen);
            }
            ctx.setOutput(l.n + j, new TensorDesc(e.dtype(), s));
        }
    }

    private static Dim mergeLen(InferenceContext ctx, Dim seen, Dim d, int j) {
        if (seen == null) return d;
        if (seen.isStatic() && d.isStatic() && !seen.equals(d))
            throw ctx.fail("scan input " + j + " has sequence length " + d + " but scan input 0 has " + seen);
        return seen.equals(d) ? seen : seen.isStatic() ? seen : d.isStatic() ? d : Dim.UNKNOWN;
    }

    static void infer8(InferenceContext ctx) {
        Layout l = layout(ctx, true);
        Graph body = ctx.attrs().requireGraph("body");
        if (body.inputs().size() != l.n + l.m)
            throw ctx.fail("body has " + body.inputs().size() + " inputs, expected " + (l.n + l.m) + " (" + l.n + " states and " + l.m + " scan inputs)");
        checkDirections(ctx, "directions", attrInts(ctx, "directions", l.m, 0));
        TensorDesc lens = ctx.input(0);
        if (lens != null && lens.shape().hasRank() && lens.shape().rank() != 1)
            throw ctx.fail("input 0 ('sequence_lens') must be 1-D [batch], got " + lens.shape());
        Set<DataType> allowed = ctx.schema().typeConstraints().get("V");
        List<TensorDesc> in = new ArrayList<>();
        Dim batch = null, seqLen = null;
        for (int i = 0; i < l.n + l.m; i++) {
            TensorDesc d = Descs.requireTensor(ctx, l.first + i);
            Descs.checkAllowed(ctx, l.first + i, d, allowed);
            Shape s = d.shape();
            boolean scan = i >= l.n;
            if (s.hasRank()) {
                if (s.rank() < (scan ? 2 : 1))
                    throw ctx.fail("input " + (l.first + i) + " must have a batch axis" + (scan ? " and a sequence axis" : "") + ", got shape " + s);
                batch = mergeLen(ctx, batch, s.dim(0), i);
                if (scan) seqLen = mergeLen(ctx, seqLen, s.dim(1), i - l.n);
                s = without(s, 0);
                if (scan) s = without(s, 0);
            }
            in.add(d.withShape(s));
        }
        List<TensorDesc> out = ctx.inferSubgraph(body, in);
        if (out.size() < l.n) throw ctx.fail("body has " + out.size() + " outputs, expected at least " + l.n + " final states");
        if (ctx.outputCount() > out.size())
            throw ctx.fail("has " + ctx.outputCount() + " outputs but the body yields " + out.size());
        for (int i = 0; i < ctx.outputCount(); i++) {
            TensorDesc e = out.get(i);
            Shape s = Shape.UNKNOWN_RANK;
            if (e.shape().hasRank()) {
                s = with(e.shape(), 0, batch == null ? Dim.UNKNOWN : batch);
                if (i >= l.n) s = with(s, 1, seqLen == null ? Dim.UNKNOWN : seqLen);
            }
            ctx.setOutput(i, new TensorDesc(e.dtype(), s));
        }
    }

    // ------------------------------------------------------------------ kernel

    static void compute(KernelContext ctx) {
        if (ctx.opset() < 9) compute8(ctx);
        else compute9(ctx);
    }

    private static int normalize(KernelContext ctx, String attr, long axis, int rank) {
        try {
            return Axes.normalize(axis, rank);
        } catch (IllegalArgumentException e) {
            throw ctx.fail("attribute '" + attr + "': " + e.getMessage());
        }
    }

    private static Tensor scanInput(KernelContext ctx, int i) {
        Value v = ctx.value(i);
        if (v == null) throw ctx.fail("input " + i + " is absent");
        if (!(v instanceof Tensor t)) throw ctx.fail("input " + i + " must be a tensor, got a " + v.kind());
        return t;
    }

    private static void compute9(KernelContext ctx) {
        Layout l = layout(ctx, false);
        Graph body = ctx.attrs().requireGraph("body");
        long[] inAxes = attrInts(ctx, "scan_input_axes", l.m, 0);
        long[] inDirs = attrInts(ctx, "scan_input_directions", l.m, 0);
        int k = body.outputs().size() - l.n;
        if (k < 0) throw ctx.fail("body has " + body.outputs().size() + " outputs, expected at least " + l.n);
        long[] outAxes = attrInts(ctx, "scan_output_axes", k, 0);
        long[] outDirs = attrInts(ctx, "scan_output_directions", k, 0);

        Tensor[] scanIn = new Tensor[l.m];
        int[] axes = new int[l.m];
        long seqLen = -1;
        for (int j = 0; j < l.m; j++) {
            scanIn[j] = scanInput(ctx, l.n + j);
            if (scanIn[j].rank() < 1) throw ctx.fail("scan input " + j + " must have rank >= 1, got a scalar");
            axes[j] = normalize(ctx, "scan_input_axes", inAxes[j], scanIn[j].rank());
            long len = scanIn[j].dim(axes[j]);
            if (seqLen >= 0 && len != seqLen) throw ctx.fail("scan input " + j + " has sequence length " + len + " but scan input 0 has " + seqLen);
            seqLen = len;
        }
        List<Value> states = new ArrayList<>();
        for (int i = 0; i < l.n; i++) states.add(scanInput(ctx, i));
        boolean ownsStates = false;
        List<List<Tensor>> scans = new ArrayList<>();
        for (int j = 0; j < k; j++) scans.add(new ArrayList<>());
        try {
            for (long t = 0; t < seqLen; t++) {
                List<Value> in = new ArrayList<>(states);
                List<Tensor> elems = new ArrayList<>();
                List<Value> out;
                try {
                    for (int j = 0; j < l.m; j++) elems.add(TensorBlocks.take(scanIn[j], axes[j], inDirs[j] == 1 ? seqLen - 1 - t : t));
                    in.addAll(elems);
                    out = ctx.runSubgraph(body, in);
                } finally {
                    Values.closeAll(elems);
                }
                if (out.size() != l.n + k) {
                    Values.closeAll(out);
                    throw ctx.fail("body produced " + out.size() + " values, expected " + (l.n + k));
                }
                if (ownsStates) Values.closeAll(states);
                states = new ArrayList<>(out.subList(0, l.n));
                ownsStates = true;
                for (int j = 0; j < k; j++) addScanPart(ctx, scans.get(j), out, l.n + j, j);
            }
            for (int i = 0; i < l.n; i++) ctx.setOutput(i, ownsStates ? states.get(i) : Values.copy(states.get(i)));
            ownsStates = false;
            for (int j = 0; j < k; j++) {
                List<Tensor> parts = scans.get(j);
                TensorDesc d = body.outputs().get(l.n + j).value().desc();
                int rank = parts.isEmpty() ? (d.shape().hasRank() ? d.shape().rank() : 0) : parts.get(0).rank();
                int ax = normalize(ctx, "scan_output_axes", outAxes[j], rank + 1);
                if (parts.isEmpty()) {
                    ctx.setOutput(l.n + j, emptyScanOutput(ctx, d, ax, "scan output " + j));
                    continue;
                }
                List<Tensor> ordered = new ArrayList<>(parts);
                if (outDirs[j] == 1) Collections.reverse(ordered);
                ctx.setOutput(l.n + j, stack(ctx, ordered, ax, j));
            }
        } finally {
            if (ownsStates) Values.closeAll(states);
            for (List<Tensor> p : scans) Values.closeAll(p);
        }
    }

    private static void addScanPart(KernelContext ctx, List<Tensor> parts, List<Value> out, int at, int j) {
        Value s = out.get(at);
        if (!(s instanceof Tensor t)) {
            Values.closeAll(out.subList(at, out.size()));
            throw ctx.fail("scan output " + j + " must be a tensor, the body produced a " + s.kind());
        }
        parts.add(t);
    }

    private static Tensor stack(KernelContext ctx, List<Tensor> parts, int axis, int j) {
        try {
            return TensorBlocks.stack(parts, axis);
        } catch (IllegalArgumentException e) {
            throw ctx.fail("scan output " + j + " changes across iterations: " + e.getMessage());
        }
    }

    private static void compute8(KernelContext ctx) {
        Layout l = layout(ctx, true);
        Graph body = ctx.attrs().requireGraph("body");
        long[] dirs = attrInts(ctx, "directions", l.m, 0);
        int k = body.outputs().size() - l.n;
        if (k < 0) throw ctx.fail("body has " + body.outputs().size() + " outputs, expected at least " + l.n);
        Tensor[] states0 = new Tensor[l.n];
        Tensor[] scanIn = new Tensor[l.m];
        long batch = -1, maxLen = -1;
        for (int i = 0; i < l.n + l.m; i++) {
            Tensor t = scanInput(ctx, l.first + i);
            boolean scan = i >= l.n;
            if (t.rank() < (scan ? 2 : 1))
                throw ctx.fail("input " + (l.first + i) + " must have a batch axis" + (scan ? " and a sequence axis" : "") + ", got shape " + Shape.toString(t.shape()));
            if (batch >= 0 && t.dim(0) != batch) throw ctx.fail("input " + (l.first + i) + " has batch size " + t.dim(0) + " but others have " + batch);
            batch = t.dim(0);
            if (scan) {
                if (maxLen >= 0 && t.dim(1) != maxLen) throw ctx.fail("input " + (l.first + i) + " has sequence length " + t.dim(1) + " but others have " + maxLen);
                maxLen = t.dim(1);
                scanIn[i - l.n] = t;
            } else states0[i] = t;
        }
        long[] lens = null;
        if (ctx.hasInput(0)) {
            lens = ctx.requireInput(0).toLongArray();
            if (lens.length != batch) throw ctx.fail("input 0 ('sequence_lens') has " + lens.length + " entries but the batch size is " + batch);
            for (long x : lens) if (x < 0 || x > maxLen) throw ctx.fail("input 0 ('sequence_lens') entry " + x + " is outside [0, " + maxLen + "]");
        }
        // per output: one tensor per batch entry (states) or per batch entry and step (scan outputs)
        List<List<Tensor>> finals = new ArrayList<>();
        for (int i = 0; i < l.n + k; i++) finals.add(new ArrayList<>());
        List<List<Tensor>> steps = new ArrayList<>(); // scan parts of the current batch entry
        try {
            for (long b = 0; b < batch; b++) {
                long len = lens == null ? maxLen : lens[(int) b];
                List<Value> states = new ArrayList<>();
                for (int i = 0; i < l.n; i++) states.add(TensorBlocks.take(states0[i], 0, b));
                steps.clear();
                for (int j = 0; j < k; j++) steps.add(new ArrayList<>());
                try {
                    for (long t = 0; t < len; t++) {
                        List<Tensor> elems = new ArrayList<>();
                        List<Value> out;
                        try {
                            for (int j = 0; j < l.m; j++) {
                                long idx = dirs[j] == 1 ? len - 1 - t : t;
                                // element [b, idx, ...]: flat block of the inner size
                                long[] s = scanIn[j].shape();
                                long inner = TensorBlocks.product(s, 2, s.length);
                                Tensor e = Tensor.allocate(scanIn[j].dtype(), java.util.Arrays.copyOfRange(s, 2, s.length));
                                elems.add(e);
                                TensorBlocks.copy(scanIn[j], (b * s[1] + idx) * inner, e, 0, inner);
                            }
                            List<Value> in = new ArrayList<>(states);
                            in.addAll(elems);
                            out = ctx.runSubgraph(body, in);
                        } finally {
                            Values.closeAll(elems);
                        }
                        if (out.size() != l.n + k) {
                            Values.closeAll(out);
                            throw ctx.fail("body produced " + out.size() + " values, expected " + (l.n + k));
                        }
                        Values.closeAll(states);
                        states = new ArrayList<>(out.subList(0, l.n));
                        for (int j = 0; j < k; j++) addScanPart(ctx, steps.get(j), out, l.n + j, j);
                    }
                    for (int i = 0; i < l.n; i++) {
                        if (!(states.get(i) instanceof Tensor t)) throw ctx.fail("state " + i + " must be a tensor");
                        finals.get(i).add(t);
                    }
                    states = List.of();
                    for (int j = 0; j < k; j++) finals.get(l.n + j).add(padSteps(ctx, body, l.n + j, steps.get(j), maxLen, finals.get(l.n + j)));
                } finally {
                    Values.closeAll(states);
                    for (List<Tensor> p : steps) Values.closeAll(p);
                }
            }
            for (int i = 0; i < l.n + k; i++) {
                List<Tensor> parts = finals.get(i);
                if (parts.isEmpty()) {
                    TensorDesc d = body.outputs().get(i).value().desc();
                    Tensor e = emptyScanOutput(ctx, d, 0, "output " + i);
                    if (i >= l.n) {
                        long[] s = TensorBlocks.insert(e.shape(), 1, maxLen);
                        e.close();
                        e = Tensor.allocate(d.dtype(), s);
                    }
                    ctx.setOutput(i, e);
                } else {
                    ctx.setOutput(i, stack(ctx, parts, 0, i));
                }
            }
        } finally {
            for (List<Tensor> p : finals) Values.closeAll(p);
        }
    }

    /** Stacks one batch entry's scan steps and pads them with zeros to {@code maxLen} steps. */
    private static Tensor padSteps(KernelContext ctx, Graph body, int out, List<Tensor> steps, long maxLen, List<Tensor> earlier) {
        Tensor proto = !steps.isEmpty() ? steps.get(0) : earlier.isEmpty() ? null : earlier.get(0);
        long[] elem;
        DataType dtype;
        if (proto == null) {
            TensorDesc d = body.outputs().get(out).value().desc();
            Tensor e = emptyScanOutput(ctx, d, 0, "output " + out);
            elem = TensorBlocks.remove(e.shape(), 0);
            dtype = e.dtype();
            e.close();
        } else if (!steps.isEmpty()) {
            elem = proto.shape();
            dtype = proto.dtype();
        } else {
            elem = TensorBlocks.remove(proto.shape(), 0);
            dtype = proto.dtype();
        }
        Tensor r = Tensor.allocate(dtype, TensorBlocks.insert(elem, 0, maxLen));
        long inner = TensorBlocks.product(elem, 0, elem.length);
        for (int t = 0; t < steps.size(); t++) {
            Tensor s = steps.get(t);
            if (s.dtype() != dtype || !java.util.Arrays.equals(s.shape(), elem))
                throw ctx.fail("scan output " + out + " changes across iterations: " + Shape.toString(s.shape()) + " vs " + Shape.toString(elem));
            TensorBlocks.copy(s, 0, r, t * inner, inner);
        }
        return r;
    }

    /**
     * A scan output of zero iterations: the body output's type and shape (unknown dims as 0) with a 0-sized
     * axis inserted at {@code axis}. Fails when the body output's element type is not known.
     */
    static Tensor emptyScanOutput(KernelContext ctx, TensorDesc d, int axis, String what) {
        if (!d.isKnown()) throw ctx.fail(what + " has no iterations and its element type is unknown (run shape inference first)");
        long[] dims = new long[0];
        if (d.shape().hasRank()) {
            dims = new long[d.shape().rank()];
            for (int i = 0; i < dims.length; i++) dims[i] = Math.max(0, d.shape().dim(i).valueOr(0));
        }
        return Tensor.allocate(d.dtype(), TensorBlocks.insert(dims, Math.min(axis, dims.length), 0));
    }
}
