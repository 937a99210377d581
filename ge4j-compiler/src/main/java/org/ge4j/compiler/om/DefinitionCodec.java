package org.ge4j.compiler.om;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ge4j.compiler.om.ModelDefinition.ExecutionMode;
import org.ge4j.compiler.om.ModelDefinition.Gear;
import org.ge4j.compiler.om.ModelDefinition.GearKind;
import org.ge4j.compiler.om.ModelDefinition.IoDesc;
import org.ge4j.compiler.plan.ExecutionPlan;
import org.ge4j.compiler.plan.MemoryPlanner;
import org.ge4j.compiler.plan.StreamPlan;
import org.ge4j.compiler.plan.WeightsLayout;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.text.GraphPrinter;
import org.ge4j.ir.text.GraphTextParser;

/**
 * Encodes a {@link ModelDefinition} as the bytes of the model-definition partition and back. The graph is
 * stored in the IR text form with each constant's value replaced by a reference into the weights region,
 * {@code value = "@weights offset=64 bytes=24 f32[2,3]"}; decoding turns each reference back into a
 * {@link Tensor#wrap view} of the (memory-mapped) weights, so no constant is copied. Plans refer to their
 * task's node by the node's first output value (value names are unique in a model).
 */
public final class DefinitionCodec {
    private static final String WEIGHTS_REF = "@weights";
    private static final Pattern REF = Pattern.compile("@weights offset=(\\d+) bytes=(\\d+) (\\w+)\\[([0-9,]*)]");

    private DefinitionCodec() {}

    // ---------------------------------------------------------------- encoding

    /** The partition bytes of {@code def}. Temporarily swaps the constants' values for references while printing. */
    public static byte[] encode(ModelDefinition def) {
        Bytes.Writer w = new Bytes.Writer();
        w.str(graphText(def.graph(), def.weights()));
        w.i32(def.weights().entries().size());
        w.i64(def.weights().size());
        for (WeightsLayout.Entry e : def.weights().entries())
            w.str(e.value()).str(e.dtype().shortName()).longs(e.shape()).i64(e.offset()).i64(e.bytes());
        ioDescs(w, def.inputs());
        ioDescs(w, def.outputs());
        w.str(def.mode().name()).str(def.gearKind().name());
        w.i32(def.gears().size());
        for (Gear g : def.gears()) {
            w.i32(g.inputShapes().size());
            for (long[] s : g.inputShapes()) w.longs(s);
            plan(w, g.plan());
        }
        strings(w, def.options());
        return w.toByteArray();
    }

    /** The bytes of a string map (the metadata partition). */
    public static byte[] encodeStrings(Map<String, String> m) {
        Bytes.Writer w = new Bytes.Writer();
        strings(w, m);
        return w.toByteArray();
    }

    /** The text form of {@code g} with each constant of {@code layout} printed as a weights reference. */
    public static String graphText(Graph g, WeightsLayout layout) {
        Map<String, WeightsLayout.Entry> byValue = layout.byValue();
        Map<Node, Attr> saved = new IdentityHashMap<>();
        try {
            for (Node n : WeightsLayout.constantNodes(g)) {
                WeightsLayout.Entry e = byValue.get(n.output(0).name());
                if (e == null) throw new Ge4jException("constant %" + n.output(0).name() + " is missing from the weights layout");
                saved.put(n, n.attr("value"));
                n.setAttr("value", Attr.of(reference(e)));
            }
            return GraphPrinter.print(g);
        } finally {
            saved.forEach((n, a) -> n.setAttr("value", a));
        }
    }

    static String reference(WeightsLayout.Entry e) {
        return WEIGHTS_REF + " offset=" + e.offset() + " bytes=" + e.bytes() + " " + e.dtype().shortName() + Shape.toString(e.shape());
    }

    private static void ioDescs(Bytes.Writer w, List<IoDesc> l) {
        w.i32(l.size());
        for (IoDesc d : l) {
            w.str(d.name()).str(d.dtype().shortName());
            shape(w, d.shape());
        }
    }

