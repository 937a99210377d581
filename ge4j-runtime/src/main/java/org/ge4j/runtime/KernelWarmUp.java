package org.ge4j.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.ge4j.compiler.plan.ExecutionPlan;
import org.ge4j.ir.Node;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.KernelCompiler;
import org.ge4j.ops.exec.KernelPaths;
import org.ge4j.ops.exec.NodeSpec;

/**
 * Gets the JIT to compile a plan's fast kernels before the first real run: one {@link Miniature} per distinct
 * kind of task (same op, attributes and code paths, tiny shapes), compiled by the same kernel compiler and run
 * round after round on scratch buffers, all kinds interleaved so that each hot method's profile holds all the
 * paths the model takes before C2 compiles it (a path first seen later would deoptimise it). Stops when the
 * rounds have become fast and steady, or at a time cap. Touches no buffer of the model: results stay
 * bit-identical with or without it.
 */
final class KernelWarmUp {
    /** Warm-up stops after this long whatever happened (a machine too busy for the JIT to keep up). */
    static final long CAP_NANOS = Long.getLong("ge4j.warmup.capMillis", 5_000) * 1_000_000;
    private static final boolean TRACE = Boolean.getBoolean("ge4j.warmup.trace");

    private record Item(String key, CompiledKernel kernel, MemorySegment[] args, double work) {}

    /**
     * How much work the warm-up may do, as a multiple of one run of the real model (both counted by
     * {@link Miniature#work}): before C2 has compiled them, kernels run tens of times slower, so a first run
     * without warm-up costs many runs' worth of work; the warm-up spends some of that on miniatures, with every
     * code path in the profiles, and then the first run goes at full speed.
     */
    static final double BUDGET_RUNS = 2;
    /** Fewer rounds than this within the budget (the model is about as small as its miniatures): no warm-up. */
    static final int MIN_ROUNDS = 20;
    /** A model whose run does less work than this (as {@link Miniature#work} counts it) is not warmed up. */
    static final double MIN_WORK = Double.parseDouble(System.getProperty("ge4j.warmup.minWork", "1e5"));
    /** At most this many rounds (a method called once per round crosses C2's thresholds well before). */
    static final int MAX_ROUNDS = 1000;
    /**
     * A round is steady when it takes at most 25 % more than the fastest round so far plus this much: rounds of a
     * microsecond or less (mlp's miniatures once compiled) vary by more than 25 % with the timer and the caches alone,
     * which kept such warm-ups going to their 2x-budget cap.
     */
    static final long STEADY_SLACK_NANOS = 2_000;

    private final CountDownLatch done = new CountDownLatch(1);
    private volatile int kernels, rounds;
    private volatile long nanos;
    private volatile Throwable failure;
    private volatile boolean cancelled;

    private KernelWarmUp() {}

    /** Starts warming the kernels of {@code plan} up, on a daemon thread when {@code background}, else now. */
    static KernelWarmUp start(ExecutionPlan plan, OpRegistry registry, List<String> providers, boolean background) {
        KernelWarmUp w = new KernelWarmUp();
        if (!background) {
            w.run(plan, registry, providers);
            return w;
        }
        Thread t = new Thread(() -> w.run(plan, registry, providers), "ge4j-warmup");
        t.setDaemon(true);
        t.start();
        return w;
    }

