package org.ge4j.bench;

import java.util.List;
import java.util.Map;
import org.ge4j.ir.Tensor;

/**
 * One inference engine under benchmark. The life cycle is {@link #load()} (timed by phase),
 * {@link #bind} (inputs copied into the engine's own buffers, untimed), then {@link #run()} many times;
 * the first run may allocate the output buffers, later runs reuse them.
 */
public interface Engine extends AutoCloseable {
    /** Short name printed in the tables: {@code ge4j}, {@code ort}. */
    String name();

    /** Loads the model; returns the time of each phase, in order. */
    List<Phase> load() throws Exception;

    /** The inputs the loaded model expects, when the engine can tell (symbolic dims as -1); empty otherwise. */
    default List<BenchModels.InputSpec> declaredInputs() { return List.of(); }

    /** Binds the inputs (by name) for the following runs. The engine copies them; the caller keeps ownership. */
    void bind(Map<String, Tensor> inputs) throws Exception;

    /** One inference on the bound inputs. */
    void run() throws Exception;

    /** The outputs of the last run, by name, as doubles (for comparing engines). */
    Map<String, double[]> outputs() throws Exception;

    /** One-line description of how the engine is configured (threads, options, execution mode). */
    String describe();

    @Override void close() throws Exception;

    /** A named, timed phase of loading. */
    record Phase(String name, long nanos) {}
}
