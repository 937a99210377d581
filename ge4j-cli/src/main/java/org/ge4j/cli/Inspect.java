package org.ge4j.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.ge4j.compiler.om.ModelDefinition;
import org.ge4j.compiler.om.ModelDefinition.Gear;
import org.ge4j.compiler.om.ModelDefinition.IoDesc;
import org.ge4j.compiler.om.OmFormat;
import org.ge4j.compiler.plan.ExecutionPlan;
import org.ge4j.compiler.plan.StreamPlan;
import org.ge4j.ir.Node;
import org.ge4j.runtime.om.OmFile;

/** What {@code ge4j inspect} reports about a .om: a tree of maps and lists, printed as text or JSON. */
final class Inspect {
    private Inspect() {}

    /** The report of {@code om} (file size {@code size}). */
    static Map<String, Object> report(OmFile om, long size) {
        ModelDefinition def = om.definition();
        Map<String, String> meta = om.metadata();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("file", om.path().toString());
        r.put("file_bytes", size);
        r.put("format_version", om.version());
        r.put("flags", flags(om.flags()));
        r.put("producer", meta.getOrDefault("producer", ""));
        r.put("source", meta.getOrDefault("source", ""));
        r.put("compile_time", meta.getOrDefault("compile_time", ""));
        r.put("parse_millis", parseLong(meta.get("parse_millis")));
        r.put("compile_millis", parseLong(meta.get("compile_millis")));
        r.put("graph", def.graph().name());
        r.put("mode", def.mode().name().toLowerCase(Locale.ROOT));
        r.put("gear_kind", def.gearKind().name().toLowerCase(Locale.ROOT));
        r.put("inputs", io(def.inputs()));
        r.put("outputs", io(def.outputs()));
        Map<String, Integer> ops = new TreeMap<>();
        int nodes = 0;
        for (Node n : def.graph().allNodes()) {
            if (n.isData()) continue;
            nodes++;
            ops.merge(n.qualifiedType(), 1, Integer::sum);
        }
        r.put("nodes", nodes);
        r.put("op_counts", sortByCount(ops));
        r.put("nodes_before_optimisation", parseLong(meta.get("nodes_before")));
        r.put("fusions", sortByCount(counts(meta.getOrDefault("rewrites", ""))));
        r.put("options", def.options());
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("constants", def.weights().entries().size());
        w.put("bytes", def.weights().size());
        r.put("weights", w);
        List<Object> gears = new ArrayList<>();
        for (Gear g : def.gears()) {
            ExecutionPlan p = g.plan();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("shapes", g.describe());
            m.put("tasks", p.tasks().size());
            m.put("naive_bytes", p.memory().naiveSize());
            m.put("lower_bound_bytes", p.memory().lowerBound());
            m.put("planned_bytes", p.arenaSize());
            m.put("planned_over_lower_bound", p.memory().lowerBound() == 0 ? 1.0 : round3(p.arenaSize() / (double) p.memory().lowerBound()));
            m.put("strategy", p.memory().strategy());
            StreamPlan sp = p.streams();
            Map<String, Object> st = new LinkedHashMap<>();
            st.put("streams", sp.streams());
            st.put("tasks_per_stream", toList(sp.tasksPerStream()));
            st.put("events", sp.events());
            st.put("waits", sp.waitCount());
            st.put("note", sp.note());
            m.put("streams", st);
            gears.add(m);
        }
        r.put("gears", gears);
        int streams = 1;
        for (Gear g : def.gears()) streams = Math.max(streams, g.plan().streams().streams());
        r.put("streams", streams);
        r.put("stream_options", def.options().getOrDefault("streams", ""));
        List<Object> parts = new ArrayList<>();
        for (OmFile.Partition p : om.partitions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", p.kind().label());
            m.put("offset", p.offset());
            m.put("bytes", p.length());
            m.put("crc32c", String.format("%08x", p.crc()));
            parts.add(m);
        }
        r.put("partitions", parts);
        r.put("metadata", meta);
        return r;
    }

