package org.ge4j.compiler.autofuse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ge4j.compiler.pass.Pass;
import org.ge4j.compiler.pass.PassContext;
import org.ge4j.ir.Attr;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.autofuse.FusedElementwiseOp;
import org.ge4j.ops.autofuse.FusedProgram;
import org.ge4j.ops.autofuse.FusedProgram.Operand;
import org.ge4j.ops.autofuse.KernelGenerator;

/**
 * Automatic fusion: maximal connected sets of fusable elementwise nodes become one
 * {@code ge4j::FusedElementwise} node whose program the kernel generator turns into one loop. A node is
 * fusable when the registry marks it ELEMENTWISE and PURE, the fuser can express it
 * ({@link org.ge4j.ops.autofuse.Lowering}), and its values are static f32 or f64 tensors (see
 * {@link FusionCandidates}). VIEW nodes that keep the element order (Reshape, Flatten, Squeeze, Unsqueeze)
 * are transparent when they consume a value computed in the group; other ops (Transpose included) end a
 * group. All members of a group have the same element count; inputs from outside broadcast into the
 * shape of the node that reads them; one-element constants become literals. A group never makes a cycle
 * (no path leaves it and comes back), and every value of the group used outside it becomes an output of
 * the fused node, keeping its name. Groups with fewer than {@link Options#minOps()} computing nodes are
 * left alone; f32 groups too big for one vector kernel are cut into runs that fit ({@link #segments}).
 */
public final class AutoFusion implements Pass {
    public static final String NAME = "auto-fusion";

    /**
     * @param minOps the fewest computing (non-view) nodes a group needs to be fused; 1 (the default) gives
     *               lone elementwise ops the generated (vector) kernel as well
     */
    public record Options(int minOps) {
        public static final Options DEFAULT = new Options(1);

        public Options {
            if (minOps < 1) throw new IllegalArgumentException("auto-fusion minOps must be at least 1, got " + minOps);
        }
    }

    /** An outside value read in one frame: one input of the fused node. */
    private record InputKey(OutDataAnchor value, List<Long> frame) {}

    @Override public String name() { return NAME; }

    @Override public String description() { return "fuse connected elementwise ops into one generated kernel (ge4j::FusedElementwise)"; }

    @Override public boolean run(Graph graph, PassContext ctx) {
        Options o = ctx.options().passOptions(Options.class, Options.DEFAULT);
        boolean changed = false;
        List<Graph> graphs = new ArrayList<>();
        graphs.add(graph);
        for (int i = 0; i < graphs.size(); i++) for (Node n : graphs.get(i).nodes()) graphs.addAll(n.subgraphs());
        for (Graph g : graphs) changed |= fuse(g, ctx, o);
        return changed;
    }

    private static boolean fuse(Graph g, PassContext ctx, Options o) {
        List<Node> order = g.topologicalOrder();
        FusionCandidates cands = new FusionCandidates(g, ctx.registry());
        List<List<Node>> groups = new Grouping(order, cands).groups();
        boolean changed = false;
        for (List<Node> group : groups) {
            int compute = 0;
            for (Node n : group) if (cands.role(n) == FusionCandidates.Role.COMPUTE) compute++;
            if (compute < o.minOps()) continue;
            for (List<Node> segment : segments(group, cands)) if (replace(g, segment, cands, ctx)) changed = true;
        }
        return changed;
    }

    /**
     * Cuts a group of f32 nodes into runs (in topological order) whose instructions fit the kernel generator's
     * vector budget, so that every fused kernel keeps its vector loop; views go with their input's run. Runs
     * of a convex group are convex (a path between two members of a run cannot pass a later run). f64 groups
     * run scalar loops and stay whole.
     */
    static List<List<Node>> segments(List<Node> group, FusionCandidates cands) {
        Node first = group.get(0);
        if (FusionCandidates.type(first) != org.ge4j.ir.DataType.FLOAT) return List.of(group);
        int limit = KernelGenerator.VECTOR_BUDGET - SLACK;
        List<List<Node>> runs = new ArrayList<>();
        Map<Node, Integer> runOf = new HashMap<>();
        List<Node> current = new ArrayList<>();
        int cost = 0;
        for (Node m : group) {
            if (cands.role(m) == FusionCandidates.Role.VIEW) {
                Integer r = runOf.get(m.inputValue(0).node());
                if (r == null || r == runs.size()) current.add(m);
                else runs.get(r).add(m);
                runOf.put(m, r == null ? runs.size() : r);
                continue;
            }
            int c = instructionCost(m, cands);
            if (!current.isEmpty() && cost + c > limit) {
                runs.add(current);
                current = new ArrayList<>();
                cost = 0;
            }
            current.add(m);
            runOf.put(m, runs.size());
            cost += c;
        }
        if (!current.isEmpty()) runs.add(current);
        return runs;
    }

