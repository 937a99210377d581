package org.ge4j.ir;

/** A run-time value: a {@link Tensor}, a {@link TensorSequence} or an {@link OptionalValue}. */
public sealed interface Value extends AutoCloseable permits Tensor, TensorSequence, OptionalValue {
    ValueKind kind();

    @Override void close();
}
