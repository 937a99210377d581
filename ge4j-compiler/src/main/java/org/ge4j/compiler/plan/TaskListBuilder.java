package org.ge4j.compiler.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Graph;
import org.ge4j.ir.InDataAnchor;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.ValueKind;
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;
import org.ge4j.ops.onnx.tensor.ShapeValues;

/**
 * Builds the {@link ExecutionPlan} of a graph with static shapes: values numbered, constants merged into
 * one weights region, VIEW ops aliased to their input (no task), IN_PLACE ops writing over an input that
 * dies there, graph outputs written straight into the caller's buffers, and the rest placed in one arena
 * by the {@link MemoryPlanner}. With several streams ({@link StreamPlanner}) a buffer's memory is reused
 * only by tasks ordered after all of its readers (by stream order or events), and an op writes in place
 * only over a buffer whose other readers are all ordered before it.
 */
public final class TaskListBuilder {
    private final OpRegistry registry;
    private final StreamPlanner.Options streams;
    /** Whether Concat parts are computed in place into the Concat's output ({@code -Dge4j.plan.concatInPlace}); tests set this. */
    static boolean concatInPlace = !"false".equals(System.getProperty("ge4j.plan.concatInPlace"));

    /** A builder of single-stream plans. */
    public TaskListBuilder(OpRegistry registry) { this(registry, StreamPlanner.Options.single()); }

    /** A builder whose plans put independent branches on streams as {@code streams} allows. */
    public TaskListBuilder(OpRegistry registry, StreamPlanner.Options streams) {
        this.registry = registry;
        this.streams = streams;
    }

    /** Throws naming the first value whose shape is not static (such graphs need the dynamic executor). */
    public static void requireStatic(Graph g) {
        for (Node n : g.nodes())
            for (OutDataAnchor o : n.outputs()) {
                TensorDesc d = o.desc();
                if (d.kind() != ValueKind.TENSOR || !d.shape().isStatic() || d.dtype() == DataType.UNDEFINED || d.dtype() == DataType.STRING)
                    throw new Ge4jException("graph '" + g.name() + "': value %" + o.name() + " of " + n.describe() + " is " + d
                            + ": the static executor needs static numeric tensor shapes everywhere");
            }
    }

    /** Whether {@link #build} can plan this graph. */
    public static boolean isStatic(Graph g) {
        try {
            requireStatic(g);
            return true;
        } catch (Ge4jException e) {
            return false;
        }
    }

    /** Plans {@code g} with its constants laid out by {@link WeightsLayout#of}. */
    public ExecutionPlan build(Graph g) { return build(g, WeightsLayout.of(g)); }