    /** The report as text. */
    @SuppressWarnings("unchecked")
    static String text(Map<String, Object> r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s: %s, .om format version %s%s%n", r.get("file"), bytes((Long) r.get("file_bytes")), r.get("format_version"),
                ((List<?>) r.get("flags")).isEmpty() ? "" : ", flags " + r.get("flags")));
        sb.append(String.format(Locale.ROOT, "produced by %s at %s from %s (parse %s ms, compile %s ms)%n", r.get("producer"), r.get("compile_time"), r.get("source"),
                r.get("parse_millis"), r.get("compile_millis")));
        sb.append("graph '").append(r.get("graph")).append("', mode ").append(r.get("mode"));
        if (!"none".equals(r.get("gear_kind"))) sb.append(" (").append(r.get("gear_kind")).append(" gears)");
        sb.append('\n');
        sb.append("inputs:\n");
        for (Object o : (List<?>) r.get("inputs")) sb.append("  ").append(((Map<String, Object>) o).get("name")).append(": ").append(((Map<String, Object>) o).get("type")).append('\n');
        sb.append("outputs:\n");
        for (Object o : (List<?>) r.get("outputs")) sb.append("  ").append(((Map<String, Object>) o).get("name")).append(": ").append(((Map<String, Object>) o).get("type")).append('\n');
        sb.append("ops (").append(r.get("nodes")).append(" nodes, ").append(r.get("nodes_before_optimisation")).append(" before optimisation):");
        ((Map<String, Integer>) r.get("op_counts")).forEach((k, v) -> sb.append(' ').append(k).append(' ').append(v).append(','));
        trimComma(sb).append('\n');
        Map<String, Integer> f = (Map<String, Integer>) r.get("fusions");
        sb.append("fusions and rewrites:");
        if (f.isEmpty()) sb.append(" none");
        f.forEach((k, v) -> sb.append(' ').append(k).append(' ').append(v).append(','));
        trimComma(sb).append('\n');
        Map<String, Object> w = (Map<String, Object>) r.get("weights");
        sb.append("weights: ").append(w.get("constants")).append(" constants, ").append(bytes((Long) w.get("bytes"))).append(" (memory-mapped at load)\n");
        List<?> gears = (List<?>) r.get("gears");
        if (gears.isEmpty()) sb.append("memory plan: built at run time per input-shape signature (").append(r.get("mode")).append(")\n");
        else {
            sb.append(String.format(Locale.ROOT, "memory plan%s:%n  %-24s %7s %12s %12s %12s %8s  %s%n", gears.size() > 1 ? " per gear" : "", "input shapes", "tasks",
                    "naive", "lower bound", "planned", "plan/lb", "strategy"));
            for (Object o : gears) {
                Map<String, Object> g = (Map<String, Object>) o;
                sb.append(String.format(Locale.ROOT, "  %-24s %7d %12s %12s %12s %8.3f  %s%n", g.get("shapes"), g.get("tasks"), bytes((Long) g.get("naive_bytes")),
                        bytes((Long) g.get("lower_bound_bytes")), bytes((Long) g.get("planned_bytes")), (Double) g.get("planned_over_lower_bound"), g.get("strategy")));
            }
        }
        sb.append("streams: ").append(r.get("streams"));
        if (!"".equals(r.get("stream_options"))) sb.append(" (").append(r.get("stream_options")).append(')');
        sb.append('\n');
        for (Object o : gears) {
            Map<String, Object> g = (Map<String, Object>) o;
            Map<String, Object> st = (Map<String, Object>) g.get("streams");
            sb.append(String.format(Locale.ROOT, "  %-24s %s%n", g.get("shapes"), streams(((Number) st.get("streams")).intValue(), (List<?>) st.get("tasks_per_stream"),
                    ((Number) st.get("events")).intValue(), ((Number) st.get("waits")).intValue(), (String) st.get("note"))));
        }
        sb.append("partitions:\n");
        for (Object o : (List<?>) r.get("partitions")) {
            Map<String, Object> p = (Map<String, Object>) o;
            sb.append(String.format(Locale.ROOT, "  %-17s at %10d  %12s  crc32c %s%n", p.get("kind"), p.get("offset"), bytes((Long) p.get("bytes")), p.get("crc32c")));
        }
        return sb.toString();
    }

    /** One line about a stream plan, e.g. {@code 2 streams (tasks 40+25), 12 events, 14 waits: estimated 1.4x on 2 streams}. */
    static String streams(StreamPlan sp) {
        return streams(sp.streams(), toList(sp.tasksPerStream()), sp.events(), sp.waitCount(), sp.note());
    }

    private static String streams(int n, List<?> perStream, int events, int waits, String note) {
        StringBuilder sb = new StringBuilder();
        sb.append(n).append(n == 1 ? " stream" : " streams");
        if (n > 1) {
            sb.append(" (tasks ");
            for (int i = 0; i < perStream.size(); i++) sb.append(i == 0 ? "" : "+").append(perStream.get(i));
            sb.append("), ").append(events).append(events == 1 ? " event, " : " events, ").append(waits).append(waits == 1 ? " wait" : " waits");
        }
        return sb.append(": ").append(note).toString();
    }

    private static List<Object> toList(int[] a) {
        List<Object> l = new ArrayList<>();
        for (int x : a) l.add(x);
        return l;
    }

    private static StringBuilder trimComma(StringBuilder sb) {
        if (sb.charAt(sb.length() - 1) == ',') sb.setLength(sb.length() - 1);
        return sb;
    }

    private static List<Object> io(List<IoDesc> l) {
        List<Object> out = new ArrayList<>();
        for (IoDesc d : l) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", d.name());
            m.put("type", d.dtype().shortName() + d.shape());
            out.add(m);
        }
        return out;
    }

    private static List<String> flags(int f) {
        List<String> l = new ArrayList<>();
        if ((f & OmFormat.FLAG_GEARS) != 0) l.add("gears");
        if ((f & OmFormat.FLAG_DYNAMIC) != 0) l.add("dynamic");
        if ((f & OmFormat.FLAG_INTERPRETED) != 0) l.add("interpreted");
        return l;
    }

    static Map<String, Integer> counts(String s) {
        Map<String, Integer> m = new LinkedHashMap<>();
        if (s == null || s.isBlank()) return m;
        for (String kv : s.split(",")) {
            int eq = kv.lastIndexOf('=');
            if (eq > 0) m.put(kv.substring(0, eq), Integer.parseInt(kv.substring(eq + 1)));
        }
        return m;
    }

    private static Map<String, Integer> sortByCount(Map<String, Integer> m) {
        List<Map.Entry<String, Integer>> l = new ArrayList<>(m.entrySet());
        l.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : l) out.put(e.getKey(), e.getValue());
        return out;
    }

    private static long parseLong(String s) {
        try {
            return s == null ? -1 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static double round3(double d) { return Math.round(d * 1000) / 1000.0; }

    /** {@code 12.3 MB} style sizes (powers of 1024), exact bytes below 1 KB. */
    static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] u = {"KB", "MB", "GB", "TB"};
        double v = n;
        int i = -1;
        while (v >= 1024 && i < u.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, u[i]);
    }
}
