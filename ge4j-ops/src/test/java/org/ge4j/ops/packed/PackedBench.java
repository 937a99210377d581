package org.ge4j.ops.packed;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.vector.VectorBench;
import org.ge4j.ops.vector.WorkerPool;

/**
 * Quick benchmark of the ge4j::PackedMatMul vector kernel on the transformer GEMM shapes (not a test):
 * {@code java --add-modules jdk.incubator.vector -Dge4j.threads=1 -cp ... org.ge4j.ops.packed.PackedBench [filter] [seconds]}.
 * One thread: thread CPU time; more: wall time. Best of 5 rounds after a warm-up round.
 */
public final class PackedBench {
    private PackedBench() {}

    public static void main(String[] args) {
        String filter = args.length > 0 ? args[0] : "";
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2.5;
        int threads = WorkerPool.shared().threads();
        int[][] shapes = {{128, 768, 768}, {128, 768, 3072}, {128, 3072, 768}, {197, 768, 768}, {197, 768, 3072}, {197, 3072, 768}, {128, 768, 2304}};
        String[] acts = {"", "Gelu", "", "", "Gelu", "", ""};
        System.out.printf("threads=%d%n", threads);
        for (int i = 0; i < shapes.length; i++) {
            int m = shapes[i][0], k = shapes[i][1], n = shapes[i][2];
            String name = m + "x" + k + "x" + n;
            if (!name.contains(filter)) continue;
            Tensor a = PackedTesting.random(1, m, k), b = PackedTesting.random(2, k, n), bias = PackedTesting.random(3, n);
            Tensor p = PackedLayout.pack(b, false, PackedLayout.nativeNr());
            CompiledKernel kern = PackedTesting.compileVector(PackedTesting.packedAttrs(k, n, PackedLayout.nativeNr(),
                    acts[i].isEmpty() ? Map.of() : Map.of("activation", new org.ge4j.ir.Attr.Str(acts[i]))), a, p, bias);
            Tensor y = Tensor.allocate(DataType.FLOAT, m, n);
            MemorySegment[] as = {a.segment(), p.segment(), bias.segment(), y.segment()};
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 6; round++) {
                double t = VectorBench.time(kern, as, seconds / 5, threads == 1);
                if (round > 0) best = Math.min(best, t);
            }
            System.out.printf("%-16s %9.1f us  %6.1f GFLOP/s%n", name + " " + acts[i], best * 1e6, 2.0 * m * n * k / best / 1e9);
        }
    }
}
