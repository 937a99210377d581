package org.ge4j.ops.vector.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.ops.vector.data.DataHarness.floats;
import static org.ge4j.ops.vector.data.DataHarness.longs;
import static org.ge4j.ops.vector.data.DataHarness.op;
import static org.ge4j.ops.vector.data.DataHarness.random;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.exec.CompiledKernel;
import org.junit.jupiter.api.Test;

/**
 * Every data kernel allocates nothing on the Java heap per run once warm: the bytes this thread allocates
 * over N runs must not grow with N (a small constant allows for the JIT's own bookkeeping).
 */
class DataAllocationFreeTest {
    static Map<String, DataHarness.Case> cases() {
        Map<String, DataHarness.Case> m = new LinkedHashMap<>();
        m.put("Transpose 8x8", op("Transpose").ints("perm", 1, 0).in(floats(1, 8, 8)).build());
        m.put("Transpose rows", op("Transpose").ints("perm", 1, 0, 2).in(floats(1, 16, 12, 64)).build());
        m.put("Transpose strided i64", op("Transpose").ints("perm", 2, 0, 1).in(random(DataType.INT64, 1, 3, 4, 5)).build());
        m.put("Transpose f32 blocks", op("Transpose").ints("perm", 1, 0).in(floats(1, 48, 40)).build());
        m.put("Transpose i64 blocks", op("Transpose").ints("perm", 2, 1, 0).in(random(DataType.INT64, 1, 16, 3, 28)).build());
        m.put("Transpose parallel", op("Transpose").ints("perm", 1, 0).in(floats(1, 600, 512)).build());
        m.put("Reshape copy", op("Reshape").in(floats(1, 4, 16)).constIn(longs(64)).build());
        m.put("Slice step -2", op("Slice").in(floats(1, 9, 10)).constIn(longs(-1)).constIn(longs(0)).constIn(longs(1)).constIn(longs(-2)).build());
        m.put("Expand fill", op("Expand").in(random(DataType.UINT8, 2, 3, 1)).constIn(longs(3, 40)).build());
        m.put("Tile", op("Tile").in(floats(3, 2, 3)).constIn(longs(2, 2)).build());
        m.put("Concat", op("Concat").attr("axis", 1L).in(floats(1, 2, 3)).in(floats(2, 2, 5)).build());
        m.put("Split", op("Split").attr("axis", 1L).in(floats(1, 2, 8)).constIn(longs(3, 5)).outputs(2).build());
        m.put("Gather rows", op("Gather").in(floats(1, 100, 32)).in(Tensor.of(new long[] {3, -1, 7}, 3)).build());
        m.put("Gather elements i32", op("Gather").attr("axis", 1L).in(floats(1, 4, 10)).in(Tensor.of(new int[] {3, -1, 7}, 3)).build());
        return m;
    }

    /** Runs the kernel until a batch of runs allocates nothing (C2 code installed; on a busy machine that may take seconds). */
    private static void warmUp(CompiledKernel k, MemorySegment[] args) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline && DataHarness.allocatedBytes(k, args, 200) > 0) Thread.onSpinWait();
    }

    @Test
    void kernelsAllocateNothingPerRunOnceWarm() {
        StringBuilder report = new StringBuilder();
        for (var e : cases().entrySet()) {
            CompiledKernel k = DataHarness.compile(e.getValue());
            assertThat(k).as(e.getKey()).isNotNull();
            MemorySegment[] args = DataHarness.args(e.getValue());
            warmUp(k, args);
            long few = DataHarness.allocatedBytes(k, args, 20);
            long many = DataHarness.allocatedBytes(k, args, 2000);
            report.append(e.getKey()).append(": ").append(few).append(" / ").append(many).append(" bytes; ");
            assertThat(many).as("%s allocates per run (%d bytes over 20 runs, %d over 2000)", e.getKey(), few, many).isLessThan(4096);
        }
        System.out.println(report);
    }
}
