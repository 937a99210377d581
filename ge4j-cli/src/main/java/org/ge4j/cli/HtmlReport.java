package org.ge4j.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ge4j.cli.io.Json;
import org.ge4j.compiler.om.ModelDefinition;
import org.ge4j.compiler.plan.ExecutionPlan;
import org.ge4j.ir.Graph;
import org.ge4j.ir.InDataAnchor;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.runtime.om.OmFile;

/**
 * A self-contained HTML page about a .om: the inspect report, the graph drawn as layered SVG (constants
 * left out, fused ops highlighted) and the memory timeline of the first plan (each arena buffer a box over
 * its lifetime and address range, with live bytes, the lower bound and the planned arena size).
 */
final class HtmlReport {
    private static final int BOX_W = 150, BOX_H = 30, GAP_X = 20, GAP_Y = 34, MARGIN = 20;

    private HtmlReport() {}

    static String page(OmFile om, Map<String, Object> report) {
        ModelDefinition def = om.definition();
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>ge4j inspect: ").append(esc(om.path().getFileName().toString())).append("</title>\n");
        sb.append("<style>body{font-family:sans-serif;margin:20px;color:#222}pre{background:#f6f6f6;padding:10px;overflow:auto}")
                .append(".scroll{overflow:auto;border:1px solid #ccc;max-height:800px}</style></head><body>\n");
        sb.append("<h1>").append(esc(om.path().getFileName().toString())).append("</h1>\n");
        sb.append("<h2>Summary</h2>\n<pre>").append(esc(Inspect.text(report))).append("</pre>\n");
        sb.append("<h2>Memory timeline</h2>\n");
        if (def.gears().isEmpty()) sb.append("<p>No pre-built plan: this model is planned at run time per input-shape signature.</p>\n");
        else {
            ModelDefinition.Gear g = def.gears().get(0);
            sb.append("<p>Plan of gear 0 (").append(esc(g.describe())).append("): each box is an arena buffer over the tasks it lives through (x) and its address range (y).</p>\n");
            sb.append("<div class=\"scroll\">").append(memorySvg(g.plan())).append("</div>\n");
        }
        sb.append("<h2>Graph</h2>\n<p>").append(def.graph().nodeCount()).append(" nodes (constants not drawn; fused ops in orange).</p>\n");
        sb.append("<div class=\"scroll\">").append(graphSvg(def.graph())).append("</div>\n");
        sb.append("<h2>Report (JSON)</h2>\n<pre>").append(esc(Json.write(report))).append("</pre>\n");
        sb.append("</body></html>\n");
        return sb.toString();
    }

    // ---------------------------------------------------------------- graph

