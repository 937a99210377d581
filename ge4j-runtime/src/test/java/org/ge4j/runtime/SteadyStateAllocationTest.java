package org.ge4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.ge4j.compiler.om.ModelDefinition.ExecutionMode;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.api.GraphBuilder;
import org.junit.jupiter.api.Test;

/**
 * In steady state a static run into caller-owned buffers allocates a small constant on the Java heap,
 * independent of the number of tasks (measured with the JVM's per-thread allocation counter).
 */
class SteadyStateAllocationTest {
    /** {@code layers} x (MatMul + bias): fused into vector GEMM tasks. */
    static Graph mlp(int layers) {
        GraphBuilder b = GraphBuilder.create("mlp" + layers).opset(17);
        OutDataAnchor x = b.input("x", DataType.FLOAT, 4, 32);
        for (int i = 0; i < layers; i++) x = b.add(b.matMul(x, b.constant(TestGraphs.random(i, 32, 32))), b.constant(TestGraphs.random(100 + i, 32)));
        return b.output("y", x).build();
    }

    static long bytesPerRun(int layers) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (CompiledModel m = CompiledModel.compile(mlp(layers)); Tensor x = TestGraphs.random(1, 4, 32); Tensor y = Tensor.allocate(DataType.FLOAT, 4, 32)) {
            assertThat(m.mode()).isEqualTo(ExecutionMode.STATIC);
            assertThat(m.kernelCounts()).containsOnlyKeys(OpRegistry.VECTOR);
            assertThat(m.gears().get(0).plan().tasks()).hasSize(layers);
            Tensor[] in = {x}, out = {y};
            for (int i = 0; i < 2000; i++) m.run(in, out); // warm up (JIT, pools)
            long best = Long.MAX_VALUE, deadline = System.nanoTime() + 60_000_000_000L;
            // until the JIT's escape analysis has done its part: at least 40 rounds, and on a loaded machine (compilations queued) up to 60 s
            for (int round = 0; best > 128 && (round < 40 || System.nanoTime() < deadline); round++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 200; i++) m.run(in, out);
                best = Math.min(best, (mx.getCurrentThreadAllocatedBytes() - before) / 200);
            }
            return best;
        }
    }

    /**
     * Bytes allocated per multi-stream run of {@link StreamExecutionTest#branches} on the caller's thread and
     * on the lane workers together (a private pool, so that nothing else runs on its threads).
     */
    static long bytesPerMultiStreamRun(int branches, int depth) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        LanePool lanes = new LanePool(2);
        long[] ids = new long[3];
        System.arraycopy(lanes.threadIds(), 0, ids, 0, 2);
        ids[2] = Thread.currentThread().threadId();
        Graph g = StreamExecutionTest.branches(branches, depth);
        org.ge4j.compiler.Compiler.optimize(g, org.ge4j.compiler.CompilerOptions.defaults());
        var plan = new org.ge4j.compiler.plan.TaskListBuilder(OpRegistry.global(), org.ge4j.compiler.plan.StreamPlanner.Options.forced(3)).build(g);
        assertThat(plan.streams().streams()).isEqualTo(3);
        assertThat(plan.streams().events()).isGreaterThanOrEqualTo(2);
        try (StaticModel sm = StaticModel.fromGraph(plan, g, OpRegistry.global(), java.util.List.of(OpRegistry.VECTOR));
             ExecutionContext c = new ExecutionContext(sm, lanes);
             Tensor x = TestGraphs.random(1, 16, 64); Tensor y = Tensor.allocate(DataType.FLOAT, 16, 64); Tensor f = Tensor.allocate(DataType.FLOAT, 16, 64)) {
            assertThat(sm.kernelProviders()).containsOnly(OpRegistry.VECTOR);
            Tensor[] in = {x}, out = {y, f};
            for (int i = 0; i < 3000; i++) c.run(in, out, null); // warm up (JIT, pools, lane workers' scratch)
            long best = Long.MAX_VALUE, deadline = System.nanoTime() + 60_000_000_000L;
            // the minimum over rounds (stopping early once small): the JIT may still be compiling on a loaded machine,
            // so at least 40 rounds and up to 60 s
            for (int round = 0; best > 64 && (round < 40 || System.nanoTime() < deadline); round++) {
                long before = sum(mx.getThreadAllocatedBytes(ids));
                for (int i = 0; i < 100; i++) c.run(in, out, null);
                best = Math.min(best, (sum(mx.getThreadAllocatedBytes(ids)) - before) / 100);
            }
            return best;
        }
    }

    private static long sum(long[] v) {
        long s = 0;
        for (long x : v) s += Math.max(0, x);
        return s;
    }

    @Test
    void aMultiStreamRunAllocatesASmallConstantOnAllItsThreads() {
        long few = bytesPerMultiStreamRun(3, 1), many = bytesPerMultiStreamRun(3, 6);
        System.out.println("bytes allocated per 3-stream run (caller + lane workers): 3x1 branches " + few + ", 3x6 branches " + many);
        assertThat(few).isLessThan(512);
        assertThat(many).isLessThanOrEqualTo(few + 64).isLessThan(512);
    }

    @Test
    void aStaticRunAllocatesASmallConstantIndependentOfTheTaskCount() {
        long few = bytesPerRun(4), many = bytesPerRun(32);
        System.out.println("bytes allocated per run: 4 tasks " + few + ", 32 tasks " + many);
        assertThat(many).isLessThanOrEqualTo(few + 64).isLessThan(512);
    }
}
