package org.ge4j.compiler.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.GraphInference;

/**
 * Where each constant of a model lives in its one merged weights region: every numeric {@code Constant}
 * of the graph and its subgraphs, at a {@link MemoryPlanner#ALIGN}-byte aligned offset. Computed once per
 * model so that every plan (one per gear, or one per input-shape signature) refers to the same region, and
 * stored in the {@code .om} so that a loaded model maps the region instead of copying it.
 *
 * @param entries the constants in region order
 * @param size    the region's size in bytes (a multiple of the alignment)
 */
public record WeightsLayout(List<Entry> entries, long size) {
    /** One constant: the value it is the output of, its type and shape, and its bytes' place in the region. */
    public record Entry(String value, DataType dtype, long[] shape, long offset, long bytes) {
        public Entry {
            shape = shape.clone();
            if (offset % MemoryPlanner.ALIGN != 0) throw new IllegalArgumentException("weights entry %" + value + " at unaligned offset " + offset);
        }

        @Override public long[] shape() { return shape.clone(); }

        @Override public boolean equals(Object o) {
            return o instanceof Entry e && e.value.equals(value) && e.dtype == dtype && Arrays.equals(e.shape, shape) && e.offset == offset && e.bytes == bytes;
        }

        @Override public int hashCode() { return value.hashCode() * 31 + Long.hashCode(offset); }

        @Override public String toString() { return "%" + value + " " + dtype.shortName() + Arrays.toString(shape) + " @" + offset + "+" + bytes; }
    }

    public WeightsLayout {
        entries = List.copyOf(entries);
    }

    /** Lays out the constants of {@code g} (root graph in topological order, then subgraphs) one after another. */
    public static WeightsLayout of(Graph g) {
        List<Entry> l = new ArrayList<>();
        long off = 0;
        for (Node n : constantNodes(g)) {
            Tensor c = GraphInference.constantValue(n.output(0));
            long bytes = c.byteSize();
            l.add(new Entry(n.output(0).name(), c.dtype(), c.shape(), off, bytes));
            off += MemoryPlanner.align(bytes);
        }
        return new WeightsLayout(l, off);
    }

    /** The nodes whose values go to the weights region: numeric {@code Constant}s of {@code g} and its subgraphs. */
    public static List<Node> constantNodes(Graph g) {
        List<Node> out = new ArrayList<>();
        List<Node> nodes = new ArrayList<>(g.topologicalOrder());
        for (Node n : g.allNodes()) if (n.graph() != g) nodes.add(n);
        for (Node n : nodes) {
            if (n.outputCount() != 1) continue;
            Tensor c = GraphInference.constantValue(n.output(0));
            if (c != null && c.dtype() != DataType.STRING && c.dtype() != DataType.UNDEFINED) out.add(n);
        }
        return out;
    }

    /** Entries by value name. */
    public Map<String, Entry> byValue() {
        Map<String, Entry> m = new LinkedHashMap<>();
        for (Entry e : entries) m.put(e.value(), e);
        return Collections.unmodifiableMap(m);
    }
}