    /** Waits until the warm-up has finished. */
    void await() {
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean finished() { return done.getCount() == 0; }

    /** Asks a running warm-up to stop soon (the model is being closed). */
    void cancel() { cancelled = true; }

    /** Distinct miniature kernels run. */
    int kernels() { return kernels; }

    int rounds() { return rounds; }

    /** Wall time of the whole warm-up, from its start to its end. */
    long nanos() { return nanos; }

    private void run(ExecutionPlan plan, OpRegistry registry, List<String> providers) {
        long t0 = System.nanoTime();
        try (Arena arena = Arena.ofShared()) {
            double[] realWork = {0};
            List<Item> items = items(plan, registry, providers, arena, realWork);
            double miniWork = 0;
            for (Item it : items) miniWork += it.work();
            int budget = miniWork <= 0 ? 0 : (int) Math.min(MAX_ROUNDS, BUDGET_RUNS * realWork[0] / miniWork);
            if (TRACE) System.err.printf("ge4j warm-up: %d kernels, work %.3g per round against %.3g per run: %d rounds%n", items.size(), miniWork, realWork[0], budget);
            if (budget < MIN_ROUNDS) items = List.of();
            kernels = items.size();
            if (!items.isEmpty()) loop(items, t0, budget);
        } catch (Throwable e) { // a warm-up problem must never break the model: it only costs speed
            failure = e;
            if (TRACE) e.printStackTrace();
        } finally {
            nanos = System.nanoTime() - t0;
            if (TRACE) System.err.printf("ge4j warm-up: %d kernels, %d rounds, %.1f ms, cpu %.1f ms%n", kernels, rounds, nanos / 1e6,
                    java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1e6);
            done.countDown();
        }
    }

    /** A task with a fast kernel compiler: what its miniature is made from. */
    private record Real(OpSchema schema, KernelCompiler compiler, NodeSpec spec) {}

    /**
     * The miniature of every distinct kind of task that a provider's kernel compiler accepts; none when the whole
     * model does less work per run than {@link #MIN_WORK} (tiny_ops: its first run, unwarmed, takes a few
     * milliseconds of kernel time, less than making the miniatures alone).
     */
    private static List<Item> items(ExecutionPlan plan, OpRegistry registry, List<String> providers, Arena arena, double[] realWork) {
        MemorySegment constants = arena.allocate(Math.max(plan.constants().length, 1), 64);
        MemorySegment.copy(MemorySegment.ofArray(plan.constants()), 0, constants, 0, plan.constants().length);
        List<Real> reals = new ArrayList<>();
        double total = 0;
        for (ExecutionPlan.Task task : plan.tasks()) {
            Node n = task.node();
            OpSchema schema = registry.schemaFor(n);
            if (schema == null) continue;
            KernelCompiler compiler = null;
            for (String p : providers) if ((compiler = registry.compiler(p, n.domain(), n.type())) != null) break;
            if (compiler == null) continue;
            try {
                NodeSpec real = StaticModel.spec(plan, task, schema, constants);
                reals.add(new Real(schema, compiler, real));
                total += Miniature.work(real);
            } catch (RuntimeException e) {
                // no miniature of this one
            }
        }
        if (TRACE && total < MIN_WORK) System.err.printf("ge4j warm-up: work %.3g per run, below %.3g: no warm-up%n", total, MIN_WORK);
        if (total < MIN_WORK) return List.of();
        Set<String> seen = new HashSet<>();
        List<Item> items = new ArrayList<>();
        for (Real r : reals) {
            NodeSpec real = r.spec(), mini;
            KernelPaths paths;
            try {
                paths = r.compiler().paths(real, r.schema()); // the choices of the real node's kernel, which its miniature's makes too
                mini = Miniature.of(real, r.schema(), registry, paths);
            } catch (RuntimeException e) {
                continue;
            }
            Node n = real.node();
            if (TRACE) System.err.println("ge4j warm-up node " + n.type() + " " + real.inputs() + (mini == null ? " no miniature" : " -> " + mini.inputs())
                    + (paths.isEmpty() ? "" : " paths " + paths));
            if (mini == null) continue;
            realWork[0] += Miniature.work(real);
            if (!seen.add(key(mini))) continue;
            CompiledKernel k;
            try {
                k = r.compiler().compile(mini, r.schema());
            } catch (RuntimeException e) {
                continue;
            }
            if (k == null) continue;
            if (TRACE && !k.paths().equals(paths)) System.err.println("ge4j warm-up: the miniature's kernel chose " + k.paths());
            items.add(new Item(key(mini), k, args(mini, arena), Miniature.work(mini)));
        }
        return items;
    }

    /** What makes two miniatures the same: op, attributes, shapes, and which inputs are constant. */
    private static String key(NodeSpec s) {
        StringBuilder sb = new StringBuilder(s.node().domain()).append("::").append(s.node().type());
        s.node().attrs().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        for (int i = 0; i < s.inputs().size(); i++)
            sb.append(" in").append(i).append(s.input(i) == null ? "-" : s.input(i).shape()).append(s.constant(i) != null ? "c" : "");
        for (TensorDesc d : s.outputs()) sb.append(" out").append(d.shape());
        return sb.toString();
    }

    /** Argument buffers: constants as their views, other inputs filled with small varied values, outputs zeroed. */
    private static MemorySegment[] args(NodeSpec s, Arena arena) {
        int nIn = s.inputs().size();
        MemorySegment[] a = new MemorySegment[nIn + s.outputs().size()];
        for (int i = 0; i < nIn; i++) {
            if (s.input(i) == null) { a[i] = MemorySegment.NULL; continue; }
            Tensor c = s.constant(i);
            if (c != null) { a[i] = c.segment(); continue; }
            long n = s.input(i).shape().elementCount();
            MemorySegment m = arena.allocate(Math.max(n * 4, 4), 64);
            for (long j = 0; j < n; j++) m.setAtIndex(ValueLayout.JAVA_FLOAT, j, (float) ((j * 7919 + i * 104729) % 2003) / 1001.5f - 1f);
            a[i] = m;
        }
        for (int o = 0; o < s.outputs().size(); o++) a[nIn + o] = arena.allocate(Math.max(s.output(o).shape().elementCount() * 4, 4), 64);
        return a;
    }

    /**
     * Rounds over all items: {@code budget} rounds, then on while the JIT is still busy (rounds keep the kernels
     * hot while their compilations are pending: C2 compiles only what stays hot) until the last 20 rounds are
     * each within 25 % of the fastest round seen and no compilation finished meanwhile (the JVM's total
     * compilation time unchanged), for at most twice the budget; or the time cap.
     */
    private void loop(List<Item> items, long t0, int budget) throws InterruptedException {
        java.lang.management.CompilationMXBean jit = compilationBean();
        long fastest = Long.MAX_VALUE, jitMillis = -1;
        int steady = 0, quiet = 0;
        for (int r = 0; !cancelled; r++) {
            long s = System.nanoTime();
            // every 16th round the kernels grow their scratch again: the real runs grow it too (larger shapes, other threads);
            // every other of those runs on a thread of its own: the real runs call the kernels from threads that have
            // not used their thread-locals yet (the caller's, the pool's), whose first ThreadLocal.get takes a path
            // that C2 would otherwise compile as a trap (resnet50's first run deoptimised NchwcWinograd.items, NchwcConv.run)
            boolean regrow = (r & 15) == 15;
            if (regrow && (r & 31) == 31) roundOnNewThread(items);
            else {
                if (regrow) org.ge4j.ops.vector.VectorOps.shrinkThreadScratch();
                for (Item it : items) it.kernel().run(it.args());
            }
            long e = System.nanoTime(), d = e - s;
            rounds = r + 1;
            long j = jit == null ? 0 : jit.getTotalCompilationTime();
            quiet = j == jitMillis ? quiet + 1 : 0;
            jitMillis = j;
            if (TRACE && (r < 10 || r % 10 == 0)) System.err.printf("ge4j warm-up: round %d %.1f us (at %.0f ms), jit %d ms%n", r, d / 1e3, (e - t0) / 1e6, j);
            if (!regrow) { // (a round that regrows the scratch is not timed for steadiness)
                if (d < fastest) fastest = d;
                steady = d <= fastest * 5 / 4 + STEADY_SLACK_NANOS ? steady + 1 : 0;
            }
            if (rounds >= budget && steady >= 20 && quiet >= 20 || rounds >= 2 * budget || e - t0 > CAP_NANOS) return;
        }
    }

    /** One round of the items on a new thread (the warm-up thread waits for it). */
    private static void roundOnNewThread(List<Item> items) throws InterruptedException {
        Throwable[] failed = {null};
        Thread t = new Thread(() -> {
            try {
                for (Item it : items) it.kernel().run(it.args());
            } catch (Throwable e) {
                failed[0] = e;
            }
        }, "ge4j-warmup-round");
        t.setDaemon(true);
        t.start();
        t.join();
        if (failed[0] instanceof RuntimeException e) throw e;
        if (failed[0] instanceof Error e) throw e;
    }

    /** The JVM's compilation bean when it reports compilation times, else null (then only the round times count). */
    private static java.lang.management.CompilationMXBean compilationBean() {
        try {
            java.lang.management.CompilationMXBean b = java.lang.management.ManagementFactory.getCompilationMXBean();
            return b != null && b.isCompilationTimeMonitoringSupported() ? b : null;
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
