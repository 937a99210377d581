package org.ge4j.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.ge4j.compiler.plan.ExecutionPlan;
import org.ge4j.compiler.plan.ExecutionPlan.Storage;
import org.ge4j.compiler.plan.ExecutionPlan.ValueSlot;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.util.HugePages;
import org.ge4j.ops.vector.WorkerPool;

/**
 * The per-run state of a {@link StaticModel}: one planned arena and, for each task, its argument array
 * of buffer views, built once. A run binds the caller's input and output buffers into the argument
 * arrays (no allocation) and runs the tasks: in order on the caller's thread for a single-stream plan,
 * on the plan's streams with a {@link StreamExecutor} otherwise. Not thread-safe: one context per thread.
 */
public final class ExecutionContext implements AutoCloseable {
    private final StaticModel model;
    private final Arena arena;
    private final MemorySegment[][] args;
    private final CompiledKernel[] kernels;
    // binding points: for input/output k, the (task, arg) pairs to patch
    private final int[][] inputPatches;
    private final int[][] outputPatches;
    private final long[] inputBytes;
    private final long[] outputBytes;
    private final MemorySegment[] slotSegments;
    private final List<ExecutionPlan.OutputCopy> copies;
    private final StreamExecutor streams; // null: single stream

    ExecutionContext(StaticModel model) { this(model, null); }

    /** A context whose extra streams run on {@code lanes} (null: the shared {@link LanePool}). */
    ExecutionContext(StaticModel model, LanePool lanes) {
        this.model = model;
        ExecutionPlan plan = model.plan();
        this.arena = Arena.ofShared();
        MemorySegment mem = HugePages.allocate(arena, plan.arenaSize());
        MemorySegment weights = model.weights();
        List<ValueSlot> values = plan.values();
        slotSegments = new MemorySegment[values.size()];
        inputBytes = new long[plan.inputCount()];
        outputBytes = new long[plan.outputCount()];
        for (ValueSlot s : values) {
            slotSegments[s.id()] = switch (s.storage()) {
                case ARENA -> mem.asSlice(s.offset(), s.bytes());
                case WEIGHT -> weights.asSlice(s.offset(), s.bytes());
                case CONSTANT -> model.constants().asSlice(s.offset(), s.bytes());
                case INPUT, OUTPUT, NONE -> null;
            };
            if (s.storage() == Storage.INPUT) inputBytes[(int) s.offset()] = s.bytes();
            if (s.storage() == Storage.OUTPUT) outputBytes[(int) s.offset()] = s.bytes();
        }
        for (ExecutionPlan.OutputCopy c : plan.outputCopies()) outputBytes[c.output()] = values.get(c.from()).bytes();
        List<ExecutionPlan.Task> tasks = plan.tasks();
        args = new MemorySegment[tasks.size()][];
        List<List<int[]>> inP = new ArrayList<>(), outP = new ArrayList<>();
        for (int k = 0; k < plan.inputCount(); k++) inP.add(new ArrayList<>());
        for (int k = 0; k < plan.outputCount(); k++) outP.add(new ArrayList<>());
        for (int t = 0; t < tasks.size(); t++) {
            int[] a = tasks.get(t).args();
            args[t] = new MemorySegment[a.length];
            for (int i = 0; i < a.length; i++) {
                if (a[i] < 0) { args[t][i] = MemorySegment.NULL; continue; }
                ValueSlot s = values.get(a[i]);
                args[t][i] = slotSegments[s.id()];
                if (s.storage() == Storage.INPUT) inP.get((int) s.offset()).add(new int[] {t, i});
                if (s.storage() == Storage.OUTPUT) outP.get((int) s.offset()).add(new int[] {t, i});
            }
        }
        inputPatches = flatten(inP);
        outputPatches = flatten(outP);
        kernels = model.kernels();
        copies = plan.outputCopies();
        streams = plan.streams().streams() > 1 ? new StreamExecutor(plan.streams(), kernels, args, lanes != null ? lanes : LanePool.shared()) : null;
    }

    private static int[][] flatten(List<List<int[]>> l) {
        int[][] r = new int[l.size()][];
        for (int k = 0; k < l.size(); k++) {
            r[k] = new int[l.get(k).size() * 2];
            for (int j = 0; j < l.get(k).size(); j++) {
                r[k][2 * j] = l.get(k).get(j)[0];
                r[k][2 * j + 1] = l.get(k).get(j)[1];
            }
        }
        return r;
    }

