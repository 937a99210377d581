package org.ge4j.ops;

/**
 * A set of op schemas and kernels, discovered with {@link java.util.ServiceLoader}: list the implementing
 * class in {@code META-INF/services/org.ge4j.ops.OpLibrary} of your jar and ge4j picks it up.
 *
 * <p>A library may come in {@link #parts()} that register on their own: ge4j's built-in libraries do, and
 * {@link OpRegistry#global()} registers each part only when an op it registers is first looked up (an index of
 * which ops each part registers ships with ge4j: {@code META-INF/ge4j/op-index.txt}). Other libraries are
 * registered whole when the registry is made.
 */
public interface OpLibrary {
    /** A short name for messages and listings. */
    String name();

    /** Registers this library's schemas and kernels (every part). */
    void register(OpRegistry registry);

    /** How many parts {@link #register(OpRegistry, int)} registers one at a time (1: the whole library). */
    default int parts() { return 1; }

    /**
     * Registers part {@code part} (0 ≤ part &lt; {@link #parts()}) alone; all parts in order register what
     * {@link #register(OpRegistry)} does. By default the whole library.
     */
    default void register(OpRegistry registry, int part) { register(registry); }
}