    private static void shape(Bytes.Writer w, Shape s) {
        if (!s.hasRank()) {
            w.i32(-1);
            return;
        }
        w.i32(s.rank());
        for (Dim d : s.dims()) {
            switch (d) {
                case Dim.Static st -> w.i8(0).i64(st.value());
                case Dim.Symbolic sy -> w.i8(1).str(sy.name());
                default -> w.i8(2);
            }
        }
    }

    private static void plan(Bytes.Writer w, ExecutionPlan p) {
        w.i32(p.values().size());
        for (ExecutionPlan.ValueSlot v : p.values())
            w.i32(v.id()).str(v.name()).str(v.dtype().shortName()).longs(v.shape()).i8(v.storage().ordinal()).i64(v.offset()).i64(v.bytes());
        w.i32(p.tasks().size());
        for (ExecutionPlan.Task t : p.tasks()) {
            Node n = t.node();
            if (n.outputCount() == 0) throw new Ge4jException("cannot store the task of " + n.describe() + ": it has no outputs");
            w.str(n.output(0).name()).ints(t.args());
        }
        w.i32(p.outputCopies().size());
        for (ExecutionPlan.OutputCopy c : p.outputCopies()) w.i32(c.from()).i32(c.output());
        w.i64(p.arenaSize()).i64(p.weightsSize()).i32(p.inputCount()).i32(p.outputCount());
        MemoryPlanner.Plan m = p.memory();
        w.longs(m.offsets()).i64(m.arenaSize()).i64(m.naiveSize()).i64(m.lowerBound()).str(m.strategy());
        w.bytes(p.constants());
        // since format version 2: the stream plan
        StreamPlan sp = p.streams();
        w.i32(sp.streams()).ints(sp.streamOf()).ints(sp.eventTask());
        int[] counts = new int[sp.tasks()];
        int[] flat = new int[sp.waitCount()];
        for (int t = 0, k = 0; t < counts.length; t++) {
            counts[t] = sp.waits()[t].length;
            for (int e : sp.waits()[t]) flat[k++] = e;
        }
        w.ints(counts).ints(flat).str(sp.note());
    }

    private static void strings(Bytes.Writer w, Map<String, String> m) {
        w.i32(m.size());
        m.forEach((k, v) -> w.str(k).str(v));
    }

    // ---------------------------------------------------------------- decoding

    /**
     * Reads a definition whose constants become views of {@code weights} (the weights partition). Throws
     * {@link OmFormatException} when the bytes are inconsistent.
     */
    public static ModelDefinition decode(ByteBuffer bytes, MemorySegment weights) { return decode(bytes, weights, OmFormat.VERSION); }

    /**
     * Reads a definition written in format {@code version} ({@link OmFormat#MIN_VERSION} or later): plans of
     * version 1 files, which have no stream plans, run on one stream.
     */
    public static ModelDefinition decode(ByteBuffer bytes, MemorySegment weights, int version) {
        Bytes.Reader r = new Bytes.Reader(bytes, "model definition");
        String text = r.str();
        int nw = r.count();
        long wsize = r.i64();
        List<WeightsLayout.Entry> entries = new ArrayList<>(nw);
        for (int i = 0; i < nw; i++) {
            String name = r.str();
            DataType t = dtype(r, r.str());
            long[] shape = r.longs();
            long off = r.i64(), len = r.i64();
            if (off < 0 || len < 0 || off % OmFormat.ALIGN != 0 || off + len > wsize)
                throw r.corrupt("weights entry %" + name + " at " + off + "+" + len + " lies outside the " + wsize + "-byte weights region");
            entries.add(new WeightsLayout.Entry(name, t, shape, off, len));
        }
        if (weights.byteSize() < wsize)
            throw r.corrupt("the weights table needs " + wsize + " bytes of weights, the weights partition has " + weights.byteSize());
        WeightsLayout layout = new WeightsLayout(entries, wsize);
        Graph g;
        try {
            g = GraphTextParser.parse(text);
        } catch (Ge4jException e) {
            throw r.corrupt("its graph text does not parse: " + e.getMessage());
        }
        attachWeights(g, layout, weights, r);
        List<IoDesc> inputs = ioDescs(r), outputs = ioDescs(r);
        ExecutionMode mode = enumValue(r, ExecutionMode.class, r.str());
        GearKind kind = enumValue(r, GearKind.class, r.str());
        Map<String, OutDataAnchor> values = new HashMap<>();
        for (Node n : g.nodes()) for (OutDataAnchor o : n.outputs()) values.put(o.name(), o);
        int ng = r.count();
        List<Gear> gears = new ArrayList<>(ng);
        for (int i = 0; i < ng; i++) {
            int ns = r.count();
            List<long[]> shapes = new ArrayList<>(ns);
            for (int k = 0; k < ns; k++) shapes.add(r.longs());
            gears.add(new Gear(shapes, plan(r, values, version)));
        }
        Map<String, String> options = strings(r);
        if (!r.atEnd()) throw r.corrupt("unexpected bytes after the end");
        return new ModelDefinition(g, layout, inputs, outputs, mode, kind, gears, options);
    }