    public StaticModel model() { return model; }

    public long inputBytes(int k) { return inputBytes[k]; }

    public long outputBytes(int k) { return outputBytes[k]; }

    /**
     * Runs the model: reads {@code inputs[k]} (each exactly the planned bytes of input k), writes
     * {@code outputs[k]}. Allocates nothing itself; kernels on the fast path allocate nothing either.
     */
    public void run(MemorySegment[] inputs, MemorySegment[] outputs) { run(inputs, outputs, null); }

    /** Sees each task's argument buffers right after it ran (for accuracy tools; slows the run down). */
    @FunctionalInterface
    public interface TaskObserver {
        void afterTask(int task, MemorySegment[] args);
    }

    private MemorySegment[] inScratch, outScratch;

    /** Runs on tensors' memory (their byte sizes checked like buffers'); reuses its own argument arrays. */
    public void run(org.ge4j.ir.Tensor[] inputs, org.ge4j.ir.Tensor[] outputs, TaskObserver observer) {
        if (inScratch == null || inScratch.length != inputs.length) inScratch = new MemorySegment[inputs.length];
        if (outScratch == null || outScratch.length != outputs.length) outScratch = new MemorySegment[outputs.length];
        for (int k = 0; k < inputs.length; k++) inScratch[k] = inputs[k].segment();
        for (int k = 0; k < outputs.length; k++) outScratch[k] = outputs[k].segment();
        try {
            run(inScratch, outScratch, observer);
        } finally {
            java.util.Arrays.fill(inScratch, null); // do not keep the caller's tensors alive
            java.util.Arrays.fill(outScratch, null);
        }
    }

    /** The number of streams this context runs the tasks on (1 = in order on the caller's thread). */
    public int streams() { return streams == null ? 1 : streams.lanes(); }

    /** How many lanes the stream pool's workers have run for this context (0 for a single stream). */
    long lanesRunByWorkers() { return streams == null ? 0 : streams.workerLanes(); }

    /**
     * {@link #run(MemorySegment[], MemorySegment[])}, calling {@code observer} (if not null) after each task;
     * with an observer the tasks run in plan order on the caller's thread, whatever the streams.
     */
    public void run(MemorySegment[] inputs, MemorySegment[] outputs, TaskObserver observer) {
        for (int k = 0; k < inputPatches.length; k++) {
            MemorySegment in = inputs[k];
            if (in.byteSize() != inputBytes[k])
                throw new Ge4jException("input " + k + " has " + in.byteSize() + " bytes, the model expects " + inputBytes[k]);
            int[] p = inputPatches[k];
            for (int j = 0; j < p.length; j += 2) args[p[j]][p[j + 1]] = in;
        }
        for (int k = 0; k < outputPatches.length; k++) {
            MemorySegment out = outputs[k];
            if (out.byteSize() != outputBytes[k])
                throw new Ge4jException("output " + k + " has " + out.byteSize() + " bytes, the model produces " + outputBytes[k]);
            int[] p = outputPatches[k];
            for (int j = 0; j < p.length; j += 2) args[p[j]][p[j + 1]] = out;
        }
        CompiledKernel[] ks = kernels;
        WorkerPool pool = WorkerPool.shared();
        pool.beginRun(); // the kernels' pool spins between this run's jobs instead of parking
        try {
            if (observer == null && streams != null) streams.run();
            else if (observer == null) for (int t = 0; t < ks.length; t++) ks[t].run(args[t]);
            else for (int t = 0; t < ks.length; t++) {
                ks[t].run(args[t]);
                observer.afterTask(t, args[t]);
            }
        } finally {
            pool.endRun();
        }
        for (int c = 0; c < copies.size(); c++) {
            ExecutionPlan.OutputCopy oc = copies.get(c);
            MemorySegment src = slotSegments[oc.from()];
            if (src == null) src = sourceOf(oc.from(), inputs, outputs);
            MemorySegment.copy(src, 0, outputs[oc.output()], 0, outputs[oc.output()].byteSize());
        }
    }

    private MemorySegment sourceOf(int value, MemorySegment[] inputs, MemorySegment[] outputs) {
        ValueSlot s = model.plan().values().get(value);
        return s.storage() == Storage.INPUT ? inputs[(int) s.offset()] : outputs[(int) s.offset()];
    }

    @Override public void close() { arena.close(); }
}
