package org.ge4j.compiler.pattern;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.ge4j.compiler.pass.PassContext;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;

/**
 * Applies a set of patterns to a graph (and its subgraphs) until none applies. Patterns are grouped by
 * benefit; each tier, highest first, runs as a worklist over the graph's nodes (a rewritten
 * neighbourhood is revisited) until it finds nothing, then the next tier runs; when any tier rewrote
 * something the tiers run again from the top. A pattern switched off in the options is skipped.
 */
public final class PatternDriver {
    /** Rewrites allowed per node of the graph before the driver gives up (a pattern that never converges). */
    private static final int REWRITES_PER_NODE = 32;
    private static final int MAX_ROUNDS = 16;
    private static final String ANY = "*";

    private PatternDriver() {}

    /** Applies {@code patterns} to {@code graph} until nothing applies; returns the number of rewrites. */
    public static int apply(Graph graph, List<Pattern> patterns, PassContext ctx) {
        TreeMap<Integer, List<Pattern>> tiers = new TreeMap<>(Comparator.reverseOrder());
        for (Pattern p : patterns) if (ctx.options().isEnabled(p.name())) tiers.computeIfAbsent(p.benefit(), k -> new ArrayList<>()).add(p);
        if (tiers.isEmpty()) return 0;
        int total = 0;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            int inRound = 0;
            for (List<Pattern> tier : tiers.values()) inRound += runTier(graph, tier, ctx);
            total += inRound;
            if (inRound == 0) return total;
        }
        ctx.note("pattern driver stopped after " + MAX_ROUNDS + " rounds still rewriting");
        return total;
    }

    private static int runTier(Graph graph, List<Pattern> tier, PassContext ctx) {
        Map<String, List<Pattern>> byRoot = new HashMap<>();
        List<Pattern> any = new ArrayList<>();
        for (Pattern p : tier) {
            if (p.rootTypes().isEmpty()) any.add(p);
            for (String t : p.rootTypes()) byRoot.computeIfAbsent(t, k -> new ArrayList<>()).add(p);
        }
        if (!any.isEmpty()) {
            byRoot.values().forEach(l -> l.addAll(any));
            byRoot.put(ANY, any);
        }
        int count = 0;
        for (Graph g : graphs(graph)) count += runOnGraph(g, byRoot, ctx);
        return count;
    }

    private static int runOnGraph(Graph g, Map<String, List<Pattern>> byRoot, PassContext ctx) {
        ArrayDeque<Node> work = new ArrayDeque<>(g.topologicalOrder());
        Set<Node> queued = new HashSet<>(work);
        Rewriter rw = new Rewriter(ctx);
        int count = 0;
        long limit = (long) REWRITES_PER_NODE * (g.nodeCount() + 16);
        while (!work.isEmpty()) {
            Node n = work.poll();
            queued.remove(n);
            if (n.graph() != g) continue;
            List<Pattern> ps = byRoot.getOrDefault(n.qualifiedType(), byRoot.get(ANY));
            if (ps == null) continue;
            for (Pattern p : ps) {
                boolean applied;
                try {
                    applied = p.precondition(n, rw) && p.rewrite(n, rw);
                } catch (RuntimeException e) {
                    throw new Ge4jException("pattern '" + p.name() + "' failed at " + n.describe() + ": " + e.getMessage(), e);
                }
                if (!applied) {
                    if (rw.hasChanges()) throw new Ge4jException("pattern '" + p.name() + "' declined at " + n.describe() + " after changing the graph");
                    continue;
                }
                ctx.recordRewrite(p.name());
                for (Node r : rw.commit()) if (r.graph() == g && queued.add(r)) work.add(r);
                if (++count > limit)
                    throw new Ge4jException("pattern rewriting does not converge: " + count + " rewrites on " + g.nodeCount() + " nodes (last: '" + p.name() + "')");
                break;
            }
        }
        return count;
    }

    /** {@code g} and every subgraph nested in it. */
    static List<Graph> graphs(Graph g) {
        List<Graph> l = new ArrayList<>();
        l.add(g);
        for (Node n : g.allNodes()) l.addAll(n.subgraphs());
        return l;
    }
}
