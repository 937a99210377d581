package org.ge4j.runtime;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Time per task of a loaded {@code .om} (not a test, a tool): 400 warm-up runs, then 60 runs (or the counts given
 * after the file) with an observer that times each task in plan order on the calling thread; prints the total and
 * the tasks, slowest first, with their kernel and input shapes. Float inputs get a smooth ramp, integer inputs
 * zeros. Run with the CLI jar: {@code java --add-modules jdk.incubator.vector -Dge4j.threads=1 -cp
 * ge4j-cli/target/ge4j-cli.jar:ge4j-runtime/target/test-classes org.ge4j.runtime.TaskTimes model.om [warm-up]
 * [runs] [tasks to list, default 60]}; {@code -Dge4j.threads=2} times each task with its kernels on two threads
 * (the tasks still run one after another, in plan order, so stream parallelism is not measured). A summary per
 * kernel class follows the list; {@code -Dtasktimes.median=true} lists each task's median time instead of its mean
 * (robust when other processes share the cores). Unlike a kernel micro-benchmark, each task here meets caches as the model leaves them (its input just
 * written by the task before, its weights not read since the last run); and a plain {@code java} like this one,
 * without the launcher's JIT settings, runs the kernels as an application embedding ge4j would.
 */
public final class TaskTimes {
    private TaskTimes() {}

    public static void main(String[] a) throws Exception {
        CompiledModel m = CompiledModel.load(Path.of(a[0]));
        StaticModel sm = m.anyStaticModel();
        ExecutionContext ctx = sm.newContext();
        var plan = sm.plan();
        int nIn = plan.inputCount();
        MemorySegment[] in = new MemorySegment[nIn];
        java.lang.foreign.Arena ar = java.lang.foreign.Arena.ofShared();
        var ins = m.inputs(); var outs = m.outputs();
        for (int i = 0; i < nIn; i++) { // floats: a smooth ramp; integers (ids, indexes): zeros, valid for any table
            var d = ins.get(i);
            long n = d.shape().elementCount();
            in[i] = ar.allocate(Math.max(1, d.dtype().storageBytes(n)), 64);
            if (d.dtype() == org.ge4j.ir.DataType.FLOAT)
                for (long j = 0; j < n; j++) in[i].setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, j, (float) Math.sin(j));
        }
        MemorySegment[] out = new MemorySegment[outs.size()];
        for (int i = 0; i < out.length; i++) out[i] = ar.allocate(Math.max(1, outs.get(i).dtype().storageBytes(outs.get(i).shape().elementCount())), 64);
        int tasks = plan.tasks().size();
        long[] acc = new long[tasks];
        long[] last = {0};
        int warm = a.length > 1 ? Integer.parseInt(a[1]) : 400, runs = a.length > 2 ? Integer.parseInt(a[2]) : 60;
        for (int r = 0; r < warm; r++) ctx.run(in, out);
        long total = 0;
        long[][] each = new long[tasks][runs];
        long[] totals = new long[runs];
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            last[0] = t0;
            int run = r;
            ctx.run(in, out, (t, args) -> { long now = System.nanoTime(); acc[t] += now - last[0]; each[t][run] = now - last[0]; last[0] = now; });
            totals[r] = System.nanoTime() - t0;
            total += totals[r];
        }
        if (Boolean.getBoolean("tasktimes.median")) {
            // per task: the median run times runs (robust when other processes share the machine)
            for (int t = 0; t < tasks; t++) {
                Arrays.sort(each[t]);
                acc[t] = each[t][runs / 2] * runs;
            }
        }
        Arrays.sort(totals);
        System.out.printf("total %.2f ms per run (median %.2f ms)%n", total / 1e6 / runs, totals[runs / 2] / 1e6);
        Integer[] idx = new Integer[tasks];
        for (int i = 0; i < tasks; i++) idx[i] = i;
        Arrays.sort(idx, (x, y) -> Long.compare(acc[y], acc[x]));
        int list = a.length > 3 ? Integer.parseInt(a[3]) : 60;
        for (int k = 0; k < Math.min(list, tasks); k++) {
            int t = idx[k];
            var task = plan.tasks().get(t);
            var n = task.node();
            StringBuilder shapes = new StringBuilder();
            for (int i = 0; i < n.inputCount(); i++) { int v = task.args()[i]; if (v >= 0) shapes.append(Arrays.toString(plan.values().get(v).shape())).append(' '); }
            System.out.printf("%3d %8.3f ms  %-12s %s %s%n", t, acc[t] / 1e6 / runs, n.type(), sm.kernels()[t].getClass().getSimpleName(), shapes);
        }
        java.util.Map<String, long[]> byKernel = new java.util.TreeMap<>();
        for (int t = 0; t < tasks; t++) {
            long[] v = byKernel.computeIfAbsent(sm.kernels()[t].getClass().getSimpleName(), k -> new long[2]);
            v[0] += acc[t];
            v[1]++;
        }
        System.out.println("by kernel:");
        byKernel.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0]))
                .forEach(e -> System.out.printf("  %-28s %8.3f ms  %3d tasks%n", e.getKey(), e.getValue()[0] / 1e6 / runs, e.getValue()[1]));
    }
}