    /** Reads the bytes of a string map (the metadata partition). */
    public static Map<String, String> decodeStrings(ByteBuffer bytes) {
        Bytes.Reader r = new Bytes.Reader(bytes, "metadata");
        Map<String, String> m = strings(r);
        if (!r.atEnd()) throw r.corrupt("unexpected bytes after the end");
        return m;
    }

    private static void attachWeights(Graph g, WeightsLayout layout, MemorySegment weights, Bytes.Reader r) {
        Map<String, WeightsLayout.Entry> byValue = layout.byValue();
        int attached = 0;
        for (Node n : g.allNodes()) {
            if (!n.type().equals("Constant") || !n.domain().isEmpty() || !(n.attr("value") instanceof Attr.Str s) || !s.value().startsWith(WEIGHTS_REF))
                continue;
            Matcher m = REF.matcher(s.value());
            if (!m.matches()) throw r.corrupt("bad weights reference '" + s.value() + "' in " + n.describe());
            WeightsLayout.Entry e = n.outputCount() == 1 ? byValue.get(n.output(0).name()) : null;
            if (e == null) throw r.corrupt(n.describe() + " refers to weights missing from the weights table");
            DataType t = dtype(r, m.group(3));
            long[] shape = m.group(4).isEmpty() ? new long[0] : java.util.Arrays.stream(m.group(4).split(",")).mapToLong(Long::parseLong).toArray();
            if (Long.parseLong(m.group(1)) != e.offset() || Long.parseLong(m.group(2)) != e.bytes() || t != e.dtype()
                    || !java.util.Arrays.equals(shape, e.shape()) || t.storageBytes(Shape.elementCount(shape)) != e.bytes())
                throw r.corrupt("the weights reference of " + n.describe() + " disagrees with the weights table (" + e + ")");
            n.setAttr("value", Attr.of(Tensor.wrap(t, shape, weights.asSlice(e.offset(), e.bytes()))));
            attached++;
        }
        if (attached != layout.entries().size())
            throw r.corrupt("the graph refers to " + attached + " constants, the weights table lists " + layout.entries().size());
    }

