package org.ge4j.compiler.plan;

import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Node;

/**
 * The static ("sink") schedule of a graph whose shapes are all static: a flat task list over numbered
 * values, where each value lives in a graph input, a graph output, the merged weights, the planned arena,
 * or this plan's own constants (shape arithmetic evaluated when the plan was made). Pure data: executors
 * turn it into kernels at load time; the .om file stores it.
 *
 * @param constants the bytes of the {@link Storage#CONSTANT} values (each at a 64-byte aligned offset)
 * @param streams   which stream runs each task, and the events between streams (arena reuse respects them)
 */
public record ExecutionPlan(List<ValueSlot> values, List<Task> tasks, List<OutputCopy> outputCopies,
                            long arenaSize, long weightsSize, MemoryPlanner.Plan memory, int inputCount, int outputCount, byte[] constants,
                            StreamPlan streams) {
    public ExecutionPlan {
        if (streams.tasks() != tasks.size())
            throw new IllegalArgumentException("the stream plan covers " + streams.tasks() + " tasks, the plan has " + tasks.size());
    }

    /** A single-stream plan. */
    public ExecutionPlan(List<ValueSlot> values, List<Task> tasks, List<OutputCopy> outputCopies,
                         long arenaSize, long weightsSize, MemoryPlanner.Plan memory, int inputCount, int outputCount, byte[] constants) {
        this(values, tasks, outputCopies, arenaSize, weightsSize, memory, inputCount, outputCount, constants, StreamPlan.single(tasks.size(), "single stream"));
    }

    /** A plan without constants of its own. */
    public ExecutionPlan(List<ValueSlot> values, List<Task> tasks, List<OutputCopy> outputCopies,
                         long arenaSize, long weightsSize, MemoryPlanner.Plan memory, int inputCount, int outputCount) {
        this(values, tasks, outputCopies, arenaSize, weightsSize, memory, inputCount, outputCount, new byte[0]);
    }

    /** Where a value's bytes live. */
    public enum Storage {
        /** A graph input (offset = input number). */
        INPUT,
        /** A graph output, written straight into the caller's buffer (offset = output number). */
        OUTPUT,
        /** The model's merged weights (offset into the weights region). */
        WEIGHT,
        /** The planned arena of an execution context (offset into the arena). */
        ARENA,
        /** Known when the plan was made (shape arithmetic at this plan's shapes): offset into {@link #constants()}. */
        CONSTANT,
        /** Never read: no task computes it. */
        NONE
    }

    /**
     * One value: its type and shape, its storage, and the index (input/output number) or byte offset
     * (weights/arena/constants) in that storage.
     */
    public record ValueSlot(int id, String name, DataType dtype, long[] shape, Storage storage, long offset, long bytes) {}

    /** Run {@code node} with {@code args}: value ids of its inputs (-1 = absent) then of its outputs (-1 = unused). */
    public record Task(Node node, int[] args) {}

    /** After the tasks, copy value {@code from} into graph output {@code output} (outputs bound to inputs, weights or duplicates). */
    public record OutputCopy(int from, int output) {}
}
