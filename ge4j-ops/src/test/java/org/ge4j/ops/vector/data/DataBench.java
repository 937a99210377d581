package org.ge4j.ops.vector.data;

import static org.ge4j.ops.vector.data.DataHarness.floats;
import static org.ge4j.ops.vector.data.DataHarness.longs;
import static org.ge4j.ops.vector.data.DataHarness.op;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.ReferenceKernelAdapter;

/**
 * Quick benchmark of the data kernels against the reference adapter (not a test, no JMH): time per run and
 * GB/s (twice the output bytes: read once, written once) of the shapes of the benchmark models. Run with the test class path:
 * {@code java --add-modules jdk.incubator.vector -Dge4j.threads=1 -cp ... org.ge4j.ops.vector.data.DataBench [filter] [seconds]}.
 * With one thread the time is the thread's CPU time (robust on a shared machine). Each line: the best of
 * 5 rounds after a warm-up round.
 */
public final class DataBench {
    record Item(String name, DataHarness.Case c) {}

    public static void main(String[] a) {
        String filter = a.length > 0 ? a[0] : "";
        double seconds = a.length > 1 ? Double.parseDouble(a[1]) : 1.0;
        List<Item> items = new ArrayList<>();
        items.add(new Item("tiny_ops Transpose 8x8", op("Transpose").ints("perm", 1, 0).in(floats(1, 8, 8)).build()));
        items.add(new Item("bert Transpose [128,12,64] (1,0,2)", op("Transpose").ints("perm", 1, 0, 2).in(floats(1, 128, 12, 64)).build()));
        items.add(new Item("bert Transpose [128,12,64] (1,2,0)", op("Transpose").ints("perm", 1, 2, 0).in(floats(1, 128, 12, 64)).build()));
        items.add(new Item("vit Transpose [1,768,196] (0,2,1)", op("Transpose").ints("perm", 0, 2, 1).in(floats(1, 1, 768, 196)).build()));
        items.add(new Item("Transpose [64,64,64] (2,1,0)", op("Transpose").ints("perm", 2, 1, 0).in(floats(1, 64, 64, 64)).build()));
        items.add(new Item("bert Slice [128,1,2304] -> 768", op("Slice").in(floats(1, 128, 1, 2304)).constIn(longs(768)).constIn(longs(1536)).constIn(longs(-1)).constIn(longs(1)).build()));
        Tensor ids = Tensor.allocate(DataType.INT64, 1, 128);
        for (int i = 0; i < 128; i++) ids.setScalarLong(i, (i * 7919L) % 30522);
        items.add(new Item("bert Gather embedding [30522,768]", op("Gather").in(floats(1, 30522, 768)).in(ids).build()));
        items.add(new Item("googlenet Concat 4 x [1,c,28,28]", op("Concat").attr("axis", 1L).in(floats(1, 1, 128, 28, 28)).in(floats(2, 1, 192, 28, 28))
                .in(floats(3, 1, 96, 28, 28)).in(floats(4, 1, 64, 28, 28)).build()));
        items.add(new Item("Pad NCHW [1,32,56,56] +1", op("Pad").in(floats(1, 1, 32, 56, 56)).constIn(longs(0, 0, 1, 1, 0, 0, 1, 1)).build()));
        items.add(new Item("Where mask [12,128,128]", op("Where").in(DataHarness.random(DataType.BOOL, 1, 1, 128, 128)).in(Tensor.scalar(-1e9f)).in(floats(2, 12, 128, 128)).build()));
        items.add(new Item("ReduceMean [128,768] last", op("ReduceMean").opset(13).ints("axes", -1).in(floats(1, 128, 768)).build()));

        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf("threads=%d, thread CPU time, %.1f s per item%n", org.ge4j.ops.vector.WorkerPool.shared().threads(), seconds);
        for (Item it : items) {
            if (!it.name().contains(filter)) continue;
            CompiledKernel k = DataHarness.compile(it.c());
            var n = it.c().spec().node();
            CompiledKernel ref = new ReferenceKernelAdapter(it.c().spec(), it.c().schema(), DataHarness.R.kernel(OpRegistry.REFERENCE, n.domain(), n.type()));
            MemorySegment[] args = DataHarness.args(it.c());
            long bytes = 0;
            for (int i = it.c().inputs().size(); i < args.length; i++) bytes += 2 * args[i].byteSize(); // each output byte read once, written once
            double fast = best(mx, k, args, seconds), slow = best(mx, ref, args, seconds / 4);
            System.out.printf("%-40s %10.3f us  %7.2f GB/s   reference %10.3f us  (x%.0f)%n", it.name(), fast * 1e6, bytes / fast / 1e9, slow * 1e6, slow / fast);
        }
    }

    private static double best(ThreadMXBean mx, CompiledKernel k, MemorySegment[] args, double seconds) {
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 6; round++) {
            long runs = 0, t0 = mx.getCurrentThreadCpuTime(), t;
            do {
                for (int i = 0; i < 16; i++) k.run(args);
                runs += 16;
                t = mx.getCurrentThreadCpuTime() - t0;
            } while (t < seconds / 6 * 1e9);
            if (round > 0) best = Math.min(best, t / 1e9 / runs);
        }
        return best;
    }
}
