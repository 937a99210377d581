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
            long best = Long.MAX_VALUE;
            for (int round = 0; round < 40 && best > 128; round++) { // until the JIT's escape analysis has done its part
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 200; i++) m.run(in, out);
                best = Math.min(best, (mx.getCurrentThreadAllocatedBytes() - before) / 200);
            }
            return best;
        }
    }

    @Test
    void aStaticRunAllocatesASmallConstantIndependentOfTheTaskCount() {
        long few = bytesPerRun(4), many = bytesPerRun(32);
        System.out.println("bytes allocated per run: 4 tasks " + few + ", 32 tasks " + many);
        assertThat(many).isLessThanOrEqualTo(few + 64).isLessThan(512);
    }
}