    /**
     * Plans {@code g} with its constants at the offsets of {@code weightsLayout} (shared by all the plans of
     * one model: its gears and its per-shape plans).
     */
    public ExecutionPlan build(Graph g, WeightsLayout weightsLayout) {
        requireStatic(g);
        Map<String, WeightsLayout.Entry> weightEntries = weightsLayout.byValue();
        List<Node> order = g.topologicalOrder();
        Map<OutDataAnchor, Integer> ids = new HashMap<>();
        List<OutDataAnchor> anchors = new ArrayList<>();
        for (Node n : order) for (OutDataAnchor o : n.outputs()) { ids.put(o, anchors.size()); anchors.add(o); }
        int nv = anchors.size();

        ExecutionPlan.Storage[] storage = new ExecutionPlan.Storage[nv];
        long[] offset = new long[nv];
        int[] aliasOf = new int[nv]; // value whose buffer this value shares (itself if none)
        for (int i = 0; i < nv; i++) aliasOf[i] = i;

        // graph inputs
        List<Node> inputs = g.inputNodes();
        for (int k = 0; k < inputs.size(); k++) {
            int id = ids.get(inputs.get(k).output(0));
            storage[id] = ExecutionPlan.Storage.INPUT;
            offset[id] = k;
        }
        // constants: merged weights
        long weights = weightsLayout.size();
        for (Node n : order) {
            Tensor c = n.outputCount() == 1 ? GraphInference.constantValue(n.output(0)) : null;
            if (c == null) continue;
            int id = ids.get(n.output(0));
            WeightsLayout.Entry e = weightEntries.get(n.output(0).name());
            if (e == null || e.bytes() != c.byteSize())
                throw new Ge4jException("graph '" + g.name() + "': constant %" + n.output(0).name() + " is not in the model's weights layout");
            storage[id] = ExecutionPlan.Storage.WEIGHT;
            offset[id] = e.offset();
        }
        // shape arithmetic known at these shapes (Shape -> Gather -> Concat ...): plan constants, no task
        java.io.ByteArrayOutputStream constants = new java.io.ByteArrayOutputStream();
        for (Node n : order) {
            if (n.isData() || !n.domain().isEmpty() || n.outputCount() == 0 || !n.subgraphs().isEmpty()) continue;
            OutDataAnchor o = n.output(0);
            int id = ids.get(o);
            if (storage[id] != null || g.isOutput(o)) continue;
            byte[] b = shapeConstant(o);
            if (b == null) continue;
            storage[id] = ExecutionPlan.Storage.CONSTANT;
            offset[id] = constants.size();
            constants.writeBytes(b);
            constants.writeBytes(new byte[(int) (MemoryPlanner.align(b.length) - b.length)]);
        }
        // graph outputs produced by tasks go straight to the caller's buffers (first binding only)
        List<ExecutionPlan.OutputCopy> copies = new ArrayList<>();
        List<Graph.Output> outs = g.outputs();
        for (int k = 0; k < outs.size(); k++) {
            int id = ids.get(outs.get(k).value());
            if (storage[id] == null) {
                storage[id] = ExecutionPlan.Storage.OUTPUT;
                offset[id] = k;
            } else {
                copies.add(new ExecutionPlan.OutputCopy(id, k));
            }
        }

        // which nodes compute something read: backwards from the graph outputs, stopping at plan constants
        int nn = order.size();
        Map<Node, Boolean> needed = new java.util.IdentityHashMap<>();
        for (int t = nn - 1; t >= 0; t--) {
            Node n = order.get(t);
            boolean need = false;
            for (OutDataAnchor o : n.outputs()) {
                ExecutionPlan.Storage st = storage[ids.get(o)];
                if (st == ExecutionPlan.Storage.CONSTANT || st == ExecutionPlan.Storage.WEIGHT) continue;
                if (g.isOutput(o)) need = true;
                for (InDataAnchor c : o.peers()) need |= needed.getOrDefault(c.node(), Boolean.FALSE) || c.node().graph() != g;
            }
            for (OutDataAnchor o : n.outputs())
                for (InDataAnchor c : o.peers()) if (!c.node().capturedValues().isEmpty()) need = true;
            if (need) needed.put(n, Boolean.TRUE);
        }

        // pass 1: which nodes become tasks; VIEW ops alias their input's buffer instead
        boolean[] isTask = new boolean[nn];
        OpSchema[] schemas = new OpSchema[nn];
        for (int t = 0; t < nn; t++) {
            Node n = order.get(t);
            if (n.isData() || n.outputCount() == 1 && storage[ids.get(n.output(0))] == ExecutionPlan.Storage.WEIGHT) continue;
            if (!needed.containsKey(n)) {
                for (OutDataAnchor o : n.outputs()) if (storage[ids.get(o)] == null) storage[ids.get(o)] = ExecutionPlan.Storage.NONE;
                continue;
            }
            OpSchema s = registry.schemaFor(n);
            if (s == null) throw GraphInference.unknownOp(n);
            schemas[t] = s;
            if ((s.has(Trait.VIEW) || movesOnlyUnitDims(n)) && n.outputCount() == 1 && n.inputValue(0) != null && storage[ids.get(n.output(0))] == null && n.subgraphs().isEmpty()) {
                int in = root(aliasOf, ids.get(n.inputValue(0)));
                if (storage[in] == ExecutionPlan.Storage.ARENA || storage[in] == ExecutionPlan.Storage.WEIGHT) {
                    int out = ids.get(n.output(0));
                    aliasOf[out] = in;
                    if (storage[in] == ExecutionPlan.Storage.WEIGHT) {
                        storage[out] = ExecutionPlan.Storage.WEIGHT;
                        offset[out] = offset[in];
                    }
                    continue;
                }
            }
            isTask[t] = true;
            for (OutDataAnchor o : n.outputs()) if (storage[ids.get(o)] == null) storage[ids.get(o)] = ExecutionPlan.Storage.ARENA;
        }
        for (int i = 0; i < nv; i++) if (storage[i] == null) storage[i] = storage[root(aliasOf, i)];
        long[] aliasOff = new long[nv]; // a value's byte offset in the buffer of aliasOf[value]
        if (concatInPlace) concatsInPlace(g, order, ids, storage, aliasOf, aliasOff);

        // pass 2: lifetimes of each value on the node clock (definition .. last use)
        int[] start = new int[nv], end = new int[nv];
        for (int t = 0; t < nn; t++)
            for (OutDataAnchor o : order.get(t).outputs()) { start[ids.get(o)] = t; end[ids.get(o)] = t; }
        for (int t = 0; t < nn; t++) {
            Node n = order.get(t);
            for (InDataAnchor a : n.inputs()) if (a.peer() != null) use(ids.get(a.peer()), t, end);
            for (OutDataAnchor c : n.capturedValues()) if (ids.containsKey(c)) use(ids.get(c), t, end);
        }
        for (ExecutionPlan.OutputCopy c : copies) use(c.from(), nn, end);
        // a buffer lives as long as any value aliasing it
        int[] bufStart = start.clone(), bufEnd = end.clone();
        for (int i = 0; i < nv; i++) {
            int r = root(aliasOf, i);
            if (r != i) { bufStart[r] = Math.min(bufStart[r], start[i]); bufEnd[r] = Math.max(bufEnd[r], end[i]); }
        }

        // the tasks, their arguments, and the streams they run on
        int[] taskOfNode = new int[nn];
        List<int[]> argsOf = new ArrayList<>();
        List<Integer> nodeOfTask = new ArrayList<>();
        for (int t = 0; t < nn; t++) {
            taskOfNode[t] = -1;
            if (!isTask[t]) continue;
            Node n = order.get(t);
            int[] args = new int[n.inputCount() + n.outputCount()];
            for (int i = 0; i < n.inputCount(); i++) args[i] = n.inputValue(i) == null ? -1 : ids.get(n.inputValue(i));
            for (int i = 0; i < n.outputCount(); i++) args[n.inputCount() + i] = ids.get(n.output(i));
            taskOfNode[t] = argsOf.size();
            argsOf.add(args);
            nodeOfTask.add(t);
        }
        int nt = argsOf.size();
        StreamPlan streamPlan = planStreams(order, nodeOfTask, argsOf, nv, aliasOf);
        int[] streamOf = streamPlan.streamOf();
        int[][] clocks = streamPlan.streams() > 1 ? streamPlan.clocksBefore() : null;
        List<List<Integer>> uses = new ArrayList<>(nv); // tasks reading or writing each value
        for (int i = 0; i < nv; i++) uses.add(new ArrayList<>(2));
        for (int k = 0; k < nt; k++) for (int v : argsOf.get(k)) if (v >= 0) uses.get(v).add(k);

        // pass 3: IN_PLACE ops write output 0 over input 0's buffer when that buffer dies here (and, with
        // streams, when its other readers are all ordered before)
        List<ExecutionPlan.Task> tasks = new ArrayList<>();
        for (int k = 0; k < nt; k++) {
            int t = nodeOfTask.get(k);
            Node n = order.get(t);
            if (schemas[t].has(Trait.IN_PLACE) && n.inputValue(0) != null && n.outputCount() >= 1) {
                int in = root(aliasOf, ids.get(n.inputValue(0)));
                int out = ids.get(n.output(0));
                if (storage[in] == ExecutionPlan.Storage.ARENA && storage[out] == ExecutionPlan.Storage.ARENA && aliasOf[out] == out
                        && offsetInRoot(aliasOf, aliasOff, ids.get(n.inputValue(0))) == 0 && bufEnd[in] == t && bytes(anchors.get(in)) == bytes(anchors.get(out)) && !readsTwice(n, anchors.get(in), aliasOf, ids)
                        && (clocks == null || allOrderedBefore(in, k, aliasOf, uses, clocks, streamOf))) {
                    aliasOf[out] = in;
                    bufEnd[in] = Math.max(bufEnd[in], bufEnd[out]);
                    for (int j = 0; j < nv; j++) if (j != out && aliasOf[j] == out) aliasOf[j] = in;
                }
            }
            tasks.add(new ExecutionPlan.Task(n, argsOf.get(k)));
        }
        if (clocks != null) extendAcrossStreams(nv, aliasOf, storage, uses, clocks, streamPlan, nodeOfTask, bufEnd);
        int[] end2 = bufEnd;
        int[] start2 = bufStart;
        // arena placement over alias roots
        List<MemoryPlanner.Buffer> buffers = new ArrayList<>();
        for (int i = 0; i < nv; i++) {
            if (aliasOf[i] != i || storage[i] != ExecutionPlan.Storage.ARENA) continue;
            long size = bytes(anchors.get(i));
            for (int j = 0; j < nv; j++) if (j != i && root(aliasOf, j) == i) size = Math.max(size, offsetInRoot(aliasOf, aliasOff, j) + bytes(anchors.get(j)));
            buffers.add(new MemoryPlanner.Buffer(i, size, start2[i], Math.max(end2[i], start2[i])));
        }
        MemoryPlanner.Plan mem = MemoryPlanner.plan(buffers);
        List<ExecutionPlan.ValueSlot> slots = new ArrayList<>(nv);
        for (int i = 0; i < nv; i++) {
            OutDataAnchor o = anchors.get(i);
            int r = root(aliasOf, i);
            ExecutionPlan.Storage st = storage[i];
            long off = st == ExecutionPlan.Storage.ARENA ? mem.offset(r) + offsetInRoot(aliasOf, aliasOff, i) : offset[i];
            slots.add(new ExecutionPlan.ValueSlot(i, o.name(), o.desc().dtype(), o.desc().shape().toArray(), st, off, bytes(o)));
        }
        return new ExecutionPlan(slots, tasks, copies, mem.arenaSize(), weights, mem, inputs.size(), outs.size(), constants.toByteArray(), streamPlan);
    }

