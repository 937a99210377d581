package org.ge4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.runtime.TestGraphs.closeAll;
import static org.ge4j.runtime.TestGraphs.random;

import java.util.List;
import java.util.Map;
import org.ge4j.compiler.plan.ExecutionPlan;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.api.GraphBuilder;
import org.junit.jupiter.api.Test;

/**
 * Transposes that only move dims of size 1 ([1, S, D] → [S, 1, D], as exported attention blocks do around their
 * GEMMs) are planned as views; a Transpose that reorders longer dims, or reads a graph input, stays a copy.
 */
class UnitTransposeViewTest {
    static Graph graph() {
        GraphBuilder g = GraphBuilder.create("unit_transpose").opset(17);
        OutDataAnchor x = g.input("x", DataType.FLOAT, 1, 16, 64);
        OutDataAnchor a = g.tanh(g.matMul(x, g.constant(random(1, 64, 64))));
        OutDataAnchor t = g.op("Transpose").in(a).attr("perm", 1L, 0L, 2L).call1(); // [16, 1, 64]: a view
        OutDataAnchor b = g.sigmoid(g.matMul(t, g.constant(random(2, 64, 32)))); // [16, 1, 32]
        OutDataAnchor back = g.op("Transpose").in(b).attr("perm", 1L, 0L, 2L).call1(); // [1, 16, 32]: a view
        OutDataAnchor moved = g.op("Transpose").in(g.tanh(back)).attr("perm", 0L, 2L, 1L).call1(); // [1, 32, 16]: a copy
        OutDataAnchor fromInput = g.op("Transpose").in(x).attr("perm", 1L, 0L, 2L).call1(); // reads the graph input: a copy
        return g.output("y", g.relu(moved)).output("z", g.relu(fromInput)).output("back", g.add(back, back)).build();
    }

    @Test
    void unitTransposesAreViewsAndResultsMatchTheInterpreter() {
        try (CompiledModel m = CompiledModel.compile(graph(), StreamExecutionTest.streams(1))) {
            ExecutionPlan p = m.gears().get(0).plan();
            long transposes = p.tasks().stream().filter(t -> t.node().type().equals("Transpose")).count();
            assertThat(transposes).isEqualTo(2);
            for (int seed = 0; seed < 3; seed++)
                try (Tensor x = random(10 + seed, 1, 16, 64)) {
                    Map<String, Value> ref = TestGraphs.reference(graph(), Map.of("x", x));
                    Map<String, Tensor> out = m.run(Map.of("x", x));
                    for (String k : List.of("y", "z", "back")) TestGraphs.assertClose(k + " seed " + seed, out.get(k), (Tensor) ref.get(k), 1e-4f);
                    closeAll(out);
                    closeAll(ref);
                }
        }
    }
}
