package org.ge4j.compiler.autofuse;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ge4j.compiler.autofuse.FusionCandidates.Role;
import org.ge4j.ir.ControlAnchor;
import org.ge4j.ir.Graph;
import org.ge4j.ir.InDataAnchor;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;

/**
 * Partitions the fusable nodes of one graph into groups, greedily in topological order: a computing node
 * joins (and merges) the groups of its operands' producers when they share its element type and count, a
 * view joins the group of its input's producer. A join is kept only when the group stays convex: no path
 * leaves the group and re-enters it through an input the fused node would read (that would be a cycle
 * once the group is one node). When joining all operand groups would break this, the largest single
 * group that allows it is joined; otherwise a computing node starts a group of its own.
 */
final class Grouping {
    private final List<Node> order;
    private final FusionCandidates cands;
    private final Map<Node, Integer> topo = new HashMap<>();
    private final Map<Node, List<Node>> succ = new HashMap<>();
    private final Map<Node, Group> groupOf = new HashMap<>();

    /** Members in topological order; one element type and count. */
    private static final class Group {
        final List<Node> members = new ArrayList<>();
        final Set<Node> set = new HashSet<>();
        final String space;

        Group(String space) { this.space = space; }
    }

    Grouping(List<Node> order, FusionCandidates cands) {
        this.order = order;
        this.cands = cands;
        for (int i = 0; i < order.size(); i++) topo.put(order.get(i), i);
        Graph g = order.isEmpty() ? null : order.get(0).graph();
        for (Node n : order) {
            Set<Node> preds = new LinkedHashSet<>();
            for (InDataAnchor a : n.inputs()) if (a.peer() != null && a.peer().node().graph() == g) preds.add(a.peer().node());
            for (ControlAnchor c : n.controlIn().peers()) if (c.node().graph() == g) preds.add(c.node());
            for (OutDataAnchor cap : n.capturedValues()) if (cap.node().graph() == g) preds.add(cap.node());
            preds.remove(n);
            for (Node p : preds) succ.computeIfAbsent(p, k -> new ArrayList<>()).add(n);
        }
    }

    /** The groups, each in topological order, in the order of their first member. */
    List<List<Node>> groups() {
        for (Node n : order) {
            Role role = cands.role(n);
            if (role == Role.NONE) continue;
            String space = FusionCandidates.space(n);
            Set<Group> candidates = new LinkedHashSet<>();
            if (role == Role.VIEW) {
                Group gp = groupOf.get(n.inputValue(0).node());
                if (gp != null && gp.space.equals(space)) candidates.add(gp);
            } else {
                for (int i = 0; i < n.inputCount(); i++) {
                    OutDataAnchor v = n.inputValue(i);
                    Group gp = v == null ? null : groupOf.get(v.node());
                    if (gp != null && gp.space.equals(space)) candidates.add(gp);
                }
            }
            if (!candidates.isEmpty() && join(n, candidates)) continue;
            if (candidates.size() > 1) {
                List<Group> bySize = new ArrayList<>(candidates);
                bySize.sort(Comparator.comparingInt((Group gp) -> -gp.members.size()));
                boolean joined = false;
                for (Group gp : bySize) if (join(n, Set.of(gp))) { joined = true; break; }
                if (joined) continue;
            }
            if (role == Role.COMPUTE) {
                Group fresh = new Group(space);
                fresh.members.add(n);
                fresh.set.add(n);
                groupOf.put(n, fresh);
            }
        }
        List<List<Node>> out = new ArrayList<>();
        Set<Group> seen = new HashSet<>();
        for (Node n : order) {
            Group gp = groupOf.get(n);
            if (gp != null && seen.add(gp)) out.add(List.copyOf(gp.members));
        }
        return out;
    }

    /** Merges {@code groups} and {@code n} into one group if the result stays convex. */
    private boolean join(Node n, Set<Group> groups) {
        Set<Node> merged = new HashSet<>();
        for (Group gp : groups) merged.addAll(gp.set);
        merged.add(n);
        if (!convex(merged, topo.get(n))) return false;
        Group target = groups.iterator().next();
        for (Group gp : groups) {
            if (gp == target) continue;
            target.members.addAll(gp.members);
            target.set.addAll(gp.set);
            for (Node m : gp.members) groupOf.put(m, target);
        }
        target.members.add(n);
        target.set.add(n);
        target.members.sort(Comparator.comparingInt(topo::get));
        groupOf.put(n, target);
        return true;
    }

    /**
     * True when no path runs from a member through non-members into an input a member reads as data (the
     * fused node would then depend on itself). Nodes after {@code maxTopo} cannot lead back and are not explored.
     */
    private boolean convex(Set<Node> members, int maxTopo) {
        ArrayDeque<Node> work = new ArrayDeque<>();
        Set<Node> seen = new HashSet<>();
        for (Node m : members)
            for (Node s : succ.getOrDefault(m, List.of()))
                if (!members.contains(s) && topo.get(s) < maxTopo && seen.add(s)) work.add(s);
        while (!work.isEmpty()) {
            Node x = work.poll();
            for (Node s : succ.getOrDefault(x, List.of())) {
                if (members.contains(s)) {
                    if (readsAsData(s, x)) return false;
                    continue;
                }
                if (topo.get(s) < maxTopo && seen.add(s)) work.add(s);
            }
        }
        return true;
    }

    /** True when member {@code m} reads an output of {@code x} as a value the fused node keeps (views read only input 0). */
    private boolean readsAsData(Node m, Node x) {
        if (cands.role(m) == Role.COMPUTE) return true;
        OutDataAnchor in0 = m.inputValue(0);
        return in0 != null && in0.node() == x;
    }
}