    /**
     * The stream plan of the tasks: a task depends on the tasks producing the values it reads (a view's
     * value comes from the task producing the viewed buffer).
     */
    private StreamPlan planStreams(List<Node> order, List<Integer> nodeOfTask, List<int[]> argsOf, int nv, int[] aliasOf) {
        int nt = argsOf.size();
        if (streams.streams() <= 1 || nt < 2) return StreamPlan.single(nt, streams.streams() <= 1 ? "single stream asked for" : "single stream: one task");
        int[] producer = new int[nv];
        java.util.Arrays.fill(producer, -1);
        for (int k = 0; k < nt; k++) {
            Node n = order.get(nodeOfTask.get(k));
            int[] a = argsOf.get(k);
            for (int i = n.inputCount(); i < a.length; i++) if (a[i] >= 0) producer[a[i]] = k;
        }
        for (int i = 0; i < nv; i++) if (producer[i] < 0 && aliasOf[i] != i) producer[i] = producer[root(aliasOf, i)];
        int[][] preds = new int[nt][];
        double[] cost = new double[nt];
        for (int k = 0; k < nt; k++) {
            Node n = order.get(nodeOfTask.get(k));
            int[] a = argsOf.get(k);
            java.util.TreeSet<Integer> ps = new java.util.TreeSet<>();
            for (int i = 0; i < n.inputCount(); i++) if (a[i] >= 0 && producer[a[i]] >= 0 && producer[a[i]] != k) ps.add(producer[a[i]]);
            preds[k] = ps.stream().mapToInt(Integer::intValue).toArray();
            cost[k] = TaskCost.nanos(n);
        }
        StreamPlan p = StreamPlanner.plan(preds, cost, streams);
        String bad = p.unorderedDependency(preds);
        if (bad != null) throw new IllegalStateException("stream planning left a dependency unordered: " + bad);
        return p;
    }

