package org.ge4j.ops.packed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.ops.packed.PackedTesting.assertClose;
import static org.ge4j.ops.packed.PackedTesting.compileVector;
import static org.ge4j.ops.packed.PackedTesting.packedAttrs;
import static org.ge4j.ops.packed.PackedTesting.random;
import static org.ge4j.ops.packed.PackedTesting.reference;
import static org.ge4j.ops.packed.PackedTesting.runVector;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.Node;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.exec.CompiledKernel;
import org.junit.jupiter.api.Test;

/** The vector kernel of ge4j::PackedMatMul against its reference kernel. */
class PackedGemmKernelTest {
    private static final double TOL = 1e-5;
    private static final int NR = PackedLayout.nativeNr();

    /** Compiles the vector kernel (it must accept), runs it and the reference kernel, compares. */
    static void check(Tensor a, Tensor packed, Tensor bias, long k, long n, int nr, Map<String, Attr> more, String what) {
        Map<String, Attr> attrs = packedAttrs(k, n, nr, more);
        Tensor expected = bias == null ? reference(Node.GE4J_DOMAIN, "PackedMatMul", attrs, a, packed)
                : reference(Node.GE4J_DOMAIN, "PackedMatMul", attrs, a, packed, bias);
        CompiledKernel kernel = compileVector(attrs, a, packed, bias);
        assertThat(kernel).as("vector kernel for " + what).isNotNull();
        assertClose(runVector(kernel, a, packed, bias, expected.shape()), expected, TOL, what);
    }

    @Test
    void matchesTheReferenceOnOddShapes() {
        int[][] shapes = {{1, 1, 1}, {1, 64, 33}, {3, 5, 7}, {8, 32, 16}, {9, 31, 40}, {17, 100, 3}, {64, 64, 64}, {70, 200, 300},
                {13, 129, 47}, {2, 1, 9}, {1, 1024, 1000}, {130, 256, NR + 1},
                // fewer panels than chunks: parallel chunks split the rows, in balanced blocks of 8-row groups (197 rows: 25 groups)
                {197, 1400, 40}, {37, 7200, 20},
                // A over 1 MB with many panels: the panels, in balanced blocks
                {197, 1400, 300}};
        long seed = 1;
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            Tensor a = random(seed++, m, k), b = random(seed++, k, n);
            check(a, PackedLayout.pack(b, false, NR), null, k, n, NR, Map.of(), "m=" + m + " k=" + k + " n=" + n);
        }
    }

    @Test
    void batchesFoldIntoRowsAndTransposedABatchByBatch() {
        Tensor b = random(1, 24, 40);
        Tensor p = PackedLayout.pack(b, false, NR);
        check(random(2, 4, 17, 24), p, null, 24, 40, NR, Map.of(), "folded batch");
        check(random(3, 24), p, null, 24, 40, NR, Map.of(), "1-D A");
        check(random(4, 3, 24, 10), p, null, 24, 40, NR, Map.of("trans_a", new Attr.Int(1)), "trans_a batched");
        check(random(5, 24, 70), p, null, 24, 40, NR, Map.of("trans_a", new Attr.Int(1)), "trans_a 2-D");
    }

    @Test
    void everyBiasFormWithAlphaAndBeta() {
        long b0 = 2, m = 19, k = 23, n = 45;
        Tensor a = random(1, b0, m, k);
        Tensor p = PackedLayout.pack(random(2, k, n), false, NR);
        long[][] biasShapes = {{}, {1}, {n}, {1, n}, {m, 1}, {m, n}, {1, m, n}, {b0, m, n}, {b0, m, 1}, {1, 1, n}};
        long seed = 10;
        for (long[] bs : biasShapes) {
            Map<String, Attr> more = Map.of("alpha", new Attr.Float(0.75f), "beta", new Attr.Float(1.25f));
            check(a, p, random(seed++, bs), k, n, NR, more, "bias " + java.util.Arrays.toString(bs));
            check(a, p, random(seed++, bs), k, n, NR, Map.of(), "bias " + java.util.Arrays.toString(bs) + " alpha=beta=1");
        }
    }

    @Test
    void everyActivation() {
        long k = 40, n = 70;
        Tensor a = random(1, 33, k), bias = random(3, n);
        Tensor p = PackedLayout.pack(random(2, k, n), false, NR);
        String[][] acts = {{"Relu"}, {"LeakyRelu", "0.2"}, {"Clip", "-0.3", "0.4"}, {"Sigmoid"}, {"Tanh"}, {"Gelu", "none"}, {"Gelu", "tanh"}};
        for (String[] act : acts) {
            Map<String, Attr> attrs = new LinkedHashMap<>();
            attrs.put("activation", new Attr.Str(act[0]));
            if (act[0].equals("Gelu")) attrs.put("approximate", new Attr.Str(act[1]));
            else if (act.length > 1) {
                float[] ps = new float[act.length - 1];
                for (int i = 1; i < act.length; i++) ps[i - 1] = Float.parseFloat(act[i]);
                attrs.put("activation_params", new Attr.Floats(ps));
            }
            check(a, p, bias, k, n, NR, attrs, act[0] + " " + String.join(",", act));
            check(a, p, null, k, n, NR, attrs, act[0] + " without bias");
        }
    }

    @Test
    void repacksWeightsPackedForAnotherPanelWidth() {
        int other = NR == 32 ? 16 : 32;
        Tensor b = random(1, 50, 77);
        check(random(2, 9, 50), PackedLayout.pack(b, false, other), random(3, 77), 50, 77, other, Map.of(), "nr=" + other);
        check(random(4, 3, 50), PackedLayout.pack(b, false, 4), null, 50, 77, 4, Map.of(), "nr=4");
    }

    @Test
    void declinesABiasItsEpilogueCannotApply() {
        // bias [2, 1, n] over [2, 3, n]: per batch item, one row for all its rows: left to the reference kernel
        Tensor p = PackedLayout.pack(random(1, 5, 8), false, NR);
        assertThat(compileVector(packedAttrs(5, 8, NR, Map.of()), random(2, 2, 3, 5), p, random(3, 2, 1, 8))).isNull();
    }

    @Test
    void allocatesNothingPerRun() {
        long k = 64, n = 100;
        Tensor a = random(1, 20, k), bias = random(2, n), p = PackedLayout.pack(random(3, k, n), false, NR);
        Tensor y = Tensor.allocate(org.ge4j.ir.DataType.FLOAT, 20, n);
        CompiledKernel kernel = compileVector(packedAttrs(k, n, NR, Map.of("activation", new Attr.Str("Gelu"))), a, p, bias);
        MemorySegment[] args = {a.segment(), p.segment(), bias.segment(), y.segment()};
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long best = Long.MAX_VALUE;
        // until C2 has compiled the kernel (seconds in a fresh JVM on a busy machine; interpreted Vector API code boxes)
        long deadline = System.nanoTime() + 60_000_000_000L;
        for (int round = 0; (round < 30 || System.nanoTime() < deadline) && best > 0; round++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 200; i++) kernel.run(args);
            best = Math.min(best, mx.getCurrentThreadAllocatedBytes() - before);
        }
        assertThat(best).as("bytes allocated by 200 runs once compiled").isLessThan(1024);
    }
}