    static String graphSvg(Graph g) {
        List<Node> order = g.topologicalOrder();
        Map<Node, Integer> depth = new HashMap<>();
        List<List<Node>> layers = new ArrayList<>();
        for (Node n : order) {
            if (isConstant(n)) continue;
            int d = 0;
            for (InDataAnchor a : n.inputs()) {
                OutDataAnchor p = a.peer();
                if (p != null && depth.containsKey(p.node())) d = Math.max(d, depth.get(p.node()) + 1);
            }
            depth.put(n, d);
            while (layers.size() <= d) layers.add(new ArrayList<>());
            layers.get(d).add(n);
        }
        Map<Node, int[]> pos = new LinkedHashMap<>();
        Map<Node, Double> slot = new HashMap<>();
        int width = 0;
        for (int d = 0; d < layers.size(); d++) {
            List<Node> l = layers.get(d);
            if (d > 0) { // order each layer by the mean slot of its inputs' producers: fewer crossings
                Map<Node, Double> bary = new HashMap<>();
                for (int i = 0; i < l.size(); i++) {
                    double sum = 0;
                    int k = 0;
                    for (InDataAnchor a : l.get(i).inputs())
                        if (a.peer() != null && slot.containsKey(a.peer().node())) { sum += slot.get(a.peer().node()); k++; }
                    bary.put(l.get(i), k == 0 ? i : sum / k);
                }
                l.sort(java.util.Comparator.comparingDouble(bary::get));
            }
            for (int i = 0; i < l.size(); i++) slot.put(l.get(i), (double) i);
            for (int i = 0; i < l.size(); i++) pos.put(l.get(i), new int[] {MARGIN + i * (BOX_W + GAP_X), MARGIN + d * (BOX_H + GAP_Y)});
            width = Math.max(width, MARGIN * 2 + l.size() * (BOX_W + GAP_X));
        }
        int height = MARGIN * 2 + layers.size() * (BOX_H + GAP_Y);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">", width, height));
        sb.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>", width, height));
        for (Map.Entry<Node, int[]> e : pos.entrySet()) {
            int[] to = e.getValue();
            for (InDataAnchor a : e.getKey().inputs()) {
                OutDataAnchor p = a.peer();
                int[] from = p == null ? null : pos.get(p.node());
                if (from == null) continue;
                int x1 = from[0] + BOX_W / 2, y1 = from[1] + BOX_H, x2 = to[0] + BOX_W / 2, y2 = to[1];
                sb.append(String.format(Locale.ROOT, "<path fill=\"none\" stroke=\"#888\" d=\"M%d %d C%d %d %d %d %d %d\"/>", x1, y1, x1, y1 + GAP_Y / 2, x2, y2 - GAP_Y / 2, x2, y2));
            }
        }
        for (Map.Entry<Node, int[]> e : pos.entrySet()) {
            Node n = e.getKey();
            int[] p = e.getValue();
            String style = n.isData() ? "fill=\"#e4f5e4\" stroke=\"#3a8a3a\"" : n.domain().isEmpty() ? "fill=\"#e8f0fe\" stroke=\"#4a6fa5\"" : "fill=\"#fde9c8\" stroke=\"#c47f00\"";
            StringBuilder tip = new StringBuilder(n.describe());
            for (OutDataAnchor o : n.outputs()) tip.append("\n%").append(o.name()).append(" : ").append(o.desc());
            String label = n.isData() ? "input " + n.output(0).name() : n.type();
            if (label.length() > 22) label = label.substring(0, 21) + "…";
            sb.append(String.format(Locale.ROOT, "<g><title>%s</title><rect %s x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\"/>"
                    + "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text></g>", esc(tip.toString()), style, p[0], p[1], BOX_W, BOX_H, p[0] + BOX_W / 2, p[1] + 19, esc(label)));
        }
        return sb.append("</svg>").toString();
    }

    private static boolean isConstant(Node n) { return n.type().equals("Constant") && n.domain().isEmpty(); }

    // ---------------------------------------------------------------- memory

    /** Lifetimes on the task clock: for each arena value, the first and last task whose arguments include it. */
    static String memorySvg(ExecutionPlan plan) {
        int nv = plan.values().size(), nt = plan.tasks().size();
        int[] first = new int[nv], last = new int[nv];
        java.util.Arrays.fill(first, Integer.MAX_VALUE);
        java.util.Arrays.fill(last, -1);
        for (int t = 0; t < nt; t++)
            for (int v : plan.tasks().get(t).args())
                if (v >= 0) {
                    first[v] = Math.min(first[v], t);
                    last[v] = Math.max(last[v], t);
                }
        for (ExecutionPlan.OutputCopy c : plan.outputCopies()) last[c.from()] = nt;
        long arena = Math.max(plan.arenaSize(), 1);
        int w = 1000, h = 380, left = 90, right = 150, top = 24, bottom = 30;
        double sx = (w - left - right) / (double) Math.max(nt + 1, 1), sy = (h - bottom - top) / (double) arena;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">", w, h));
        sb.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>", w, h));
        long[] live = new long[nt + 1];
        for (int t = 0; t <= nt; t++) {
            Map<Long, Long> atOffset = new HashMap<>();
            for (int v = 0; v < nv; v++) {
                ExecutionPlan.ValueSlot s = plan.values().get(v);
                if (s.storage() == ExecutionPlan.Storage.ARENA && first[v] <= t && t <= last[v]) atOffset.merge(s.offset(), s.bytes(), Math::max);
            }
            for (long b : atOffset.values()) live[t] += b;
        }
        int base = h - bottom;
        for (int v = 0; v < nv; v++) {
            ExecutionPlan.ValueSlot s = plan.values().get(v);
            if (s.storage() != ExecutionPlan.Storage.ARENA || last[v] < 0) continue;
            double x = left + first[v] * sx, y = base - (s.offset() + s.bytes()) * sy;
            sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#7aa6d6\" fill-opacity=\"0.6\" stroke=\"#2a5a8a\" stroke-width=\"0.5\">"
                            + "<title>%%%s %s%s: %s at offset %d, tasks %d..%d</title></rect>",
                    x, y, Math.max(1, (last[v] - first[v] + 1) * sx), Math.max(0.5, s.bytes() * sy), esc(s.name()), s.dtype().shortName(),
                    org.ge4j.ir.Shape.toString(s.shape()), Inspect.bytes(s.bytes()), s.offset(), first[v], last[v]));
        }
        StringBuilder line = new StringBuilder();
        for (int t = 0; t <= nt; t++) line.append(String.format(Locale.ROOT, "%.1f,%.1f ", left + (t + 0.5) * sx, base - live[t] * sy));
        sb.append("<polyline fill=\"none\" stroke=\"#d33\" stroke-width=\"1.5\" points=\"").append(line).append("\"><title>bytes alive</title></polyline>");
        long lb = plan.memory().lowerBound();
        hline(sb, left, w - right, base - plan.arenaSize() * sy, "#333", "planned " + Inspect.bytes(plan.arenaSize()), false);
        hline(sb, left, w - right, base - lb * sy, "#393", "lower bound " + Inspect.bytes(lb), true);
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>", left, base, w - right, base));
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>", left, base, left, top));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">task 0</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">task %d</text>", left, h - 12, w - right, h - 12, nt));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">arena offset</text>",
                left - 4, base, left - 4, top + 4));
        int lx = w - right + 12;
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"10\" fill=\"#7aa6d6\" fill-opacity=\"0.6\" stroke=\"#2a5a8a\"/><text x=\"%d\" y=\"%d\">buffer</text>",
                lx, top + 80, lx + 16, top + 89));
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#d33\" stroke-width=\"1.5\"/><text x=\"%d\" y=\"%d\">bytes alive</text>",
                lx, top + 105, lx + 12, top + 105, lx + 16, top + 109));
        return sb.append("</svg>").toString();
    }

    /** A dashed level line labelled to its right, just above it or ({@code below}) just under it. */
    private static void hline(StringBuilder sb, int x1, int x2, double y, String color, String label, boolean below) {
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-dasharray=\"4 3\"/>", x1, y, x2, y, color));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" fill=\"%s\">%s</text>", x2 + 4, below ? y + 12 : y - 2, color, esc(label)));
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
