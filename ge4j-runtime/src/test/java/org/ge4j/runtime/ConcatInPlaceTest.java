package org.ge4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.runtime.TestGraphs.closeAll;
import static org.ge4j.runtime.TestGraphs.random;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ge4j.compiler.plan.ExecutionPlan;
import org.ge4j.compiler.plan.ExecutionPlan.Storage;
import org.ge4j.compiler.plan.ExecutionPlan.ValueSlot;
import org.ge4j.compiler.plan.PlanCheck;
import org.ge4j.compiler.plan.StreamPlanner;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.api.GraphBuilder;
import org.junit.jupiter.api.Test;

/**
 * Concat in place (TaskListBuilder): parts computed by tasks and read only by one Concat are planned inside the
 * Concat's output; graph inputs, weights, graph outputs, parts read elsewhere or twice, and concats whose parts are
 * not adjacent (dims before the axis above 1) stay copies. Results match the reference interpreter on one and two
 * streams.
 */
class ConcatInPlaceTest {
    private static final long PART = 16L * 64 * 4;

    /**
     * outer = Concat(inner = Concat(a, b), x, c, e, e, w, f) on axis 1, then a MatMul; c is also read by an Add
     * (output d), f is also a graph output, x is the graph input, w a weight; and a Concat on axis 2 (parts not
     * adjacent) of two computed values.
     */
    static Graph graph() {
        GraphBuilder g = GraphBuilder.create("concat_in_place").opset(17);
        OutDataAnchor x = g.input("x", DataType.FLOAT, 1, 16, 64);
        OutDataAnchor a = g.tanh(g.matMul(x, g.constant(random(1, 64, 64))));
        OutDataAnchor b = g.sigmoid(g.matMul(x, g.constant(random(2, 64, 64))));
        OutDataAnchor c = g.tanh(g.matMul(x, g.constant(random(3, 64, 64))));
        OutDataAnchor e = g.sigmoid(g.matMul(x, g.constant(random(4, 64, 64))));
        OutDataAnchor f = g.tanh(x);
        OutDataAnchor w = g.constant(random(5, 1, 16, 64));
        OutDataAnchor inner = g.concat(1, a, b);
        OutDataAnchor outer = g.concat(1, inner, x, c, e, e, w, f);
        OutDataAnchor y = g.tanh(g.matMul(outer, g.constant(random(6, 64, 32))));
        OutDataAnchor p = g.sigmoid(g.matMul(x, g.constant(random(7, 64, 64)))), q = g.tanh(g.matMul(x, g.constant(random(8, 64, 64))));
        OutDataAnchor h = g.sigmoid(g.concat(2, p, q));
        return g.output("y", y).output("d", g.add(c, x)).output("f", f).output("h", h).build();
    }

    private static List<ExecutionPlan.Task> concats(ExecutionPlan p) {
        List<ExecutionPlan.Task> r = new ArrayList<>();
        for (ExecutionPlan.Task t : p.tasks()) if (t.node().type().equals("Concat")) r.add(t);
        return r;
    }

    private static ExecutionPlan.Task concat(List<ExecutionPlan.Task> cs, long axis, int parts) {
        for (ExecutionPlan.Task t : cs) if (t.node().attrInt("axis", 0) == axis && t.node().inputCount() == parts) return t;
        throw new AssertionError("no Concat on axis " + axis + " of " + parts + " parts");
    }

    /** Whether part {@code i} of a Concat task lies in the arena at its place in the output. */
    private static boolean inPlace(ExecutionPlan p, ExecutionPlan.Task t, int i) {
        ValueSlot out = p.values().get(t.args()[t.node().inputCount()]);
        long col = 0;
        for (int k = 0; k < i; k++) col += p.values().get(t.args()[k]).bytes();
        ValueSlot part = p.values().get(t.args()[i]);
        return part.storage() == Storage.ARENA && out.storage() == Storage.ARENA && part.offset() == out.offset() + col;
    }

    @Test
    void computedPartsAreWrittenInPlaceAndTheRestCopied() {
        try (CompiledModel m = CompiledModel.compile(graph(), StreamExecutionTest.streams(1))) {
            ExecutionPlan p = m.gears().get(0).plan();
            List<ExecutionPlan.Task> cs = concats(p);
            assertThat(cs).hasSize(3);
            ExecutionPlan.Task inner = concat(cs, 1, 2), outer = concat(cs, 1, 7), axis2 = concat(cs, 2, 2);
            assertThat(inPlace(p, inner, 0)).isTrue();
            assertThat(inPlace(p, inner, 1)).isTrue();
            // inner, x, c, e, e, w, f: only inner (computed, read by this Concat alone) in place
            boolean[] expected = {true, false, false, false, false, false, false};
            for (int i = 0; i < 7; i++) assertThat(inPlace(p, outer, i)).as("part " + i).isEqualTo(expected[i]);
            assertThat(p.values().get(outer.args()[1]).storage()).isEqualTo(Storage.INPUT);
            assertThat(p.values().get(outer.args()[5]).storage()).isEqualTo(Storage.WEIGHT);
            assertThat(p.values().get(outer.args()[6]).storage()).isEqualTo(Storage.OUTPUT);
            assertThat(inPlace(p, axis2, 0) || inPlace(p, axis2, 1)).isFalse();
            // a and b sit inside inner, inner inside outer: a's bytes are outer's first PART bytes
            assertThat(p.values().get(inner.args()[0]).offset()).isEqualTo(p.values().get(outer.args()[7]).offset());
            assertThat(p.values().get(inner.args()[1]).offset()).isEqualTo(p.values().get(outer.args()[7]).offset() + PART);
        }
    }

    @Test
    void resultsMatchTheInterpreterOnOneAndTwoStreams() {
        try (CompiledModel one = CompiledModel.compile(graph(), StreamExecutionTest.streams(1));
             CompiledModel two = CompiledModel.compile(graph(), CompileOptions.builder().optStreamOptions(StreamPlanner.Options.forced(2)).build())) {
            ExecutionPlan p2 = two.gears().get(0).plan();
            assertThat(p2.streams().streams()).isEqualTo(2);
            assertThat(PlanCheck.race(p2)).isNull();
            assertThat(inPlace(p2, concat(concats(p2), 1, 2), 0)).isTrue();
            for (int seed = 0; seed < 5; seed++) {
                try (Tensor x = random(100 + seed, 1, 16, 64)) {
                    Map<String, Value> ref = TestGraphs.reference(graph(), Map.of("x", x));
                    for (CompiledModel m : List.of(one, two))
                        for (int run = 0; run < 3; run++) {
                            Map<String, Tensor> out = m.run(Map.of("x", x));
                            for (String k : List.of("y", "d", "f", "h"))
                                TestGraphs.assertClose(k + " seed " + seed + " run " + run, out.get(k), (Tensor) ref.get(k), 1e-4f);
                            closeAll(out);
                        }
                    closeAll(ref);
                }
            }
        }
    }
}