    /** Room left in the vector budget for the loads and stores of a run's inputs and outputs. */
    private static final int SLACK = 16;

    /** The vector cost of the instructions {@code m} lowers to. */
    private static int instructionCost(Node m, FusionCandidates cands) {
        FusedProgram.Builder scratch = FusedProgram.builder();
        List<Operand> args = new ArrayList<>();
        for (int i = 0; i < m.inputCount(); i++) args.add(m.inputValue(i) == null ? null : scratch.input(new long[] {1}));
        cands.rule(m).emit(args, scratch);
        int c = 0;
        for (FusedProgram.Instruction in : scratch.code()) c += KernelGenerator.vectorCost(in.op());
        return c;
    }

    /** Replaces {@code group} (in topological order) by one FusedElementwise node; false when nothing of it is used. */
    private static boolean replace(Graph g, List<Node> group, FusionCandidates cands, PassContext ctx) {
        Set<Node> members = new HashSet<>(group);
        FusedProgram.Builder b = FusedProgram.builder();
        Map<OutDataAnchor, FusedProgram.Temp> valueOf = new HashMap<>();
        Map<InputKey, FusedProgram.Input> inputKeys = new LinkedHashMap<>();
        List<OutDataAnchor> inputs = new ArrayList<>();
        for (Node m : group) {
            OutDataAnchor out = m.output(0);
            if (cands.role(m) == FusionCandidates.Role.VIEW) {
                valueOf.put(out, valueOf.get(m.inputValue(0)));
                continue;
            }
            long[] frame = out.desc().shape().toArray();
            List<Operand> args = new ArrayList<>();
            for (int i = 0; i < m.inputCount(); i++) {
                OutDataAnchor v = m.inputValue(i);
                if (v == null) args.add(null);
                else if (members.contains(v.node())) args.add(valueOf.get(v));
                else {
                    Tensor c = cands.scalarConstant(v);
                    if (c != null) args.add(b.literal(c.getScalarDouble(0)));
                    else {
                        InputKey key = new InputKey(v, java.util.Arrays.stream(frame).boxed().toList());
                        FusedProgram.Input in = inputKeys.get(key);
                        if (in == null) {
                            in = b.input(frame);
                            inputKeys.put(key, in);
                            inputs.add(v);
                        }
                        args.add(in);
                    }
                }
            }
            valueOf.put(out, cands.rule(m).emit(args, b));
        }
        Set<OutDataAnchor> captured = cands.capturedValues();
        List<OutDataAnchor> outs = new ArrayList<>();
        for (Node m : group) {
            OutDataAnchor out = m.output(0);
            boolean external = g.isOutput(out) || captured.contains(out);
            for (var peer : out.peers()) external |= !members.contains(peer.node());
            if (external) {
                outs.add(out);
                b.output(valueOf.get(out), out.desc().shape().toArray());
            }
        }
        if (outs.isEmpty()) return false;
        FusedProgram program = b.build();

        if (g.opset(Node.GE4J_DOMAIN) < 0) g.root().setOpset(Node.GE4J_DOMAIN, 1);
        String name = null;
        for (Node m : group) if (cands.role(m) == FusionCandidates.Role.COMPUTE) name = m.name();
        Node fused = g.addNode(Node.GE4J_DOMAIN, FusedElementwiseOp.TYPE, name + "_fused", 0);
        for (OutDataAnchor in : inputs) fused.addInput(in);
        fused.setAttr(FusedElementwiseOp.PROGRAM, new Attr.Str(program.toString()));
        List<String> names = new ArrayList<>();
        for (OutDataAnchor out : outs) {
            names.add(out.name());
            g.replaceAllUses(out, fused.addOutput(out.name(), out.desc()));
        }
        for (Node m : group) for (var peer : new ArrayList<>(m.output(0).peers())) peer.disconnect();
        for (int i = group.size() - 1; i >= 0; i--) g.removeNode(group.get(i));
        fused.setName(name);
        for (int i = 0; i < outs.size(); i++) fused.output(i).setName(names.get(i));
        ctx.recordRewrite(NAME);
        return true;
    }
}