    /** Every task using buffer {@code root}'s memory (through any value aliasing it), except {@code task}, is ordered before {@code task}. */
    private static boolean allOrderedBefore(int root, int task, int[] aliasOf, List<List<Integer>> uses, int[][] clocks, int[] streamOf) {
        for (int j = 0; j < aliasOf.length; j++) {
            if (root(aliasOf, j) != root) continue;
            for (int a : uses.get(j)) if (a != task && !StreamPlan.ordered(clocks, streamOf, a, task)) return false;
        }
        return true;
    }

    /** Whether task {@code x} of stream {@code stream}, with vector clock {@code clock}, starts after every use in {@code last}. */
    private static boolean after(int[] last, int[] clock, int x, int stream) {
        for (int q = 0; q < last.length; q++) if (last[q] > clock[q] || q == stream && last[q] >= x) return false;
        return true;
    }

    /**
     * Extends each arena buffer's lifetime on the node clock to the last task not ordered after all of the
     * buffer's uses: a buffer placed after that point is first written by a task that every use of this
     * one happens before, whatever stream runs it.
     */
    private static void extendAcrossStreams(int nv, int[] aliasOf, ExecutionPlan.Storage[] storage, List<List<Integer>> uses, int[][] clocks,
                                            StreamPlan plan, List<Integer> nodeOfTask, int[] bufEnd) {
        int s = plan.streams();
        int[] streamOf = plan.streamOf();
        int[][] last = new int[nv][];
        for (int j = 0; j < nv; j++) {
            int r = root(aliasOf, j);
            if (storage[r] != ExecutionPlan.Storage.ARENA || uses.get(j).isEmpty()) continue;
            if (last[r] == null) {
                last[r] = new int[s];
                java.util.Arrays.fill(last[r], -1);
            }
            for (int a : uses.get(j)) last[r][streamOf[a]] = Math.max(last[r][streamOf[a]], a);
        }
        // along each stream the tasks ordered after all uses form a suffix (clocks only grow): binary search it
        int[][] byStream = new int[s][];
        for (int q = 0; q < s; q++) byStream[q] = plan.tasksOf(q);
        for (int r = 0; r < nv; r++) {
            if (last[r] == null) continue;
            for (int q = 0; q < s; q++) {
                int[] ts = byStream[q];
                int lo = 0, hi = ts.length; // first task of stream q ordered after every use of r
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    if (after(last[r], clocks[ts[mid]], ts[mid], q)) hi = mid;
                    else lo = mid + 1;
                }
                if (lo > 0) bufEnd[r] = Math.max(bufEnd[r], nodeOfTask.get(ts[lo - 1]));
            }
        }
    }

    /**
     * The little-endian bytes of {@code o} when it is a small int32/int64 tensor whose every element shape
     * arithmetic knows at this plan's shapes, else null.
     */
    static byte[] shapeConstant(OutDataAnchor o) {
        TensorDesc d = o.desc();
        if (d.dtype() != DataType.INT64 && d.dtype() != DataType.INT32 || d.kind() != ValueKind.TENSOR || !d.shape().isStatic() || d.shape().rank() > 1) return null;
        ShapeValues.Value v = ShapeValues.of(o);
        long[] nums = v == null ? null : v.numbers();
        if (nums == null || nums.length != d.shape().elementCount() || v.scalar() != (d.shape().rank() == 0)) return null;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(nums.length * (d.dtype() == DataType.INT64 ? 8 : 4)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long x : nums) {
            if (d.dtype() == DataType.INT64) b.putLong(x);
            else if (x != (int) x) return null;
            else b.putInt((int) x);
        }
        return b.array();
    }

    /** True when the buffer is also read through another input of {@code n} (then it cannot be overwritten in place). */
    private static boolean readsTwice(Node n, OutDataAnchor in0, int[] aliasOf, Map<OutDataAnchor, Integer> ids) {
        int r = root(aliasOf, ids.get(in0));
        for (int i = 1; i < n.inputCount(); i++)
            if (n.inputValue(i) != null && root(aliasOf, ids.get(n.inputValue(i))) == r) return true;
        return false;
    }

    /**
     * Concat in place: where the parts of a Concat are adjacent byte ranges of its output (every dim before the
     * axis is 1, as a channel concat of one image in NCHW or in the blocked layout), each part that only this
     * Concat reads, once, and that a task computes into the arena is placed inside the output's buffer at its
     * byte offset (a multiple of {@link MemoryPlanner#ALIGN}), so its producer writes it where the Concat would
     * copy it and the copy becomes a copy onto itself (the Concat kernel skips it). The output's buffer then
     * lives from the first part's producer on. Parts that are graph inputs, weights, constants, graph outputs,
     * views, read by other nodes or twice by this one stay copies. {@code -Dge4j.plan.concatInPlace=false}
     * turns it off.
     */
    private static void concatsInPlace(Graph g, List<Node> order, Map<OutDataAnchor, Integer> ids, ExecutionPlan.Storage[] storage,
                                       int[] aliasOf, long[] aliasOff) {
        java.util.Set<OutDataAnchor> captured = new java.util.HashSet<>();
        for (Node n : order) captured.addAll(n.capturedValues());
        for (Node n : order) {
            if (!n.type().equals("Concat") || !n.domain().isEmpty() || n.outputCount() != 1 || !n.subgraphs().isEmpty() || !n.hasAttr("axis")) continue;
            OutDataAnchor o = n.output(0);
            int out = ids.get(o);
            if (storage[out] != ExecutionPlan.Storage.ARENA || aliasOf[out] != out) continue;
            long[] shape = o.desc().shape().toArray();
            long axis = n.attrInt("axis", 0);
            if (axis < 0) axis += shape.length;
            if (axis < 0 || axis >= shape.length) continue;
            long outer = 1;
            for (int k = 0; k < axis; k++) outer *= shape[k];
            if (outer != 1) continue;
            long col = 0;
            boolean ok = true;
            for (int i = 0; i < n.inputCount() && ok; i++) {
                OutDataAnchor a = n.inputValue(i);
                ok = a != null && a.desc().dtype() == o.desc().dtype();
                if (ok) col += bytes(a);
            }
            if (!ok || col != bytes(o)) continue;
            col = 0;
            for (int i = 0; i < n.inputCount(); i++) {
                OutDataAnchor a = n.inputValue(i);
                int v = ids.get(a);
                if (col % MemoryPlanner.ALIGN == 0 && storage[v] == ExecutionPlan.Storage.ARENA && aliasOf[v] == v && v != out
                        && a.peers().size() == 1 && !captured.contains(a) && !g.isOutput(a)) {
                    aliasOf[v] = out;
                    aliasOff[v] = col;
                }
                col += bytes(a);
            }
        }
    }

    /**
     * A Transpose that keeps the order of its input's dims longer than 1 (it only moves dims of size 1, as
     * [1, S, D] → [S, 1, D]) moves no element: a view like Reshape ({@code -Dge4j.plan.unitTransposeView=false}: a copy).
     */
    static boolean movesOnlyUnitDims(Node n) {
        if (!unitTransposeView || !n.type().equals("Transpose") || !n.domain().isEmpty() || n.inputCount() != 1 || n.inputValue(0) == null) return false;
        TensorDesc d = n.inputValue(0).desc();
        if (!d.shape().isStatic()) return false;
        long[] shape = d.shape().toArray();
        int r = shape.length;
        long[] perm = new long[r];
        long[] p = n.attrInts("perm", null);
        if (p != null) {
            if (p.length != r) return false;
            perm = p;
        } else for (int i = 0; i < r; i++) perm[i] = r - 1 - i;
        long last = -1;
        for (long q : perm) {
            if (q < 0 || q >= r) return false;
            if (shape[(int) q] == 1) continue;
            if (q < last) return false;
            last = q;
        }
        return true;
    }

    /** Whether Transposes that only move dims of size 1 are planned as views ({@code -Dge4j.plan.unitTransposeView}); tests set this. */
    static boolean unitTransposeView = !"false".equals(System.getProperty("ge4j.plan.unitTransposeView"));

    /** Byte offset of value {@code id} in the buffer of its alias root. */
    private static long offsetInRoot(int[] aliasOf, long[] aliasOff, int id) {
        long off = 0;
        for (; aliasOf[id] != id; id = aliasOf[id]) off += aliasOff[id];
        return off;
    }

    private static void use(int id, int t, int[] end) { end[id] = Math.max(end[id], t); }

    private static int root(int[] aliasOf, int id) {
        while (aliasOf[id] != id) id = aliasOf[id];
        return id;
    }

    static long bytes(OutDataAnchor o) {
        TensorDesc d = o.desc();
        return d.dtype().storageBytes(d.shape().elementCount());
    }
}