    private static List<IoDesc> ioDescs(Bytes.Reader r) {
        int n = r.count();
        List<IoDesc> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = r.str();
            l.add(new IoDesc(name, dtype(r, r.str()), shape(r)));
        }
        return l;
    }

    private static Shape shape(Bytes.Reader r) {
        int rank = r.i32();
        if (rank == -1) return Shape.UNKNOWN_RANK;
        if (rank < 0 || rank > 64) throw r.corrupt("bad rank " + rank);
        List<Dim> dims = new ArrayList<>(rank);
        for (int i = 0; i < rank; i++) {
            int tag = r.i8();
            dims.add(switch (tag) {
                case 0 -> new Dim.Static(r.i64());
                case 1 -> new Dim.Symbolic(r.str());
                case 2 -> Dim.UNKNOWN;
                default -> throw r.corrupt("bad dim tag " + tag);
            });
        }
        return Shape.of(dims);
    }

    private static ExecutionPlan plan(Bytes.Reader r, Map<String, OutDataAnchor> values, int version) {
        int nv = r.count();
        List<ExecutionPlan.ValueSlot> slots = new ArrayList<>(nv);
        ExecutionPlan.Storage[] storages = ExecutionPlan.Storage.values();
        for (int i = 0; i < nv; i++) {
            int id = r.i32();
            String name = r.str();
            DataType t = dtype(r, r.str());
            long[] shape = r.longs();
            int st = r.i8();
            if (id != i || st < 0 || st >= storages.length) throw r.corrupt("bad plan value " + i);
            slots.add(new ExecutionPlan.ValueSlot(id, name, t, shape, storages[st], r.i64(), r.i64()));
        }
        int nt = r.count();
        List<ExecutionPlan.Task> tasks = new ArrayList<>(nt);
        for (int i = 0; i < nt; i++) {
            String ref = r.str();
            int[] args = r.ints();
            OutDataAnchor o = values.get(ref);
            if (o == null) throw r.corrupt("a task refers to value %" + ref + ", which the graph does not define");
            for (int a : args) if (a < -1 || a >= nv) throw r.corrupt("task of %" + ref + " refers to value " + a + " of " + nv);
            tasks.add(new ExecutionPlan.Task(o.node(), args));
        }
        int nc = r.count();
        List<ExecutionPlan.OutputCopy> copies = new ArrayList<>(nc);
        for (int i = 0; i < nc; i++) copies.add(new ExecutionPlan.OutputCopy(r.i32(), r.i32()));
        long arena = r.i64(), wsize = r.i64();
        int nIn = r.i32(), nOut = r.i32();
        long[] offsets = r.longs();
        MemoryPlanner.Plan mem = new MemoryPlanner.Plan(offsets, r.i64(), r.i64(), r.i64(), r.str());
        byte[] constants = r.bytes();
        for (ExecutionPlan.ValueSlot v : slots)
            if (v.storage() == ExecutionPlan.Storage.CONSTANT && (v.offset() < 0 || v.offset() + v.bytes() > constants.length))
                throw r.corrupt("plan constant %" + v.name() + " lies outside the plan's " + constants.length + " bytes of constants");
        StreamPlan streams = version < 2 ? StreamPlan.single(nt, "single stream (format version " + version + ")") : streamPlan(r, nt);
        return new ExecutionPlan(slots, tasks, copies, arena, wsize, mem, nIn, nOut, constants, streams);
    }

    private static StreamPlan streamPlan(Bytes.Reader r, int tasks) {
        int n = r.i32();
        int[] streamOf = r.ints(), eventTask = r.ints(), counts = r.ints(), flat = r.ints();
        String note = r.str();
        if (n < 1 || n > 1024 || streamOf.length != tasks || counts.length != tasks)
            throw r.corrupt("bad stream plan: " + n + " streams over " + streamOf.length + " of " + tasks + " tasks");
        int[][] waits = new int[tasks][];
        int k = 0;
        for (int t = 0; t < tasks; t++) {
            if (counts[t] < 0 || k + counts[t] > flat.length) throw r.corrupt("bad stream plan: the wait counts exceed the " + flat.length + " waits");
            waits[t] = java.util.Arrays.copyOfRange(flat, k, k + counts[t]);
            k += counts[t];
        }
        if (k != flat.length) throw r.corrupt("bad stream plan: " + (flat.length - k) + " waits belong to no task");
        String bad = StreamPlan.problem(n, streamOf, eventTask, waits);
        if (bad != null) throw r.corrupt("bad stream plan: " + bad);
        return new StreamPlan(n, streamOf, eventTask, waits, note);
    }

    private static Map<String, String> strings(Bytes.Reader r) {
        int n = r.count();
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) m.put(r.str(), r.str());
        return m;
    }

    private static DataType dtype(Bytes.Reader r, String name) {
        try {
            return DataType.fromShortName(name);
        } catch (RuntimeException e) {
            throw r.corrupt("unknown element type '" + name + "'");
        }
    }

    private static <E extends Enum<E>> E enumValue(Bytes.Reader r, Class<E> type, String name) {
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw r.corrupt("unknown " + type.getSimpleName() + " '" + name + "'");
        }
    }

    /** Whether {@code a} holds a weights reference (a constant not yet attached to its weights). */
    public static boolean isWeightsReference(Attr a) { return a instanceof Attr.Str s && s.value().startsWith(WEIGHTS_REF); }
}
