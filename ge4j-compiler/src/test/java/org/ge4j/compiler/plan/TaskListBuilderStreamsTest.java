package org.ge4j.compiler.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.ge4j.compiler.plan.ExecutionPlan.Storage;
import org.ge4j.compiler.plan.ExecutionPlan.ValueSlot;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.api.GraphBuilder;
import org.junit.jupiter.api.Test;

/**
 * Plans with streams on small graphs made with the Graph API: which tasks go on which stream, which events
 * connect them, and that arena memory is never shared by tasks that may run at once (checked byte by byte
 * with {@link PlanCheck}).
 */
class TaskListBuilderStreamsTest {
    private static final StreamPlanner.Options TWO = StreamPlanner.Options.forced(2);

    static Tensor random(long seed, long... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(Shape.elementCount(shape))];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        return Tensor.of(v, shape);
    }

    private static OutDataAnchor dense(GraphBuilder b, OutDataAnchor x, long seed) {
        return b.relu(b.matMul(x, b.constant(random(seed, 256, 256))));
    }

    private static ExecutionPlan plan(Graph g, StreamPlanner.Options o) { return new TaskListBuilder(OpRegistry.global(), o).build(g); }

    private static String node(ExecutionPlan p, int task) { return p.tasks().get(task).node().name(); }

    @Test
    void aChainIsPlannedOnOneStream() {
        GraphBuilder b = GraphBuilder.create("chain").opset(17);
        OutDataAnchor x = b.input("x", DataType.FLOAT, 64, 256);
        for (int i = 0; i < 4; i++) x = dense(b, x, i);
        ExecutionPlan p = plan(b.output("y", x).build(), TWO);
        assertThat(p.streams().streams()).isEqualTo(1);
        assertThat(p.streams().events()).isZero();
        assertThat(p.tasks()).hasSize(8);
    }

    @Test
    void forkJoinPutsTheBranchesOnTwoStreams() {
        GraphBuilder b = GraphBuilder.create("fork_join").opset(17);
        OutDataAnchor x = b.input("x", DataType.FLOAT, 64, 256);
        OutDataAnchor l = dense(b, x, 1), r = dense(b, x, 2);
        ExecutionPlan p = plan(b.output("y", b.add(l, r)).build(), TWO);
        StreamPlan s = p.streams();
        // tasks: MatMul, Relu (left), MatMul, Relu (right), Add
        assertThat(s.streams()).isEqualTo(2);
        assertThat(s.streamOf()).containsExactly(0, 0, 1, 1, 0);
        assertThat(s.eventTask()).containsExactly(3); // the right branch's last task, waited for by the Add
        assertThat(s.waits()[4]).containsExactly(0);
        assertThat(PlanCheck.race(p)).isNull();
    }

    @Test
    void aDiamondWaitsForTheForkAndForTheOtherBranch() {
        GraphBuilder b = GraphBuilder.create("diamond").opset(17);
        OutDataAnchor x = b.input("x", DataType.FLOAT, 64, 256);
        OutDataAnchor top = dense(b, x, 0);
        OutDataAnchor l = dense(b, top, 1), r = dense(b, top, 2);
        ExecutionPlan p = plan(b.output("y", b.add(l, r)).build(), TWO);
        StreamPlan s = p.streams();
        assertThat(s.streamOf()).containsExactly(0, 0, 0, 0, 1, 1, 0);
        assertThat(s.eventTask()).containsExactly(1, 5); // the fork's Relu, the right branch's Relu
        assertThat(s.waits()[4]).containsExactly(0);
        assertThat(s.waits()[6]).containsExactly(1);
        assertThat(PlanCheck.race(p)).isNull();
    }

    @Test
    void theDefaultOptionsKeepASmallModelOnOneStream() {
        GraphBuilder b = GraphBuilder.create("small_fork").opset(17);
        OutDataAnchor x = b.input("x", DataType.FLOAT, 2, 8);
        OutDataAnchor l = b.relu(b.matMul(x, b.constant(random(1, 8, 8)))), r = b.relu(b.matMul(x, b.constant(random(2, 8, 8))));
        ExecutionPlan p = plan(b.output("y", b.add(l, r)).build(), StreamPlanner.Options.defaults());
        assertThat(p.streams().streams()).isEqualTo(1);
        assertThat(p.streams().note()).contains("estimated work is below");
    }

    /** Two 3-op branches: under the single-stream clock the second branch reuses the first branch's dead buffers. */
    static Graph twoBranches() {
        GraphBuilder b = GraphBuilder.create("two_branches").opset(17);
        OutDataAnchor x = b.input("x", DataType.FLOAT, 64, 256);
        OutDataAnchor l = x, r = x;
        for (int i = 0; i < 3; i++) l = b.sigmoid(b.matMul(l, b.constant(random(10 + i, 256, 256))));
        for (int i = 0; i < 3; i++) r = b.tanh(b.matMul(r, b.constant(random(20 + i, 256, 256))));
        return b.output("y", b.add(l, r)).build();
    }

    @Test
    void buffersOfConcurrentBranchesNeverShareMemory() {
        ExecutionPlan single = plan(twoBranches(), StreamPlanner.Options.single());
        ExecutionPlan multi = plan(twoBranches(), TWO);
        assertThat(multi.streams().streams()).isEqualTo(2);
        assertThat(multi.tasks()).hasSize(single.tasks().size());
        for (int t = 0; t < single.tasks().size(); t++) assertThat(node(multi, t)).isEqualTo(node(single, t));
        // adversarial: the single-stream memory plan run on two streams races
        ExecutionPlan racy = new ExecutionPlan(single.values(), single.tasks(), single.outputCopies(), single.arenaSize(), single.weightsSize(),
                single.memory(), single.inputCount(), single.outputCount(), single.constants(), multi.streams());
        assertThat(PlanCheck.race(racy)).isNotNull().contains("may run at once");
        // the stream-aware plan does not
        assertThat(PlanCheck.race(multi)).isNull();
        assertThat(multi.arenaSize()).isGreaterThan(single.arenaSize());
        System.out.println("two branches: arena " + single.arenaSize() + " bytes on 1 stream, " + multi.arenaSize() + " on 2 streams");
    }

    @Test
    void anInPlaceOpDoesNotOverwriteABufferAnotherStreamStillReads() {
        // m feeds a MatMul and then Trilu (in-place, its last reader on the node clock); Trilu lands on the other stream
        GraphBuilder b = GraphBuilder.create("in_place").opset(17);
        OutDataAnchor x = b.input("x", DataType.FLOAT, 64, 256);
        OutDataAnchor m = b.matMul(x, b.constant(random(1, 256, 256)));
        OutDataAnchor other = b.matMul(m, b.constant(random(2, 256, 256)));
        OutDataAnchor tri = b.op("Trilu").in(m).call1();
        Graph g = b.output("y", b.add(tri, other)).build();
        ExecutionPlan single = plan(g, StreamPlanner.Options.single());
        assertThat(slot(single, tri).offset()).as("in place on one stream").isEqualTo(slot(single, m).offset());
        ExecutionPlan multi = plan(g, TWO);
        assertThat(multi.streams().streamOf()).containsExactly(0, 0, 1, 0);
        assertThat(slot(multi, tri).offset()).as("not in place on two streams").isNotEqualTo(slot(multi, m).offset());
        assertThat(PlanCheck.race(multi)).isNull();
    }

    private static ValueSlot slot(ExecutionPlan p, OutDataAnchor v) {
        for (ValueSlot s : p.values()) if (s.name().equals(v.name())) {
            assertThat(s.storage()).isEqualTo(Storage.ARENA);
            return s;
        }
        throw new AssertionError("no value " + v.name());
    }

    @Test
    void randomGraphsPlanWithoutRaces() {
        SplittableRandom r = new SplittableRandom(3);
        int multi = 0, events = 0;
        for (int trial = 0; trial < 30; trial++) {
            GraphBuilder b = GraphBuilder.create("random" + trial).opset(17);
            java.util.List<OutDataAnchor> live = new java.util.ArrayList<>();
            live.add(b.input("x", DataType.FLOAT, 16, 32));
            int ops = 4 + r.nextInt(14);
            for (int i = 0; i < ops; i++) {
                OutDataAnchor a = live.get(r.nextInt(live.size()));
                OutDataAnchor v = switch (r.nextInt(5)) {
                    case 0 -> b.matMul(a, b.constant(random(i, 32, 32)));
                    case 1 -> b.add(a, live.get(r.nextInt(live.size())));
                    case 2 -> b.op("Trilu").in(a).call1();
                    case 3 -> b.reshape(b.sigmoid(a), 32, 16);
                    default -> b.tanh(a);
                };
                if (v.desc().shape().toArray()[0] == 32) v = b.reshape(v, 16, 32);
                live.add(v);
            }
            OutDataAnchor y = live.get(live.size() - 1);
            for (int i = 1; i < live.size() - 1; i++) if (r.nextInt(3) == 0) y = b.add(y, live.get(i));
            Graph g = b.output("y", y).build();
            for (int s = 2; s <= 3; s++) {
                ExecutionPlan p = plan(g, StreamPlanner.Options.forced(s));
                assertThat(PlanCheck.race(p)).as("trial " + trial + ", " + s + " streams").isNull();
                if (p.streams().streams() > 1) multi++;
                events += p.streams().events();
            }
        }
        assertThat(multi).as("plans with several streams").isGreaterThan(20);
        assertThat(events).isGreaterThan(40);
    }
}
