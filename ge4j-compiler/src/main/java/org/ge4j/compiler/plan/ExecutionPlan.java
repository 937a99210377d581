package org.ge4j.compiler.plan;

import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Node;

/**
 * The static ("sink") schedule of a graph whose shapes are all static: a flat task list over numbered
 * values, where each value lives in a graph input, a graph output, the merged weights, or the planned
 * arena. Pure data: executors turn it into kernels at load time; the .om file stores it.
 */
public record ExecutionPlan(List<ValueSlot> values, List<Task> tasks, List<OutputCopy> outputCopies,
                            long arenaSize, long weightsSize, MemoryPlanner.Plan memory, int inputCount, int outputCount) {

    /** Where a value's bytes live. */
    public enum Storage { INPUT, OUTPUT, WEIGHT, ARENA }

    /**
     * One value: its type and shape, its storage, and the index (input/output number) or byte offset
     * (weights/arena) in that storage.
     */
    public record ValueSlot(int id, String name, DataType dtype, long[] shape, Storage storage, long offset, long bytes) {}

    /** Run {@code node} with {@code args}: value ids of its inputs (-1 = absent) then of its outputs (-1 = unused). */
    public record Task(Node node, int[] args) {}

    /** After the tasks, copy value {@code from} into graph output {@code output} (outputs bound to inputs, weights or duplicates). */
    public record OutputCopy(int from, int output) {}
}
