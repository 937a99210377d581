package org.ge4j.runtime;

/** Observes a compilation's progress (the CLI shows it on stderr). Stages: parse, optimize, plan, weights, save. */
@FunctionalInterface
public interface CompileListener {
    /** {@code done} of {@code total} steps of {@code stage} are finished; {@code detail} names the current step. */
    void progress(String stage, int done, int total, String detail);

    CompileListener NONE = (stage, done, total, detail) -> {};
}
